"""The fixed cost's fast paths in the core equal the straightforward computations they replace,
bit for bit: a compiled tape run (ufunc results kept as Python floats) against a plain loop
over the recorded steps with numpy's own scalars, and a small exp-moment pass into a kept
buffer (all orders read at once by `moments`) against the pass with new arrays."""

import numpy as np
from hypothesis import given, settings, strategies as st

import femtograd as fg
from femtograd.core import tape as tapes
from femtograd.core.derivatives import _Slot
from femtograd.core.moments import ExpMomentData

TAPED = {"weibull": lambda r, n: r.weibull(1.7, n) * 2.5, "gamma": lambda r, n: r.gamma(2.5, 2, n),
         "normal": lambda r, n: r.normal(1, 2, n), "lognormal": lambda r, n: r.lognormal(0, 1, n),
         "exp": lambda r, n: r.exponential(2, n), "cauchy": lambda r, n: r.standard_cauchy(n),
         "studentt": lambda r, n: r.standard_t(5, n)}


def looped(tape, params, inputs):
    """Every recorded step in order, by a plain loop: forward(*args, **keywords) as recorded,
    each result kept as the forward gives it (a ufunc's numpy scalar stays one)."""
    values = [float(v) for v in params] + [float(v) if tapes._is_number(v) else v
                                           for v in inputs]
    values += [None] * (tape.size - len(values))
    for i, forward, args, kw in sorted([*tape.fixed, *(s for run in tape.moving for s in run)],
                                       key=lambda step: step[0]):
        if forward is None:
            values[i] = args._data
            continue
        kw = {k: values[v.i] if type(v) is _Slot else v for k, v in (kw or {}).items()}
        with np.errstate(all="ignore"):
            values[i] = forward(*(values[a] for a in args), **kw)
    return values


@settings(max_examples=40, deadline=None)
@given(family=st.sampled_from(sorted(TAPED)), seed=st.integers(0, 2**32 - 1),
       n=st.integers(5, 400), moves=st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=3))
def test_a_compiled_run_equals_the_recorded_steps_looped(family, seed, n, moves):
    rng = np.random.default_rng(seed)
    gen = fg.distributions.REGISTRY[family](TAPED[family](rng, n))
    key, inputs, build = gen.structure()
    start = [float(v) for v in gen.start().values()]
    tape = tapes.tape_for((key, len(start)), build, start, inputs)
    bound = tape.bind(start, inputs)
    for move in moves:  # each parameter moved by a factor e^move (a location shifted by move)
        params = [v + move if c == "real" else v * np.exp(move)
                  for v, c in zip(start, gen.constraints)]
        f, g, h = bound.evaluate(params, 2)
        want = looped(tape, params, inputs)
        for i, v in enumerate(bound.values):
            if isinstance(want[i], (float, np.floating)):
                np.testing.assert_array_equal(v, want[i])  # the same number, NaN included
                assert type(v) is float or not isinstance(v, np.floating)
        np.testing.assert_array_equal(f, want[tape.value])
        np.testing.assert_array_equal(g, [want[i] for i in tape.grads])
        np.testing.assert_array_equal(h, [[want[i] for i in row] for row in tape.hess])


def new_arrays_pass(data, k, orders):
    """The small pass as it was: the rows wᵢ·tᵢᵐ times a new array exp(k·t) (ones at k = 0)."""
    t, w = data.t, data.weights
    powers = np.empty((orders + 1, t.size))
    powers[0] = 1.0 if w is None else w
    for m in range(1, orders + 1):
        np.multiply(powers[m - 1], t, out=powers[m])
    e = np.ones(t.size) if k == 0 else np.exp(t * k)
    return (powers @ e).tolist()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 1500), weighted=st.booleans(),
       requests=st.lists(st.tuples(st.sampled_from([0.0, 0.3, 1.7, 1.7000000000000002, 9.0]),
                                   st.integers(0, 3)), min_size=1, max_size=8))
def test_the_buffered_small_pass_and_moments_equal_the_pass_with_new_arrays(
        seed, n, weighted, requests):
    rng = np.random.default_rng(seed)
    t = -rng.exponential(1.0, n)
    data = ExpMomentData(t, rng.uniform(0, 3, n) if weighted else None)
    for k, m in requests:
        sums = data.moments(k, m)
        want = new_arrays_pass(data, k, len(sums) - 1)
        assert sums == want  # every order of the pass, to the last bit
        assert data.moment(k, m) == want[m]
