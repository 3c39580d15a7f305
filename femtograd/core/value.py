"""The `Value` node: a living expression graph over floats and float64 arrays.

A node is a leaf (a variable made with `val`, or a constant holding data) or the
result of a primitive op applied to other nodes. Every node is computed when it
is built. Assigning `leaf.data = ...` stamps the leaf with a new version; reading
`.data` of a node downstream re-evaluates, in topological order, exactly the
nodes whose inputs carry a newer version than the one they were computed at.
Nodes that depend on no variable (data-only nodes) are computed once and never
again.

A node also remembers the last move it is known to be up to date with
(`_fresh_at`); after a move, reading `.data` or building a new node on top of a
stale one first brings the stale nodes up to date, so no node is ever computed
from stale inputs, and an up-to-date node is read without any walk of the graph.
"""

import sys
import threading

import numpy as np

_ALWAYS = float("inf")  # `_fresh_at` of leaves and data-only nodes: never stale
_new, _ndarray = object.__new__, np.ndarray  # (bound once: node construction is a hot path)


class _Clock:
    """Versions stamped on leaves when they move; `last` is the latest move. One clock for
    every graph (a graph built in one thread may be evaluated in another, as on Dask's
    workers), ticked under a lock: threads moving leaves at once never get one version
    twice, and `last` never goes back (a node would then read as fresh when it is stale)."""

    __slots__ = ("last", "_lock")

    def __init__(self):
        self.last = 0
        self._lock = threading.Lock()

    def tick(self):
        with self._lock:
            self.last += 1
            return self.last


CLOCK = _Clock()


def as_array(x, what="value"):
    """Convert a number, list or numeric array to a float or float64 array.

    Strings, complex numbers and object arrays are a `TypeError` naming the type.
    """
    if isinstance(x, (bool, int, float, np.integer, np.floating, np.bool_)):
        return float(x)
    if isinstance(x, (list, tuple, np.ndarray)) or (hasattr(x, "__array__") and not isinstance(x, Value)):
        try:
            arr = np.asarray(x)
        except ValueError as err:  # ragged lists
            raise TypeError(f"{what} must be numeric; got a ragged {type(x).__name__}") from err
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{what} must be numeric; got an array of dtype {arr.dtype}")
        arr = arr.astype(np.float64, copy=False)
        return float(arr) if arr.ndim == 0 else arr
    raise TypeError(f"{what} must be a number or numeric array; got {type(x).__name__}")


def _own(x):
    """A variable's own read-only copy: an array leaf moves only by assigning `.data`, never
    unseen (by changing the caller's array, or by `leaf.data[i] = ...`)."""
    if isinstance(x, np.ndarray):
        x = x.copy()
        x.flags.writeable = False
    return x


_DROPS_GRADIENT = ("{what} on a femtograd Value would compute with a bare number and drop its "
                   "gradient; use {use} on Values (`.item()` reads the number on purpose)")
# the ufuncs numpy calls for `ndarray (op) Value`, and the ops they are
_ARITHMETIC = {"add": "add", "subtract": "subtract", "multiply": "multiply",
               "divide": "divide", "true_divide": "divide", "power": "power",
               "negative": "negative", "matmul": "matmul"}
# numpy and scipy.special ufuncs whose femtograd op has another name
_RENAMED = {"absolute": "fg.abs", "fabs": "fg.abs", "gammaln": "fg.lgamma", "psi": "fg.digamma",
            "expit": "fg.sigmoid", "log_expit": "fg.log_sigmoid",
            "ndtr": "fg.exp(fg.log_ndtr(x))", "float_power": "**"}
_COMPARISONS = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}


def _suggest(ufunc_name):
    """The femtograd op for a numpy or scipy.special ufunc, as a user would write it."""
    core = sys.modules[__package__]  # femtograd.core, imported by the time a Value exists
    if ufunc_name in _RENAMED:
        return _RENAMED[ufunc_name]
    if hasattr(core, ufunc_name):
        return f"fg.{ufunc_name}"
    return "femtograd's ops (fg.log, fg.exp, fg.where, ...; fg.primitive registers a new one)"


class Value:
    """A node of the expression graph: `.data`, `.grad`, and the ops that built it."""

    __slots__ = ("_data", "grad", "shape", "name", "evaluations",
                 "_op", "_args", "_kw", "_variable", "_version", "_fresh_at", "_grads")
    __pandas_priority__ = 5000  # `Series (op) Value` calls Value's reflected operators

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy meeting a Value: `ndarray (op) Value` is the Value's own operator (numpy
        hands the arithmetic here), and any other ufunc, such as `np.log(value)`, is a
        TypeError naming the femtograd op to use, since numpy cannot carry the gradient."""
        op = _ARITHMETIC.get(ufunc.__name__) if method == "__call__" and not kwargs else None
        if op is not None:
            return getattr(ops, op)(*inputs)
        if "out" in kwargs:
            raise TypeError("a numpy array cannot hold a Value in place (`array += value`); "
                            "write `array = array + value`, which is a Value")
        name = ("np." if getattr(np, ufunc.__name__, None) is ufunc else "scipy.special.") \
            + ufunc.__name__ + ("" if method == "__call__" else f".{method}")
        if ufunc.__name__ in _COMPARISONS:
            raise TypeError(f"{name}: a Value is not compared with numbers; compare "
                            "`value.data` (the number), and choose between Values with fg.where")
        raise TypeError(_DROPS_GRADIENT.format(what=name, use=_suggest(ufunc.__name__)))

    def __init__(self, data, name=None):
        """A variable leaf (what `val` makes): it receives gradients and may be moved."""
        self._init_leaf(_own(as_array(data)), variable=True, name=name)

    def _init_leaf(self, data, variable, name=None):
        self._data = data
        self.shape = data.shape if isinstance(data, np.ndarray) else ()
        self.grad = (np.zeros(self.shape) if self.shape else 0.0) if variable else None
        self.name = name
        self.evaluations = 1
        self._op = None
        self._args = ()
        self._kw = None
        self._variable = variable
        self._version = CLOCK.tick() if variable else 0
        self._fresh_at = _ALWAYS
        self._grads = None

    @classmethod
    def constant(cls, data):
        """A data leaf: no gradient flows to it and it never changes."""
        node = cls.__new__(cls)
        node._init_leaf(data if type(data) is float else as_array(data, "data"), variable=False)
        return node

    @classmethod
    def _from_op(cls, op, args, kw, data):
        """A node computed from `args`, which the caller has brought up to date."""
        node = _new(cls)
        node._data = data
        node.shape = data.shape if isinstance(data, _ndarray) else ()
        node.grad = node.name = node._grads = None
        node.evaluations = 1
        node._op = op
        node._args = args
        node._kw = kw
        version = 0
        for a in args:
            if a._version > version:
                version = a._version
        node._version = version
        if version:  # only variables (and what depends on them) have versions
            node._variable, node._fresh_at = True, CLOCK.last
        else:
            node._variable, node._fresh_at = False, _ALWAYS
        return node

    # -- the living graph -------------------------------------------------
    @property
    def is_leaf(self):
        return self._op is None

    @property
    def is_variable(self):
        """True when the node depends on a leaf made with `val`."""
        return self._variable

    @property
    def data(self):
        if self._fresh_at < CLOCK.last:
            refresh((self,))
        return self._data

    @data.setter
    def data(self, new):
        if self._op is not None or not self._variable:
            raise TypeError("only a leaf made with val() can be assigned; "
                            f"this node is {'a constant' if self._op is None else self._op.name + '(...)'}")
        new = new if type(new) is float else _own(as_array(new))
        if (() if type(new) is float else np.shape(new)) != self.shape:
            raise ValueError(f"cannot assign shape {np.shape(new)} to a leaf of shape {self.shape}")
        self._data = new
        self._version = CLOCK.tick()

    def item(self):
        """The value as a Python float (scalar nodes only)."""
        return float(self.data)

    def __float__(self):
        """The number, for a node no gradient can flow through (a constant or data-only node).

        A node that depends on a `val()` refuses: `math.log(rate)` or `float(rate)` inside a
        log-likelihood would compute with a bare number and silently drop the gradient.
        `.item()` (or `.data`) reads the number on purpose.
        """
        if self._variable:
            raise TypeError(_DROPS_GRADIENT.format(what="float() (or math.log, math.exp, ...)",
                                                   use="fg.log, fg.exp, ..."))
        return float(self.data)

    def __format__(self, spec):
        return format(self.data, spec) if spec else repr(self)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a scalar Value")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("a scalar Value is not iterable")
        return (self[i] for i in range(self.shape[0]))

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    def __repr__(self):
        label = f"{self.name}: " if self.name else ""
        grad = f", grad={self.grad}" if self._op is None and self._variable else ""
        return f"Value({label}data={self.data}{grad})"

    # -- micrograd vocabulary -----------------------------------------------
    def backward(self, seed=None):
        from .derivatives import backward
        backward(self, seed)

    def zero_grad(self):
        from .derivatives import zero_grad
        zero_grad(self)

    # -- operators (the ops themselves live in ops.py) ---------------------
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(other, self)
    def __sub__(self, other): return ops.subtract(self, other)
    def __rsub__(self, other): return ops.subtract(other, self)
    def __mul__(self, other): return ops.multiply(self, other)
    def __rmul__(self, other): return ops.multiply(other, self)
    def __truediv__(self, other): return ops.divide(self, other)
    def __rtruediv__(self, other): return ops.divide(other, self)
    def __pow__(self, other): return ops.power(self, other)
    def __rpow__(self, other): return ops.power(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.negative(self)
    def __pos__(self): return self
    def __abs__(self): return ops.absolute(self)
    def __getitem__(self, index): return ops.take(self, index=index)

    def sum(self, axis=None, keepdims=False): return ops.sum(self, axis=axis, keepdims=keepdims)
    def mean(self, axis=None, keepdims=False): return ops.mean(self, axis=axis, keepdims=keepdims)
    def log(self): return ops.log(self)
    def exp(self): return ops.exp(self)


def as_value(x):
    """`x` itself if it is a Value, otherwise a constant node holding it."""
    return x if isinstance(x, Value) else Value.constant(x)


class Plan:
    """The parameter-dependent nodes under some roots, in topological order.

    `run()` re-evaluates those whose inputs moved since they were computed; the
    order is found once (iteratively, so deep graphs are fine) and reused. When no
    leaf has moved since the last run (or since the nodes were built), it does nothing.
    """

    __slots__ = ("nodes", "_ran_at")

    def __init__(self, roots, after=None):
        """`after`: a Plan whose nodes come first; only what it lacks is walked."""
        known = () if after is None else after.nodes
        self._set([*known, *(n for n in topological_order(roots, set(known))
                             if n._op is not None)])

    @classmethod
    def ordered(cls, nodes):
        """A plan over `nodes`, op nodes already in topological order."""
        plan = cls.__new__(cls)
        plan._set(list(nodes))
        return plan

    def _set(self, nodes):
        last = CLOCK.last
        self.nodes = nodes
        self._ran_at = last if all(n._fresh_at >= last for n in nodes) else -1

    @property
    def current(self):
        """True when no leaf has moved since the last run (or since the nodes were built)."""
        return self._ran_at == CLOCK.last

    def run(self):
        last = CLOCK.last
        if self._ran_at != last:
            _evaluate(self.nodes)
            self._ran_at = last


def _evaluate(nodes):
    """Recompute, in the given (topological) order, the nodes whose inputs moved."""
    last = CLOCK.last
    for node in nodes:
        args = node._args
        version = 0
        for a in args:
            if a._version > version:
                version = a._version
        if version != node._version:
            kw, forward = node._kw, node._op.forward
            if len(args) == 2 and not kw:  # most nodes: a binary op
                node._data = forward(args[0]._data, args[1]._data)
            else:
                data = [a._data for a in args]
                node._data = forward(*data, **kw) if kw else forward(*data)
            node._version = version
            node.evaluations += 1
        node._fresh_at = last


def refresh(nodes):
    """Bring `nodes` up to date, walking only into the stale part of the graph."""
    last = CLOCK.last
    _evaluate(_walk(nodes, lambda node: node._fresh_at < last, set()))


def topological_order(roots, known=None, constants=False):
    """Variable nodes reachable from `roots` (leaves included), inputs first; with
    `constants`, every node (data leaves and data-only nodes too), in an order fixed by the
    graph's structure. The walk stops at nodes in the set `known` (they are left out)."""
    include = (lambda node: True) if constants else (lambda node: node._variable)
    return _walk(roots, include, set() if known is None else known)


def _walk(roots, include, visited):
    """Post-order of the nodes under `roots` for which `include` holds, iteratively (no
    recursion limit), each once: `visited` (the nodes themselves; a Value hashes by
    identity) grows as the walk goes."""
    order = []
    for root in roots:
        if not include(root) or root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root._args))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if include(child) and child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._args)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


from . import ops  # noqa: E402  (ops needs Value defined first)
