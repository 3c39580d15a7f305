"""A regression whose rows lie in parts (Dask partitions), each bound once where it lies.

A `RegressionPart` binds the family to its rows (validating response, censoring, weights
and truncation) and builds its design matrices with the fit's columns: a formula's columns
come from one spec for every part (its factor levels learned beforehand), so every part has
the same columns. The driver standardizes the designs from the parts' column sums
(`standardize.Scaling`); then each optimizer pass sends the standardized coefficients and
gets each part's (loglik, gradient, Hessian) back, and `PartsObjective` adds them in part
order with `math.fsum`. A step that changes a part returns a new part (Dask may copy a part
between workers); only caches are kept in place.
"""

import copy

import numpy as np
import pandas as pd

from ..distributions.blocks import global_rows
from ..optim.shards import RowPart, add, fsum_arrays
from .design import Design, array_design, as_matrix, formula_design
from .fitting import (
    _complete_rows,
    _free_designs,
    bind_response,
    row_derivatives,
    start_sums,
)
from .inputs import as_float, column, response
from .objective import LikelihoodSurface, RegressionObjective
from .standardize import centred_squares, column_sums, transposed


class Piece:
    """In a part's inputs: the part's own piece of the Dask collection named `key`."""

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"Piece({self.key!r})"


def filled(given, pieces):
    """`given` (nested dicts and tuples) with each Piece replaced by its piece."""
    if isinstance(given, Piece):
        return pieces[given.key]
    if isinstance(given, dict):
        return {k: filled(v, pieces) for k, v in given.items()}
    if isinstance(given, tuple):
        return tuple(filled(v, pieces) for v in given)
    return given


class Setup:
    """What every part binds its rows with: the family and its options, the links, the
    formula (response `lhs`, right-hand sides `rhss`, described `designs` whose specs build
    the columns, factor `levels` {column: categories}) or, without a formula, designs given
    per row; the held coefficients `fixed`; and the per-row inputs `given` (event, censored,
    weights, cluster, truncation, offset, and response and design without a formula):
    column names, numbers, or Pieces; `clusters` the distinct cluster ids of the whole data
    (a pandas Index) or None."""

    def __init__(self, family, names, links, options, lhs, rhss, designs, levels, fixed,
                 given, clusters):
        self.family, self.names, self.links, self.options = family, names, links, options
        self.lhs, self.rhss, self.designs, self.levels = lhs, rhss, designs, levels
        self.fixed, self.given, self.clusters = fixed, given, clusters


def with_levels(frame, levels):
    """The frame with each factor column a Categorical of the levels learned over the whole
    data, so that every part encodes it with the same columns."""
    if not levels:
        return frame
    frame = frame.copy()
    for name, cats in levels.items():
        frame[name] = pd.Categorical(frame[name], categories=cats)
    return frame


def formula_designs(rhss, levels, frame):
    """The described designs ({param: Design without matrix}) of the formulas over one part,
    its factor columns cast to the learned levels. A stateful transform (center, scale,
    splines...) would learn from that part alone, so it is refused."""
    frame = with_levels(frame, levels)
    out = {}
    for p, rhs in rhss.items():
        d = formula_design(rhs, frame)
        if d.spec.transform_state:
            raise ValueError(f"the formula for {p!r} uses a stateful transform "
                             f"({', '.join(map(str, d.spec.transform_state))}), which would "
                             "learn from one partition only: on Dask data use plain columns "
                             "(the fit standardizes the design internally)")
        out[p] = d.described()
    return out


class RegressionPart:
    """One part's rows, bound: the family's generator, the free design columns (then
    standardized), offsets and weights. `offset` is the part's first row in the whole data;
    a data error names the row of the whole data."""

    def __init__(self, setup, offset, pieces):
        try:
            self._bind(setup, filled(setup.given, pieces))
        except ValueError as err:
            raise ValueError(f"{global_rows(str(err), offset)} (in the partition starting at "
                             f"row {offset})") from None
        self.xts = None
        self._objective = self._family_part = None

    def _bind(self, setup, given):
        data = given.get("data")
        if setup.lhs is not None:
            data = with_levels(data, setup.levels)
            named = [given.get(k) for k in ("event", "censored", "weights")]
            named += [*given["offset"].values(), *(given.get("truncation") or ())]
            data = _complete_rows(data, setup.lhs, setup.rhss, named, dropna=False)
            y = response(data, setup.lhs)
        else:
            y = column(None, given["response"], "response")
        gen, self._gen_kw, self.w, self._window = bind_response(
            setup.family, y, data, given.get("event"), given.get("censored"),
            given.get("weights"), given.get("truncation"), setup.options)
        n = len(y)
        if setup.lhs is not None:
            designs = {p: _formula_matrix(d, data, n) for p, d in setup.designs.items()}
        else:
            designs = {p: array_design(given["design"].get(p), n, f"design for {p}")
                       for p in setup.names}
        offsets = {p: as_float(column(data, v, f"offset for {p}", n), f"offset for {p}")
                   for p, v in given["offset"].items()}
        _, self.xs, self.offs = _free_designs(setup.names, designs, setup.fixed, offsets)
        self.codes = None if setup.clusters is None else \
            _cluster_codes(column(data, given["cluster"], "cluster", n), setup.clusters)
        self.family, self.links, self.gen, self.y, self.n = \
            setup.family, setup.links, gen, y, n

    # -- building: sums for the standardization and the start ------------------------------
    def summary(self):
        """(rows, nobs, per parameter (min, max, sum) of each free column)."""
        return self.n, float(self.gen.nobs), [column_sums(x) for x in self.xs]

    def family_start(self):
        """The family's data-based start from this part's rows."""
        return self.gen.start()

    def squares(self, centres):
        """Per parameter, Σ (x − centre)² of each free column."""
        return [centred_squares(x, c) for x, c in zip(self.xs, centres)]

    def standardized(self, centres, spreads):
        """A new part holding the standardized X'ᵀ instead of the design."""
        new = copy.copy(self)
        new.xts = [transposed(x, c, s) for x, c, s in zip(self.xs, centres, spreads)]
        new.xs = None
        return new

    def start_sums(self):
        """Per parameter, `fitting.start_sums` of this part's rows."""
        return [start_sums(xt, off) for xt, off in zip(self.xts, self.offs)]

    # -- each pass ---------------------------------------------------------------------------
    def family_evaluate(self, natural, order):
        """(loglik, gradient, Hessian) of the family without covariates at `natural`."""
        if self._family_part is None:
            self._family_part = RowPart(self.gen)
        return self._family_part.evaluate(natural, order)

    @property
    def objective(self):
        if self._objective is None:
            rows = row_derivatives(self.family, self.gen, self.y, self._gen_kw, self._window,
                                   self.links)
            self._objective = RegressionObjective(rows, self.xts, self.offs, self.w)
        return self._objective

    def evaluate(self, beta, order):
        return self.objective.evaluate(beta, order)

    def score_products(self, beta):
        return self.objective.score_products(beta)

    def cluster_sums(self, beta, groups):
        return self.objective.cluster_sums(beta, self.codes, groups)

    def release(self):
        """Drop the derivative graphs (rebuilt if another point is asked about)."""
        self._objective = self._family_part = None

    def __getstate__(self):  # graphs are caches: a copied part rebuilds them
        return dict(self.__dict__, _objective=None, _family_part=None)


def _cluster_codes(ids, clusters):
    """Each row's position among the distinct cluster ids of the whole data."""
    codes = clusters.get_indexer(ids)
    if (codes < 0).any():
        raise ValueError(f"cluster has a missing value at row {int(np.flatnonzero(codes < 0)[0])}")
    return codes


def _formula_matrix(described, data, n):
    """The design of the fit's columns over this part's rows (its spec applied); a factor
    level the spec does not know is an error saying why."""
    try:
        m = described.new(data, n)
    except ValueError as err:
        raise ValueError(f"{err}: a numeric column used as a factor (C(x)) takes its levels "
                         "from the first partition; give it as a string or categorical column "
                         "so that its levels are learned over the whole frame") from None
    matrix, _ = as_matrix(m, n, "design", list(described.columns))
    return Design(matrix, described.columns, described.terms, described.spec)


class PartsObjective(LikelihoodSurface):
    """The regression log-likelihood over parts: each evaluation runs `placement.call` (each
    part's method, in part order) and adds the results in part order. Nothing per row comes
    back to this process: per-row scores and weights refuse, saying why."""

    def __init__(self, placement, size, n, where):
        self.placement, self.size, self.n, self.where = placement, size, n, where
        self._last = None

    def evaluate(self, beta, order=2):
        """(loglik, gradient (P,), Hessian (P, P)) at β', summed over the parts."""
        key = np.asarray(beta, dtype=float).tobytes()
        if self._last is not None and self._last[0] == key and self._last[1] >= order:
            return self._last[2]
        beta = np.asarray(beta, dtype=float)
        out = add(self.placement.call("evaluate", beta, order), order)
        self._last = (key, order, out)
        return out

    def score_products(self, beta):
        """Σ w s sᵀ of the per-row scores, each part's sum added in part order."""
        return fsum_arrays(self.placement.call("score_products", np.asarray(beta, dtype=float)))

    def release(self):
        self.placement.call("release")

    def refusal(self, what):
        return ValueError(f"this fit's rows lie in {self.where} and are not read back into this "
                          f"process ({what} would pull every row here): estimates, covariances "
                          "(observed, OPG, sandwich, cluster), tests, profile intervals, "
                          "predictions and summary work; for per-row scores or the bootstrap "
                          "fit the rows in memory, or a sample of them")

    def cluster_sums(self, beta, codes, groups):
        """(G, P) per-cluster score sums, each part's added in part order; the parts hold
        their rows' clusters (given to regress), so `codes` must be None."""
        if codes is not None:
            raise ValueError(f"this fit's rows lie in {self.where}: give cluster= to regress "
                             "(a column or a Dask Series), so that each partition holds its "
                             "rows' clusters")
        return np.sum(self.placement.call("cluster_sums", np.asarray(beta, dtype=float),
                                          groups), axis=0)

    def per_row(self, beta, order):
        raise self.refusal("per-row derivatives")

    @property
    def weights(self):
        raise self.refusal("the weights")
