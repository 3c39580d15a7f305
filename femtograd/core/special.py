"""Special functions for cumulative distributions: arctan and the regularized
incomplete gamma and beta functions.

`arctan` and the derivatives of the incomplete functions in their integration
limit `x` are exact (written in Value ops). Their derivatives in the shape
arguments have no closed form: those are computed numerically (a fourth-order
central difference on the scipy function, relative step 1e-3; against 40-digit
arithmetic, about 1e-10 relative for first and 1e-8 for second derivatives),
enough for Newton's method and standard errors on censored gamma, beta and
Student t likelihoods. Third derivatives in a shape
argument are not available and raise.
"""

import numpy as np
from scipy import special

from .ops import digamma, exp, lgamma, log, log1p, scaled, square
from .primitive import primitive

arctan = primitive("arctan", np.arctan, lambda g, ans, x: g / (1.0 + square(x)))
arctan2 = primitive("arctan2", np.arctan2,
                    lambda g, ans, y, x: g * x / (square(x) + square(y)),
                    lambda g, ans, y, x: -g * y / (square(x) + square(y)))
arctan2.__doc__ = "The angle of the point (x, y), in (−π, π]; arctan2(1, −z) = π/2 + arctan(z) " \
    "stays accurate as z → −∞."


def _diff(f, args, orders):
    """Fourth-order central differences of f in the arguments given by `orders`."""
    args = [np.asarray(a, dtype=float) for a in args]
    for pos, order in orders:
        if order == 0:
            continue
        a = args[pos]
        h = 1e-3 * np.maximum(np.abs(a), 1e-2)
        if order == 1:
            stencil = ((-2, 1 / 12), (-1, -8 / 12), (1, 8 / 12), (2, -1 / 12))
        else:
            stencil = ((-2, -1 / 12), (-1, 16 / 12), (0, -30 / 12), (1, 16 / 12), (2, -1 / 12))
        rest = [o for o in orders if o[0] != pos]

        def shifted(step, args=args, pos=pos, a=a, h=h, rest=rest):
            moved = list(args)
            moved[pos] = a + step * h
            return _diff(f, moved, rest) if rest else f(*moved)

        return sum(c * shifted(s) for s, c in stencil) / h ** order
    return f(*args)


def _no_third(name):
    def vjp(*_args, **_kw):
        raise NotImplementedError(f"third derivatives of {name} in its shape arguments are not "
                                  "available")
    return vjp


# -- regularized incomplete gamma: P(a, x) and Q(a, x) = 1 - P(a, x) -------------
def _gamma_log_density(a, x):
    return (a - 1.0) * log(x) - x - lgamma(a)


def _make_gamma(name, f, sign):
    def f_forward(a, x, order=0):
        if order == 0:
            out = f(a, x)
        else:
            out = _diff(f, (a, x), ((0, order),))
        return float(out) if np.ndim(out) == 0 else out

    def vjp_a(g, ans, a, x, order=0):
        if order >= 2:
            return _no_third(name)()
        return scaled(g, op(a, x, order=order + 1))

    def vjp_x(g, ans, a, x, order=0):
        # d/dx of d^order/da^order F = d^order/da^order of the (signed) density
        dens = exp(_gamma_log_density(a, x))
        if order == 0:
            return scaled(g, sign * dens)
        la = log(x) - digamma(a)
        if order == 1:
            return scaled(g, sign * dens * la)
        from .ops import polygamma
        return scaled(g, sign * dens * (square(la) - polygamma(a, n=1)))

    op = primitive(name, f_forward, vjp_a, vjp_x)
    return op


_gammainc = _make_gamma("gammainc", special.gammainc, 1.0)
_gammaincc = _make_gamma("gammaincc", special.gammaincc, -1.0)


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x) (the gamma CDF at x, rate 1)."""
    return _gammainc(a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate as Q → 0."""
    return _gammaincc(a, x)


# -- regularized incomplete beta I_x(a, b) ------------------------------------------
def _beta_forward(a, b, x, da=0, db=0):
    if da == 0 and db == 0:
        out = special.betainc(a, b, x)
    else:
        out = _diff(special.betainc, (a, b, x), ((0, da), (1, db)))
    return float(out) if np.ndim(out) == 0 else out


def _beta_vjp_a(g, ans, a, b, x, da=0, db=0):
    if da + db >= 2:
        return _no_third("betainc")()
    return scaled(g, _betainc(a, b, x, da=da + 1, db=db))


def _beta_vjp_b(g, ans, a, b, x, da=0, db=0):
    if da + db >= 2:
        return _no_third("betainc")()
    return scaled(g, _betainc(a, b, x, da=da, db=db + 1))


def _beta_vjp_x(g, ans, a, b, x, da=0, db=0):
    from .ops import polygamma
    log_dens = (a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lgamma(a) - lgamma(b) + lgamma(a + b)
    dens = exp(log_dens)
    if da == 0 and db == 0:
        return scaled(g, dens)
    la = log(x) - digamma(a) + digamma(a + b)
    lb = log1p(-x) - digamma(b) + digamma(a + b)
    tri_ab = polygamma(a + b, n=1)
    if (da, db) == (1, 0):
        return scaled(g, dens * la)
    if (da, db) == (0, 1):
        return scaled(g, dens * lb)
    if (da, db) == (2, 0):
        return scaled(g, dens * (square(la) - polygamma(a, n=1) + tri_ab))
    if (da, db) == (0, 2):
        return scaled(g, dens * (square(lb) - polygamma(b, n=1) + tri_ab))
    return scaled(g, dens * (la * lb + tri_ab))


_betainc = primitive("betainc", _beta_forward, _beta_vjp_a, _beta_vjp_b, _beta_vjp_x)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b) (the beta CDF at x)."""
    return _betainc(a, b, x)
