"""Specifications of the parameter spaces: membership, messages, start clamps and the
unconstrained maps with their derivatives, including bounded(lo, hi) for a user's model."""

import math

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import bounded
from femtograd.distributions.spaces import SPACES, space_for
from femtograd.optim import TRANSFORMS, transform_for

SPACES_AND_POINTS = [
    (bounded(0.0, 10.0), 7.5),
    (bounded(-2.0, math.inf), 0.3),
    (bounded(-math.inf, 5.0), -40.0),
    (bounded(-1.0, 1.0), -0.999),
]


@pytest.mark.parametrize("space, p", SPACES_AND_POINTS, ids=repr)
def test_bounded_maps_round_trip_and_their_derivatives_match_finite_differences(space, p):
    x = space.to_unconstrained(p)
    assert space.to_natural(x) == pytest.approx(p, rel=1e-12, abs=1e-12)
    value, d1, d2 = space.derivatives(x)
    h = 1e-5
    assert value == space.to_natural(x)
    assert d1 == pytest.approx((space.to_natural(x + h) - space.to_natural(x - h)) / (2 * h),
                               rel=1e-7)
    assert d2 == pytest.approx((space.derivatives(x + h)[1] - space.derivatives(x - h)[1])
                               / (2 * h), rel=1e-5, abs=1e-10)


def test_membership_is_strict_and_never_nan():
    unit, positive, real = SPACES["unit"], SPACES["positive"], SPACES["real"]
    assert not unit.contains(0.0) and not unit.contains(1.0) and unit.contains(0.5)
    assert not positive.contains(math.inf) and not positive.contains(math.nan)
    assert not real.contains(math.inf) and real.contains(-1e300)
    np.testing.assert_array_equal(bounded(0, 2).inside(np.array([-1.0, 0.0, 1.0, 2.0, np.nan])),
                                  [False, False, True, False, False])


def test_messages_say_what_a_value_must_be():
    assert [SPACES[k].message for k in ("real", "positive", "unit")] == \
        ["finite", "positive", "in (0, 1)"]
    assert bounded(0, 10).message == "in (0, 10)"


def test_starts_are_moved_inside_their_space():
    assert SPACES["positive"].clamp_start(-3.0) == 1.0      # no floor: a floor would be a unit
    assert SPACES["positive"].clamp_start(1e-300) == 1e-300
    assert SPACES["positive"].clamp_start(math.nan) == 1.0
    assert SPACES["unit"].clamp_start(1.0) == 1 - 1e-6
    assert SPACES["real"].clamp_start(math.inf) == 0.0
    assert bounded(0, 10).clamp_start(12.0) == pytest.approx(9.9)
    assert bounded(2, math.inf).clamp_start(math.nan) == 3.0
    assert bounded(0, 10).clamp_start(4.0) == 4.0


def test_bad_spaces_are_refused_clearly():
    with pytest.raises(ValueError, match="needs lo < hi; got \\(3.0, 1.0\\)"):
        bounded(3, 1)
    with pytest.raises(ValueError, match="unknown constraint 'integer'.*bounded\\(lo, hi\\)"):
        space_for("integer")


def test_the_optimizers_vocabulary_is_the_models():
    assert TRANSFORMS is SPACES
    assert transform_for("unit") is SPACES["unit"]
    space = bounded(0, 1)
    assert transform_for(space) is space


def test_a_bounded_parameter_of_a_plain_function_reaches_the_closed_form():
    x = np.array([0.2, 0.5, 0.7, 0.9, 0.4])

    def beta_a1(a, data):  # Beta(a, 1): MLE a = −n / Σ log x
        return fg.sum(fg.log(a) + (a - 1) * np.log(data))
    fit = fg.fit_mle(beta_a1, x, start={"a": 1.0}, constraints={"a": bounded(0, 10)})
    assert fit.converged
    assert fit.mle[0] == pytest.approx(-x.size / np.log(x).sum(), rel=1e-9)


def test_a_start_outside_a_bounded_space_is_named():
    def beta_a1(a, data):
        return fg.sum(fg.log(a) + (a - 1) * np.log(data))
    with pytest.raises(ValueError, match=r"start value a=20.0 is outside the parameter space "
                                         r"\(a must be in \(0, 10\)\)"):
        fg.fit_mle(beta_a1, np.array([0.2, 0.5]), start={"a": 20.0},
                   constraints={"a": bounded(0, 10)})


def test_ordered_spells_an_increasing_vector_by_coordinates_with_their_own_spaces():
    from femtograd.distributions import ordered
    space = ordered(3, "positive")
    assert space.constraints == ("positive", "positive", "positive")
    assert space.coordinates([2.0, 5.0, 5.5]) == [2.0, 3.0, 0.5]
    assert space.values([2.0, 3.0, 0.5]) == [2.0, 5.0, 5.5]
    assert space.clamp_start([4.0, -1.0, 4.0]) == pytest.approx([1.0, 4.0, 4.003])
    assert ordered(2).constraints == ("real", "positive")
    with pytest.raises(ValueError, match="strictly increasing"):
        space.coordinates([2.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="each positive"):
        space.coordinates([-1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="two or more"):
        ordered(1)
    with pytest.raises(ValueError, match="unbounded above"):
        ordered(2, "unit")
