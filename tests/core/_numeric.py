"""Reference derivatives for the core tests: finite differences, used only here.

The library never differentiates numerically; the tests use five-point central
differences (error O(h^4)) as an independent check of the exact derivatives.
"""

import os

import numpy as np
from hypothesis import HealthCheck, settings

import femtograd as fg

# Property tests run a modest, fixed number of examples so the suite stays fast and
# deterministic; FEMTOGRAD_EXAMPLES=2000 explores further.
EXAMPLES = int(os.environ.get("FEMTOGRAD_EXAMPLES", "0")) or None


def property_settings(max_examples):
    return settings(max_examples=EXAMPLES or max_examples, deadline=None,
                    derandomize=EXAMPLES is None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def central_difference(f, x, h=2e-4):
    """d f / d x_i for every coordinate of the float array `x`; f returns a float or array."""
    x = np.asarray(x, dtype=float)
    f0 = np.asarray(f(x.copy()), dtype=float)
    out = np.zeros(x.shape + f0.shape)
    for i in np.ndindex(x.shape):
        step = h * max(1.0, abs(x[i]))

        def at(k):
            y = x.copy()
            y[i] += k * step
            return np.asarray(f(y), dtype=float)

        out[i] = (8 * (at(1) - at(-1)) - (at(2) - at(-2))) / (12 * step)
    return out


def assert_close(actual, expected, rtol, atol=0.0, what="value"):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = np.max(np.abs(expected), initial=0.0)
    bad = np.abs(actual - expected) > rtol * np.abs(expected) + atol + rtol * 1e-3 * scale
    assert not bad.any(), f"{what} differs:\nactual   {actual}\nexpected {expected}"


def elementwise_derivatives(op, x, orders):
    """[op(x), op′(x), ..., op⁽ᵒʳᵈᵉʳˢ⁾(x)] elementwise, each the gradient of the previous
    derivative's node summed over an array leaf (so each element gets its own, and each
    derivative graph is itself differentiated)."""
    leaf = fg.val(np.array(x, dtype=float))
    node = op(leaf)
    out = [np.asarray(fg.data(node))]
    for _ in range(orders):
        node, = fg.grad_nodes(fg.sum(node), [leaf])
        out.append(np.asarray(fg.data(node)))
    return out
