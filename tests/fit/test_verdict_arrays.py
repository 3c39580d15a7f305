"""The verdict over arrays (`verdict.interior`): many end points judged at once by the rule one
fit's verdict applies. On every end point (passing, still rising, saddle, flat, a flat positive
coordinate, a real coordinate running off, non-finite), it says "interior maximum" exactly when
`verdict` returns None; the end points it does not pass are the ones `verdict` objects to."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from femtograd.fit.verdict import interior, verdict
from femtograd.optim.result import BOUNDARY, CONVERGED, FLAT, NOT_STATIONARY

NAMES = ["a", "b"]


class Quadratic:
    """f(x) = f + gᵀs + ½ sᵀHs with s = x − at, on the optimizer's scale: its value,
    gradient and Hessian at the end point `at` are (f, g, H), and the verdict's probes
    elsewhere see the same quadratic."""

    def __init__(self, at, f, g, h):
        self.at, self.f = np.asarray(at, float), float(f)
        self.g, self.h = np.asarray(g, float), np.asarray(h, float)

    def value(self, x):
        s = np.asarray(x, float) - self.at
        return self.f + self.g @ s + 0.5 * s @ self.h @ s

    def value_grad_hess(self, x):
        s = np.asarray(x, float) - self.at
        return self.value(x), self.g + self.h @ s, self.h


# (x, f, g, H, constraints): end points of every kind the verdict tells apart
POINTS = {
    "maximum": ((0.3, 1.2), -50.0, (1e-9, -2e-9), ((-4.0, 0.5), (0.5, -9.0)),
                ("positive", "positive")),
    "maximum, real": ((0.3, -1.2), -50.0, (0.0, 1e-9), ((-4.0, 0.0), (0.0, -2.0)),
                      ("positive", "real")),
    "still rising": ((0.3, 1.2), -50.0, (5.0, 0.0), ((-1.0, 0.0), (0.0, -1.0)),
                     ("positive", "positive")),
    "saddle": ((0.3, 1.2), -50.0, (0.0, 0.0), ((-1.0, 0.0), (0.0, 1.0)),
               ("positive", "positive")),
    "level": ((0.3, 1.2), -50.0, (0.0, 0.0), ((-1.0, 0.0), (0.0, 0.0)),
              ("positive", "positive")),
    "rising along a flat direction": ((0.3, 1.2), -50.0, (0.0, 1.0),
                                      ((-1.0, 0.0), (0.0, 0.0)), ("positive", "positive")),
    "flat positive coordinate": ((0.3, 1.2), -50.0, (0.0, 0.0), ((-1.0, 0.0), (0.0, -1e-12)),
                                 ("positive", "positive")),
    "real coordinate running off": ((0.3, 10.0), -50.0, (0.0, 1e-3),
                                    ((-1.0, 0.0), (0.0, -1e-9)), ("positive", "real")),
    "non-finite": ((0.3, 1.2), np.nan, (0.0, 0.0), ((-1.0, 0.0), (0.0, -1.0)),
                   ("positive", "positive")),
}
X0 = np.zeros(2)


def _verdict(x, f, g, h, cons):
    return verdict(Quadratic(x, f, g, h), NAMES, list(cons), [0, 1], np.asarray(x), X0,
                   f - 10.0, CONVERGED)


def _interior(points):
    x, f, g, h, cons = (np.array([p[i] for p in points], dtype=float) if i < 4 else
                        points[0][4] for i in range(5))
    return interior(x, X0, f, g, h, list(cons))


@pytest.mark.parametrize("cons", [("positive", "positive"), ("positive", "real")])
def test_the_verdict_over_arrays_passes_exactly_the_end_points_the_verdict_passes(cons):
    points = [p[:4] + (cons,) for p in POINTS.values()]
    passed = _interior(points)
    judged = [_verdict(*p) for p in points]
    assert passed.tolist() == [j is None for j in judged]
    statuses = {j[0] for j in judged if j is not None}
    assert BOUNDARY in statuses and len(statuses) >= 2  # covers the verdict's objections
    assert passed[:2].all() and passed[2:].sum() <= 1  # (a real b is no flat coordinate)


def test_each_kind_of_end_point_on_its_own_constraints():
    for name, point in POINTS.items():
        judged = _verdict(*point)
        assert bool(_interior([point])[0]) == (judged is None), name
    assert _verdict(*POINTS["still rising"])[0] in (NOT_STATIONARY, BOUNDARY)
    assert _verdict(*POINTS["real coordinate running off"])[0] == BOUNDARY
    assert _verdict(*POINTS["flat positive coordinate"])[0] == FLAT


finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.tuples(finite, finite), st.tuples(finite, finite), finite, finite, finite,
       st.floats(-1e3, -1e-3), st.sampled_from(["positive", "real"]),
       st.integers(-12, 0))
def test_on_random_quadratics_the_arrays_agree_with_the_verdict(x, g, a, b, c, f, second,
                                                              scale):
    # −H = [[a², ab], [ab, b² + c·|c|]] spans definite, singular and indefinite; the gradient
    # from 1 down to 1e-12 spans stationary and not
    h = -np.array([[a * a, a * b], [a * b, b * b + c * abs(c)]])
    g = np.asarray(g) * 10.0 ** scale
    cons = ("positive", second)
    judged = _verdict(x, f, g, h, cons)
    assert bool(_interior([(x, f, g, h, cons)])[0]) == (judged is None)
