"""The logistic maps between probabilities and the real line: logit (sigmoid's inverse),
softmax and log_softmax (sigmoid's multivariate form).

softmax and log_softmax are composed from `logsumexp`, so they carry no calculus of their
own and stay finite for inputs of any size.
"""

from scipy import special

from .ops import exp, logsumexp, reshape, scaled
from .primitive import primitive
from .value import as_value

logit = primitive("logit", special.logit, lambda g, ans, x: scaled(g, 1.0 / (x * (1.0 - x))))
logit.__doc__ = "log(p / (1 − p)) for 0 < p < 1: the inverse of sigmoid."


def log_softmax(x, axis=None):
    """x − logsumexp(x) over `axis` (None: every element), of x's shape: log probabilities
    proportional to exp(x), without overflow."""
    x = as_value(x)
    lse = logsumexp(x, axis=axis)
    if axis is not None:  # give the reduced axis back as length 1, to broadcast against x
        axes = {a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)}
        lse = reshape(lse, shape=tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    return x - lse


def softmax(x, axis=None):
    """exp(x) / Σ exp(x) over `axis` (None: every element), of x's shape: probabilities
    that sum to one along it (scipy.special.softmax's convention)."""
    return exp(log_softmax(x, axis=axis))
