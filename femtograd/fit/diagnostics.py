"""Diagnostics of a fit: is the optimum a well-defined, interior maximum?"""

import math
from dataclasses import asdict, dataclass

import numpy as np


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
    score = fit.score
    if info.size and np.all(np.isfinite(info)):
        lam = np.linalg.eigvalsh(info)
        pd_ = bool(lam[0] > 1e-12 * max(abs(lam[-1]), 1e-300))
        cond = float(lam[-1] / lam[0]) if pd_ else math.inf
    else:
        lam, pd_, cond = np.array([]), False, math.nan
    boundary = boundary_parameters(fit)
    return Diagnostics(bool(fit.converged), fit.status,
                       float(np.max(np.abs(score))) if score.size else 0.0,
                       [float(v) for v in lam], cond, pd_, boundary)


def boundary_parameters(fit):
    """Free parameters at (or running off to) the edge of their space.

    A parameter is at a boundary when it is within 1e-12 of a finite edge (0, or 1
    for a probability), or when the information is singular in a direction that
    involves it and it has gone far toward an edge (a positive parameter beyond a
    factor e^8 from 1, a probability within 1e-4 of 0 or 1) — how an estimate running
    off to infinity (a negative binomial size, a t df) shows.
    """
    info = fit.observed_information
    involved = set()
    if info.size and np.all(np.isfinite(info)):
        lam, vec = np.linalg.eigh(info)
        top = max(float(np.max(np.abs(lam))), 1e-300)
        for k in np.flatnonzero(lam <= 1e-12 * top):
            involved |= {fit.free[j] for j in np.flatnonzero(np.abs(vec[:, k]) > 0.3)}
    out = []
    for i in fit.free:
        c, v = fit.constraints[i], float(fit.mle[i])
        if c == "positive":
            edge = v < 1e-12 or (i in involved and abs(math.log(v)) > 8)
        elif c == "unit":
            edge = min(v, 1 - v) < 1e-12 or (i in involved and min(v, 1 - v) < 1e-4)
        else:
            edge = False
        if edge:
            out.append(fit.param_names[i])
    return out
