"""Stopping rules shared by the optimizers: gradient, step and change in log-likelihood."""

from dataclasses import dataclass

import numpy as np


@dataclass
class Tolerances:
    """Convergence tolerances.

    - gradient: max |g| ≤ gtol·max(1, |loglik|) (scale-free: log-likelihoods grow with n);
    - step and change: max |Δx| ≤ xtol·(1 + max |x|) and |Δloglik| ≤ ftol·(1 + |loglik|), both;
    - at most max_iter iterations.
    """

    gtol: float = 1e-9
    xtol: float = 1e-10
    ftol: float = 1e-13
    max_iter: int = 200

    def gradient_small(self, g, f):
        return len(g) == 0 or float(np.max(np.abs(g))) <= self.gtol * max(1.0, abs(f))

    def step_small(self, dx, x, df, f):
        return (float(np.max(np.abs(dx))) <= self.xtol * (1.0 + float(np.max(np.abs(x))))
                and abs(df) <= self.ftol * (1.0 + abs(f)))

    def stalled(self, gain, f):
        """A predicted gain too small to see in floating point: no further progress possible."""
        return abs(gain) <= 1e-10 * (1.0 + abs(f))


def tolerances(options):
    """Tolerances from keyword options (gtol, xtol, ftol, max_iter); the rest untouched."""
    kw = {k: options.pop(k) for k in ("gtol", "xtol", "ftol", "max_iter") if k in options}
    return Tolerances(**kw)
