"""A fit's covariance chain is computed once and kept (`base.cached`, without functools' lock),
a `with_cov` view computes its own, and the parameter index made once per tuple of names is
each Series' own object: renaming one does not rename another fit's."""

import numpy as np

import femtograd as fg

X = np.random.default_rng(11).weibull(1.3, 300) * 4.0


def test_se_is_computed_once_and_a_view_of_another_kind_computes_its_own():
    fit = fg.fit_mle("weibull", X)
    se = fit.se
    assert fit.se is se and fit._cov_free is fit._cov_free
    np.testing.assert_allclose(se.to_numpy() ** 2, np.diag(np.linalg.inv(
        fit.observed_information.to_numpy())), rtol=1e-12)
    sandwich = fit.with_cov("sandwich")
    assert sandwich.se is not se and not np.array_equal(sandwich.se, se)
    assert fit.se is se  # the fit's own is untouched
    assert fit.with_cov("observed") is fit


def test_each_series_has_its_own_parameter_index():
    a, b = fg.fit_mle("weibull", X), fg.fit_mle("weibull", X[:200])
    assert a.se.index.name == "parameter" and list(a.se.index) == ["shape", "scale"]
    a.se.index.name = "renamed"
    assert b.se.index.name == "parameter" and a.params.index.name == "parameter"
    assert b.cov.index.name == "parameter" and b.cov.columns.name == "parameter"


def test_bse_is_se_as_a_read_only_array_with_fixed_parameters_at_zero():
    fit = fg.fit_mle("weibull", X)
    assert isinstance(fit.bse, np.ndarray) and fit.bse.tolist() == fit.se.tolist()
    assert not fit.bse.flags.writeable
    np.testing.assert_allclose(fit.bse, np.sqrt(np.diag(np.linalg.inv(
        fit.observed_information.to_numpy()))), rtol=1e-12)
    se = fit.se
    se.iloc[0] = -1.0  # the Series is the user's copy: bse and later views keep the numbers
    assert fit.bse[0] > 0
    sandwich = fit.with_cov("sandwich")
    assert sandwich.bse.tolist() == sandwich.se.tolist() != fit.bse.tolist()
    held = fg.fit_mle("weibull", X, fixed={"shape": 1.3})
    assert held.bse[0] == 0.0 and held.bse[1] == held.se["scale"] > 0
