"""Predictions of a regression fit for new rows, with delta-method standard errors.

Each parameter's linear predictor η = x β has variance x C xᵀ; a quantity q of the
fitted distribution at a row (log S(x), log f(x)) has gradient Σ_j (∂q/∂η_j) x_j in the
coefficients, with ∂q/∂η_j from one reverse pass over the family's per-row
contributions, as in the fit. Intervals are Wald intervals on a scale that keeps them
in range (the link for a parameter, logit for a probability, log for a hazard).
"""

import numpy as np
import pandas as pd
from scipy import special

from ..core.lazy import stats
from .design import as_matrix
from .inputs import as_float, column
from .rows import RowDerivatives

WHATS = ("param", "sf", "cdf", "hazard", "logpdf", "quantile", "median")


def predict(fit, newdata, what, x, p, level, offset):
    if what not in WHATS:
        raise ValueError(f"unknown prediction {what!r}; use one of {list(WHATS)}")
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1; got {level}")
    z = stats.norm.ppf(0.5 + level / 2)
    xs, etas, index = _predictors(fit, newdata, offset)
    cov = fit.cov.to_numpy()
    if what == "param":
        return _params(fit, xs, etas, cov, index, z)
    m = len(index)
    if what in ("quantile", "median"):
        return _quantile(fit, 0.5 if what == "median" else p, etas, xs, cov, index, z)
    if x is None:
        raise ValueError(f"what={what!r} needs x= (a number or one value per row)")
    xv = np.broadcast_to(as_float(np.atleast_1d(x), "x"), (m,)).copy() if np.ndim(x) == 0 \
        else as_float(column(None, x, "x", m), "x")
    if what in ("sf", "cdf", "hazard"):
        log_s, grad_s = _quantity(fit, xv, etas, censored=True)
    if what in ("logpdf", "hazard"):
        log_f, grad_f = _quantity(fit, xv, etas, censored=False)
    if what == "logpdf":
        est, grads, scale = log_f, grad_f, "identity"
    elif what == "hazard":
        est, grads, scale = log_f - log_s, [a - b for a, b in zip(grad_f, grad_s)], "log"
    else:
        est, grads, scale = log_s, grad_s, "logS"
    se = _se(fit, xs, grads, cov)
    if scale == "identity":
        return _frame(est, se, est - z * se, est + z * se, index)
    if scale == "log":
        v = np.exp(est)
        return _frame(v, v * se, np.exp(est - z * se), np.exp(est + z * se), index)
    s = np.exp(log_s)
    with np.errstate(divide="ignore"):
        logit = log_s - np.log(-np.expm1(log_s))
        half = z * se / (1.0 - s)
    lo, hi = special.expit(logit - half), special.expit(logit + half)
    if what == "sf":
        return _frame(s, s * se, lo, hi, index)
    return _frame(1.0 - s, s * se, 1.0 - hi, 1.0 - lo, index)


def _predictors(fit, newdata, offset):
    """(design rows per parameter, η per parameter, row index) for the new rows."""
    if isinstance(newdata, pd.DataFrame):
        index, m = newdata.index, len(newdata)
    else:
        if not isinstance(newdata, dict):
            raise TypeError("newdata must be a DataFrame (formula fit) or a dict {param: X}")
        sizes = {len(np.asarray(v)) for v in newdata.values()}
        if len(sizes) != 1:
            raise ValueError("newdata: the designs have different numbers of rows")
        m = sizes.pop()
        index = pd.RangeIndex(m)
    offsets = dict(fit._offsets)
    if offset is not None:
        offsets = offset if isinstance(offset, dict) else {fit.location: offset}
    for q, v in offsets.items():
        if not isinstance(v, str) and offset is None:
            raise ValueError(f"the fit has an offset for {q} given as an array: pass offset= "
                             "with one value per new row")
    xs, etas = {}, {}
    for p in fit.param_names:
        d = fit.designs[p]
        src = newdata if isinstance(newdata, pd.DataFrame) else newdata.get(p)
        xm = d.new(src, m)
        xm = as_matrix(xm, m, f"new design of {p}", list(d.columns))[0]
        beta = fit.params[p].to_numpy()
        eta = xm @ beta
        if p in offsets:
            frame = newdata if isinstance(newdata, pd.DataFrame) else None
            eta = eta + as_float(column(frame, offsets[p], f"offset for {p}", m), "offset")
        xs[p], etas[p] = xm, eta
    return xs, etas, index


def _params(fit, xs, etas, cov, index, z):
    cols = {}
    start = 0
    for p in fit.param_names:
        k = xs[p].shape[1]
        c = cov[start:start + k, start:start + k]
        se_eta = np.sqrt(np.einsum("ij,jk,ik->i", xs[p], c, xs[p]))
        link = fit.links[p]
        est = link.inverse_np(etas[p])
        a, b = link.inverse_np(etas[p] - z * se_eta), link.inverse_np(etas[p] + z * se_eta)
        cols[p, "estimate"] = est
        cols[p, "se"] = np.abs(link.inverse_slope(etas[p])) * se_eta
        cols[p, "lower"], cols[p, "upper"] = np.minimum(a, b), np.maximum(a, b)
        start += k
    out = pd.DataFrame(cols, index=index)
    out.columns.names = ["parameter", "statistic"]
    return out


def _quantity(fit, xv, etas, censored):
    """Per row, log S(x) (censored) or log f(x), and its derivative in each η_j."""
    family = fit.family
    try:
        gen = family(xv, censored=np.ones(xv.size, dtype=bool) if censored else None,
                     **fit.options)
    except ValueError as err:
        raise ValueError(f"predicting at x: {err}") from None
    links = [fit.links[p] for p in fit.param_names]
    rows = RowDerivatives(lambda rows: (gen, None), xv.size, links)
    c, g, _ = rows.evaluate([etas[p] for p in fit.param_names], order=1)
    return c, g


def _quantile(fit, p, etas, xs, cov, index, z):
    """The q_i with F(q_i) = p per row (of the untruncated distribution), its gradient by the
    implicit function theorem: ∂q/∂η_j = (∂ log S(q)/∂η_j) · S(q)/f(q)."""
    if p is None:
        raise ValueError("what='quantile' needs p= (a probability, or one per row)")
    if getattr(fit.family, "discrete", False):
        raise ValueError(f"quantile predictions need a continuous family; "
                         f"{fit.family.__name__} is discrete")
    m = len(index)
    probs = np.broadcast_to(as_float(np.atleast_1d(p), "p"), (m,)) if np.ndim(p) == 0 \
        else as_float(column(None, p, "p", m), "p")
    if not np.all((probs > 0) & (probs < 1)):
        bad = probs[~((probs > 0) & (probs < 1))][0]
        raise ValueError(f"p must lie strictly between 0 and 1; got {bad}")
    thetas = [fit.links[q].inverse_np(etas[q]) for q in fit.param_names]
    q = np.array([fit.generator.scipy(*(float(t[i]) for t in thetas)).ppf(probs[i])
                  for i in range(m)])
    log_s, grad_s = _quantity(fit, q, etas, censored=True)
    log_f, _ = _quantity(fit, q, etas, censored=False)
    ratio = np.exp(log_s - log_f)
    se = _se(fit, xs, [g * ratio for g in grad_s], cov)
    if getattr(fit.family, "support", (-np.inf,))[0] >= 0:  # positive: an interval on log q
        half = z * se / q
        return _frame(q, se, q * np.exp(-half), q * np.exp(half), index)
    return _frame(q, se, q - z * se, q + z * se, index)


def _se(fit, xs, grads, cov):
    jac = np.hstack([xs[p] * g[:, None] for p, g in zip(fit.param_names, grads)])
    return np.sqrt(np.einsum("ij,jk,ik->i", jac, cov, jac))


def _frame(est, se, lower, upper, index):
    return pd.DataFrame({"estimate": est, "se": se, "lower": lower, "upper": upper}, index=index)
