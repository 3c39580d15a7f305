"""relu and the clamped ("safe") ops, for log-likelihoods that must stay finite.

One primitive carries the calculus: `clip(x, lo, hi)`, whose derivative is 1 strictly
inside (lo, hi) and 0 outside and at the clamp points (the subgradient chosen there is
the clamped side's). Everything else is composed from it and carries no calculus of its
own, so away from the clamp every derivative, to any order, is exactly the unclamped
op's, and at or past the clamp the value is the clamped one's and every derivative in
the clamped argument is 0: finite, never NaN or infinite.
"""

import math

import numpy as np

from .ops import absolute, divide, exp, log, log1p, scaled
from .primitive import primitive
from .value import as_value

TINY = float(np.finfo(float).tiny)      # the smallest normal float: log(TINY) ≈ −708.4
EPSNEG = float(np.finfo(float).epsneg)  # −1 + EPSNEG is the float just above −1
EXP_MAX = 700.0                         # exp(700) ≈ 1e304 leaves room for a few products


def _as_float(out):
    return float(out) if np.ndim(out) == 0 else out


def _inside(x, lo, hi):
    """1.0 where lo < x < hi (a bound of None is no bound), else 0.0."""
    keep = np.ones(np.shape(x), dtype=bool)
    if lo is not None:
        keep &= np.greater(x, lo)
    if hi is not None:
        keep &= np.less(x, hi)
    return _as_float(keep.astype(float))


_inside_op = primitive("inside", _inside, None, replayable=True)
_inside_op.__doc__ = "1 where lo < x < hi, else 0: clip's derivative (no gradient of its own)."

_clip = primitive("clip", lambda x, lo, hi: _as_float(np.clip(x, lo, hi)),
                  lambda g, ans, x, lo, hi: scaled(g, _inside_op(x, lo=lo, hi=hi)),
                  replayable=True)


def _bound(name, v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number; got {type(v).__name__}")
    if math.isnan(v):
        raise ValueError(f"{name} must not be NaN")
    return float(v)


def _positive(name, v):
    v = _bound(name, v)
    if v is None or not 0.0 < v < math.inf:
        raise ValueError(f"{name} must be a positive finite number; got {v}")
    return v


def clip(x, lo=None, hi=None):
    """x held inside [lo, hi] (None: no bound on that side). The derivative is 1 strictly
    inside and 0 outside and at the bounds."""
    lo, hi = _bound("lo", lo), _bound("hi", hi)
    if lo is None and hi is None:
        raise ValueError("clip needs a lower bound lo, an upper bound hi, or both")
    if lo is not None and hi is not None and not lo <= hi:
        raise ValueError(f"clip needs lo <= hi; got lo={lo}, hi={hi}")
    return _clip(x, lo=lo, hi=hi)


def relu(x):
    """max(x, 0). Its derivative is 1 for x > 0 and 0 for x < 0; at x = 0, where relu has
    no derivative, the subgradient 0 is used (any value in [0, 1] is one)."""
    return clip(x, lo=0.0)


def log_safe(x, eps=TINY):
    """log(max(x, eps)): the log of a value (a probability, a density) that may underflow
    to 0, finite there (log(eps)) instead of −inf, with derivative 0 at and below eps.
    The default eps, the smallest normal float, leaves every normal positive x exact."""
    return log(clip(x, lo=_positive("eps", eps)))


def log1p_safe(x, eps=EPSNEG):
    """log(1 + max(x, −1 + eps)): log1p of a value that may reach −1 (1 − a probability that
    rounds to 1), finite there instead of −inf, with derivative 0 at and below −1 + eps."""
    return log1p(clip(x, lo=-1.0 + _positive("eps", eps)))


def exp_safe(x, hi=EXP_MAX):
    """exp(min(x, hi)): finite where exp would overflow (a trial step far out), with
    derivative 0 at and above hi."""
    hi = _bound("hi", hi)
    if hi is None or not math.isfinite(hi):
        raise ValueError(f"hi must be a finite number; got {hi}")
    return exp(clip(x, hi=hi))


_sign_or_one = primitive("sign_or_one", lambda y: _as_float(np.where(np.less(y, 0.0), -1.0, 1.0)),
                         None, replayable=True)
_sign_or_one.__doc__ = "−1 where y < 0, else +1 (0 counts as positive): no gradient."


def div_safe(x, y, eps=1e-12):
    """x / y with y held at least eps away from 0 (its sign kept; y = 0 counts as positive):
    x / ±eps where |y| < eps, instead of ±inf or NaN, with derivative 0 in y there. eps is in
    y's units: choose it well below any |y| that can occur at the fit."""
    eps = _positive("eps", eps)
    y = as_value(y)
    return divide(x, _sign_or_one(y) * clip(absolute(y), lo=eps))
