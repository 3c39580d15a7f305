"""Bad input raises ValueError or TypeError naming the problem and the first offending row."""

import warnings

import numpy as np
import pytest

import femtograd as fg
from femtograd.distributions import (BernoulliLogLik, BinomialLogLik, ExpLogLik, NormalLogLik,
                                     PoissonLogLik, StudentTLogLik, WeibullLogLik)

from ._cases import CONTINUOUS, ids


def test_empty_data_are_refused():
    with pytest.raises(ValueError, match="empty data"):
        ExpLogLik([])
    with pytest.raises(ValueError, match="empty data"):
        fg.IntervalData([], [])


def test_nan_is_refused_naming_its_row():
    with pytest.raises(ValueError, match="NaN at row 2"):
        NormalLogLik([1.0, 2.0, np.nan])
    with pytest.raises(ValueError, match="upper contains NaN at row 0"):
        fg.IntervalData([1.0], [np.nan])


def test_infinite_values_are_refused_naming_their_row():
    with pytest.raises(ValueError, match=r"infinite value at row 1 \(inf\)"):
        NormalLogLik([1.0, np.inf])
    with pytest.raises(ValueError, match=r"infinite value at row 0 \(-inf\)"):
        WeibullLogLik([-np.inf, 1.0])


def test_a_negative_lifetime_is_outside_the_support():
    with pytest.raises(ValueError, match=r"outside the support of weibull \(x > 0\): row 1 is -2"):
        WeibullLogLik([1.0, -2.0])
    with pytest.raises(ValueError, match="outside the support of weibull.*row 0 is 0.0"):
        WeibullLogLik([0.0, 1.0])
    with pytest.raises(ValueError, match="outside the support of exp"):
        ExpLogLik([1.0, -0.5])


def test_a_negative_censoring_time_is_outside_the_support():
    with pytest.raises(ValueError,
                       match="censoring time outside the support of weibull.*row 1 is -3"):
        WeibullLogLik([1.0, -3.0], censored=[False, True])


def test_a_non_integer_count_is_refused():
    with pytest.raises(ValueError, match=r"non-integer count at row 1 \(2.5\)"):
        PoissonLogLik([1, 2.5, 3])
    with pytest.raises(ValueError, match="outside the support of poisson"):
        PoissonLogLik([1, -1])


def test_a_bernoulli_value_other_than_0_or_1_is_refused():
    with pytest.raises(ValueError, match=r"bernoulli \(0 or 1\): row 2 is 2.0"):
        BernoulliLogLik([0, 1, 2])


def test_binomial_counts_above_size_and_missing_size_are_refused():
    with pytest.raises(ValueError, match=r"counts 0, ..., 3\): row 1 is 4.0"):
        BinomialLogLik([1, 4], size=3)
    with pytest.raises(TypeError, match="needs size="):
        BinomialLogLik([1, 2])
    with pytest.raises(ValueError, match="size must be a whole number"):
        BinomialLogLik([1, 2], size=2.5)


def test_a_censoring_mask_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="censored mask has length 2 but the data have 3 rows"):
        WeibullLogLik([1.0, 2.0, 3.0], censored=[True, False])


def test_a_censoring_mask_must_be_boolean():
    with pytest.raises(ValueError, match="censored mask must be boolean.*row 1 is 2.0"):
        WeibullLogLik([1.0, 2.0], censored=[0, 2])


def test_censored_counts_need_whole_number_bounds_inside_the_support():
    with pytest.raises(ValueError, match="censored count at row 0 has a non-integer bound"):
        PoissonLogLik(fg.IntervalData([1.5, 2], [3, 2]))
    with pytest.raises(ValueError, match="censored row 1 .* lies outside the support"):
        PoissonLogLik(fg.IntervalData([1, -np.inf], [3, -1]))


def test_censoring_given_twice_is_refused():
    with pytest.raises(TypeError, match="either as censored= or as IntervalData"):
        WeibullLogLik(fg.IntervalData([1.0], [2.0]), censored=[True])


def test_weights_of_the_wrong_length_or_negative_are_refused():
    with pytest.raises(ValueError, match="weights have length 1 but the data have 2 rows"):
        ExpLogLik([1.0, 2.0], weights=[1.0])
    with pytest.raises(ValueError, match=r"negative weight at row 1 \(-1.0\)"):
        ExpLogLik([1.0, 2.0], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="weights must be finite; row 0 is nan"):
        ExpLogLik([1.0, 2.0], weights=[np.nan, 1.0])


def test_interval_data_with_lower_above_upper_are_refused():
    with pytest.raises(ValueError, match=r"lower > upper at row 1 \(lower 5.0, upper 4.0\)"):
        fg.IntervalData([1.0, 5.0], [2.0, 4.0])
    with pytest.raises(ValueError, match="lower has 2 rows but upper has 1"):
        fg.IntervalData([1.0, 5.0], [2.0])


def test_an_interval_below_the_support_is_refused():
    with pytest.raises(ValueError, match="censored row 0 .* outside the support of weibull"):
        WeibullLogLik(fg.IntervalData([-3.0], [-1.0]))


def test_truncation_bounds_that_exclude_observed_data_are_refused():
    with pytest.raises(ValueError, match=r"truncation \[1.0, 5.0\] excludes row 2 \(7.0\)"):
        WeibullLogLik([2.0, 3.0, 7.0], truncation=(1, 5))
    with pytest.raises(ValueError, match=r"truncation \(0.0, inf\] excludes row 1 \(0.0\)"):
        PoissonLogLik([1, 0], truncation=(0, None))
    with pytest.raises(ValueError, match="excludes censored row 0"):
        WeibullLogLik([6.0, 3.0], censored=[True, False], truncation=(1, 5))


def test_malformed_truncation_is_refused():
    with pytest.raises(ValueError, match="lower bound 5.0 must be below the upper bound 1.0"):
        WeibullLogLik([2.0], truncation=(5, 1))
    with pytest.raises(TypeError, match="truncation must be a pair"):
        WeibullLogLik([2.0], truncation=3)
    with pytest.raises(ValueError, match="outside the support"):
        WeibullLogLik([2.0], truncation=(-5, -1))


def test_a_parameter_outside_its_space_is_refused_when_the_loglik_is_built():
    with pytest.raises(ValueError, match="parameter rate must be positive; got -1.0"):
        ExpLogLik([1.0])(-1.0)
    with pytest.raises(ValueError, match="parameter scale must be positive; got 0.0"):
        WeibullLogLik([1.0])(fg.val(1.0), fg.val(0.0))
    with pytest.raises(ValueError, match=r"parameter prob must be in \(0, 1\); got 1.5"):
        BernoulliLogLik([1.0])(1.5)
    with pytest.raises(ValueError, match="parameter mu must be finite; got nan"):
        NormalLogLik([1.0])(np.nan, 1.0)
    with pytest.raises(ValueError, match="parameter df must be positive; got -2.0 at index 1"):
        StudentTLogLik([1.0, 2.0]).contributions(0.0, 1.0, fg.val(np.array([1.0, -2.0])))


def test_the_wrong_number_of_parameters_is_a_type_error():
    with pytest.raises(TypeError, match=r"takes 2 parameter\(s\) \('shape', 'scale'\); got 1"):
        WeibullLogLik([1.0])(1.0)


def test_non_numeric_data_and_unknown_options_are_type_errors():
    with pytest.raises(TypeError, match="must be numeric"):
        ExpLogLik(["a", "b"])
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['size'\]"):
        ExpLogLik([1.0], size=3)


def test_per_row_parameters_must_have_one_value_per_row():
    with pytest.raises(ValueError, match="one value per row"):
        ExpLogLik([1.0, 2.0])(fg.val(np.array([1.0, 2.0, 3.0])))
    with pytest.raises(ValueError, match="one value per row"):
        ExpLogLik([1.0, 2.0]).contributions(fg.val(np.array([1.0, 2.0, 3.0])))


def test_simulating_interval_censored_designs_needs_a_censoring_model():
    gen = WeibullLogLik(fg.IntervalData([0.0, 1.0], [2.0, 1.0]))
    with pytest.raises(ValueError, match="needs a censoring model"):
        gen.simulate((1.5, 2.0), rng=1)


def test_interval_bounds_are_validated_like_any_data_column():
    with pytest.raises(TypeError, match="IntervalData lower must be a numeric one-dimensional"):
        fg.IntervalData([[1.0, 2.0], [3.0]], [2.0, 4.0])
    with pytest.raises(TypeError, match="IntervalData upper must be numeric; got a string"):
        fg.IntervalData([1.0], "2.0")


@pytest.mark.parametrize("case", CONTINUOUS, ids=ids(CONTINUOUS))
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "zero-weight row"])
def test_a_positive_infinite_row_is_refused_by_every_continuous_family(case, weighted):
    """Families that reduce their rows find +inf in the sufficient statistics instead of a
    max: the message and row are the same either way, and nothing warns on the way."""
    x = np.asarray(case.draw(np.random.default_rng(3), 8), dtype=float)
    x[5] = np.inf
    weights = np.where(np.arange(8) == 5, 0.0, 1.0) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"infinite value at row 5 \(inf\)"):
            case.make(x, weights=weights)


def test_statistics_that_overflow_are_reported_not_fitted():
    with pytest.raises(ValueError, match="sufficient statistics overflow"):
        ExpLogLik([1e308, 1e308])
    assert ExpLogLik([1e307, 1e307]).nobs == 2  # large but summable: accepted


def test_rows_that_carry_no_weight_are_still_checked_for_infinity():
    with pytest.raises(ValueError, match=r"infinite value at row 1 \(inf\)"):
        NormalLogLik([1.0, np.inf], weights=[0.0, 0.0])
