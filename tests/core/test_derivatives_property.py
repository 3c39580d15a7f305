"""Exact derivatives of random compositions of every op agree with finite differences."""

import numpy as np
from hypothesis import assume, given, strategies as st

import femtograd as fg

from ._expressions import Trace, build, expressions, fg_value, scalar_function
from ._numeric import assert_close, central_difference, property_settings

SCALARS = st.floats(-1.5, 1.5, allow_nan=False)


def _usable(expr, params):
    """Skip the rare point where finite differences cannot be trusted."""
    trace = Trace()
    with np.errstate(all="ignore"):
        build(expr, list(params), trace)
    return trace.largest < 1e4 and trace.nearest_kink > 0.05


@st.composite
def scalar_problems(draw):
    p = draw(st.integers(1, 3))
    expr = draw(expressions(((),) * p))
    x = np.array(draw(st.lists(SCALARS, min_size=p, max_size=p)))
    assume(_usable(expr, x))
    return scalar_function(expr), x


def _value(f, x):
    return fg.data(f(*x))


@property_settings(150)
@given(scalar_problems())
def test_gradient_matches_central_differences_for_random_compositions(problem):
    f, x = problem
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: _value(f, y), x)
    exact = fg.gradient(f, x)
    assert exact.shape == x.shape
    assert_close(exact, expected, rtol=1e-6, atol=1e-8, what="gradient")


@property_settings(100)
@given(scalar_problems())
def test_hessian_matches_differences_of_gradient_and_is_symmetric(problem):
    f, x = problem
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: fg.gradient(f, y), x)
    exact = fg.hessian(f, x)
    assert exact.shape == (len(x), len(x))
    assert_close(exact, expected, rtol=1e-5, atol=1e-7, what="Hessian")
    assert_close(exact, exact.T, rtol=1e-10, atol=1e-12, what="Hessian symmetry")


@property_settings(60)
@given(scalar_problems(), st.lists(SCALARS, min_size=3, max_size=3))
def test_hessian_vector_product_equals_hessian_times_vector(problem, v):
    f, x = problem
    v = np.array(v[:len(x)])
    assert_close(fg.hvp(f, x, v), fg.hessian(f, x) @ v, rtol=1e-9, atol=1e-12, what="H v")


@st.composite
def array_leaf_problems(draw):
    shape = draw(st.sampled_from([(4,), (3, 1), (3, 4), (1, 4)]))
    expr = draw(expressions((shape, ())))
    x = np.array(draw(st.lists(SCALARS, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))))
    x = x.reshape(shape)
    s = draw(SCALARS)
    assume(_usable(expr, [x, s]))
    return expr, x, s


def _scalar_of(expr, params):
    out = fg_value(build(expr, params))
    return fg.sum(out) if out.shape else out


@property_settings(80)
@given(array_leaf_problems())
def test_gradient_of_an_array_leaf_has_its_shape_and_matches_differences(problem):
    expr, x, s = problem
    leaf, scalar = fg.val(x), fg.val(s)
    out = _scalar_of(expr, [leaf, scalar])
    fg.backward(out)
    with np.errstate(all="ignore"):
        expected = central_difference(lambda y: fg.data(_scalar_of(expr, [y, s])), x)
        expected_s = central_difference(lambda y: fg.data(_scalar_of(expr, [x, float(y[0])])), [s])
    assert np.shape(leaf.grad) == x.shape
    assert_close(leaf.grad, expected, rtol=1e-6, atol=1e-8, what="array leaf gradient")
    assert_close(np.atleast_1d(scalar.grad), expected_s, rtol=1e-6, atol=1e-8,
                 what="scalar leaf gradient")
