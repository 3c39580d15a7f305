"""`import femtograd` and a plain fit leave scipy's heavy submodules unimported (a Dask driver
stays small), and the lazy stand-ins behave as the modules they stand for."""

import subprocess
import sys

import numpy as np
import pytest
from scipy import optimize as real_optimize
from scipy import stats as real_stats

from femtograd.core import lazy

HEAVY = ("scipy.stats", "scipy.optimize", "scipy.integrate")

SCRIPT = """
import sys
import numpy as np
import femtograd as fg
from femtograd.distributions import WeibullLogLik
after_import = [m for m in {heavy!r} if m in sys.modules]
x = np.random.default_rng(1).weibull(1.5, 500)
fit = fg.fit_mle(WeibullLogLik, x, censored=x > 2.0)
assert fit.converged and np.all(np.isfinite(fit.se))
after_fit = [m for m in {heavy!r} if m in sys.modules]
print(after_import, after_fit)
"""


def test_import_and_a_fit_leave_scipy_stats_optimize_integrate_unimported():
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["[]", "[]"]


def test_a_lazy_module_reads_through_to_the_real_one():
    assert lazy.stats.norm is real_stats.norm
    assert lazy.optimize.brentq is real_optimize.brentq
    assert lazy.integrate.quad(lambda t: t, 0.0, 2.0)[0] == pytest.approx(2.0)
    with pytest.raises(AttributeError):
        lazy.stats.no_such_distribution
    assert "scipy.stats" in repr(lazy.stats)
    assert np.isclose(lazy.stats.t.ppf(0.75, 4.0), real_stats.t.ppf(0.75, 4.0))
