"""Threshold families by name (issue 15): `fit_mle("weibull3", x)`, `fg.compare` and the
command line (`femtograd fit --dist weibull3`, `compare --dists ...`, `dists`) give the same
numbers as the generator classes, including the literature's estimate where the threshold
MLE does not exist and the opt-out `--option boundary_estimate=false`."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import femtograd as fg
from femtograd import cli
from femtograd.distributions import (NAMES, REGISTRY, THRESHOLD_FAMILIES, Exp2LogLik,
                                     Weibull3LogLik)
from femtograd.fit.result import ConvergenceWarning

RNG = np.random.default_rng
REGULAR = stats.weibull_min(2.5, loc=100, scale=50).rvs(200, random_state=RNG(1))
BELOW_ONE = stats.weibull_min(0.6, loc=100, scale=50).rvs(100, random_state=RNG(1))


@pytest.fixture(scope="module")
def csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("threshold") / "times.csv"
    pd.DataFrame({"regular": REGULAR, "below_one": np.r_[BELOW_ONE, BELOW_ONE]}).to_csv(
        path, index=False)
    return path


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_every_threshold_family_has_a_name_beside_the_registry():
    assert [c.name for c in THRESHOLD_FAMILIES] == ["weibull3", "lognormal3", "gamma3",
                                                    "loglogistic3", "exponential2"]
    assert all(NAMES[c.name] is c for c in THRESHOLD_FAMILIES)
    assert all(NAMES[n] is g for n, g in REGISTRY.items())
    assert not set(REGISTRY) & {c.name for c in THRESHOLD_FAMILIES}


def test_fit_mle_and_compare_take_the_names():
    by_name = fg.fit_mle("Weibull3", REGULAR)
    by_class = fg.fit_mle(Weibull3LogLik, REGULAR)
    np.testing.assert_array_equal(by_name.mle, by_class.mle)
    table = fg.compare(REGULAR, ["weibull", "weibull3", "lognormal3"])
    assert set(table["distribution"]) == {"weibull", "weibull3", "lognormal3"}
    row = table.set_index("distribution").loc["weibull3"]
    assert row["loglik"] == pytest.approx(by_class.loglik, rel=1e-12)


def test_cli_fit_by_name_equals_fit_mle(csv, capsys):
    status, out, _ = run(capsys, "fit", csv, "--column", "regular", "--dist", "weibull3",
                         "--json")
    fit = fg.fit_mle(Weibull3LogLik, REGULAR)
    record = json.loads(out)
    assert status == 0 and record["distribution"] == "weibull3" and record["converged"]
    got = [record["parameters"][n]["estimate"] for n in fit.param_names]
    np.testing.assert_allclose(got, fit.mle, rtol=1e-12)
    assert record["loglik"] == pytest.approx(fit.loglik, rel=1e-12)


def test_cli_reports_the_literatures_estimate_and_takes_the_opt_out(csv, capsys):
    column = pd.read_csv(csv)["below_one"].to_numpy()
    status, out, _ = run(capsys, "fit", csv, "--column", "below_one", "--dist", "weibull3",
                         "--json")
    record = json.loads(out)
    assert status == 1 and not record["converged"]  # no maximum: the exit status says so
    assert "Smith 1985" in record["message"]
    assert record["parameters"]["threshold"]["estimate"] == column.min()
    assert record["nobs"] == column.size - 2  # both rows at the smallest value left out
    status, out, _ = run(capsys, "fit", csv, "--column", "below_one", "--dist", "weibull3",
                         "--option", "boundary_estimate=false", "--json")
    record = json.loads(out)
    assert status == 1 and "Smith" not in record["message"] and record["nobs"] == column.size
    assert record["parameters"]["threshold"]["estimate"] < column.min()


def test_cli_compare_and_exponential2(csv, capsys):
    status, out, _ = run(capsys, "compare", csv, "--column", "regular", "--dists",
                         "weibull,weibull3,exponential2", "--json")
    rows = {r["distribution"]: r for r in json.loads(out)}
    assert status == 0 and set(rows) == {"weibull", "weibull3", "exponential2"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        exp2 = fg.fit_mle(Exp2LogLik, REGULAR)
    assert rows["exponential2"]["loglik"] == pytest.approx(exp2.loglik, rel=1e-12)
    assert exp2.params["rate"] == pytest.approx(REGULAR.size / (REGULAR - REGULAR.min()).sum())


def test_cli_dists_lists_the_names_and_says_how_to_use_the_combinators(capsys):
    status, out, _ = run(capsys, "dists")
    names, combinators = out.split("\n\n")
    assert status == 0
    assert {line.split()[0] for line in names.splitlines()} == set(NAMES)
    weibull3 = next(line for line in names.splitlines() if line.startswith("weibull3"))
    assert "boundary_estimate" in weibull3
    for usage in ("Mixture([WeibullLogLik, WeibullLogLik])", "Cure(WeibullLogLik)",
                  "ZeroInflated(PoissonLogLik)", "Hurdle(PoissonLogLik)", "CompetingRisks("):
        assert usage in combinators


def test_unknown_names_list_the_threshold_families():
    with pytest.raises(ValueError, match="weibull3"):
        fg.fit_mle("weibull4", REGULAR)
