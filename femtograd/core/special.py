"""Special functions for cumulative distributions: arctan and the regularized incomplete
gamma and beta functions, with exact derivatives of every order in all their arguments.

The values are scipy's. Derivatives in the integration limit `x` are densities, written in
Value ops. Derivatives in the shape arguments are integrals of the differentiated density:

    ∂ᵐ/∂aᵐ P(a, x) = ∫₀ˣ ∂ᵐf/∂aᵐ dt,   ∂ᵐf/∂aᵐ = f · Yₘ(κ₁, …, κₘ),

with f the gamma density tᵃ⁻¹e⁻ᵗ/Γ(a), Yₘ the complete Bell polynomial and κⱼ the j-th
derivative of log f in a (κ₁ = log t − ψ(a), κⱼ = −ψ⁽ʲ⁻¹⁾(a) for j ≥ 2). The beta density
tᵃ⁻¹(1 − t)ᵇ⁻¹/B(a, b) takes the bivariate Bell polynomials of the mixed derivatives of its
log (log t and log(1 − t) plus polygammas of a, b and a + b). Since the density integrates
to one, an m ≥ 1 derivative over [0, x] is minus the same over the rest of the support, so
each element integrates over the side holding less probability (no cancellation in the tails).

The integrals are taken in the variable in which the weight is log-concave and free of
endpoint singularities (y = log t for the gamma, y = log(t/(1 − t)) for the beta), between
the limit and the point where the weight has fallen e⁻⁵⁴ below its largest value on that side
(found by Newton's method from a bound above it where the weight gives one; in plain floats
for a few rows, as a running sum's tails), by Gauss–Legendre quadrature on a grid graded
away from that largest value (distance σ·(e^τ − 1), σ the weight's local scale), so that
peaked weights (large shapes) and long exponential tails (small shapes) are both resolved by
the same fixed nodes (64 per piece), vectorized over arrays. Measured against 40-digit
mpmath references (orders 1 to 4), relative to the integral of the absolute integrand: about
1e-13 for gamma shapes 0.05 to 1e5 and beta shapes 0.05 to 1000, 1e-11 for beta shapes to
1e4. The nodes are kept for the last arguments, so the orders at one point share one set of
integrals.
At one set of shapes and many limits (a censored gamma's or Student t's rows, a family's
quantiles), only the limit farthest out on each side takes that tail; every other limit adds
the integral over the gap from its neighbour, a few nodes each, by a running sum.

An op carries its derivative order as keywords; its derivative in a shape is the same op at
the next order, so derivatives of any order are available and can be differentiated again.

The inverse of P in its limit is an op too (`inverse_gammainc`, the gamma quantile): its
value is femtograd's float inverse `gammaincinv`, its derivatives the implicit function
theorem's at the root (1/f in p, −(∂P/∂a)/f in the shape, itself an op whose derivatives are
the next order's), so a quantile needs no solve in the graph.
"""

import math
import operator
from functools import reduce
from math import comb

import numpy as np
from scipy import special

from .ops import _plain, _polygamma, digamma, exp, lgamma, log, log1p, polygamma, scaled, square
from .primitive import primitive

arctan = primitive("arctan", np.arctan, lambda g, ans, x: g / (1.0 + square(x)), replayable=True)
arctan2 = primitive("arctan2", np.arctan2,
                    lambda g, ans, y, x: g * x / (square(x) + square(y)),
                    lambda g, ans, y, x: -g * y / (square(x) + square(y)), replayable=True)
arctan2.__doc__ = "The angle of the point (x, y), in (−π, π]; arctan2(1, −z) = π/2 + arctan(z) " \
    "stays accurate as z → −∞."


# -- Bell polynomials: derivatives of exp(g) over exp(g), from the derivatives κ of g -------
def _times(c, k, y):
    """c·k·y where y may be the constant 1 (for numpy arrays and Values alike)."""
    out = k if isinstance(y, float) and y == 1.0 else k * y
    return out if c == 1 else c * out


def _bell(kappa, m):
    """Yₘ(κ₁, …, κₘ) by Yₙ = Σₖ C(n−1, k) κₖ₊₁ Yₙ₋₁₋ₖ; `kappa[j]` is κⱼ₊₁."""
    ys = [1.0]
    for n in range(1, m + 1):
        ys.append(reduce(operator.add, [_times(comb(n - 1, k), kappa[k], ys[n - 1 - k])
                                        for k in range(n)]))
    return ys[m]


def _bell2(kappa, i, j):
    """The bivariate Bell polynomial Y_{i,j}: ∂ᵃⁱ∂ᵇʲ exp(g) / exp(g), from `kappa(p, q)`,
    the mixed derivative ∂ᵃᵖ∂ᵇ𝐪 g (p + q ≥ 1)."""
    ys = {(0, 0): 1.0}
    known = {}

    def k(p, q):
        if (p, q) not in known:
            known[p, q] = kappa(p, q)
        return known[p, q]

    for q in range(1, j + 1):
        ys[0, q] = reduce(operator.add, [_times(comb(q - 1, s), k(0, s + 1), ys[0, q - 1 - s])
                                         for s in range(q)])
    for p in range(1, i + 1):
        for q in range(j + 1):
            ys[p, q] = reduce(operator.add,
                              [_times(comb(p - 1, r) * comb(q, s), k(r + 1, s), ys[p - 1 - r, q - s])
                               for r in range(p) for s in range(q + 1)])
    return ys[i, j]


# -- fixed-node quadrature of a log-concave weight over one side of a limit ----------------
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)
_HALF_NODES, _HALF_WEIGHTS = 0.5 * (1.0 + _NODES), 0.5 * _WEIGHTS  # (on [0, 1])
_SPAN = 54.0  # nats below the largest value of the weight where the integration stops


def _softplus(y):
    return np.logaddexp(0.0, y)


class _Arrays:
    """The functions a tail's search takes, on arrays."""
    exp, expm1, log1p, sqrt, abs = np.exp, np.expm1, np.log1p, np.sqrt, np.abs
    minimum, maximum, where, expit, softplus = np.minimum, np.maximum, np.where, special.expit, _softplus

    def any(v):
        return v.any()


class _Floats:
    """The same on plain floats by `math`: the few rows of a running sum's tails, where a
    numpy call on a short array costs ten times the arithmetic. An exponential past the
    largest float is infinite, as numpy's (math raises)."""
    log1p, sqrt, abs, minimum, maximum, any = math.log1p, math.sqrt, abs, min, max, bool

    def exp(y):
        return math.inf if y > _LARGEST_LOG else math.exp(y)

    def expm1(y):
        return math.inf if y > _LARGEST_LOG else math.expm1(y)

    def where(c, x, y):
        return x if c else y

    def expit(y):
        return 1.0 / (1.0 + math.exp(-y)) if y >= 0 else math.exp(y) / (1.0 + math.exp(y))

    def softplus(y):
        return max(y, 0.0) + math.log1p(math.exp(-abs(y)))


# rows up to which a tail's search runs on floats: a running sum's heads and a few points
# alone take the same arithmetic (a limit alone has its value among many to the last bit)
_FEW = 16
_LARGEST_LOG = math.log(np.finfo(float).max)


def _reach(h, dh, ref, direction, span, above=None, xp=_Arrays):
    """Distances d ≥ 0 with h(ref) − h(ref + direction·d) ≈ span (never less than span − 1).

    h is concave and decreases away from `ref` in `direction`, so the drop is convex and
    increasing in d: from `above(ref, direction, span)` where the weight gives such a bound,
    else from 1 bracketed by quadrupling, Newton steps from above.
    """
    h_ref = h(ref)
    d = 1.0 + 0.0 * ref if above is None else above(ref, direction, span)
    for _ in range(0 if above else 60):
        short = h_ref - h(ref + direction * d) < span
        if not xp.any(short):
            break
        d = xp.where(short, 4.0 * d, d)
    for _ in range(100):
        excess = h_ref - h(ref + direction * d) - span
        far = excess > 1.0
        if not xp.any(far):
            break
        slope = -direction * dh(ref + direction * d)
        d = xp.where(far, d - excess / xp.where(far, slope, 1.0), d)
    return d


def _reach_and_scale(weight, params, ref, direction, span, xp=_Arrays):
    """`_reach`, and the weight's scale at `ref`: 1 over the largest of 1, |h′| and √|h″|."""
    h, dh, d2h, *above = weight(*params, xp=xp)
    length = _reach(h, dh, ref, direction, span, *above, xp=xp)
    return length, 1.0 / xp.maximum(1.0, xp.maximum(xp.abs(dh(ref)), xp.sqrt(xp.abs(d2h(ref)))))


def _reaches(weight, params, ref, direction, span):
    """`_reach_and_scale` over arrays, row by row on floats for a few rows (whose limits lie
    within e^±700 of the mode: no quotient by an exponential that underflows)."""
    refs = ref.tolist() if ref.size <= _FEW else None
    if refs is None or max(map(abs, refs), default=0.0) >= 700.0:
        return _reach_and_scale(weight, params, ref, direction, span)
    rows = zip(zip(*(p.tolist() for p in params)), refs, direction.tolist())
    found = [_reach_and_scale(weight, row, r, d, span, _Floats) for row, r, d in rows]
    return np.array(found).reshape(-1, 2).T


def _graded(ref, length, scale, direction):
    """Gauss–Legendre nodes and weights over distances [0, length] from `ref`, graded as
    distance = scale·(eᵗ − 1): even near `ref` (scale), geometric far from it."""
    span = np.log1p(length / scale)
    grow = np.exp(span[:, None] * _HALF_NODES)
    nodes = ref[:, None] + (direction * scale)[:, None] * (grow - 1.0)
    weights = (span * scale)[:, None] * (_HALF_WEIGHTS * grow)
    return nodes, weights


def _side_nodes(weight, params, mode, end, lower, span):
    """Quadrature of exp(h) over (−∞, end] (where `lower`) or [end, ∞), h concave with maximum
    at `mode`, cut where exp(h) has fallen e^−span below its maximum on that side.

    `weight(*params, xp)` gives h, h′ and h″ for (subsets of) the parameter arrays, and
    optionally a distance at which h has surely fallen by the span (`_reach`'s start), in
    `xp`'s functions (`_Arrays`, or `_Floats` for the rows of a few). Returns blocks
    (rows, nodes, weights): every row's piece from the side's maximum towards its far end,
    then, for the rows whose side also holds the mode, the piece from the mode to the limit.
    """
    ref = np.where(lower, np.minimum(end, mode), np.maximum(end, mode))  # the side's maximum
    away = np.where(lower, -1.0, 1.0)
    length, scale = _reaches(weight, params, ref, away, span)
    blocks = [(slice(None),) + _graded(ref, length, scale, away)]
    rows = np.flatnonzero(end != ref)
    if rows.size:  # the limit lies past the mode: integrate back from the mode to the limit
        towards = -away[rows]
        limit, _ = _reaches(weight, [p[rows] for p in params], ref[rows], towards, span)
        between = np.minimum(np.abs(end[rows] - ref[rows]), limit)
        blocks.append((rows,) + _graded(ref[rows], between, scale[rows], towards))
    return blocks


def _column(values, rows):
    """values[rows] as a column, or as one entry when all are equal (scalar shapes)."""
    if _one_valued(values):
        return values[:1, None]
    return values[rows][:, None]


class _ShapeQuadrature:
    """The nodes of the last shape-derivative integrals, reused by every order; arguments
    longer than `chunk` are integrated in chunks and not kept (memory stays bounded). `build`
    sets up any arguments, `running` one set of shapes and increasing limits."""

    chunk = 20000

    def __init__(self, build, running):
        self.build, self.running = build, running
        self.last = None  # (key, blocks), swapped whole: no thread pairs a key with others' blocks
        self.last_distinct = None  # (key, distinct limits, inverse), likewise

    def distinct(self, x):
        """`np.unique(x, return_inverse=True)`, kept for the last `x` of at most `chunk` limits
        (the orders asked at one point integrate to the same limits); (x, None) for increasing
        limits (a family's quantiles, sorted data), which are their own."""
        if (x[1:] > x[:-1]).all():
            return x, None
        if x.size > self.chunk:
            return np.unique(x, return_inverse=True)
        key = x.tobytes()
        last = self.last_distinct
        if last is None or last[0] != key:
            last = self.last_distinct = (key, *np.unique(x, return_inverse=True))
        return last[1], last[2]

    def blocks_of(self, *args, running=False):
        n = args[-1].size
        if n > self.chunk:
            for start in range(0, n, self.chunk):
                part = slice(start, start + self.chunk)
                for rows, weighted, setup, *combine in self.setup(running, *(a[part] for a in args)):
                    yield (np.arange(n)[part][rows], weighted, setup, *combine)
            return
        key = (running,) + tuple((a.shape, a.tobytes()) for a in args)
        last = self.last
        if last is None or last[0] != key:
            last = self.last = (key, self.setup(running, *args))
        yield from last[1]

    def setup(self, running, *args):
        return (self.running if running else self.build)(*args)


def _shape_derivative(quadrature, integrand, shapes, x, valid, zero):
    """Broadcast and flatten the arguments, integrate the valid elements (over distinct
    limits when the shapes hold one value each: numbers, or a fitted value per point), nan
    for invalid arguments and 0 where `zero`."""
    shapes = [np.asarray(s, dtype=float) for s in shapes]
    numbers = all(s.ndim == 0 for s in shapes)  # (one value each, without looking)
    arrays = np.broadcast_arrays(*shapes, np.asarray(x, dtype=float))
    shape = arrays[0].shape
    flat = [a.ravel() for a in arrays]
    ok = valid(*flat)
    inside = ok & ~zero(*flat)
    if not inside.any():
        return np.where(ok, 0.0, np.nan).reshape(shape)
    everywhere = inside.all()
    args = flat if everywhere else [a[inside] for a in flat]
    inverse = None
    running = args[-1].size > 1 and (numbers or all(_one_valued(a) for a in args[:-1]))
    if running:  # (one set of shapes: a running sum over the increasing distinct limits)
        distinct, inverse = quadrature.distinct(args[-1])
        args = [a[:distinct.size] for a in args[:-1]] + [distinct]
    values = np.zeros(args[-1].size)
    for rows, weighted, setup, *combine in quadrature.blocks_of(*args, running=running):
        terms = integrand(*setup)
        sums = np.einsum("ij,ij->i", weighted, terms) if terms.shape == weighted.shape else \
            (weighted * terms).sum(axis=1)  # (einsum: half the time of the product's sum)
        values[rows] += combine[0](sums) if combine else sums
    if inverse is not None:
        values = values[inverse]
    if everywhere:
        return values.reshape(shape)
    out = np.where(ok, 0.0, np.nan)
    out[inside] = values
    return out.reshape(shape)


def _one_valued(values):
    """Does a flat array hold one value throughout?"""
    return values[0] == values[-1] and bool((values == values[0]).all())


# -- one set of shapes, many limits: a running sum over the gaps between sorted limits -------
_RUN_NODES, _RUN_WEIGHTS = np.polynomial.legendre.leggauss(4)
_RUN_PIECES = 16  # past a gap needing more pieces, a limit takes a tail (64 to 128 nodes)


def _running_blocks(tail, end, lower, scale, at_nodes):
    """The blocks for one set of shapes and increasing limits `end` (in the integration
    variable), `lower` the prefix integrated from below. The limits form one chain, the lower
    side upwards and then the upper side downwards, each side starting at its limit farthest
    out, which takes a tail, `tail(rows)`'s nodes and weights (as `_side_nodes`); every other
    limit adds, by a running sum along the chain, the integral over the gap from its neighbour
    before it (signed by the gap's direction: minus on the upper side, as are the upper tails):
    4 Gauss–Legendre nodes per piece no wider than 1/8 over the larger of the `scale`s at the
    gap's limits, bounds on the log weight's slope and on the root of its curvature that hold
    across the gap (the rule's error is then below 1e-17 of the piece's integral; `scale` is
    one per limit, or one number). A gap needing more than `_RUN_PIECES` pieces (large shapes,
    far-apart limits) is not integrated: the limit past it takes a tail of its own and the sum
    runs on from there. `at_nodes(y)` gives the log density and the integrand's setup at nodes
    y, once for all tails and gaps; the gaps are one block, the tails' pieces of 64 nodes the
    others. A limit costs a few nodes instead of a tail, and its value does not depend on the
    other limits beyond rounding; a limit alone (a chain of one) has its value among many to
    the last bit when it is a head."""
    turn, n = np.count_nonzero(lower), lower.size  # (`lower` is a prefix)
    chain = np.concatenate([np.arange(turn), np.arange(n - 1, turn - 1, -1)])
    lo, hi = end[chain[:-1]], end[chain[1:]]  # each gap, from the limit before it in the chain
    if np.ndim(scale):
        scale = scale[chain]
        scale = np.maximum(scale[:-1], scale[1:])
    pieces = np.ceil(np.abs(hi - lo) * (8.0 * scale))  # (none for limits equal in y)
    restart = np.concatenate([[True], pieces > _RUN_PIECES])  # the limits taking a tail
    restart[turn % chain.size] = True  # the upper side starts afresh at its farthest limit
    heads = np.flatnonzero(restart)
    pieces[restart[1:]] = 0
    # every row of nodes adds to the limit after its gap in the chain; the rows are laid out
    # as columns (a broadcast over 4 nodes per row costs numpy a loop per row: 3x the time)
    nodes, weights, into = [], [], []

    def add(gap, start, step):  # pieces from `start`, of `step` each, into the gaps' limits
        half = 0.5 * step
        nodes.append(start + half + _RUN_NODES[:, None] * half)
        weights.append(_RUN_WEIGHTS[:, None] * half)
        into.append(gap + 1)

    one = np.flatnonzero(pieces == 1)  # (most gaps)
    add(one, lo[one], hi[one] - lo[one])
    many = np.flatnonzero(pieces > 1)
    if many.size:  # piece k of m over a gap starts at lo + k(hi − lo)/m
        count = pieces[many].astype(np.intp)
        gap = np.repeat(many, count)
        k = np.arange(gap.size) - np.repeat(np.cumsum(count) - count, count)
        step = np.repeat((hi[many] - lo[many]) / count, count)
        add(gap, lo[gap] + step * k, step)
    gaps = np.concatenate(nodes, axis=1)
    weights = np.concatenate(weights, axis=1).T
    into = np.concatenate(into)
    # the tails' nodes first (a tail's elements in the same places, alone or among many:
    # numpy's vectorized exp rounds by an element's place), then the gaps', one evaluation
    tails = [(np.arange(heads.size)[rows], y, np.where(lower[chain[heads[rows]]], 1.0, -1.0)[:, None] * w)
             for rows, y, w in tail(chain[heads])]  # (rows among the heads, nodes, signed weights)
    cut = sum(y.size for _, y, _ in tails)
    flat = np.concatenate([y.ravel() for _, y, _ in tails] + [gaps.ravel()])
    log_density, setup = at_nodes(flat)
    density = np.exp(log_density)

    def part(values, start, stop, shape):
        return values[start:stop].reshape(shape) if np.shape(values) == flat.shape else values

    weighted = weights * part(density, cut, None, gaps.shape).T
    # each side summed on its own (an upper tail's small sums beside the lower side's large one
    # would lose their digits): a limit's value is its side's sum to it, less the sum before
    # its head for the heads inside a side, and its head's tail
    head = np.cumsum(restart) - 1  # each limit's head, among the heads
    inner = np.flatnonzero((heads[head] != 0) & (heads[head] != turn)) \
        if heads.size > 1 + (0 < turn < n) else heads[:0]  # (none in the common chain)
    before = heads[head[inner]] - 1

    def running(sums):
        per_limit = np.bincount(into, sums, n)
        total = np.concatenate([np.cumsum(per_limit[:turn]), np.cumsum(per_limit[turn:])])
        if inner.size:
            total[inner] -= total[before]
        return total

    blocks = [(chain, weighted, tuple(part(v, cut, None, gaps.shape).T for v in setup), running)]
    start = 0
    for rows, y, w in tails:
        stop = start + y.size
        blocks.append((chain, w * part(density, start, stop, y.shape),
                       tuple(part(v, start, stop, y.shape) for v in setup),
                       lambda sums, r=rows: np.bincount(r, sums, heads.size)[head]))
        start = stop
    return blocks


# -- regularized incomplete gamma: P(a, x) and Q(a, x) = 1 − P(a, x) -------------------------
def _gamma_mode_log_density(a):
    """log of aᵃe⁻ᵃ/Γ(a) (the gamma density at its mode in y = log t), by Stirling's series
    for large a where the direct sum would cancel."""
    large = a >= 20.0
    if not np.any(large):  # (one side only: a third of the time for a few shapes)
        return a * np.log(a) - a - special.gammaln(a)
    big = np.maximum(a, 20.0)
    series = (0.5 * np.log(big / (2 * np.pi)) - 1 / (12 * big) + 1 / (360 * big ** 3)
              - 1 / (1260 * big ** 5) + 1 / (1680 * big ** 7))
    return series if np.all(large) else np.where(large, series, a * np.log(a) - a - special.gammaln(a))


def _gamma_weight(a, xp=_Arrays):
    """log(tᵃe⁻ᵗ) in u = log(t/a), less its value at the mode u = 0, two derivatives, and
    distances at which it has surely fallen by a span s (`_above`)."""
    return (lambda u: a * (u - xp.expm1(u)), lambda u: -a * xp.expm1(u),
            lambda u: -a * xp.exp(u), lambda u, direction, span: _above(a, u, direction, span, xp))


def _above(a, u, direction, span, xp=_Arrays):
    """Distances d from u past which the gamma's log weight has fallen by `span`, so that
    `_reach` starts from above: downwards the drop a(d − eᵘ(1 − e⁻ᵈ)) exceeds a(d − eᵘ);
    upwards a(eᵘ(eᵈ − 1) − d) exceeds a((eᵘ − 1)d + eᵘd²/2) (a quadratic's root, close for
    large shapes) and, from u ≥ 0, is past it at log(1 + (s + 1)e⁻ᵘ) + 1 (close for small
    ones), s = span/a; the smaller of the two (both bounds from above: `_reach` brackets none).
    Each is then brought down by four steps of the fixed point of drop = span + 1/2, d = s +
    eᵘ(1 − e⁻ᵈ) downwards and d = log(1 + (s + d)e⁻ᵘ) upwards: both maps increase in d, so a
    step from above stays above, and they contract by eᵘ⁻ᵈ and 1/(eᵘ + s + d), so that for
    shapes up to 80 the start is within a nat past the span and Newton takes no step (its
    checks cost more than these steps, for the one or two limits a running sum's tails take)."""
    s, grow = span / a, xp.exp(u)
    quadratic = (xp.sqrt((grow - 1.0) * (grow - 1.0) + 2.0 * grow * s) - (grow - 1.0)) / grow
    up = xp.minimum(quadratic, xp.log1p((s + 1.0) / grow) + 1.0)
    down = s + grow
    s = (span + 0.5) / a  # aiming half a nat past the span: rounding leaves no start short
    for _ in range(4):
        up, down = xp.log1p((s + up) / grow), s - grow * xp.expm1(-down)
    return xp.where(direction < 0, down, up)


def _gamma_end(a, x):
    """u = log(x/a), the limit in the integration variable (x/a may underflow)."""
    ratio = x / a
    if np.min(ratio) > 1e-300:
        return np.log(ratio)
    return np.where(ratio > 1e-300, np.log(np.maximum(ratio, 1e-300)), np.log(x) - np.log(a))


def _gamma_setup(a, x):
    """Per block: rows, signed (minus on the upper side) weighted density at the nodes, and
    the shape column with κ₁ = log t − ψ(a) at the nodes."""
    lower = special.gammainc(a, x) <= 0.5
    end = _gamma_end(a, x)
    at_mode = _gamma_mode_log_density(a)
    sign = np.where(lower, 1.0, -1.0)
    blocks = []
    for rows, u, w in _side_nodes(_gamma_weight, (a,), np.zeros_like(a), end, lower, _SPAN):
        weighted = w * np.exp(at_mode[rows][:, None] + a[rows][:, None] * (u - np.expm1(u)))
        weighted *= sign[rows][:, None]
        col = _column(a, rows)
        blocks.append((rows, weighted, (col, u + (np.log(col) - special.digamma(col)))))
    return blocks


def _gamma_running_setup(a, x):
    """As `_gamma_setup` for one shape and increasing limits, by `_running_blocks`. In
    u = log(t/a) the log weight a(u − eᵘ + 1) has slope a − t and curvature −t: the scale
    max(1, |a − t|, √t) at each limit t = x bounds them across a gap with the one at its
    other limit (|a − t| is convex in t, √t increasing)."""
    a0 = float(a[0])
    at_mode = float(_gamma_mode_log_density(a0))
    col, shift = a[:1, None], np.log(a0) - special.digamma(a0)
    scale = np.maximum(np.maximum(1.0, np.abs(x - a0)), np.sqrt(x))
    end, lower = _gamma_end(a0, x), x <= special.gammaincinv(a0, 0.5)
    return _running_blocks(lambda rows: _side_nodes(_gamma_weight, (a[rows],), np.zeros(rows.size),
                                                    end[rows], lower[rows], _SPAN),
                           end, lower, scale,
                           lambda u: (at_mode + a0 * (u - np.expm1(u)), (col, u + shift)))


_gamma_nodes = _ShapeQuadrature(_gamma_setup, _gamma_running_setup)


def gammainc_shape_derivative(a, x, order):
    """∂ᵐ/∂aᵐ P(a, x) for m = `order` ≥ 1, as numpy data (the forward of the op)."""
    def integrand(col, k1):
        return _bell([k1] + [-special.polygamma(j, col) for j in range(1, order)], order)

    return _shape_derivative(
        _gamma_nodes, integrand, (a,), x,
        lambda a, x: (a > 0) & (a < np.inf) & (x >= 0),
        lambda a, x: (x == 0) | np.isinf(x))


def _one_shape(a, x):
    """A shape array holding one value as that number, when `x` alone gives the result its shape
    (a fitted shape per point): the shape's functions are then taken once, not per point."""
    if np.ndim(a) and a.size and np.shape(x) == np.shape(a) and _one_valued(a.ravel()):
        return float(a.flat[0])
    return a


def _gamma_log_density(a, x, logx):
    """log f(a, x) of the unit-rate gamma density, given log x."""
    return (a - 1.0) * logx - x - special.gammaln(a)


def _gamma_density_forward(a, x, order=0):
    """∂ᵐ/∂aᵐ of the gamma density at x, f·Yₘ(κ₁, …, κₘ), as numpy data."""
    a = _one_shape(a, x)
    logx = np.log(x)
    dens = np.exp(_gamma_log_density(a, x, logx))
    if order == 0:
        return _plain(dens)
    kappa = [logx - special.digamma(a)] + [-_polygamma(a, n=j) for j in range(1, order)]
    return _plain(dens * _bell(kappa, order))


def _gamma_density_vjp_x(g, ans, a, x, order=0):
    """∂/∂x (f·Yₘ) = f′/f · f·Yₘ + f · m·Yₘ₋₁ / x, as ∂Yₘ/∂κ₁ = m·Yₘ₋₁ and ∂κ₁/∂x = 1/x."""
    slope = ((a - 1.0) / x - 1.0) * ans
    if order:
        slope = slope + order * _gamma_density_derivative(a, x, order=order - 1) / x
    return scaled(g, slope)


_gamma_density_derivative = primitive(
    "gamma_density", _gamma_density_forward,
    lambda g, ans, a, x, order=0: scaled(g, _gamma_density_derivative(a, x, order=order + 1)),
    _gamma_density_vjp_x, replayable=True)
_gamma_density_derivative.__doc__ = """gamma_density(a, x, order=m): ∂ᵐ/∂aᵐ of the gamma density
at x, one node (the derivative of the incomplete gamma ops in x); its derivative in a is the next
order, in x the density's slope."""


def _make_gamma(name, f, sign):
    def forward(a, x, order=0):
        if order == 0:
            return _plain(f(a, x))
        return _plain(sign * gammainc_shape_derivative(a, x, order))

    def vjp_a(g, ans, a, x, order=0):
        return scaled(g, op(a, x, order=order + 1))

    def vjp_x(g, ans, a, x, order=0):
        dens = _gamma_density_derivative(a, x, order=order)
        return scaled(g, dens if sign > 0 else -dens)

    op = primitive(name, forward, vjp_a, vjp_x, replayable=True)
    return op


_gammainc = _make_gamma("gammainc", special.gammainc, 1.0)
_gammaincc = _make_gamma("gammaincc", special.gammaincc, -1.0)


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x) (the gamma CDF at x, rate 1)."""
    return _gammainc(a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate as Q → 0."""
    return _gammaincc(a, x)


# -- the inverse of P(a, x) in floats, every point at once ----------------------------------
_INVERSE_STEPS = 3
_SETTLED = 1e-6  # a step and residual this small (relative) leave ~ their 4th power
_CARRIED = 0.1  # a step this short in the density's own scale: its integral by 4 nodes
# beyond these shapes scipy's P and Q lose digits (4e-8 at 1e6, a percent at 1e8): every
# residual is theirs afresh, so that the root is the one of their P and Q (as scipy's inverse)
_CARRIED_SHAPES = 1e6


def gammaincinv(a, p):
    """The x with P(a, x) = p (Q(a, x) = 1 − p above the median), as floats, broadcast over
    `a` and `p`: up to three fourth-order steps from a start (`_gammaincinv_start`); a point is
    settled by a step below 1e-6 of x taken where P or Q was within 1e-6 of its target
    (relative; what remains is of the order of their fourth powers).
    The residual P(x) − p is scipy's P or Q at the start; after a step it is carried over,
    P(x′) − p = P(x) − p + ∫ₓˣ′ f, the integral by 4 Gauss–Legendre nodes wherever the step
    is short beside the density's own scale (`_CARRIED`: the rule's error is then below 1e-17
    of the tail), so that most points take one evaluation of P or Q instead of two; a longer
    step, and any step at shapes where scipy's P and Q are coarse, is evaluated afresh.
    scipy's `gammaincinv` (its own iterations from Temme's and DiDonato and Morris's starts)
    takes the rest: the few points no step settles, roots that underflow, p outside (0, 1),
    bad shapes, and shapes below 1, where P and Q cost up to 1.2 µs a point and scipy needs
    fewer of them. Ours is exact to the rounding of P or Q (tests against mpmath)."""
    one_shape = np.ndim(a) == 0
    p = np.asarray(p, dtype=float)
    if one_shape:  # its functions once, as numbers (the points are then the only arrays)
        a, shape = float(a), p.shape
        p = p.ravel()
        usable = (p > 0) & (p < 1) & (1.0 <= a < np.inf)
    else:
        a, p = np.broadcast_arrays(np.asarray(a, dtype=float), p)
        shape = a.shape
        a, p = a.ravel(), p.ravel()
        usable = (p > 0) & (p < 1) & (a >= 1) & (a < np.inf)
    n = p.size
    out = np.full(n, np.nan)
    todo = np.flatnonzero(usable)
    aa = a if one_shape else a[todo]
    pp = p[todo]
    upper = pp > 0.5
    tail = np.where(upper, 1.0 - pp, pp)  # exact for p ≥ 0.5
    log_gamma = special.gammaln(aa)
    with np.errstate(all="ignore"):
        x = _gammaincinv_start(aa, pp, upper, log_gamma)
        excess = _gammainc_excess(aa, x, upper, tail)
        done = np.zeros(todo.size, dtype=bool)  # (settled points ride along: no compaction)
        for taken in range(_INVERSE_STEPS if todo.size * 16 >= n else 0):
            # the root of P's cubic Taylor polynomial at x, by series reversion: with r = excess
            # over the density f, h₁ = f′/f = (a − 1)/x − 1 and h₂ = f″/f = h₁² − (a − 1)/x²,
            # the step r + h₁r²/2 + (h₁²/2 − h₂/6) r³ (Householder's, fourth order)
            ratio = excess * np.exp(x - (aa - 1.0) * np.log(x) + log_gamma)
            bend = (aa - 1.0) / x
            h1 = bend - 1.0
            step = ratio * (1.0 + ratio * (0.5 * h1 + ratio * (h1 * h1 / 3.0 + bend / (6.0 * x))))
            new = x - step
            moved = np.isfinite(new) & (new > 0)
            # settled: a small step from a small residual (one alone is not enough where
            # scipy's P and Q are off by more than rounding, as at shapes beyond 1e7); not
            # looked for at the first step, whose residual is the start's (a point settled
            # there settles at the next)
            settled = taken and moved & (np.abs(step) <= _SETTLED * x) \
                & (np.abs(excess) <= _SETTLED * tail) & ~done
            if taken and settled.any():  # (most after the second step)
                out[todo[settled]] = new[settled]
                done |= settled
                if (todo.size - np.count_nonzero(done)) * 16 < n:
                    break  # a few left: scipy's, below the cost of another step
            # the step's scale: the log density's slope and the root of its curvature (and of
            # the log's) over the interval, bounded at its lower end
            low = np.minimum(x, new)
            carried = moved & (np.abs(step) * (np.abs(h1) + (np.sqrt(aa - 1.0) + 1.0) / low)
                               <= _CARRIED) & (aa < _CARRIED_SHAPES)
            excess = excess - _density_integral(aa, log_gamma, x, step, carried)
            x = np.where(moved, new, 0.5 * x)
            fresh = np.flatnonzero(~carried & ~done)
            if fresh.size:
                excess[fresh] = _gammainc_excess(aa if one_shape else aa[fresh], x[fresh],
                                                 upper[fresh], tail[fresh])
    rest = ~(out > np.finfo(float).tiny) & ~(np.isnan(a) | np.isnan(p))
    if rest.any():
        out[rest] = special.gammaincinv(a if one_shape else a[rest], p[rest])
    return out.reshape(shape)[()]  # a number for numbers, as scipy's


def _gammainc_excess(a, x, upper, tail):
    """P(a, x) − p from the side holding less probability: P − p below the median, (1 − p) − Q
    above it (`tail` is p or 1 − p)."""
    excess = np.empty(x.size)
    if np.ndim(a):
        a_low, a_up = a[~upper], a[upper]
    else:
        a_low = a_up = a
    excess[~upper] = special.gammainc(a_low, x[~upper]) - tail[~upper]
    excess[upper] = tail[upper] - special.gammaincc(a_up, x[upper])
    return excess


def _density_integral(a, log_gamma, x, step, rows):
    """∫ f over [x − step, x] for the `rows` (a mask; 0 elsewhere), by 4 Gauss–Legendre
    nodes (a row of nodes each: a broadcast over 4 per point loops per point); a and log Γ(a)
    numbers or one per point."""
    half = np.where(rows, 0.5 * step, 0.0)
    t = (x - half) + _RUN_NODES[:, None] * half
    return half * (_RUN_WEIGHTS @ np.exp((a - 1.0) * np.log(t) - t - log_gamma))


def _gammaincinv_start(a, p, upper, log_gamma):
    """A start within a few percent for `gammaincinv` (shapes from 1 on): Wilson and
    Hilferty's cube of a normal quantile; below the median, where that is below 0.15 (a + 1)
    or not positive, the root of P's series x^a e^-x / Γ(a + 1) · (1 + x/(a + 1) + …) by
    two fixed-point steps from the root of its leading term instead (the more accurate of
    the two there: 1e-3 relative or better)."""
    cube = 1.0 - 1.0 / (9.0 * a) + special.ndtri(p) / (3.0 * np.sqrt(a))
    x = a * cube * cube * cube
    rows = np.flatnonzero(~upper & ((x < 0.15 * (a + 1.0)) | ~(cube > 0)))
    if not rows.size:
        return x
    ai, log_gamma = (a, log_gamma) if np.ndim(a) == 0 else (a[rows], log_gamma[rows])
    root = np.exp((np.log(p[rows]) + log_gamma + np.log(ai)) / ai)
    small = root
    c1, c2, c3, inv = 1.0 / (ai + 1.0), 1.0 / (ai + 2.0), 1.0 / (ai + 3.0), 1.0 / ai
    for _ in range(2):
        series = 1.0 + small * c1 * (1.0 + small * c2 * (1.0 + small * c3))
        small = root * np.exp((small - np.log(series)) * inv)
    x[rows] = small
    return x


def _inverse_gammainc_forward(a, p):
    """gammaincinv over one shape array holding one value (a fitted shape per point) as the
    float shape, so that its functions are taken once (when `p` alone then gives the result
    its shape: a scalar `p` broadcast against the shapes must not shrink the result)."""
    return _plain(gammaincinv(_one_shape(a, p), p))


def _shape_slope_forward(a, x):
    """−(∂P/∂a)(a, x) / f(a, x), as numpy data."""
    a = _one_shape(a, x)
    log_density = _gamma_log_density(a, x, np.log(x))
    return _plain(-gammainc_shape_derivative(a, x, 1) * np.exp(-log_density))


def _shape_slope_vjp_a(g, ans, a, x):
    """∂/∂a of −D/f (D = ∂P/∂a, f the density): (−∂D/∂a − slope · ∂f/∂a) / f."""
    return scaled(g, (-_gammainc(a, x, order=2) - ans * _gamma_density_derivative(a, x, order=1))
                  / _gamma_density_derivative(a, x))


def _shape_slope_vjp_x(g, ans, a, x):
    """∂/∂x of −D/f: ∂D/∂x = ∂f/∂a and ∂f/∂x = f · ((a − 1)/x − 1)."""
    return scaled(g, -_gamma_density_derivative(a, x, order=1) / _gamma_density_derivative(a, x)
                  - ans * ((a - 1.0) / x - 1.0))


_shape_slope = primitive("inverse_gammainc_shape_slope", _shape_slope_forward,
                         _shape_slope_vjp_a, _shape_slope_vjp_x, replayable=True)
_shape_slope.__doc__ = """∂x/∂a of the root x of P(a, x) = p, −(∂P/∂a)(a, x) / f(a, x) at x
(implicit function theorem), one node; its derivatives in a and x are the next order's."""

_inverse_gammainc = primitive(
    "inverse_gammainc", _inverse_gammainc_forward,
    lambda g, ans, a, p: scaled(g, _shape_slope(a, ans)),
    lambda g, ans, a, p: scaled(g, 1.0 / _gamma_density_derivative(a, ans)), replayable=True)


def inverse_gammainc(a, p):
    """The x with P(a, x) = p as an op (the gamma quantile at rate 1): its value `gammaincinv`,
    its derivative in p the reciprocal density 1/f(a, x), in a −∂P/∂a / f at the root, so that
    a quantile and its exact gradient come from one graph without solving."""
    return _inverse_gammainc(a, p)


# -- regularized incomplete beta I_x(a, b) ---------------------------------------------------
def _beta_weight(a, b, xp=_Arrays):
    """log(tᵃ(1 − t)ᵇ) in y = log(t/(1 − t)) and two derivatives."""
    return (lambda y: -a * xp.softplus(-y) - b * xp.softplus(y),
            lambda y: a * xp.expit(-y) - b * xp.expit(y),
            lambda y: -(a + b) * xp.expit(y) * xp.expit(-y))


def _beta_setup(a, b, x):
    """Per block: rows, signed weighted density, shape columns and log t, log(1 − t) at the
    nodes in y = log(t/(1 − t))."""
    lower = special.betainc(a, b, x) <= 0.5
    end = np.log(x) - np.log1p(-x)
    log_beta = special.betaln(a, b)
    sign = np.where(lower, 1.0, -1.0)
    blocks = []
    mode = np.log(a) - np.log(b)
    for rows, y, w in _side_nodes(_beta_weight, (a, b), mode, end, lower, _SPAN):
        log_t, log_1mt = -_softplus(-y), -_softplus(y)
        weighted = w * np.exp(a[rows][:, None] * log_t + b[rows][:, None] * log_1mt
                              - log_beta[rows][:, None])
        weighted *= sign[rows][:, None]
        blocks.append((rows, weighted, (_column(a, rows), _column(b, rows), log_t, log_1mt)))
    return blocks


def _beta_running_setup(a, b, x):
    """As `_beta_setup` for one pair of shapes and increasing limits, by `_running_blocks`:
    in y = log(t/(1 − t)) the log weight's slope is at most max(a, b), so pieces no wider
    than 1/(8 max(1, a, b))."""
    a0, b0 = float(a[0]), float(b[0])
    log_beta = special.betaln(a0, b0)
    cols = (a[:1, None], b[:1, None])

    def at_nodes(y):
        log_t, log_1mt = -_softplus(-y), -_softplus(y)
        return a0 * log_t + b0 * log_1mt - log_beta, cols + (log_t, log_1mt)

    end, lower = np.log(x) - np.log1p(-x), x <= special.betaincinv(a0, b0, 0.5)
    mode = np.log(a0) - np.log(b0)
    return _running_blocks(lambda rows: _side_nodes(_beta_weight, (a[rows], b[rows]),
                                                    np.full(rows.size, mode), end[rows],
                                                    lower[rows], _SPAN),
                           end, lower, max(1.0, a0, b0), at_nodes)


_beta_nodes = _ShapeQuadrature(_beta_setup, _beta_running_setup)


def _beta_kappa(log_t, log_1mt, psi, p, q):
    """∂ᵃᵖ∂ᵇ𝐪 of the log beta density (p + q ≥ 1); `psi(n, z)` is ψ⁽ⁿ⁾ of z = "a", "b" or "ab"."""
    n = p + q
    if n == 1:
        return (log_t - psi(0, "a") if p else log_1mt - psi(0, "b")) + psi(0, "ab")
    out = psi(n - 1, "ab")
    if q == 0:
        out = out - psi(n - 1, "a")
    if p == 0:
        out = out - psi(n - 1, "b")
    return out


def betainc_shape_derivative(a, b, x, da, db):
    """∂ᵃ^da ∂ᵇ^db I_x(a, b) for da + db ≥ 1, as numpy data (the forward of the op)."""
    def integrand(col_a, col_b, log_t, log_1mt):
        args = {"a": col_a, "b": col_b, "ab": col_a + col_b}
        cache = {}

        def psi(n, z):
            if (n, z) not in cache:
                cache[n, z] = special.polygamma(n, args[z])
            return cache[n, z]

        return _bell2(lambda p, q: _beta_kappa(log_t, log_1mt, psi, p, q), da, db)

    return _shape_derivative(
        _beta_nodes, integrand, (a, b), x,
        lambda a, b, x: (a > 0) & (b > 0) & (a < np.inf) & (b < np.inf) & (x >= 0) & (x <= 1),
        lambda a, b, x: (x == 0) | (x == 1))


def _beta_density_derivative(a, b, x, da, db):
    """∂ᵃ^da ∂ᵇ^db of the beta density at x, in Value ops (the derivative of the op in x)."""
    log_t, log_1mt = log(x), log1p(-x)
    dens = exp((a - 1.0) * log_t + (b - 1.0) * log_1mt - lgamma(a) - lgamma(b) + lgamma(a + b))
    if da == 0 and db == 0:
        return dens
    args = {"a": a, "b": b, "ab": a + b}

    def psi(n, z):
        return digamma(args[z]) if n == 0 else polygamma(args[z], n=n)

    return dens * _bell2(lambda p, q: _beta_kappa(log_t, log_1mt, psi, p, q), da, db)


def _beta_forward(a, b, x, da=0, db=0):
    if da == 0 and db == 0:
        return _plain(special.betainc(a, b, x))
    return _plain(betainc_shape_derivative(a, b, x, da, db))


def _beta_vjp_a(g, ans, a, b, x, da=0, db=0):
    return scaled(g, _betainc(a, b, x, da=da + 1, db=db))


def _beta_vjp_b(g, ans, a, b, x, da=0, db=0):
    return scaled(g, _betainc(a, b, x, da=da, db=db + 1))


def _beta_vjp_x(g, ans, a, b, x, da=0, db=0):
    return scaled(g, _beta_density_derivative(a, b, x, da, db))


_betainc = primitive("betainc", _beta_forward, _beta_vjp_a, _beta_vjp_b, _beta_vjp_x,
                     replayable=True)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b) (the beta CDF at x)."""
    return _betainc(a, b, x)
