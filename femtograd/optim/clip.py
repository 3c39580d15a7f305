"""Gradient clipping, as the R vignette uses it."""

import numpy as np


def grad_clip(g, max_norm=1.0):
    """Scale `g` down to Euclidean norm `max_norm` when it is longer; otherwise return it."""
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive; got {max_norm}")
    norm = float(np.sqrt(np.sum(np.square(g))))
    return g * (max_norm / norm) if norm > max_norm else g
