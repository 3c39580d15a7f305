"""The R package's vignette in Python: the exponential rate by clipped gradient ascent."""

import numpy as np

import femtograd as fg
from femtograd.optim import grad_clip


def loglike_exp(rate, data):
    """log-likelihood of an exponential sample: n log(rate) - rate * sum(data)."""
    return fg.log(rate) * len(data) - rate * fg.sum(data)


def draw(n=30, true_rate=7.3, seed=1):
    """The vignette's sample: n draws from an exponential with rate `true_rate`."""
    return np.random.default_rng(seed).exponential(1 / true_rate, n)


def run(n=30, true_rate=7.3, seed=1, lr=0.2, iterations=200, out=print):
    """Draw the data, climb from rate = 1, print every 50 iterations; return (rate, mle)."""
    data = draw(n, true_rate, seed)
    mle = 1 / np.mean(data)
    out(f"n = {n} draws from an exponential with rate {true_rate}; closed-form MLE 1/mean = {mle:.6f}")
    rate = fg.val(1.0)
    loglik = loglike_exp(rate, data)
    for i in range(1, iterations + 1):
        fg.zero_grad(loglik)
        fg.backward(loglik)
        rate.data = rate.data + lr * grad_clip(fg.grad(rate))
        if i % 50 == 0:
            out(f"iteration {i}, rate = {rate.data:.6f}, dl/drate = {fg.grad(rate):.6g}")
    out(f"converged to the MLE: {abs(mle - rate.data) < 1e-3}")
    return rate.data, mle
