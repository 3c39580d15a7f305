"""Fits written with the clamped ops: log_safe lets a hand-written likelihood start where a
density underflows to 0 and still reach the closed-form MLE; relu's hinge regression reaches the
least-squares answer (the kink found by profiling the closed-form fit at each kink)."""

import numpy as np
import pytest
from scipy import optimize

import femtograd as fg

TIMES = np.array([0.5, 1.0, 2.0, 3.0, 800.0])


def exponential_loglik(log_op):
    def loglik(rate, x):
        return fg.sum(log_op(rate * fg.exp(-rate * x)))
    return loglik


def test_log_safe_fits_from_a_start_where_a_density_underflows_to_zero():
    """At rate 1 the density of 800 is exp(−800) = 0: log gives −inf and the fit refuses to
    start; log_safe is finite there and, once the density is normal again, exact, so the fit
    reaches the exponential MLE 1/mean with SE rate/√n."""
    with np.errstate(divide="ignore"), pytest.raises(ValueError, match="not finite at the start"):
        fg.fit_mle(exponential_loglik(fg.log), TIMES, start={"rate": 1.0},
                   constraints={"rate": "positive"})
    fit = fg.fit_mle(exponential_loglik(fg.log_safe), TIMES, start={"rate": 1.0},
                     constraints={"rate": "positive"})
    rate = 1 / TIMES.mean()
    assert fit.converged
    assert fit.params["rate"] == pytest.approx(rate, rel=1e-9)
    assert fit.se["rate"] == pytest.approx(rate / np.sqrt(TIMES.size), rel=1e-6)
    assert fit.loglik == pytest.approx(TIMES.size * (np.log(rate) - 1), rel=1e-12)


def test_relu_hinge_regression_reaches_the_profiled_least_squares_fit():
    rng = np.random.default_rng(3)
    t = np.linspace(0, 10, 200)
    y = 1 + 0.7 * np.maximum(t - 4, 0) + rng.normal(0, 0.3, t.size)

    def hinge(a, b, c, s, data):
        t, y = data
        mu = a + b * fg.relu(t - c)
        return fg.sum(-fg.log(s) - 0.5 * fg.square((y - mu) / s))

    fit = fg.fit_mle(hinge, (t, y), start={"a": 0.5, "b": 0.5, "c": 3.3, "s": 1.0},
                     constraints={"s": "positive"}, nobs=t.size)

    def least_squares(c):
        design = np.column_stack([np.ones_like(t), np.maximum(t - c, 0)])
        coef, sse = np.linalg.lstsq(design, y, rcond=None)[:2]
        return coef, float(sse[0])

    best = optimize.minimize_scalar(lambda c: least_squares(c)[1], bounds=(3.0, 5.0),
                                    method="bounded", options={"xatol": 1e-10})
    (a, b), sse = least_squares(best.x)
    assert fit.converged
    np.testing.assert_allclose(fit.params[["a", "b", "c", "s"]],
                               [a, b, best.x, np.sqrt(sse / t.size)], rtol=1e-6)
