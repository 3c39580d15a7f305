"""What every optimizer returns: one result type, with a machine-readable status."""

from dataclasses import dataclass, field

import numpy as np

# status values
CONVERGED = "converged"
MAX_ITER = "max_iterations"
LINE_SEARCH_FAILED = "line_search_failed"
NON_FINITE = "non_finite"
BOUNDARY = "boundary"  # set by the fitting layer: the maximum is not attained inside the space


@dataclass
class OptimResult:
    """The end point of a maximization, on the optimizer's (unconstrained) scale.

    `status` is one of "converged", "max_iterations", "line_search_failed",
    "non_finite" (and "boundary", set by fit_mle when the log-likelihood still
    rises toward the edge of the parameter space); `message` says in words which rule stopped the run.
    """

    x: np.ndarray
    loglik: float
    grad: np.ndarray
    iterations: int
    status: str
    message: str
    method: str
    evaluations: int = 0
    history: list = field(default_factory=list, repr=False)

    @property
    def converged(self):
        return self.status == CONVERGED

    @property
    def grad_norm(self):
        return float(np.max(np.abs(self.grad))) if len(self.grad) else 0.0
