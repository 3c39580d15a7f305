"""`femtograd regress` on the Rossi CSV: the numbers are fg.regress's (and lifelines' Weibull
AFT's), the options reach the fit, errors are one line with exit status 2."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd import cli
from femtograd.distributions import WeibullLogLik

ROSSI = Path(__file__).resolve().parents[1] / "regression" / "rossi.csv"


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def coefficients(out):
    return {(c["parameter"], c["term"]): c for c in json.loads(out)["coefficients"]}


def test_the_json_is_the_api_fit_and_lifelines_weibull_aft(capsys):
    status, out, err = run(capsys, "regress", ROSSI, "--dist", "weibull", "--formula",
                           "week ~ fin + age + prio", "--event-column", "arrest", "--json")
    assert status == 0 and err == ""
    record = json.loads(out)
    fit = fg.regress(WeibullLogLik, "week ~ fin + age + prio", pd.read_csv(ROSSI), event="arrest")
    got = coefficients(out)
    assert list(got) == list(fit.params.index)
    for key in fit.params.index:
        assert got[key]["estimate"] == fit.params[key] and got[key]["se"] == fit.se[key]
    assert record["loglik"] == fit.loglik and record["converged"] is True
    assert record["links"] == {"shape": "log", "scale": "log"}
    from lifelines import WeibullAFTFitter
    aft = WeibullAFTFitter().fit(pd.read_csv(ROSSI)[["week", "arrest", "fin", "age", "prio"]],
                                 "week", "arrest")
    for term in ("Intercept", "fin", "age", "prio"):
        assert got[("scale", term)]["estimate"] == pytest.approx(
            aft.params_[("lambda_", term)], rel=1e-4, abs=1e-6)
    assert got[("shape", "Intercept")]["estimate"] == pytest.approx(
        aft.params_[("rho_", "Intercept")], rel=1e-4)
    assert record["loglik"] == pytest.approx(aft.log_likelihood_, rel=1e-8)


def test_text_output_param_formulas_covariance_and_csv(capsys, tmp_path):
    table = tmp_path / "coef.csv"
    status, out, _ = run(capsys, "regress", ROSSI, "--dist", "weibull", "--formula", "week ~ fin",
                         "--param", "shape=~ fin", "--event-column", "arrest", "--cov-type",
                         "sandwich", "--level", "0.9", "--output", table)
    assert status == 0
    assert "covariance sandwich" in out and "lower 0.9" in out and "converged: yes" in out
    fit = fg.regress(WeibullLogLik, "week ~ fin", pd.read_csv(ROSSI), event="arrest",
                     params={"shape": "~ fin"}, cov_type="sandwich")
    written = pd.read_csv(table)
    assert list(written.term) == ["Intercept", "fin", "Intercept", "fin"]
    np.testing.assert_allclose(written.se, fit.se.to_numpy(), rtol=1e-12)
    assert set(written.cov_type) == {"sandwich"} and set(written.level) == {0.9}


def test_censored_text_entry_ages_and_dropna(capsys, tmp_path):
    df = pd.read_csv(ROSSI).assign(status=lambda d: np.where(d.arrest == 1, "arrested", "free"),
                                   entry=lambda d: np.minimum(d.week - 1, 4))
    df.loc[[3, 10], "age"] = np.nan
    path = tmp_path / "rossi_text.csv"
    df.drop(columns="arrest").to_csv(path, index=False)
    common = ["regress", path, "--dist", "lognormal", "--formula", "week ~ age",
              "--censored-column", "status", "--censored-value", "free", "--entry-column",
              "entry", "--json"]
    status, out, err = run(capsys, *common)
    assert status == 2 and "column 'age' has a missing value at row 3; pass --dropna" in err
    status, out, _ = run(capsys, *common, "--dropna")
    assert status == 0
    kept = df.dropna(subset=["age"])
    fit = fg.regress("lognormal", "week ~ age", kept, censored=(kept.status == "free").to_numpy(),
                     truncation=(kept.entry.to_numpy(float), np.inf))
    assert fit.converged
    assert json.loads(out)["nobs"] == len(kept) == len(df) - 2
    got = coefficients(out)
    for key in fit.params.index:
        assert got[key]["estimate"] == pytest.approx(fit.params[key], rel=1e-12)


def test_a_fit_without_a_maximum_exits_1_and_says_so(capsys, tmp_path):
    path = tmp_path / "all_censored.csv"
    pd.read_csv(ROSSI).assign(arrest=0).to_csv(path, index=False)
    status, out, _ = run(capsys, "regress", path, "--dist", "weibull", "--formula", "week ~ fin",
                         "--event-column", "arrest")
    assert status == 1 and "converged: NO" in out
    assert "warning: regression did not converge (flat)" in out
    status, out, err = run(capsys, "regress", path, "--dist", "weibull", "--formula", "week ~ fin",
                           "--event-column", "arrest", "--json")
    record = json.loads(out)
    assert status == 1 and err == "" and record["converged"] is False and record["status"] == "flat"
    assert any("standard errors are NaN" in w for w in record["warnings"])


@pytest.mark.parametrize("argv, message", [
    (["--formula", "week ~ fin", "--event-column", "nope"], "event column 'nope' not in"),
    (["--formula", "week ~ fin", "--param", "shape: fin"], "--param takes NAME=~ TERMS"),
    (["--formula", "week ~ fin", "--cov-type", "cluster"], "--cluster-column go together"),
    (["--formula", "week ~ fin", "--cov-type", "cluster", "--cluster-column", "nope"],
     "cluster column 'nope' not in"),
    (["--formula", "week ~ fin", "--weights-column", "w"], "weights column 'w' not in"),
    (["--formula", "week ~ fin", "--level", "95"], "--level must be between 0 and 1"),
    (["--formula", "week ~ fni"], "cannot evaluate the formula '~ fni' over the data"),
    (["--formula", "weak ~ fin"], "response: no column 'weak' in the data"),
])
def test_errors_are_one_line_with_status_2(capsys, argv, message):
    status, out, err = run(capsys, "regress", ROSSI, "--dist", "weibull", *argv)
    assert status == 2 and out == ""
    assert err.startswith("femtograd: error:") and message in err and err.count("\n") == 1
