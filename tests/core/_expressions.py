"""Random compositions of every core op, as data, for the property-based tests.

An expression is a nested tuple drawn by `expressions(...)`; `build(expr, params)`
turns it into a femtograd graph over `params` (Values, or plain floats/arrays for
the finite-difference reference). Ops with a restricted domain get their argument
through a map onto that domain (`positive`, ...), so every drawn expression is
valid; a `Trace` records the size of intermediate values and the distance to kinks
so that the tests can skip the rare example where finite differences are unreliable.
"""

import numpy as np
from hypothesis import strategies as st

import femtograd as fg
from femtograd.core import special

SHAPES = [(), (4,), (3, 1), (1, 4), (3, 4)]
_rng = np.random.default_rng(20261126)
DATA = {shape: _rng.uniform(-1.0, 1.0, shape) if shape else 0.37 for shape in SHAPES}
MOMENT_T = _rng.uniform(-1.0, 1.0, 6)
MOMENT_W = _rng.uniform(0.5, 2.0, 6)


class Trace:
    """What the finite-difference reference needs to know about one evaluation."""

    def __init__(self):
        self.largest = 0.0
        self.nearest_kink = np.inf

    def see(self, v):
        d = np.asarray(fg.data(v), dtype=float)
        self.largest = max(self.largest, float(np.max(np.abs(d), initial=0.0))) \
            if np.all(np.isfinite(d)) else np.inf
        return v

    def kink(self, v):
        self.nearest_kink = min(self.nearest_kink, float(np.min(np.abs(fg.data(v)), initial=np.inf)))
        return v


def positive(v, how):
    return {"softplus": lambda: fg.softplus(v) + 0.5,
            "exp": lambda: fg.exp(v),
            "square": lambda: fg.square(v) + 0.3}[how]()


UNARY = {
    "neg": lambda v, p, t: -v,
    "pos": lambda v, p, t: +v,
    "log": lambda v, p, t: fg.log(positive(v, p)),
    "exp": lambda v, p, t: fg.exp(v),
    "log1p": lambda v, p, t: fg.log1p(positive(v, p) - 0.9),
    "expm1": lambda v, p, t: fg.expm1(v),
    "sqrt": lambda v, p, t: fg.sqrt(positive(v, p)),
    "abs": lambda v, p, t: fg.abs(t.kink(v)),
    "abs_builtin": lambda v, p, t: abs(t.kink(v)),
    "square": lambda v, p, t: fg.square(v),
    "lgamma": lambda v, p, t: fg.lgamma(positive(v, p)),
    "digamma": lambda v, p, t: fg.digamma(positive(v, p)),
    "trigamma": lambda v, p, t: fg.trigamma(positive(v, p)),
    "polygamma2": lambda v, p, t: fg.polygamma(positive(v, p), n=2),
    "erf": lambda v, p, t: fg.erf(v),
    "erfc": lambda v, p, t: fg.erfc(v),
    "log_ndtr": lambda v, p, t: fg.log_ndtr(v),
    "log_norm_cdf": lambda v, p, t: fg.log_norm_cdf(v * 3.0),
    "log_norm_sf": lambda v, p, t: fg.log_norm_sf(v * 3.0),
    "softplus": lambda v, p, t: fg.softplus(v),
    "sigmoid": lambda v, p, t: fg.sigmoid(v),
    "log_sigmoid": lambda v, p, t: fg.log_sigmoid(v),
    "log1mexp": lambda v, p, t: fg.log1mexp(-(positive(v, p) - 0.2)),
    "pow2": lambda v, p, t: v ** 2,
    "pow3": lambda v, p, t: v ** 3,
    "pow_half": lambda v, p, t: positive(v, p) ** 0.5,
    "pow_neg": lambda v, p, t: positive(v, p) ** -1.5,
    "number_minus": lambda v, p, t: 2.0 - v,
    "number_over": lambda v, p, t: 3.0 / positive(v, p),
    "number_power": lambda v, p, t: 1.7 ** v,
    "times_number": lambda v, p, t: v * 0.5 + 1,
    "arctan": lambda v, p, t: special.arctan(v),
    "array_left": lambda v, p, t: DATA[(3, 4)] * _fit(v, (3, 4)) - DATA[(4,)],
    "array_over": lambda v, p, t: DATA[(1, 4)] / positive(_fit(v, (1, 4)), p),
    # signs and scalar factors that derivative rules fold, and a product of two arrays
    # whose sum a rule takes as a dot product
    "signs_and_factors": lambda v, p, t: -(-(v * 1.5) / 2.0) - (-v),
    "array_product": lambda v, p, t: (DATA[(3, 4)] * _fit(v, (3, 4))) * (DATA[(1, 4)] - _fit(v, (3, 4))),
}

BINARY = {
    "add": lambda a, b, p, t: a + b,
    "sub": lambda a, b, p, t: a - b,
    "mul": lambda a, b, p, t: a * b,
    "div": lambda a, b, p, t: a / positive(b, p),
    "pow": lambda a, b, p, t: positive(a, p) ** b,
    "logaddexp": lambda a, b, p, t: fg.logaddexp(a, b),
    "log_diff_exp": lambda a, b, p, t: fg.log_diff_exp(a, a - positive(b, p)),
    "arctan2": lambda a, b, p, t: special.arctan2(a, positive(b, p)),
    "gammainc": lambda a, b, p, t: special.gammainc(positive(a, p), positive(b, p)),
    "gammaincc": lambda a, b, p, t: special.gammaincc(positive(a, p), positive(b, p)),
    "betainc": lambda a, b, p, t: special.betainc(positive(a, p), positive(b, p),
                                                  fg.sigmoid(a - b)),
    "where": lambda a, b, p, t: fg.where(_mask(np.broadcast_shapes(a_shape(a), a_shape(b))), a, b),
}

REDUCE = {
    "sum": lambda v, axis, keep: fg.sum(v, axis=axis, keepdims=keep),
    "mean": lambda v, axis, keep: fg.mean(v, axis=axis, keepdims=keep),
    "sum_method": lambda v, axis, keep: fg.Value.sum(fg_value(v), axis=axis, keepdims=keep),
    "logsumexp": lambda v, axis, keep: fg.logsumexp(v, axis=axis),
}


def _mask(shape):
    """A fixed pattern of True and False of `shape` (True for a scalar)."""
    return np.indices(shape).sum(axis=0) % 2 == 0 if shape else True


def a_shape(v):
    return np.shape(fg.data(v))


def fg_value(v):
    return v if isinstance(v, fg.Value) else fg.constant(v)


def _index_options(shape):
    n = shape[0]
    options = [0, -1, np.array([0, n - 1, 0]), np.arange(n) % 2 == 0]
    if n > 1:
        options.append(slice(1, None))
    if len(shape) == 2:
        options.append((slice(None), 0))
    return options


def shape_of(expr, param_shapes):
    """The shape `expr` has when built over params of `param_shapes`."""
    with np.errstate(all="ignore"):
        params = [np.full(shape, 0.3) if shape else 0.3 for shape in param_shapes]
        return np.shape(fg.data(fg_value(build(expr, params))))


@st.composite
def expressions(draw, param_shapes, depth=3):
    """A random composition of ops over params of `param_shapes` and data arrays."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        if draw(st.integers(0, 2)) > 0:
            return ("param", draw(st.integers(0, len(param_shapes) - 1)))
        return ("data", draw(st.sampled_from(SHAPES)))
    kind = draw(st.sampled_from(["unary", "unary", "binary", "binary", "reduce", "index",
                                 "moments"]))
    child = draw(expressions(param_shapes, depth - 1))
    shape = shape_of(child, param_shapes)
    how = draw(st.sampled_from(["softplus", "exp", "square"]))
    if kind == "unary":
        return ("unary", draw(st.sampled_from(sorted(UNARY))), how, child)
    if kind == "binary":
        other = draw(expressions(param_shapes, depth - 1))
        try:
            np.broadcast_shapes(shape, shape_of(other, param_shapes))
        except ValueError:
            other = ("reduce", "sum", None, False, other)
        return ("binary", draw(st.sampled_from(sorted(BINARY))), how, child, other)
    if kind == "reduce":
        axes = [None] + (list(range(len(shape))) + [-1, tuple(range(len(shape)))] if shape else [])
        name = draw(st.sampled_from(sorted(REDUCE)))
        keep = draw(st.booleans()) and name != "logsumexp"
        return ("reduce", name, draw(st.sampled_from(axes)), keep, child)
    if kind == "index" and shape:
        options = _index_options(shape)
        return ("index", options[draw(st.integers(0, len(options) - 1))], child)
    if kind == "moments":
        return ("moments", draw(st.integers(0, 2)), draw(st.booleans()), how, child)
    return child


def _fit(v, shape):
    """`v`, or its sum when it does not broadcast against `shape`."""
    try:
        np.broadcast_shapes(a_shape(v), shape)
        return v
    except ValueError:
        return fg.sum(v)


def build(expr, params, trace=None):
    """The graph of `expr` over `params` (Values or plain numbers)."""
    t = trace if trace is not None else Trace()
    tag = expr[0]
    if tag == "param":
        return params[expr[1]]
    if tag == "data":
        return DATA[expr[1]]
    if tag == "unary":
        _, name, how, child = expr
        return t.see(UNARY[name](fg_value(build(child, params, t)), how, t))
    if tag == "binary":
        _, name, how, left, right = expr
        return t.see(BINARY[name](fg_value(build(left, params, t)), fg_value(build(right, params, t)),
                                  how, t))
    if tag == "reduce":
        _, name, axis, keep, child = expr
        return t.see(REDUCE[name](fg_value(build(child, params, t)), axis, keep))
    if tag == "index":
        _, index, child = expr
        return t.see(fg_value(build(child, params, t))[index])
    if tag == "moments":
        _, order, weighted, how, child = expr
        k = fg.sigmoid(fg.mean(fg_value(build(child, params, t)))) * 4.0 - 2.0
        return t.see(fg.exp_moments(k, MOMENT_T, MOMENT_W if weighted else None, order=order))
    raise AssertionError(expr)


def scalar_function(expr):
    """f(*params) -> scalar Value: the expression, summed when it is an array."""
    def f(*params):
        out = fg_value(build(expr, list(params)))
        return fg.sum(out) if out.shape else out
    return f
