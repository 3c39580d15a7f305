"""Per-row derivatives of a family's log-likelihood with respect to its linear predictors.

Row i depends only on its own predictors η_i1 ... η_iJ (one per distribution
parameter), so one reverse pass of Σ_i c_i gives every row's first derivatives
∂c_i/∂η_ij, and one more pass per parameter j gives the second derivatives
∂²c_i/∂η_ij∂η_ik. The graph has one leaf per parameter holding the predictors of a
block of rows; it is built once per block, at the first predictors asked for, and
then re-evaluated as the leaves move (bounded memory: the living graph keeps an array
per node, so blocks hold at most `BLOCK_ROWS` rows).
"""

import numpy as np

from ..core import Value, grad_nodes
from ..core import sum as fsum
from ..distributions import IntervalData

BLOCK_ROWS = 65536


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
    `links` gives each parameter's inverse link.
    """

    def __init__(self, generator, n, links, block_rows=BLOCK_ROWS):
        self.n = n
        self.links = links
        starts = range(0, n, block_rows)
        self._spans = [slice(s, min(s + block_rows, n)) for s in starts]
        self._generator = generator
        self._blocks = None

    def release(self):
        """Drop the block graphs (hundreds of bytes per row); the next evaluation rebuilds them."""
        self._blocks = None

    @property
    def blocks(self):
        """Number of blocks the rows are evaluated in."""
        return len(self._spans)

    def evaluate(self, etas, order=2):
        """(c, g, h) at predictors `etas` (one (n,) array per parameter): c the per-row
        log-likelihood (n,), g[j] = ∂c/∂η_j per row, h[(j, k)] = ∂²c/∂η_j∂η_k, j ≤ k."""
        with np.errstate(all="ignore"):
            if self._blocks is None:
                self._blocks = [_Block(self._generator(sl), self.links, [e[sl] for e in etas])
                                for sl in self._spans]
            else:
                for sl, b in zip(self._spans, self._blocks):
                    b.move([e[sl] for e in etas])
            c = self._gather([[b.contrib] for b in self._blocks])[0]
            if order == 0:
                return c, None, None
            g = self._gather([b.grads for b in self._blocks])
            if order == 1:
                return c, g, None
            seconds = [b.second() for b in self._blocks]
            keys = list(seconds[0])
            h = dict(zip(keys, self._gather([[s[k] for k in keys] for s in seconds])))
            return c, g, h

    def _gather(self, per_block):
        """Per-row arrays of each node, the blocks' rows joined in order."""
        if len(per_block) == 1:
            return [_rows(node.data, self.n) for node in per_block[0]]
        return [np.concatenate([_rows(nodes[i].data, sl.stop - sl.start)
                                for nodes, sl in zip(per_block, self._spans)])
                for i in range(len(per_block[0]))]


def _rows(data, m):
    """A node's value as an (m,) array (a derivative that does not vary is a scalar)."""
    a = np.asarray(data, dtype=float)
    return a if a.shape == (m,) else np.broadcast_to(a, (m,)).copy()
