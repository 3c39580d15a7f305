"""The fit object and what it offers: covariance, intervals, tests, bootstrap, diagnostics."""

from .common import FIT_ERRORS
from .result import ConvergenceWarning, MLEFit
from .bootstrap import BootstrapError, BootstrapWarning
from .covariance import COV_TYPES, SingularInformationWarning
from .likelihood_tests import HypothesisTest, lrt, score_test, wald_test
