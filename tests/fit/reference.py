"""Reference fits for the tests: scipy.optimize on scipy.stats log densities.

The reference Hessian is a central finite difference — allowed here, in tests
only, as an independent check of the exact one.
"""

import numpy as np
from scipy import optimize


def loglik_from_scipy(frozen, x=None, censored=None, lower=None, upper=None):
    """A function params -> log-likelihood of exact, right- or interval-censored rows."""
    def ll(params):
        d = frozen(*params)
        with np.errstate(all="ignore"):
            if lower is not None:
                exact = lower == upper
                total = d.logpdf(lower[exact]).sum()
                lo, hi = lower[~exact], upper[~exact]
                total += np.log(d.cdf(hi) - d.cdf(lo)).sum()
                return total
            if censored is None:
                return d.logpdf(x).sum()
            return d.logpdf(x[~censored]).sum() + d.logsf(x[censored]).sum()
    return ll


def reference_fit(ll, start, positive):
    """MLE (Nelder–Mead, then BFGS polish on log scales) and finite-difference SEs."""
    positive = np.asarray(positive)
    to_nat = lambda u: np.where(positive, np.exp(u), u)
    u0 = np.where(positive, np.log(start), start)
    nll = lambda u: -ll(to_nat(u)) if np.isfinite(ll(to_nat(u))) else np.inf
    res = optimize.minimize(nll, u0, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    res = optimize.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-9})
    mle = to_nat(res.x)
    h = finite_difference_hessian(ll, mle)
    se = np.sqrt(np.diag(np.linalg.inv(-h)))
    return mle, se, ll(mle)


def finite_difference_hessian(f, x, rel=1e-4):
    x = np.asarray(x, dtype=float)
    p = len(x)
    step = rel * np.maximum(np.abs(x), 1e-3)
    h = np.empty((p, p))
    for i in range(p):
        for j in range(p):
            ei, ej = np.eye(p)[i] * step[i], np.eye(p)[j] * step[j]
            h[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) \
                / (4 * step[i] * step[j])
    return h


def finite_difference_quantile_se(fit, quantiles, probs):
    """The delta-method SEs of `quantiles(theta, probs)` at the fit's estimates, the Jacobian
    by central differences: what an exact-gradient quantile SE is checked against."""
    theta = np.asarray(fit.mle, dtype=float)
    jac = np.empty((probs.size, theta.size))
    for j in range(theta.size):
        h = 1e-6 * max(abs(theta[j]), 1e-3)
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        jac[:, j] = (quantiles(up, probs) - quantiles(down, probs)) / (2 * h)
    return np.sqrt(np.einsum("ij,jk,ik->i", jac, fit.cov.to_numpy(), jac))
