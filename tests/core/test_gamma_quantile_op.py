"""The inverse of the regularized incomplete gamma as an op (`inverse_gammainc`, the gamma
family's closed-form quantile): its value is the float inverse (`gammaincinv`, exact to the
rounding of P or Q), its derivatives in p and in the shape are the implicit function theorem's
at the root, checked against 40-digit mpmath, and they can be differentiated again. A gamma
fit's quantiles through it equal the solved path they replaced (`predict._solved_quantiles`)."""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import special

import femtograd as fg
from femtograd.core import Value, grad_nodes
from femtograd.core.special import gammaincinv, inverse_gammainc
from femtograd.distributions import GammaLogLik, Truncated
from femtograd.fit import predict

from .test_gamma_inverse import mp_root

CASES = [(a, p) for a in (0.05, 0.3, 1.0, 2.5, 30.0, 1e4)
         for p in (1e-30, 1e-6, 0.01, 0.3, 0.5, 0.8, 0.999, 1 - 1e-10)]


def mp_slopes(a, p):
    """(∂x/∂p, ∂x/∂a) at the root x of P(a, x) = p, 40 digits: 1/f and −(∂P/∂a)/f, ∂P/∂a on
    the side holding less probability (−∂Q/∂a above the median)."""
    x = mp_root(a, p)
    with mp.workdps(40):
        density = mp.exp((a - 1) * mp.log(x) - x - mp.loggamma(a))
        if p <= 0.5:
            d_a = mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a)
        else:
            d_a = -mp.diff(lambda s: mp.gammainc(s, x, mp.inf, regularized=True), a)
        return float(1 / density), float(-d_a / density), float(x)


@pytest.mark.parametrize("a, p", CASES)
def test_the_op_is_the_float_inverse_with_the_implicit_derivatives(a, p):
    if mp_root(a, p) < 1e-280:  # the root underflows (or nearly): no derivative to check
        return
    av, pv = Value(a), Value(p)
    node = inverse_gammainc(av, pv)
    d_a, d_p = grad_nodes(node, [av, pv])
    want_p, want_a, x = mp_slopes(a, p)
    assert float(node.data) == gammaincinv(a, p)
    assert float(node.data) == pytest.approx(x, rel=1e-13)
    # the density in floats, exp((a − 1) log x − x − log Γ(a)), keeps the rounding of its
    # exponent's largest term (about 1e-11 relative at shape 1e4)
    density = 1e-13 + 4 * np.finfo(float).eps * (a * abs(np.log(x)) + x + special.gammaln(a))
    assert float(d_p.data) == pytest.approx(want_p, rel=density)
    # the shape derivative is a quadrature: 1e-11 of the integral of |∂f/∂a| it sums
    assert float(d_a.data) == pytest.approx(want_a, rel=1e-10 + density)


@pytest.mark.parametrize("a, p", [(0.3, 0.01), (2.5, 0.3), (2.5, 0.97), (30.0, 1e-6)])
def test_the_ops_derivatives_differentiate_again(a, p):
    av, pv = Value(a), Value(p)
    d_a, d_p = grad_nodes(inverse_gammainc(av, pv), [av, pv])
    d_aa, d_ap = grad_nodes(d_a, [av, pv])
    d_pp = grad_nodes(d_p, [pv])[0]

    def first(s, q):  # the op's first derivatives at (s, q)
        sv, qv = Value(s), Value(q)
        return [float(g.data) for g in grad_nodes(inverse_gammainc(sv, qv), [sv, qv])]

    ha, hp = 1e-5 * a, 1e-5 * min(p, 1 - p)
    fd_aa, fd_pa = (np.subtract(first(a + ha, p), first(a - ha, p)) / (2 * ha))
    fd_ap, fd_pp = (np.subtract(first(a, p + hp), first(a, p - hp)) / (2 * hp))
    assert float(d_aa.data) == pytest.approx(fd_aa, rel=1e-6)
    assert float(d_ap.data) == pytest.approx(fd_ap, rel=1e-6)
    assert float(d_ap.data) == pytest.approx(fd_pa, rel=1e-6)
    assert float(d_pp.data) == pytest.approx(fd_pp, rel=1e-6)


def test_per_point_shapes_and_one_shape_in_an_array_agree_with_scalars():
    p = np.array([1e-9, 0.2, 0.5, 0.9, 1 - 1e-9])
    same = inverse_gammainc(np.full(5, 2.5), p).data  # a fitted shape per point
    np.testing.assert_array_equal(same, gammaincinv(2.5, p))
    shapes = np.array([0.4, 1.5, 2.5, 70.0, 1e4])
    np.testing.assert_array_equal(inverse_gammainc(shapes, p).data,
                                  [gammaincinv(s, q) for s, q in zip(shapes, p)])


def test_one_shape_in_an_array_against_one_probability_keeps_the_arrays_shape():
    a = Value(np.full(3, 2.5))
    q = inverse_gammainc(a, 0.3)
    assert np.shape(q.data) == (3,)
    np.testing.assert_array_equal(q.data, np.full(3, gammaincinv(2.5, 0.3)))
    assert fg.sum(q).data == pytest.approx(3 * gammaincinv(2.5, 0.3), rel=1e-15)
    d_a = grad_nodes(fg.sum(q), [a])[0].data  # each entry its own slope, not the sum of three
    np.testing.assert_allclose(d_a, np.full(3, mp_slopes(2.5, 0.3)[1]), rtol=1e-12)


PROBS = np.array([1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-6, 1 - 1e-12])


@settings(max_examples=20, deadline=None)
@given(shape=st.floats(0.2, 300.0), rate=st.floats(1e-3, 1e3), seed=st.integers(0, 2 ** 16))
def test_a_gamma_fits_quantiles_equal_the_solved_ones(shape, rate, seed):
    x = np.random.default_rng(seed).gamma(shape, 1 / rate, 300)
    fit = fg.fit_mle(GammaLogLik, x)
    got = fit.quantile(PROBS, scale="natural")
    with np.errstate(all="ignore"):
        q, grad = predict._solved_quantiles(fit, fit.model.distribution, PROBS)
    se = np.sqrt(np.einsum("ij,jk,ik->i", grad, fit.cov.to_numpy(), grad))
    np.testing.assert_allclose(got["estimate"], q, rtol=1e-13)
    np.testing.assert_allclose(got["se"], se, rtol=1e-9)


def test_unsorted_and_repeated_probabilities_give_each_its_own_row():
    fit = fg.fit_mle(GammaLogLik, np.random.default_rng(1).gamma(1.7, 2.0, 500))
    p = np.array([0.9, 0.1, 0.5, 0.1, 1e-8, 0.999999])
    got = fit.quantile(p)
    order = np.argsort(p)
    sorted_rows = fit.quantile(p[order])
    np.testing.assert_allclose(got.to_numpy()[order], sorted_rows.to_numpy(), rtol=1e-13)
    np.testing.assert_array_equal(got.index.to_numpy(), p)


def test_a_truncated_gamma_keeps_the_solve_and_agrees_at_an_open_truncation():
    x = np.random.default_rng(2).gamma(2.0, 1.5, 400)
    assert GammaLogLik.closed_quantile
    assert not Truncated(GammaLogLik(np.array([1.0])), 0.0, np.inf).closed_quantile
    plain = fg.fit_mle(GammaLogLik, x)
    cut = fg.fit_mle(GammaLogLik, x, truncation=(0.0, None))
    a, b = plain.quantile(PROBS[1:-1]), cut.quantile(PROBS[1:-1])
    np.testing.assert_allclose(b["estimate"], a["estimate"], rtol=1e-12)
    np.testing.assert_allclose(b["se"], a["se"], rtol=1e-7)


def test_the_ppf_is_the_float_inverse_over_the_rate():
    dist = GammaLogLik(np.array([1.0]))
    p = np.array([0.0, 1e-300, 0.3, 1 - 1e-15, 1.0])
    np.testing.assert_array_equal(dist.ppf(p, 2.5, 0.4), [0.0, *(gammaincinv(2.5, p[1:-1]) / 0.4),
                                                          np.inf])
    np.testing.assert_allclose(dist.ppf(p, 2.5, 0.4), special.gammaincinv(2.5, p) / 0.4,
                               rtol=1e-13)


def test_a_quantile_that_underflows_is_zero_with_its_rounding_as_interval():
    # shape 0.02: the 1e-300 quantile is about 1e-15000, 0 in floats (the solve it replaced
    # raised "did not converge"); its SE and interval round to 0 as well, on either scale
    fit = fg.fit_mle(GammaLogLik, np.random.default_rng(3).gamma(0.02, 2.0, 500) + 1e-300)
    p = np.array([1e-300, 1e-5, 0.5])
    for scale in ("log", "natural"):
        got = fit.quantile(p, scale=scale)
        np.testing.assert_array_equal(got.iloc[0], [0.0, 0.0, 0.0, 0.0])
        assert np.isfinite(got.to_numpy()).all()
    assert (fit.quantile(p).iloc[1:] > 0).all().all()  # the log scale's intervals
    assert special.gammaincinv(float(fit.mle[0]), 1e-300) == 0.0
