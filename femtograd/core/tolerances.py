"""Tolerances shared by the optimizers and by the families' starts, whose Newton steps in
plain floats stop by the optimizers' own rules (so that a fit from a start only confirms
it). The families sit below the optimizers, so the numbers live here, where both import them.
"""

GTOL = 1e-9
"""The optimizers' default gtol: converged when the Newton decrement is ≤ GTOL²·|loglik|."""

DECREMENT = GTOL * GTOL
"""That rule's bound on the Newton decrement, relative to |loglik|."""

ROUNDING = 1e-10
"""A gain below ROUNDING·|loglik| is lost in the rounding of the log-likelihood's sum."""

NEGLIGIBLE = 1e-14
"""A last step moving no coordinate by more than this, relative (or whose decrement is below
NEGLIGIBLE²·|loglik|), is not taken: it is at the rounding of the derivatives that propose it."""


def negligible_decrement(gain, size):
    """Is a last Newton step's decrement `gain` below NEGLIGIBLE²·|loglik| (`size`)? Then it
    is not taken (floats, or arrays of replicates)."""
    return gain <= NEGLIGIBLE * NEGLIGIBLE * size


def negligible_move(steps, at):
    """Does a last step move no coordinate `at` by more than NEGLIGIBLE of it (`steps`, the
    moves, in the optimizer's unconstrained coordinates)? Then it is not taken."""
    return all(abs(s) <= NEGLIGIBLE * abs(a) for s, a in zip(steps, at))
