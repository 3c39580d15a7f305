"""Per-row derivatives of a family's log-likelihood with respect to its linear predictors.

Row i depends only on its own predictors η_i1 ... η_iJ (one per distribution
parameter), so one reverse pass of Σ_i c_i gives every row's first derivatives
∂c_i/∂η_ij, and one more pass per parameter j gives the second derivatives
∂²c_i/∂η_ij∂η_ik. The graph has one leaf per parameter holding the predictors of a
block of rows (at most `BLOCK_ROWS`); it is built at the first predictors asked for and
then re-evaluated as the leaves move. The living graph keeps an array per node (hundreds
of bytes per row), so only the first `KEEP_ROWS` rows' graphs are kept: memory is bounded.
"""

import numpy as np

from ..core import Value, grad_nodes
from ..core import sum as fsum
from ..distributions import IntervalData

BLOCK_ROWS = 65536
KEEP_ROWS = 1 << 20  # rows whose block graphs are kept between evaluations


def rows_of(y, rows):
    """The response restricted to `rows` (a slice or an index array)."""
    if isinstance(y, IntervalData):
        return IntervalData(y.lower[rows], y.upper[rows])
    return y[rows]


class _Block:
    """One block's graph: predictor leaves, contributions, first and second derivatives."""

    def __init__(self, bound, links, etas):
        gen, window = bound
        self.leaves = [Value(np.array(e, dtype=float)) for e in etas]
        thetas = [link.inverse(leaf) for link, leaf in zip(links, self.leaves)]
        self.contrib = gen.contributions(*thetas)
        if window is not None:  # per-row truncation: minus log P(a_i < X ≤ b_i)
            self.contrib = self.contrib - window.contributions(*thetas)
        self.grads = grad_nodes(fsum(self.contrib), self.leaves)
        self.hess = None

    def second(self):
        """{(j, k): ∂²c/∂η_j∂η_k for j ≤ k}, built on first request (a pass per parameter)."""
        if self.hess is None:
            hess = {}
            for j, g in enumerate(self.grads):
                for k, h in enumerate(grad_nodes(fsum(g), self.leaves[j:]), start=j):
                    hess[j, k] = h
            self.hess = hess
        return self.hess

    def move(self, etas):
        for leaf, e in zip(self.leaves, etas):
            leaf.data = e


class RowDerivatives:
    """A family bound to its rows, evaluated per row at given linear predictors.

    `generator(rows)` binds the family to a block of rows (unweighted: the weights are
    applied by the caller) and returns it with the family bound to those rows' truncation
    windows as IntervalData (or None): a row's term is then log f(x_i) − log P(a_i < X ≤ b_i).
    `links` gives each parameter's inverse link. The graphs of the first `KEEP_ROWS` rows are
    kept and re-run as the predictors move; further blocks are built afresh at each
    evaluation and dropped, so memory stays bounded however many rows there are.
    """

    def __init__(self, generator, n, links, block_rows=BLOCK_ROWS):
        self.n = n
        self.links = links
        starts = range(0, n, block_rows)
        self._spans = [slice(s, min(s + block_rows, n)) for s in starts]
        self._keep = max(1, KEEP_ROWS // block_rows)
        self._generator = generator
        self._blocks = {}

    def release(self):
        """Drop the block graphs (hundreds of bytes per row); the next evaluation rebuilds them."""
        self._blocks = {}

    @property
    def blocks(self):
        """Number of blocks the rows are evaluated in."""
        return len(self._spans)

    def evaluate(self, etas, order=2):
        """(c, g, h) at predictors `etas` (one (n,) array per parameter): c the per-row
        log-likelihood (n,), g[j] = ∂c/∂η_j per row, h[(j, k)] = ∂²c/∂η_j∂η_k, j ≤ k."""
        c = np.empty(self.n)
        g = [np.empty(self.n) for _ in etas] if order >= 1 else None
        h = {} if order >= 2 else None
        with np.errstate(all="ignore"):
            for i, sl in enumerate(self._spans):
                part = [e[sl] for e in etas]
                block = self._blocks.get(i)
                if block is None:
                    block = _Block(self._generator(sl), self.links, part)
                    if i < self._keep:
                        self._blocks[i] = block
                else:
                    block.move(part)
                m = sl.stop - sl.start
                c[sl] = _rows(block.contrib.data, m)
                if order >= 1:
                    for gj, node in zip(g, block.grads):
                        gj[sl] = _rows(node.data, m)
                if order >= 2:
                    for key, node in block.second().items():
                        h.setdefault(key, np.empty(self.n))[sl] = _rows(node.data, m)
        return c, g, h


def _rows(data, m):
    """A node's value as an (m,) array (a derivative that does not vary is a scalar)."""
    a = np.asarray(data, dtype=float)
    return a if a.shape == (m,) else np.broadcast_to(a, (m,))
