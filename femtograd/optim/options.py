"""The optimizers' options and their ranges, checked in one place.

Every option a user can set (through `fit_mle(**options)`, `Tolerances(...)` or an
optimizer's keywords) has one rule here. A value outside its range is a `ValueError`
naming the option and the value, raised before the objective is evaluated.
"""

import math
import numbers


def _number(value):  # (plain floats and ints first: Tolerances() is made every fit)
    return type(value) in (float, int) or (isinstance(value, numbers.Real)
                                           and not isinstance(value, bool))


def _tolerance(value):
    return _number(value) and math.isfinite(value) and value >= 0


def _positive(value):  # +inf allowed: no limit
    return _number(value) and value > 0  # NaN fails the comparison


def _positive_finite(value):
    return _number(value) and 0 < value < math.inf


def _count(value):
    return (type(value) is int or (isinstance(value, numbers.Integral)
                                   and not isinstance(value, bool))) and value >= 1


_TOLERANCE = (_tolerance, float, "finite and >= 0")
_COUNT = (_count, int, "an integer >= 1")
RULES = {
    "gtol": _TOLERANCE,
    "xtol": _TOLERANCE,
    "ftol": _TOLERANCE,
    "tol": _TOLERANCE,
    "max_iter": _COUNT,
    "iterations": _COUNT,
    "max_step": (_positive, float, "positive (inf: no cap)"),
    "max_norm": (_positive, float, "positive (inf: no clipping)"),
    "lr": (_positive_finite, float, "positive and finite"),
    "memory": _COUNT,  # L-BFGS's stored pairs
}


def check_option(name, value):
    """`value` as the option's type (float or int) when it is in range, else a ValueError."""
    ok, kind, expected = RULES[name]
    if not ok(value):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    return kind(value)
