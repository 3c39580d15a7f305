"""Optimizers that maximize a log-likelihood graph."""

from .clip import grad_clip
