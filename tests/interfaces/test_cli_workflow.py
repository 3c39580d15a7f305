"""The command line for the analyst's workflow: groups, text censoring codes, interval
columns, separators, standard input, --output with its attrs, --version, --dists all."""

import io
import json

import numpy as np
import pandas as pd
import pytest

import femtograd as fg
from femtograd import cli


@pytest.fixture(scope="module")
def plants(tmp_path_factory):
    rng = np.random.default_rng(21)
    t = 300.0 * rng.weibull(1.7, 60)
    df = pd.DataFrame({"plant": np.repeat(["north", "south"], 30),
                       "hours": np.minimum(t, 400.0).round(1),
                       "status": np.where(t > 400.0, "running", "failed"),
                       "units": rng.integers(1, 4, 60)})
    folder = tmp_path_factory.mktemp("workflow")
    paths = {}
    for name, sep in (("comma", ","), ("semicolon", ";"), ("tab", "\t")):
        paths[name] = folder / f"{name}.csv"
        df.to_csv(paths[name], sep=sep, index=False)
    return paths, df


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def _reference(df):
    return fg.fit_mle("weibull", df["hours"].to_numpy(), censored=(df["status"] == "running"))


@pytest.mark.parametrize("kind", ["comma", "semicolon", "tab"])
def test_semicolon_and_tab_files_are_sniffed_and_a_text_censoring_code_is_read(plants, kind,
                                                                               capsys):
    paths, df = plants
    status, out, err = run(capsys, "fit", paths[kind], "--column", "hours", "--dist",
                           "weibull", "--censored-column", "status", "--censored-value",
                           "running", "--json")
    assert status == 0 and err == ""
    record = json.loads(out)
    fit = _reference(df)
    assert record["censored"] == int((df["status"] == "running").sum())
    for name in fit.param_names:
        assert record["parameters"][name]["estimate"] == pytest.approx(fit.params[name],
                                                                       rel=1e-10)


def test_a_given_separator_and_standard_input(plants, capsys, monkeypatch):
    paths, df = plants
    monkeypatch.setattr("sys.stdin", io.StringIO(paths["semicolon"].read_text()))
    status, out, _ = run(capsys, "fit", "-", "--sep", "semicolon", "--column", "hours",
                         "--dist", "weibull", "--event-column", "status",
                         "--censored-value", "running", "--json")
    assert status == 0
    assert json.loads(out)["parameters"]["shape"]["estimate"] == pytest.approx(
        _reference(df).params["shape"], rel=1e-10)
    status, _, err = run(capsys, "fit", paths["comma"], "--sep", ";;", "--column", "hours",
                         "--dist", "weibull")
    assert status == 2 and "--sep takes one character" in err


def test_fit_by_groups_writes_a_tidy_csv_that_records_its_interval(plants, capsys, tmp_path):
    paths, df = plants
    output = tmp_path / "table.csv"
    status, out, _ = run(capsys, "fit", paths["comma"], "--column", "hours", "--dist",
                         "weibull", "--by", "plant", "--weights-column", "units", "--level",
                         "0.9", "--ci", "profile", "--output", output)
    assert status == 0 and "north" in out and "south" in out
    assert max(len(line) for line in out.splitlines()) <= 80 and "profile intervals" in out
    table = pd.read_csv(output)
    assert set(table["ci"]) == {"profile"} and set(table["level"]) == {0.9}
    south = df[df["plant"] == "south"]
    fit = fg.fit_mle("weibull", south["hours"].to_numpy(), weights=south["units"].to_numpy())
    rows = table[table["plant"] == "south"].set_index("parameter")
    np.testing.assert_allclose(rows.loc[["shape", "scale"], "estimate"], fit.params, rtol=1e-8)
    np.testing.assert_allclose(rows.loc[["shape", "scale"], ["lower", "upper"]],
                               fit.confint(0.9, "profile"), rtol=1e-6)


def test_compare_by_groups_ranks_within_each_and_fits_80_columns(plants, capsys, tmp_path):
    paths, df = plants
    output = tmp_path / "ranks.csv"
    status, out, _ = run(capsys, "compare", paths["tab"], "--column", "hours", "--by",
                         "plant", "--censored-column", "status", "--censored-value",
                         "running", "--output", output)
    assert status == 0 and "plant north:" in out and "plant south:" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    table = pd.read_csv(output)
    assert set(table["criterion"]) == {"aic"}
    for _, group in table.groupby("plant"):
        assert group["weight"].sum() == pytest.approx(1.0)


def test_interval_columns_fit_interval_censored_data(capsys, tmp_path):
    lower = np.array([0.0, 2.0, 4.0, 4.0, 6.0, 8.0, np.nan, 3.0])
    upper = np.array([2.0, 4.0, 6.0, 6.0, 8.0, np.nan, 1.0, 3.0])
    path = tmp_path / "intervals.csv"
    pd.DataFrame({"L": lower, "R": upper}).to_csv(path, index=False)
    status, out, _ = run(capsys, "fit", path, "--interval-columns", "L,R", "--dist",
                         "weibull", "--json")
    assert status == 0
    data = fg.IntervalData(np.nan_to_num(lower, nan=-np.inf), np.nan_to_num(upper, nan=np.inf))
    fit = fg.fit_mle("weibull", data)
    record = json.loads(out)
    assert record["loglik"] == pytest.approx(fit.loglik, rel=1e-10)
    assert record["censored"] == 7
    status, _, err = run(capsys, "fit", path, "--interval-columns", "L", "--dist", "weibull")
    assert status == 2 and "two columns" in err


@pytest.mark.parametrize("argv, expected", [
    (["fit", "{p}", "--dist", "weibull"], "--column C or --interval-columns"),
    (["fit", "{p}", "--column", "hours", "--dist", "weibull", "--censored-column", "status",
      "--censored-value", "stopped"], "'stopped' does not occur in column 'status'"),
    (["fit", "{p}", "--column", "hours", "--dist", "weibull", "--censored-value", "running"],
     "--censored-value needs --censored-column"),
    (["fit", "{p}", "--column", "hours", "--dist", "weibull", "--by", "site"], "'site'"),
    (["fit", "{p}", "--column", "status", "--dist", "weibull"], "row 1 holds 'failed'"),
], ids=["no data column", "absent code", "code without column", "unknown by", "text column"])
def test_bad_workflow_options_are_one_line_errors_with_status_2(plants, capsys, argv, expected):
    paths, _ = plants
    status, out, err = run(capsys, *[a.replace("{p}", str(paths["comma"])) for a in argv])
    assert status == 2 and out == "" and expected in err and err.count("\n") == 1


def test_a_non_numeric_value_is_quoted_with_its_row(capsys, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("hours\n5\n6\n7h\n8\n")
    status, _, err = run(capsys, "fit", path, "--column", "hours", "--dist", "weibull")
    assert status == 2 and "row 3 holds '7h'" in err


def test_version_and_dists_all(plants, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"femtograd {fg.__version__}"
    paths, _ = plants
    status, out, _ = run(capsys, "compare", paths["comma"], "--column", "hours", "--dists",
                         "all", "--json")
    names = {r["distribution"] for r in json.loads(out)}
    continuous = {n for n, g in fg.distributions.REGISTRY.items() if not g.discrete}
    assert status == 0 and names == continuous


def test_a_group_that_does_not_converge_gives_exit_status_1(capsys, tmp_path):
    path = tmp_path / "groups.csv"
    rng = np.random.default_rng(2)
    pd.DataFrame({"g": np.repeat(["a", "b"], 20),
                  "x": np.concatenate([rng.gamma(2.0, 3.0, 20), rng.gamma(2.0, 3.0, 20)])}
                 ).to_csv(path, index=False)
    status, _, _ = run(capsys, "fit", path, "--column", "x", "--dist", "gamma", "--by", "g")
    assert status == 0
    # (the log-logistic's start is not its MLE, as the gamma's is: two steps stop short)
    status, out, _ = run(capsys, "fit", path, "--column", "x", "--dist", "loglogistic", "--by",
                         "g", "--method", "gradient_ascent", "--option", "max_iter=2")
    assert status == 1 and "a: " in out and "NOT converged" in out


def test_an_entry_column_fits_left_truncated_rows(capsys, tmp_path):
    rng = np.random.default_rng(5)
    t, entry = 10.0 * rng.weibull(2.0, 200), rng.uniform(0.0, 4.0, 200)
    keep = t > entry
    path = tmp_path / "entry.csv"
    pd.DataFrame({"t": t[keep], "entry": entry[keep]}).to_csv(path, index=False)
    status, out, _ = run(capsys, "fit", path, "--column", "t", "--entry-column", "entry",
                         "--dist", "weibull", "--json")
    fit = fg.fit_mle("weibull", t[keep], truncation=(entry[keep], np.inf))
    assert status == 0 and json.loads(out)["loglik"] == pytest.approx(fit.loglik, rel=1e-10)
    status, _, err = run(capsys, "fit", path, "--column", "t", "--entry-column", "entry",
                         "--dist", "weibull", "--by", "t")
    assert status == 2 and "--by works with --column" in err


def test_jobs_with_by_give_the_same_output_and_need_by(plants, capsys):
    paths, _ = plants
    argv = ["compare", paths["comma"], "--column", "hours", "--by", "plant",
            "--censored-column", "status", "--censored-value", "running", "--json"]
    _, serial, _ = run(capsys, *argv)
    status, parallel, _ = run(capsys, *argv, "--jobs", "2", "--progress")
    assert status == 0 and parallel == serial
    status, _, err = run(capsys, "fit", paths["comma"], "--column", "hours", "--dist",
                         "weibull", "--jobs", "2")
    assert status == 2 and "--jobs works with --by" in err
    status, _, err = run(capsys, *argv, "--jobs", "0")
    assert status == 2 and "n_jobs" in err


def test_plot_writes_a_png_of_the_fit_and_of_the_compared_fits(plants, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    paths, _ = plants
    for command, extra in (("fit", ["--dist", "weibull"]), ("compare", [])):
        png = tmp_path / f"{command}.png"
        status, _, err = run(capsys, command, paths["comma"], "--column", "hours",
                             "--censored-column", "status", "--censored-value", "running",
                             *extra, "--plot", png)
        assert status == 0 and err == ""
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, _, err = run(capsys, "fit", paths["comma"], "--column", "hours", "--dist",
                         "weibull", "--plot", tmp_path / "no" / "such" / "dir.png")
    assert status == 2 and "cannot save the plot" in err
