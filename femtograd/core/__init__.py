"""The autodiff core: Value nodes, the op table, reverse mode and exact Hessians."""

from .value import Value, Plan, as_value, as_array, topological_order
from .primitive import REGISTRY, primitive, unbroadcast
from .ops import (absolute, add, broadcast_to, digamma, divide, erf, erfc, exp, expm1, lgamma,
                  log, log1mexp, log1p, log_diff_exp, log_ndtr, log_norm_cdf, log_norm_sf,
                  log_sigmoid, logaddexp, logsumexp, matmul, mean, multiply, negative, polygamma, power,
                  reshape, sigmoid, sign, softplus, sqrt, square, subtract, sum, take, trigamma,
                  where)
from .moments import ExpMomentData, exp_moments
from .special import arctan, arctan2, betainc, gammainc, gammaincc
from .derivatives import backward, gradient, grad_nodes, hessian, hvp, leaves, zero_grad
from .vocabulary import constant, data, grad, val
from .forward import Dual, dual, hvp_forward, jvp, primal, tangent, tangent_nodes

from .trig import cos, sin, tanh
from .logistic import log_softmax, logit, softmax
from .safe import clip, div_safe, exp_safe, log1p_safe, log_safe, relu

abs = absolute
