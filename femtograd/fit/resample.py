"""Data sets of a fit's design drawn from the fit, for parametric bootstraps.

`gen.simulate` keeps rows, weights, truncation and each right-censored row's censoring
time, but an exact row has no censoring time to keep, so under random censoring its
replicates would be censored far less often than the data. `simulate_design` gives each
exact row a censoring time drawn from the Kaplan–Meier estimate of the censoring
distribution beyond its own time (Efron's conditional scheme): the replicates are censored
about as often as the data, and a Type I design (every row censored at one time) is
reproduced exactly.
"""

import numpy as np

from .nonparametric import kaplan_meier


def simulate_design(fit, rng):
    """A bound generator of the fit's design on data drawn from the fit: `gen.simulate` keeps
    weights, truncation and each censored row's censoring time; an exact row of a censored
    design is then censored at a time drawn from the Kaplan–Meier estimate of the censoring
    distribution beyond its own time (never, when that estimate keeps mass past the data)."""
    model = fit.model
    sim = model.simulate(dict(fit.params), rng)
    x, cens, w = np.asarray(model.lower, float), np.asarray(model.censored), \
        np.asarray(model.weights, float)
    if not cens.any():
        return sim
    t = np.array(sim.lower, dtype=float)
    t_cens = np.asarray(sim.censored).copy()
    exact = ~cens
    g = kaplan_meier(x, ~cens, w)          # censoring as the event, failures as censored
    above = g(x[exact])                    # P(C > own time)
    target = above * rng.uniform(size=above.size)   # S_G(C) = u · S_G(own time)
    # the first censoring time whose survival falls to the target (inf if none does)
    k = np.searchsorted(-g.survival, -target, side="left")
    c = np.r_[g.time, np.inf][k]
    t_exact = t[exact]
    t_cens[exact] = t_exact > c
    t[exact] = np.minimum(t_exact, c)
    return type(model)(t, censored=t_cens if t_cens.any() else None,
                       weights=model.weights if np.any(w != 1) else None,
                       truncation=model.truncation, **model.options)
