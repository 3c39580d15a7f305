"""Newton's negligible last step is judged without units: a step whose decrement is below
NEGLIGIBLE²·|f| is not taken, so data near location 0 and scale 1 (where |x| on the
optimizer's scale is ~0 and a relative rule cannot apply) cost what the same data in other
units cost."""

import numpy as np

import femtograd as fg


def test_the_same_evaluations_in_any_units():
    for seed in range(25):
        x = np.random.default_rng(seed).standard_cauchy(1000)
        here = fg.fit_mle("cauchy", x)
        moved = fg.fit_mle("cauchy", 3.0 * x + 7.0)
        assert here.converged and moved.converged
        assert here._optim.evaluations == moved._optim.evaluations
        np.testing.assert_allclose(moved.mle, [3.0 * here.mle[0] + 7.0, 3.0 * here.mle[1]],
                                   rtol=1e-12)
