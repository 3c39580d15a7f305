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


@pytest.mark.parametrize("ask", [
    lambda f: f.cdf(1.0), lambda f: f.sf(1.0), lambda f: f.quantile(0.5), lambda f: f.mean(),
    lambda f: f.median(), lambda f: f.rmst(2.0), lambda f: f.gof(n_boot=0),
    lambda f: f.plot_qq(), lambda f: f.plot_pp(), lambda f: f.plot_fit(),
    lambda f: f.plot_probability(), lambda f: f.bootstrap(5, kind="parametric"),
    lambda f: fg.vuong(f, f),
], ids=["cdf", "sf", "quantile", "mean", "median", "rmst", "gof", "qq", "pp", "plot_fit",
        "probability", "parametric bootstrap", "vuong"])
def test_every_distribution_question_to_a_plain_function_fit_is_a_type_error(plain, ask):
    if "plot" in repr(ask.__code__.co_names):
        pytest.importorskip("matplotlib").use("Agg")
    with pytest.raises(TypeError, match="generator"):
        ask(plain)
