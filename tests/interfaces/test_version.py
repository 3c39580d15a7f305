"""The version is written once (femtograd.__version__); the build, the command line and the
changelog agree with it."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

import femtograd as fg

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_version_is_0_2_0_in_semantic_form():
    assert re.fullmatch(r"\d+\.\d+\.\d+", fg.__version__)
    assert fg.__version__ == "0.2.0"


def test_pyproject_reads_the_version_from_the_package_and_writes_none_of_its_own():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    attr = config["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    from setuptools.config.expand import read_attr  # what setuptools does at build time
    assert read_attr(attr, {}, str(ROOT)) == fg.__version__


def test_the_command_line_reports_the_same_version():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "femtograd", "--version"], capture_output=True,
                         text=True, env=env, cwd=ROOT, check=True)
    assert out.stdout.strip() == f"femtograd {fg.__version__}"


def test_the_changelog_has_a_section_for_this_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(fg.__version__)}\b", text, re.M)
