"""The shortcuts of the fixed-cost round (issue 17) give what the straightforward code gives:
the chain rule in one pass, a bound tape's read-back, the statistics' coverage rule, the
standard errors with and without fixed parameters, and the verdict's shared Newton step."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core.tape import tape_for
from femtograd.distributions import ExpLogLik, NormalLogLik
from femtograd.distributions.rows import KINDS
from femtograd.fit.verdict import _Names, _flat_coordinates, _not_stationary, _solve, verdict
from femtograd.core.cholesky import inverse_factor
from femtograd.optim.objective import TapeObjective
from femtograd.optim.transforms import transform_for

X = np.random.default_rng(3).gamma(2.0, 1.5, 400)


def _tape_objective(gen, values, cons):
    key, inputs, build = gen.structure()
    tape = tape_for((key, len(values)), build, values, inputs)
    return TapeObjective(tape.bind(values, inputs), cons, values)


@settings(max_examples=40, deadline=None)
@given(mu=st.floats(-3, 3), log_sigma=st.floats(-2, 2))
def test_chain_rule_in_one_pass_equals_the_matrix_formula_bit_for_bit(mu, log_sigma):
    """g_x = g·p′ and H_x = p′ H p′ + diag(g·p″), written with numpy over the natural-scale
    evaluation, equal the objective's optimizer-scale derivatives exactly."""
    cons = ("real", "positive")
    ob = _tape_objective(NormalLogLik(X), [1.0, 1.0], cons)
    x = np.array([mu, log_sigma])
    f, g, h = ob.value_grad_hess(x)
    nat = [mu, math.exp(log_sigma)]
    f_n, g_n, h_n = ob.evaluate(nat, order=2)
    d = np.array([transform_for(c).derivatives(xi)[1:] for c, xi in zip(cons, x)])
    assert f == f_n
    np.testing.assert_array_equal(g, g_n * d[:, 0])
    np.testing.assert_array_equal(h, h_n * np.outer(d[:, 0], d[:, 0]) + np.diag(g_n * d[:, 1]))


def test_a_non_finite_gradient_entry_is_minus_infinity_on_the_optimizer_scale():
    ob = _tape_objective(ExpLogLik(X), [0.5], ("positive",))
    f, g, h = ob._chain([0.0], (1.0, [math.nan], [[1.0]]), 2)
    assert (f, g, h) == (-math.inf, None, None)


def test_a_bound_tape_reads_back_for_an_equal_list_and_recomputes_for_another():
    gen = ExpLogLik(X)
    key, inputs, build = gen.structure()
    tape = tape_for((key, 1), build, [0.5], inputs)
    bound = tape.bind([0.5], inputs)
    first = bound.evaluate([0.4], 2)
    assert bound.evaluate([0.4], 2) is first  # a new list of the same floats: read back
    moved = bound.evaluate([0.3], 2)
    fresh = tape.bind([0.5], inputs).evaluate([0.3], 2)
    assert moved == fresh and moved != first
    n, total = len(X), float(X.sum())
    assert moved[0] == pytest.approx(n * math.log(0.3) - 0.3 * total, rel=1e-14)


@pytest.mark.parametrize("cls", [ExpLogLik, NormalLogLik])
@pytest.mark.parametrize("design", ["exact", "right", "left", "interval", "zero_weight"])
def test_reduced_only_is_the_coverage_rule(cls, design):
    """True exactly when the statistics hold every counted row (the right-censored ones too
    for a family that reduces them) and those rows carry weight."""
    x = X[:50].copy()
    kw = {}
    if design == "right":
        kw["censored"] = np.arange(50) % 3 == 0
    elif design == "left":
        x = fg.IntervalData(np.where(np.arange(50) % 4 == 0, 0.0, x), x)
    elif design == "interval":
        x = fg.IntervalData(np.where(np.arange(50) % 4 == 0, 0.5 * x, x), x)
    elif design == "zero_weight":
        kw["weights"] = np.zeros(50)
    gen = cls(x, **kw)
    covered = ("exact", "right") if cls.reduces_right else ("exact",)
    rule = (gen._stats is not None and gen.rows.counted_weight > 0
            and all(gen.rows.groups[k] is None for k in KINDS if k not in covered))
    assert gen._reduced_only() is rule
    assert rule is (design == "exact" or design == "right" and cls.reduces_right)


def test_standard_errors_with_and_without_fixed_parameters():
    fit = fg.fit_mle(NormalLogLik, X)
    np.testing.assert_array_equal(fit.bse, np.sqrt(np.diag(fit.cov.to_numpy())))
    assert not fit.bse.flags.writeable
    held = fg.fit_mle(NormalLogLik, X, fixed={"mu": 3.0})
    assert held.bse[0] == 0.0
    # sigma's MLE with mu held: sqrt(mean((x - 3)^2)); its SE: sigma / sqrt(2n)
    sigma = math.sqrt(np.mean((X - 3.0) ** 2))
    assert held.bse[1] == pytest.approx(sigma / math.sqrt(2 * len(X)), rel=1e-9)
    assert not held.bse.flags.writeable


def test_the_verdict_judges_with_one_newton_step_as_each_judgement_would_alone():
    """At a converged fit and at a point short of it, the verdict equals its two judgements
    each computing the Newton step for itself."""
    fit = fg.fit_mle(NormalLogLik, X)
    ob = fit._objective
    names, cons, free = fit.param_names, fit.constraints, [0, 1]
    best = ob.unconstrained(fit.mle)
    for x in (best, best + np.array([0.05, -0.02])):
        f, g, h = ob.value_grad_hess(x)
        info = -h
        factor = inverse_factor(info)
        size = abs(f)
        named = _Names(list(names), None)
        alone = (_flat_coordinates(ob, x, best, f, f, g, factor, info, size, named, list(cons))
                 or _not_stationary(ob, x, best, f, f, g, info, factor, size, named,
                                    list(cons), _solve(factor, g)))
        assert verdict(ob, names, cons, free, x, best, f, "converged") == alone
    assert verdict(ob, names, cons, free, best + np.array([0.05, -0.02]), best, f,
                   "converged")[0] == "not_stationary"
