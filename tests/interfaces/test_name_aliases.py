"""Other spellings of family names (the long forms, scipy's) stand for the registry's families
wherever a name is taken, and none of them hides a family's own name."""

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import ALIASES, NAMES
from femtograd.mle import resolve


@pytest.mark.parametrize("alias, name", sorted(ALIASES.items()))
def test_an_alias_resolves_to_its_family(alias, name):
    assert alias not in NAMES and name in NAMES
    assert resolve(alias) is NAMES[name] and resolve(f" {alias.upper()} ") is NAMES[name]


def test_fit_mle_and_compare_take_an_alias():
    x = np.random.default_rng(5).exponential(2.0, 200)
    by_alias, by_name = fg.fit_mle("exponential", x), fg.fit_mle("exp", x)
    assert by_alias.mle.tolist() == by_name.mle.tolist() and by_alias.loglik == by_name.loglik
    table = fg.compare(x, ["exponential", "weibull"])
    assert len(table) == 2
