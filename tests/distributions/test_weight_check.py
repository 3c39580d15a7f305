"""The weights' check in one pass (`check_weights`): every entry finite and not negative, read
as unsigned integers below +∞'s bit pattern. It accepts exactly what a check of min and max
accepts (−0 and the largest double included) and refuses the rest with the same messages,
for one replicate's weights and for a weight matrix."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from femtograd.distributions.rows import check_weights

BIG = np.finfo(float).max


def _by_min_and_max(w):
    return bool(np.isfinite(w).all() and (w >= 0).all())


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(0, 40),
              elements=st.sampled_from([0.0, -0.0, 1.0, 2.5, BIG, 5e-324, -5e-324, -1.0,
                                        np.inf, -np.inf, np.nan])))
def test_it_accepts_exactly_the_finite_weights_that_are_not_negative(w):
    if _by_min_and_max(w):
        assert check_weights(w, w.size, "t") is not None
        assert check_weights(w[None, :], w.size, "t", many=True) is not None
    else:
        with pytest.raises(ValueError, match="negative weight|weights must be finite"):
            check_weights(w, w.size, "t")
        with pytest.raises(ValueError, match="negative weight|weights must be finite"):
            check_weights(np.stack([np.ones(w.size), w]), w.size, "t", many=True)


@pytest.mark.parametrize("bad,message", [
    (-2.0, r"t: negative weight at row 3 \(-2.0\)"), (np.nan, "t: weights must be finite; row 3 is nan"),
    (np.inf, "t: weights must be finite; row 3 is inf"),
    (-np.inf, "t: weights must be finite; row 3 is -inf")])
def test_a_bad_weight_is_named_by_its_row(bad, message):
    w = np.ones(6)
    w[3] = bad
    with pytest.raises(ValueError, match=message):
        check_weights(w, 6, "t")
    with pytest.raises(ValueError, match=message.replace("at row 3", "in replicate 1, row 3")
                       .replace("; row 3", "; replicate 1, row 3")):
        check_weights(np.stack([np.ones(6), w]), 6, "t", many=True)


NEGATIVE_NAN = -np.float64(np.nan)  # the sign bit set
PAYLOAD_NAN = np.array([0x7FF0000000000001], dtype=np.uint64).view(np.float64)[0]


@pytest.mark.parametrize("w, ok", [
    (np.array([1.0, NEGATIVE_NAN]), False), (np.array([1.0, PAYLOAD_NAN]), False),
    (np.arange(12.0)[::3], True), (np.array([1.0, -1.0, 2.0, 3.0])[::2], True),
    (np.asfortranarray(np.arange(6.0).reshape(2, 3)), True),
    (np.array([1.0, -1.0], dtype=">f8"), False), (np.array([1.0, 2.0], dtype=">f8"), True),
    (np.array([1.0, 2.0], dtype=np.float32), True), (np.array([1, -2], dtype=np.int64), False)],
    ids=["negative nan", "nan payload", "strided", "strided past a negative", "fortran matrix",
         "big-endian negative", "big-endian", "float32", "integers"])
def test_it_reads_any_layout_and_dtype_as_their_values(w, ok):
    many = w.ndim == 2
    n = w.shape[-1]
    if ok:
        np.testing.assert_array_equal(check_weights(w, n, "t", many=many), w)
    else:
        with pytest.raises(ValueError, match="negative weight|weights must be finite"):
            check_weights(w, n, "t", many=many)
