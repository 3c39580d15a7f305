"""Reverse mode over the living graph: gradient graphs, `backward`, Hessians.

`grad_nodes(out, wrt)` builds the gradient of `out` as Value nodes, from each
op's derivative rules. Those nodes live like any other: move a leaf and they
re-evaluate. Differentiating them again gives exact second derivatives
(`hessian_nodes`). `derivative_nodes` gives both for a log-likelihood, rebuilding
them from a record when a graph of the same structure was differentiated before
(a small fit's fixed cost is mostly building these nodes).
"""

import inspect
import threading

import numpy as np

from .ops import accumulate, broadcast_to, where
from .primitive import is_plain as _is_plain, sharing, unbroadcast
from .value import CLOCK, Plan, Value, as_array, refresh, topological_order


def grad_nodes(out, wrt, seed=None):
    """Gradient of `out` with respect to each node in `wrt`, as Value nodes of their shapes."""
    seed = Value.constant(1.0) if seed is None else _as_seed(seed, out.shape)
    with sharing():
        return _reverse(out, seed, wrt, topological_order([out]))


def hessian_nodes(grads, wrt):
    """The Hessian as rows of nodes: `grads[i]` (a gradient from `grad_nodes(out, wrt)`)
    differentiated with respect to `wrt[i:]`, mirrored into the lower triangle.

    One topological order of the gradient graph serves every row; after the first,
    a row's sweep goes only into nodes that depend on the leaves it still needs.
    """
    order = topological_order(grads)
    p = len(wrt)
    rows = [[None] * p for _ in range(p)]
    with sharing():  # one node for an expression two rows build
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
    node or only into those in `needed`.

    `where(c, x, y)` passes x a gradient that is 0 where c is false, but a rule beneath x
    may multiply that 0 by an infinite local derivative (log x at x = 0, the branch not
    taken): 0·∞ is NaN. Elementwise rules keep each element in its place, so the sweep
    lets such values ride inside the selection and puts them back to 0 where a gradient
    leaves it: summed to a smaller shape, into an op that mixes elements, added to a
    gradient from elsewhere, or returned. `masks` holds, for each node whose gradient
    comes only from inside selections (and has its shape), their conditions. So the
    branch not taken cannot poison the gradient, nor the Hessian, whose sweep meets the
    same wheres in the gradient graph; a graph without `where` is swept as before. (The
    protection reaches back through elementwise ops; a pole beyond an op that moves
    elements, such as log(x) reshaped or indexed inside the branch, is not covered.)"""
    grads = {out: seed}  # keyed by the nodes themselves: Values hash by identity
    masks = {}  # node -> ((condition, taken when true), ...) its gradient lies inside
    for node in reversed(order):
        g = grads.get(node)
        if g is None or node._op is None:
            continue
        op = node._op
        args, kw = node._args, node._kw or {}
        mask = masks.get(node) if masks else None
        if mask is not None and not op.elementwise:  # the op mixes elements: leave here
            g, mask = _masked(g, mask), None
        for i, (arg, vjp) in enumerate(zip(args, op.vjps)):
            if vjp is None or not arg._variable or (needed is not None and arg not in needed):
                continue
            contribution = vjp(g, node, *args, **kw)
            inner = mask
            if op.elementwise and node.shape != arg.shape:
                # only broadcasting ops need summing back to the input's shape
                if mask is not None:
                    contribution = _masked(contribution, mask)
                contribution = unbroadcast(contribution, node.shape, arg.shape)
                inner = None
            elif op is where:
                inner = (mask or ()) + ((args[0], i == 1),)
            prior = grads.get(arg)
            if prior is None:
                grads[arg] = contribution
                if inner is not None:
                    masks[arg] = inner
                continue
            before = masks.get(arg) if masks else None
            if before != inner:  # gradients from different selections: each leaves its own
                if before is not None:
                    prior = _masked(prior, masks.pop(arg))
                if inner is not None:
                    contribution = _masked(contribution, inner)
            grads[arg] = accumulate(prior, contribution)
    result = []
    for w in wrt:
        g = grads.get(w)
        if g is None:
            g = Value.constant(np.zeros(w.shape) if w.shape else 0.0)
        else:
            if masks and w in masks:
                g = _masked(g, masks[w])
            if g.shape != w.shape:
                g = broadcast_to(g, shape=w.shape)
        result.append(g)
    return result


def _masked(g, mask):
    """`g`, 0 outside every selection of `mask`."""
    for condition, taken in mask:
        g = where(condition, g, 0.0) if taken else where(condition, 0.0, g)
    return g


# -- derivative graphs replayed for graphs of the same structure --------------------------
def derivative_nodes(out, wrt, lazy=False):
    """(gradient, Hessian rows, orders) of scalar `out` with respect to `wrt`: the nodes
    `grad_nodes` and `hessian_nodes` build, and for k = 0, 1, 2 the parameter-dependent
    nodes up to derivative k (`out`'s own graph, then the gradient's, then the
    Hessian's) in topological order, for `Plan.ordered`.

    The derivative rules see a graph's structure only: its ops, wiring, keywords,
    shapes, which nodes are variable, and whether a scalar constant is exactly 1 (see
    `core.primitive`). So the first time a structure is seen the nodes the rules
    build are recorded, and for a later graph of the same structure (the same model
    on other data) they are rebuilt from that record: the same ops on the
    corresponding nodes, each computed from its operands as the rules' node would be.

    With `lazy`, a graph whose structure was recorded gets a `Program` instead: the same
    values in plain floats and arrays, its Value nodes made only when asked for.
    """
    if out._fresh_at < CLOCK.last:
        refresh([out])
    structure = _structure(out, wrt)
    if structure is None:
        return _build_derivatives(out, wrt)
    key, base, slots = structure
    template = _TEMPLATES.get(key, _MISSING)
    if template is _MISSING:
        grads, hess = _derive(out, wrt)
        template, built = _Template.record(base, slots, grads, hess)
        with _TEMPLATES_LOCK:  # threads recording at once keep the cache within its bound
            if len(_TEMPLATES) >= _MAX_TEMPLATES:
                _TEMPLATES.clear()
            _TEMPLATES[key] = template
        if template is None:
            return grads, hess, _orders(out, grads, hess)
        return grads, hess, template.orders([*base, *built])
    if template is None:  # this structure builds nodes the record cannot express
        return _build_derivatives(out, wrt)
    if lazy:
        return Program(template, base, slots)
    return template.replay(base, slots)


def _derive(out, wrt):
    """(gradient, Hessian rows) by the rules."""
    with sharing():  # the gradient's and the Hessian's rules share their nodes
        grads = grad_nodes(out, wrt)
        return grads, hessian_nodes(grads, wrt)


def _build_derivatives(out, wrt):
    grads, hess = _derive(out, wrt)
    return grads, hess, _orders(out, grads, hess)


def _orders(out, grads, hess):
    order0 = Plan([out]).nodes
    order1 = Plan(grads, after=Plan.ordered(order0)).nodes
    order2 = Plan([h for row in hess for h in row], after=Plan.ordered(order1)).nodes
    return order0, order1, order2


_TEMPLATES = {}  # structure key -> _Template, or None when the structure is not replayable;
# shared by threads: a template is read-only once recorded (a replay builds new nodes)
_TEMPLATES_LOCK = threading.Lock()
_MAX_TEMPLATES = 256
_MISSING = object()


def _every_node(roots, known=()):
    """Every node under `roots` (constants too) but those in `known`, inputs first, in an
    order fixed by the structure."""
    return topological_order(roots, set(known), constants=True)


def _kw_key(kw, slots, slot_of):
    """A keyword dict as the rules may see it: plain values by type and value, any other
    object (data such as an ExpMomentData) by its slot, numbered in order of first use."""
    items = []
    for name, v in kw.items():
        if _is_plain(v):
            items.append((name, type(v), v))
        else:
            slot = slot_of.get(id(v))
            if slot is None:
                slot = slot_of[id(v)] = len(slots)
                slots.append(v)
            items.append((name, _Slot, _Slot(slot)))
    return tuple(items)


class _Slot:
    """A keyword value that is data: the slot holding it in a graph's structure."""

    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __eq__(self, other):
        return type(other) is _Slot and other.i == self.i

    def __hash__(self):
        return hash((_Slot, self.i))

    def __repr__(self):
        return f"slot{self.i}"


def _structure(out, wrt):
    """(key, nodes, slots) of the graph under `out`, or None when it has a variable leaf
    outside `wrt` or an op that is not replayable: the key holds everything derivative
    rules may look at."""
    index = {w: i for i, w in enumerate(wrt)}
    position, key, slots, slot_of = {}, [], [], {}
    nodes = _every_node([out])
    for n, node in enumerate(nodes):
        op = node._op
        if op is None:
            if node._variable:
                i = index.get(node)
                if i is None:
                    return None
                item = ("leaf", i, node.shape)
            else:
                item = ("constant", node.shape, node.shape == () and node._data == 1.0)
        elif not op.replayable:
            return None
        else:
            item = (op, tuple([position[a] for a in node._args]),
                    _kw_key(node._kw, slots, slot_of) if node._kw else (), node.shape,
                    node._variable)
        position[node] = n
        key.append(item)
    return (tuple(key), len(wrt)), nodes, slots


class _Template:
    """The nodes derivative rules built on one graph, as steps over that graph's nodes.

    A step is `(op, argument positions, keywords)`, or `(None, node, None)` for a constant
    the rules made: that node itself, shared by every replay (a constant never changes).
    `variable` lists the positions of the parameter-dependent op nodes, inputs first;
    the first `ends[0]` are the graph's own, the first `ends[1]` also the gradient's.
    """

    __slots__ = ("steps", "grads", "hess", "variable", "ends", "slotted")

    def __init__(self, steps, grads, hess, variable, ends):
        self.steps, self.grads, self.hess = steps, grads, hess
        self.variable, self.ends = variable, ends
        # the steps whose keywords hold a slot: the only ones a new graph changes
        self.slotted = [i for i, (_, _, kw) in enumerate(steps)
                        if kw and any(type(v) is _Slot for v in kw.values())]

    def resolved(self, slots):
        """The steps with each keyword slot holding its object from `slots` (a new graph's)."""
        steps = list(self.steps)
        for i in self.slotted:
            op, args, kw = steps[i]
            steps[i] = (op, args, {name: (slots[v.i] if type(v) is _Slot else v)
                                   for name, v in kw.items()})
        return steps

    @classmethod
    def record(cls, base, slots, grads, hess):
        """(template, built): the template of (grads, hess) built on the nodes `base`, and
        the nodes the rules built, in order; the template is None when a built node uses
        a node or keyword object from outside the graph, or an op that is not replayable."""
        position = {node: i for i, node in enumerate(base)}
        slot_of = {id(v): i for i, v in enumerate(slots)}
        built = _every_node(grads, base)  # the gradient's nodes first
        grad_steps = len(built)
        built += _every_node([h for row in hess for h in row], [*base, *built])
        steps = []
        for node in built:
            position[node] = len(base) + len(steps)
            if node._op is None:
                if node._variable:
                    return None, built
                if isinstance(node._data, np.ndarray):
                    node._data.flags.writeable = False  # shared by every replay
                steps.append((None, node, None))
                continue
            if not node._op.replayable:
                return None, built
            kw = node._kw
            if kw:
                kw = {name: (_Slot(slot_of[id(v)]) if id(v) in slot_of else v)
                      for name, v in kw.items()}
                if not all(type(v) is _Slot or _is_plain(v) for v in kw.values()):
                    return None, built
            steps.append((node._op, tuple([position[a] for a in node._args]), kw))
        nodes = [*base, *built]
        variable = [i for i, n in enumerate(nodes) if n._op is not None and n._variable]
        ends = (sum(1 for i in variable if i < len(base)),
                sum(1 for i in variable if i < len(base) + grad_steps))
        template = cls(steps, [position[g] for g in grads],
                       [[position[h] for h in row] for row in hess], variable, ends)
        return template, built

    def replay(self, base, slots):
        """(gradient, Hessian rows, orders) as new Value nodes on the graph whose nodes are
        `base` and keyword objects `slots` (each computed as its recorded step says)."""
        nodes = list(base)
        for op, args, kw in self.resolved(slots):
            if op is None:
                nodes.append(args)  # the recorded constant
                continue
            operands = tuple([nodes[i] for i in args])
            data = [a._data for a in operands]
            nodes.append(Value._from_op(op, operands, kw or None,
                                        op.forward(*data, **kw) if kw else op.forward(*data)))
        return ([nodes[i] for i in self.grads], [[nodes[i] for i in row] for row in self.hess],
                self.orders(nodes))

    def orders(self, nodes):
        """The parameter-dependent op nodes up to derivative 0, 1 and 2, in topological
        order (`nodes`: the graph's, then those built for the gradient and the Hessian)."""
        order2 = [nodes[i] for i in self.variable]
        return order2[:self.ends[0]], order2[:self.ends[1]], order2


class Program:
    """A recorded derivative program on a new graph of its structure (`derivative_nodes` with
    `lazy`), evaluated into plain floats and arrays: what `_Template.replay` would compute,
    step by step, without a Value node per step. A fit reads its gradient and Hessian here;
    `nodes()` makes the Value nodes when someone asks for them (at the current leaves).

    Steps that do not depend on the parameters are computed once; on `evaluate`, the graph's
    own nodes are brought up to date (`Plan`) and the parameter-dependent steps up to the order
    asked for are computed again, in the recorded (topological) order.
    """

    __slots__ = ("template", "base", "slots", "steps", "values", "plan", "moving", "by_order",
                 "_at")

    def __init__(self, template, base, slots):
        self.template, self.base, self.slots = template, base, slots
        self.steps = template.resolved(slots)
        variable, ends = template.variable, template.ends
        self.plan = Plan.ordered([base[i] for i in variable[:ends[0]]])
        self.moving = [i for i, node in enumerate(base) if node._variable]
        self.by_order = (variable[ends[0]:ends[1]], variable[ends[1]:])
        values = [node._data for node in base]
        for op, args, kw in self.steps:  # every step once, at the graph's current values
            values.append(_step(op, args, kw, values))
        self.values = values
        self._at = (CLOCK.last, 2)  # (clock, highest order) the values are current for

    def evaluate(self, order):
        """(gradient values, Hessian rows of values) at the leaves' current values, for
        `order` 1 or 2 (None for the Hessian when `order` is 1)."""
        at, done = self._at
        values, template = self.values, self.template
        if at != CLOCK.last or done < order:
            if at != CLOCK.last:
                self.plan.run()
                base = self.base
                for i in self.moving:
                    values[i] = base[i]._data
                done = 0
            first, steps = len(self.base), self.steps
            for k in range(done, order):
                for i in self.by_order[k]:
                    op, args, kw = steps[i - first]
                    values[i] = _step(op, args, kw, values)
            self._at = (CLOCK.last, max(done, order))
        grads = [values[i] for i in template.grads]
        hess = [[values[i] for i in row] for row in template.hess] if order >= 2 else None
        return grads, hess

    def nodes(self):
        """(gradient, Hessian rows, orders) as Value nodes, as `derivative_nodes` gives them."""
        return self.template.replay(self.base, self.slots)


def _step(op, args, kw, values):
    """One recorded step on plain values: a recorded constant's data, or the op's forward."""
    if op is None:
        return args._data
    if kw:
        return op.forward(*[values[i] for i in args], **kw)
    if len(args) == 2:
        return op.forward(values[args[0]], values[args[1]])
    return op.forward(*[values[i] for i in args])


def _as_seed(seed, shape):
    seed = seed if isinstance(seed, Value) else Value.constant(seed)
    if seed.shape != shape:
        raise ValueError(f"seed gradient has shape {seed.shape} but the node has shape {shape}")
    return seed


def leaves(out):
    """The variable leaves (made with `val`) that `out` depends on."""
    if not isinstance(out, Value):
        raise TypeError(f"leaves() takes a Value; got {type(out).__name__}")
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
            grads = grad_nodes(out, wrt)
            out._grads = (wrt, grads, Plan(grads))
        wrt, grads, plan = out._grads
    else:
        wrt = leaves(out)
        grads = grad_nodes(out, wrt, seed)
        plan = Plan(grads)
    plan.run()
    for leaf, g in zip(wrt, grads):
        leaf.grad = leaf.grad + g._data


def zero_grad(out):
    """Set `.grad` of every variable leaf under `out` to zero."""
    if not isinstance(out, Value):
        raise TypeError(f"zero_grad() takes a Value (the log-likelihood, or a leaf); "
                        f"got {type(out).__name__}")
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
