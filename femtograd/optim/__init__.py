"""Optimizers that maximize a log-likelihood: Newton, BFGS, clipped gradient ascent.

Each takes an objective (`value`, `value_grad`, `value_grad_hess` of a vector on
the optimizer's scale) and a start, and returns an `OptimResult`.
"""

from .clip import grad_clip
from .linesearch import Step, backtrack
from .objective import FunctionObjective, GraphObjective
from .result import OptimResult
from .stopping import Tolerances
from .transforms import TRANSFORMS, transform_for
from .newton import newton, newton_direction
from .bfgs import bfgs
from .gradient_ascent import gradient_ascent
from .lbfgs import lbfgs
from .steepest_ascent import steepest_ascent

OPTIMIZERS = {"newton": newton, "bfgs": bfgs, "gradient_ascent": gradient_ascent,
              "lbfgs": lbfgs, "steepest_ascent": steepest_ascent}
