"""The R package's vocabulary as functions: val, data, grad (backward and zero_grad live in derivatives)."""

from .value import Value, as_value


def val(x, name=None):
    """A variable leaf: a parameter that receives gradients and can be moved."""
    return Value(x, name=name)


def constant(x):
    """A data leaf: never differentiated, never changes."""
    return Value.constant(x)


def data(x):
    """The current value of a node (re-evaluated if a leaf under it moved)."""
    return as_value(x).data


def grad(x):
    """The gradient accumulated in a leaf by `backward`."""
    if not isinstance(x, Value):
        raise TypeError(f"grad() takes a Value; got {type(x).__name__}")
    return x.grad
