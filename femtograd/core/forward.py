"""Forward mode: directional derivatives pushed from the leaves to the outputs, and dual numbers.

`tangent_nodes(outs, wrt, tangents)` gives each output's derivative in the direction
`tangents` of the leaves `wrt` (J·v), in one sweep over the graph in topological order.
A primitive states only its reverse rule (vjp); forward mode reuses it:

- an elementwise op's Jacobian is diagonal on the broadcast shape, so its vjp applied to
  the argument's tangent is the jvp;
- a linear op (sum, reshape, broadcast_to, indexing) is its own jvp: the op of the tangent,
  and a dot product is bilinear: the tangent dotted with the other factor;
- any other op is transposed locally: J·t = d/du ⟨vjp(u), t⟩ with u a variable of the
  node's shape (the vjp is linear in u, so one reverse sweep of that small graph gives J·t).

Tangents are Value nodes like any other: they live (move a leaf and they re-evaluate) and
can be differentiated again. Forward over reverse gives Hessian-vector products
(`hvp_forward`): the tangent of the gradient's nodes. `dual(x, t)` is a leaf carrying a
tangent, R's dual number; `primal(y)` and `tangent(y)` read a result.
"""

import numpy as np

from .derivatives import _bind, grad_nodes
from .ops import add, broadcast_to, dot, multiply, reshape, scatter, sum as sum_, take
from .primitive import sharing
from .value import Value, as_array, as_value, topological_order

LINEAR = (sum_, reshape, broadcast_to, take, scatter)  # one argument each, linear in it


def tangent_nodes(outs, wrt, tangents):
    """For each node of `outs`, its directional derivative Σᵢ ∂out/∂wrtᵢ · tangentsᵢ as a
    Value node of the output's shape; a leaf not in `wrt` has tangent zero."""
    if len(tangents) != len(wrt):
        raise ValueError(f"{len(tangents)} tangents for {len(wrt)} leaves")
    seeds = {}
    for leaf, t in zip(wrt, tangents):
        if not isinstance(leaf, Value) or leaf._op is not None or not leaf._variable:
            raise ValueError("forward mode differentiates with respect to variable leaves "
                             "(made with val)")
        t = as_array(t, "a tangent")
        if np.ndim(t) and not _broadcasts(np.shape(t), leaf.shape):
            raise ValueError(f"a tangent of shape {np.shape(t)} for a leaf of shape {leaf.shape}")
        if not np.all(np.isfinite(t)):
            raise ValueError(f"tangents must be finite; got {t}")
        if np.any(t != 0):
            seeds[leaf] = Value.constant(t)
    dots = {}
    with sharing():
        for node in topological_order(list(outs)):
            if node._op is None:
                if node in seeds:
                    dots[node] = seeds[node]
                continue
            t = _push(node, dots)
            if t is not None:
                dots[node] = t
    return [_full(dots.get(out), out.shape) for out in outs]


def _push(node, dots):
    """The tangent of `node` from the tangents of its arguments (None when all are zero)."""
    op, args, kw = node._op, node._args, node._kw or {}
    out = None
    for i, (arg, vjp) in enumerate(zip(args, op.vjps)):
        t = dots.get(arg)
        if t is None or vjp is None:
            continue
        if op.elementwise:
            contribution = vjp(t, node, *args, **kw)
        elif op in LINEAR:
            contribution = op(_full(t, arg.shape), **kw)
        elif op is dot:  # bilinear: the other factor dotted with the tangent
            contribution = dot(_full(t, arg.shape), args[1 - i])
        else:
            contribution = _transposed(node, i, _full(t, arg.shape))
        out = contribution if out is None else add(out, contribution)
    return out


def _transposed(node, i, t):
    """J·t for argument `i` of a node whose op has no forward rule: the gradient in u of
    ⟨vjp(u), t⟩, the vjp being linear in u."""
    u = Value(np.zeros(node.shape) if node.shape else 0.0)
    pulled = node._op.vjps[i](u, node, *node._args, **(node._kw or {}))
    return grad_nodes(sum_(multiply(pulled, t)), [u])[0]


def _full(t, shape):
    """A tangent as a node of `shape` (zero when there is none; a smaller one broadcast)."""
    if t is None:
        return Value.constant(np.zeros(shape) if shape else 0.0)
    return t if t.shape == shape else broadcast_to(t, shape=shape)


def _broadcasts(small, shape):
    try:
        return np.broadcast_shapes(small, shape) == shape
    except ValueError:
        return False


# -- derivatives of plain functions ---------------------------------------------------
def _direction(v, p):
    v = np.asarray(v, dtype=float)
    if v.shape != (p,):
        raise ValueError(f"the tangent vector must have shape ({p},); got {v.shape}")
    return v


def jvp(f, params, tangents):
    """(f(params), ∇f·tangents): the value of scalar `f` and its directional derivative, in
    one forward pass. `params` as for `gradient` (a sequence, or a dict keyed by f's
    argument names)."""
    xs, out = _bind(f, params)
    v = _direction(tangents, len(xs))
    dot, = tangent_nodes([out], xs, v)
    return float(out.data), float(dot.data)


def hvp_forward(f, params, v):
    """Hessian-vector product H·v of scalar `f` by forward over reverse: the directional
    derivative of the gradient's nodes; agrees with the reverse-over-reverse `hvp`."""
    xs, out = _bind(f, params)
    v = _direction(v, len(xs))
    return np.array([h.data for h in tangent_nodes(grad_nodes(out, xs), xs, v)], dtype=float)


# -- dual numbers (R's dual, primal, tangent) --------------------------------------------
class Dual(Value):
    """A variable leaf carrying a tangent: R's dual number. Build any expression on it;
    `tangent(y)` is y's derivative along the duals' tangents."""

    __slots__ = ("seed",)

    def __init__(self, primal, tangent=1.0, name=None):
        super().__init__(primal, name=name)
        seed = as_array(tangent, "tangent")
        if np.ndim(seed) and not _broadcasts(np.shape(seed), self.shape):
            raise ValueError(f"a tangent of shape {np.shape(seed)} for a value of shape "
                             f"{self.shape}")
        if not np.all(np.isfinite(seed)):
            raise ValueError(f"a dual number's tangent must be finite; got {tangent!r}")
        self.seed = seed


def dual(primal, tangent=1.0):
    """A dual number: value `primal`, derivative `tangent` (1: the variable itself)."""
    return Dual(primal, tangent)


def primal(x):
    """The value of a dual number or of any expression on dual numbers."""
    return as_value(x).data


def tangent(x):
    """The derivative of `x` along the tangents of the dual numbers it is built on (0 for
    an expression on no dual number)."""
    x = as_value(x)
    duals = [n for n in topological_order([x]) if isinstance(n, Dual)]
    dot, = tangent_nodes([x], duals, [d.seed for d in duals])
    return dot.data
