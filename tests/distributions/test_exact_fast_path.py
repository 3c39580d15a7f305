"""Plain exact data take the constructor's fast path: validation by reductions over the data
(the per-row masks run only to name an offending row), one group holding the data, no
weights array when none were given, starts from the sufficient statistics.

The same rows given through the general path, an all-False censoring mask or
IntervalData(x, x), must give the same log-likelihood, gradient, Hessian, contributions,
start and error messages."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.distributions import ExpLogLik, GammaLogLik, NormalLogLik, WeibullLogLik

from ._cases import CASES, CONTINUOUS, ids

settings_ = settings(max_examples=12, deadline=None)


def general_paths(case, x, **kw):
    """The same exact rows through the per-row path: IntervalData(x, x), and for continuous
    families an all-False censoring mask."""
    gens = [case.make(fg.IntervalData(x, x), **kw)]
    if not case.discrete:
        gens.append(case.make(x, censored=np.zeros(x.size, bool), **kw))
    return gens


def summary(gen, p):
    return dict(loglik=gen(*p).data, gradient=fg.gradient(gen, list(p)),
                hessian=fg.hessian(gen, list(p)), contributions=gen.contributions(*p).data,
                start=np.array(list(gen.start().values())), nobs=gen.nobs, weights=gen.weights)


def assert_same(fast, general, p):
    a, b = summary(fast, p), summary(general, p)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-12, atol=1e-300, err_msg=key)


def truncation_around(case, x, rng):
    """Bounds (a, b) with every row inside: (a, b] for counts, [a, b] otherwise."""
    lo, hi = case.cls.support
    a = x.min() - (1.0 if case.discrete else rng.uniform(0, 1) * (x.min() - max(lo, x.min() - 1)))
    b = x.max() + rng.uniform(0, 2)
    return (max(a, lo) if not case.discrete else a, min(b, hi) if np.isfinite(hi) else b)


@settings_
@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), weighted=st.booleans(),
       truncated=st.booleans())
def test_exact_rows_give_the_same_results_on_the_fast_and_the_general_path(case, seed, n,
                                                                           weighted, truncated):
    rng = np.random.default_rng(seed)
    x = np.asarray(case.draw(rng, n), dtype=float)
    p = case.params(rng)
    kw = {}
    if weighted:
        kw["weights"] = rng.integers(0, 4, n).astype(float)
        kw["weights"][0] = 1.0
    if truncated:
        kw["truncation"] = truncation_around(case, x, rng)
    fast = case.make(x, **kw)
    assert fast._upper is fast._lower and fast._groups["exact"].idx is None
    for general in general_paths(case, x, **kw):
        assert_same(fast, general, p)


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_unit_weights_give_the_same_results_as_no_weights(case):
    rng = np.random.default_rng(3)
    x = np.asarray(case.draw(rng, 25), dtype=float)
    p = case.params(rng)
    plain, ones = case.make(x), case.make(x, weights=np.ones(x.size))
    assert plain._weights is None and plain._groups["exact"].w is None
    np.testing.assert_array_equal(plain.weights, np.ones(x.size))
    assert_same(plain, ones, p)


def first_message(make):
    with pytest.raises((ValueError, TypeError)) as err:
        make()
    return str(err.value)


def bad_rows(case, x, rng):
    """Data with one invalid value at a random row, for each way a value can be invalid."""
    lo, hi = case.cls.support
    out = []
    for bad in (np.nan, np.inf, -np.inf, lo - 1.0, hi + 1.0,
                lo if case.cls.support_open[0] else np.nan,
                hi if case.cls.support_open[1] else np.nan,
                (x[0] + 0.5) if case.discrete else np.nan):
        if np.isfinite(bad) and not (bad < lo or bad > hi or bad in (lo, hi) or case.discrete):
            continue
        y = x.copy()
        i = int(rng.integers(0, x.size))
        y[i] = bad
        if i + 1 < x.size:
            y[i + 1:] = np.where(rng.uniform(size=x.size - i - 1) < 0.3, bad, y[i + 1:])
        out.append(y)
    return out


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_invalid_exact_rows_are_named_alike_on_both_paths(case):
    rng = np.random.default_rng(7)
    x = np.asarray(case.draw(rng, 12), dtype=float)
    for y in bad_rows(case, x, rng):
        fast = first_message(lambda: case.make(y))
        if case.discrete:
            general = first_message(lambda: case.make(fg.IntervalData(y, y)))
            if "IntervalData" in general:  # NaN and infinities are refused by IntervalData
                continue
        else:
            general = first_message(lambda: case.make(y, censored=np.zeros(y.size, bool)))
        assert fast == general


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
def test_a_truncation_that_excludes_a_row_is_named_alike_on_both_paths(case):
    rng = np.random.default_rng(8)
    x = np.asarray(case.draw(rng, 15), dtype=float)
    cut = np.sort(x)[3]
    for truncation in ((cut, None), (None, np.sort(x)[-4])):
        fast = first_message(lambda: case.make(x, truncation=truncation))
        general = first_message(lambda: case.make(x, censored=np.zeros(x.size, bool),
                                                  truncation=truncation))
        assert fast == general and "excludes row" in fast


def test_messages_name_the_first_offending_row_and_value():
    with pytest.raises(ValueError, match=r"NaN at row 1$"):
        ExpLogLik([1.0, np.nan, np.inf, -1.0])
    with pytest.raises(ValueError, match=r"infinite value at row 2 \(-inf\)"):
        NormalLogLik([1.0, 2.0, -np.inf, np.inf])
    with pytest.raises(ValueError, match=r"row 2 is -1.0"):
        GammaLogLik([1.0, 2.0, -1.0, 0.0])
    with pytest.raises(ValueError, match=r"row 3 is 0.0"):
        WeibullLogLik([1.0, 2.0, 3.0, 0.0, -1.0])
    with pytest.raises(ValueError, match=r"weights must be finite; row 2 is nan"):
        ExpLogLik([1.0, 2.0, 3.0], weights=[1.0, -1.0, np.nan])
    with pytest.raises(ValueError, match=r"negative weight at row 1 \(-1.0\)"):
        ExpLogLik([1.0, 2.0, 3.0], weights=[1.0, -1.0, -2.0])
    with pytest.raises(ValueError, match=r"truncation \[1.5, inf\] excludes row 0 \(1.0\)"):
        WeibullLogLik([1.0, 2.0, 3.0], truncation=(1.5, None))


def weibull_start_by_dense_arrays(x, censored=None):
    """The Weibull start computed the straightforward way: moments of log x from full arrays,
    then Newton on the profile shape equation to rounding, then the scale."""
    c = np.zeros(x.size, bool) if censored is None else censored
    logx = np.log(x)
    mean = logx.mean()
    k = np.pi / (np.sqrt(np.mean((logx - mean) ** 2)) * np.sqrt(6.0))
    d, exact_log = float((~c).sum()), logx[~c].sum()
    for _ in range(100):
        e = np.exp(k * logx)
        m1, m2 = np.dot(e, logx) / e.sum(), np.dot(e, logx ** 2) / e.sum()
        new = k - (d / k + exact_log - d * m1) / (-d / k ** 2 - d * (m2 - m1 * m1))
        if abs(new - k) < 1e-15 * k:
            break
        k = new
    return k, (np.exp(k * logx).sum() / d) ** (1 / k)


@settings_
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 200), censor=st.floats(0, 0.6))
def test_weibull_start_on_the_moment_data_is_the_profile_mle(seed, n, censor):
    rng = np.random.default_rng(seed)
    x = rng.weibull(rng.uniform(0.5, 4), n) * rng.uniform(0.1, 10)
    c = rng.uniform(size=n) < censor
    c[:2] = False  # two distinct exact rows: the profile MLE exists (one exact row at the
    # maximum with the rest censored below it has none: the likelihood grows with the shape)
    start = WeibullLogLik(x, censored=c if c.any() else None).start()
    k, scale = weibull_start_by_dense_arrays(x, c)
    assert start["shape"] == pytest.approx(k, rel=1e-11)
    assert start["scale"] == pytest.approx(scale, rel=1e-11)


def test_weibull_fit_makes_one_exp_pass_per_shape_and_the_graph_reuses_the_start_moments():
    from femtograd.core.moments import ExpMomentData
    x = np.random.default_rng(4).weibull(1.7, 3000) * 2.5
    shapes = []
    original = ExpMomentData._pass

    def counting(self, k, orders):
        shapes.append(k)
        return original(self, k, orders)

    ExpMomentData._pass = counting
    try:
        fit = fg.fit_mle(WeibullLogLik, x)
        fit.se
    finally:
        ExpMomentData._pass = original
    assert fit.iterations == 0
    assert len(shapes) == len(set(shapes))  # never the same shape twice
    assert shapes[-1] == fit.mle[0]         # the graph's evaluations hit the start's moments


@settings_
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), block=st.integers(1, 9),
       weighted=st.booleans())
def test_blockwise_normal_moments_equal_the_two_pass_formula(seed, n, block, weighted):
    from femtograd.distributions import base
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 2.0, n)
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    ww = np.ones(n) if w is None else w
    mean = np.dot(ww, x) / ww.sum()
    original = base.BLOCK
    base.BLOCK = block  # not monkeypatch: hypothesis reruns the body within one test
    try:
        total, got_mean, ss = base.weighted_moments(x, w)
    finally:
        base.BLOCK = original
    assert total == pytest.approx(ww.sum(), rel=1e-14)
    assert got_mean == pytest.approx(mean, rel=1e-13, abs=1e-13)
    assert ss == pytest.approx(np.dot(ww, (x - mean) ** 2), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("options", [
    {}, {"censored": [False, True, False, False]}, {"weights": [1.0, 2.0, 1.0, 3.0]},
    {"truncation": (0.5, 10.0)}, {"censored": [True, False, False, True], "truncation": (0.5, 9.0)},
])
def test_the_generator_never_writes_into_the_callers_arrays(options):
    x = np.array([1.0, 2.0, 3.0, 4.0])
    arrays = {k: np.array(v) for k, v in options.items() if k != "truncation"}
    before = {k: a.copy() for k, a in {"x": x, **arrays}.items()}
    gen = WeibullLogLik(x, **arrays, **{k: v for k, v in options.items() if k == "truncation"})
    fg.fit_mle(gen)
    gen.simulate((1.5, 2.0), rng=0)
    gen.contributions(1.5, 2.0)
    gen.reweighted([1.0, 2.0, 1.0, 1.0])
    for k, a in {"x": x, **arrays}.items():
        np.testing.assert_array_equal(a, before[k])
        assert a.flags.writeable
