"""Stopping rules shared by the optimizers, free of units.

A log-likelihood can be multiplied by any constant (frequency weights of 1e-300, or
1e300) and its parameters measured in any units; a stopping rule that compares a
gradient with a fixed number, or with max(1, |loglik|), stops at the start in one
system and never in another. The rules here compare like with like:

- the Newton decrement gᵀ(−H)⁻¹g, the gain a Newton step promises, is measured in
  log-likelihood units and is unchanged by any linear change of parameter units;
  it is compared with the size of the log-likelihood itself, |loglik| (a maximum of
  exactly 0 is reached by Newton's last steps, where the gradient vanishes; a start far
  away must not loosen the rule, so the start's log-likelihood does not count);
- a step that cannot be taken because the gain it promises is below rounding of
  the log-likelihood means that no further increase is possible.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..core.tolerances import GTOL, ROUNDING
from .options import check_option


@dataclass(frozen=True)
class Tolerances:
    """Convergence tolerances, all relative (no units):

    - gtol: converged when the Newton decrement gᵀ(−H)⁻¹g ≤ gtol²·scale, with −H positive
      definite on the optimizer's scale (an estimate within about gtol·√scale standard
      errors of the maximum; one more Newton step is then taken, which squares that);
    - xtol, ftol: BFGS's small-step rule, max |Δx| ≤ xtol·max(|x|) and
      |Δloglik| ≤ ftol·scale, both;
    - at most max_iter iterations.

    Each is range-checked when the tolerances are made (`options.check_option`); they
    cannot change afterwards, so one instance serves any number of runs.
    """

    gtol: float = GTOL
    xtol: float = 1e-10
    ftol: float = 1e-13
    max_iter: int = 200

    def __post_init__(self):
        for name in ("gtol", "xtol", "ftol", "max_iter"):
            object.__setattr__(self, name, check_option(name, getattr(self, name)))

    def decrement_small(self, decrement, size):
        """Whether a Newton decrement (≥ 0) is negligible beside a log-likelihood of `size`."""
        return decrement <= self.gtol * self.gtol * size

    def step_small(self, dx, x, df, size):
        return (max_abs(dx) <= self.xtol * max_abs(x) and abs(df) <= self.ftol * size)

    @staticmethod
    def stalled(gain, size):
        """A predicted gain too small to see in floating point: no further progress possible."""
        return abs(gain) <= ROUNDING * size


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
