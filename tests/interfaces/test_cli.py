"""The command line on a temporary CSV: numbers equal fit_mle's, errors are one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd import cli
from femtograd.distributions import NAMES, REGISTRY, LogNormalLogLik, WeibullLogLik

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def csv(tmp_path_factory):
    rng = np.random.default_rng(11)
    n = 50
    df = pd.DataFrame({
        "hours": 100.0 * rng.weibull(1.8, n),
        "censored": (rng.random(n) < 0.25).astype(int),
        "units": rng.integers(1, 5, n),
        "label": [f"m{i}" for i in range(n)],
        "gappy": np.where(np.arange(n) % 10 == 0, np.nan, 1.0 + np.arange(n)),
        "signed": rng.normal(0, 1, n),
    })
    path = tmp_path_factory.mktemp("cli") / "lifetimes.csv"
    df.to_csv(path, index=False)
    return path, df


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_json_matches(record, fit, method="wald", level=0.95):
    interval = fit.confint(level=level, method=method)
    assert list(record["parameters"]) == list(fit.params.index)
    for name, p in record["parameters"].items():
        assert p["estimate"] == pytest.approx(fit.params[name], rel=1e-12)
        assert p["se"] == pytest.approx(fit.se[name], rel=1e-12)
        assert p["lower"] == pytest.approx(interval.loc[name, "lower"], rel=1e-9)
        assert p["upper"] == pytest.approx(interval.loc[name, "upper"], rel=1e-9)
    assert record["loglik"] == pytest.approx(fit.loglik, rel=1e-12)
    assert record["aic"] == pytest.approx(fit.aic, rel=1e-12)
    assert record["converged"] is bool(fit.converged)
    assert record["nobs"] == fit.nobs


def test_fit_json_equals_fit_mle_numbers(csv, capsys):
    path, df = csv
    status, out, err = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull", "--json")
    assert status == 0 and err == ""
    record = json.loads(out)
    assert record["distribution"] == "weibull" and record["column"] == "hours"
    assert_json_matches(record, fg.fit_mle(WeibullLogLik, df["hours"].to_numpy()))


def test_fit_json_with_censored_and_weights_columns_and_profile_intervals_equals_fit_mle(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull",
                         "--censored-column", "censored", "--weights-column", "units",
                         "--ci", "profile", "--level", "0.9", "--json")
    assert status == 0
    record = json.loads(out)
    fit = fg.fit_mle(WeibullLogLik, df["hours"].to_numpy(), censored=df["censored"].to_numpy() == 1,
                     weights=df["units"].to_numpy(dtype=float))
    assert_json_matches(record, fit, "profile", 0.9)
    assert record["censored"] == df["censored"].sum() and record["ci"] == "profile"


def test_fit_prints_a_summary_table_with_every_parameter_and_the_loglik(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "lognormal")
    fit = fg.fit_mle(LogNormalLogLik, df["hours"].to_numpy())
    assert status == 0
    assert "meanlog" in out and "sdlog" in out and "95% lower" in out
    assert f"{fit.loglik:.6g}" in out and "converged: yes" in out


def test_fit_dropna_skips_rows_with_missing_values(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "gappy", "--dist", "exp", "--dropna", "--json")
    assert status == 0
    fit = fg.fit_mle(REGISTRY["exp"], df["gappy"].dropna().to_numpy())
    assert_json_matches(json.loads(out), fit)


def test_fit_passes_model_options_such_as_the_binomial_size(csv, capsys, tmp_path):
    counts = tmp_path / "counts.csv"
    pd.DataFrame({"successes": [3, 5, 2, 6, 4, 4, 1, 5]}).to_csv(counts, index=False)
    status, out, _ = run(capsys, "fit", counts, "--column", "successes", "--dist", "binomial",
                         "--option", "size=6", "--json")
    assert status == 0
    fit = fg.fit_mle(REGISTRY["binomial"], np.array([3, 5, 2, 6, 4, 4, 1, 5]), size=6)
    assert_json_matches(json.loads(out), fit)


def printed_table(out, header):
    """{point: [estimate, se, lower, upper]} from the table whose first column is `header`."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [header])
    rows = {}
    for line in lines[start + 1:]:
        if not line or line.startswith("delta-method"):
            break
        point, *numbers = line.split()
        rows[float(point)] = [float(v) for v in numbers]
    return rows, lines[start], lines[start + 1 + len(rows)]


def test_fit_prints_quantile_sf_cdf_and_hazard_tables_equal_to_the_fit_methods(csv, capsys):
    path, df = csv
    status, out, err = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull",
                           "--censored-column", "censored", "--level", "0.9",
                           "--quantile", "0.1,0.5", "--quantile", "0.99", "--sf", "50,100",
                           "--cdf", "75", "--hazard", "20, 200")
    assert status == 0 and err == ""
    fit = fg.fit_mle(WeibullLogLik, df["hours"].to_numpy(), censored=df["censored"].to_numpy() == 1)
    assert out.index("converged: yes") < out.index("quantile(p)") < out.index("sf(x)") \
        < out.index("cdf(x)") < out.index("hazard(x)")  # after the summary, in a fixed order
    for what, points, footer in [("quantile", [0.1, 0.5, 0.99], "log"), ("sf", [50, 100], "logit"),
                                 ("cdf", [75], "logit"), ("hazard", [20, 200], "log")]:
        label = "p" if what == "quantile" else "x"
        rows, header, last = printed_table(out, f"{what}({label})")
        assert header.split()[1:] == ["estimate", "se", "90%", "lower", "90%", "upper"]
        assert last == f"delta-method intervals on the {footer} scale"
        expected = getattr(fit, what)(points, level=0.9)
        assert list(rows) == pytest.approx(points)
        for point, row in zip(points, expected.to_numpy()):
            assert rows[float(point)] == pytest.approx(row, rel=1e-5)  # printed to 6 digits


def test_fit_json_carries_the_predictions_with_every_digit(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull",
                         "--censored-column", "censored", "--ci", "profile",
                         "--quantile", "0.1,0.5", "--sf", "50,100", "--json")
    assert status == 0
    record = json.loads(out)
    fit = fg.fit_mle(WeibullLogLik, df["hours"].to_numpy(), censored=df["censored"].to_numpy() == 1)
    assert_json_matches(record, fit, "profile")
    assert list(record["predictions"]) == ["quantile", "sf"]
    for what, label, points, scale in [("quantile", "p", [0.1, 0.5], "log"),
                                       ("sf", "x", [50, 100], "logit")]:
        got = record["predictions"][what]
        assert got["scale"] == scale
        expected = getattr(fit, what)(points)
        assert [v[label] for v in got["values"]] == points
        for v, (_, row) in zip(got["values"], expected.iterrows()):
            for k in ("estimate", "se", "lower", "upper"):
                assert v[k] == pytest.approx(row[k], rel=1e-12)


def test_fit_without_prediction_options_prints_no_prediction_tables(csv, capsys):
    path, _ = csv
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull", "--json")
    assert status == 0 and "predictions" not in json.loads(out)
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull")
    assert status == 0 and "delta-method" not in out and "\n\n" not in out


def test_fit_of_a_discrete_family_gives_its_cdf_and_discrete_hazard(capsys, tmp_path):
    counts = tmp_path / "counts.csv"
    data = np.array([0, 2, 1, 3, 2, 4, 1, 2, 0, 5])
    pd.DataFrame({"defects": data}).to_csv(counts, index=False)
    status, out, _ = run(capsys, "fit", counts, "--column", "defects", "--dist", "poisson",
                         "--cdf", "1,3", "--hazard", "2", "--json")
    assert status == 0
    record = json.loads(out)
    fit = fg.fit_mle(REGISTRY["poisson"], data)
    assert record["predictions"]["hazard"]["scale"] == "logit"  # a probability, P(X = x | X ≥ x)
    for what, points in [("cdf", [1, 3]), ("hazard", [2])]:
        expected = getattr(fit, what)(points)
        got = record["predictions"][what]["values"]
        assert [v["estimate"] for v in got] == pytest.approx(expected["estimate"].tolist(), rel=1e-12)
        assert [v["upper"] for v in got] == pytest.approx(expected["upper"].tolist(), rel=1e-12)


def test_a_normal_fit_has_natural_scale_quantile_intervals(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "signed", "--dist", "normal",
                         "--quantile", "0.025,0.975")
    assert status == 0
    rows, _, footer = printed_table(out, "quantile(p)")
    fit = fg.fit_mle(REGISTRY["normal"], df["signed"].to_numpy())
    assert footer == "delta-method intervals"
    assert rows[0.025] == pytest.approx(fit.quantile(0.025).to_numpy()[0], rel=1e-5)


def test_compare_prints_the_families_ranked_by_aic(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "compare", path, "--column", "hours", "--json")
    assert status == 0
    records = json.loads(out)
    assert [r["distribution"] for r in records] == list(
        fg.compare(df["hours"].to_numpy())["distribution"])
    assert [r["aic"] for r in records] == sorted(r["aic"] for r in records)
    status, out, _ = run(capsys, "compare", path, "--column", "hours", "--dists", "weibull,exp")
    assert status == 0 and "weibull" in out and "exp" in out and "dAIC" in out and "AICc" in out
    assert max(len(line) for line in out.splitlines()) <= 80  # fits a terminal


def test_dists_lists_every_registered_generator_with_its_parameters(capsys):
    status, out, _ = run(capsys, "dists")
    assert status == 0
    lines = out.split("\n\n")[0].splitlines()  # then the combinators, used from Python
    assert len(lines) == len(NAMES) and set(REGISTRY) < set(NAMES)
    for name, generator in NAMES.items():
        line = next(row for row in lines if row.split()[0] == name)
        assert generator.__name__ in line and ", ".join(generator.param_names) in line


def test_demo_prints_the_vignette_iterations_as_the_vignette_page_shows_them(capsys):
    status, out, _ = run(capsys, "demo")
    assert status == 0 and "converged to the MLE: True" in out
    iterations = [line for line in out.splitlines() if line.startswith("iteration")]
    page = (ROOT / "docs" / "vignette.md").read_text()
    assert len(iterations) == 4 and all(line in page for line in iterations)


def test_demo_ends_with_the_fit_mle_summary_of_the_same_sample(capsys):
    from femtograd import vignette
    status, out, _ = run(capsys, "demo")
    data = vignette.draw()
    rate, se = 1 / data.mean(), 1 / data.mean() / np.sqrt(data.size)
    row = next(line for line in out.splitlines() if line.startswith("rate "))
    assert status == 0 and "Maximum-likelihood fit: exp" in out
    assert [float(v) for v in row.split()[1:3]] == pytest.approx([rate, se], rel=1e-5)


@pytest.mark.parametrize("argv, names", [
    (["fit", "{dir}/absent.csv", "--column", "hours", "--dist", "weibull"], "absent.csv"),
    (["fit", "{csv}", "--column", "hourz", "--dist", "weibull"], "hourz"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibul"], "weibul"),
    (["fit", "{csv}", "--column", "signed", "--dist", "weibull"], "support"),  # negative lifetimes
    (["fit", "{csv}", "--column", "label", "--dist", "weibull"], "label"),
    (["fit", "{csv}", "--column", "gappy", "--dist", "weibull"], "gappy"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--censored-column", "cens"], "cens"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--censored-column", "units"], "units"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--event-column", "units"],
     "1 = observed event"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--event-column", "evt"], "evt"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--event-column", "censored",
      "--censored-column", "censored"], "not allowed with"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--weights-column", "label"], "label"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--level", "1.5"], "level"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--ci", "bootstrap"], "ci"),
    (["fit", "{csv}", "--dist", "weibull"], "--column"),
    (["fit", "{csv}", "--column", "gappy", "--dist", "weibull"], "--dropna"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--option", "size"], "size"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--option", "size=3"], "size"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--method", "simplex"], "simplex"),
    (["fit", "{dir}", "--column", "hours", "--dist", "weibull"], "directory"),
    (["fit", "{empty}", "--column", "hours", "--dist", "weibull"], "empty.csv"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--quantile", "0.1,ten"], "'ten'"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--quantile", "1"], "between 0 and 1"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--quantile=-0.5"], "-0.5"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--quantile", "nan"], "'nan'"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--sf", "100,,200"], "--sf"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--cdf", "inf"], "finite"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--hazard", "1e3h"], "'1e3h'"),
    (["fit", "{csv}", "--column", "hours", "--dist", "weibull", "--sf"], "--sf"),
    (["fit", "{csv}", "--column", "units", "--dist", "poisson", "--quantile", "0.5"], "discrete"),
    (["compare", "{csv}", "--column", "hours", "--dists", "weibull,nope"], "nope"),
    (["compare", "{csv}", "--column", "label"], "label"),
    (["frobnicate"], "frobnicate"),
    ([], "command"),
], ids=["missing file", "unknown column", "unknown distribution", "data outside the support",
        "non-numeric column", "missing values", "unknown censored column", "censored not 0/1",
        "event not 0/1",
        "unknown event column", "event and censored columns",
        "non-numeric weights", "bad level", "unknown ci", "no column", "missing values says --dropna",
        "option without a value", "option the model does not take", "unknown method", "directory",
        "empty file",
        "quantile not a number", "quantile p of 1", "quantile p negative", "quantile p nan",
        "sf empty item", "cdf infinite", "hazard not a number", "sf without a value",
        "quantile of a discrete family",
        "compare unknown distribution", "compare non-numeric", "unknown command", "no command"])
def test_every_error_exits_non_zero_with_one_line_naming_the_problem(csv, capsys, argv, names):
    path, _ = csv
    empty = path.parent / "empty.csv"
    empty.write_text("")
    argv = [a.format(csv=path, dir=path.parent, empty=empty) for a in argv]
    status, out, err = run(capsys, *argv)
    assert status != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("femtograd: error: ")
    assert names in err and "Traceback" not in err


def test_python_m_femtograd_runs_in_a_subprocess_and_prints_the_same_json(csv, capsys):
    path, df = csv
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "femtograd", "fit", str(path), "--column", "hours",
                           "--dist", "weibull", "--json"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert_json_matches(json.loads(done.stdout), fg.fit_mle(WeibullLogLik, df["hours"].to_numpy()))
    failed = subprocess.run([sys.executable, "-m", "femtograd", "fit", str(path), "--column", "nope",
                             "--dist", "weibull"], capture_output=True, text=True, env=env, timeout=120)
    assert failed.returncode != 0 and len(failed.stderr.strip().splitlines()) == 1


def test_an_event_column_is_the_censored_column_turned_over(csv, capsys, tmp_path):
    path, df = csv
    events = tmp_path / "events.csv"
    df.assign(failed=1 - df["censored"]).to_csv(events, index=False)
    _, by_event, _ = run(capsys, "fit", events, "--column", "hours", "--dist", "weibull",
                         "--event-column", "failed", "--json")
    _, by_censored, _ = run(capsys, "fit", events, "--column", "hours", "--dist", "weibull",
                            "--censored-column", "censored", "--json")
    a, b = json.loads(by_event), json.loads(by_censored)
    assert a["parameters"] == b["parameters"] and a["censored"] == df["censored"].sum()
    status, out, _ = run(capsys, "compare", events, "--column", "hours", "--event-column",
                         "failed", "--dists", "weibull,lognormal")
    assert status == 0 and "weibull" in out


def test_fit_names_the_rows_by_kind_and_the_scale_of_each_wald_interval(csv, capsys):
    path, df = csv
    status, out, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "normal",
                         "--censored-column", "censored")
    censored = int(df["censored"].sum())
    first = out.splitlines()[0]
    assert first.endswith(f": 50 rows: {50 - censored} observed, {censored} right-censored")
    assert "wald intervals (natural scale for mu; log scale for sigma)" in out
    fit = fg.fit_mle(REGISTRY["normal"], df["hours"].to_numpy(),
                     censored=df["censored"].to_numpy() == 1)
    assert f"{fit.confint().loc['sigma', 'lower']:.6g}" in out
    _, weighted, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull",
                         "--weights-column", "units")
    assert f"50 rows, total weight {df['units'].sum():g}: " in weighted
    assert weighted.splitlines()[0].endswith("failures (counted by weight)")
    _, record, _ = run(capsys, "fit", path, "--column", "hours", "--dist", "normal", "--json")
    scales = {k: p["scale"] for k, p in json.loads(record)["parameters"].items()}
    assert scales == {"mu": "natural", "sigma": "log"}


def test_the_exit_status_is_one_when_no_requested_fit_converged(csv, capsys, monkeypatch):
    import functools
    import femtograd.mle
    import femtograd.pandas
    path, _ = csv
    # one Newton step and no fallback: the log-logistic fit stops short of its maximum (its
    # start is not its MLE, as the gamma's and the Weibull's are)
    short = functools.partial(femtograd.mle.fit_mle, max_iter=1, fallback=False)
    monkeypatch.setattr(femtograd.mle, "fit_mle", short)
    monkeypatch.setattr(femtograd.pandas, "fit_mle", short)
    status, out, err = run(capsys, "fit", path, "--column", "hours", "--dist", "loglogistic")
    assert status == 1 and "converged: NO" in out and err == ""
    status, out, err = run(capsys, "compare", path, "--column", "hours", "--dists", "loglogistic")
    assert status == 1 and "loglogistic" in out
    assert err.strip() == "femtograd: no distribution converged; the table ranks none of them"
    status, _, err = run(capsys, "compare", path, "--column", "hours", "--dists", "loglogistic,exp")
    assert status == 0 and err == ""
