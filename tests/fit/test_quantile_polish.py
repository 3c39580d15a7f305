"""Quantiles of the families without a closed form: a near-exact inverse (`Family._ppf`, a special
function's where there is one) polished by one Newton step on femtograd's own CDF, with the
implicit-function gradient from the same graph (femtograd.fit.predict._polished). Each quantile
equals the full bracketed solve to a few ulps and its SE the delta method by finite differences
of that solve; a start left further off is solved; the hook follows the CDF it inverts."""

import numpy as np
import pytest
from scipy import special, stats

import femtograd as fg
from femtograd.distributions import REGISTRY, GammaLogLik, GenGammaLogLik
from femtograd.fit import predict

from .reference import finite_difference_quantile_se
from .test_every_family import OPTIONS, simulate

SOLVED = sorted(n for n in REGISTRY if not REGISTRY[n].discrete and not REGISTRY[n].closed_quantile)
PROBS = np.array([1e-10, 1e-4, 0.02, 0.2, 0.45, 0.5, 0.55, 0.8, 0.98, 1 - 1e-4, 1 - 1e-10])


def full_solve(dist, theta, probs):
    """Every root by `_solve` on its own, from the hook's start (it settles a start only within
    one Newton step of 1e-9, else brackets and refines to 4 eps)."""
    with np.errstate(all="ignore"):
        return predict._solve(dist, list(theta), probs, dist.ppf(probs, *theta), *dist.support)


@pytest.fixture(scope="module", params=SOLVED)
def fitted(request):
    name = request.param
    return name, fg.fit_mle(REGISTRY[name], simulate(name, 400, 21), **OPTIONS.get(name, {}))


def test_the_families_without_a_closed_form_are_the_ones_solved_here():
    assert {"beta", "gengamma", "studentt", "inversegaussian", "makeham"} <= set(SOLVED)
    # a tangent, a normal quantile and the inverse_gammainc op invert these
    # (test_quantile_closed_form and test_gamma_quantile_op check them)
    assert all(REGISTRY[n].closed_quantile for n in ("cauchy", "birnbaumsaunders", "gamma"))


@pytest.mark.parametrize("p", [1e-300, 1e-12, 0.2, 0.3, 0.5, 0.7, 0.8, 1 - 1e-12])
def test_the_cauchy_quantile_keeps_every_digit_in_both_tails(p):
    dist = REGISTRY["cauchy"](np.array([0.0]))
    q = float(dist.ppf(p, 0.0, 2.0))
    # F(q) = ½ + arctan(q/2)/π, from the tail p is in (arctan2 keeps the tails' digits)
    tail = np.arctan2(1.0, -q / 2.0) / np.pi if p <= 0.5 else np.arctan2(1.0, q / 2.0) / np.pi
    assert tail == pytest.approx(p if p <= 0.5 else 1 - p, rel=4e-16 if p != 0.5 else 0)


def test_a_polished_quantile_is_the_full_solve_to_a_few_ulps(fitted):
    _, fit = fitted
    theta = np.asarray(fit.mle, dtype=float)
    with np.errstate(all="ignore"):
        got = fit.quantile(PROBS, scale="natural")["estimate"].to_numpy()
    want = full_solve(fit.model.distribution, theta, PROBS)
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(float).eps, atol=0)


def test_a_polished_quantiles_se_is_the_finite_difference_delta_method(fitted):
    _, fit = fitted
    dist, probs = fit.model.distribution, PROBS[2:-2]
    se = finite_difference_quantile_se(fit, lambda theta, p: full_solve(dist, theta, p), probs)
    np.testing.assert_allclose(fit.quantile(probs, scale="natural")["se"], se, rtol=1e-5)


def test_the_hooks_inverse_is_scipys_ppf_to_its_own_accuracy(fitted):
    name, fit = fitted
    dist, theta = fit.model.distribution, np.asarray(fit.mle, dtype=float)
    p = np.array([0.0, 1e-9, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])
    np.testing.assert_allclose(dist.ppf(p, *theta), dist.scipy(*theta).ppf(p), rtol=1e-8)


@pytest.mark.parametrize("Q", [-0.7, 0.8, 2.5])
def test_the_generalized_gammas_inverse_takes_the_side_its_cdf_takes(Q):
    dist = GenGammaLogLik(np.array([1.0]))
    p = np.array([1e-12, 1e-3, 0.3, 0.5, 0.9, 1 - 1e-9])
    x = dist.ppf(p, 0.5, 0.6, Q)
    np.testing.assert_allclose(np.exp(dist.logcdf(x, 0.5, 0.6, Q).data), p, rtol=1e-12)


def _off_gamma(offset):
    """A gamma whose inverse is off by `offset` relative (its CDF is the gamma's, restated so
    that the closed-form quantile is not inherited and the quantile is solved)."""
    class OffGamma(GammaLogLik):
        def _logcdf(self, x, shape, rate):
            return super()._logcdf(x, shape, rate)

        def _ppf(self, q, shape, rate):
            return special.gammaincinv(shape, q) / rate * (1 + offset)
    return OffGamma


# 1e-10: polished by its one Newton step; 1e-6: beyond it, bracketed and solved
@pytest.mark.parametrize("offset", [1e-10, -1e-10, 1e-6, -1e-6])
def test_starts_off_by_the_hook_end_at_the_root_with_their_gradient(offset):
    x = simulate("gamma", 300, 8)
    off, exact = fg.fit_mle(_off_gamma(offset), x), fg.fit_mle(GammaLogLik, x)
    with np.errstate(all="ignore"):
        a, b = off.quantile(PROBS), exact.quantile(PROBS)
    # (a start solved by brackets ends within the rounding of the polished one: P's own
    # rounding, which the lower tail magnifies by 1/shape, here 1.8)
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=64 * np.finfo(float).eps)
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-8)
    np.testing.assert_allclose(a["estimate"], stats.gamma(off.mle[0], scale=1 / off.mle[1])
                               .ppf(PROBS), rtol=1e-12)


def test_a_subclass_that_changes_the_cdf_does_not_inherit_the_inverse():
    class Shifted(GammaLogLik):
        def _logcdf(self, x, shape, rate):
            return super()._logcdf(x, shape, rate)

    assert Shifted._quantile is not GammaLogLik._quantile
    assert _off_gamma(1e-6)._ppf is not GammaLogLik._ppf  # its own, kept
    assert not Shifted.closed_quantile


def _makeham_root(par, q):
    """The Makeham quantile in 40-digit arithmetic: Newton on H(x) = −log(1 − q) from the
    float answer, checked to have settled."""
    mpmath = pytest.importorskip("mpmath")
    from femtograd.distributions.makeham import makeham_quantile
    mpmath.mp.dps = 40
    a, b, lam = (mpmath.mpf(v) for v in par)
    h = -mpmath.log1p(-mpmath.mpf(q))
    cum = (lambda x: (lam + b) * x) if a == 0 else (lambda x: lam * x + b * mpmath.expm1(a * x) / a)
    x = mpmath.mpf(float(makeham_quantile(q, *par)))
    for _ in range(30):
        x -= (cum(x) - h) / (lam + b * mpmath.exp(a * x))
    assert abs(cum(x) - h) < mpmath.mpf(10) ** -35 * h
    return float(x)


# the Gompertz term dominant (λ down to 1e-300), the constant one, both, a decaying hazard, a = 0
@pytest.mark.parametrize("par", [(1.5, 0.03, 0.5), (5.0, 1e-6, 1e-300), (0.1, 1e-3, 1e-14),
                                 (-2.0, 5.0, 1e-3), (-0.5, 2.0, 0.3), (0.0, 1.0, 2.0),
                                 (20.0, 1e-9, 1e-3), (1e-9, 1.0, 1.0)])
def test_the_makeham_inverse_is_exact_to_an_ulp_or_two(par):
    dist = REGISTRY["makeham"](np.array([1.0]))
    p = np.array([1e-300, 1e-12, 1e-4, 0.3, 0.5, 0.9, 1 - 1e-9])
    got = dist.ppf(p, *par)
    want = [_makeham_root(par, q) for q in p]
    np.testing.assert_allclose(got, want, rtol=4 * np.finfo(float).eps, atol=0)
    assert dist.ppf(0.0, *par) == 0.0 and dist.ppf(1.0, *par) == np.inf
    np.testing.assert_allclose(dist.scipy(*par).ppf(p), got, rtol=0)  # scipy's is the same


PER_ROW = {"gamma": ([0.5, 3.0], [1.0, 0.2]), "beta": ([0.5, 3.0], [2.0, 0.7]),
           "studentt": ([0.0, 5.0], [1.0, 3.0], [1.5, 30.0]),
           "gengamma": ([0.0, 1.0], [1.0, 0.5], [-0.5, 0.7]),
           "makeham": ([0.5, 0.0], [1.0, 2.0], [0.1, 0.2])}


@pytest.mark.parametrize("name", sorted(PER_ROW))
def test_an_inverse_hook_takes_per_row_parameters_and_scalars_alike(name):
    dist = REGISTRY[name](np.array([0.5]))
    params = [np.array(v) for v in PER_ROW[name]]
    q = np.array([1e-8, 0.7])
    rows = dist.ppf(q, *params)
    alone = [float(dist.ppf(float(q[i]), *(float(v[i]) for v in params))) for i in range(2)]
    np.testing.assert_array_equal(rows, alone)
    want = [float(dist.scipy(*(float(v[i]) for v in params)).ppf(q[i])) for i in range(2)]
    np.testing.assert_allclose(rows, want, rtol=1e-8)
