"""Every bad input to `regress` is a clear error naming the problem."""

import sys

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd.distributions import NormalLogLik, PoissonLogLik, WeibullLogLik


def test_missing_formulaic_names_the_extra(rossi, monkeypatch):
    monkeypatch.setitem(sys.modules, "formulaic", None)
    with pytest.raises(ImportError, match=r"pip install femtograd\[formula\]"):
        fg.regress(WeibullLogLik, "week ~ fin", rossi, event="arrest")
    # the array form needs no formulaic
    fit = fg.regress(WeibullLogLik, rossi.week.to_numpy(float), event=rossi.arrest,
                     design={"scale": np.column_stack([np.ones(len(rossi)), rossi.fin])})
    assert fit.converged


def test_missing_values_are_an_error_unless_dropped(rossi):
    holes = rossi.astype({"age": float})
    holes.loc[[3, 10], "age"] = np.nan
    with pytest.raises(ValueError, match=r"column 'age' has a missing value at row 3.*dropna"):
        fg.regress(WeibullLogLik, "week ~ fin + age", holes, event="arrest")
    dropped = fg.regress(WeibullLogLik, "week ~ fin + age", holes, event="arrest", dropna=True)
    direct = fg.regress(WeibullLogLik, "week ~ fin + age", rossi.drop(index=[3, 10]),
                        event="arrest")
    assert dropped.nobs == len(rossi) - 2
    np.testing.assert_allclose(dropped.params, direct.params, rtol=1e-10)
    # a column the fit does not use may have holes
    other = rossi.assign(unused=np.where(rossi.index == 0, np.nan, 1.0))
    assert fg.regress(WeibullLogLik, "week ~ fin", other, event="arrest").nobs == len(rossi)


def test_rank_deficient_design_names_the_aliased_terms(rossi):
    data = rossi.assign(fin2=2 * rossi.fin - 1)
    with pytest.raises(ValueError, match=r"column 'fin2' is aliased with \[.*'fin'\]"):
        fg.regress(WeibullLogLik, "week ~ fin + fin2", data, event="arrest")
    with pytest.raises(ValueError, match="all zeros"):
        fg.regress(WeibullLogLik, "week ~ fin + z", rossi.assign(z=0.0), event="arrest")


@pytest.mark.parametrize("kwargs, message", [
    (dict(params={"rate": "~ fin"}), r"unknown parameter\(s\) \['rate'\] in params"),
    (dict(params={"scale": "~ fin"}), "location parameter"),
    (dict(params={"shape": "y ~ fin"}), "no left-hand side"),
    (dict(censored="arrest"), "not both"),
    (dict(link={"shape": "probit"}), "unknown link 'probit'"),
    (dict(fixed={("scale", "nope"): 1.0}), "unknown term 'nope'"),
    (dict(fixed={"bogus": 1.0}), "unknown parameter 'bogus'"),
    (dict(start={("scale", "nope"): 1.0}), "not a free coefficient"),
    (dict(cov_type="hc3"), "unknown cov_type"),
    (dict(cov_type="cluster"), "needs cluster="),
    (dict(weights="nope"), "no column 'nope'"),
])
def test_bad_arguments(rossi, kwargs, message):
    kw = dict(event="arrest")
    kw.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=message):
        fg.regress(WeibullLogLik, "week ~ fin", rossi, **kw)


def test_bad_event_values_and_response(rossi):
    with pytest.raises(ValueError, match=r"event must be 0/1 or boolean; row 0 is 2"):
        fg.regress(WeibullLogLik, "week ~ fin", rossi.assign(arrest=2), event="arrest")
    with pytest.raises(ValueError, match="outside the support"):
        fg.regress(WeibullLogLik, "week ~ fin", rossi.assign(week=-rossi.week), event="arrest")
    with pytest.raises(ValueError, match="needs a response"):
        fg.regress(WeibullLogLik, "~ fin", rossi)
    with pytest.raises(TypeError, match="DataFrame"):
        fg.regress(WeibullLogLik, "week ~ fin", rossi.to_dict())
    with pytest.raises(TypeError, match="generator class"):
        fg.regress(WeibullLogLik(rossi.week), "week ~ fin", rossi)  # bound, not the class
    with pytest.raises(ValueError, match="cannot evaluate the formula '~ fin \\+ agee' over the data"):
        fg.regress(WeibullLogLik, "week ~ fin + agee", rossi, event="arrest")


def test_bad_designs():
    y = np.arange(1.0, 11.0)
    with pytest.raises(ValueError, match="has 9 rows but the response has 10"):
        fg.regress(NormalLogLik, y, design={"mu": np.ones((9, 1))})
    x = np.column_stack([np.ones(10), np.arange(10.0)])
    x[4, 1] = np.nan
    with pytest.raises(ValueError, match="missing or infinite value at row 4"):
        fg.regress(NormalLogLik, y, design={"mu": x})
    with pytest.raises(TypeError, match="non-numeric"):
        fg.regress(NormalLogLik, y, design={"mu": pd.DataFrame({"g": list("ab" * 5)})})
    with pytest.raises(ValueError, match="unknown parameter"):
        fg.regress(PoissonLogLik, y, design={"mu": np.ones((10, 1))})
