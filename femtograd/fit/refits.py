"""A fit made again on other data, many times over (the bootstrap's replicates).

`Refits` fits each draw again with the fit's own method and options, from the original
estimates: the straightforward way. `OnGraph` does the same for draws of the fit's design
(frequency weights of its rows for a nonparametric replicate, a bound generator of the same
design for a parametric one), and when the model is made of sufficient statistics
(`model.statistics`) it does so without a new graph or fit object per replicate: the
log-likelihood graph is built once with the statistics as leaves, each replicate's
statistics are moved in, and Newton runs from the estimates on that graph, judged by the
same verdict as `fit_mle`. It takes the same steps on the same numbers as the
straightforward refit, so the estimates equal it to rounding; a replicate that Newton or the
verdict does not pass is fitted the straightforward way, whose fallbacks and messages decide.
`many(draws)` goes further where the statistics are numbers or moment data: a batch of
draws' statistics become arrays of shape (R,), the tape of the model's structure runs on
them and Newton on every replicate at once (`fit.batched`; from the family's own maximum of
each replicate's statistics where it has one: the same maximum to rounding where Newton from
the estimates reaches it, and under options that stop that Newton early, such as a small
`max_iter`, a replicate whose own maximum the batch confirms passes where the straightforward
refit would stop), each end point judged by the verdict's rule over arrays; resample
weights enter as one matrix, whose statistics the family computes for every replicate at
once (`model.statistics(W)`). A replicate that does not pass there takes the one-graph path
above. `gathered(draws)` gives the same outcomes as one `Outcomes` (indices, an array of
estimates, the failures), which is how the bootstrap collects them: no tuple per replicate.

Both pickle to worker processes: `OnGraph` leaves its graphs behind and builds others there
on first use.
"""

import copy
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from ..core import Value
from ..optim import GraphObjective, newton
from ..optim.result import CONVERGED
from ..optim.stopping import tolerances
from .batched import BATCH, CELLS, Batch, entries
from .common import FIT_ERRORS
from .verdict import verdict


@dataclass
class Outcomes:
    """The outcomes of a chunk of draws, gathered: `ok`, the indices (in the chunk) of the
    draws refitted, with their `estimates` (a row each, every parameter: an array, or a list
    of rows), and `failures`, (index, status, message) of the others. One object per chunk,
    not a tuple per draw: a thousand replicates are gathered in a few array operations."""

    ok: np.ndarray
    estimates: object
    failures: list

    def __len__(self):
        return len(self.ok) + len(self.failures)

    @classmethod
    def of(cls, outcomes):
        """From [(True, estimates) or (False, (status, message))], one per draw."""
        ok = [b for b, (good, _) in enumerate(outcomes) if good]
        return cls(np.array(ok, dtype=np.int64), [outcomes[b][1] for b in ok],
                   [(b, *value) for b, (good, value) in enumerate(outcomes) if not good])

    def as_list(self):
        """[(True, estimates) or (False, (status, message))], one per draw."""
        out = [None] * len(self)
        for b, row in zip(self.ok.tolist(), self.estimates):
            out[b] = (True, row)
        for b, *reason in self.failures:
            out[b] = (False, tuple(reason))
        return out


class Refits:
    """outcome(draw) = (True, estimates) or (False, (status, message)) for the fit of the
    draw (the data of a plain function, or a bound generator) made by `refit`, the fit's own
    `refit(source, start=, fixed=)`, from the estimates `start` with `fixed` held."""

    chunk = 1  # draws per `many` call that a serial run gives (progress after each call)

    def __init__(self, refit, start, fixed):
        self.refit, self.start, self.fixed = refit, start, fixed

    def source(self, draw):
        """What `refit` fits for this draw."""
        return draw

    def fitted(self, draw):
        """The fit of the draw (a fit object with `converged`, `status`, `message`, `mle`)."""
        return self.refit(self.source(draw), start=self.start, fixed=self.fixed)

    def many(self, draws):
        """[outcome(draw) for draw in draws]."""
        return [self(draw) for draw in draws]

    def gathered(self, draws):
        """The draws' outcomes as one `Outcomes`."""
        return Outcomes.of(self.many(draws))

    def __call__(self, draw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # each refit's own warnings: failures are recorded
            try:
                again = self.fitted(draw)
            except FIT_ERRORS as err:
                return False, (type(err).__name__, str(err))
        return (True, again.mle) if again.converged else (False, (again.status, again.message))


class OnGraph(Refits):
    """Refits of draws of `fit.model`'s design: frequency weights of its rows when
    `reweighted`, else bound generators of the same family and design; fast on one graph
    when the model's log-likelihood is its statistics' and the fit used Newton."""

    def __init__(self, fit, start, reweighted=True):
        super().__init__(fit._refit, start, fit.fixed)
        self.model = fit.model
        self.reweighted = reweighted
        self.natural = np.asarray(fit.mle, dtype=float)
        self.free = list(fit._free)
        self._graph = None  # (objective, statistic holders, parameter leaves); False: none
        self._batch = None  # a `Batch`; False: none

    @property
    def chunk(self):
        """Draws per `many` call that a serial run gives (progress after each call): a batch,
        fewer for many rows (at most CELLS replicate × row entries of weights at once)."""
        return max(1, min(BATCH, CELLS // max(1, getattr(self.model, "n", 1))))

    def source(self, draw):
        return self.model.reweighted(draw) if self.reweighted else draw

    def statistics(self, draw):
        """The draw's statistics (None when it has none to move in)."""
        if self.reweighted:
            return self.model.statistics(draw)
        same = type(draw) is type(self.model) and draw.options.keys() == \
            self.model.options.keys() and all(draw.options[k] is v
                                              for k, v in self.model.options.items())
        return draw.statistics() if same else None

    @property
    def fast(self):
        """True when replicates run on one graph (else each is fitted the straightforward way)."""
        if self._graph is None:
            self._graph = self._build()
        return self._graph is not False

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_graph"] = state["_batch"] = None  # graphs do not travel; a worker builds its own
        return state

    def __call__(self, draw):
        found = self._on_graph(draw)
        return super().__call__(draw) if found is None else found

    def many(self, draws):
        """[outcome(draw) for draw in draws] (`gathered`)."""
        return self.gathered(draws).as_list()

    def gathered(self, draws):
        """The draws' outcomes as one `Outcomes`: a batch at a time refitted all at once
        where a `Batch` holds their statistics (numbers, moment data); the rest, and any the
        batch does not pass, one by one (`__call__`)."""
        passed = np.zeros(len(draws), dtype=bool)
        estimates = np.empty((len(draws), len(self.natural)))
        if self._batch is None:
            self._batch = self._build_batch(min(len(draws), BATCH))
        if self._batch:
            batch, (tol, max_step) = self._batch, self._newton_options()
            for i in range(0, len(draws), batch.size):
                todo, columns = self._columns(batch, draws[i:i + batch.size])
                if not todo:
                    continue
                ok, found = batch.refit(columns, len(todo), tol, max_step)
                at = i + np.asarray(todo)[ok]
                passed[at], estimates[at] = True, found[ok]
        failures = []
        for b in np.flatnonzero(~passed).tolist():
            good, value = self(draws[b])
            if good:
                passed[b], estimates[b] = True, value
            else:
                failures.append((b, *value))
        ok = np.flatnonzero(passed)
        return Outcomes(ok, estimates[ok], failures)

    def _columns(self, batch, draws):
        """(indices, columns): which of these draws the batch refits, and their statistics
        as its columns. Resample weights go in as one matrix (`model.statistics` computes
        every replicate's at once); other draws, or weights whose statistics are not all
        defined, replicate by replicate (`Batch.holds`)."""
        if self.reweighted and len(draws) * len(draws[0]) <= CELLS:
            w = np.asarray(draws, dtype=float)  # (a matrix of counts as it is)
            columns = batch.columns(self.model.statistics(w), len(draws))
            if columns is not None:
                return list(range(len(draws))), columns
        stats = [entries(self.statistics(d)) for d in draws]
        todo = [b for b, st in enumerate(stats) if batch.holds(st)]
        return todo, Batch.rows_to_columns([stats[b] for b in todo]) if todo else None

    def _build_batch(self, replicates):
        """A `Batch` of up to `replicates` over the model's statistics, or False: not Newton,
        no statistics, or statistics a batch cannot hold (the one-graph path is built only
        when a replicate needs it)."""
        if self._newton_statistics() is None:
            return False
        return Batch.of(self.model, self.natural, self.free, replicates) or False

    def _newton_options(self):
        """(tolerances, max_step) as fit_mle's Newton takes them from the fit's options."""
        opts = dict(self.refit.options)
        opts.pop("fallback", None)
        max_step = opts.pop("max_step", 10.0)
        return tolerances(opts), max_step

    def _newton_statistics(self):
        """The model's statistics when its refits can run on a graph of them (the fit used
        Newton, the model has statistics), else None."""
        statistics = getattr(self.model, "statistics", None)
        if getattr(self.refit, "method", None) != "newton" or statistics is None:
            return None
        return statistics()

    def _build(self):
        """The graph at the estimates with the statistics as leaves, or False when this fit has
        no such fast path (not Newton, no statistics, or a statistic no leaf can hold)."""
        stats = self._newton_statistics()
        if stats is None:
            return False
        held = tuple(_hold(s) for s in (stats if isinstance(stats, tuple) else (stats,)))
        if any(h is None for h in held):
            return False
        leaves = [Value(float(v)) for v in self.natural]
        with np.errstate(all="ignore"):
            ll = self.model.loglik_from(held if isinstance(stats, tuple) else held[0], *leaves)
        objective = GraphObjective(ll, leaves, self.model.constraints, free=self.free)
        return objective, held, leaves

    def _on_graph(self, draw):
        """The replicate's outcome on the one graph, or None: no graph, or Newton or the
        verdict did not pass it (the straightforward refit then says what happened)."""
        if not self.fast:
            return None
        objective, held, leaves = self._graph
        stats = self.statistics(draw)
        stats = stats if isinstance(stats, tuple) else (stats,)
        if len(stats) != len(held) or not all(map(_move, held, stats)):
            return None
        for leaf, v in zip(leaves, self.natural):  # moved even when equal: the statistics
            leaf.data = float(v)                      # behind them changed
        tol, max_step = self._newton_options()
        with np.errstate(all="ignore"):
            x0 = objective.unconstrained(self.natural)
            result = newton(objective, x0, tol, max_step=max_step)
            if result.status != CONVERGED:
                return None
            # the start's log-likelihood, for the verdict: it tells only which of its
            # objections applies, and an objection sends the replicate the straightforward way
            f0 = result.history[0]
            natural = objective.natural(result.x)
            names, cons = self.model.param_names, self.model.constraints
            if verdict(objective, names, cons, self.free, objective.unconstrained(natural), x0,
                       f0, result.status) is not None:
                return None
        return True, np.array(natural)


def _hold(stat):
    """A holder for a statistic that later replicates' values can be moved into: a leaf for a
    number, a copy of an object that can take another's place (`assign`; never the model's
    own, which the fit's graph reads); else None."""
    if isinstance(stat, numbers.Real) and not isinstance(stat, bool):
        return Value(float(stat))
    if not callable(getattr(stat, "assign", None)):
        return None
    held = copy.copy(stat)
    held.assign(stat)  # its own caches from here on
    return held


def _move(held, stat):
    """Move a replicate's statistic into its holder; False when it does not fit there."""
    if isinstance(held, Value):
        if not isinstance(stat, numbers.Real):
            return False
        held.data = float(stat)
        return True
    if type(stat) is not type(held):
        return False
    held.assign(stat)
    return True
