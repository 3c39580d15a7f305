"""Exact derivatives of the incomplete gamma and beta functions in their shape arguments.

The library integrates the differentiated density by fixed-node quadrature; here every
order is checked against references computed independently, in the tests only:
derivatives of mpmath's incomplete functions at 40 digits (when mpmath is installed), and
scipy.integrate.quad of the differentiated density written out by hand.
"""

import numpy as np
import pytest
from scipy import integrate, special

import femtograd as fg
from femtograd.core.special import (betainc, betainc_shape_derivative, gammainc,
                                    gammainc_shape_derivative, gammaincc)
from femtograd.distributions import BetaLogLik, GammaLogLik

from ._numeric import central_difference

GAMMA_SHAPES = [0.05, 0.3, 1.0, 4.0, 30.0, 1000.0]
GAMMA_RATIOS = [1e-8, 1e-3, 0.1, 0.7, 1.0, 1.3, 5.0, 50.0]  # x / a
BETA_SHAPES = [(0.05, 0.05), (0.05, 3.0), (0.7, 0.7), (3.0, 0.05), (3.0, 40.0), (40.0, 3.0),
               (500.0, 500.0), (0.5, 500.0), (500.0, 2.0)]
BETA_X = [1e-10, 1e-3, 0.2, 0.5, 0.8, 0.999, 1 - 1e-9]
BETA_ORDERS = [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2), (2, 1)]


def _mpmath():
    return pytest.importorskip("mpmath")


# -- references ----------------------------------------------------------------------------
def gamma_reference(a, x, m):
    """∂ᵐP/∂aᵐ from mpmath, differentiating whichever of P and Q is the smaller."""
    mp = _mpmath()
    with mp.workdps(40):
        if special.gammainc(a, x) <= 0.5:
            side = lambda s: mp.gammainc(s, 0, x, regularized=True)  # noqa: E731
            return float(mp.diff(side, mp.mpf(a), m))
        side = lambda s: mp.gammainc(s, x, mp.inf, regularized=True)  # noqa: E731
        return -float(mp.diff(side, mp.mpf(a), m))


def beta_reference(a, b, x, i, j):
    """∂ᵃⁱ∂ᵇʲ I_x(a, b) from mpmath; the upper side as I_{1−x}(b, a) with 1 − x exact."""
    mp = _mpmath()
    with mp.workdps(40):
        point = (mp.mpf(a), mp.mpf(b))
        if special.betainc(a, b, x) <= 0.5:
            side = lambda s, t: mp.betainc(s, t, 0, x, regularized=True)  # noqa: E731
            return float(mp.diff(side, point, (i, j)))
        rest = 1 - mp.mpf(x)
        side = lambda s, t: mp.betainc(t, s, 0, rest, regularized=True)  # noqa: E731
        return -float(mp.diff(side, point, (i, j)))


def _bell_by_hand(k1, k2, k3, m):
    return [None, k1, k1 ** 2 + k2, k1 ** 3 + 3 * k1 * k2 + k3][m]


def gamma_integrand(a, m):
    """∂ᵐ/∂aᵐ of the gamma density, and the same in absolute value, in y = log t."""
    k2, k3 = -special.polygamma(1, a), -special.polygamma(2, a)

    def f(y):
        with np.errstate(over="ignore"):
            log_f = a * y - np.exp(y) - special.gammaln(a)
        return np.exp(log_f) * _bell_by_hand(y - special.digamma(a), k2, k3, m)
    return f


def gamma_scale(a, x, m):
    """∫ |∂ᵐf/∂aᵐ| over the side of x holding less probability: the size against which a
    derivative that cancels to (near) zero is measured."""
    f = gamma_integrand(a, m)
    lo, hi = (-np.inf, np.log(x)) if special.gammainc(a, x) <= 0.5 else (np.log(x), np.inf)
    return integrate.quad(lambda y: abs(f(y)), lo, hi, epsrel=1e-6, limit=200,
                          points=None)[0]


def _check(got, ref, scale, rtol=1e-10):
    """Relative accuracy `rtol`, and 1e-12 of `scale` where the derivative cancels to ~0."""
    assert abs(got - ref) <= rtol * abs(ref) + 1e-12 * scale + 1e-280, (got, ref, scale)


# -- incomplete gamma: every order against mpmath ------------------------------------------
@pytest.mark.parametrize("a", GAMMA_SHAPES)
def test_gamma_shape_derivatives_of_orders_one_to_three_match_mpmath(a):
    x = a * np.array(GAMMA_RATIOS)
    for m in (1, 2, 3):
        got = gammainc_shape_derivative(a, x, m)  # vectorized over x
        for xi, gi in zip(x, got):
            _check(gi, gamma_reference(a, xi, m), gamma_scale(a, xi, m))


def test_gamma_shape_derivatives_for_arrays_of_shapes_and_limits():
    rng = np.random.default_rng(5)
    a = np.exp(rng.uniform(np.log(0.05), np.log(1000.0), 40))
    x = a * np.exp(rng.uniform(np.log(1e-8), np.log(50.0), 40))
    for m in (1, 2):
        got = gammainc_shape_derivative(a, x, m)
        for ai, xi, gi in zip(a, x, got):
            _check(gi, gamma_reference(ai, xi, m), gamma_scale(ai, xi, m))


@pytest.mark.parametrize("a, x", [(0.3, 0.02), (2.5, 1.0), (2.5, 7.0), (40.0, 33.0)])
def test_gamma_shape_derivatives_match_quad_of_the_differentiated_density(a, x):
    for m in (1, 2, 3):
        f = gamma_integrand(a, m)
        lower = integrate.quad(f, -np.inf, np.log(x), epsabs=0, epsrel=1e-12, limit=200)[0]
        upper = integrate.quad(f, np.log(x), np.inf, epsabs=0, epsrel=1e-12, limit=200)[0]
        ref = lower if special.gammainc(a, x) <= 0.5 else -upper
        assert gammainc_shape_derivative(a, x, m) == pytest.approx(ref, rel=1e-9)
        assert lower + upper == pytest.approx(0.0, abs=1e-9 * gamma_scale(a, x, m))


# -- incomplete beta: mixed orders against mpmath ------------------------------------------
@pytest.mark.parametrize("a, b", BETA_SHAPES)
def test_beta_shape_derivatives_match_mpmath(a, b):
    x = np.array(BETA_X)
    refs = {order: np.array([beta_reference(a, b, xi, *order) for xi in x])
            for order in BETA_ORDERS}
    for order in BETA_ORDERS:
        got = betainc_shape_derivative(a, b, x, *order)
        # the gauge for a derivative that cancels to ~0 (I_½(a, a) = ½ for every a): the
        # largest derivative of the same total order at the same point
        scale = np.max([np.abs(r) for o, r in refs.items() if sum(o) == sum(order)], axis=0)
        for gi, ri, si in zip(got, refs[order], scale):
            _check(gi, ri, si, rtol=1e-9)


@pytest.mark.parametrize("a, b, x", [(2.3, 0.7, 0.4), (0.4, 5.0, 0.02), (12.0, 9.0, 0.7)])
def test_beta_shape_derivatives_match_quad_of_the_differentiated_density(a, b, x):
    def kappa(t):
        ab = special.digamma(a + b)
        return np.log(t) - special.digamma(a) + ab, np.log1p(-t) - special.digamma(b) + ab

    t_ab = special.polygamma(1, a + b)
    by_hand = {
        (1, 0): lambda ka, kb: ka,
        (0, 1): lambda ka, kb: kb,
        (2, 0): lambda ka, kb: ka ** 2 - special.polygamma(1, a) + t_ab,
        (1, 1): lambda ka, kb: ka * kb + t_ab,
        (0, 2): lambda ka, kb: kb ** 2 - special.polygamma(1, b) + t_ab,
    }
    lower = special.betainc(a, b, x) <= 0.5
    for (i, j), poly in by_hand.items():
        def f(t):
            return np.exp(special.xlogy(a - 1, t) + special.xlog1py(b - 1, -t)
                          - special.betaln(a, b)) * poly(*kappa(t))
        ref = integrate.quad(f, 0, x, epsabs=0, epsrel=1e-12, limit=200)[0] if lower else \
            -integrate.quad(f, x, 1, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert betainc_shape_derivative(a, b, x, i, j) == pytest.approx(ref, rel=1e-9)


# -- through the graph: any order, differentiated again ----------------------------------------
def _nth_derivative(f, x0, n):
    v = fg.val(x0)
    node = f(v)
    for _ in range(n):
        node, = fg.grad_nodes(node, [v])
    return node.data


def test_third_and_fourth_shape_derivatives_through_the_graph():
    for m in (1, 2, 3, 4):
        got = _nth_derivative(lambda a: gammainc(a, 1.0), 2.0, m)
        assert got == pytest.approx(gamma_reference(2.0, 1.0, m), rel=1e-10)
        got = _nth_derivative(lambda a: gammaincc(a, 1.0), 2.0, m)
        assert got == pytest.approx(-gamma_reference(2.0, 1.0, m), rel=1e-10)
    for m in (1, 2, 3):
        got = _nth_derivative(lambda a: betainc(a, 0.7, 0.4), 2.3, m)
        assert got == pytest.approx(beta_reference(2.3, 0.7, 0.4, m, 0), rel=1e-10)
        got = _nth_derivative(lambda b: betainc(2.3, b, 0.4), 0.7, m)
        assert got == pytest.approx(beta_reference(2.3, 0.7, 0.4, 0, m), rel=1e-10)


def test_mixed_derivatives_in_shape_and_limit_are_symmetric_and_exact():
    mp = _mpmath()
    h = fg.hessian(lambda a, x: gammainc(a, x), [2.5, 1.7])
    assert h[0, 1] == pytest.approx(h[1, 0], rel=1e-14)
    with mp.workdps(30):
        lower_p = lambda s, t: mp.gammainc(s, 0, t, regularized=True)  # noqa: E731
        cross = float(mp.diff(lower_p, (2.5, 1.7), (1, 1)))
        aa = float(mp.diff(lambda s: mp.gammainc(s, 0, 1.7, regularized=True), 2.5, 2))
    assert h[0, 1] == pytest.approx(cross, rel=1e-12)
    assert h[0, 0] == pytest.approx(aa, rel=1e-10)
    hb = fg.hessian(lambda a, b, x: betainc(a, b, x), [2.3, 0.7, 0.4])
    np.testing.assert_allclose(hb, hb.T, rtol=1e-14)
    assert hb[0, 1] == hb[1, 0]  # the same op, (da, db) = (1, 1), from either side
    for (p, q), ref in [((0, 1), beta_reference(2.3, 0.7, 0.4, 1, 1)),
                        ((0, 0), beta_reference(2.3, 0.7, 0.4, 2, 0))]:
        assert hb[p, q] == pytest.approx(ref, rel=1e-10)
    # d/da of the density in x, and of the x-derivative again (third order, mixed)
    third = _nth_derivative(lambda a: fg.grad_nodes(gammainc(a, fg.val(1.7)), [a])[0], 2.5, 2)
    with mp.workdps(30):
        ref = float(mp.diff(lower_p, (2.5, 1.7), (3, 0)))
    assert third == pytest.approx(ref, rel=1e-10)


def test_broadcasting_shapes_and_limits():
    a = np.array([[0.5], [3.0]])
    x = np.array([0.1, 1.0, 4.0])
    got = gammainc_shape_derivative(a, x, 2)
    assert got.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            alone = gammainc_shape_derivative(a[i, 0], x[j], 2)
            assert got[i, j] == pytest.approx(alone, rel=1e-13)
    x_beta = np.array([0.1, 0.5, 0.9])
    got = betainc_shape_derivative(2.0, np.array([0.5, 4.0, 9.0]), x_beta, 1, 1)
    for k in range(3):
        assert got[k] == pytest.approx(
            betainc_shape_derivative(2.0, [0.5, 4.0, 9.0][k], x_beta[k], 1, 1), rel=1e-13)
    # repeated limits (one censoring time) are integrated once and give identical values
    many = gammainc_shape_derivative(2.0, np.repeat([0.5, 2.0], 50), 1)
    assert np.all(many[:50] == many[0]) and np.all(many[50:] == many[50])


def test_edges_and_bad_arguments():
    got = gammainc_shape_derivative(2.0, np.array([0.0, np.inf, -1.0, np.nan]), 1)
    assert got[0] == 0.0 and got[1] == 0.0 and np.isnan(got[2]) and np.isnan(got[3])
    assert np.isnan(gammainc_shape_derivative(-1.0, 1.0, 1))
    got = betainc_shape_derivative(2.0, 3.0, np.array([0.0, 1.0, 1.5]), 1, 0)
    assert got[0] == 0.0 and got[1] == 0.0 and np.isnan(got[2])
    assert np.isnan(betainc_shape_derivative(2.0, 0.0, 0.5, 0, 1))


def test_value_forward_is_scipys():
    a, x = np.array([0.05, 2.3, 700.0]), np.array([1e-6, 1.7, 650.0])
    np.testing.assert_array_equal(gammainc(a, x).data, special.gammainc(a, x))
    np.testing.assert_array_equal(gammaincc(a, x).data, special.gammaincc(a, x))
    np.testing.assert_array_equal(betainc(a, 2.0, x / 1000).data, special.betainc(a, 2.0, x / 1000))
    assert gammainc(2.3, 1.7).data == special.gammainc(2.3, 1.7)


# -- censored likelihoods: Hessian against finite differences of the exact gradient ------------
def _hessian_matches_differenced_gradient(loglik, params, rtol):
    f = lambda *p: loglik(*p)  # noqa: E731
    exact = fg.hessian(f, params)
    numeric = central_difference(lambda p: fg.gradient(f, list(p)), np.array(params), h=1e-4)
    np.testing.assert_allclose(exact, exact.T, rtol=1e-13)
    np.testing.assert_allclose(exact, numeric, rtol=rtol, atol=rtol * np.abs(exact).max())


def test_censored_gamma_hessian_matches_differences_of_its_gradient():
    rng = np.random.default_rng(3)
    x = rng.gamma(2.5, 1 / 1.5, 400)
    censored = rng.uniform(size=400) < 0.4
    _hessian_matches_differenced_gradient(GammaLogLik(x, censored=censored), [2.2, 1.3], 1e-8)
    small = rng.gamma(0.2, 1.0, 200) + 1e-12  # a small shape: mass piled near zero
    censored = rng.uniform(size=200) < 0.5
    _hessian_matches_differenced_gradient(GammaLogLik(small, censored=censored), [0.25, 1.1], 1e-8)


def test_censored_beta_hessian_matches_differences_of_its_gradient():
    rng = np.random.default_rng(4)
    x = rng.beta(2.0, 5.0, 300)
    censored = rng.uniform(size=300) < 0.4
    _hessian_matches_differenced_gradient(BetaLogLik(x, censored=censored), [1.8, 4.6], 1e-8)


def test_censored_student_t_hessian_in_the_degrees_of_freedom():
    from femtograd.distributions import StudentTLogLik
    rng = np.random.default_rng(6)
    x = 1.5 + 0.8 * rng.standard_t(4.0, 300)
    censored = rng.uniform(size=300) < 0.3
    _hessian_matches_differenced_gradient(StudentTLogLik(x, censored=censored), [1.4, 0.9, 4.5],
                                          1e-7)
