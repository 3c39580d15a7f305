"""Regression: any parameter of a family as a function of covariates (`regress`).

The fitting layer's regression: it imports the core, the families, the optimizers and
the fit helpers; nothing but `femtograd/__init__.py` imports it.
"""

from .links import LINKS, LOCATION, Link
from .fitting import regress
from .result import RegressionFit

__all__ = ["regress", "RegressionFit", "LOCATION", "LINKS", "Link"]
