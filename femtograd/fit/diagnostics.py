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
    boundary = []
    for i in fit.free:
        v, c = float(fit.mle[i]), fit.constraints[i]
        if (c == "positive" and v < 1e-8) or (c == "unit" and min(v, 1 - v) < 1e-8):
            boundary.append(fit.param_names[i])
    return Diagnostics(bool(fit.converged), fit.status,
                       float(np.max(np.abs(score))) if score.size else 0.0,
                       [float(v) for v in lam], cond, pd_, boundary)
