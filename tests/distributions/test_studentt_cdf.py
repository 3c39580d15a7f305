"""The Student t log CDF behind censored rows and fitted probabilities: exact values and finite
derivatives through the location, where the tail's argument ν/(ν+z²) had a 0·inf derivative."""

import numpy as np
import pytest
from scipy import stats

import femtograd as fg
from femtograd.distributions import StudentTLogLik


@pytest.mark.parametrize("df", [0.7, 3.0, 50.0])
@pytest.mark.parametrize("z", [-40.0, -1.0, -1e-9, 0.0, 1e-9, 0.5, 40.0])
def test_log_cdf_value_and_derivatives_match_scipy_through_the_location(df, z):
    gen = StudentTLogLik([0.0, 1.0, 2.0])
    dz, ddf = fg.gradient(lambda a, b: gen._logcdf_z(a, b), [z, df])
    assert gen._logcdf_z(fg.val(z), fg.val(df)).data == pytest.approx(stats.t.logcdf(z, df),
                                                                      rel=1e-13)
    assert dz == pytest.approx(np.exp(stats.t.logpdf(z, df) - stats.t.logcdf(z, df)), rel=1e-12)
    h = 1e-5 * df
    fd = (stats.t.logcdf(z, df + h) - stats.t.logcdf(z, df - h)) / (2 * h)
    assert ddf == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_a_row_censored_at_the_location_has_a_finite_score():
    x = np.array([-1.0, 0.0, 0.5, 2.0, 3.0])
    gen = StudentTLogLik(x, censored=[False, True, False, False, False])
    score = fg.gradient(lambda m, s, d: gen(m, s, d), [0.0, 1.0, 4.0])
    assert np.isfinite(score).all()
    # the censored row's share of ∂/∂location at z = 0: log S(z) gives f(0)/(s·S(0)) = 2 f(0)
    exact = fg.gradient(lambda m: StudentTLogLik(np.delete(x, 1))(m, 1.0, 4.0), [0.0])[0]
    assert score[0] - exact == pytest.approx(2 * stats.t.pdf(0.0, 4.0), rel=1e-12)
