"""femtograd: maximum-likelihood estimation on its own reverse-mode autodiff."""

__version__ = "0.2.0"  # the one place it is written: pyproject.toml reads it

from .core import (Value, abs, absolute, arctan, arctan2, backward, betainc, clip, constant, cos,
                   data, digamma, div_safe, erf, erfc, exp, exp_moments, exp_safe, expm1, gammainc,
                   gammaincc, grad, grad_nodes, gradient, hessian, hvp, lgamma, log, log1mexp,
                   log1p, log1p_safe, log_diff_exp, log_ndtr, log_norm_cdf, log_norm_sf, log_safe,
                   log_sigmoid, log_softmax, logaddexp, logit, logsumexp, matmul, mean, polygamma,
                   primitive, relu, sigmoid, sin, softmax, softplus, sqrt, square, sum, tanh,
                   trigamma, val, where, zero_grad)
from .core.forward import dual, hvp_forward, jvp, primal, tangent  # forward mode

from .mle import fit_mle
from .fit import MLEFit, lrt, score_test, wald_test
from .fit.vuong import vuong
from .distributions import IntervalData
from .pandas import fit_columns, fit_groups
from .compare import compare  # the function; helpers: `from femtograd.compare import resolve`
from .regression import regress
