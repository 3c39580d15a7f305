"""A fit of a plain function asked for what only a distribution gives: always a TypeError."""

import numpy as np
import pytest

import femtograd as fg


def loglike_exp(rate, data):
    return fg.sum(fg.log(rate) - rate * data)


@pytest.fixture(scope="module")
def plain():
    return fg.fit_mle(loglike_exp, np.arange(1.0, 10.0), start={"rate": 1.0},
                      constraints={"rate": "positive"})


ASKS = {
    "cdf": lambda f: f.cdf(1.0), "sf": lambda f: f.sf(1.0), "pdf": lambda f: f.pdf(1.0),
    "logpdf": lambda f: f.logpdf(1.0), "hazard": lambda f: f.hazard(1.0),
    "cumhazard": lambda f: f.cumhazard(1.0), "quantile": lambda f: f.quantile(0.5),
    "mean": lambda f: f.mean(), "median": lambda f: f.median(), "rmst": lambda f: f.rmst(2.0),
    "mean_residual_life": lambda f: f.mean_residual_life(1.0),
    "conditional_sf": lambda f: f.conditional_sf(1.0, 1.0), "gof": lambda f: f.gof(n_boot=0),
    "qq": lambda f: f.plot_qq(), "pp": lambda f: f.plot_pp(), "plot_fit": lambda f: f.plot_fit(),
    "probability": lambda f: f.plot_probability(),
    "parametric bootstrap": lambda f: f.bootstrap(5, kind="parametric"),
    "opg covariance": lambda f: f.with_cov("opg").se,
    "sandwich covariance": lambda f: f.with_cov("sandwich").cov,
    "vuong": lambda f: fg.vuong(f, f),
}


@pytest.mark.parametrize("ask", ASKS.values(), ids=ASKS.keys())
def test_every_distribution_question_to_a_plain_function_fit_is_one_type_error(plain, ask):
    if "plot" in repr(ask.__code__.co_names):
        pytest.importorskip("matplotlib").use("Agg")
    with pytest.raises(TypeError, match="plain log-likelihood function, which has no "
                                        "distribution and no rows: [a-z]") as err:
        ask(plain)
    assert "needs a fitted distribution" in str(err.value)


def test_what_a_plain_function_fit_can_do_still_works(plain):
    x = np.arange(1.0, 10.0)
    assert plain.se["rate"] == pytest.approx(1 / x.mean() / 3.0, rel=1e-8)  # rate/sqrt(n)
    est = plain.delta_method(lambda rate: 1 / rate)  # the mean, the remedy the message names
    assert float(est.estimate) == pytest.approx(x.mean(), rel=1e-10)
    assert plain.bootstrap(20, seed=1).failed == 0
