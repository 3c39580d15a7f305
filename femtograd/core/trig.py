"""Circular and hyperbolic functions: sin, cos and tanh.

Each derivative is written in these same ops (sin′ = cos, cos′ = −sin, tanh′ = 1 − tanh²),
so derivatives of every order are exact.
"""

import numpy as np

from .ops import neg, scaled, square
from .primitive import primitive

sin = primitive("sin", np.sin, lambda g, ans, x: scaled(g, cos(x)))
cos = primitive("cos", np.cos, lambda g, ans, x: neg(scaled(g, sin(x))))
tanh = primitive("tanh", np.tanh, lambda g, ans, x: scaled(g, 1.0 - square(ans)))
