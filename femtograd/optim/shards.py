"""Objectives summed over parts of the rows: blocks of a per-row graph, shards, Dask chunks.

A log-likelihood, its gradient and its Hessian are sums over rows. `RowPart` evaluates one
run of rows of a bound generator to (loglik, gradient, Hessian); `SumObjective` adds the
parts' results in part order with `math.fsum`, so one cutting of the rows gives one answer
wherever the parts are evaluated (in this process, or on Dask workers through `run`).
"""

import math
import threading

import numpy as np

from ..core import Value
from ..distributions.blocks import BLOCK_ROWS, needs_blocks, row_pieces
from .objective import GraphObjective
from .transforms import transform_for

# the core builds derivative graphs through module-level state (its sharing table and
# template record): parts evaluated in threads of one process build one at a time
_BUILD = threading.Lock()


class RowPart:
    """One run of rows of a bound generator `gen`, evaluated at natural-scale parameters.

    When `gen` evaluates more than `block_rows` rows one by one, its rows are cut into pieces
    (`row_pieces`): the rows its sufficient statistics hold stay one generator whose graph is
    built once, and the others are cut into blocks of one kind of row, each bound, built and
    evaluated when its turn comes and then dropped, so memory holds the rows and one block's
    graph (the derivative structure is recorded once by the core and replayed). Otherwise the
    graph is built once, at the first evaluation, and re-run.
    """

    def __init__(self, gen, block_rows=BLOCK_ROWS):
        self.nobs = float(gen.nobs)
        self.gen = gen
        self.blocks = None
        if needs_blocks(gen, block_rows):
            self.blocks = row_pieces(gen, block_rows)
        self._kept = {}
        self._last = None  # (natural, (loglik, gradient, Hessian)) of the last pass in blocks

    def evaluate(self, natural, order):
        """(loglik, gradient (p,) or None, Hessian (p, p) or None) at `natural`, up to
        derivative `order`, over every parameter.

        In blocks, a pass rebuilds every block's graph, so it computes every order at once and
        keeps the result: the optimizers ask for the derivatives where they last asked for the
        value (at an accepted step), and that second pass would rebuild them all again."""
        if self.blocks is None:
            return _evaluate(self._graph(None, lambda: self.gen, natural), natural, order)
        natural = tuple(float(v) for v in natural)
        if self._last is None or self._last[0] != natural:
            self._last = (natural, add([
                _evaluate(self._graph(i, bind, natural) if kept else _graph(bind(), natural),
                          natural, 2)
                for i, (kept, bind) in enumerate(self.blocks)], 2))
        f, g, h = self._last[1]  # copies: the caller may change what it is given
        return f, (None if g is None or order < 1 else g.copy()), \
            (None if h is None or order < 2 else h.copy())

    def _graph(self, key, bind, natural):
        """The graph kept under `key`, built at the first evaluation."""
        graph = self._kept.get(key)
        if graph is None:
            graph = self._kept[key] = _graph(bind(), natural)
        return graph


def _graph(gen, natural):
    """The generator's log-likelihood graph at `natural`, as an objective over every parameter."""
    leaves = [Value(float(v), name=n) for v, n in zip(natural, gen.param_names)]
    with _BUILD, np.errstate(all="ignore"):
        return GraphObjective(gen(*leaves), leaves, type(gen).constraints)


def _evaluate(objective, natural, order):
    if order >= 1 and objective._shared["grads"] is None:
        with _BUILD:
            objective.grads  # build the derivative nodes (under the lock)
    return objective.evaluate(natural, order)


def add(results, order):
    """The sum of (loglik, gradient, Hessian) results, in their order, each entry by
    `math.fsum` (exact rounding, so the sum does not depend on how the terms fall); an
    infinite log-likelihood of either sign, or opposite infinities, give -inf or NaN."""
    fs = [r[0] for r in results]
    try:
        f = math.fsum(fs)
    except ValueError:  # -inf + inf
        f = math.nan
    if order < 1 or not math.isfinite(f):
        return f, None, None
    g = fsum_arrays([r[1] for r in results])
    h = fsum_arrays([r[2] for r in results]) if order >= 2 else None
    return f, g, h


def fsum_arrays(arrays):
    """The elementwise sum of equal-shaped arrays by `math.fsum` (in their order when an
    entry is not finite)."""
    stacked = np.stack([np.asarray(a, dtype=float) for a in arrays])
    out = np.empty(stacked.shape[1:])
    for idx in np.ndindex(out.shape):
        column = stacked[(slice(None),) + idx]
        out[idx] = math.fsum(column) if np.all(np.isfinite(column)) else float(np.sum(column))
    return out


class SumObjective(GraphObjective):
    """The optimizers' objective over a sum of parts: `run(natural, order)` returns each part's
    (loglik, gradient, Hessian) in part order (parts in memory, or on Dask workers).

    It has a GraphObjective's surface (value, value_grad, value_grad_hess, evaluate, natural,
    unconstrained, with_free); its leaves only hold the current point.
    """

    def __init__(self, run, names, constraints, values, free=None, transform=True):
        self.ll = None
        self.leaves = [Value(float(v), name=n) for v, n in zip(values, names)]
        self.transforms = [transform_for(c) for c in constraints]
        self._shared = {"run": run, "last": None}
        self._set_free(range(len(self.leaves)) if free is None else free, transform)

    def with_free(self, free, transform=None):
        view = object.__new__(SumObjective)
        view.ll, view.leaves, view.transforms, view._shared = \
            self.ll, self.leaves, self.transforms, self._shared
        view._set_free(free, self.transform if transform is None else transform)
        return view

    def _read(self, natural, order):
        """(f, g, h) as in GraphObjective._read: the parts' sums, the latest remembered."""
        natural = tuple(float(v) for v in natural)
        self.set_natural(natural)
        last = self._shared["last"]
        if last is not None and last[0] == natural and last[1] >= order:
            return last[2]
        f, g, h = add(self._shared["run"](natural, order), order)
        out = (f, None if g is None else list(map(float, g)),
               None if h is None else [list(map(float, row)) for row in h])
        self._shared["last"] = (natural, order, out)
        return out


def in_memory(parts):
    """A `run` over parts held here: each part's result, in order."""
    def run(natural, order):
        return [p.evaluate(natural, order) for p in parts]
    return run
