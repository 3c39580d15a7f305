"""The Cauchy start takes Chebyshev steps: its third derivatives in (δ, η) (a shift of the
location in scale units, the log of the scale) must be those of its Hessian by finite
differences, `newton_ascent` given third derivatives must reach the same maximum in fewer
evaluations, and the Cauchy fit from such a start must equal the one from plain Newton steps."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core.quadratic import QuadraticData
from femtograd.distributions import CauchyLogLik, cauchy
from femtograd.distributions.spaces import space_for
from femtograd.distributions.starts import newton_ascent

REAL = (space_for("real"), space_for("real"))


def fixed_frame_hessian(evaluate, base, delta, eta):
    """The Hessian at (μ₀ + s₀δ, s₀ e^η) in the coordinates of the base point (δ counts in
    units of s₀): evaluate gives it in units of the moved scale s, so each δ index carries s₀/s."""
    location, scale = base
    moved = (location + scale * delta, scale * math.exp(eta))
    h = evaluate(moved)[2]
    k = math.exp(-eta)  # s₀/s
    return np.array([[h[0][0] * k * k, h[0][1] * k], [h[1][0] * k, h[1][1]]])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 300), weighted=st.booleans(),
       location=st.floats(-2, 2), log_scale=st.floats(-1, 1))
def test_third_derivatives_are_those_of_the_hessian(seed, n, weighted, location, log_scale):
    rng = np.random.default_rng(seed)
    x = 0.5 + 1.5 * rng.standard_cauchy(n)
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    evaluate = cauchy._local_derivatives(QuadraticData(x, w))
    base = (location, math.exp(log_scale))
    f, g, h, t = evaluate(base)
    step = 1e-5
    for i in range(2):
        plus = [step if j == i else 0.0 for j in range(2)]
        minus = [-v for v in plus]
        numeric = (fixed_frame_hessian(evaluate, base, *plus)
                   - fixed_frame_hessian(evaluate, base, *minus)) / (2 * step)
        exact = np.array(t[i]).reshape(2, 2)
        scale = np.abs(h).max()  # the third derivatives are of the Hessian's size
        np.testing.assert_allclose(exact, numeric, rtol=1e-5, atol=1e-6 * scale)
    assert np.allclose(t[0][1], t[1][0]) and np.allclose(t[0][3], t[1][1])  # symmetric


def concave(third):
    """f = −cosh(a − 1) − cosh(b + 2), with or without its third derivatives; and a log of
    where it was evaluated."""
    points = []

    def evaluate(p):
        points.append(p)
        a, b = p[0] - 1.0, p[1] + 2.0
        out = (-math.cosh(a) - math.cosh(b), [-math.sinh(a), -math.sinh(b)],
               [[-math.cosh(a), 0.0], [0.0, -math.cosh(b)]])
        return out + ([[-math.sinh(a), 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -math.sinh(b)]],) \
            if third else out
    return evaluate, points


def test_newton_ascent_with_third_derivatives_reaches_the_same_maximum_in_fewer_passes():
    def move(p, d):
        return p[0] + d[0], p[1] + d[1]

    ends, counts = [], []
    for third in (False, True):
        evaluate, points = concave(third)
        ends.append(newton_ascent(evaluate, move, (1.6, -2.7), REAL))
        counts.append(len(points))
    for end in ends:
        assert end[0] == pytest.approx(1.0, abs=1e-15) and end[1] == pytest.approx(-2.0, abs=1e-15)
    assert counts[1] < counts[0]


def newton_only(data):
    evaluate = original_local_derivatives(data)
    return lambda point: evaluate(point)[:3]


original_local_derivatives = cauchy._local_derivatives


def samples():
    rng = np.random.default_rng(11)
    for seed in range(12):
        yield 3.0 + 2.0 * np.random.default_rng(seed).standard_cauchy(1000), None
    ties = np.round(rng.standard_cauchy(500), 0)
    yield ties, None
    outliers = np.concatenate([rng.standard_cauchy(300), [1e9, -3e8, 5e10]])
    yield outliers, None
    yield rng.standard_cauchy(400) * 1e-6 - 50.0, rng.uniform(0.1, 4.0, 400)


@pytest.mark.parametrize("x, w", list(samples()))
def test_the_fit_from_chebyshev_steps_equals_the_fit_from_newton_steps(x, w, monkeypatch):
    passes = []
    original = QuadraticData._pass
    monkeypatch.setattr(QuadraticData, "_pass", lambda self, a, c, q, direct: (
        passes.append((a, c)) or original(self, a, c, q, direct)))
    chebyshev = fg.fit_mle(CauchyLogLik, x, weights=w)
    with_third = len(passes)
    passes.clear()
    monkeypatch.setattr(cauchy, "_local_derivatives", newton_only)
    newton = fg.fit_mle(CauchyLogLik, x, weights=w)
    assert chebyshev.converged and newton.converged
    gap = np.abs(chebyshev.mle - newton.mle)
    assert np.all(gap <= 1e-12 * np.abs(newton.mle) + 1e-9 * newton.bse), gap
    np.testing.assert_allclose(chebyshev.bse, newton.bse, rtol=1e-9)
    assert chebyshev.loglik == pytest.approx(newton.loglik, rel=1e-14)
    assert with_third <= len(passes)
