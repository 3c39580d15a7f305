"""Edges of the core's fast paths: a quadratic pass over no rows sums to zeros, and a bound
tape evaluated at an array of parameters equals it at the same list."""

import numpy as np

import femtograd as fg
from femtograd.core import tape as tapes
from femtograd.core.quadratic import QuadraticData


def test_a_pass_over_no_rows_sums_to_zeros():
    empty = QuadraticData(np.array([]))
    assert empty.sums(0.3, 1.7) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert empty.moment(0.3, 1.7, 2, 1) == 0.0 and empty.log_sum(0.3, 1.7) == 0.0


def test_a_bound_tape_takes_an_array_of_parameters():
    gen = fg.distributions.WeibullLogLik(np.random.default_rng(2).weibull(1.4, 200) * 3.0)
    key, inputs, build = gen.structure()
    start = [float(v) for v in gen.start().values()]
    bound = tapes.tape_for((key, len(start)), build, start, inputs).bind(start, inputs)
    at = [1.3, 2.9]
    f, g, h = bound.evaluate(np.array(at), 2)
    again = tapes.tape_for((key, len(start)), build, start, inputs).bind(start, inputs)
    assert (f, g, h) == again.evaluate(at, 2)
    assert bound.evaluate(at, 2) == (f, g, h)  # the same point, now as a list: read back
