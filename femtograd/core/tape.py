"""A log-likelihood recorded once per structure, then evaluated on plain numbers.

A model whose log-likelihood is a fixed function of a few inputs (its sufficient
statistics: numbers, and data objects its ops take as keywords) gives the same graph, the
same derivative rules and the same steps for every data set: only the inputs differ. So
the first fit of a structure builds the graph with its inputs as leaves, derives its
gradient and Hessian by the rules and records every step (`Tape.record`); every later fit
of that structure binds its own inputs to the record (`Tape.bind`) and evaluates the
steps into plain floats and arrays, with no graph, no walk and no Value node per step.
Each run of steps is compiled once, when recorded, into one Python function of straight-line
calls (`_compiled`), so an evaluation pays no interpreter loop per step.

The inputs are variable leaves while recording, so no rule folds an input's value into
the record (as it may fold a constant), and a builder that would read an input as a
number (`float(d)`, `if d > 0`) fails there instead of baking it in. A tape is read-only
once recorded; each binding holds its own values, so threads bind and evaluate at once.

The tapes are kept in one cache per process (`tape_for`), on purpose: what a fit of a
structure saves is the recording and compiling that an earlier fit of it did, so the cache
must outlive every fit, generator and graph (none of which is shared between two data sets
of a structure). It cannot go stale: a tape is a function of its key alone (the family's
class itself, its options and the statistics' layout; no value of any data set), and is never
changed once recorded. It cannot race: inserting and clearing hold a lock, and threads that
find a structure unrecorded at once each record the same steps, so either record serves.
"""

import threading
from keyword import iskeyword

import numpy as np

from . import ops
from .derivatives import _Slot, _derive, _every_node, _is_plain
from .value import Value

_TAPES = {}  # key -> Tape, or None when the structure cannot be recorded
_TAPES_LOCK = threading.Lock()
_MAX_TAPES = 256
_MISSING = object()
# Arithmetic written as Python's operator in a compiled run: what these ops' forwards compute
# first (`ops._on_floats`); they go to numpy only to redo a non-finite result, which IEEE
# arithmetic gives the same, and never raise (division can: it stays a call).
_INFIX = {ops.add.forward: "+", ops.subtract.forward: "-", ops.multiply.forward: "*"}
_PREFIX = {ops.negative.forward: "-"}


def tape_for(key, build, at, inputs):
    """The tape of structure `key` (hashable), recorded on first use at the parameters `at`
    from the data set `inputs` (see `Tape.record`); None when the structure cannot be
    recorded (an op whose rules read data, or data the inputs do not hold)."""
    tape = _TAPES.get(key, _MISSING)
    if tape is _MISSING:
        tape = Tape.record(build, at, inputs)
        with _TAPES_LOCK:  # threads recording at once keep the cache within its bound
            if len(_TAPES) >= _MAX_TAPES:
                _TAPES.clear()
            _TAPES[key] = tape
    return tape


class Tape:
    """The steps of a log-likelihood and of its gradient and Hessian over the positions
    0..p-1 (the parameters), p..p+m-1 (the inputs) and then one per step.

    A step is `(position, forward, argument positions, keywords)`: a keyword that is an
    input object holds a `_Slot` naming the input's position; a constant the rules made is
    `(position, None, node, None)`, its node shared by every binding. `fixed` holds the
    steps that do not depend on the parameters (computed once per binding); `moving[k]`
    those that do, for the value (k = 0), the gradient (1) and the Hessian (2), each in
    topological order; `runs` holds the same steps compiled, fixed first (`_compiled`).
    """

    __slots__ = ("p", "m", "size", "fixed", "moving", "runs", "value", "grads", "hess")

    @classmethod
    def record(cls, build, at, inputs):
        """The tape of `build(params, inputs)`, a scalar Value from scalar leaves at the values
        `at` and the inputs of one data set (numbers, as leaves, and data objects, as they
        are), or None when its steps would depend on more than the parameters and inputs."""
        params = [Value(float(v)) for v in at]
        p, m = len(params), len(inputs)
        held = [Value(float(v)) if _is_number(v) else v for v in inputs]
        with np.errstate(all="ignore"):
            try:
                out = build(params, held)
            except TypeError:  # it reads an input as a number: not a function of the inputs
                return None  # (the caller builds the graph instead, which says any other)
            if not isinstance(out, Value) or out.shape != ():
                return None
            grads, hess = _derive(out, params)
        leaves = params + [h for h in held if isinstance(h, Value)]
        position = {leaf: i for i, leaf in enumerate(leaves[:p])}
        position.update((h, p + j) for j, h in enumerate(held) if isinstance(h, Value))
        slot_of = {id(v): p + j for j, v in enumerate(held) if not isinstance(v, Value)}
        segments = [_every_node([out], leaves)]
        segments.append(_every_node(grads, [*leaves, *segments[0]]))
        segments.append(_every_node([h for row in hess for h in row],
                                    [*leaves, *segments[0], *segments[1]]))
        tape = cls.__new__(cls)
        tape.p, tape.m = p, m
        tape.fixed, tape.moving = [], ([], [], [])
        moves = [True] * p + [False] * m  # does the position depend on a parameter?
        for k, segment in enumerate(segments):
            for node in segment:
                i = len(moves)
                step = _recorded(i, node, position, slot_of)
                if step is None:
                    return None
                position[node] = i
                moves.append(step[1] is not None and any(moves[a] for a in step[2]))
                (tape.moving[k] if moves[i] else tape.fixed).append(step)
        tape.size = len(moves)
        tape.runs = tuple(map(_compiled, (tape.fixed, *tape.moving)))
        tape.value = position[out]
        tape.grads = [position[g] for g in grads]
        tape.hess = [[position[h] for h in row] for row in hess]
        return tape

    def bind(self, params, inputs):
        """A `Bound` evaluation of this tape for the data set `inputs` at `params`."""
        return Bound(self, params, inputs)


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _recorded(i, node, position, slot_of):
    """The step that computes `node` at position `i` from recorded positions, or None when
    it cannot be recorded: a variable leaf that is no parameter or input, an op whose rules
    read data, or a keyword object that is no input."""
    op = node._op
    if op is None:
        if node._variable:
            return None
        if isinstance(node._data, np.ndarray):
            node._data.flags.writeable = False  # shared by every binding
        return i, None, node, None
    if not op.replayable:
        return None
    kw = node._kw
    if kw:
        kw = dict(kw)
        for name, v in kw.items():
            if not name.isidentifier() or iskeyword(name):
                return None  # (no keyword argument in a compiled call; ops have none such)
            if not _is_plain(v):
                if id(v) not in slot_of:
                    return None
                kw[name] = _Slot(slot_of[id(v)])
    return i, op.forward, tuple([position[a] for a in node._args]), kw or None


def _compiled(steps):
    """A function `run(values)` that computes `steps` in order into the list `values`: one
    straight-line statement per step, `values[i] = forward(values[a], ..., name=...)`, with a
    keyword slot read from `values` and a recorded constant or plain keyword bound by name,
    and `values[a] + values[b]` for the arithmetic in `_INFIX` (`_PREFIX`: `-values[a]`); a
    numpy ufunc's scalar result is made a Python float (`_float`).
    It computes what a loop over the steps would, without the loop's work per step."""
    bound, lines = {"_float": _float}, ["def run(v):", "    pass"]
    for i, forward, args, kw in steps:
        if forward is None:  # a recorded constant
            bound[f"c{i}"] = args._data
            lines.append(f"    v[{i}] = c{i}")
            continue
        if not kw and len(args) == 2 and forward in _INFIX:
            lines.append(f"    v[{i}] = v[{args[0]}] {_INFIX[forward]} v[{args[1]}]")
            continue
        if not kw and len(args) == 1 and forward in _PREFIX:
            lines.append(f"    v[{i}] = {_PREFIX[forward]}v[{args[0]}]")
            continue
        bound[f"f{i}"] = forward
        call = [f"v[{a}]" for a in args]
        for name, v in (kw or {}).items():
            if type(v) is _Slot:
                call.append(f"{name}=v[{v.i}]")
            else:
                bound[f"k{i}_{name}"] = v
                call.append(f"{name}=k{i}_{name}")
        call = f"f{i}({', '.join(call)})"
        lines.append(f"    v[{i}] = " + (f"_float({call})" if isinstance(forward, np.ufunc)
                                           else call))
    exec(compile("\n".join(lines), "<tape>", "exec"), bound)  # noqa: S102 (our own text)
    return bound["run"]


def _float(out):
    """A numpy ufunc's scalar result as a Python float (the same number): the arithmetic the
    later steps do on it is then Python's, not numpy's slower scalar arithmetic."""
    return float(out) if type(out) is np.float64 else out


class Bound:
    """A tape bound to one data set: `evaluate(params, order)` gives (loglik, gradient,
    Hessian rows) in plain floats, recomputing only the steps that depend on the parameters
    when they move, and only up to the order asked for."""

    __slots__ = ("tape", "values", "at", "done", "last")

    def __init__(self, tape, params, inputs):
        self.tape = tape
        values = self.values = [float(v) for v in params]
        values += [float(v) if _is_number(v) else v for v in inputs]
        values += [None] * (tape.size - len(values))
        # the parameters the values are for, up to which order (-2: not even the fixed steps),
        # and the latest result with its order (asked again where an optimizer stopped)
        self.at, self.done, self.last = None, -2, (-1, None)

    def evaluate(self, params, order):
        """(f, gradient list or None, Hessian rows or None) at `params` (a list of floats)."""
        tape, values = self.tape, self.values
        if type(params) is not list:  # (an array would compare element by element)
            params = list(params)
        if params != self.at:  # compared before converting: a read-back converts nothing
            params = [float(v) for v in params]
            values[:tape.p] = params
            self.at, self.done, self.last = params, min(self.done, -1), (-1, None)
        elif self.last[0] >= order:
            return self.last[1]
        if self.done < order:
            with np.errstate(all="ignore"):
                for k in range(self.done + 1, order + 1):  # the fixed steps first (k = -1)
                    tape.runs[k + 1](values)
            self.done = order
        g = [float(values[i]) for i in tape.grads] if order >= 1 else None
        h = [[float(values[i]) for i in row] for row in tape.hess] if order >= 2 else None
        out = float(values[tape.value]), g, h
        self.last = (order, out)
        return out
