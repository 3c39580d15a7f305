"""Links between a parameter and its linear predictor, and each family's location parameter.

A link maps a parameter θ to η = link(θ) on the whole real line; the fit works with
η = Xβ and reaches θ through the inverse link, written with femtograd ops so that
its derivatives are exact. The default follows the parameter's space: log for a
positive parameter, logit for a probability, identity for a real one.
"""

import numpy as np
from scipy import special

from ..core import exp, sigmoid


class Link:
    """One link: `name`, `forward(θ)` on numbers, `inverse(η)` on Values or numbers, and
    `inverse_slope(η)` = dθ/dη on numbers (for delta-method predictions)."""

    def __init__(self, name, forward, inverse, inverse_np, inverse_slope):
        self.name = name
        self.forward = forward
        self.inverse = inverse
        self.inverse_np = inverse_np
        self.inverse_slope = inverse_slope

    def __repr__(self):
        return f"Link({self.name!r})"


LINKS = {
    "identity": Link("identity", lambda t: np.asarray(t, dtype=float), lambda e: e,
                     lambda e: np.asarray(e, dtype=float), lambda e: np.ones_like(e)),
    "log": Link("log", np.log, exp, np.exp, np.exp),
    "logit": Link("logit", special.logit, sigmoid, special.expit,
                  lambda e: special.expit(e) * special.expit(-e)),
}

DEFAULT_LINK = {"real": "identity", "positive": "log", "unit": "logit"}

# The parameter the main formula acts on, as R's survreg/flexsurv and GLM users expect it:
# the scale of a lifetime (so coefficients are survreg's), the mean of a count or a normal.
LOCATION = {
    "ExpLogLik": "rate",
    "WeibullLogLik": "scale",
    "LogLogisticLogLik": "scale",
    "NormalLogLik": "mu",
    "LogNormalLogLik": "meanlog",
    "GammaLogLik": "rate",
    "PoissonLogLik": "rate",
    "BernoulliLogLik": "prob",
    "BinomialLogLik": "prob",
    "GeometricLogLik": "prob",
    "NegBinomialLogLik": "prob",
    "BetaLogLik": "shape1",
    "LogisticLogLik": "location",
    "GumbelLogLik": "location",
    "CauchyLogLik": "location",
    "StudentTLogLik": "location",
    "InverseGaussianLogLik": "mean",
}


def location_of(family, location=None):
    """The name of the parameter the main formula acts on (`location` overrides the table)."""
    names = tuple(family.param_names)
    if location is None:
        location = getattr(family, "location", None) or LOCATION.get(family.__name__)
        if location is None and "mu" in names:
            location = "mu"
    if location is None:
        raise ValueError(f"{family.__name__} has no location parameter in the table; name the "
                         f"one the main formula acts on with location=, one of {list(names)}")
    if location not in names:
        raise ValueError(f"location={location!r} is not a parameter of {family.__name__}; its "
                         f"parameters are {list(names)}")
    return location


def link_for(name, space, link=None):
    """The Link of parameter `name` in `space` ("real", "positive", "unit"), or the one named."""
    if link is None:
        link = DEFAULT_LINK.get(space)
        if link is None:
            raise ValueError(f"no default link for parameter {name!r} in space {space!r}; "
                             f"give link={{{name!r}: ...}}, one of {list(LINKS)}")
    if isinstance(link, Link):
        return link
    if link not in LINKS:
        raise ValueError(f"unknown link {link!r} for parameter {name!r}; use one of {list(LINKS)}")
    return LINKS[link]
