"""Small helpers shared by the fitting layer (mle.py and the fit package), below all of them.

Nothing here imports another femtograd module, so every module of the layer can
import it without an import circle.
"""

import functools
import numbers
import os
import sys
from functools import lru_cache

import numpy as np
import pandas as pd

# What one fit may raise because of its data (numpy's LinAlgError is a ValueError;
# FloatingPointError and ZeroDivisionError are ArithmeticErrors): a bootstrap replicate or
# a DataFrame row that raises one is reported, not propagated. Programming errors propagate.
FIT_ERRORS = (ValueError, ArithmeticError)

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SKIP = (_PACKAGE, os.path.abspath(functools.__file__))


def user_stacklevel():
    """The stacklevel of the first caller outside femtograd (and functools' cached_property),
    so that a warning points at the user's line."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_SKIP):
        frame, level = frame.f_back, level + 1
    return level


def names_index(names, name=None):
    """A pandas Index of parameter names, named `name`: a new Index object (its name is its
    own to set) over one built once per tuple of names and name (building it is most of a
    small Series' cost)."""
    return _index_of(tuple(names), name).view()


def element_names(name, shape):
    """The names of a parameter's elements: `name` itself for a scalar, "beta[0]", "beta[1]",
    … for a vector and "m[0,1]" for a matrix (row-major, numpy's order)."""
    if shape == ():
        return (name,)
    return tuple(f"{name}[{','.join(map(str, i))}]" for i in np.ndindex(*shape))


@lru_cache(maxsize=256)
def _index_of(names, name):
    return pd.Index(list(names), name=name)


def check_level(level):
    """A confidence level: a real number strictly between 0 and 1 (a string is a TypeError)."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(f"level must be a number strictly between 0 and 1 (e.g. 0.95); got "
                        f"{level!r} ({type(level).__name__})")
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1; got {level}")
    return float(level)


def fitted_model(fit, what, instead="write the quantity in femtograd ops and use "
                                    "fit.delta_method()"):
    """The fit's bound generator; for a fit of a plain log-likelihood function, which has no
    distribution and no rows to ask, the one TypeError every such question raises: it
    names `what` was asked and what to do `instead`."""
    if fit.model is None:
        raise TypeError(f"{what} needs a fitted distribution (a generator such as "
                        "fit_mle(\"weibull\", x)); this fit is of a plain log-likelihood "
                        f"function, which has no distribution and no rows: {instead}")
    return fit.model
