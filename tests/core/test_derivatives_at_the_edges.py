"""Derivatives where the naive rules give NaN or lose every digit: the far lower tail of
log Φ, a power with a zero base, and the branch `where` does not take.

References are mpmath at 80 digits or closed forms, never the rules themselves.
"""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, strategies as st

import femtograd as fg
from femtograd.core import reshape

from ._numeric import assert_close, property_settings


def _log_ndtr_reference(x):
    """(d/dx, d²/dx²) of log Φ at x: r = φ/Φ and −r·(x + r), in 80 digits."""
    with mp.workdps(80):
        x = mp.mpf(x)
        r = mp.npdf(x) / mp.ncdf(x)
        return float(r), float(-r * (x + r))


@pytest.mark.parametrize("x", [-1e8, -1e5, -3e3, -1e3, -40.0, -4.0001, -3.9999, -1.0, 0.0,
                               3.0, 10.0])
def test_log_ndtr_first_and_second_derivatives_match_mpmath_far_into_the_lower_tail(x):
    # below about −1e3, exp(−x²/2 − log√2π − log Φ) loses digits in the exponent and
    # x + φ/Φ cancels: the second derivative was wrong there
    r, second = _log_ndtr_reference(x)
    assert fg.gradient(fg.log_ndtr, [x])[0] == pytest.approx(r, rel=1e-14)
    assert fg.hessian(fg.log_ndtr, [x])[0, 0] == pytest.approx(second, rel=2e-14)


def test_log_ndtr_hessian_tends_to_minus_one_plus_the_asymptotic_series():
    # log Φ(x)'' = −1 + 1/x² − 6/x⁴ + O(x⁻⁶) as x → −∞
    for x in (-1e4, -1e6):
        expected = -1.0 + 1 / x ** 2 - 6 / x ** 4
        assert fg.hessian(fg.log_ndtr, [x])[0, 0] == pytest.approx(expected, rel=1e-15)


def test_log_norm_sf_hessian_is_right_far_into_the_upper_tail_on_arrays():
    x = np.array([2e3, 5.0, -1.0, 1e5])
    h = fg.hessian(lambda a: fg.sum(fg.log_norm_sf(a * fg.constant(x))), [1.0])[0, 0]
    expected = sum(_log_ndtr_reference(-xi)[1] * xi ** 2 for xi in x)
    assert h == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("b", [0.7, 1.5, 2.0, 3.25])
def test_a_zero_base_adds_nothing_to_the_derivatives_in_the_exponent(b):
    # 0ᵇ = 0 for every b > 0, so its derivatives in b are 0; the rule xᵇ·log x gave 0·(−∞)
    x = np.array([0.0, 0.5, 2.0, 3.0, 0.0])
    pos = x[x > 0]

    def f(b):
        return fg.sum(fg.constant(x) ** b)

    assert fg.gradient(f, [b])[0] == pytest.approx(np.sum(pos ** b * np.log(pos)), rel=1e-14)
    assert fg.hessian(f, [b])[0, 0] == pytest.approx(np.sum(pos ** b * np.log(pos) ** 2),
                                                     rel=1e-14)
    assert fg.gradient(lambda b: fg.constant(0.0) ** b, [b])[0] == 0.0


def test_a_weibull_term_with_zero_data_has_finite_exact_shape_derivatives():
    # Σ (x/λ)ᵏ with some x = 0: d/dk, d²/dk² and d²/dk dλ over the positive rows only
    x = np.array([0.0, 0.4, 1.3, 2.2, 5.0])
    k, lam = 1.7, 2.5
    z = x[x > 0] / lam
    L = np.log(z)

    def f(k, lam):
        return fg.sum((fg.constant(x) / lam) ** k)

    g = fg.gradient(f, [k, lam])
    h = fg.hessian(f, [k, lam])
    assert g == pytest.approx([np.sum(z ** k * L), -k / lam * np.sum(z ** k)], rel=1e-14)
    assert h[0, 0] == pytest.approx(np.sum(z ** k * L ** 2), rel=1e-14)
    assert h[0, 1] == h[1, 0] == pytest.approx(-np.sum(z ** k * (1 + k * L)) / lam, rel=1e-14)


def test_power_derivatives_of_a_positive_base_are_unchanged_to_third_order():
    # xʸ(log x)ᵐ is the m-th y-derivative; its x-derivative y·xʸ⁻¹(log x)ᵐ + m·xʸ⁻¹(log x)ᵐ⁻¹
    x, y = 1.7, 2.3
    a, b = fg.val(x), fg.val(y)
    out = a ** b
    da, db = fg.grad_nodes(out, [a, b])
    dab, dbb = fg.grad_nodes(db, [a, b])
    dabb, dbbb = fg.grad_nodes(dbb, [a, b])
    lx = np.log(x)
    assert da.data == pytest.approx(y * x ** (y - 1), rel=1e-15)
    assert db.data == pytest.approx(x ** y * lx, rel=1e-15)
    assert dab.data == pytest.approx(x ** (y - 1) * (y * lx + 1), rel=1e-15)
    assert dbb.data == pytest.approx(x ** y * lx ** 2, rel=1e-15)
    assert dbbb.data == pytest.approx(x ** y * lx ** 3, rel=1e-15)
    assert dabb.data == pytest.approx(x ** (y - 1) * (y * lx ** 2 + 2 * lx), rel=1e-15)


# -- where: the branch not taken cannot poison the gradient or the Hessian -----------------
def test_where_guarding_a_log_at_zero_has_the_taken_branchs_derivatives():
    def f(x):
        return fg.where(fg.constant(x.data > 0), fg.log(x), 0.0)

    assert fg.gradient(f, [0.0])[0] == 0.0 and fg.hessian(f, [0.0])[0, 0] == 0.0
    assert fg.gradient(f, [2.0])[0] == 0.5 and fg.hessian(f, [2.0])[0, 0] == -0.25

    def xlogx(x):  # the classic: x log x, continued by 0 at x = 0
        return fg.where(fg.constant(x.data > 0), x * fg.log(x), 0.0)

    assert fg.gradient(xlogx, [0.0])[0] == 0.0 and fg.hessian(xlogx, [0.0])[0, 0] == 0.0


_BRANCHES = {  # each infinite or NaN, or with an infinite derivative, at some t <= 0
    "a log t + b sqrt t": lambda a, b, t: a * fg.log(t) + b * fg.sqrt(t),
    "b log(a t)": lambda a, b, t: fg.log(a * t) * b,
    "sqrt(a t) + b": lambda a, b, t: fg.sqrt(t * a) + b,
    "(a t)^b": lambda a, b, t: (t * a) ** b,
    "b / (a t)": lambda a, b, t: b / (t * a),
    "log_ndtr(a log t) b": lambda a, b, t: fg.log_ndtr(a * fg.log(t)) * b,
}


def _otherwise(a, b, t):
    return a * a * t + b * a


@property_settings(60)
@given(st.sampled_from(sorted(_BRANCHES)),
       st.lists(st.sampled_from([0.0, 0.0, -1.5, 0.3, 1.0, 2.5, 7.0]), min_size=2, max_size=7),
       st.floats(0.3, 3.0), st.floats(0.3, 3.0))
def test_a_sum_over_where_has_the_derivatives_of_the_sums_over_its_two_sides(name, t, a, b):
    # Σ where(t > 0, f, h) = Σ_{t>0} f + Σ_{t<=0} h, so their gradients and Hessians agree,
    # and f's poles and NaNs on the other side must not leak through the rules
    f, t = _BRANCHES[name], np.array(t)
    taken, other = t[t > 0], t[t <= 0]

    def selected(a, b):
        data = fg.constant(t)
        return fg.sum(fg.where(t > 0, f(a, b, data), _otherwise(a, b, data)))

    def split(a, b):
        out = fg.constant(0.0)
        if taken.size:
            out = out + fg.sum(f(a, b, fg.constant(taken)))
        if other.size:
            out = out + fg.sum(_otherwise(a, b, fg.constant(other)))
        return out

    with np.errstate(all="ignore"):
        g, h = fg.gradient(selected, [a, b]), fg.hessian(selected, [a, b])
        g_ref, h_ref = fg.gradient(split, [a, b]), fg.hessian(split, [a, b])
    assert np.isfinite(g).all() and np.isfinite(h).all()
    assert_close(g, g_ref, rtol=1e-12, atol=1e-12, what="gradient")
    assert_close(h, h_ref, rtol=1e-12, atol=1e-12, what="Hessian")


def test_nested_wheres_keep_every_branch_not_taken_out():
    # where(t > 0, where(t > 1, log(a (t - 1)), a^2 t), a): log's pole at t = 1 is guarded by
    # the inner where, the NaN of t < 1 by both
    t = np.array([0.0, 0.5, 1.0, 2.0, 3.0, -1.0])

    def f(a):
        data = fg.constant(t)
        inner = fg.where(t > 1, fg.log(a * (data - 1.0)), a * a * data)
        return fg.sum(fg.where(t > 0, inner, a))

    a = 1.3
    n_log = np.sum(t > 1)
    mid = t[(t > 0) & (t <= 1)]
    assert fg.gradient(f, [a])[0] == pytest.approx(n_log / a + 2 * a * mid.sum() + np.sum(t <= 0),
                                                   rel=1e-14)
    assert fg.hessian(f, [a])[0, 0] == pytest.approx(-n_log / a ** 2 + 2 * mid.sum(), rel=1e-14)


def test_a_fit_through_where_is_exact_and_replayed_safely():
    # a log-likelihood with rows that contribute nothing by a where: a fit on two data sets
    # of one structure (the second replays the first's derivative nodes) gives both MLEs
    def loglike(rate, data):
        x = fg.constant(data)
        return fg.sum(fg.where(data > 0, fg.log(rate * x) - rate * x - fg.log(x), 0.0))

    for data in (np.array([0.0, 0.5, 1.5, 0.0, 2.0]), np.array([1.0, 0.0, 0.25, 3.0, 0.0])):
        fit = fg.fit_mle(loglike, data, start={"rate": 1.0})
        assert fit.converged
        assert fit.mle[0] == pytest.approx(1 / data[data > 0].mean(), rel=1e-8)
        assert np.isfinite(fit.se).all()


def test_an_array_leaf_behind_where_gets_the_taken_branchs_gradient_and_hessian():
    x = np.array([[0.0, 0.5], [2.0, 0.0]])
    c = x > 0
    leaf = fg.val(x)
    out = fg.sum(fg.where(c, leaf * fg.log(leaf), 0.0))
    fg.backward(out)
    assert np.array_equal(leaf.grad, np.where(c, np.log(np.where(c, x, 1.0)) + 1.0, 0.0))
    g, = fg.grad_nodes(out, [leaf])
    v = np.array([[1.0, -2.0], [0.5, 3.0]])
    hv, = fg.grad_nodes(fg.sum(g * v), [leaf])  # the Hessian is diagonal: 1/x where taken
    assert np.array_equal(hv.data, np.where(c, v / np.where(c, x, 1.0), 0.0))


def test_two_selections_of_one_node_and_a_reshape_inside_a_branch_stay_finite_and_exact():
    # a t is selected three times (under a log, a sqrt and a reshape); at t = 0 the log's
    # pole and at t = 1 the sqrt's NaN lie on branches not taken
    t = np.array([0.0, 1.0, 5.0, 0.0])

    def f(a):
        s = fg.constant(t) * a
        first = fg.where(t > 0, fg.log(s), 0.0)
        second = fg.where(t > 2, fg.sqrt(s - 4.0 * a), 1.0)
        flat = fg.where(t.reshape(2, 2) > 0, fg.log(reshape(s, shape=(2, 2))) * a, a)
        return fg.sum(first) + fg.sum(second) + fg.sum(flat)

    a, pos = 1.7, t[t > 0]
    expected_g = 2 / a + 0.5 / np.sqrt(a) + np.sum(np.log(pos * a) + 1) + 2
    expected_h = -2 / a ** 2 - 0.25 * a ** -1.5 + 2 / a
    with np.errstate(all="ignore"):
        assert fg.gradient(f, [a])[0] == pytest.approx(expected_g, rel=1e-14)
        assert fg.hessian(f, [a])[0, 0] == pytest.approx(expected_h, rel=1e-14)


def test_a_pole_on_the_taken_branch_is_not_hidden():
    with np.errstate(all="ignore"):
        g = fg.gradient(lambda x: fg.where(1.0, fg.log(x), 0.0), [0.0])[0]
    assert g == np.inf


def test_a_condition_broadcast_over_the_branch_guards_every_element_of_its_rows():
    # a (3, 1) condition selects whole rows of a (3, 4) branch; row 1 holds the log's poles
    t = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 5.0, 0.0], [0.5, 0.25, 1.5, 2.5]])
    rows = np.array([[True], [False], [True]])

    def f(a):
        return fg.sum(fg.where(rows, fg.log(fg.constant(t) * a) * a, a * a))

    a, kept = 1.3, t[rows[:, 0]]
    with np.errstate(all="ignore"):
        g, h = fg.gradient(f, [a])[0], fg.hessian(f, [a])[0, 0]
    assert g == pytest.approx(np.sum(np.log(kept * a) + 1) + 4 * 2 * a, rel=1e-14)
    assert h == pytest.approx(kept.size / a + 4 * 2, rel=1e-14)
