"""The calculus table: every primitive op, its forward and its derivative rules.

One line of calculus per argument; derived functions (mean, trigamma, log of the
normal survival function, log_sigmoid, ...) are written on top of primitives and
carry no calculus of their own.
"""

import functools
import math
import operator

import numpy as np
from scipy import special

from .primitive import primitive, unbroadcast
from .value import as_value

LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
LOG_PI = float(np.log(np.pi))


def _plain(out):
    """A 0-d array result as a float, so scalar nodes always hold floats."""
    return float(out) if np.ndim(out) == 0 else out


def _is_one(v):
    return v._op is None and not v._variable and v.shape == () and v._data == 1.0


def scaled(g, x):
    """`g * x` in a derivative rule, skipping the product when `g` is the seed 1."""
    return x if _is_one(g) else product(g, x)


# -- simplifications for derivative rules ------------------------------------------------
# The rules build their nodes through these: each array node is one more pass over the data
# at every evaluation, so a sign or a scalar factor is kept on a scalar node (or moved out of
# a sum) instead of being applied to an array. They look at ops and shapes only (the
# structure), so the nodes they build stay replayable. User-facing operators never fold.
def _scalar_and_array(v):
    """(s, a) when `v` is a product s·a of a scalar node and an array node of v's shape."""
    a, b = v._args
    if not a.shape and b.shape == v.shape:
        return a, b
    if not b.shape and a.shape == v.shape:
        return b, a
    return None


def neg(x):
    """`-x` in a derivative rule: a double negation cancels, and the sign of an array
    product or quotient with a scalar operand goes onto that scalar."""
    op = x._op
    if op is negative:
        return x._args[0]
    if x.shape:
        if op is multiply:
            pair = _scalar_and_array(x)
            if pair is not None:
                return multiply(neg(pair[0]), pair[1])
        elif op is divide:
            a, b = x._args
            if not b.shape and a.shape == x.shape:
                return divide(a, neg(b))
            if not a.shape and b.shape == x.shape:
                return divide(neg(a), b)
    return negative(x)


def product(a, b):
    """`a * b` in a derivative rule: a scalar times a negated array, or times a product of
    a scalar and an array, multiplies the scalars first (one array pass, not two)."""
    a, b = as_value(a), as_value(b)
    if not a.shape and b.shape:
        op = b._op
        if op is negative:
            return multiply(neg(a), b._args[0])
        if op is multiply:
            pair = _scalar_and_array(b)
            if pair is not None:
                return multiply(multiply(a, pair[0]), pair[1])
    elif a.shape and not b.shape:
        return product(b, a)
    return multiply(a, b)


def accumulate(a, b):
    """`a + b` where a derivative rule sums two contributions: adding a negation subtracts."""
    if b._op is negative and b.shape == b._args[0].shape:
        return subtract(a, b._args[0])
    if a._op is negative and a.shape == a._args[0].shape:
        return subtract(b, a._args[0])
    return add(a, b)


def total(x, depth=0):
    """Σ of every element of `x` in a derivative rule: signs and scalar factors come out of
    the sum, a sum of a sum or difference is taken term by term, and the sum of a product
    of two arrays of one shape is a dot product; no array is made for any of these.
    Only the first `TOTAL_DEPTH` levels of `x` are looked into: a deeper expression (a
    user's chain of a thousand array additions) is summed as it is, without recursing."""
    if not x.shape:
        return x
    if depth >= TOTAL_DEPTH:
        return sum(x)
    op, args, depth = x._op, x._args, depth + 1
    if op is negative:
        return neg(total(args[0], depth))
    if op is multiply:
        pair = _scalar_and_array(x)
        if pair is not None:
            return multiply(pair[0], total(pair[1], depth))
        if args[0].shape == args[1].shape == x.shape:
            return dot(args[0], args[1])
    elif op is divide:
        a, b = args
        if not b.shape and a.shape == x.shape:
            return divide(total(a, depth), b)
    elif op is add or op is subtract:
        a, b = args
        if a.shape == b.shape == x.shape:
            return op(total(a, depth), total(b, depth))
    return sum(x)


TOTAL_DEPTH = 8


# -- arithmetic -------------------------------------------------------------
def _on_floats(operation, ufunc):
    """`ufunc` as a forward: Python's operator, which is numpy's own on arrays and gives
    numpy's IEEE result on two floats without a ufunc call (that call costs more than
    the arithmetic on the scalars of a small fit's graph). A float result that is not
    finite, or a division by a zero float, goes to numpy, for its result and warning."""
    def forward(x, y):
        try:
            out = operation(x, y)
        except ZeroDivisionError:
            return _plain(ufunc(x, y))
        if type(out) is float and out - out != 0.0:
            return _plain(ufunc(x, y))
        return out
    return forward


add = primitive("add", _on_floats(operator.add, np.add),
                lambda g, ans, x, y: g, lambda g, ans, x, y: g, replayable=True)
subtract = primitive("subtract", _on_floats(operator.sub, np.subtract),
                     lambda g, ans, x, y: g, lambda g, ans, x, y: neg(g), replayable=True)
multiply = primitive("multiply", _on_floats(operator.mul, np.multiply),
                     lambda g, ans, x, y: scaled(g, y),
                     lambda g, ans, x, y: scaled(g, x), replayable=True)
divide = primitive("divide", _on_floats(operator.truediv, np.true_divide),
                   lambda g, ans, x, y: g / y,
                   lambda g, ans, x, y: neg(scaled(g, ans) / y), replayable=True)
power = primitive("power", np.power,
                  lambda g, ans, x, y: scaled(g, y * x ** (y - 1.0)),
                  lambda g, ans, x, y: scaled(g, _power_log(x, y, ans, log(x), m=1)),
                  replayable=True)
negative = primitive("negative", operator.neg, lambda g, ans, x: neg(g), replayable=True)


def _power_log_forward(x, y, p, lx, m):
    """xʸ·(log x)ᵐ from p = xʸ and lx = log x, 0 where p is 0 (0ᵇ for b > 0, whose limit it
    is; the product p·log x would be 0·(−∞), NaN)."""
    with np.errstate(invalid="ignore"):
        out = p * (lx if m == 1 else lx ** m)
    zero = np.equal(p, 0.0)
    if zero.any():
        out = np.where(zero, 0.0, out)
    return _plain(out)


def _power_log_vjp_x(g, ans, x, y, p, lx, m):
    # d/dx xʸ(log x)ᵐ = y·xʸ⁻¹(log x)ᵐ + m·xʸ⁻¹(log x)ᵐ⁻¹: finite at x = 0 when y > 1
    y1 = y - 1.0
    p1 = x ** y1
    lower = p1 if m == 1 else _power_log(x, y1, p1, lx, m=m - 1)
    return scaled(g, y * _power_log(x, y1, p1, lx, m=m) + m * lower)


_power_log = primitive("power_log", _power_log_forward, _power_log_vjp_x,
                       lambda g, ans, x, y, p, lx, m: scaled(g, _power_log(x, y, p, lx, m=m + 1)),
                       None, None, replayable=True)
_power_log.__doc__ = ("xʸ·(log x)ᵐ, the m-th derivative of xʸ in y, given the nodes xʸ and "
                      "log x (which take no gradient: the rules for x and y are complete).")


# -- elementwise functions ---------------------------------------------------
sign = primitive("sign", np.sign, None, replayable=True)
absolute = primitive("abs", np.abs, lambda g, ans, x: scaled(g, sign(x)), replayable=True)
log = primitive("log", np.log, lambda g, ans, x: g / x, replayable=True)
exp = primitive("exp", np.exp, lambda g, ans, x: scaled(g, ans), replayable=True)
log1p = primitive("log1p", np.log1p, lambda g, ans, x: g / (1.0 + x), replayable=True)
expm1 = primitive("expm1", np.expm1, lambda g, ans, x: scaled(g, ans + 1.0), replayable=True)
sqrt = primitive("sqrt", np.sqrt, lambda g, ans, x: g / (2.0 * ans), replayable=True)
square = primitive("square", np.square, lambda g, ans, x: scaled(g, 2.0 * x), replayable=True)
def _polygamma(x, *, n):
    """scipy's polygamma by its own formula, ψ(x) for n = 0 and (−1)^(n+1)·n!·ζ(n+1, x) beyond,
    without its array wrapper (most of its cost on a number): the same digits. The trigamma of
    an array goes by `_trigamma_array` (scipy's ζ(2, x) costs 25x its digamma)."""
    if n == 0:
        return _plain(special.psi(x))
    if n == 1 and np.ndim(x) == 1 and np.size(x) >= _TRIGAMMA_ARRAY:
        return _trigamma_array(x)
    return _plain((-1.0) ** (n + 1) * special.gamma(n + 1.0) * special.zeta(n + 1, x))


_TRIGAMMA_ARRAY = 512  # from about this many points `_trigamma_array` beats scipy's ζ(2, x)
# ψ′(x) ~ 1/x + 1/(2x²) + Σₖ B₂ₖ/x^(2k+1): Bernoulli numbers B₂ … B₁₆, in Horner's order
_TRIGAMMA_SERIES = (-3617 / 510, 7 / 6, -691 / 2730, 5 / 66, -1 / 30, 1 / 42, -1 / 30, 1 / 6)


def _trigamma_array(x):
    """ψ′(x) for a 1-d array of x > 0: the recurrence ψ′(x) = ψ′(x + 1) + 1/x² carries each
    point to x ≥ 10, where the asymptotic series through B₁₆ is exact to ~5e-17 relative (the
    first term left out); points ≤ 0 or not finite keep scipy's ζ(2, x)."""
    x = np.asarray(x, dtype=float)
    good = (x > 0) & (x < np.inf)
    y = np.where(good, x, 10.0)
    steps = np.maximum(np.ceil(10.0 - y), 0.0)
    shift = np.zeros_like(y)
    with np.errstate(over="ignore", divide="ignore"):  # ψ′ → ∞ as x → 0, → 0 as x → ∞
        for k in range(int(steps.max(initial=0.0))):
            shift += np.where(k < steps, 1.0, 0.0) / np.square(y + k)
        y = y + steps
        inv2 = 1.0 / np.square(y)
    series = np.full_like(y, _TRIGAMMA_SERIES[0])
    for b in _TRIGAMMA_SERIES[1:]:
        series = series * inv2 + b
    out = shift + (1.0 + (0.5 + series / y) / y) / y
    if not good.all():
        out[~good] = special.zeta(2, x[~good])
    return out


polygamma = primitive("polygamma", _polygamma,
                      lambda g, ans, x, n: scaled(g, polygamma(x, n=n + 1)), replayable=True)
polygamma.__doc__ = "polygamma(x, n=n): the n-th derivative of digamma at x (n keyword-only, unlike scipy)."
digamma = primitive("digamma", special.digamma,
                    lambda g, ans, x: scaled(g, polygamma(x, n=1)), replayable=True)
lgamma = primitive("lgamma", special.gammaln, lambda g, ans, x: scaled(g, digamma(x)),
                   replayable=True)
def _half_ratio_terms(count=12):
    """(power k, coefficient c) of h(a) ~ Σ c·a^(−k), from log Γ(a + t)'s Bernoulli-polynomial
    expansion: c = (B_2j(½) − B_2j)/(2j(2j − 1)) = (2^(1−2j) − 2)·B_2j/(2j(2j − 1)), k = 2j − 1."""
    b = special.bernoulli(2 * count)
    return tuple((2 * j - 1, (2.0 ** (1 - 2 * j) - 2.0) * b[2 * j] / (2 * j * (2 * j - 1)))
                 for j in range(1, count + 1))


_HALF_RATIO_TERMS = _half_ratio_terms()
_HALF_RATIO_SERIES = 8.0  # from here the first omitted term is below 1e-16 of h and its derivatives


@functools.lru_cache(maxsize=None)
def _half_ratio_series(n):
    """The coefficients of h's n-th derivative, Σ c·(−1)ⁿ·Γ(k + n)/Γ(k)·a^(−k−n), highest
    power first: with u = a⁻² it is a^(−1−n) times a polynomial in u (for Horner's rule)."""
    return tuple(float(c) * (-1.0) ** n * math.gamma(k + n) / math.gamma(k)
                 for k, c in reversed(_HALF_RATIO_TERMS))


def _half_ratio_far(a, n):
    """h's n-th derivative by its asymptotic series, for a ≥ 8 (floats or arrays)."""
    u, poly = 1.0 / (a * a), 0.0
    for c in _half_ratio_series(n):
        poly = poly * u + c
    return poly * a ** (-1 - n)


def _half_ratio_step(a, n, log1p):
    """The n-th derivative of h(a + 1) − h(a) = log(a + ½) − ½ log a − ½ log(a + 1), but for
    the factor `_half_ratio_step_factor(n)` (taken out of the sum over steps)."""
    if n == 0:
        return log1p(0.5 / a) + log1p(-0.5 / (a + 1.0))
    return (a + 0.5) ** -n - 0.5 * a ** -n - 0.5 * (a + 1.0) ** -n


def _half_ratio_step_factor(n):
    return 0.5 if n == 0 else (-1.0) ** (n - 1) * math.factorial(n - 1)


def lgamma_half_ratio_plain(a, *, n=0):
    """The n-th derivative of h(a) = log Γ(a + ½) − log Γ(a) − ½ log a, which tends to 0 like
    −1/(8a). From a = 8 by its asymptotic series, since log Γ(a + ½) and log Γ(a) grow like
    a·log a and their difference would lose the digits of h (a Student t's constant at
    df = 1e10 lost all but ~5); below, carried there by h(a) = h(a + 1) − (log(a + ½) −
    ½ log a − ½ log(a + 1)) in at most 8 steps. A number is computed in `math` (the Student
    t's constant and its start's Newton steps call it at every evaluation), an array in numpy
    by the same formulae. The op `lgamma_half_ratio`'s forward, for plain floats and arrays."""
    if type(a) is float or np.ndim(a) == 0:
        a = float(a)
        if not a > 0.0:
            return math.nan
        steps = 0.0
        while a < _HALF_RATIO_SERIES:
            steps += _half_ratio_step(a, n, math.log1p)
            a += 1.0
        return _half_ratio_far(a, n) - _half_ratio_step_factor(n) * steps
    a = np.where(np.asarray(a, dtype=float) > 0.0, a, np.nan)
    steps = np.zeros(a.shape)
    with np.errstate(all="ignore"):
        for _ in range(int(_HALF_RATIO_SERIES)):
            near = a < _HALF_RATIO_SERIES
            steps += np.where(near, _half_ratio_step(a, n, np.log1p), 0.0)
            a = np.where(near, a + 1.0, a)
        return _half_ratio_far(a, n) - _half_ratio_step_factor(n) * steps


lgamma_half_ratio = primitive(
    "lgamma_half_ratio", lgamma_half_ratio_plain,
    lambda g, ans, a, n=0: scaled(g, lgamma_half_ratio(a, n=n + 1)), replayable=True)
lgamma_half_ratio.__doc__ = ("lgamma_half_ratio(a, n=0): the n-th derivative of log Γ(a + ½) − "
                             "log Γ(a) − ½ log a, without cancellation for large a.")


erf = primitive("erf", special.erf,
                lambda g, ans, x: scaled(g, (2 / np.sqrt(np.pi)) * exp(-square(x))),
                replayable=True)
erfc = primitive("erfc", special.erfc,
                 lambda g, ans, x: scaled(g, (-2 / np.sqrt(np.pi)) * exp(-square(x))),
                 replayable=True)
log_ndtr = primitive("log_ndtr", special.log_ndtr,
                     lambda g, ans, x: scaled(g, _ndtr_ratio(x, ans)), replayable=True)


sigmoid = primitive("sigmoid", special.expit,
                    lambda g, ans, x: scaled(g, ans * (1.0 - ans)), replayable=True)
sigmoid.__doc__ = ("1 / (1 + e⁻ˣ) without overflow for any x (R's sigmoid_stable); its "
                   "derivative σ(1 − σ) is 0 where 1 − σ rounds to 0 (x > 37).")
def _softplus(x):
    """log(1 + eˣ) as max(x, 0) + log1p(e^−|x|): accurate to a few ulps everywhere (eˣ for
    x → −∞, x for x → +∞), in place, and faster than numpy's logaddexp(0, x)."""
    if np.ndim(x) == 0:
        return float(np.logaddexp(0.0, x))
    out = np.abs(x)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(x, 0.0)
    return _plain(out)


softplus = primitive("softplus", _softplus,
                     lambda g, ans, x: scaled(g, sigmoid(x)), replayable=True)


def _log1mexp(x):
    # each formula only where it is accurate; x = 0 gives -inf and x > 0 nan, as log(1 - exp(x))
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    near = x > -np.log(2)
    out[near] = np.log(-np.expm1(x[near]))
    out[~near] = np.log1p(-np.exp(x[~near]))
    return _plain(out)


log1mexp = primitive("log1mexp", _log1mexp, lambda g, ans, x: neg(scaled(g, exp(x - ans))),
                     replayable=True)
log1mexp.__doc__ = "log(1 - exp(x)) for x <= 0, accurate at both ends."


def trigamma(x):
    """The derivative of digamma."""
    return polygamma(x, n=1)


def log_norm_cdf(x):
    """log Φ(x), accurate far into the lower tail."""
    return log_ndtr(x)


def log_norm_sf(x):
    """log(1 − Φ(x)), accurate far into the upper tail."""
    return log_ndtr(-as_value(x))


def log_sigmoid(x):
    """log(sigmoid(x)) = −softplus(−x), stable for large |x|."""
    return -softplus(-as_value(x))


_logaddexp = primitive("logaddexp", np.logaddexp,
                       lambda g, ans, x, y: scaled(g, exp(x - ans)),
                       lambda g, ans, x, y: scaled(g, exp(y - ans)), replayable=True)


def logaddexp(x, y):
    """log(exp(x) + exp(y)) without overflow."""
    return _logaddexp(x, y)


def log_diff_exp(x, y):
    """log(exp(x) − exp(y)) for x > y: the log of a difference of probabilities."""
    x = as_value(x)
    return x + log1mexp(as_value(y) - x)


# -- log Φ's derivatives: r = φ/Φ (the first) and x + r (in the second, r′ = −r·(x + r)) --
# Far in the lower tail r ≈ −x and x + r ≈ −1/x is a difference of nearly equal numbers;
# below _TAIL both come from Laplace's continued fraction instead, accurate however far out.
# Each op takes, as a second argument without gradient, the node it is computed from.
_TAIL = -4.0


def _tail_gap(x):
    """x + φ(x)/Φ(x) for x < −4: 1/(t + 2/(t + 3/(t + …))), t = −x (40 terms: full precision)."""
    t = -x
    k = t
    for n in range(40, 1, -1):
        k = t + n / k
    return 1.0 / k


def _with_tail(x, direct, tail):
    """`direct`, with `tail(x)` where x < _TAIL."""
    if np.ndim(x) == 0:
        return float(tail(x)) if x < _TAIL else _plain(direct)
    far = x < _TAIL
    if far.any():
        direct = np.array(direct, dtype=float)
        direct[far] = tail(x[far])
    return direct


def _ratio_forward(x, log_cdf):
    with np.errstate(over="ignore", under="ignore"):
        direct = np.exp(-0.5 * np.square(x) - LOG_SQRT_2PI - log_cdf)
    return _with_tail(x, direct, lambda xt: _tail_gap(xt) - xt)


_ndtr_ratio = primitive("ndtr_ratio", _ratio_forward,
                        lambda g, ans, x, log_cdf: neg(scaled(g, ans * _ndtr_gap(x, ans))), None,
                        replayable=True)
_ndtr_gap = primitive("ndtr_gap", lambda x, r: _with_tail(x, x + r, _tail_gap),
                      lambda g, ans, x, r: scaled(g, 1.0 - r * ans), None, replayable=True)


# -- selection ------------------------------------------------------------------
where = primitive("where", lambda c, x, y: _plain(np.where(c != 0, x, y)),
                  None,
                  lambda g, ans, c, x, y: where(c, g, 0.0),
                  lambda g, ans, c, x, y: where(c, 0.0, g), replayable=True)
where.__doc__ = ("`x` where `cond` is true, else `y`; no gradient flows to `cond`, and none "
                 "from the branch not taken, even where its derivative is infinite or NaN "
                 "(where(x > 0, log(x), 0) at x = 0: see derivatives._reverse).")


def _take(x, index):
    return np.asarray(x)[index]


def _scatter(g, index, shape, out_shape):
    z = np.zeros(shape)
    np.add.at(z, index, np.broadcast_to(g, out_shape))
    return z


def _scatter_vjp(g, ans, x, index, shape, out_shape):
    if g.shape != shape:  # g stands for its broadcast
        g = broadcast_to(g, shape=shape)
    return unbroadcast(take(g, index=index), out_shape, x.shape)  # x may stand for its broadcast


take = primitive("take", _take,
                 lambda g, ans, x, index: scatter(g, index=index, shape=x.shape, out_shape=ans.shape),
                 elementwise=False, replayable=True)
scatter = primitive("scatter", _scatter, _scatter_vjp, elementwise=False, replayable=True)
scatter.__doc__ = "Add `g` (broadcast to `out_shape`) into zeros of `shape` at `index`: take's adjoint."


# -- shapes and reductions --------------------------------------------------------
def _reshape_vjp(g, ans, x, shape):
    if g.shape != ans.shape:
        g = broadcast_to(g, shape=ans.shape)
    return reshape(g, shape=x.shape)


reshape = primitive("reshape", lambda x, shape: np.reshape(x, shape), _reshape_vjp,
                    elementwise=False, replayable=True)
broadcast_to = primitive("broadcast_to", lambda x, shape: np.broadcast_to(x, shape).copy(),
                         lambda g, ans, x, shape: unbroadcast(g, shape, x.shape),
                         elementwise=False, replayable=True)


def _expand_reduced(v, ans, x, axis, keepdims=False):
    """Give a reduction's output (or its gradient) back the reduced axes, as length 1."""
    if axis is None or keepdims:
        return v
    if v.shape != ans.shape:
        v = broadcast_to(v, shape=ans.shape)
    axes = {a % x.ndim for a in ((axis,) if np.isscalar(axis) else axis)}
    return reshape(v, shape=tuple(1 if ax in axes else n for ax, n in enumerate(x.shape)))


sum = primitive("sum", lambda x, axis=None, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims),
                lambda g, ans, x, axis=None, keepdims=False: _expand_reduced(g, ans, x, axis, keepdims),
                elementwise=False, replayable=True)


def _dot(x, y):
    if np.shape(x) != np.shape(y):  # the rules give each argument the other's shape
        raise ValueError(f"dot: shapes {np.shape(x)} and {np.shape(y)} differ")
    return inner(np.ravel(x), np.ravel(y))


def inner(x, y):
    """Σ xᵢ yᵢ of two 1-d arrays by BLAS dots over slices of at most `DOT_SLICE` elements:
    OpenBLAS runs a dot that short on one thread (on longer ones its threads stall a fit for
    tens of ms when the machine is busy), and a BLAS dot is ~3x faster than `np.einsum`. The
    slices are the rows of a (k, DOT_SLICE) view of each array, all dotted by one stacked
    `matmul` (a loop of k `np.dot` calls cost as much again as the arithmetic at 1e6 rows)."""
    return float(np.dot(x, y) if x.size <= DOT_SLICE else inner_rows(x, y))


def inner_rows(x, y):
    """Σᵢ x[..., i] yᵢ for an array `x` whose last axis matches the 1-d `y` (a bootstrap's weight
    matrix times a per-row quantity): `inner`'s thread-free stacked dots, row by row (2x
    faster than `np.einsum` on one thread, and no threaded matrix-vector product)."""
    n = y.size
    m = n - n % DOT_SLICE if n > DOT_SLICE else n
    lead = x.shape[:-1]
    out = np.matmul(x[..., :m].reshape(*lead, -1, 1, min(n, DOT_SLICE)),
                    y[:m].reshape(-1, min(n, DOT_SLICE), 1)).sum(axis=(-3, -2, -1))
    if m < n:
        out = out + np.matmul(x[..., m:, None].swapaxes(-1, -2), y[m:, None])[..., 0, 0]
    return out


DOT_SLICE = 10000  # OpenBLAS threads a dot of more elements


dot = primitive("dot", _dot,
                lambda g, ans, x, y: scaled(g, y), lambda g, ans, x, y: scaled(g, x),
                elementwise=False, replayable=True)
dot.__doc__ = "Σ xᵢ·yᵢ over two arrays of one shape, without the product array."


# -- matrix products: a design matrix times a vector parameter -----------------------------
def _matmul(a, b):
    if np.ndim(a) not in (1, 2) or np.ndim(b) not in (1, 2) or np.ndim(a) + np.ndim(b) == 2:
        raise ValueError(f"matmul takes a matrix and a vector or matrix (dot for two vectors); "
                         f"got shapes {np.shape(a)} and {np.shape(b)}")
    return _plain(np.matmul(a, b))


def _as_matrix(v, shape):
    """`v` (a matmul operand or output, or its gradient) as the 2-D `shape` (numpy's rule: a
    vector on the left is one row, on the right one column)."""
    return v if v.shape == shape else reshape(v, shape=shape)


def _matmul_shapes(a, b):
    m = a.shape[0] if a.ndim == 2 else 1
    k = b.shape[1] if b.ndim == 2 else 1
    return (m, a.shape[-1]), (b.shape[0], k), (m, k)


def _matmul_vjp_a(g, ans, a, b):
    sa, sb, so = _matmul_shapes(a, b)
    g = g if g.shape == ans.shape else broadcast_to(g, shape=ans.shape)
    return _as_matrix(matmul(_as_matrix(g, so), transpose(_as_matrix(b, sb))), a.shape)


def _matmul_vjp_b(g, ans, a, b):
    sa, sb, so = _matmul_shapes(a, b)
    g = g if g.shape == ans.shape else broadcast_to(g, shape=ans.shape)
    return _as_matrix(matmul(transpose(_as_matrix(a, sa)), _as_matrix(g, so)), b.shape)


matmul = primitive("matmul", _matmul, _matmul_vjp_a, _matmul_vjp_b, elementwise=False,
                   replayable=True)
matmul.__doc__ = ("a @ b for a matrix and a vector or matrix (numpy's matmul, 1-D or 2-D): a "
                  "linear predictor X @ beta without an n×p product array.")
transpose = primitive("transpose", lambda x: np.transpose(x),
                      lambda g, ans, x: transpose(g if g.shape == ans.shape
                                                  else broadcast_to(g, shape=ans.shape)),
                      elementwise=False, replayable=True)
transpose.__doc__ = "The transpose of a matrix (axes reversed)."


def mean(x, axis=None, keepdims=False):
    x = as_value(x)
    total = sum(x, axis=axis, keepdims=keepdims)
    return total / float(x.size // max(total.size, 1))


logsumexp = primitive(
    "logsumexp", lambda x, axis=None: special.logsumexp(x, axis=axis),
    lambda g, ans, x, axis=None: scaled(_expand_reduced(g, ans, x, axis),
                                        exp(x - _expand_reduced(ans, ans, x, axis))),
    elementwise=False, replayable=True)
