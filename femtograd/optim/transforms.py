"""Unconstrained scales for constrained parameters: log for positive, logit for the unit interval.

Each transform maps an unconstrained x to the natural-scale parameter p and gives
p'(x) and p''(x), so that a natural-scale gradient g and Hessian H become
g_x = g·p' and H_x = J H J + diag(g·p'') on the optimizer's scale. Plain floats:
these run once per parameter per iteration.
"""

import math

CONSTRAINTS = ("real", "positive", "unit")


class Real:
    name = "real"
    lower, upper = -math.inf, math.inf

    @staticmethod
    def contains(p):
        return math.isfinite(p)

    @staticmethod
    def to_unconstrained(p):
        return p

    @staticmethod
    def to_natural(x):
        return x

    @staticmethod
    def derivatives(x):
        """(p, dp/dx, d2p/dx2) at x."""
        return x, 1.0, 0.0


class Positive:
    name = "positive"
    lower, upper = 0.0, math.inf

    @staticmethod
    def contains(p):
        return 0.0 < p < math.inf

    @staticmethod
    def to_unconstrained(p):
        return math.log(p)

    @staticmethod
    def to_natural(x):
        return math.exp(x) if x < 709.0 else math.inf

    @staticmethod
    def derivatives(x):
        p = Positive.to_natural(x)
        return p, p, p


class Unit:
    name = "unit"
    lower, upper = 0.0, 1.0

    @staticmethod
    def contains(p):
        return 0.0 < p < 1.0

    @staticmethod
    def to_unconstrained(p):
        return math.log(p) - math.log1p(-p)

    @staticmethod
    def to_natural(x):
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def derivatives(x):
        p = Unit.to_natural(x)
        d = p * (1.0 - p)
        return p, d, d * (1.0 - 2.0 * p)


TRANSFORMS = {"real": Real, "positive": Positive, "unit": Unit}


def transform_for(constraint):
    """The transform class for a constraint name; a clear error for anything else."""
    try:
        return TRANSFORMS[constraint]
    except (KeyError, TypeError):
        raise ValueError(f"unknown constraint {constraint!r}; use one of {list(CONSTRAINTS)}") \
            from None
