"""An objective keeps its latest derivatives on the optimizer's scale with the evaluation they
came from, and gives them back when asked again at the same point on the same scale (the
verdict at the optimizer's end point). Whatever happens in between (other points, other
orders, views over other parameters or scales, a held parameter moved), every answer equals
a fresh objective's, which has kept nothing."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core.tape import tape_for
from femtograd.optim.objective import GraphObjective, TapeObjective

X = np.random.default_rng(3).weibull(1.4, 200) * 2.0
GEN = fg.distributions.WeibullLogLik(X)
START = [float(v) for v in GEN.start().values()]


def tape_objective():
    key, inputs, build = GEN.structure()
    tape = tape_for((key, 2), build, START, inputs)
    return TapeObjective(tape.bind(START, inputs), GEN.constraints, START)


def graph_objective():
    leaves = [fg.Value(v) for v in START]
    return GraphObjective(GEN(*leaves), leaves, GEN.constraints)


VIEWS = [([0, 1], True), ([0], True), ([1], True), ([0, 1], False), ([1], False)]
STEP = st.tuples(st.sampled_from(range(len(VIEWS))), st.sampled_from(["value", "value_grad",
                                                                       "value_grad_hess"]),
                 st.sampled_from([0, 1, 2]), st.sampled_from([0.0, 0.25, -0.5]))


def ask(objective, view, method, point, shift):
    """Ask the view `view` of `objective` at point number `point`, after moving the natural
    point (which holds the parameters the view does not move) by `shift` on the log scale."""
    free, transform = VIEWS[view]
    v = objective.with_free(free, transform)
    natural = [p * np.exp(shift) for p in START]
    v.set_natural(natural)
    x = v.unconstrained(natural) + 0.05 * point
    out = getattr(v, method)(x)
    return out if isinstance(out, tuple) else (out,)


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from([tape_objective, graph_objective]),
       steps=st.lists(STEP, min_size=1, max_size=12))
def test_kept_derivatives_equal_a_fresh_objectives(kind, steps):
    kept = kind()
    for view, method, point, shift in steps:
        got = ask(kept, view, method, point, shift)
        want = ask(kind(), view, method, point, shift)
        assert len(got) == len(want)
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", [tape_objective, graph_objective])
def test_asked_again_at_the_same_point_gives_the_same_read_only_arrays(kind):
    objective = kind()
    x = objective.unconstrained(START)
    f, g, h = objective.value_grad_hess(x)
    view = objective.with_free([0, 1], transform=True)  # as fit_mle's verdict asks
    f2, g2, h2 = view.value_grad_hess(x.copy())
    assert f2 == f and g2 is g and h2 is h
    with pytest.raises(ValueError):
        g2[0] = 0.0  # shared by every caller at this point: not to be written to
    assert objective.value_grad(x)[1] is g  # a lower order from the same evaluation


def test_a_fit_judges_the_optimizers_own_end_point():
    """fit_mle's verdict is asked at the optimizer's x, whose evaluation the optimizer made
    last: it evaluates nothing new, and the fit equals one judged from scratch there."""
    fit = fg.fit_mle(fg.distributions.WeibullLogLik, X)
    assert fit.converged and fit._optim.evaluations == 2  # Newton's one, the verdict's one
    fresh = graph_objective()
    x = fit._optim.x
    f, g, h = fresh.value_grad_hess(x)
    np.testing.assert_allclose(fit.mle, np.exp(x), rtol=0, atol=0)
    assert f == pytest.approx(fit.loglik, rel=1e-14)
    np.testing.assert_allclose(fit.se, np.sqrt(np.diag(np.linalg.inv(
        -fresh.evaluate(fit.mle, 2)[2]))), rtol=1e-12)
