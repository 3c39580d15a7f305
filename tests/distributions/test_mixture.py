"""Mixtures (issue 15 item 3): `Mixture([fam, ...])` with simplex weights as stick-breaking
shares, components of one family ordered by a parameter (the `ordered` space), several
data-based starts.

The density, CDF and survival are the weighted sums of scipy's; derivatives match finite
differences under censoring; fits recover simulated parameters and reach at least the
log-likelihood of a direct scipy.optimize maximization; predictions invert the CDF.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import femtograd as fg
from femtograd.distributions import (ExpLogLik, Mixture, NormalLogLik, PoissonLogLik,
                                     WeibullLogLik)
from femtograd.distributions.mixture import split_starts
from femtograd.distributions.spaces import ordered, simplex_shares, simplex_weights

from ._numeric import check_derivatives

WW = Mixture([WeibullLogLik, WeibullLogLik])
TRUTH = dict(weights=[0.3, 0.7], components=[dict(shape=3.0, scale=10.0),
                                             dict(shape=5.0, scale=40.0)])


def _two_weibulls(n, rng, w=0.3, a=(3.0, 10.0), b=(5.0, 40.0)):
    first = rng.uniform(size=n) < w
    return np.where(first, stats.weibull_min(a[0], scale=a[1]).rvs(n, random_state=rng),
                    stats.weibull_min(b[0], scale=b[1]).rvs(n, random_state=rng))


def test_names_constraints_and_weights():
    assert WW.param_names == ("share1", "shape1", "scale1", "shape2", "dscale2")
    assert WW.constraints == ("unit", "positive", "positive", "positive", "positive")
    assert WW.order_by == "scale"
    m3 = Mixture([NormalLogLik] * 3)
    assert m3.param_names == ("share1", "share2", "mu1", "sigma1", "dmu2", "sigma2", "dmu3",
                              "sigma3")
    assert m3.constraints[2:] == ("real", "positive", "positive", "positive", "positive",
                                  "positive")
    weights = m3.family().mixture_weights([0.2, 0.5, 0, 1, 0.5, 1, 0.5, 1])
    assert weights == pytest.approx([0.2, 0.4, 0.4])
    table = m3.family().components_table([0.2, 0.5, -1.0, 1.0, 0.5, 2.0, 3.0, 3.0])
    np.testing.assert_allclose(table["mu"], [-1.0, -0.5, 2.5])
    np.testing.assert_allclose(table["sigma"], [1.0, 2.0, 3.0])
    unordered = Mixture([WeibullLogLik, NormalLogLik])  # two families: no relabelling to fear
    assert unordered.order_by is None and unordered.param_names[-1] == "sigma2"
    assert Mixture([WeibullLogLik] * 2, order_by="shape").param_names[-2:] == ("dshape2",
                                                                               "scale2")
    assert Mixture([WeibullLogLik] * 2, order_by=False).param_names[-1] == "scale2"


def test_ordering_is_refused_where_it_cannot_hold():
    with pytest.raises(ValueError, match="not a parameter of NormalLogLik"):
        Mixture([NormalLogLik] * 2, order_by="scale")
    with pytest.raises(ValueError, match="unbounded above"):
        Mixture([fg.distributions.BernoulliLogLik] * 2, order_by="prob")
    fam = WW.family()
    with pytest.raises(ValueError, match="strictly increasing"):
        fam.parameters([0.5, 0.5], [dict(shape=2, scale=5.0), dict(shape=3, scale=5.0)])
    with pytest.raises(ValueError, match="dscale2 must be positive"):
        WW(np.arange(1.0, 9.0))(0.5, 2.0, 5.0, 2.0, -1.0)


def test_density_cdf_and_survival_are_the_weighted_sums():
    fam = WW.family()
    p = (0.3, 3.0, 10.0, 5.0, 30.0)
    a, b = stats.weibull_min(3.0, scale=10.0), stats.weibull_min(5.0, scale=40.0)
    x = np.linspace(0.5, 80, 40)
    np.testing.assert_allclose(fam.pdf(x, *p).data, 0.3 * a.pdf(x) + 0.7 * b.pdf(x), rtol=1e-12)
    np.testing.assert_allclose(fam.cdf(x, *p).data, 0.3 * a.cdf(x) + 0.7 * b.cdf(x), rtol=1e-12)
    np.testing.assert_allclose(fam.sf(x, *p).data, 0.3 * a.sf(x) + 0.7 * b.sf(x), rtol=1e-10)
    q = np.array([0.05, 0.3, 0.5, 0.9])
    np.testing.assert_allclose(fam.cdf(fam.ppf(q, *p), *p).data, q, rtol=1e-9)


def test_derivatives_under_censoring_and_intervals_match_finite_differences():
    x = _two_weibulls(60, np.random.default_rng(0))
    gen = WW(np.minimum(x, 35.0), censored=x > 35.0)
    check_derivatives(lambda *p: gen(*p), (0.35, 2.5, 9.0, 4.0, 38.0), rtol=1e-4)
    iv = WW(fg.IntervalData(np.floor(x), np.floor(x) + 1.0))
    check_derivatives(lambda *p: iv(*p), (0.35, 2.5, 9.0, 4.0, 38.0), rtol=1e-4)


def test_two_weibulls_are_recovered_in_the_order_of_their_scales():
    x = _two_weibulls(2000, np.random.default_rng(1))
    fit = fg.fit_mle(WW, x)
    assert fit.converged
    truth = np.array(fit.model.parameters(**TRUTH))
    assert np.all(np.abs(fit.mle - truth) < 4 * fit.se.to_numpy())
    table = fit.model.components_table(fit.params)
    assert list(table.index) == [1, 2] and table["scale"].is_monotonic_increasing
    np.testing.assert_allclose(table.to_numpy(), [[0.3, 3, 10], [0.7, 5, 40]], rtol=0.1)
    assert "2000 rows: 2000 failures" in str(fit.summary())
    q = fit.quantile([0.1, 0.5])["estimate"].to_numpy()
    np.testing.assert_allclose(fit.cdf(q)["estimate"], [0.1, 0.5], rtol=1e-9)


def test_three_normals_are_recovered():
    rng = np.random.default_rng(2)
    y = np.concatenate([rng.normal(0, 1, 300), rng.normal(6, 1, 300), rng.normal(12, 2, 400)])
    fit = fg.fit_mle(Mixture([NormalLogLik] * 3), y)
    assert fit.converged
    np.testing.assert_allclose(fit.model.mixture_weights(fit.params), [0.3, 0.3, 0.4],
                               atol=0.04)
    np.testing.assert_allclose(fit.model.components_table(fit.params)["mu"], [0, 6, 12],
                               atol=0.3)


def test_the_order_holds_at_the_optimum_whatever_the_labels_of_the_truth():
    """The large-scale population drawn as the first one: the fit still numbers the
    components by scale, and a start built from the truth in either labelling is the same
    point and leads to the same fit as the data-based start."""
    rng = np.random.default_rng(11)
    x = _two_weibulls(1500, rng, w=0.7, a=(5.0, 40.0), b=(3.0, 10.0))
    fit = fg.fit_mle(WW, x)
    assert fit.converged and fit.params["dscale2"] > 0
    table = fit.model.components_table(fit.params)
    np.testing.assert_allclose(table["weight"], [0.3, 0.7], atol=0.04)
    swapped = dict(weights=TRUTH["weights"][::-1], components=TRUTH["components"][::-1])
    assert fit.model.parameters(**swapped) == fit.model.parameters(**TRUTH)
    for truth in (TRUTH, swapped):
        again = fg.fit_mle(WW, x, start=fit.model.parameters(**truth))
        np.testing.assert_allclose(again.mle, fit.mle, rtol=1e-6)
        assert again.loglik == pytest.approx(fit.loglik, abs=1e-8)


def test_censored_fit_reaches_a_direct_maximization():
    x = _two_weibulls(300, np.random.default_rng(3))
    c = 45.0
    t, cens = np.minimum(x, c), x > c
    fit = fg.fit_mle(WW, t, censored=cens)
    table = fit.model.components_table(fit.params)

    def nll(q):
        s, k1, l1, k2, l2 = q
        if not (0 < s < 1 and min(k1, l1, k2, l2) > 0):
            return np.inf
        a, b = stats.weibull_min(k1, scale=l1), stats.weibull_min(k2, scale=l2)
        return -(np.log(s * a.pdf(t[~cens]) + (1 - s) * b.pdf(t[~cens])).sum()
                 + np.log(s * a.sf(t[cens]) + (1 - s) * b.sf(t[cens])).sum())
    res = optimize.minimize(nll, [0.4, 2.0, 12.0, 4.0, 35.0], method="Nelder-Mead",
                            options=dict(maxiter=20000, maxfev=20000, xatol=1e-9, fatol=1e-11))
    assert fit.converged
    assert fit.loglik >= -res.fun - 1e-7
    np.testing.assert_allclose([table["weight"][1], *table.loc[1, ["shape", "scale"]],
                                *table.loc[2, ["shape", "scale"]]], res.x, rtol=1e-3)


def test_several_starts_are_tried():
    """A small, early first component that an even split would not isolate."""
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.exponential(1.0, 150), rng.exponential(30.0, 850)])
    gen = Mixture([ExpLogLik, ExpLogLik])(x)
    start = gen.start()
    cum = np.arange(1, x.size + 1) / x.size
    lls = []
    for cut in (0.15, 0.3, 0.5):
        weights, params = split_starts(gen.components, np.sort(x), np.ones(x.size), cum, [cut])
        lls.append(float(gen(*gen.parameters(weights, [dict(rate=r) for r in params])).data))
    assert float(gen(*start.values()).data) == pytest.approx(max(lls))
    fit = fg.fit_mle(gen)
    assert fit.converged
    table = fit.model.components_table(fit.params)  # ordered by rate: the fast one is last
    assert table["rate"][2] == pytest.approx(1.0, rel=0.3)
    assert table["weight"][2] == pytest.approx(0.15, abs=0.05)


def test_simulate_draws_from_the_mixture():
    gen = WW(np.ones(4000) + np.arange(4000) * 1e-3)
    sim = gen.simulate(gen.parameters(**TRUTH), rng=7)
    ref = lambda v: 0.3 * stats.weibull_min(3, scale=10).cdf(v) + \
        0.7 * stats.weibull_min(5, scale=40).cdf(v)  # noqa: E731
    assert stats.kstest(sim.lower, ref).pvalue > 0.01


def test_count_mixture_of_poissons():
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.poisson(2.0, 400), rng.poisson(12.0, 600)])
    fit = fg.fit_mle(Mixture([PoissonLogLik, PoissonLogLik]), y)
    assert fit.converged
    np.testing.assert_allclose(fit.model.components_table(fit.params)["rate"], [2.0, 12.0],
                               rtol=0.1)


def test_bad_components_are_refused():
    with pytest.raises(ValueError, match="two or more"):
        Mixture([WeibullLogLik])
    with pytest.raises(TypeError, match="generator classes"):
        Mixture([WeibullLogLik, "weibull"])
    with pytest.raises(ValueError, match="all continuous or all counts"):
        Mixture([WeibullLogLik, PoissonLogLik])
    with pytest.raises(ValueError, match="share1"):
        WW(np.ones(3) + np.arange(3))(1.2, 1.0, 1.0, 1.0, 1.0)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(st.floats(1e-3, 1e3), min_size=2, max_size=6))
def test_simplex_shares_and_weights_are_inverse(raw):
    w = np.array(raw) / np.sum(raw)
    shares = simplex_shares(w)
    assert all(0 < s <= 1 for s in shares)
    np.testing.assert_allclose(simplex_weights(shares), w, rtol=1e-9, atol=1e-15)


@settings(max_examples=30, derandomize=True, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.5, 5), st.floats(1, 50), st.floats(0.5, 5),
       st.floats(1, 50))
def test_both_labellings_are_one_point_with_the_mixtures_loglik(w, k1, s1, k2, s2):
    """Why labels need fixing, and that the order fixes them: either labelling of the same
    mixture is spelled as one parameter point, whose log-likelihood is scipy's."""
    x = _two_weibulls(50, np.random.default_rng(9))
    gen = WW(x)
    a, b = dict(shape=k1, scale=s1), dict(shape=k2, scale=s2 + 1e-3 * (s2 == s1))
    p = gen.parameters([w, 1 - w], [a, b])
    assert p == gen.parameters([1 - w, w], [b, a])
    direct = np.log(w * stats.weibull_min(k1, scale=a["scale"]).pdf(x)
                    + (1 - w) * stats.weibull_min(k2, scale=b["scale"]).pdf(x)).sum()
    assert float(gen(*p).data) == pytest.approx(direct, rel=1e-10)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=6))
def test_ordered_coordinates_and_values_are_inverse_and_starts_are_made_increasing(raw):
    space = ordered(len(raw))
    start = space.clamp_start(raw)
    assert all(b > a for a, b in zip(start, start[1:]))
    coords = space.coordinates(start)
    assert all(d > 0 for d in coords[1:])
    np.testing.assert_allclose(space.values(coords), start, rtol=1e-12, atol=1e-9)
    assert space.constraints[1:] == ("positive",) * (len(raw) - 1)
