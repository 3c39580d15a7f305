"""The verdict on an optimizer's end point: is it a maximum, and if not, why not?

An optimizer's "converged" means that its own rule was met. A fit's means more: the
log-likelihood has a maximum there. The verdict looks at the end point on the
optimizer's (log/logit) scale with the exact Hessian and judges from the
log-likelihood itself, never from magnitudes of parameters (those are units):

- the Newton decrement gᵀ(−H)⁻¹g must be small beside the log-likelihood's size,
  with −H positive definite and not singular to rounding (`_inflated`); else the end is
  "not_stationary" or has a flat direction;
- no positive or unit parameter may be flat: moving it by a factor e, with the others
  re-fitted, must change the log-likelihood by more than PROFILE of its size (a genuine
  but poorly determined maximum, such as a Weibull scale of 6e21 from 10 failures among
  4,072 suspensions, changes it by 2e-5). A flat one that the Newton step still pushes
  on, or that ran far from the start, is a supremum at an edge or at infinity
  ("boundary": a negative binomial size of under-dispersed counts); else "flat";
- along a singular direction of the information the log-likelihood is probed: rising
  somewhere (or having risen all the way from the start to a plateau) is "boundary",
  level is "flat" (zero total weight, rows that carry no information, a parameter that
  does not enter);
- a run that stopped without converging is probed along its ascent directions, so that
  a log-likelihood rising without end (a linear log-likelihood, a separated regression,
  every row censored) is reported as such rather than as "max_iterations".

`interior` applies the same rule to many end points at once (a bootstrap's replicates), as
far as arithmetic at the end point settles it: the predicates below (`_flat_coordinate`,
`_running_off`, `_stationary`) take floats or arrays alike, so one fit and a batch are
judged by the same lines.
"""

import math

import numpy as np

from ..core.cholesky import inverse_factor, stacked_inverse_factors
from ..optim.newton import newton_direction
from ..optim.result import BOUNDARY, CONVERGED, FLAT, NON_FINITE, NOT_STATIONARY
from ..optim.stopping import ROUNDING
from ..distributions.spaces import Space

STATIONARY = 1e-8   # decrement ≤ STATIONARY·size: stationary (Newton leaves ≤ 1e-18, BFGS more)
PROFILE = 1e-7      # a factor e in a parameter moves the log-likelihood by < PROFILE·size: flat
STEP = 1e-3         # a Newton step beyond STEP on a flat log/logit coordinate: still rising
SINGULAR = 1e-12    # scaled-information eigenvalue below which a direction counts as flat
INVOLVED = 0.3      # a parameter is named when its share of a direction is at least this
MOVING = 1e-6       # a Newton step beyond MOVING·travel on a real coordinate: still moving
FALL = 0.25         # a maximum falls by ½ one SE beyond; by less than FALL: not a maximum there
FAR = 10.0          # a run that stops still climbing after moving a positive or unit parameter
#                     by e^FAR (on its log/logit scale) from the start has run off to an edge


LINK_SCALE = "link"
"""A constraint kind for a coordinate that is no parameter itself but, like a positive or
unit parameter's log or logit, has no units: a regression coefficient on a log or logit link
per standard deviation of its covariate. It is judged as those are; its edges are ±∞."""


def verdict(objective, names, constraints, free, x, x0, f0, status, basis=None):
    """None when the end point `x` (optimizer's scale, over the `free` parameters) is an
    interior maximum, else (status, message, names of the parameters concerned). `x0`,
    `f0`: the start and its log-likelihood; `status`: the optimizer's.

    `basis`, an invertible matrix B, names directions in other coordinates than the ones
    judged: a direction v is reported as B·v, whose i-th coordinate is the i-th name (a
    regression judged over standardized coefficients, whose intercept moves with every
    other coefficient, names the coefficients themselves)."""
    x = np.asarray(x, dtype=float)
    f, g, h = objective.value_grad_hess(x)
    cons = [constraints[i] for i in free]
    free = _Names([names[i] for i in free], basis)
    if not math.isfinite(f):  # (the optimizers never end there; a user's objective might)
        if status == NON_FINITE:  # the derivatives overflowed where the values still rose
            return _far_by_values(objective.value(x), x, x0, f0, free, cons)
        return None if status != CONVERGED else (
            NON_FINITE, "the log-likelihood or its derivatives are not finite where the "
                        "optimizer stopped", ())
    size = abs(f)
    info = -np.asarray(h, dtype=float)
    factor = inverse_factor(info)  # (−H = L·Lᵀ) L⁻¹, or None where −H is not positive definite
    if status not in (CONVERGED, FLAT):
        return _stopped_early(objective, x, x0, f, f0, g, info, factor, size, free, cons, status)
    if factor is None or status == FLAT:
        return _flat(objective, x, x0, f, f0, g, info, size, free, cons)
    d = _solve(factor, g)  # the Newton step, which both judgements below read
    return (_flat_coordinates(objective, x, x0, f, f0, g, factor, info, size, free, cons, d)
            or _not_stationary(objective, x, x0, f, f0, g, info, factor, size, free, cons, d))


def _stopped_early(objective, x, x0, f, f0, g, info, factor, size, free, cons, status):
    """A run that stopped without converging: "boundary" when the log-likelihood is still
    rising without end or levels out only at an edge; else None (its status stands)."""
    found = _still_rising(objective, x, x0, f, g, info, size, free, cons)
    if status == NON_FINITE:  # derivatives overflowed nearby: trust values only
        far = _far(x, x0, f, f0, size, cons)
        return found if far is None else _boundary(far, info, free, cons, f)
    if found is None and factor is not None:
        found = _flat_coordinates(objective, x, x0, f, f0, g, factor, info, size, free, cons)
    if found is None or found[0] != BOUNDARY:
        found = _plateau(x, x0, f, f0, info, factor, size, free, cons)
    return found


def _not_stationary(objective, x, x0, f, f0, g, info, factor, size, free, cons, d):
    """None when the Newton decrement is small beside the log-likelihood; else "boundary"
    when the run rose to where it rises without end or to a plateau it cannot leave, and
    "not_stationary" when a Newton step would still go up (`d`: the Newton step, `_solve`)."""
    decrement = float(np.dot(g, d))
    if _stationary(decrement, size):
        return None
    found = _still_rising(objective, x, x0, f, g, info, size, free, cons)
    far = _far(x, x0, f, f0, size, cons)
    if found is not None or far is not None:
        return found or _boundary(far, info, free, cons, f)
    travel = x - np.asarray(x0, dtype=float)
    if f > f0 + ROUNDING * size and np.any(travel != 0) and \
            not objective.value(x + d) > f + ROUNDING * size:
        return _boundary(travel, info, free, cons, f)
    return (NOT_STATIONARY,
            f"the optimizer's rule was met, but the Newton decrement there ({decrement:.3g}) "
            f"is not small beside the log-likelihood ({f:.6g}): not a maximum (its "
            "tolerance has the data's units; method='newton' has none)", ())


def _plateau(x, x0, f, f0, info, factor, size, free, cons):
    """A run that rose from its start and stopped still climbing, either a factor e^FAR
    away on a log/logit scale, where the information is singular, or at a log-likelihood
    of 0 to rounding (every censored row certain): the log-likelihood levels out only at
    an edge or at infinity along the way the run went — "boundary" that way; else None."""
    travel = x - np.asarray(x0, dtype=float)
    if not (f > f0 + ROUNDING * size and np.any(travel != 0) and np.all(np.isfinite(info))):
        return None
    far = _far(x, x0, f, f0, size, cons)
    if far is not None:
        return _boundary(far, info, free, cons, f)
    lam = np.abs(np.linalg.eigvalsh(_scaled(info)))
    # nearly singular, not merely indefinite: a run stopped early far from a maximum often
    # ends where −H is indefinite, which says nothing about an edge
    singular = float(np.min(lam)) <= SINGULAR * float(np.max(lam))
    if not singular and abs(f) > ROUNDING * abs(f0):  # (climbed to 0: all rows certain)
        return None
    return _boundary(travel, info, free, cons, f)


def _far(x, x0, f, f0, size, cons):
    """For a run that ended badly (not stationary, flat or still climbing): the part of its
    travel along positive or unit parameters that moved a factor e^FAR or more from the
    start while the log-likelihood rose — how an estimate running off to an edge ends
    where rounding hides the rest of the rise; None if there is none."""
    travel = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    far = [i for i, c in enumerate(cons) if c != "real" and abs(travel[i]) >= FAR]
    if not far or not f > f0 + ROUNDING * size:
        return None
    v = np.zeros(len(travel))
    v[far] = travel[far]
    return v


def _falls_beyond(objective, x, f, v, info):
    """Does the log-likelihood fall beyond `x` along `v` as a maximum's does? One standard
    error on (1/√(vᵀ(−H)v) along v), its quadratic model falls by ½: a maximum falls by at
    least FALL of that, a supremum at an edge or at infinity rises or stays level (or leaves
    the space: a non-finite value). The fall is in the log-likelihood's own units, far above
    the rounding of terms that can be 1e9 times their sum where a run went far."""
    u = np.asarray(v, dtype=float) / float(np.max(np.abs(v)))
    curvature = float(u @ info @ u)
    if not curvature > 0:
        return False
    ft = objective.value(x + u / math.sqrt(curvature))
    return math.isfinite(ft) and ft < f - FALL


def _far_by_values(f, x, x0, f0, free, cons):
    """A run whose derivatives overflowed at its end point, judged by its log-likelihood `f`
    there alone: "boundary" when it rose while a positive or unit parameter moved a factor
    e^FAR or more (`_far`: a Student t's df running off to infinity on nearly normal data),
    else None (the optimizer's status stands)."""
    far = _far(x, x0, f, f0, abs(f), cons) if math.isfinite(f) else None
    if far is None:
        return None
    return _boundary(far, np.full((len(x), len(x)), np.nan), free, cons, f)


def _solve(factor, b):
    """(−H)⁻¹·b = L⁻ᵀ(L⁻¹·b): in two halves, so that a tiny information (every row certain,
    a log-likelihood of 1e-311) gives the finite step the halves do, not ∞·0 from (−H)⁻¹."""
    return factor.T @ (factor @ b)


def _flat_coordinates(objective, x, x0, f, f0, g, factor, info, size, free, cons, d=None):
    """None when every coordinate is determined; `_flat`'s verdict where −H is singular to
    rounding (`_inflated`); else "boundary" for the numerically flat
    coordinates the Newton step `d` (default `_solve(factor, g)`) still pushes on (toward
    where it pushes) or that ran off from the start, when one of them is flat on its own (its
    curvature alone) or the log-likelihood does not fall beyond as a maximum's does
    (`_falls_beyond`); "flat" otherwise: coefficients of two nearly collinear covariates, 900
    per-SD units out with SEs of 400, ran far too and are flat together, each well curved
    alone, and fall beyond: a maximum the data barely determine, not a run to infinity."""
    x0 = np.asarray(x0, dtype=float)
    cov = factor.T @ factor
    if any(_inflated(float(cov[i, i]), float(info[i, i])) for i in range(len(x))):
        return _flat(objective, x, x0, f, f0, g, info, size, free, cons)
    d = _solve(factor, g) if d is None else d
    flat = [i for i, c in enumerate(cons) if _flat_coordinate(c, float(cov[i, i]), size)]
    rising = [i for i in flat if g[i] * d[i] > 0 and abs(d[i]) > STEP]
    ran = [i for i, c in enumerate(cons) if c == "real" and _running_off(
        float(x[i]), float(x0[i]), float(cov[i, i]), float(d[i]), size)]
    if not flat and not rising and not ran:
        return None
    if rising or ran:
        v = np.zeros(len(x))
        if rising:  # the Newton step over every flat coordinate: the way it still climbs (a
            v[flat] = d[flat]  # negative binomial's size → ∞ with prob → 1, not one of them)
        v[ran] = x[ran] - x0[ran]
        return _boundary(v, info, free, cons, f)
    far = _far(x, x0, f, f0, size, cons)
    if far is not None and (any(far[i] != 0 and _flat_coordinate(cons[i], 1.0 / info[i, i], size)
                                for i in flat)
                            or not _falls_beyond(objective, x, f, far, info)):
        return _boundary(far, info, free, cons, f)
    return _level(sorted({j for i in flat for j in _involved(np.eye(len(x))[i], info, free)}),
                  free)


def interior(x, x0, f, g, h, constraints):
    """For B end points of converged runs at once (x, g: (B, m) on the optimizer's scale over
    the free parameters, whose `constraints` these are; x0: the point a
    refit's verdict measures "running off" from (the start of one refit; the estimates for a
    batch whose replicates start elsewhere), (m,) or (B, m); f:
    (B,); h: (B, m, m)), whether `verdict` finds each an interior maximum without probing
    the log-likelihood elsewhere: finite, −H positive definite, no numerically flat
    coordinate, no real coordinate running off, a small Newton decrement. False is no
    verdict: that end point is judged on its own by `verdict` (which probes, and names
    what it finds). −H's factor per end point is the one `verdict` computes for it
    (`core.cholesky.stacked_inverse_factors`: the same arithmetic up to SMALL parameters,
    LAPACK beyond)."""
    x, g, h = (np.asarray(v, dtype=float) for v in (x, g, h))
    f = np.asarray(f, dtype=float)
    size = np.abs(f)
    factor, ok = stacked_inverse_factors(-h)
    d = np.einsum("bki,bk->bi", factor, np.einsum("bij,bj->bi", factor, g))  # as `_solve`
    var = np.einsum("bki,bki->bi", factor, factor)  # the diagonal of factorᵀ·factor
    start = np.broadcast_to(np.asarray(x0, dtype=float), x.shape)
    ok &= np.isfinite(f)
    with np.errstate(all="ignore"):
        ok &= ~np.any(_inflated(var, -np.diagonal(h, axis1=1, axis2=2)), axis=1)
        for i, c in enumerate(constraints):
            ok &= ~_flat_coordinate(c, var[:, i], size)
            if c == "real":
                ok &= ~_running_off(x[:, i], start[:, i], var[:, i], d[:, i], size)
        ok &= _stationary(np.einsum("bi,bi->b", g, d), size)
    return ok


def _inflated(var, curvature):
    """A coordinate whose variance (its entry of (−H)⁻¹) is 1/SINGULAR times or more the
    inverse of its own curvature (its entry of −H): −H, though positive definite, is singular
    to rounding along a direction through it, and the sign of its curvature there is the
    rounding of −H's entries, no evidence of a maximum (a gamma of identical rows at shape
    1e15, whose log-likelihood's terms are 1e16 times their sum). Floats or arrays."""
    return var * curvature >= 1.0 / SINGULAR


def _stationary(decrement, size):
    """The Newton decrement is small beside the log-likelihood's size (floats or arrays)."""
    return decrement <= STATIONARY * size


def _flat_coordinate(constraint, var, size):
    """A positive or unit coordinate whose profile log-likelihood changes by less than
    PROFILE·size when the parameter moves by a factor e (1 on its log/logit scale, the
    others re-fitted), though −H is positive definite (`var`: its entry of (−H)⁻¹): the
    data do not determine it. (A real parameter has no such unit-free move: its flat
    directions show as singular information or as a run that does not converge.) Floats
    or arrays."""
    return (constraint != "real") & (0.5 <= PROFILE * size * var)


def _running_off(x, x0, var, d, size):
    """A real coordinate that ran off: the run moved it by at least half its final value,
    yet its profile log-likelihood changes by less than PROFILE·size over that distance
    and over its value, and the Newton step `d` from the end still moves it by more than
    MOVING of that distance — a location running off to ±infinity where the
    log-likelihood levels out (a truncated sample whose window the family fits best in its
    tail). (A real estimate near 0 by chance, whether the start was at the estimate or at
    0 with many rows or parameters making PROFILE·size large, is not one: there the
    Newton step has shrunk to rounding.) Floats or arrays."""
    half, travel = 0.5 * abs(x), abs(x - x0)
    return (0 < half) & (half <= travel) & (0.5 * travel * travel <= PROFILE * size * var) & \
        np.logical_not(abs(d) <= MOVING * travel)


def _flat(objective, x, x0, f, f0, g, info, size, free, cons):
    """A singular information: having run off far while rising (`_far`), rising along a flat
    direction or along the way the run went, or having risen along a flat direction to a
    plateau, is a boundary; level everywhere is flat. A run that went far is judged by its
    travel first: out there the log-likelihood's terms can be far larger than their sum (a
    gamma of identical rows at shape 1e11), and the rounding of their values, not a rise,
    would decide which way a flat direction seems to climb."""
    far = _far(x, x0, f, f0, size, cons)
    if far is not None:
        return _boundary(far, info, free, cons, f)
    directions = []
    if np.all(np.isfinite(info)):
        lam, vec = np.linalg.eigh(_scaled(info))
        top = max(float(np.max(np.abs(lam))), 0.0)
        sc = _scales(info)
        directions = [vec[:, k] / sc for k in range(len(lam)) if lam[k] <= SINGULAR * top]
    travel = np.asarray(x, dtype=float) - np.asarray(x0, dtype=float)
    if f > f0 + ROUNDING * size and np.any(travel != 0):
        directions.insert(0, travel)  # the run rose from the start and ends on a plateau
    for v in directions:
        for sign in (1.0, -1.0):
            for t in (1.0, 10.0, 100.0):
                ft = objective.value(x + sign * t * v)
                if math.isfinite(ft) and ft > f + ROUNDING * size:
                    return _boundary(sign * v, info, free, cons, f)
    found = _still_rising(objective, x, x0, f, g, info, size, free, cons)
    if found is not None:
        return found
    rose = bool(directions) and directions[0] is travel
    flat = directions[1:] if rose else directions
    involved = sorted({i for v in flat for i in _involved(v, info, free)}) or \
        list(range(len(free)))
    if rose and set(involved) & set(_involved(travel, info, free)):
        return _boundary(travel, info, free, cons, f)  # rose along it to a plateau
    return _level(involved, free)


def _level(involved, free):
    who = ", ".join(free[i] for i in involved)
    return (FLAT, f"the log-likelihood is flat (level) along {who}: the data do not "
                  f"determine {'it' if len(involved) == 1 else 'them'} (zero total weight, "
                  "rows that carry no information, a parameter that does not enter, or "
                  "parameters the data barely tell apart, as nearly collinear covariates)",
            tuple(free[i] for i in involved))


def _still_rising(objective, x, x0, f, g, info, size, free, cons):
    """"boundary" when the log-likelihood keeps rising far beyond the end point along the
    way the run went, its gradient or its Newton direction; else None."""
    g = np.asarray(g, dtype=float)
    reach = max(float(np.max(np.abs(x))), 1.0)
    d, _ = newton_direction(g, -info)
    ascent = [x - np.asarray(x0, dtype=float), d]
    if np.any(g != 0):
        ascent.insert(1, g / float(np.max(np.abs(g))) * reach)
    for v in ascent:
        if np.all(np.isfinite(v)) and np.any(v != 0) and \
                _rises_without_end(objective, x, f, v, size):
            return _boundary(v, info, free, cons, f)
    return None


def _rises_without_end(objective, x, f, v, size):
    """Whether the log-likelihood rises from x along v and keeps rising (never falls) at
    10, 100, ... 1e6 times that distance, until the edge of the space (a non-finite
    value) — at least three rungs must be seen."""
    last, seen = f + ROUNDING * size, 0
    for t in (1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6):
        ft = objective.value(x + t * v)
        if not math.isfinite(ft):
            break
        if ft < last or (seen == 0 and ft == last):
            return False
        last, seen = ft, seen + 1
    return seen >= 3


def _boundary(v, info, free, cons, f):
    involved = _involved(v, info, free)
    v = free.shown(v)
    where = ", ".join(f"{free[i]} → {_edge(cons[i], v[i])}" for i in involved)
    return (BOUNDARY, f"the log-likelihood ({f:.6g}) still increases as {where}: no maximum "
                      "inside the parameter space (the edge of the parameter space or "
                      "infinity is approached)", tuple(free[i] for i in involved))


def _edge(constraint, component):
    up = component > 0
    if isinstance(constraint, Space):  # bounded(lo, hi): the end it runs to, by its value
        return f"{constraint.upper if up else constraint.lower:g}"
    return {"positive": ("∞", "0"), "unit": ("1", "0"),
            LINK_SCALE: ("+∞", "−∞")}.get(constraint, ("+∞", "−∞"))[
        0 if up else 1]


class _Names(list):
    """The free parameters' names, with the basis (or None) their directions are shown in."""

    def __init__(self, names, basis):
        super().__init__(names)
        self.basis = None if basis is None else np.asarray(basis, dtype=float)
        self.back = None if basis is None else np.linalg.inv(self.basis)

    def shown(self, v):
        """Direction v as reported: B·v."""
        return v if self.basis is None else self.basis @ np.asarray(v, dtype=float)

    def information(self, info):
        """The information over the reported coordinates: B⁻ᵀ info B⁻¹."""
        return info if self.basis is None else self.back.T @ info @ self.back


def _involved(v, info, free):
    """Indices of the coordinates that carry at least INVOLVED of direction v as reported
    (`_Names.shown`), each measured in its own units (scaled by the information's diagonal
    there where that is positive)."""
    v, info = free.shown(v), free.information(info)
    w = np.abs(np.asarray(v, dtype=float)) * _scales(info)
    top = float(np.max(w)) if w.size else 0.0
    if not top > 0:
        return list(range(len(w)))
    return [i for i in range(len(w)) if w[i] >= INVOLVED * top]


def _scales(info):
    """√diag(info) where positive and finite, else 1 (a coordinate with no curvature)."""
    dg = np.diag(info).astype(float)
    ok = np.isfinite(dg) & (dg > 0)
    return np.where(ok, np.sqrt(np.where(ok, dg, 1.0)), 1.0)


def _scaled(info):
    sc = _scales(info)
    return info / np.outer(sc, sc)
