"""A tape's runs are compiled into straight-line Python (`tape._compiled`), with add, subtract,
multiply and negate written as Python's operators. What they compute equals the graph's
own forwards everywhere, including where the arithmetic overflows to ±inf or NaN (the
operators' IEEE results are numpy's), and every step of a taped family is in a run."""

import math

import numpy as np
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import tape as tapes
from femtograd.core.tape import Tape, _INFIX, _PREFIX


def _build(params, inputs):
    a, b = params
    (s,) = inputs
    # differences and products of terms that overflow for large a, b: inf − inf, 0 · inf
    return fg.exp(a * s) - fg.exp(b * s) * (-a) + a * b - fg.log(b) * fg.exp(-a * s)


@settings(max_examples=200, deadline=None)
@given(a=st.floats(-800.0, 800.0), b=st.floats(1e-300, 1e300), s=st.floats(-3.0, 3.0))
def test_compiled_runs_equal_the_graph_where_arithmetic_overflows(a, b, s):
    tape = Tape.record(_build, [0.5, 2.0], [1.0])
    got = tape.bind([a, b], [s]).evaluate([a, b], 2)
    def f(pa, pb):
        return _build([pa, pb], [fg.Value(s)])  # (the input a leaf, as when recorded)
    with np.errstate(all="ignore"):
        value = float(f(fg.Value(a), fg.Value(b)).data)
        grads = fg.gradient(f, [a, b])
        hess = fg.hessian(f, [a, b])
    np.testing.assert_array_equal(got[0], value)
    np.testing.assert_array_equal(got[1], grads)
    np.testing.assert_array_equal(got[2], hess)


def test_the_operators_are_the_forwards_on_floats_and_non_finite_results():
    values = [1.5, -2.0, 0.0, 1e308, -1e308, math.inf, -math.inf, math.nan]
    for forward, symbol in _INFIX.items():
        for x in values:
            for y in values:
                with np.errstate(all="ignore"):
                    want = forward(x, y)
                got = eval(f"x {symbol} y")
                assert type(got) is type(want)
                np.testing.assert_array_equal(got, want)
    for forward, symbol in _PREFIX.items():
        for x in values:
            np.testing.assert_array_equal(eval(f"{symbol}x"), forward(x))


def test_every_recorded_step_is_computed_by_a_run():
    tapes._TAPES.clear()
    x = np.random.default_rng(0).standard_t(5, 300)
    fit = fg.fit_mle("studentt", x)
    assert fit.converged
    (tape,) = tapes._TAPES.values()
    assert len(tape.runs) == 4  # the fixed steps, then value, gradient and Hessian
    bound = tape.bind(list(fit.mle), fit.model.structure()[1])
    f, g, h = bound.evaluate(list(fit.mle), 2)
    assert all(v is not None for v in bound.values)
    assert f == fit.loglik
    np.testing.assert_array_equal(h, fit._hessian)
    tapes._TAPES.clear()
