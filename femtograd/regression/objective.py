"""The regression log-likelihood as a function of the standardized coefficients.

η_j = X'_j β'_j + offset_j per parameter; the gradient is X'_jᵀ (w ∘ g_j) and each
Hessian block one weighted cross-product X'_j diag(w ∘ h_jk) X'_kᵀ, from the per-row
derivatives of `RowDerivatives`: never a graph node per coefficient.
"""

import math

import numpy as np


class LikelihoodSurface:
    """The optimizers' objective interface (value, value_grad, value_grad_hess) over a
    subclass's `evaluate(beta, order)`; a non-finite log-likelihood is -inf (a rejected
    point)."""

    def value(self, x):
        f = self.evaluate(x, 0)[0]
        return f if math.isfinite(f) else -math.inf

    def value_grad(self, x):
        f, g, _ = self.evaluate(x, 1)
        if not (math.isfinite(f) and np.all(np.isfinite(g))):
            return -math.inf, None
        return f, g

    def value_grad_hess(self, x):
        f, g, h = self.evaluate(x, 2)
        if not (math.isfinite(f) and np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            return -math.inf, None, None
        return f, g, h


class RegressionObjective(LikelihoodSurface):
    """The log-likelihood of β' over rows held here, with its per-row derivatives."""

    def __init__(self, rows, xts, offsets, weights):
        self.rows = rows
        self.xts = xts          # per parameter, X'ᵀ (p_j, n)
        self.offsets = offsets  # per parameter, (n,) or a float
        self.weights = weights  # (n,) or None
        sizes = [x.shape[0] for x in xts]
        self.cuts = np.cumsum([0] + sizes)
        self._last = None

    @property
    def n(self):
        """Number of rows."""
        return self.rows.n

    def release(self):
        """Drop the rows' derivative graphs (rebuilt if another point is asked about)."""
        self.rows.release()

    @property
    def size(self):
        return int(self.cuts[-1])

    def etas(self, beta):
        beta = np.asarray(beta, dtype=float)
        out = []
        for j, xt in enumerate(self.xts):
            b = beta[self.cuts[j]:self.cuts[j + 1]]
            eta = b @ xt if b.size else np.zeros(self.rows.n)
            out.append(eta + self.offsets[j])
        return out

    def per_row(self, beta, order):
        """(c, g, h) per row at β' (see `RowDerivatives.evaluate`), cached for the last β'."""
        key = np.asarray(beta, dtype=float).tobytes()
        if self._last is not None and self._last[0] == key and self._last[1] >= order:
            return self._last[2]
        out = self.rows.evaluate(self.etas(beta), order)
        self._last = (key, order, out)
        return out

    def _wsum(self, v):
        return float(np.sum(v)) if self.weights is None else float(self.weights @ v)

    def _weighted(self, v):
        return v if self.weights is None else self.weights * v

    def evaluate(self, beta, order=2):
        """(loglik, gradient (P,), Hessian (P, P)) at β', as far as `order` asks."""
        c, g, h = self.per_row(beta, order)
        with np.errstate(all="ignore"):
            f = self._wsum(c)
        if order == 0 or not math.isfinite(f):
            return f, None, None
        grad = np.concatenate([xt @ self._weighted(gj) for xt, gj in zip(self.xts, g)])
        if order == 1:
            return f, grad, None
        return f, grad, self.cross(h)

    def score_products(self, beta):
        """Σ w s sᵀ of the per-row scores at β' (P, P): the OPG and the sandwich's meat."""
        _, g, _ = self.per_row(beta, 1)
        return self.cross({(j, k): g[j] * g[k] for j in range(len(g))
                           for k in range(j, len(g))})

    def cluster_sums(self, beta, codes, groups):
        """(G, P): per cluster, the weighted sum of the per-row scores at β' (`codes` gives
        each row's cluster, 0..G−1)."""
        _, g, _ = self.per_row(beta, 1)
        w = np.ones(self.n) if self.weights is None else self.weights
        sums = [np.stack([np.bincount(codes, weights=w * gj * col, minlength=groups)
                          for col in xt], axis=1) if xt.shape[0] else np.zeros((groups, 0))
                for xt, gj in zip(self.xts, g)]
        return np.hstack(sums)

    def cross(self, per_row):
        """The (P, P) matrix whose (j, k) block is X'_j diag(w ∘ per_row[j, k]) X'_kᵀ."""
        hess = np.zeros((self.size, self.size))
        for (j, k), hjk in per_row.items():
            xj, xk = self.xts[j], self.xts[k]
            if not (xj.shape[0] and xk.shape[0]):
                continue
            block = (xj * self._weighted(hjk)) @ xk.T
            sj = slice(self.cuts[j], self.cuts[j + 1])
            sk = slice(self.cuts[k], self.cuts[k + 1])
            hess[sj, sk] = block
            hess[sk, sj] = block.T
        return hess
