"""Diagnostics of a fit: is the optimum a well-defined, interior maximum?

The verdict itself is `verdict.verdict` (run by fit_mle); this module reports it."""

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..optim.result import BOUNDARY
from ..optim.stopping import max_abs
from .covariance import correlation_scaled


@dataclass
class Diagnostics:
    converged: bool
    status: str
    gradient_norm: float          # max |score| at the MLE (natural scale)
    eigenvalues: list             # of the observed information, ascending
    condition_number: float
    positive_definite: bool
    at_boundary: list             # parameters along which the log-likelihood still rises

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
    info = fit.observed_information.to_numpy()
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
    """Free parameters along which the log-likelihood has no maximum inside the space (it
    still rises toward an edge or toward infinity), as the fit's verdict found them."""
    return list(fit._optim.edge) if fit.status == BOUNDARY else []
