"""Objectives: what the optimizers maximize, as functions of an unconstrained vector.

An objective answers `value(x)`, `value_grad(x)` and `value_grad_hess(x)` for a
numpy vector `x` on the optimizer's scale. A non-finite log-likelihood comes back
as -inf, never as an exception: the optimizers treat it as a rejected point.

`GraphObjective` sits on a log-likelihood graph whose leaves are the parameters on
their natural scale. Its gradient and Hessian nodes are built once and then
re-evaluated with `Plan` after the leaves move (for a graph whose structure was seen
before, a `Program` computes the same values without making the nodes, until someone
asks for them: `grads`, `hess`); positive and unit-interval
parameters are seen by the optimizer on log and logit scales through the chain
rule, applied to the natural-scale derivatives in plain floats.
"""

import math

import numpy as np

from ..core import Plan, Value
from ..core.value import CLOCK
from ..core.derivatives import Program, derivative_nodes, grad_nodes
from .transforms import transform_for

NEG_INF = -math.inf


class FunctionObjective:
    """An objective from plain callables: f(x), and optionally grad(x) and hess(x)."""

    def __init__(self, f, grad=None, hess=None):
        self.f, self.grad, self.hess = f, grad, hess

    def value(self, x):
        with np.errstate(all="ignore"):
            v = float(self.f(x))
        return v if math.isfinite(v) else NEG_INF

    def value_grad(self, x):
        f = self.value(x)
        if f == NEG_INF:
            return f, None
        with np.errstate(all="ignore"):
            g = np.asarray(self.grad(x), dtype=float)
        return (f, g) if np.all(np.isfinite(g)) else (NEG_INF, None)

    def value_grad_hess(self, x):
        f, g = self.value_grad(x)
        if f == NEG_INF:
            return f, None, None
        with np.errstate(all="ignore"):
            h = np.asarray(self.hess(x), dtype=float)
        return (f, g, h) if np.all(np.isfinite(h)) else (NEG_INF, None, None)


class Counted:
    """An objective that counts the evaluations made through it (`calls`): each value,
    value-and-gradient or value-gradient-Hessian is one. The optimizers report this count
    as `evaluations`, so every evaluation they make (line-search trials, failed searches,
    saddle escapes) is in it."""

    __slots__ = ("objective", "calls")

    def __init__(self, objective):
        self.objective, self.calls = objective, 0

    def value(self, x):
        self.calls += 1
        return self.objective.value(x)

    def value_grad(self, x):
        self.calls += 1
        return self.objective.value_grad(x)

    def value_grad_hess(self, x):
        self.calls += 1
        return self.objective.value_grad_hess(x)


class GraphObjective:
    """A log-likelihood graph `ll` over scalar leaves, one per parameter (natural scale).

    `constraints` gives each parameter's constraint ("real", "positive", "unit");
    `free` the indices the optimizer moves (the others stay where their leaves are);
    `transform=False` optimizes on the natural scale (leaving the parameter space is
    then a non-finite point). Derivative nodes are shared by every view made with
    `with_free`, so profiling re-uses the graph built for the fit.
    """

    keeps_derivatives = True  # the latest on the optimizer's scale (`_derivatives`)

    def __init__(self, ll, leaves, constraints, free=None, transform=True):
        if not isinstance(ll, Value) or ll.shape != ():
            raise ValueError("the log-likelihood must be a scalar Value; got "
                             f"{type(ll).__name__} of shape {getattr(ll, 'shape', None)}")
        self.ll = ll
        self.leaves = list(leaves)
        self.transforms = [transform_for(c) for c in constraints]
        # last: (CLOCK.last, order, (f, g, h)) of the latest evaluation, see `_read`
        # program: the derivatives as a `Program` (None: not derived yet; False: nodes instead)
        self._shared = {"grads": None, "hess": None, "orders": None, "plans": {}, "last": None,
                        "program": None}
        self._set_free(range(len(self.leaves)) if free is None else free, transform)

    def _set_free(self, free, transform):
        self.free = list(free)
        self.transform = transform
        self._free_transforms = [self.transforms[i] for i in self.free]
        self._view = (tuple(self.free), transform)  # what the optimizer's scale depends on

    def with_free(self, free, transform=None):
        """A view of the same graph that moves only the parameters in `free`."""
        view = object.__new__(type(self))
        view.ll, view.leaves, view.transforms, view._shared = \
            self.ll, self.leaves, self.transforms, self._shared
        view._set_free(free, self.transform if transform is None else transform)
        return view

    # -- the derivative graph, built once -------------------------------------------
    @property
    def grads(self):
        if self._shared["grads"] is None:
            self._build_derivatives()
        return self._shared["grads"]

    @property
    def hess(self):
        """Hessian nodes as a list of rows (upper triangle built, mirrored)."""
        if self._shared["hess"] is None:
            self._build_derivatives()
        return self._shared["hess"]

    def _build_derivatives(self):
        """Gradient and Hessian nodes, both at once (every fit needs the Hessian for its
        standard errors), replayed when a graph of this structure was seen before (from the
        program, if one was made)."""
        s = self._shared
        with np.errstate(all="ignore"):  # nodes are computed as they are built
            if s["program"]:
                s["grads"], s["hess"], s["orders"] = s["program"].nodes()
            else:
                s["grads"], s["hess"], s["orders"] = derivative_nodes(self.ll, self.leaves)
        s["program"] = False  # the nodes serve from now on

    def _program(self):
        """The derivatives as a `Program` while no nodes were made, else None (then nodes)."""
        s = self._shared
        if s["program"] is None:
            with np.errstate(all="ignore"):  # values are computed as the program is made
                made = derivative_nodes(self.ll, self.leaves, lazy=True)
            if isinstance(made, Program):
                s["program"] = made
            else:
                s["grads"], s["hess"], s["orders"] = made
                s["program"] = False
        return s["program"] or None

    def _run(self, order):
        """Bring the nodes up to derivative `order` up to date with the leaves."""
        plan = self._plan(order)
        if not plan.current:
            with np.errstate(all="ignore"):
                plan.run()

    def _plan(self, order):
        """The nodes up to derivative `order` (the orders come with the derivative nodes)."""
        plans = self._shared["plans"]
        if order not in plans:
            if order == 0 and self._shared["orders"] is None:  # no derivative nodes so far
                plans[0] = Plan([self.ll])
            else:
                if self._shared["orders"] is None:
                    self._build_derivatives()
                plans[order] = Plan.ordered(self._shared["orders"][order])
        return plans[order]

    # -- natural scale -----------------------------------------------------------------
    def _point(self):
        """The current natural-scale values, a list of floats."""
        return [float(leaf._data) for leaf in self.leaves]

    @property
    def natural_values(self):
        return np.array(self._point())

    def set_natural(self, values):
        """Move every leaf whose value differs (an unchanged leaf keeps its cache)."""
        for leaf, v in zip(self.leaves, values):
            v = float(v)
            if leaf._data != v:
                leaf.data = v

    def natural(self, x):
        """Full natural-scale parameter vector for optimizer point x (None if outside)."""
        p = self._point()
        for i, t, xi in zip(self.free, self._free_transforms, x):
            xi = float(xi)
            p[i] = t.to_natural(xi) if self.transform else xi
            if not t.contains(p[i]):
                return None
        return p

    def unconstrained(self, natural=None):
        """The optimizer's point for the current leaves (or a natural vector)."""
        natural = self.natural_values if natural is None else natural
        if not self.transform:
            return np.array([float(natural[i]) for i in self.free])
        return np.array([t.to_unconstrained(float(natural[i]))
                         for i, t in zip(self.free, self._free_transforms)])

    def _read(self, natural, order):
        """(f, g, h) at natural-scale values, in plain floats: the log-likelihood, and up to
        derivative `order` the gradient and the Hessian rows over ALL parameters (None
        beyond). The latest is remembered until a leaf moves (any move advances the clock),
        so asking again where the optimizer stopped reads its last evaluation back."""
        self.set_natural(natural)
        last = self._shared["last"]
        if last is not None and last[0] == CLOCK.last and last[1] >= order:
            return last[2]
        program = self._program() if order >= 1 and self._shared["grads"] is None else None
        if program is not None:
            with np.errstate(all="ignore"):
                g, h = program.evaluate(order)
            f = float(self.ll._data)  # (brought up to date by the program's plan)
            g = [float(v) for v in g]
            h = None if h is None else [[float(v) for v in row] for row in h]
        else:
            self._run(order)
            f = float(self.ll._data)
            g = [float(n._data) for n in self.grads] if order >= 1 else None
            h = [[float(n._data) for n in row] for row in self.hess] if order >= 2 else None
        out = (f, g, h)  # the object kept is the one returned: `_derivatives` knows it again
        self._shared["last"] = (CLOCK.last, order, out)
        return out

    def evaluate(self, natural, order=2):
        """Log-likelihood, gradient (p,) and Hessian (p, p) over ALL parameters, natural scale."""
        f, g, h = self._read(natural, order)
        return (f, None if g is None or order < 1 else np.array(g),
                None if h is None or order < 2 else np.array(h))

    # -- the optimizer's view ------------------------------------------------------------
    def value(self, x):
        p = self.natural(x)
        if p is None:
            return NEG_INF
        f = self._read(p, 0)[0]
        return f if math.isfinite(f) else NEG_INF

    def value_grad(self, x):
        f, g, _ = self._derivatives(x, 1)
        return f, g

    def value_grad_hess(self, x):
        return self._derivatives(x, 2)

    def _derivatives(self, x, order):
        """(f, g, H) on the optimizer's scale at x, or (-inf, None, None). The latest is kept
        with the natural-scale evaluation it was made from (`_read`'s result, the same
        object while that evaluation stands): asked again at the same x by a view on the
        same scale (the verdict at the optimizer's end point), it is given back as it is,
        its arrays read-only, instead of applying the chain rule again."""
        p = self.natural(x)
        if p is None:
            return NEG_INF, None, None
        read = self._read(p, order)
        x = np.asarray(x, dtype=float).tolist()
        kept = self._shared.get("chained")
        if kept is not None and kept[0] is read and kept[1] >= order and kept[2] == x and \
                kept[3] == self._view:
            f, g, h = kept[4]
            return f, g, (h if order >= 2 else None)
        out = self._chain(x, read, order)
        if self.keeps_derivatives:
            for a in out[1:]:
                if a is not None:
                    a.flags.writeable = False  # shared by every caller at this point
            self._shared["chained"] = (read, order, x, self._view, out)
        return out

    def _chain(self, x, read, order):
        """The natural-scale evaluation `read` = (f, g, H over every parameter) at the point
        of the optimizer's x (a list), on the optimizer's scale over the free parameters."""
        f, g_all, h_all = read
        if not math.isfinite(f):
            return NEG_INF, None, None
        free, transform = self.free, self.transform
        gn, g, d = [], [], []  # natural-scale gradient, optimizer's, each p's (p, p′, p″)
        for i, t, xi in zip(free, self._free_transforms, x):  # one pass: no list per step
            gi = g_all[i]
            if not math.isfinite(gi):
                return NEG_INF, None, None
            gn.append(gi)
            if transform:  # p = p(x): g_x = g·p′, H_x = p′ H p′ + diag(g·p″)
                d.append(t.derivatives(xi))
                gi *= d[-1][1]
            g.append(gi)
        if order < 2:
            return f, np.array(g), None
        m = len(free)
        h = [[0.0] * m for _ in range(m)]
        for a, i in enumerate(free):  # the upper triangle, mirrored
            row = h_all[i]
            for b in range(a, m):
                v = row[free[b]]
                if self.transform:
                    v *= d[a][1] * d[b][1]
                    if a == b:
                        v += gn[a] * d[a][2]
                if not math.isfinite(v):
                    return NEG_INF, None, None
                h[a][b] = h[b][a] = v
        return f, np.array(g), np.array(h)


class TapeObjective(GraphObjective):
    """A log-likelihood recorded once per structure (`core.tape`) and bound to this data set:
    a GraphObjective's surface (value, value_grad, value_grad_hess, evaluate, natural,
    unconstrained, with_free) over plain numbers. No graph is built (`ll` and `leaves` are
    None); the current point is a list shared with every view."""

    def __init__(self, bound, constraints, values, free=None, transform=True):
        self.ll = self.leaves = None
        self.transforms = [transform_for(c) for c in constraints]
        self._shared = {"bound": bound, "point": [float(v) for v in values]}
        self._set_free(range(len(self.transforms)) if free is None else free, transform)

    def _point(self):
        return list(self._shared["point"])

    def set_natural(self, values):
        self._shared["point"] = [float(v) for v in values]

    def _read(self, natural, order):
        """(f, g, h) as in GraphObjective._read; the bound tape keeps the latest."""
        self.set_natural(natural)
        return self._shared["bound"].evaluate(self._shared["point"], order)


class ArrayGraphObjective(GraphObjective):
    """A log-likelihood graph over leaves of any shape (a vector parameter is one leaf), seen
    by the optimizer as one flat vector of their elements in order; `constraints` has one
    entry per element.

    The gradient is one reverse sweep into every leaf. The Hessian's row for element k is
    the sweep from the k-th element of the gradient, so its nodes (p sweeps, O(p²) numbers)
    are built only when second derivatives are first asked for: L-BFGS never asks. Its
    Hessian may be large (p × p): it is not kept a second time on the optimizer's scale."""

    keeps_derivatives = False

    def __init__(self, ll, leaves, constraints, free=None, transform=True):
        slices = _slices(leaves)
        super().__init__(ll, leaves, constraints,
                         range(slices[-1][1]) if free is None else free, transform)
        self._shared["slices"] = slices

    def _build_derivatives(self):
        s = self._shared
        if s["grads"] is None:
            with np.errstate(all="ignore"):
                s["grads"] = grad_nodes(self.ll, self.leaves)
        return s["grads"]

    @property
    def grads(self):
        return self._build_derivatives()

    @property
    def hess(self):
        """Rows of nodes, one per element: each row holds one node per leaf."""
        s = self._shared
        if s["hess"] is None:
            elements = [g[tuple(int(i) for i in np.unravel_index(k, g.shape))] if g.shape else g
                        for g in self.grads for k in range(max(g.size, 1))]
            with np.errstate(all="ignore"):
                s["hess"] = [grad_nodes(e, self.leaves) for e in elements]
        return s["hess"]

    def _plan(self, order):
        plans = self._shared["plans"]
        if order not in plans:
            roots = ([self.ll], self.grads, [h for row in self.hess for h in row]
                     if order == 2 else None)[order]
            plans[order] = Plan(roots, after=self._plan(order - 1) if order else None)
        return plans[order]

    @property
    def natural_values(self):
        return np.concatenate([np.ravel(leaf._data) for leaf in self.leaves])

    def set_natural(self, values):
        values = np.asarray(values, dtype=float)
        for leaf, (a, b) in zip(self.leaves, self._shared["slices"]):
            new = values[a:b].reshape(leaf.shape) if leaf.shape else float(values[a])
            if not np.array_equal(leaf._data, new):
                leaf.data = new

    def natural(self, x):
        p = self.natural_values
        for i, t, xi in zip(self.free, self._free_transforms, np.asarray(x, dtype=float).tolist()):
            p[i] = t.to_natural(xi) if self.transform else xi
            if not t.contains(p[i]):
                return None
        return p

    def _read(self, natural, order):
        self.set_natural(natural)
        last = self._shared["last"]
        if last is not None and last[0] == CLOCK.last and last[1] >= order:
            return last[2]
        self._run(order)
        f = float(self.ll._data)
        g = _flat(self.grads) if order >= 1 else None
        h = np.array([_flat(row) for row in self.hess]) if order >= 2 else None
        out = (f, g, h)
        self._shared["last"] = (CLOCK.last, order, out)
        return out

    def _chain(self, x, read, order):
        f, g_all, h_all = read
        if not math.isfinite(f):
            return NEG_INF, None, None
        free = np.asarray(self.free)
        gn = g_all[free]
        if not np.all(np.isfinite(gn)):
            return NEG_INF, None, None
        d1 = d2 = None
        if self.transform:
            d = np.array([t.derivatives(xi)[1:] for t, xi in zip(self._free_transforms, x)])
            d1, d2 = d[:, 0], d[:, 1]
        g = gn * d1 if self.transform else gn
        if order < 2:
            return f, g, None
        h = h_all[np.ix_(free, free)]
        if self.transform:
            h = h * np.outer(d1, d1) + np.diag(gn * d2)
        if not np.all(np.isfinite(h)):
            return NEG_INF, None, None
        return f, g, h


def _slices(leaves):
    """(start, stop) of each leaf's elements in the flat vector."""
    out, a = [], 0
    for leaf in leaves:
        b = a + max(int(np.prod(leaf.shape)), 1)
        out.append((a, b))
        a = b
    return out


def _flat(nodes):
    return np.concatenate([np.ravel(n._data) for n in nodes])
