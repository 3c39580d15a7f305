"""Log-likelihood generators: R's families, with censoring, truncation and weights.

`REGISTRY` maps each family's name (as the command line spells it) to its class.
"""

from .base import LogLikGenerator
from .interval import IntervalData
from .exponential import ExpLogLik
from .normal import NormalLogLik
from .weibull import WeibullLogLik

GENERATORS = (ExpLogLik, NormalLogLik, WeibullLogLik)

REGISTRY = {cls.name: cls for cls in GENERATORS}

__all__ = ["LogLikGenerator", "IntervalData", "REGISTRY", "GENERATORS"] + \
    [cls.__name__ for cls in GENERATORS]
