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


# -- the ends the optimizers share ---------------------------------------------------------
def non_finite_start(x, f, method):
    """The result when the log-likelihood is not finite at the start (one evaluation)."""
    return OptimResult(x, f, np.full(len(x), np.nan), 0, NON_FINITE,
                       "the log-likelihood is not finite at the start", method, 1)


def no_ascent(x, f, g, iterations, stalled, method, evals, history):
    """The result when no step increases the log-likelihood: converged when the gain the
    step promised was below rounding (`stalled`), a failed line search otherwise."""
    return OptimResult(x, f, g, iterations, CONVERGED if stalled else LINE_SEARCH_FAILED,
                       "no further increase possible within rounding" if stalled else
                       "line search failed: no step increases the log-likelihood",
                       method, evals, history)


def small_step(x, f, g, iterations, method, evals, history):
    """The result when the last step and its change in log-likelihood are below tolerance."""
    return OptimResult(x, f, g, iterations, CONVERGED,
                       "step and change in log-likelihood below tolerance", method, evals,
                       history)


def out_of_iterations(x, f, g, max_iter, method, evals, history):
    """The result after `max_iter` iterations without convergence."""
    return OptimResult(x, f, g, max_iter, MAX_ITER, f"no convergence in {max_iter} iterations",
                       method, evals, history)
