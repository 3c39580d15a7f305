"""Bad input is an error whose message names the problem."""

import numpy as np
import pytest

import femtograd as fg


@pytest.mark.parametrize("bad, type_name", [
    ("1.5", "str"),
    (1 + 2j, "complex"),
    (np.array([1 + 2j]), "complex128"),
    (np.array([1.0, "a"], dtype=object), "object"),
    (np.array(["a", "b"]), "<U1"),
    (None, "NoneType"),
    ({"a": 1.0}, "dict"),
])
@pytest.mark.parametrize("make", [fg.val, fg.constant, fg.log, lambda x: fg.val(1.0) + x,
                                  lambda x: x * fg.val(1.0)],
                         ids=["val", "constant", "op", "left operand", "right operand"])
def test_non_numeric_input_is_a_type_error_naming_the_type(make, bad, type_name):
    with pytest.raises(TypeError, match=type_name.replace("<", "<?")):
        make(bad)


def test_ints_lists_and_bools_are_converted_to_floats():
    assert fg.val(3).data == 3.0 and isinstance(fg.val(3).data, float)
    assert fg.val([1, 2]).data.dtype == np.float64
    assert fg.constant(np.array([True, False])).data.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("left, right", [((3,), (4,)), ((3, 2), (3,)), ((2, 3), (3, 2))])
def test_incompatible_shapes_are_a_value_error_naming_both_shapes(left, right):
    a, b = fg.val(np.ones(left)), np.ones(right)
    for combine in (lambda: a + b, lambda: b * a, lambda: fg.where(np.ones(left), a, b),
                    lambda: fg.logaddexp(a, b)):
        with pytest.raises(ValueError) as err:
            combine()
        assert str(left) in str(err.value) and str(right) in str(err.value)


def test_backward_on_a_non_scalar_without_a_seed_is_a_value_error():
    x = fg.val(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"non-scalar.*\(2,\).*seed"):
        fg.backward(x * 2.0)
    with pytest.raises(ValueError, match=r"seed.*\(3,\).*\(2,\)"):
        fg.backward(x * 2.0, seed=np.ones(3))


def test_assigning_a_wrong_shape_to_a_leaf_names_both_shapes():
    x = fg.val(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        x.data = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"\(\).*\(2,\)"):
        x.data = 1.0
    with pytest.raises(TypeError, match="str"):
        x.data = "ab"
    np.testing.assert_array_equal(x.data, [1.0, 2.0])  # unchanged by the failed assignments


def test_assigning_data_of_a_computed_node_or_a_constant_is_refused():
    x = fg.val(1.0)
    y = fg.log(x)
    with pytest.raises(TypeError, match=r"only a leaf made with val\(\).*log"):
        y.data = 2.0
    with pytest.raises(TypeError, match="constant"):
        fg.constant(1.0).data = 2.0


def test_gradient_with_unknown_parameter_names_lists_the_valid_names():
    def f(shape, scale):
        return fg.log(shape) * scale

    with pytest.raises(ValueError, match=r"'rate'.*shape.*scale"):
        fg.gradient(f, {"shape": 1.0, "rate": 2.0})
    with pytest.raises(ValueError, match=r"missing.*'shape'"):
        fg.hessian(f, {"scale": 2.0})


def test_gradient_with_bad_parameters_or_a_non_scalar_function_is_refused():
    with pytest.raises(TypeError, match="str"):
        fg.gradient(lambda a: a * a, ["one"])
    with pytest.raises(TypeError, match="complex"):
        fg.gradient(lambda a: a * a, [1 + 1j])
    with pytest.raises(ValueError, match="scalar"):
        fg.gradient(lambda a: a * a, [[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"scalar Value.*\(2,\)"):
        fg.gradient(lambda a: a * np.ones(2), [1.0])
    with pytest.raises(ValueError, match=r"\(2,\)"):
        fg.hvp(lambda a, b: a * b, [1.0, 2.0], [1.0])


def test_grad_and_backward_of_a_non_value_are_type_errors():
    with pytest.raises(TypeError, match="float"):
        fg.grad(1.0)
    with pytest.raises(TypeError, match="float"):
        fg.backward(1.0)


def test_zero_grad_of_a_non_value_is_a_type_error_naming_the_type():
    with pytest.raises(TypeError, match="zero_grad.*float"):
        fg.zero_grad(3.0)


def test_a_scalar_value_is_not_iterable_but_an_array_value_is():
    with pytest.raises(TypeError, match="scalar"):
        list(fg.val(1.0))
    assert [v.data for v in fg.val([1.0, 2.0])] == [1.0, 2.0]


def test_exp_moments_needs_a_scalar_k_and_data_t():
    with pytest.raises(ValueError, match=r"scalar k.*\(2,\)"):
        fg.exp_moments(fg.val([1.0, 2.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="data"):
        fg.exp_moments(fg.val(1.0), fg.val([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        fg.exp_moments(fg.val(1.0), [1.0, 2.0], weights=[1.0, 1.0, 1.0])


@pytest.mark.parametrize("order, error, words", [
    (-1, ValueError, ">= 0; got -1"),
    (1.5, TypeError, "whole number.*float"),
    (True, TypeError, "whole number.*bool"),
    ("2", TypeError, "whole number.*str"),
    (None, TypeError, "whole number.*NoneType"),
])
def test_exp_moments_refuses_an_order_that_is_not_a_whole_number_at_least_zero(order, error, words):
    with pytest.raises(error, match=words):
        fg.exp_moments(fg.val(1.0), [1.0, 2.0], order=order)


@pytest.mark.parametrize("t, weights, words", [
    ([1.0, np.nan], None, r"t must be finite; element 1 .* nan"),
    ([[1.0, 2.0], [np.inf, 0.0]], None, r"t must be finite; element 2 .* inf"),
    ([1.0, 2.0], [1.0, -np.inf], r"weights must be finite; element 1 .* -inf"),
])
def test_exp_moments_refuses_data_that_is_not_finite(t, weights, words):
    with pytest.raises(ValueError, match=words):
        fg.exp_moments(fg.val(1.0), t, weights=weights)


def test_exp_moments_takes_a_numpy_integer_order():
    t = np.array([1.0, 2.0])
    out = fg.exp_moments(fg.val(0.5), t, order=np.int64(1))
    assert out.data == pytest.approx(np.sum(t * np.exp(0.5 * t)), rel=1e-15)


def test_an_ndarray_on_the_left_of_an_operator_builds_a_value_not_an_object_array():
    lam = fg.val(2.0)
    x = np.array([1.0, 2.0])
    for out in (x / lam, x * lam, x + lam, x - lam, x ** lam, np.float64(3.0) * lam):
        assert isinstance(out, fg.Value)
