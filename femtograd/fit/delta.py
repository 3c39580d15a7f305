"""The delta method: estimate and standard error of any function of the parameters.

`fn` is written with femtograd ops; it is called with one scalar leaf per
parameter at the MLE (by name when its arguments are parameter names, otherwise
in parameter order), and its gradient comes from reverse mode:
se = sqrt(∇fᵀ · cov · ∇f).
"""

import inspect
import math
from dataclasses import dataclass

import numpy as np

from ..core import Value, grad_nodes
from .common import check_level
from .intervals import wald_interval


@dataclass
class DeltaMethod:
    estimate: float
    se: float
    gradient: np.ndarray
    level: float = 0.95

    def confint(self, level=None):
        """(lower, upper) as floats: estimate ± z·se."""
        level = self.level if level is None else level
        check_level(level)
        lower, upper = wald_interval(self.estimate, self.se, level)
        return float(lower), float(upper)


def delta_method(fit, fn, level=0.95):
    check_level(level)
    names = list(fit.param_names)
    leaves = [Value(float(v), name=n) for v, n in zip(fit.mle, names)]
    try:
        args = [p.name for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):
        args = []
    if args and all(a in names for a in args):
        out = fn(**{a: leaves[names.index(a)] for a in args})
    else:
        out = fn(*leaves)
    if not isinstance(out, Value):
        out = Value.constant(float(out))
    if out.shape != ():
        raise ValueError(f"delta_method needs a scalar function; got shape {out.shape}")
    grad = np.array([float(g.data) for g in grad_nodes(out, leaves)])
    cov = fit.cov.to_numpy()
    var = float(grad @ cov @ grad)
    se = math.sqrt(var) if var >= 0 else math.nan
    return DeltaMethod(float(out.data), se, grad, level)
