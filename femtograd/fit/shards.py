"""Which evaluation a generator's fit uses: one graph, blocks, shards, or Dask chunks.

`fit_mle(Gen, x, shards=k)` cuts the bound rows into k consecutive shards; each shard is a
`RowPart` (its graph built once, or in blocks when its per-row rows are many) and the fit
sums their (loglik, gradient, Hessian) in shard order. Without `shards`, a generator that
evaluates more than `BLOCK_ROWS` rows one by one is one part in blocks, so memory stays
bounded. Dask data go through the same parts, built on the workers (`fit.dask`); Dask is
imported only when handed a Dask object.
"""

from ..distributions.blocks import bind_rows, cuts, needs_blocks
from ..optim.shards import RowPart, in_memory


def is_dask(obj):
    """A Dask collection, by duck typing (no import of Dask)."""
    return hasattr(obj, "__dask_graph__") and (hasattr(obj, "chunks")
                                               or hasattr(obj, "npartitions"))


def in_memory_run(gen, shards=None):
    """The parts' `run` for a generator bound here: k shards, or one part in blocks when the
    per-row graph is large; None for the plain one-graph evaluation."""
    if shards is None:
        return in_memory([RowPart(gen)]) if needs_blocks(gen) else None
    if shards == 1 and not isinstance(shards, bool):
        return in_memory([RowPart(gen)])
    return in_memory([RowPart(bind_rows(gen, a, b)) for a, b in cuts(gen.n, shards)])

