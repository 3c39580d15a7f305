"""docs/api.md's "Coming from R" table names only what exists: every Python name in its right
column is looked up (module functions, fit and test attributes, methods, families)."""

import importlib
import pathlib
import re

import numpy as np
import pytest

import femtograd as fg
from femtograd import distributions
from femtograd.mle import METHODS

API = pathlib.Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _python_column():
    text = API.read_text(encoding="utf-8")
    section = text.split("## Coming from R", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [cell for row in rows for cell in [row.strip().strip("|").split("|")[-1]]]


def _module_attribute(dotted):
    """femtograd.a.b.name: import the longest importable module prefix, then getattr."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for name in parts[k:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


@pytest.fixture(scope="module")
def examples():
    times = np.random.default_rng(1).weibull(1.5, 100) * 3.0
    fit = fg.fit_mle(distributions.WeibullLogLik, times)
    return {"fit": fit, "test": fit.wald_test({"shape": 1.0}), "x": fg.val(1.0)}


PATTERNS = {
    "module": re.compile(r"\b((?:fg|femtograd)(?:\.\w+)+)"),
    "object": re.compile(r"\b(fit|test|x)\.(\w+)"),
    "method": re.compile(r'(?<!confint\()method="(\w+)"'),
    "interval": re.compile(r'confint\(method="(\w+)"\)'),
    "family": re.compile(r"\b([A-Z]\w*LogLik)\b"),
    "space": re.compile(r'"(positive|unit)"'),
}


def test_the_table_has_rows():
    assert len(_python_column()) >= 20


@pytest.mark.parametrize("cell", _python_column())
def test_every_python_name_in_the_coming_from_r_table_exists(cell, examples):
    found = 0
    for dotted in PATTERNS["module"].findall(cell):
        _module_attribute(dotted.replace("fg.", "femtograd.", 1) if dotted.startswith("fg.")
                          else dotted)
        found += 1
    for owner, name in PATTERNS["object"].findall(cell):
        assert hasattr(examples[owner], name), f"{owner}.{name} does not exist"
        found += 1
    for method in PATTERNS["method"].findall(cell):
        assert method in METHODS, f'method="{method}" is not one of {METHODS}'
        found += 1
    for method in PATTERNS["interval"].findall(cell):
        assert examples["fit"].confint(method=method).shape[0] == 2
        found += 1
    for family in PATTERNS["family"].findall(cell):
        assert hasattr(distributions, family), f"{family} is not in femtograd.distributions"
        found += 1
    for space in PATTERNS["space"].findall(cell):
        from femtograd.distributions.spaces import space_for
        space_for(space)
        found += 1
    assert found, f"no Python name recognised in {cell!r}: the check would pass vacuously"
