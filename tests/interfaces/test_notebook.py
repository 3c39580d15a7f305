"""What a notebook shows: HTML tables that parse and hold the numbers; tidy frames of a fit."""


import numpy as np
import pytest

import femtograd as fg


@pytest.fixture(scope="module")
def fit():
    times = 10.0 * np.random.default_rng(4).weibull(1.8, 40)
    return fg.fit_mle("weibull", np.minimum(times, 12.0), censored=times > 12.0)


def test_a_fits_html_is_a_table_with_its_numbers_rows_and_interval_method(fit, html_cells):
    shown = html_cells(fit._repr_html_())
    for value in (*fit.params, *fit.se, fit.loglik, fit.aic, fit.aicc, fit.bic):
        assert f"{value:.6g}" in shown
    lower, upper = fit.confint().loc["shape"]
    assert f"{lower:.6g}" in shown and f"{upper:.6g}" in shown
    censored = int((fit.model.upper == np.inf).sum())
    assert f"40 rows: {40 - censored} failures, {censored} right-censored" in shown
    assert "Wald, level 0.95" in shown and any(c.startswith("yes after") for c in shown)
    assert "<pre>" not in fit._repr_html_()


def test_the_summarys_html_escapes_text_and_follows_its_level(fit, html_cells):
    shown = html_cells(fit.summary(level=0.9)._repr_html_())
    assert "Wald, level 0.9" in shown and "lower 0.9" in shown


def test_to_frame_is_one_row_per_parameter_in_step_with_to_dict(fit):
    frame = fit.to_frame(level=0.9)
    assert list(frame.index) == ["shape", "scale"] and frame.index.name == "parameter"
    np.testing.assert_allclose(frame["estimate"], fit.params)
    np.testing.assert_allclose(frame["se"], fit.se)
    np.testing.assert_allclose(frame[["lower", "upper"]], fit.confint(0.9))
    assert frame.attrs == {"model": "weibull", "ci": "wald", "level": 0.9}
    d = fit.to_dict(level=0.9)
    for name, row in frame.iterrows():
        assert d["intervals"][name] == {"lower": pytest.approx(row["lower"]),
                                        "upper": pytest.approx(row["upper"]),
                                        "scale": row["scale"]}
    assert d["level"] == 0.9 and d["ci"] == "wald"


def test_vuong_shows_itself_as_html(html_cells):
    x = 5.0 * np.random.default_rng(2).weibull(1.5, 80)
    test = fg.vuong(fg.fit_mle("weibull", x), fg.fit_mle("lognormal", x))
    shown = html_cells(test._repr_html_())
    assert f"{test.statistic:.6g}" in shown and f"{test.pvalue:.6g}" in shown


def test_tests_and_bootstrap_results_show_themselves_as_html(fit, html_cells):
    restricted = fg.fit_mle("weibull", fit.model.lower, censored=fit.model.upper == np.inf,
                            fixed={"shape": 1.0})
    test = fg.lrt(restricted, fit)
    shown = html_cells(test._repr_html_())
    assert f"{test.statistic:.6g}" in shown and f"{test.pvalue:.6g}" in shown and "1" in shown
    boot = fit.bootstrap(30, seed=1)
    shown = html_cells(boot._repr_html_())
    ci = boot.confint()
    assert f"{boot.se['shape']:.6g}" in shown and f"{ci.loc['scale', 'upper']:.6g}" in shown
    assert "30" in shown
