import numpy as np
import pytest

import femtograd as fg


def loglike_exp(rate, data):
    """The vignette's exponential log-likelihood, as a plain function."""
    return fg.log(rate) * len(data) - rate * fg.sum(data)


def loglike_normal(mu, sigma, data):
    return fg.sum(-0.5 * fg.square((data - mu) / sigma) - fg.log(sigma)
                  - 0.5 * np.log(2 * np.pi))


@pytest.fixture
def exp_data():
    return np.random.default_rng(1).exponential(1 / 7.3, 30)


@pytest.fixture
def normal_data():
    return np.random.default_rng(2).normal(3.0, 2.0, 100)
