"""Dask data: each chunk's bound model is built once where the chunk lies, then each pass
sends the parameters and gathers (loglik, gradient, Hessian) per chunk, in chunk order.

Imported only when `fit_mle` is handed a Dask array or Series (data, censored, event,
weights, truncation bounds). Every per-row input must be a 1-D Dask collection with the
same chunks, checked before any work; a data error in a chunk names the global row. The
current distributed `Client` is used; without one the chunks are read and evaluated in
this process, one after another.
"""

import math

import numpy as np

from ..distributions.blocks import RowsElsewhere, global_rows
from ..optim.shards import RowPart, in_memory
from .shards import is_dask

ROW_INPUTS = ("censored", "event", "weights")


def dask_spec(model, data, given, shards, options):
    """fit_mle's model spec (see mle._model_spec) for Dask inputs."""
    if shards is not None:
        raise ValueError("with Dask data the shards are its chunks; rechunk the data instead "
                         "of passing shards=")
    columns = {"data": data, **{k: given[k] for k in ROW_INPUTS if k in given}}
    if "truncation" in given:
        a, b = given["truncation"]
        columns["truncation lower"], columns["truncation upper"] = a, b
    arrays = {k: as_dask_array(k, v) for k, v in columns.items() if is_dask(v)}
    scalars = {k: v for k, v in columns.items() if k not in arrays}
    for k, v in scalars.items():
        if np.ndim(v) and not k.startswith("truncation"):
            raise TypeError(f"{k} is an in-memory array but the data are Dask: give every "
                            "per-row input as a Dask collection with the data's chunks")
        if np.ndim(v):
            raise TypeError(f"{k} is an in-memory array; give per-row truncation as Dask too")
    chunks = _aligned(arrays)
    offsets = np.concatenate([[0], np.cumsum(chunks)[:-1]]).astype(int)
    names = list(arrays)
    pieces = [a.to_delayed().ravel() for a in arrays.values()]
    client = current_client()
    if client is None:
        parts = [_build(model, options, int(off), scalars, names, *[p[i].compute() for p in pieces])
                 for i, off in enumerate(offsets)]
        run = in_memory(parts)
        starts, nobs = parts[0].start, [p.nobs for p in parts]
    else:
        chunk_futures = [client.compute(list(col)) for col in pieces]
        parts = [client.submit(_build, model, options, int(off), scalars, names,
                               *[col[i] for col in chunk_futures], pure=False)
                 for i, off in enumerate(offsets)]
        summaries = client.gather([client.submit(_summary, p, pure=False) for p in parts])
        starts, nobs = summaries[0][0], [s[1] for s in summaries]
        run = _distributed(client, parts)
    gen_names = tuple(model.param_names)
    truncation = (columns["truncation lower"], columns["truncation upper"]) \
        if "truncation" in given else None
    rowless = RowsElsewhere(model.family(**options), truncation, f"{len(offsets)} Dask chunks",
                            math.fsum(nobs))
    return dict(names=gen_names, constraints=tuple(model.constraints), model=rowless,
                function=None, data=None, build=None, start=lambda: starts,
                nobs=rowless.nobs, run=run)


def as_dask_array(name, v):
    """A Dask Series as a Dask array (chunk lengths computed); a DataFrame is refused."""
    if getattr(v, "ndim", 1) == 2 and hasattr(v, "columns"):
        raise TypeError(f"{name} is a Dask DataFrame; pass one column (a Series)")
    if hasattr(v, "to_dask_array"):
        v = v.to_dask_array(lengths=True)
    if v.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {v.shape}")
    return v


def _aligned(arrays):
    """The data's chunk lengths, after checking every input has the same."""
    ref_name, ref = next(iter(arrays.items()))
    for name, a in arrays.items():
        if a.chunks != ref.chunks:
            raise ValueError(f"{name} and {ref_name} have different chunks ({a.chunks[0]} vs "
                             f"{ref.chunks[0]}); rechunk them alike (e.g. "
                             f"{name}.rechunk({ref_name}.chunks))")
    return ref.chunks[0]


def current_client():
    """The current distributed Client, or None (no distributed, or no Client made)."""
    try:
        from distributed import get_client
        return get_client()
    except (ImportError, ValueError):
        return None


def _build(model, options, offset, scalars, names, *chunks):
    """A chunk's RowPart, built where the chunk lies; data errors name the global row."""
    cols = dict(scalars, **dict(zip(names, chunks)))
    kw = {k: cols[k] for k in ROW_INPUTS if k in cols}
    if "truncation lower" in cols:
        kw["truncation"] = (cols["truncation lower"], cols["truncation upper"])
    try:
        gen = model(np.asarray(cols["data"], dtype=float), **kw, **options)
    except ValueError as err:
        raise ValueError(f"{global_rows(str(err), offset)} (in the chunk starting at row "
                         f"{offset})") from None
    part = RowPart(gen)
    part.start = gen.start()
    return part


def _summary(part):
    return part.start, part.nobs


def _evaluate(part, natural, order):
    return part.evaluate(natural, order)


def _distributed(client, parts):
    """A `run` over parts held on the workers: each pass sends the parameters."""
    def run(natural, order):
        futures = [client.submit(_evaluate, p, natural, order, pure=False) for p in parts]
        return client.gather(futures)
    return run
