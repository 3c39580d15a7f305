"""fit_columns and fit_groups: tidy tables that equal single fit_mle calls, row by row."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import ExpLogLik, WeibullLogLik

TIDY = ["parameter", "estimate", "se", "lower", "upper", "loglik", "aic", "nobs", "converged"]


@pytest.fixture(scope="module")
def machines():
    rng = np.random.default_rng(20)
    n = 60
    return pd.DataFrame({
        "pump": 8.0 * rng.weibull(1.6, n),
        "valve": 3.0 * rng.weibull(0.9, n),
        "supplier": np.repeat(["acme", "brio", "cole"], n // 3),
        "line": np.tile([1, 2], n // 2),
        "censored": rng.random(n) < 0.2,
        "count": rng.integers(1, 4, n),
    })


def assert_rows_match_fit(rows, fit, level=0.95, method="wald"):
    interval = fit.confint(level=level, method=method)
    assert list(rows["parameter"]) == list(fit.params.index)
    np.testing.assert_allclose(rows["estimate"], fit.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(rows["se"], fit.se.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(rows["lower"], interval["lower"].to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(rows["upper"], interval["upper"].to_numpy(), rtol=1e-8)
    assert (rows["loglik"] == fit.loglik).all() and (rows["aic"] == fit.aic).all()
    assert (rows["nobs"] == fit.nobs).all() and (rows["converged"] == fit.converged).all()


def test_fit_columns_rows_equal_single_fit_mle_calls(machines):
    table = fg.fit_columns(machines, WeibullLogLik, columns=["pump", "valve"])
    assert list(table.columns[:1]) == ["column"] and set(TIDY) <= set(table.columns)
    assert list(table["column"]) == ["pump", "pump", "valve", "valve"]
    for name in ("pump", "valve"):
        assert_rows_match_fit(table[table["column"] == name],
                              fg.fit_mle(WeibullLogLik, machines[name].to_numpy()))


def test_fit_columns_with_a_censored_column_applies_it_to_every_fitted_column(machines):
    table = fg.fit_columns(machines[["pump", "valve", "censored"]], WeibullLogLik, censored="censored")
    assert list(table["column"].unique()) == ["pump", "valve"]  # the mask column is not fitted
    mask = machines["censored"].to_numpy()
    for name in ("pump", "valve"):
        fit = fg.fit_mle(WeibullLogLik, machines[name].to_numpy(), censored=mask)
        assert_rows_match_fit(table[table["column"] == name], fit)


def test_fit_columns_profile_intervals_at_another_level_equal_the_fit_objects(machines):
    table = fg.fit_columns(machines, ExpLogLik, columns="valve", ci="profile", level=0.9)
    assert_rows_match_fit(table, fg.fit_mle(ExpLogLik, machines["valve"].to_numpy()), 0.9, "profile")


def test_fit_groups_rows_equal_single_fits_of_each_group(machines):
    table = fg.fit_groups(machines, by="supplier", column="pump", generator=WeibullLogLik)
    assert list(table.columns[:2]) == ["supplier", "parameter"]
    assert list(table["supplier"].unique()) == ["acme", "brio", "cole"]
    for supplier, sub in machines.groupby("supplier"):
        fit = fg.fit_mle(WeibullLogLik, sub["pump"].to_numpy())
        assert_rows_match_fit(table[table["supplier"] == supplier], fit)


def test_fit_groups_with_censored_and_weights_columns_equals_fit_mle_with_those_arrays(machines):
    table = fg.fit_groups(machines, "supplier", "pump", WeibullLogLik, censored="censored", weights="count")
    for supplier, sub in machines.groupby("supplier"):
        fit = fg.fit_mle(WeibullLogLik, sub["pump"].to_numpy(), censored=sub["censored"].to_numpy(),
                         weights=sub["count"].to_numpy(dtype=float))
        rows = table[table["supplier"] == supplier]
        assert_rows_match_fit(rows, fit)
        assert rows["nobs"].iloc[0] == sub["count"].sum()


def test_fit_groups_by_two_columns_has_one_key_column_each(machines):
    table = fg.fit_groups(machines, ["supplier", "line"], "valve", ExpLogLik)
    assert list(table.columns[:3]) == ["supplier", "line", "parameter"]
    assert len(table) == 6
    sub = machines[(machines["supplier"] == "brio") & (machines["line"] == 2)]
    row = table[(table["supplier"] == "brio") & (table["line"] == 2)]
    assert_rows_match_fit(row, fg.fit_mle(ExpLogLik, sub["valve"].to_numpy()))


def test_a_column_with_missing_values_raises_value_error_naming_it_and_the_count(machines):
    df = machines.copy()
    df.loc[[3, 9, 30], "pump"] = np.nan
    with pytest.raises(ValueError, match=r"'pump' has 3 missing"):
        fg.fit_columns(df, WeibullLogLik, columns=["pump"])
    with pytest.raises(ValueError, match=r"'pump' has 3 missing"):
        fg.fit_groups(df, "supplier", "pump", WeibullLogLik)


def test_dropna_drops_the_rows_missing_in_any_column_used(machines):
    df = machines.copy()
    df.loc[[3, 9], "pump"] = np.nan
    df["count"] = df["count"].astype(float)
    df.loc[[5], "count"] = np.nan
    table = fg.fit_groups(df, "supplier", "pump", WeibullLogLik, weights="count", dropna=True)
    kept = df.dropna(subset=["pump", "count"])
    sub = kept[kept["supplier"] == "acme"]
    fit = fg.fit_mle(WeibullLogLik, sub["pump"].to_numpy(), weights=sub["count"].to_numpy())
    assert_rows_match_fit(table[table["supplier"] == "acme"], fit)
    by_column = fg.fit_columns(df, WeibullLogLik, columns=["pump"], dropna=True)
    assert_rows_match_fit(by_column, fg.fit_mle(WeibullLogLik, df["pump"].dropna().to_numpy()))


def test_a_non_numeric_column_raises_type_error_naming_it(machines):
    with pytest.raises(TypeError, match="'supplier'"):
        fg.fit_columns(machines, WeibullLogLik, columns=["pump", "supplier"])
    with pytest.raises(TypeError, match="'supplier'"):
        fg.fit_groups(machines, "line", "supplier", WeibullLogLik)


def test_an_unknown_column_raises_value_error_listing_the_columns(machines):
    with pytest.raises(ValueError, match="'hours'.*pump"):
        fg.fit_columns(machines, WeibullLogLik, columns=["hours"])
    with pytest.raises(ValueError, match="'plant'"):
        fg.fit_groups(machines, "plant", "pump", WeibullLogLik)


def test_a_censored_column_must_hold_zeros_and_ones(machines):
    df = machines.assign(status=np.where(machines["censored"], 2, 0))
    with pytest.raises(ValueError, match="'status'"):
        fg.fit_groups(df, "supplier", "pump", WeibullLogLik, censored="status")


def test_a_group_whose_fit_fails_does_not_sink_the_others(machines):
    df = machines.copy()
    df.loc[df["supplier"] == "brio", "pump"] *= -1  # negative lifetimes: outside the support
    with pytest.warns(UserWarning, match="1 of 3"):
        table = fg.fit_groups(df, "supplier", "pump", WeibullLogLik)
    bad = table[table["supplier"] == "brio"]
    assert list(bad["parameter"]) == ["shape", "scale"]
    assert not bad["converged"].any() and bad["estimate"].isna().all()
    assert bad["message"].str.contains("negative|support|positive", case=False).all()
    good = table[table["supplier"] != "brio"]
    assert good["converged"].all() and (good["message"] == "").all()
    sub = machines[machines["supplier"] == "cole"]
    assert_rows_match_fit(table[table["supplier"] == "cole"],
                          fg.fit_mle(WeibullLogLik, sub["pump"].to_numpy()))


def test_fit_mle_accepts_pandas_series_for_data_censoring_and_weights(machines):
    from_series = fg.fit_mle(WeibullLogLik, machines["pump"], censored=machines["censored"],
                             weights=machines["count"])
    from_arrays = fg.fit_mle(WeibullLogLik, machines["pump"].to_numpy(),
                             censored=machines["censored"].to_numpy(),
                             weights=machines["count"].to_numpy(dtype=float))
    np.testing.assert_allclose(from_series.mle, from_arrays.mle, rtol=1e-12)
    assert from_series.loglik == pytest.approx(from_arrays.loglik, rel=1e-12)


def test_fit_mle_accepts_a_series_with_a_non_default_index(machines):
    series = machines["pump"].iloc[::2]  # index 0, 2, 4, ...
    fit = fg.fit_mle(WeibullLogLik, series)
    np.testing.assert_allclose(fit.mle, fg.fit_mle(WeibullLogLik, series.to_numpy()).mle, rtol=1e-12)


def test_a_fit_that_does_not_converge_is_reported_with_the_optimizers_message(machines):
    from femtograd.distributions import LogisticLogLik  # (a start from quantiles, not the MLE)
    with pytest.warns(UserWarning, match="3 of 3 groups"):
        table = fg.fit_groups(machines, "supplier", "pump", LogisticLogLik, max_iter=1, fallback=False)
    assert not table["converged"].any()
    assert table["message"].str.contains("convergence").all()
    assert table["estimate"].notna().all()  # the last iterate is still reported


def test_missing_group_keys_raise_unless_dropna(machines):
    df = machines.astype({"supplier": object})
    df.loc[[0, 1], "supplier"] = None
    with pytest.raises(ValueError, match=r"'supplier' has 2 missing"):
        fg.fit_groups(df, "supplier", "pump", WeibullLogLik)
    table = fg.fit_groups(df, "supplier", "pump", WeibullLogLik, dropna=True)
    assert table.loc[table["supplier"] == "acme", "nobs"].iloc[0] == 18


def test_fit_groups_splits_censoring_and_weight_arrays_with_the_groups(machines):
    by_name = fg.fit_groups(machines, "supplier", "pump", WeibullLogLik, censored="censored",
                            weights="count")
    by_array = fg.fit_groups(machines, "supplier", "pump", WeibullLogLik,
                             censored=machines["censored"].to_numpy(),
                             weights=machines["count"].to_numpy())
    pd.testing.assert_frame_equal(by_name, by_array)
    with pytest.raises(ValueError, match="one value per row"):
        fg.fit_groups(machines, "supplier", "pump", WeibullLogLik, censored=[True, False])


def test_a_plain_log_likelihood_can_take_a_series_or_a_dataframe_as_its_data(machines):
    def normal_mean(mu, data):
        return -fg.sum((data - mu) ** 2) / 2

    def exponential(rate, data):
        return fg.sum(data["count"] * (fg.log(rate) - rate * data["pump"]))

    series = machines["pump"].iloc[::2]  # a non-default index as well
    fit = fg.fit_mle(normal_mean, series, start={"mu": 1.0})
    assert fit.params["mu"] == pytest.approx(series.mean(), rel=1e-9)
    fit = fg.fit_mle(exponential, machines, start={"rate": 1.0}, constraints={"rate": "positive"})
    expected = machines["count"].sum() / (machines["count"] * machines["pump"]).sum()
    assert fit.params["rate"] == pytest.approx(expected, rel=1e-9)


def test_a_plain_function_that_fails_on_a_group_still_names_its_parameters():
    def shifted_exp(rate, data, shift=0.0):
        return fg.log(rate) * len(data) - rate * fg.sum(data - shift)

    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "x": [0.5, 1.0, 2.0, 0.2, 0.7, 1.0, 2.0, 0.3, 0.9, 1.1]})
    with pytest.warns(UserWarning):
        table = fg.fit_groups(df, "g", "x", shifted_exp, start={"rate": 1.0},
                              constraints={"rate": "positive"}, fixed={"rate": 2.0})
    assert list(table["parameter"]) == ["rate", "rate"] and not table["converged"].any()


def test_tidy_tables_name_each_intervals_scale_and_keep_it_inside_the_space(machines):
    table = fg.fit_columns(machines, WeibullLogLik, columns=["pump"])
    assert list(table.columns).index("scale") == list(table.columns).index("upper") + 1
    assert list(table["scale"]) == ["log", "log"] and (table["lower"] > 0).all()
    natural = fg.fit_columns(machines, WeibullLogLik, columns=["pump"], scale="natural")
    fit = fg.fit_mle(WeibullLogLik, machines["pump"])
    np.testing.assert_allclose(natural["lower"], fit.params - 1.959963984540054 * fit.se)
    assert list(natural["scale"]) == ["natural", "natural"]
    profile = fg.fit_columns(machines, WeibullLogLik, columns=["pump"], ci="profile")
    assert list(profile["scale"]) == ["profile", "profile"]


def test_an_event_column_gives_the_fits_of_the_censored_column_turned_over(machines):
    df = machines.assign(event=(~machines["censored"]).astype(int))
    by_event = fg.fit_columns(df, WeibullLogLik, columns=["pump"], event="event")
    by_censored = fg.fit_columns(df, WeibullLogLik, columns=["pump"], censored="censored")
    pd.testing.assert_frame_equal(by_event, by_censored)
    groups_event = fg.fit_groups(df, "supplier", "pump", WeibullLogLik, event="event")
    groups_censored = fg.fit_groups(df, "supplier", "pump", WeibullLogLik, censored="censored")
    pd.testing.assert_frame_equal(groups_event, groups_censored)
    as_array = fg.fit_groups(df, "supplier", "pump", WeibullLogLik,
                             event=df["event"].to_numpy())
    pd.testing.assert_frame_equal(as_array, groups_censored)


def test_event_and_censored_together_or_a_bad_event_column_are_refused(machines):
    df = machines.assign(event=(~machines["censored"]).astype(int))
    with pytest.raises(TypeError, match="not both"):
        fg.fit_columns(df, WeibullLogLik, columns=["pump"], censored="censored", event="event")
    with pytest.raises(TypeError, match="not both"):
        fg.fit_groups(df, "supplier", "pump", WeibullLogLik, "censored", event="event")
    with pytest.raises(ValueError, match=r"event column 'count' must hold 0/1 or True/False "
                                         r"\(1 = observed event\)"):
        fg.fit_columns(df, WeibullLogLik, columns=["pump"], event="count")
    with pytest.raises(ValueError, match=r"event array must hold 0/1"):
        fg.fit_columns(df, WeibullLogLik, columns=["pump"], event=df["count"].to_numpy())


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(scale="logit"), ValueError, "unknown scale 'logit'"),
    (dict(ci="bootstrap"), ValueError, "unknown interval method 'bootstrap'"),
    (dict(level="95%"), TypeError, "level must be a number"),
    (dict(level=95), ValueError, "strictly between 0 and 1")])
def test_a_bad_interval_request_fails_before_any_fit(machines, kwargs, error, match):
    with pytest.raises(error, match=match):
        fg.fit_columns(machines, WeibullLogLik, columns=["pump"], **kwargs)
    with pytest.raises(error, match=match):
        fg.fit_groups(machines, "supplier", "pump", WeibullLogLik, **kwargs)
