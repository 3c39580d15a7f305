"""Diagnostics of a fit: is the optimum a well-defined, interior maximum?"""

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..optim.stopping import max_abs
from ..optim.transforms import transform_for
from .covariance import correlation_scaled


@dataclass
class Diagnostics:
    converged: bool
    status: str
    gradient_norm: float          # max |score| at the MLE (natural scale)
    eigenvalues: list             # of the observed information, ascending
    condition_number: float
    positive_definite: bool
    at_boundary: list             # parameters at (or numerically at) the edge of their space

    def to_dict(self):
        return asdict(self)

    def __str__(self):
        eig = ", ".join(f"{v:.4g}" for v in self.eigenvalues)
        return "\n".join([
            f"converged:            {self.converged} ({self.status})",
            f"gradient norm:        {self.gradient_norm:.3g}",
            f"information eigenvalues: {eig}",
            f"condition number:     {self.condition_number:.3g}",
            f"positive definite:    {self.positive_definite}",
            f"at a boundary:        {', '.join(self.at_boundary) or 'none'}"])


def diagnostics(fit):
    info = fit.observed_information
    if info.size and np.all(np.isfinite(info)):
        lam = np.linalg.eigvalsh(info)
        scaled = correlation_scaled(info)
        pd_ = scaled is not None and bool(np.linalg.eigvalsh(scaled[1])[0] > 1e-12)
        cond = float(lam[-1] / lam[0]) if pd_ else math.inf
    else:
        lam, pd_, cond = np.array([]), False, math.nan
    boundary = boundary_parameters(fit)
    return Diagnostics(bool(fit.converged), fit.status, max_abs(fit.score),
                       [float(v) for v in lam], cond, pd_, boundary)


def boundary_parameters(fit):
    """Free parameters at (or running off to) the edge of their space.

    A parameter is at a boundary when it is within 1e-12 of a finite edge (0, or 1
    for a probability); when the optimizer stopped only because the log or logit
    scale flattens the slope (the natural-scale score, in standard-error units, is
    not ~0: a probability driven to 1 by all-success data); or when the information
    is (nearly: scaled eigenvalue ≤ 1e-8) singular, or the log-likelihood is flat
    on the log/logit scale (eigenvalue ≤ 1e-6), in a direction that involves it, or
    its standard error on that scale exceeds 10 — and it has gone far toward an edge
    (a positive parameter beyond a factor e^8 from 1, a probability within 1e-4 of
    0 or 1) — how an estimate running off to infinity (a negative binomial size, a
    t df) shows.
    """
    info = fit.observed_information
    out, far = [], []
    for a, i in enumerate(fit.free):
        c, v = fit.constraints[i], float(fit.mle[i])
        if c == "real":
            continue
        g, curv = abs(float(fit._gradient[i])), float(info[a, a])
        if (g > 1e-3 * math.sqrt(curv) if curv > 0 else g > 1e-3) \
                or v < 1e-12 or (c == "unit" and v > 1 - 1e-12):
            out.append(i)
        elif (abs(math.log(v)) > 8) if c == "positive" else (min(v, 1 - v) < 1e-4):
            far.append(i)
    if far:  # only an estimate far toward an edge needs the eigen-analysis
        involved = _flat_directions(fit, info)
        out += [i for i in far if i in involved]
    return [fit.param_names[i] for i in sorted(out)]


def _flat_directions(fit, info):
    """Free parameters involved in a direction where the log-likelihood is (nearly) flat."""
    if not np.all(np.isfinite(info)):
        return set(fit.free)
    involved = set()
    scaled = correlation_scaled(info)
    if scaled is None:
        involved = {fit.free[j] for j in np.flatnonzero(np.diag(info) <= 0)}
    else:
        lam, vec = np.linalg.eigh(scaled[1])
        for k in np.flatnonzero(lam <= 1e-8):
            involved |= {fit.free[j] for j in np.flatnonzero(np.abs(vec[:, k]) > 0.3)}
    # flat on the optimizer's scale: moving log(p) or logit(p) by 1 changes the
    # log-likelihood by less than 1e-6 (a t df of 1e7, uncorrelated with the rest)
    info_u = _unconstrained_information(fit)
    lam, vec = np.linalg.eigh(info_u)
    for k in np.flatnonzero(lam <= 1e-6):
        involved |= {fit.free[j] for j in np.flatnonzero(np.abs(vec[:, k]) > 0.3)}
    # not determined even to a factor e^10 on the log/logit scale (where the computed
    # curvature is too small to trust, as for a t df of 1e11)
    if lam[0] > 0:
        var_u = np.diag(np.linalg.inv(info_u))
        involved |= {fit.free[j] for j in np.flatnonzero(var_u > 100.0)}
    else:
        involved |= set(fit.free)
    return involved


def _unconstrained_information(fit):
    """Minus the Hessian on the optimizer's log/logit scales (chain rule), free parameters."""
    m = len(fit.free)
    d1, d2 = np.ones(m), np.zeros(m)
    for a, i in enumerate(fit.free):
        t = transform_for(fit.constraints[i])
        _, d1[a], d2[a] = t.derivatives(t.to_unconstrained(float(fit.mle[i])))
    return fit.observed_information * np.outer(d1, d1) - np.diag(fit.score * d2)
