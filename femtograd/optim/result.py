"""What every optimizer returns: one result type, with a machine-readable status."""

from dataclasses import dataclass, field

import numpy as np

# status values: what stopped the run, and whether its end is a maximum
CONVERGED = "converged"                    # an interior maximum (the only status that is)
MAX_ITER = "max_iterations"                # out of iterations, still rising
LINE_SEARCH_FAILED = "line_search_failed"  # no step increases the log-likelihood, not stationary
NON_FINITE = "non_finite"                  # the log-likelihood or its derivatives not finite
FLAT = "flat"                              # stationary, but flat in some direction: no unique maximum
BOUNDARY = "boundary"                      # the log-likelihood still rises toward an edge or infinity
NOT_STATIONARY = "not_stationary"          # a rule in the user's units was met far from the maximum

STATUSES = (CONVERGED, MAX_ITER, LINE_SEARCH_FAILED, NON_FINITE, FLAT, BOUNDARY, NOT_STATIONARY)

FLAT_MESSAGE = ("stationary point where the log-likelihood is not strictly concave: it is flat "
                "in some direction and no direction leads up")


@dataclass
class OptimResult:
    """The end point of a maximization, on the optimizer's (unconstrained) scale.

    `status` is one of `STATUSES`: "converged" (an interior maximum: Newton decrement
    below tolerance where the log-likelihood is strictly concave), "max_iterations",
    "line_search_failed", "non_finite", "flat" (stationary but flat in some direction);
    fit_mle's verdict adds "boundary" (the log-likelihood still rises toward an edge of
    the parameter space or toward infinity) and "not_stationary" (an optimizer's own rule
    in the user's units, such as gradient ascent's |g| < tol, was met where the Newton
    decrement is not small). `message` says in words which rule stopped the run and,
    for a fit that has no maximum, which parameter and why.
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
    edge: tuple = ()  # with "boundary"/"flat": the parameters (names) the verdict names

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
    """The result when the last step and its change in log-likelihood are below tolerance
    (BFGS; fit_mle checks the end with the exact Hessian)."""
    return OptimResult(x, f, g, iterations, CONVERGED,
                       "step and change in log-likelihood below tolerance", method, evals,
                       history)


def out_of_iterations(x, f, g, max_iter, method, evals, history):
    """The result after `max_iter` iterations without convergence."""
    return OptimResult(x, f, g, max_iter, MAX_ITER, f"no convergence in {max_iter} iterations",
                       method, evals, history)
