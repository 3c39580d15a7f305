"""The Cauchy and Student t starts end with the Newton step that squares their remaining
error, so that the fit from them confirms the start at its last pass and takes no pass of its
own; the t's start df is the top of a parabola through its grid's best three points."""

import math

import numpy as np
import pytest

import femtograd as fg
from femtograd.core.quadratic import QuadraticData
from femtograd.distributions import CauchyLogLik, StudentTLogLik
from femtograd.distributions.studentt import _vertex


@pytest.mark.parametrize("family", [CauchyLogLik, StudentTLogLik])
@pytest.mark.parametrize("location, scale", [(3.0, 2.0), (-50.0, 0.01), (0.0, 1.0)])
def test_the_fit_from_the_start_takes_no_pass_of_its_own(family, location, scale, monkeypatch):
    passes = []
    original = QuadraticData._pass
    monkeypatch.setattr(QuadraticData, "_pass", lambda self, a, c, q, direct: (
        passes.append((a, c)) or original(self, a, c, q, direct)))
    for seed in range(5):
        rng = np.random.default_rng(seed)
        draw = rng.standard_cauchy(1000) if family is CauchyLogLik else rng.standard_t(5, 1000)
        gen = family(location + scale * draw)
        passes.clear()
        gen.start()
        in_start = len(passes)
        passes.clear()
        fit = fg.fit_mle(gen)  # (it makes the start again)
        assert fit.converged and fit.iterations == 0
        assert len(passes) == in_start, seed


def test_the_vertex_of_a_parabola_in_log_df():
    x = np.log([2.0, 4.0, 8.0])
    top = math.log(5.0)
    assert _vertex(x, -(x - top) ** 2, 4.0) == pytest.approx(5.0, rel=1e-12)
    assert _vertex(x, -(x - math.log(100.0)) ** 2, 4.0) == pytest.approx(8.0)  # clamped
    assert _vertex(x, np.array([0.0, 0.0, 0.0]), 4.0) == 4.0  # flat: the grid's df
