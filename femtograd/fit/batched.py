"""Many replicates of a model made of sufficient statistics, refitted all at once.

A replicate's statistics (`model.statistics(weights)`: counts, sums, means) are one row of
numbers, and moment data (`ExpMomentData`, the Weibull's) one row of rows; resamples' weights
as a matrix give every replicate's at once (`model.statistics(W)`: a column of numbers per
statistic). `Batch` holds `size` replicates' numbers as arrays of shape (size,) and their
moment data as `ExpMomentRows`, and evaluates the tape of the model's structure (`core.tape`:
the log-likelihood of the statistics with its gradient and Hessian in the parameters,
recorded once per structure, as `fit_mle` records it) on them, the parameters arrays of
shape (size,) too: every step is elementwise in the replicates (a function of scalar
parameters and statistics), so entry b of each result is replicate b's log-likelihood,
gradient or Hessian entry. No graph is built per bootstrap; the steps that depend only on the
statistics run once per batch.

Newton then runs on all of them together, each taking the steps `optim.newton` takes on one
(the same direction, cap, Armijo halving, blind step and last step, in the same log/logit
coordinates), and the end points are judged by `fit_mle`'s verdict's rule over arrays
(`verdict.interior`, against the estimates the one-at-a-time refit starts from). Each
replicate starts at its family's own maximum of its statistics where the family solves it
(`model.maximum_from`: the exponential, normal and gamma) and every parameter is free, so
that Newton only confirms it; else at the estimates, as the one-at-a-time refit does. A
replicate that leaves that path (a Hessian that is not negative definite, a line search that
finds no increase, a non-finite point, the iteration limit) or that the verdict does not pass
without probing the log-likelihood elsewhere is handed back unfitted, for the caller to fit on
its own (where `newton`'s fallbacks and the verdict's probes decide).
"""

import inspect
import numbers
from functools import reduce

import numpy as np

from ..core import ExpMomentData
from ..core.moments import ExpMomentRows
from ..core.tape import tape_for
from ..core.tolerances import NEGLIGIBLE, ROUNDING, negligible_decrement
from ..optim.linesearch import backtrack
from ..optim.transforms import transform_for
from .verdict import interior

BATCH = 1024  # replicates per graph: arrays of this length per node, whatever the number asked
CELLS = 1 << 20  # at most this many replicate × row entries of moment data held (8 MB each)
_SEARCH = {k: p.default for k, p in inspect.signature(backtrack).parameters.items()
           if k in ("c1", "shrink", "max_trials")}  # the line search's own rule, one place


def entries(stats):
    """The statistics' entries as a tuple, or None when one is neither a number nor moment
    data (`ExpMomentData`), the two kinds a batch can hold for many replicates."""
    items = stats if isinstance(stats, tuple) else (stats,)
    return items if stats is not None and all(map(_holdable, items)) else None


def _holdable(s):
    return isinstance(s, ExpMomentData) or (isinstance(s, numbers.Real) and not isinstance(s, bool))


class Batch:
    """Up to `replicates` replicates of `model` on the tape of its structure (fewer where
    moment data would hold more than CELLS entries): statistics rows moved in, Newton over
    the parameters `free` from each replicate's own maximum where the family solves it from the
    statistics (`model.maximum_from`), else from the estimates `natural` (every parameter,
    natural scale), against which the verdict judges the end points as one refit's would.
    `Batch.of` makes one, or None when the model's log-likelihood has no tape."""

    @classmethod
    def of(cls, model, natural, free, replicates=BATCH):
        """A batch of `model`'s replicates, or None: no structure (`model.structure`), a
        statistic a batch cannot hold, or a log-likelihood no tape records."""
        structure = model.structure()
        if structure is None or entries(model.statistics()) is None:
            return None
        key, inputs, build = structure
        natural = [float(v) for v in natural]
        tape = tape_for((key, len(natural)), build, natural, inputs)
        return None if tape is None else cls(tape, model, inputs, natural, free, replicates)

    def __init__(self, tape, model, inputs, natural, free, replicates):
        rows = max((s.t.size for s in inputs if isinstance(s, ExpMomentData)), default=1)
        self.size = size = max(1, min(replicates, CELLS // rows))
        self.tape = tape
        self.free = list(free)
        self.constraints = [model.constraints[i] for i in self.free]
        self.spaces = [transform_for(model.constraints[i]) for i in self.free]
        self.natural = np.asarray(natural, dtype=float)
        self.held = [ExpMomentRows(s.t.size, size) if isinstance(s, ExpMomentData)
                     else np.full(size, float(s)) for s in inputs]
        # the tape's positions: the parameters (the fixed ones held at their values), the
        # statistics, then each step's result (`core.tape.Tape`)
        self.values = [np.full(size, v) for v in self.natural] + self.held
        self.values += [None] * (tape.size - len(self.values))
        self.grads = [tape.grads[i] for i in self.free]
        self.hess = [[tape.hess[i][c] for c in self.free] for i in self.free]
        # each replicate starts at the family's own maximum of its statistics where it has one
        # (`model.maximum_from`) and every parameter is free, else at the estimates
        every = len(self.free) == len(self.natural)
        self.maximum = model.maximum_from if every else None
        self.packed = isinstance(model.statistics(), tuple)

    def holds(self, items):
        """Whether a replicate's statistics' entries fit this batch's holders: as many, each
        of the same kind, moment data over as many rows."""
        return items is not None and len(items) == len(self.held) and all(
            isinstance(s, ExpMomentData) and s.t.size == h.t.shape[1]
            if isinstance(h, ExpMomentRows) else not isinstance(s, ExpMomentData)
            for s, h in zip(items, self.held))

    def columns(self, stats, count):
        """The statistics of `count` replicates computed at once (`model.statistics` of a
        weight matrix: numbers as arrays of length `count`, moment data as one object with
        a weight row each) as entries this batch holds, or None when they do not fit."""
        items = stats if isinstance(stats, tuple) else (stats,)
        if stats is None or len(items) != len(self.held) or count > self.size:
            return None
        out = []
        for s, h in zip(items, self.held):
            if isinstance(h, ExpMomentRows):
                if not (isinstance(s, ExpMomentData) and s.t.size == h.t.shape[1] and
                        (s.weights is None or s.weights.shape == (count, s.t.size))):
                    return None
                out.append(s)
            elif isinstance(s, ExpMomentData) or np.ndim(s) > 1 or \
                    np.size(s) not in (1, count):
                return None
            else:
                out.append(np.broadcast_to(np.asarray(s, dtype=float), (count,)))
        return out

    @staticmethod
    def rows_to_columns(rows):
        """Replicates' statistics entries (each `holds`) as columns: an array of each number,
        a list of each replicate's moment data."""
        return [c if isinstance(c[0], ExpMomentData) else np.array(c, dtype=float)
                for c in map(list, zip(*rows))]

    def _load(self, columns, count):
        """Move `count` replicates' statistics in, a column per entry (`columns`,
        `rows_to_columns`), and compute the tape's steps that depend on them alone; the
        batch's replicates beyond them repeat the first."""
        for h, c in zip(self.held, columns):
            if isinstance(h, ExpMomentRows):
                h.load(c)
            else:
                h[:count], h[count:] = c, c[0]
        with np.errstate(all="ignore"):
            self.tape.runs[0](self.values)

    def evaluate(self, x):
        """(f, g, H, value_bad, bad) at optimizer points x (size, m), or one point (1, m) for
        every replicate: the log-likelihoods, gradients and Hessians on the optimizer's scale
        (as `GraphObjective` forms them), where `value_bad` marks a point outside the space or
        with a non-finite log-likelihood, `bad` also one whose derivatives are not finite."""
        m, n = len(self.free), self.size
        d1, d2 = np.empty((n, m)), np.empty((n, m))  # each map's p'(x) and p''(x)
        inside, values, runs = True, self.values, self.tape.runs
        for a, (i, space) in enumerate(zip(self.free, self.spaces)):
            p, d1[:, a], d2[:, a] = space.derivatives_of(x[:, a])
            inside = inside & space.inside(p)
            values[i] = p
        f, g, h = np.empty(n), np.empty((n, m)), np.empty((n, m, m))
        with np.errstate(all="ignore"):
            for run in runs[1:]:  # the value's steps, the gradient's, the Hessian's
                run(values)
            f[:] = values[self.tape.value]  # (a step that does not depend on the replicate
            for a, i in enumerate(self.grads):  # broadcasts)
                for c, entry in enumerate(self.hess[a]):
                    h[:, a, c] = values[entry] * d1[:, a] * d1[:, c]
                h[:, a, a] += values[i] * d2[:, a]
                g[:, a] = values[i] * d1[:, a]
        value_bad = ~inside | ~np.isfinite(f)
        bad = value_bad | ~_rows_all(np.isfinite(g)) | ~_rows_all(np.isfinite(h.reshape(n, -1)))
        f[value_bad] = -np.inf
        return f, g, h, value_bad, bad

    def refit(self, columns, count, tol, max_step):
        """(passed, estimates) for `count` ≤ `size` replicates' statistics, a column per
        entry (`columns`, `rows_to_columns`): `passed[b]` when replicate b reached a maximum
        the verdict accepts on the path `optim.newton` takes, and then `estimates[b]` (every
        parameter, natural scale)."""
        k = count
        self._load(columns, k)
        x0 = np.array([s.to_unconstrained(float(self.natural[i]))
                       for i, s in zip(self.free, self.spaces)])
        x = self._starts(columns, k, x0)
        # (at the estimates for all: the parameters' own steps just once)
        f, g, h, _, bad = self.evaluate(x0[None, :] if x is None else x)
        x = np.tile(x0, (self.size, 1)) if x is None else x
        live = ~bad
        live[k:] = False
        done, blind = np.zeros(self.size, bool), np.zeros(self.size, bool)
        with np.errstate(all="ignore"):
            for _ in range(tol.max_iter):
                run = live & ~done
                if not run.any():
                    break
                x, f, g, h = self._iterate(run, live, done, blind, x, f, g, h, tol, max_step)
        live &= done  # still running after max_iter: not on this path
        natural = np.tile(self.natural, (k, 1))
        passed = live[:k].copy()
        at = slice(k) if passed.all() else np.flatnonzero(passed)  # (a view when all did)
        passed[at] = interior(x[at], x0, f[at], g[at], h[at], self.constraints)
        for a, (i, space) in enumerate(zip(self.free, self.spaces)):
            natural[passed, i] = space.derivatives_of(x[:k][passed, a])[0]
        return passed, natural

    def _starts(self, columns, count, x0):
        """Each replicate's start on the optimizer's scale (size, m): the family's maximum of
        its statistics (`model.maximum_from`) where that lies inside the space, else the
        estimates `x0`; None when the family has no such maximum (every start at `x0`). From
        there Newton has only to confirm it, and the verdict still judges the end point."""
        found = None if self.maximum is None else self.maximum(
            tuple(columns) if self.packed else columns[0])
        if found is None:
            return None
        x = np.empty((self.size, len(x0)))
        with np.errstate(all="ignore"):
            good = reduce(np.logical_and, (s.inside(p) for p, s in zip(found, self.spaces)))
            for a, (i, p, space) in enumerate(zip(self.free, found, self.spaces)):
                inside = np.where(good, p, self.natural[i])  # (each map sees its own space)
                x[:count, a] = np.where(good, space.to_unconstrained_of(inside), x0[a])
        x[count:] = x[0]
        return x

    def _iterate(self, run, live, done, blind, x, f, g, h, tol, max_step):
        """One Newton iteration of the replicates `run` (updating `live`, `done`, `blind`):
        the new (x, f, g, H)."""
        size = np.abs(f)
        d, definite = _directions(g, h)
        live &= definite | ~run
        run = run & definite
        gain = _rows_dot(g, d)
        small = run & (gain <= tol.gtol * tol.gtol * size)
        if small.any():
            negligible = small & (negligible_decrement(gain, size)  # optim.newton's
                                  | _rows_all(np.abs(d) <= NEGLIGIBLE * np.abs(x)))  # rule
            done |= negligible
            last = small & ~negligible    # converged: the last step too, if it does not fall
        else:
            last = small
        rest = run & ~small
        if not (last.any() or rest.any()):  # every one converged where it stands
            return x, f, g, h
        capped = _cap(d, x, max_step, rest)
        if capped is not d:
            d, gain = capped, _rows_dot(g, capped)
        stalled = rest & (gain <= ROUNDING * size)
        done |= stalled & blind            # a second step below rounding: converged there
        blind_try = stalled & ~blind       # below rounding: the derivatives there decide
        search = rest & ~stalled
        blind[search] = False
        once = last | blind_try
        pending = once | search
        t = np.ones(self.size)
        x_new, f_new, g_new, h_new = x.copy(), f.copy(), g.copy(), h.copy()
        for trial in range(_SEARCH["max_trials"]):
            if not pending.any():
                break
            xt = x + d if trial == 0 else x + t[:, None] * d  # (t is 1 at the first trial)
            ft, gt, ht, value_bad, bad = self.evaluate(xt)
            level = once & pending & ~bad & (ft >= f - ROUNDING * size)
            armijo = search & pending & ~value_bad & (ft >= f + _SEARCH["c1"] * t * gain)
            live &= ~(armijo & (bad | ~(ft > f)))  # no increase, or derivatives lost there
            moved = level | (armijo & live)
            for new, at in ((x_new, xt), (f_new, ft), (g_new, gt), (h_new, ht)):
                np.copyto(new, at, where=moved.reshape(-1, *(1,) * (at.ndim - 1)))
            done |= once & pending & (last | ~level)   # a blind step refused: converged
            blind |= blind_try & level
            pending &= ~(once | armijo)
            t[pending] *= _SEARCH["shrink"]
        live &= ~pending  # no step passed: the one-at-a-time path tries steepest ascent
        return x_new, f_new, g_new, h_new


def _directions(g, h):
    """(d, definite): each replicate's Newton direction solving −H d = g, as
    `optim.newton.newton_direction` forms it, and whether −H is positive definite there
    (where it is not, d is meaningless: those replicates leave this path)."""
    n, m = g.shape
    if m == 1:
        a = -h[:, 0, 0]
        return g / a[:, None], a > 0
    if m == 2:
        a, b, c = -h[:, 0, 0], -h[:, 0, 1], -h[:, 1, 1]
        det = a * c - b * b
        d = np.empty((n, 2))
        d[:, 0] = (c * g[:, 0] - b * g[:, 1]) / det
        d[:, 1] = (a * g[:, 1] - b * g[:, 0]) / det
        return d, (a > 0) & (det > 0)
    definite = np.all(np.isfinite(h), axis=(1, 2))
    safe = np.where(definite[:, None, None], -h, np.eye(m))
    definite &= np.linalg.eigvalsh(safe)[:, 0] > 0
    safe = np.where(definite[:, None, None], safe, np.eye(m))
    return np.linalg.solve(safe, g[:, :, None])[:, :, 0], definite


def _cap(d, x, max_step, rows):
    """d with each of its `rows` shortened so that no coordinate moves more than
    max_step·(1 + |x|), as `optim.newton.cap_step` does for one."""
    ratio = _rows_max(np.abs(d) / (max_step * (1.0 + np.abs(x))))
    over = rows & (ratio > 1.0)
    return np.where(over[:, None], d / ratio[:, None], d) if over.any() else d


def _rows_dot(a, b):
    """Each row's a·b for (B, m) arrays of a few columns, folded column by column (as
    `_rows_all`)."""
    return reduce(np.add, (a * b).T)


def _rows_all(c):
    """c.all(axis=1) for a (B, m) array of a few columns, folded column by column: numpy
    reduces a short last axis about ten times slower."""
    return reduce(np.logical_and, c.T)


def _rows_max(a):
    """a.max(axis=1) (NaN propagates) for a (B, m) array of a few columns, folded (as
    `_rows_all`)."""
    return reduce(np.maximum, a.T)
