"""Stopping rules shared by the optimizers: gradient, step and change in log-likelihood."""

import math
from dataclasses import dataclass

import numpy as np

from .options import check_option


@dataclass(frozen=True)
class Tolerances:
    """Convergence tolerances.

    - gradient: max |g| ≤ gtol·max(1, |loglik|) (scale-free: log-likelihoods grow with n);
    - step and change: max |Δx| ≤ xtol·(1 + max |x|) and |Δloglik| ≤ ftol·(1 + |loglik|), both;
    - at most max_iter iterations.

    Each is range-checked when the tolerances are made (`options.check_option`); they
    cannot change afterwards, so one instance serves any number of runs.
    """

    gtol: float = 1e-9
    xtol: float = 1e-10
    ftol: float = 1e-13
    max_iter: int = 200

    def __post_init__(self):
        for name in ("gtol", "xtol", "ftol", "max_iter"):
            object.__setattr__(self, name, check_option(name, getattr(self, name)))

    def gradient_small(self, g, f):
        return max_abs(g) <= self.gtol * max(1.0, abs(f))

    def step_small(self, dx, x, df, f):
        return (max_abs(dx) <= self.xtol * (1.0 + max_abs(x))
                and abs(df) <= self.ftol * (1.0 + abs(f)))

    def stalled(self, gain, f):
        """A predicted gain too small to see in floating point: no further progress possible."""
        return abs(gain) <= 1e-10 * (1.0 + abs(f))


def max_abs(v):
    """max |v_i| as a float (0 for an empty vector, NaN if any is NaN, as numpy's), in
    plain floats: an optimizer's vectors are short, and numpy's per-call overhead is
    most of the cost there."""
    values = np.asarray(v, dtype=float).ravel().tolist()
    if not all(x == x for x in values):
        return math.nan
    return max(map(abs, values), default=0.0)


def tolerances(options):
    """Tolerances from keyword options (gtol, xtol, ftol, max_iter), which are taken out of
    `options`; the rest untouched."""
    kw = {k: options.pop(k) for k in ("gtol", "xtol", "ftol", "max_iter") if k in options}
    return Tolerances(**kw) if kw else DEFAULT


DEFAULT = Tolerances()
