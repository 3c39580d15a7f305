"""The op registry: a primitive is a forward function beside its derivative rules.

`primitive(name, forward, *vjps)` registers an op and returns it; calling the op
on Values, numbers or arrays builds a graph node. Each vjp is
`vjp(g, ans, *args, **kw) -> Value`: given the gradient `g` flowing into the
node `ans`, the gradient for one argument, written in Value ops so that it can
be differentiated again. `g` may be any shape that broadcasts to the node's
shape (it stands for its broadcast). For an elementwise op (the default), whose
arguments broadcast against each other, `unbroadcast` then sums the vjp's result
back to the argument's shape, once for every such op. An op registered with
`elementwise=False` (reductions, reshapes, indexing) changes shape in its own way:
its vjp returns a gradient of the argument's shape, or one that broadcasts to it.

A vjp that looks only at shapes, keywords and whether `g` is the constant 1 (`scaled`
in ops.py), and reaches the data only through Value ops, builds nodes that depend on
the graph's structure alone; an op registered with `replayable=True` declares that its
rules are of that kind, and `derivative_nodes` then replays them for another graph of
the same structure (the same model on other data). The default is False: a rule that
reads its arguments' `.data` (as micrograd's rules do) would otherwise be replayed with
the first graph's numbers on every later fit. The core's own ops all declare it.
"""

import threading

import numpy as np

from .value import CLOCK, Value, as_value, refresh

REGISTRY = {}


class Primitive:
    """A registered op; calling it builds a node."""

    def __init__(self, name, forward, vjps, elementwise, replayable):
        self.name = name
        self.forward = forward
        self.vjps = vjps
        self.elementwise = elementwise
        self.replayable = replayable

    def __call__(self, *args, **kw):
        if SHARED.table is not None:
            key = _share_key(self, args, kw)
            if key is not None:
                node = SHARED.table.get(key)
                if node is None:
                    node = SHARED.table[key] = self._build(args, kw)
                return node
        return self._build(args, kw)

    def _build(self, args, kw):
        last = CLOCK.last
        nodes, data, stale = [], [], False
        for a in args:
            if type(a) is not Value:
                a = as_value(a)
            if a._fresh_at < last:  # a leaf moved since `a` was computed
                stale = True
            nodes.append(a)
            data.append(a._data)
        if self.elementwise and len(nodes) > 1:
            _check_broadcast(self.name, nodes)
        if stale:  # never build on stale data
            refresh(nodes)
            data = [a._data for a in nodes]
        out = self.forward(*data, **kw) if kw else self.forward(*data)
        return Value._from_op(self, tuple(nodes), kw or None, out)

    def __repr__(self):
        return f"<primitive {self.name}>"


class _Shared(threading.local):
    """While derivative rules build nodes (`sharing()`), one node per (op, operands,
    keywords): the same expression built twice (1 − sigmoid(z) in two Hessian rows) is one
    node, one pass over the data. Operands are Values by identity (the table keeps them
    alive) or the literal numbers rules write; keyword values are plain values by value and
    any other object (data, such as an index) by identity, as a structure's key tells them
    apart: a structure's rules share the same nodes each time, so the nodes stay replayable.
    The table is per thread: a thread deriving one graph never shares (or records) the
    nodes another thread builds at the same time."""

    def __init__(self):
        self.table = None


SHARED = _Shared()


class sharing:
    """Context: nodes built inside are shared by (op, operands, keywords)."""

    def __enter__(self):
        self.outer = SHARED.table
        if self.outer is None:
            SHARED.table = {}

    def __exit__(self, *exc):
        SHARED.table = self.outer


def _share_key(op, args, kw):
    key = [op]
    for a in args:
        if type(a) is Value:
            key.append(id(a))
        elif type(a) is float or type(a) is int:
            key.append((float, float(a)))
        else:
            return None
    if kw:  # an object equal to another is not the same data (np.int64(1) in two slots)
        key.append(tuple(sorted((name, v if is_plain(v) else _Identity(v))
                                for name, v in kw.items())))
    return tuple(key)


class _Identity:
    """A keyword object in a sharing key: equal only to itself (the node keeps it alive)."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return type(other) is _Identity and other.v is self.v

    def __hash__(self):
        return id(self.v)


_PLAIN = (int, float, bool, str, type(None))


def is_plain(v):
    """A keyword value rules may branch on: a number, string, None, or a tuple of those."""
    return isinstance(v, _PLAIN) or (isinstance(v, tuple) and all(isinstance(e, _PLAIN) for e in v))


def primitive(name, forward, *vjps, elementwise=True, replayable=False):
    """Register an op: `forward` on numpy data, one vjp per argument (None: no gradient).

    `replayable=True` declares that every vjp reaches the data only through Value ops
    (never `.data`), so its derivative nodes may be replayed for graphs of the same
    structure; without it they are built afresh for every graph, which is always right.
    """
    if name in REGISTRY:
        raise ValueError(f"a primitive named {name!r} is already registered")
    op = Primitive(name, forward, vjps, elementwise, replayable)
    REGISTRY[name] = op
    return op


def _check_broadcast(name, args):
    shape = ()
    for a in args:  # the common cases, equal shapes and scalars, need no numpy call
        if a.shape and a.shape != shape:
            if shape:
                break
            shape = a.shape
    else:
        return
    try:
        np.broadcast_shapes(*(a.shape for a in args))
    except ValueError:
        shapes = " and ".join(str(a.shape) for a in args)
        raise ValueError(f"{name}: shapes {shapes} cannot be broadcast together") from None


def unbroadcast(g, out_shape, in_shape):
    """Sum a gradient standing for shape `out_shape` back to an input's shape.

    `g` may be smaller than `out_shape` (it stands for its broadcast): an axis
    the input lacks is summed where `g` has it and multiplied by its length
    where `g` does not.
    """
    if out_shape == in_shape:
        return g
    from .ops import multiply, reshape, sum as sum_, total
    if not in_shape and g.shape == out_shape:  # a scalar's gradient: the sum of g
        return total(g)
    lead = len(out_shape) - len(in_shape)
    g_shape = (1,) * (len(out_shape) - len(g.shape)) + g.shape
    axes, factor = [], 1
    for ax, n in enumerate(out_shape):
        if ax >= lead and in_shape[ax - lead] == n:
            continue
        if g_shape[ax] == 1:
            factor *= n
        else:
            axes.append(ax)
    if axes:
        g = sum_(reshape(g, shape=g_shape), axis=tuple(axes), keepdims=True)
        g_shape = g.shape
    if lead:
        g = reshape(g, shape=g_shape[lead:])
    return multiply(g, float(factor)) if factor != 1 else g
