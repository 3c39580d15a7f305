"""Can the standard errors be trusted? One boolean with its reasons (R's `se_reliable`).

Standard errors come from the curvature at the optimum; they mean something only when
the optimizer stopped at an interior maximum whose information matrix is positive
definite and not so ill-conditioned that inverting it loses most of the digits. Each
check is scale-free: the condition number is that of the correlation-scaled information
(the units of the parameters do not change it).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ..optim.result import BOUNDARY
from .covariance import correlation_scaled, information_problem
from .diagnostics import boundary_parameters

MAX_CONDITION = 1e8  # inverting loses about log10(condition) of the 16 significant digits


@dataclass
class SEReliability:
    """`reliable` is True when every check passes; `reasons` says in words why not.

    `checks` maps each check (converged, positive_definite, well_conditioned, interior,
    finite_se) to whether it passed (interior: None when not judged, the optimizer having
    stopped short of a stationary point); `condition_number` is that of the correlation-scaled
    observed information (inf when it is not positive definite). Truthy as `reliable`.
    """

    reliable: bool
    reasons: list = field(default_factory=list)
    checks: dict = field(default_factory=dict)
    condition_number: float = math.nan

    def __bool__(self):
        return self.reliable

    def __str__(self):
        if self.reliable:
            return (f"standard errors reliable (condition number "
                    f"{self.condition_number:.3g})")
        return "standard errors NOT reliable:\n" + "\n".join(f"- {r}" for r in self.reasons)


def se_reliability(fit, max_condition=None):
    """The checks behind `fit.se_reliable()`: convergence, a positive definite and
    well-conditioned information (condition number at most `max_condition`, default
    `MAX_CONDITION`), an interior estimate and finite positive SEs."""
    if max_condition is None:
        max_condition = MAX_CONDITION
    if not (isinstance(max_condition, (int, float)) and 1 < max_condition <= math.inf):
        raise ValueError(f"max_condition must be a number > 1; got {max_condition!r}")
    reasons, checks = [], {}
    checks["converged"] = bool(fit.converged)
    if not checks["converged"]:
        reasons.append(f"the optimizer did not converge ({fit.status}): {fit.message}")
    info, names = fit.observed_information.to_numpy(), list(fit.free_names)
    problem = information_problem(info, names)
    checks["positive_definite"] = problem is None
    if problem is not None:
        reasons.append(problem)
        cond = math.inf
    else:
        lam = np.linalg.eigvalsh(correlation_scaled(info)[1])
        cond = float(lam[-1] / lam[0])
    checks["well_conditioned"] = cond <= max_condition
    if checks["positive_definite"] and not checks["well_conditioned"]:
        reasons.append(f"the information is ill-conditioned (condition number {cond:.3g} > "
                       f"{max_condition:.3g}): nearly unidentified parameters")
    judged = np.all(np.isfinite(info)) and (fit.converged or fit.status == BOUNDARY)
    edge = boundary_parameters(fit) if judged else []
    checks["interior"] = not edge if judged else None
    if edge:
        reasons.append(f"estimates at the edge of the parameter space: {edge}; the "
                       "normal approximation behind standard errors does not hold there")
    se = np.asarray(fit.se, dtype=float)[fit._free]
    checks["finite_se"] = bool(np.all(np.isfinite(se)) and np.all(se > 0))
    if not checks["finite_se"]:
        bad = [n for n, s in zip(names, se) if not (math.isfinite(s) and s > 0)]
        reasons.append(f"standard errors not finite and positive for {bad}")
    return SEReliability(not reasons, reasons, checks, cond)
