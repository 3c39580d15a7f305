"""`regress` on Dask: a Dask DataFrame with a formula, or Dask arrays and Series for the
response, designs, censoring/event, weights, offsets and truncation bounds.

Imported only when `regress` is handed a Dask collection. Before any work, every per-row
input is checked to be split like the others (same partition lengths); a formula's factor
columns (strings, categoricals) have their levels learned over the whole frame, and its
columns are fixed once from the first partition, so every partition has the same columns.
Each partition's `RegressionPart` is then built where it lies and kept; the designs are
standardized from the parts' column sums; each optimizer pass sends coefficients and gets
(loglik, gradient, Hessian) back per part (`parts.PartsObjective`). The current
distributed `Client` is used; without one the partitions are read and kept in this process.
"""

import math
import re

import numpy as np
import pandas as pd

from ..distributions.blocks import RowsElsewhere
from ..fit.dask import as_dask_array, current_client
from ..fit.shards import is_dask
from ..optim import Tolerances, newton
from ..optim.shards import SumObjective, fsum_arrays
from .design import Design, split_formula
from .fitting import (
    COV_TYPES,
    _block_diag,
    _family,
    _fixed,
    _links,
    _offsets,
    _param_formulas,
    _start,
    fitted,
    used_columns,
)
from .links import location_of
from .parts import PartsObjective, Piece, RegressionPart, Setup, formula_designs
from .standardize import Scaling

ROW_INPUTS = ("event", "censored", "weights", "cluster")


def regress_dask(family, formula, data, call, cov_type, refit):
    """`regress(family, formula, data, **call)` with some inputs Dask collections."""
    names, spaces = _family(family)
    _refuse(call, cov_type)
    links = _links(names, spaces, call["link"])
    loc = location_of(family, call["location"])
    given = {k: call[k] for k in ROW_INPUTS if call[k] is not None}
    given["offset"] = _offsets(call["offset"], loc, names)
    if call["truncation"] is not None:
        given["truncation"] = _pair(call["truncation"])
    if isinstance(formula, str):
        lhs, rhss = _formula_inputs(formula, data, call, names, loc, given)
    else:
        lhs = rhss = None
        _array_inputs(formula, data, call, names, given)
    given, collections = _split(given, frame=lhs is not None)
    lengths, levels, clusters = _lengths_and_levels(
        collections, [] if lhs is None else used_columns(None, rhss, []), collections.get("data"),
        _cluster_ids(given.get("cluster"), collections))
    placement = _Placement(current_client(), collections, lengths)
    if lhs is not None:
        designs = placement.first(formula_designs, rhss, levels, "data")
    else:
        designs = {p: _described(collections.get(f"design {p}")) for p in names}
    fixed = _fixed(call["fixed"], designs, links)
    setup = Setup(family, names, links, dict(call["options"] or {}), lhs, rhss, designs, levels,
                  fixed, given, clusters)
    placement.build(setup)
    return _fit(placement, setup, call, cov_type, refit, loc, given)


def _refuse(call, cov_type):
    """What does not apply to Dask data, refused before any work."""
    if cov_type not in COV_TYPES:
        raise ValueError(f"unknown cov_type {cov_type!r}; use one of {list(COV_TYPES)}")
    if cov_type == "cluster" and call["cluster"] is None:
        raise ValueError("cov_type='cluster' needs cluster= (a column name or a Dask Series "
                         "of ids)")
    if call["dropna"]:
        raise ValueError("dropna= does not apply to Dask data: drop the rows first "
                         "(data.dropna(subset=[...])), so that row numbers in messages are "
                         "those of the data you pass")


def _formula_inputs(formula, data, call, names, loc, given):
    """(response side, {param: right-hand side}); puts the frame's used columns in `given`."""
    if call["design"] is not None:
        raise TypeError("give a formula or design=, not both")
    if not (is_dask(data) and hasattr(data, "columns")):
        raise TypeError("a formula over Dask inputs needs data= as a Dask DataFrame")
    lhs, rhs = split_formula(formula)
    rhss = _param_formulas(call["params"], names, loc, rhs)
    named = [*given.values(), *given["offset"].values(), *given.get("truncation", ())]
    used = used_columns(lhs, rhss, [v for v in named if isinstance(v, str)])
    absent = [c for c in used if c not in data.columns]
    if absent:
        raise ValueError(f"no column(s) {absent} in the data; the columns are "
                         f"{list(data.columns)}")
    # formulaic leaves a stateful transform's variables out of its required ones: keep
    # every column a formula names, so that such a transform is found and refused
    text = " ".join([lhs, *rhss.values()])
    named = {c for c in data.columns if isinstance(c, str)
             and re.search(rf"\b{re.escape(c)}\b", text)}
    given["data"] = data[sorted(set(used) | named)]
    return lhs, rhss


def _array_inputs(response, data, call, names, given):
    """Puts the response and the designs given directly in `given`."""
    if call["params"] is not None:
        raise TypeError("params= takes formulas; with a response array give design={param: X}")
    if data is not None:
        raise TypeError("with a Dask response give every per-row input as a Dask "
                        "collection; data= is for a formula over a Dask DataFrame")
    design = dict(call["design"] or {})
    unknown = [k for k in design if k not in names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} in design; the parameters are "
                         f"{list(names)}")
    given["response"], given["design"] = response, design


def _pair(truncation):
    try:
        a, b = truncation
    except (TypeError, ValueError):
        raise TypeError(f"truncation must be a pair (lower, upper); got {truncation!r}") from None
    return a, b


def _split(given, frame):
    """(given with each Dask collection replaced by a Piece, {key: collection}); an in-memory
    per-row array beside Dask data, or a column name without a data frame, is refused."""
    collections = {}

    def walk(v, key):
        if isinstance(v, dict):
            return {k: walk(x, f"{key} {k}") for k, x in v.items()}
        if isinstance(v, tuple):
            return tuple(walk(x, f"{key} {end}") for x, end in zip(v, ("lower", "upper")))
        if is_dask(v):
            collections[key] = v
            return Piece(key)
        if isinstance(v, str) and not frame:
            raise TypeError(f"{key}={v!r} names a column, but the data are Dask arrays: give "
                            "it as a Dask collection")
        if np.ndim(v) and not isinstance(v, str):
            raise TypeError(f"{key} is an in-memory array but the data are Dask: give every "
                            "per-row input as a Dask collection split like the data")
        return v
    return {k: walk(v, k) for k, v in given.items()}, collections


def _cluster_ids(cluster, collections):
    """The Dask collection of cluster ids (a column of the frame or given), or None."""
    if cluster is None:
        return None
    if isinstance(cluster, Piece):
        return collections[cluster.key]
    return collections["data"][cluster]


def _lengths_and_levels(collections, variables, frame, cluster):
    """(the partition lengths shared by every collection, {factor column: levels} for the
    formulas' non-numeric `variables`, the distinct `cluster` ids or None), from one Dask
    computation; differently split inputs are an error here, before any other work. Arrays
    in `collections` are replaced by their form with known chunk lengths (and a row's
    columns in one chunk)."""
    import dask
    lazy, arrays = {}, {}
    for key, c in collections.items():
        if hasattr(c, "map_partitions"):  # DataFrame or Series: lengths per partition
            lazy[key] = c.map_partitions(len)
        else:
            arrays[key] = c
    factors = [] if frame is None else \
        [c for c in variables if not pd.api.types.is_numeric_dtype(frame.dtypes[c])]
    known = {c: list(frame.dtypes[c].categories) for c in factors
             if isinstance(frame.dtypes[c], pd.CategoricalDtype)
             and frame.dtypes[c].categories is not None and frame[c].cat.known}
    unique = {c: frame[c].dropna().unique() for c in factors if c not in known}
    ids = None if cluster is None else _distinct(cluster)
    got_lengths, got_unique, got_ids = dask.compute(lazy, unique, ids)
    lengths = {k: tuple(int(v) for v in got) for k, got in got_lengths.items()}
    for key, a in arrays.items():
        a = as_dask_array(key, a) if a.ndim == 1 else a
        if any(math.isnan(c) for c in a.chunks[0]):
            a = a.compute_chunk_sizes()
        if a.ndim == 2 and len(a.chunks[1]) > 1:
            a = a.rechunk({1: -1})  # a row's columns in one piece
        collections[key] = a
        lengths[key] = tuple(a.chunks[0])
    _check_split(lengths)
    levels = {**known, **{c: sorted(v.tolist()) for c, v in got_unique.items()}}
    clusters = None if got_ids is None else pd.Index(np.asarray(got_ids)).unique()
    return next(iter(lengths.values())), levels, clusters


def _distinct(ids):
    """The distinct non-missing values of a Dask Series or 1-D array, lazily."""
    if hasattr(ids, "map_partitions"):
        return ids.dropna().unique()
    import dask.array as da
    return da.unique(ids[~da.isnan(ids)] if ids.dtype.kind == "f" else ids)


def _check_split(lengths):
    ref_key, ref = next(iter(lengths.items()))
    for key, got in lengths.items():
        if got != ref:
            raise ValueError(f"{key} and {ref_key} are split differently (partition lengths "
                             f"{got} vs {ref}); rechunk or repartition them alike")


def _described(x):
    """The described design of a Dask design given directly (None: an intercept only)."""
    if x is None:
        return Design(None, ["Intercept"], {"Intercept": [0]})
    names = [str(c) for c in x.columns] if hasattr(x, "columns") else \
        [f"x{i}" for i in range(x.shape[1] if x.ndim == 2 else 1)]
    return Design(None, names, {c: [i] for i, c in enumerate(names)})


def _call(part, method, *args):
    return getattr(part, method)(*args)


class _Placement:
    """The parts, on the workers of `client` (futures) or here without one. `call` runs a
    method of every part and returns the results in part order."""

    def __init__(self, client, collections, lengths):
        self.client, self.parts = client, None
        kept = [i for i, m in enumerate(lengths) if m > 0]  # an empty partition adds nothing
        self.keys = list(collections)
        self.offsets = [int(sum(lengths[:i])) for i in kept]
        pieces = [[_delayed(collections[k])[i] for i in kept] for k in self.keys]
        if client is not None:  # read each partition where the scheduler puts it
            pieces = [client.compute(col) for col in pieces]
        self.pieces = [dict(zip(self.keys, row)) for row in zip(*pieces)]

    @property
    def where(self):
        return f"{len(self.offsets)} Dask partitions"

    def _here(self, piece):
        return {k: v.compute() for k, v in piece.items()}

    def first(self, fn, *args):
        """fn(*args, the first partition's piece of collection `args[-1]`), where it lies."""
        *args, key = args
        if self.client is None:
            return fn(*args, self._here({key: self.pieces[0][key]})[key])
        return self.client.submit(fn, *args, self.pieces[0][key], pure=False).result()

    def build(self, setup):
        if self.client is None:
            self.parts = [RegressionPart(setup, off, self._here(p))
                          for off, p in zip(self.offsets, self.pieces)]
        else:
            self.parts = [self.client.submit(_build, setup, off, self.keys,
                                             *[p[k] for k in self.keys], pure=False)
                          for off, p in zip(self.offsets, self.pieces)]
        self.pieces = None  # the parts hold their rows now

    def call(self, method, *args):
        if self.client is None:
            return [getattr(p, method)(*args) for p in self.parts]
        return self.client.gather([self.client.submit(_call, p, method, *args, pure=False)
                                   for p in self.parts])

    def call_first(self, method):
        """The first part's `method()`."""
        if self.client is None:
            return getattr(self.parts[0], method)()
        return self.client.submit(_call, self.parts[0], method, pure=False).result()

    def replace(self, method, *args):
        """Each part replaced by the part its `method` returns."""
        if self.client is None:
            self.parts = [getattr(p, method)(*args) for p in self.parts]
        else:
            self.parts = [self.client.submit(_call, p, method, *args, pure=False)
                          for p in self.parts]


def _build(setup, offset, keys, *pieces):
    return RegressionPart(setup, offset, dict(zip(keys, pieces)))


def _delayed(collection):
    if hasattr(collection, "map_partitions"):  # DataFrame or Series
        return list(collection.to_delayed())
    return list(collection.to_delayed().ravel())


def _fit(placement, setup, call, cov_type, refit, loc, given):
    """Standardize over the parts, start from the intercept-only fit, run Newton."""
    names = setup.names
    summaries = placement.call("summary")
    n = sum(s[0] for s in summaries)
    nobs = math.fsum(s[1] for s in summaries)
    free_cols = [[c for c in setup.designs[p].columns if (p, c) not in setup.fixed]
                 for p in names]
    if not any(free_cols):
        raise ValueError(f"every coefficient is fixed ({sorted(setup.fixed)}); leave at least "
                         "one free")
    scalings = []
    for j, (p, cols) in enumerate(zip(names, free_cols)):
        lo = np.min([s[2][j][0] for s in summaries], axis=0)
        hi = np.max([s[2][j][1] for s in summaries], axis=0)
        sums = fsum_arrays([s[2][j][2] for s in summaries])
        scalings.append(Scaling(lo, hi, sums, n, cols, f"design of {p}"))
    squares = placement.call("squares", [s.centre for s in scalings])
    for j, s in enumerate(scalings):
        s.set_spread(fsum_arrays([q[j] for q in squares]))
    placement.replace("standardized", [s.centre for s in scalings],
                      [s.spread for s in scalings])
    parts_sums = placement.call("start_sums")
    sums = [tuple(fsum_arrays([ps[j][i] for ps in parts_sums]) for i in range(3))
            for j in range(len(names))]
    for s, (gram, _, _) in zip(scalings, sums):
        s.check_rank(gram)
    amap = _block_diag([s.amap() for s in scalings])
    x0 = _start(_intercept_only(placement, setup), names, setup.links, sums, amap, free_cols,
                call["start"])
    objective = PartsObjective(placement, amap.shape[0], n, placement.where)
    truncation = given.get("truncation")
    if truncation is not None and any(isinstance(b, (Piece, str)) for b in truncation):
        truncation = None  # per row: no single truncated distribution (as in memory)
    generator = RowsElsewhere(setup.family.family(**setup.options), truncation,
                              placement.where, nobs)
    designs = {p: setup.designs[p] for p in names}
    return fitted(objective, x0, call["max_iter"], family=setup.family, generator=generator,
                  names=names, links=setup.links, designs=designs, free_columns=free_cols,
                  fixed=setup.fixed, amap=amap, nobs=nobs, cov_type=cov_type,
                  cluster=None if setup.clusters is None else (None, len(setup.clusters)),
                  offsets=given["offset"], location=loc, refit=refit, options=setup.options)


def _intercept_only(placement, setup):
    """The family fitted without covariates over every part (Newton from the first part's
    data-based start); that start if the fit does not converge."""
    start = placement.call_first("family_start")
    names = tuple(setup.family.param_names)
    values = [float(start[k]) for k in names]
    objective = SumObjective(lambda natural, order: placement.call("family_evaluate", natural,
                                                                   order),
                             names, tuple(setup.family.constraints), values)
    with np.errstate(all="ignore"):
        result = newton(objective, objective.unconstrained(values), Tolerances())
    if not result.converged:
        return start
    return dict(zip(names, objective.natural(result.x)))
