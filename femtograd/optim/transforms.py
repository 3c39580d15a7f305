"""Unconstrained scales for constrained parameters, as the optimizers use them.

The vocabulary (real, positive, unit, bounded) lives with the models, in
`femtograd.distributions.spaces`; a transform here is a space.
"""

from ..distributions.spaces import CONSTRAINTS, SPACES as TRANSFORMS, space_for as transform_for

__all__ = ["CONSTRAINTS", "TRANSFORMS", "transform_for"]
