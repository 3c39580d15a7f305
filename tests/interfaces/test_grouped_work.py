"""Grouped work in one call: several families per column or group, compare per group, tidy
tables that record their interval, criteria columns, integer nobs."""

import numpy as np
import pandas as pd
import pytest

import femtograd as fg


@pytest.fixture(scope="module")
def plants():
    rng = np.random.default_rng(8)
    frames = []
    for plant, (shape, scale) in {"north": (1.5, 300.0), "south": (2.5, 500.0)}.items():
        t = scale * rng.weibull(shape, 50)
        frames.append(pd.DataFrame({"plant": plant, "hours": np.minimum(t, 600.0),
                                    "failed": (t <= 600.0).astype(int)}))
    return pd.concat(frames, ignore_index=True)


def test_fit_groups_takes_several_families_by_registry_name(plants):
    table = fg.fit_groups(plants, "plant", "hours", ["weibull", "lognormal"], event="failed")
    assert list(table.columns[:3]) == ["plant", "distribution", "parameter"]
    north = plants[plants["plant"] == "north"]
    fit = fg.fit_mle("lognormal", north["hours"].to_numpy(), event=north["failed"].to_numpy())
    rows = table[(table["plant"] == "north") & (table["distribution"] == "lognormal")]
    np.testing.assert_allclose(rows["estimate"], fit.params, rtol=1e-12)
    for key in ("loglik", "aic", "aicc", "bic"):
        assert rows[key].iloc[0] == pytest.approx(getattr(fit, key), rel=1e-12)
    assert (rows["df"] == 2).all() and rows["nobs"].dtype == np.int64


def test_fit_columns_takes_several_families_and_a_single_name(plants):
    wide = pd.DataFrame({"a": plants["hours"][:50].to_numpy(), "b": plants["hours"][50:].to_numpy()})
    several = fg.fit_columns(wide, ["weibull", "gamma"])
    assert list(several.columns[:3]) == ["column", "distribution", "parameter"]
    assert len(several) == 2 * 2 * 2
    one = fg.fit_columns(wide, "gamma")
    gamma = several[several["distribution"] == "gamma"].drop(columns="distribution")
    pd.testing.assert_frame_equal(gamma.reset_index(drop=True), one)


def test_tidy_tables_record_their_interval_and_keep_it_through_csv_headers(plants):
    table = fg.fit_groups(plants, "plant", "hours", "weibull", ci="profile", level=0.9)
    assert table.attrs == {"ci": "profile", "level": 0.9, "scale": "own"}
    natural = fg.fit_columns(plants[["hours"]], "weibull", scale="natural")
    assert natural.attrs["scale"] == "natural" and set(natural["scale"]) == {"natural"}


def test_nobs_stays_fractional_when_the_weights_are_not_counts(plants):
    weights = np.full(len(plants), 0.5)
    table = fg.fit_groups(plants, "plant", "hours", "weibull", weights=weights)
    assert table["nobs"].dtype == float and (table["nobs"] == 25.0).all()


def test_compare_ranks_families_within_each_group_with_akaike_weights(plants):
    table, fits = fg.compare(plants, ["weibull", "lognormal", "exp"], column="hours",
                             by="plant", event="failed", return_fits=True)
    assert list(table.columns[:2]) == ["plant", "distribution"]
    for plant, group in table.groupby("plant"):
        assert group["weight"].sum() == pytest.approx(1.0)
        assert list(group["aic"]) == sorted(group["aic"])
        sub = plants[plants["plant"] == plant]
        alone = fg.compare(sub["hours"].to_numpy(), ["weibull", "lognormal", "exp"],
                           event=sub["failed"].to_numpy())
        np.testing.assert_allclose(group["aic"], alone["aic"], rtol=1e-12)
        np.testing.assert_allclose(group["weight"], alone["weight"], rtol=1e-10)
        fit = fits[(plant, "weibull")]
        row = group[group["distribution"] == "weibull"].iloc[0]
        assert row["shape"] == pytest.approx(fit.params["shape"], rel=1e-12)
        assert np.isnan(group.loc[group["distribution"] == "exp", "shape"]).all()


def test_compare_by_another_criterion_names_its_delta_column(plants):
    x = plants["hours"].to_numpy()[:12]
    table = fg.compare(x, ["weibull", "exp", "lognormal"], criterion="bic")
    assert "delta_bic" in table and table.attrs["criterion"] == "bic"
    assert list(table["bic"]) == sorted(table["bic"])
    np.testing.assert_allclose(table["delta_bic"], table["bic"] - table["bic"].min())
    with pytest.raises(ValueError, match="criterion"):
        fg.compare(x, ["weibull"], criterion="hqic")


def test_compare_refuses_by_without_a_frame_and_a_frame_without_column(plants):
    with pytest.raises(TypeError, match="DataFrame"):
        fg.compare(plants["hours"].to_numpy(), ["weibull"], by="plant")
    with pytest.raises(TypeError, match="column="):
        fg.compare(plants, ["weibull"], by="plant")
    with pytest.raises(ValueError, match="'hour'"):
        fg.compare(plants, ["weibull"], column="hour")
    with pytest.raises(ValueError, match="empty"):
        fg.fit_columns(plants[["hours"]], [])


def test_a_parameter_named_like_a_table_column_gets_a_prefix():
    x = np.random.default_rng(3).standard_t(5, 200)
    table = fg.compare(x, ["studentt", "normal"])
    assert table.attrs["parameters"]["studentt"] == ["location", "scale", "param_df"]
    assert table["df"].tolist() in ([3, 2], [2, 3])


def test_quantiles_and_sf_add_b_life_and_reliability_columns_with_intervals(plants):
    table = fg.fit_groups(plants, "plant", "hours", ["weibull", "exp"], event="failed",
                          quantiles=[0.1], sf=[250], level=0.9)
    south = plants[plants["plant"] == "south"]
    fit = fg.fit_mle("weibull", south["hours"].to_numpy(), event=south["failed"].to_numpy())
    row = table[(table["plant"] == "south") & (table["distribution"] == "weibull")].iloc[0]
    b10 = fit.quantile(0.1, level=0.9).iloc[0]
    reliability = fit.sf(250, level=0.9).iloc[0]
    assert [row["q0.1"], row["q0.1_lower"], row["q0.1_upper"]] == pytest.approx(
        [b10["estimate"], b10["lower"], b10["upper"]], rel=1e-10)
    assert [row["sf250"], row["sf250_lower"], row["sf250_upper"]] == pytest.approx(
        [reliability["estimate"], reliability["lower"], reliability["upper"]], rel=1e-10)
    assert list(table.columns[-3:]) == ["nobs", "converged", "message"]
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        fg.fit_groups(plants, "plant", "hours", "weibull", quantiles=[10])


def test_a_family_without_quantiles_gets_nan_life_columns_and_the_reason():
    counts = pd.DataFrame({"n": np.random.default_rng(4).poisson(3.0, 40)})
    table = fg.fit_columns(counts, "poisson", quantiles=[0.5], sf=[2])
    row = table.iloc[0]
    assert np.isnan(row["q0.5"]) and np.isfinite(row["sf2"])
    assert "quantile" in row["message"].lower() or "discrete" in row["message"].lower()


def test_compare_adds_each_familys_b_life_with_its_interval(plants):
    x = plants["hours"].to_numpy()
    table = fg.compare(x, ["weibull", "lognormal"], quantiles=[0.1], level=0.8)
    for name, row in table.set_index("distribution").iterrows():
        b10 = fg.fit_mle(name, x).quantile(0.1, level=0.8).iloc[0]
        assert [row["q0.1"], row["q0.1_lower"], row["q0.1_upper"]] == pytest.approx(
            [b10["estimate"], b10["lower"], b10["upper"]], rel=1e-10)
    assert list(table.columns[-4:]) == ["q0.1", "q0.1_lower", "q0.1_upper", "message"]
