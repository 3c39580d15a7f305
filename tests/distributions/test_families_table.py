"""docs/api.md's families table lists every name `fit_mle` accepts (`NAMES`: the registry and
the threshold families), each with its class, its parameters in order and its support as the
family states them, and an R equivalent (or a dash)."""

from pathlib import Path

import pytest

from femtograd.distributions import NAMES, REGISTRY, THRESHOLD_FAMILIES

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
OPTIONS = {"binomial": dict(size=7)}  # a family whose support needs its option


def _rows():
    """The families table's rows: name -> (class, parameters, support, R equivalent)."""
    rows = {}
    for line in PAGE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`") and cells[1].endswith("LogLik`"):
            rows[cells[0].strip("`")] = (cells[1].strip("`"), cells[2], cells[3], cells[4])
    return rows


def test_the_table_lists_every_name_once():
    rows = _rows()
    assert set(rows) == set(NAMES)
    assert len(NAMES) >= len(REGISTRY) + len(THRESHOLD_FAMILIES) >= 27 + 5


@pytest.mark.parametrize("name", sorted(NAMES))
def test_each_row_states_the_class_parameters_and_support_of_the_family(name):
    cls, params, support, r_name = _rows()[name]
    gen = NAMES[name]
    assert cls == gen.__name__
    assert params == ", ".join(gen.param_names)
    text = gen.support_text if isinstance(gen.support_text, str) else \
        gen.family(**OPTIONS.get(name, {})).support_text
    for option, value in OPTIONS.get(name, {}).items():  # the page names the option
        text = text.replace(str(value), option)
    assert support == text
    assert r_name
