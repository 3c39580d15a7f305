"""Reverse mode over the living graph: gradient graphs, `backward`, Hessians.

`grad_nodes(out, wrt)` builds the gradient of `out` as Value nodes, from each
op's derivative rules. Those nodes live like any other: move a leaf and they
re-evaluate. Differentiating them again gives exact second derivatives.
"""

import inspect

import numpy as np

from .primitive import unbroadcast
from .value import Plan, Value, as_array, topological_order


def grad_nodes(out, wrt, seed=None, order=None):
    """Gradient of `out` with respect to each node in `wrt`, as Value nodes of their shapes.

    `order`: the nodes under `out` in topological order, when the caller has them (a
    `Plan`'s nodes; leaves and nodes `out` does not depend on may be in or out).
    """
    seed = Value.constant(1.0) if seed is None else _as_seed(seed, out.shape)
    return _reverse(out, seed, wrt, topological_order([out]) if order is None else order)


def hessian_nodes(grads, wrt, order=None):
    """The Hessian as rows of nodes: `grads[i]` (a gradient from `grad_nodes(out, wrt)`)
    differentiated with respect to `wrt[i:]`, mirrored into the lower triangle.

    One topological order of the gradient graph (`order`, as in `grad_nodes`) serves
    every row; after the first, a row's sweep goes only into nodes that depend on the
    leaves it still needs.
    """
    order = topological_order(grads) if order is None else order
    p = len(wrt)
    rows = [[None] * p for _ in range(p)]
    for i, g in enumerate(grads):
        needed = _depending_on(order, wrt[i:]) if i else None
        for j, h in enumerate(_reverse(g, Value.constant(1.0), wrt[i:], order, needed),
                              start=i):
            rows[i][j] = rows[j][i] = h
    return rows


def _depending_on(order, wrt):
    """The nodes of `order` (topological) that depend on a node of `wrt`, and those."""
    found = set(wrt)
    for node in order:
        for a in node._args:
            if a in found:
                found.add(node)
                break
    return found


def _reverse(out, seed, wrt, order, needed=None):
    """One reverse sweep from `out` over `order` (a topological order of a graph holding
    `out`; nodes that `out` does not depend on are passed over), into every variable
    node or only into those in `needed`."""
    grads = {out: seed}  # keyed by the nodes themselves: Values hash by identity
    for node in reversed(order):
        g = grads.get(node)
        if g is None or node._op is None:
            continue
        op = node._op
        args, kw = node._args, node._kw or {}
        for arg, vjp in zip(args, op.vjps):
            if vjp is None or not arg._variable or (needed is not None and arg not in needed):
                continue
            contribution = vjp(g, node, *args, **kw)
            if op.elementwise and node.shape != arg.shape:
                # only broadcasting ops need summing back to the input's shape
                contribution = unbroadcast(contribution, node.shape, arg.shape)
            prior = grads.get(arg)
            grads[arg] = contribution if prior is None else prior + contribution
    result = []
    for w in wrt:
        g = grads.get(w)
        if g is None:
            g = Value.constant(np.zeros(w.shape) if w.shape else 0.0)
        elif g.shape != w.shape:
            from .ops import broadcast_to
            g = broadcast_to(g, shape=w.shape)
        result.append(g)
    return result


def _as_seed(seed, shape):
    seed = seed if isinstance(seed, Value) else Value.constant(seed)
    if seed.shape != shape:
        raise ValueError(f"seed gradient has shape {seed.shape} but the node has shape {shape}")
    return seed


def leaves(out):
    """The variable leaves (made with `val`) that `out` depends on."""
    return [n for n in topological_order([out]) if n._op is None]


def backward(out, seed=None):
    """Accumulate d(out)/d(leaf) into `.grad` of every variable leaf under `out`.

    The gradient graph is built once per node and re-evaluated on later calls, so
    a loop that moves a leaf and calls `backward` again stays exact.
    """
    if not isinstance(out, Value):
        raise TypeError(f"backward() takes a Value; got {type(out).__name__}")
    if seed is None and out.shape != ():
        raise ValueError(f"backward() of a non-scalar node (shape {out.shape}) needs an explicit "
                         "seed gradient of that shape")
    if seed is None:
        if out._grads is None:
            wrt = leaves(out)
            out._grads = (wrt, grad_nodes(out, wrt), None)
        wrt, grads, plan = out._grads
        if plan is None:
            plan = Plan(grads)
            out._grads = (wrt, grads, plan)
    else:
        wrt = leaves(out)
        grads = grad_nodes(out, wrt, seed)
        plan = Plan(grads)
    plan.run()
    for leaf, g in zip(wrt, grads):
        leaf.grad = leaf.grad + g._data


def zero_grad(out):
    """Set `.grad` of every variable leaf under `out` to zero."""
    for leaf in leaves(out):
        leaf.grad = np.zeros(leaf.shape) if leaf.shape else 0.0


# -- derivatives of plain functions -----------------------------------------------
def _bind(f, params):
    """Scalar leaves for `params` (a sequence, or a dict keyed by f's argument names)."""
    if isinstance(params, dict):
        names = list(inspect.signature(f).parameters)
        unknown = [k for k in params if k not in names]
        if unknown:
            raise ValueError(f"unknown parameter name(s) {unknown}; {f.__name__} takes {names}")
        missing = [k for k in names[:len(params)] if k not in params]
        if missing:
            raise ValueError(f"missing parameter(s) {missing} for {f.__name__}")
        values = [params[k] for k in names[:len(params)]]
    else:
        values = list(params) if isinstance(params, (list, tuple, np.ndarray)) else [params]
    leaves_ = [Value(as_array(v, "a parameter")) for v in values]
    for leaf in leaves_:
        if leaf.shape != ():
            raise ValueError(f"each parameter must be a scalar; got shape {leaf.shape}")
    out = f(*leaves_)
    if not isinstance(out, Value) or out.shape != ():
        raise ValueError("f must return a scalar Value; got "
                         f"{type(out).__name__} of shape {np.shape(getattr(out, 'data', out))}")
    return leaves_, out


def gradient(f, params):
    """The gradient of scalar `f` at `params`, as a numpy array (p,)."""
    xs, out = _bind(f, params)
    return np.array([g.data for g in grad_nodes(out, xs)], dtype=float)


def hessian(f, params):
    """The exact Hessian of scalar `f` at `params`: the gradient graph differentiated again."""
    xs, out = _bind(f, params)
    return np.array([[h.data for h in row] for row in hessian_nodes(grad_nodes(out, xs), xs)],
                    dtype=float).reshape(len(xs), len(xs))


def hvp(f, params, v):
    """Hessian-vector product H·v of `f` at `params`, without forming H."""
    xs, out = _bind(f, params)
    v = np.asarray(v, dtype=float)
    if v.shape != (len(xs),):
        raise ValueError(f"v must have shape ({len(xs)},); got {v.shape}")
    gs = grad_nodes(out, xs)
    directional = gs[0] * float(v[0])
    for g, vi in zip(gs[1:], v[1:]):
        directional = directional + g * float(vi)
    return np.array([h.data for h in grad_nodes(directional, xs)], dtype=float)
