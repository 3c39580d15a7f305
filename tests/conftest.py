"""Hypothesis draws the same examples on every run (the suite that passed is the suite that
runs in CI); `python -m pytest --hypothesis-profile=explore` searches afresh each time."""

from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")
