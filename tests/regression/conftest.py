"""Shared data: the Rossi recidivism data (432 released prisoners followed for a year; week of
first arrest, arrest = 1 for an observed arrest), as shipped with lifelines and R's carData."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
RHS = "fin + age + race + wexp + mar + paro + prio"


@pytest.fixture(scope="session")
def rossi():
    return pd.read_csv(HERE / "rossi.csv")


@pytest.fixture
def counts():
    """A Poisson regression with exposure: two covariates, a three-level factor."""
    rng = np.random.default_rng(11)
    n = 400
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.uniform(0, 3, n),
                       "g": rng.choice(["a", "b", "c"], n),
                       "exposure": rng.uniform(0.5, 4.0, n)})
    eta = 0.3 + 0.5 * df.x1 - 0.2 * df.x2 + np.where(df.g == "b", 0.4, 0.0) \
        + np.log(df.exposure)
    df["y"] = rng.poisson(np.exp(eta))
    df["log_exposure"] = np.log(df.exposure)
    df["site"] = rng.integers(0, 25, n)
    return df
