"""fg.compare: several families fitted to one sample, ranked by AIC."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import GammaLogLik, LogNormalLogLik, NormalLogLik, WeibullLogLik


@pytest.fixture(scope="module")
def lifetimes():
    return 12.0 * np.random.default_rng(5).weibull(2.2, 80)


def test_compare_ranks_by_aic_and_agrees_with_single_fits(lifetimes):
    table = fg.compare(lifetimes, [LogNormalLogLik, WeibullLogLik, GammaLogLik])
    assert list(table["aic"]) == sorted(table["aic"])
    assert set(table["distribution"]) == {"weibull", "gamma", "lognormal"}
    for generator in (WeibullLogLik, GammaLogLik, LogNormalLogLik):
        fit = fg.fit_mle(generator, lifetimes)
        row = table[table["distribution"] == generator.name].iloc[0]
        assert row["loglik"] == pytest.approx(fit.loglik, rel=1e-12)
        assert row["aic"] == pytest.approx(fit.aic, rel=1e-12)
        assert row["bic"] == pytest.approx(fit.bic, rel=1e-12)
        assert row["df"] == 2 and row["converged"]
        columns = table.attrs["parameters"][generator.name]  # estimates in columns of their own
        assert dict(zip(fit.param_names, row[columns])) == pytest.approx(dict(fit.params))


def test_compare_reports_delta_aic_and_akaike_weights_that_sum_to_one(lifetimes):
    table = fg.compare(lifetimes, [WeibullLogLik, GammaLogLik, LogNormalLogLik])
    assert table["delta_aic"].iloc[0] == 0
    np.testing.assert_allclose(table["delta_aic"], table["aic"] - table["aic"].min())
    assert table["weight"].sum() == pytest.approx(1.0)
    relative = np.exp(-table["delta_aic"] / 2)
    np.testing.assert_allclose(table["weight"], relative / relative.sum())
    assert list(table["weight"]) == sorted(table["weight"], reverse=True)


def test_compare_accepts_distribution_names_and_right_censoring(lifetimes):
    censored = lifetimes > 14.0
    times = np.minimum(lifetimes, 14.0)
    table = fg.compare(times, ["weibull", "lognormal"], censored=censored)
    fit = fg.fit_mle(WeibullLogLik, times, censored=censored)
    row = table[table["distribution"] == "weibull"].iloc[0]
    assert row["loglik"] == pytest.approx(fit.loglik, rel=1e-12)


def test_compare_defaults_to_weibull_gamma_and_lognormal(lifetimes):
    assert set(fg.compare(lifetimes)["distribution"]) == {"weibull", "gamma", "lognormal"}


def test_a_family_that_cannot_fit_the_data_is_ranked_last_with_the_reason():
    x = np.random.default_rng(2).normal(1.0, 1.0, 50)  # some negative: no lifetime family fits
    table = fg.compare(x, [WeibullLogLik, NormalLogLik])
    assert list(table["distribution"]) == ["normal", "weibull"]
    last = table.iloc[1]
    assert not last["converged"] and np.isnan(last["aic"]) and last["weight"] == 0
    assert last["message"]
    assert table["weight"].iloc[0] == pytest.approx(1.0)


def test_an_unknown_distribution_name_is_a_value_error_listing_the_known_ones(lifetimes):
    with pytest.raises(ValueError, match="'weibul'.*weibull"):
        fg.compare(lifetimes, ["weibul"])


def test_compare_takes_interval_censored_data(lifetimes):
    lower = np.floor(lifetimes / 2) * 2
    data = fg.IntervalData(lower, lower + 2)
    table = fg.compare(data, ["weibull", "lognormal"])
    fit = fg.fit_mle(LogNormalLogLik, data)
    row = table[table["distribution"] == "lognormal"].iloc[0]
    assert row["aic"] == pytest.approx(fit.aic, rel=1e-12) and table["converged"].all()


def test_a_fit_that_did_not_converge_ranks_after_converged_ones_and_says_so(lifetimes):
    # one Newton step and no fallback: the log-logistic stops short (its AIC is not a
    # maximum's), the Weibull's data-based start is already its maximum
    table = fg.compare(lifetimes, ["loglogistic", "weibull"], max_iter=1, fallback=False)
    with pytest.warns(fg.fit.ConvergenceWarning):
        short = fg.fit_mle("loglogistic", lifetimes, max_iter=1, fallback=False)
    assert not short.converged
    assert list(table["distribution"]) == ["weibull", "loglogistic"]
    assert list(table["converged"]) == [True, False] and table["weight"].iloc[1] == 0
    assert table["message"].iloc[1].startswith("not converged, so ranked after the converged "
                                               "fits: ")


def test_compare_takes_event_as_censored_turned_over(lifetimes):
    censored = lifetimes > 15
    by_event = fg.compare(lifetimes, ["weibull", "lognormal"], event=~censored)
    by_censored = fg.compare(lifetimes, ["weibull", "lognormal"], censored=censored)
    assert list(by_event["aic"]) == list(by_censored["aic"])
    with pytest.raises(TypeError, match="not both"):
        fg.compare(lifetimes, ["weibull"], event=~censored, censored=censored)


def test_gof_columns_are_each_fits_own_statistics_and_seeded_p_values():
    import pandas as pd
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"g": np.repeat(["a", "b"], 60),
                       "t": np.r_[10 * rng.weibull(1.5, 60), rng.lognormal(1, 0.5, 60)]})
    table, fits = fg.compare(df, ["weibull", "lognormal"], column="t", by="g", gof=19, seed=4,
                             return_fits=True)
    for _, row in table.iterrows():
        own = fits[(row["g"], row["distribution"])].gof(n_boot=19, seed=4).table
        np.testing.assert_allclose(row[["ks", "cvm", "ad"]].to_numpy(float),
                                   own["statistic"].to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(row[["ks_p", "cvm_p", "ad_p"]].to_numpy(float),
                                   own["p_value"].to_numpy(), rtol=1e-12)
    quick = fg.compare(df, ["weibull"], column="t", by="g", gof=0)
    assert "ks_p" not in quick and quick["ad"].notna().all()


def test_gof_columns_for_counts_and_where_they_do_not_apply():
    counts = np.random.default_rng(3).poisson(3.0, 200)
    table = fg.compare(counts, ["poisson"], gof=0)
    own = fg.fit_mle("poisson", counts).gof().table.iloc[0]
    assert table.loc[0, "chi2"] == pytest.approx(own["statistic"])
    assert table.loc[0, "chi2_p"] == pytest.approx(own["p_value"])
    boxes = fg.IntervalData([1.0, 2.0, 3.0, 0.5, 2.5], [2.0, 4.0, 5.0, 1.5, np.inf])
    table = fg.compare(boxes, ["weibull"], gof=0)
    assert np.isnan(table.loc[0, "ks"]) and "gof:" in table.loc[0, "message"]
    for bad in (True, -1, 2.5, "9", [1]):
        with pytest.raises(ValueError, match="gof is a number"):
            fg.compare(counts, ["poisson"], gof=bad)
