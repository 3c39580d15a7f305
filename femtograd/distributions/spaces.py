"""The parameter spaces: where each parameter may lie, and the unconstrained scale it is
optimized on.

A space knows its ends, whether a value lies inside (`contains` for a float, `inside`
elementwise for an array; NaN never does), how to say so in a message (`message`), how
to move a data-based start inside (`clamp_start`), and its map from an unconstrained x
to the natural-scale p with p'(x) and p''(x), so that a natural-scale gradient g and
Hessian H become g_x = g·p' and H_x = J H J + diag(g·p'') on the optimizer's scale:

- `real`: identity;
- `positive`: p = exp(x);
- `unit`: p = logistic(x);
- `bounded(lo, hi)`: p = lo + (hi − lo)·logistic(x), or lo + exp(x) / hi − exp(−x) with
  one end infinite — for the parameters of a user's own model, and for a parameter bounded by
  the data (a threshold below the smallest failure).

Two vector spaces are spelled by coordinates that each keep a space of their own, so the
optimizer's per-coordinate maps (and their Jacobians) serve them unchanged:

- the simplex (mixture weights): K − 1 `unit` shares by stick-breaking (`simplex_weights`,
  `simplex_shares`);
- `ordered(k, first)`: an increasing vector θ₁ < ... < θ_K as θ₁ (in the space `first`) and
  K − 1 `positive` increments θ_j − θ_{j−1}, so the optimizer sees θ₁ on its own scale and
  the log-increments; `Ordered.clamp_start` is the one place a start is made increasing.

Plain floats: the maps run once per parameter per iteration (`derivatives_of` maps many
points at once, for a batch of bootstrap replicates).
"""

import math

import numpy as np

CONSTRAINTS = ("real", "positive", "unit")


def _logistic(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _exp(x):
    return math.exp(x) if x < 709.0 else math.inf


class Space:
    """An open interval (lower, upper) of the real line, with its unconstrained map."""

    name = None
    lower, upper = -math.inf, math.inf

    def contains(self, p):
        """Is the float `p` inside (a finite value strictly between the ends)?"""
        return self.lower < p < self.upper and math.isfinite(p)

    def inside(self, x):
        """Elementwise `contains` for an array (NaN is never inside)."""
        return (x > self.lower) & (x < self.upper) & np.isfinite(x)

    @property
    def message(self):
        """What a value of this space is, for an error message ("positive", "in (0, 1)")."""
        return f"in ({self.lower:g}, {self.upper:g})"

    def clamp_start(self, v):
        """A data-based start `v` moved inside the space: a non-finite one to a default point,
        one on or beyond an end to just inside it."""
        if not math.isfinite(v):
            return self.default
        return v

    @property
    def default(self):
        """A point inside the space, for a start that came out non-finite."""
        lo, hi = self.lower, self.upper
        if math.isfinite(lo) and math.isfinite(hi):
            return 0.5 * (lo + hi)
        if math.isfinite(lo):
            return lo + 1.0
        return hi - 1.0 if math.isfinite(hi) else 0.0

    def to_unconstrained(self, p):
        raise NotImplementedError

    def to_natural(self, x):
        raise NotImplementedError

    def derivatives(self, x):
        """(p, dp/dx, d2p/dx2) at x."""
        raise NotImplementedError

    def to_unconstrained_of(self, ps):
        """`to_unconstrained` of each point of the array `ps` inside the space, as an array
        (many starts at once, for a batch of bootstrap replicates)."""
        return np.array([self.to_unconstrained(float(p)) for p in np.ravel(ps)], dtype=float)

    def derivatives_of(self, xs):
        """`derivatives` at each of the floats `xs`, as three arrays: many points at once,
        such as a batch of bootstrap replicates (the same numbers to rounding: numpy's exp
        may differ from the math module's in the last bit)."""
        return np.array([self.derivatives(x) for x in xs], dtype=float).reshape(-1, 3).T

    def __repr__(self):
        return self.name if self.name in CONSTRAINTS else f"bounded({self.lower!r}, {self.upper!r})"


class Real(Space):
    name = "real"
    message = "finite"

    def contains(self, p):
        return math.isfinite(p)

    def to_unconstrained(self, p):
        return p

    def to_unconstrained_of(self, ps):
        return np.array(ps, dtype=float)

    def to_natural(self, x):
        return x

    def derivatives(self, x):
        return x, 1.0, 0.0

    def derivatives_of(self, xs):
        x = np.array(xs, dtype=float)
        return x, np.ones(x.size), np.zeros(x.size)


class Positive(Space):
    name = "positive"
    lower = 0.0
    message = "positive"

    def contains(self, p):
        return 0.0 < p < math.inf

    def clamp_start(self, v):
        v = super().clamp_start(v)
        return v if v > 0 else self.default  # no floor: a floor is a unit

    def to_unconstrained(self, p):
        return math.log(p)

    def to_unconstrained_of(self, ps):
        return np.log(ps)

    def to_natural(self, x):
        return _exp(x)

    def derivatives(self, x):
        p = _exp(x)
        return p, p, p

    def derivatives_of(self, xs):
        x = np.array(xs, dtype=float)
        with np.errstate(over="ignore"):
            p = np.exp(x)
        return p, p, p


class Unit(Space):
    name = "unit"
    lower, upper = 0.0, 1.0

    def contains(self, p):
        return 0.0 < p < 1.0

    def clamp_start(self, v):
        return min(max(super().clamp_start(v), 1e-6), 1 - 1e-6)

    def to_unconstrained(self, p):
        return math.log(p) - math.log1p(-p)

    def to_unconstrained_of(self, ps):
        return np.log(ps) - np.log1p(-ps)

    def to_natural(self, x):
        return _logistic(x)

    def derivatives(self, x):
        p = _logistic(x)
        d = p * (1.0 - p)
        return p, d, d * (1.0 - 2.0 * p)


class Bounded(Space):
    """(lo, hi) with either end possibly infinite: a user's own constraint."""

    name = "bounded"

    def __init__(self, lo, hi):
        lo, hi = float(lo), float(hi)
        if math.isnan(lo) or math.isnan(hi) or not lo < hi:
            raise ValueError(f"bounded(lo, hi) needs lo < hi; got ({lo}, {hi})")
        self.lower, self.upper = lo, hi

    def clamp_start(self, v):
        v = super().clamp_start(v)
        return v if self.contains(v) else self._nudge(v)

    def _nudge(self, v):
        """An end (or beyond) moved just inside: by a hundredth of the width, or of |end|+1
        toward the open side."""
        lo, hi = self.lower, self.upper
        if v <= lo:
            step = (hi - lo) / 100 if math.isfinite(hi) else abs(lo) / 100 + 0.01
            return lo + step
        step = (hi - lo) / 100 if math.isfinite(lo) else abs(hi) / 100 + 0.01
        return hi - step

    def to_unconstrained(self, p):
        lo, hi = self.lower, self.upper
        if math.isfinite(lo) and math.isfinite(hi):
            u = (p - lo) / (hi - lo)
            return math.log(u) - math.log1p(-u)
        if math.isfinite(lo):
            return math.log(p - lo)
        if math.isfinite(hi):
            return -math.log(hi - p)
        return p

    def derivatives(self, x):
        lo, hi = self.lower, self.upper
        if math.isfinite(lo) and math.isfinite(hi):
            s = _logistic(x)
            d = (hi - lo) * s * (1.0 - s)
            return lo + (hi - lo) * s, d, d * (1.0 - 2.0 * s)
        if math.isfinite(lo):
            e = _exp(x)
            return lo + e, e, e
        if math.isfinite(hi):
            e = _exp(-x)
            return hi - e, e, -e
        return x, 1.0, 0.0

    def to_natural(self, x):
        return self.derivatives(x)[0]


def bounded(lo, hi):
    """The space (lo, hi), optimized on a logit (both ends finite) or log (one end) scale."""
    return Bounded(lo, hi)


SPACES = {"real": Real(), "positive": Positive(), "unit": Unit()}


def space_for(constraint):
    """The space of a constraint: a name in CONSTRAINTS or a Space (such as `bounded(0, 10)`);
    a clear error for anything else."""
    if isinstance(constraint, Space):
        return constraint
    try:
        return SPACES[constraint]
    except (KeyError, TypeError):
        raise ValueError(f"unknown constraint {constraint!r}; use one of {list(CONSTRAINTS)} "
                         "or bounded(lo, hi)") from None


# -- the simplex: K weights that are positive and sum to 1, as K − 1 shares in (0, 1) --------
def simplex_weights(shares):
    """The weights (w₁, ..., w_K) on the simplex from K − 1 stick-breaking shares, each `unit`:
    w_j = s_j · Π_{i<j} (1 − s_i) and w_K = Π (1 − s_i). The map is one-to-one onto the open
    simplex, so each share is optimized on its own logit scale."""
    weights, rest = [], 1.0
    for s in shares:
        weights.append(rest * s)
        rest *= 1.0 - s
    return weights + [rest]


def simplex_shares(weights):
    """The K − 1 stick-breaking shares of positive weights (normalized to sum to 1), the
    inverse of `simplex_weights`: s_j = w_j / (w_j + ... + w_K)."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size < 2 or not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(f"simplex weights must be two or more positive numbers; got {weights!r}")
    tail = np.cumsum(w[::-1])[::-1]
    return list(w[:-1] / tail[:-1])


# -- ordered: θ₁ < ... < θ_K, as θ₁ and K − 1 positive increments ------------------------------
class Ordered:
    """The increasing vectors of length k whose entries lie in `first` (a space unbounded
    above, so that adding a positive increment stays inside), spelled as coordinates
    (θ₁, θ₂ − θ₁, ..., θ_K − θ_{K−1}) with constraints (first, positive, ..., positive)."""

    def __init__(self, k, first="real"):
        self.first, self._first = space_for(first), first
        if k < 2:
            raise ValueError(f"ordered needs two or more entries; got {k}")
        if self.first.upper != math.inf:
            raise ValueError(f"ordered entries need a space unbounded above (an increment must "
                             f"stay inside); got {self.first!r}")
        self.k = k

    @property
    def constraints(self):
        """The coordinates' constraints: θ₁'s space, then "positive" for each increment."""
        return (self._first,) + ("positive",) * (self.k - 1)

    @staticmethod
    def values(coordinates):
        """θ from its coordinates (θ₁, increments): cumulative sums, for floats or Values."""
        out = [coordinates[0]]
        for d in coordinates[1:]:
            out.append(out[-1] + d)
        return out

    def coordinates(self, values):
        """(θ₁, θ₂ − θ₁, ...) of a strictly increasing θ inside the space; else a ValueError."""
        v = [float(t) for t in values]
        if len(v) != self.k or not all(self.first.contains(t) for t in v) or \
                any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError(f"ordered values must be {self.k} strictly increasing numbers, "
                             f"each {self.first.message}; got {values!r}")
        return [v[0]] + [b - a for a, b in zip(v, v[1:])]

    def clamp_start(self, values):
        """A data-based start made strictly increasing: sorted, each entry moved inside
        `first`, ties pulled apart by a thousandth of the spread (or of the magnitude, when
        every entry ties), so that no increment starts at zero."""
        v = sorted(self.first.clamp_start(float(t)) for t in values)
        gap = 1e-3 * ((v[-1] - v[0]) or abs(v[0]) or 1.0)
        for j in range(1, len(v)):
            v[j] = max(v[j], v[j - 1] + gap)
        return v

    def __repr__(self):
        return f"ordered({self.k}, {self.first!r})"


def ordered(k, first="real"):
    """The space of increasing vectors of length k with entries in `first` (see `Ordered`)."""
    return Ordered(k, first)
