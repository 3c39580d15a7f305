"""Log-likelihood generators: R's families, with censoring, truncation and weights.

Each generator is a `Family` (family.py: what the distribution is, with support-aware
public methods) that binds rows (rows.py) into a log-likelihood (loglik.py);
`Truncated` (truncated.py) is a family restricted to bounds, and spaces.py holds the
parameter spaces. `REGISTRY` maps each family's name (as the command line spells it) to
its class: the families with a regular MLE that fit ordinary data from their default start.
`NAMES` adds the threshold versions (threshold.py: "weibull3", "lognormal3", "gamma3",
"loglogistic3", "exponential2"), whose MLE may not exist: every name `fit_mle`, `compare` and
the command line accept. The combinators take families as arguments, so they have no name:
`Mixture` (mixture.py), `Cure`, `ZeroInflated`, `Hurdle` (combinators.py) and
`CompetingRisks` (competing.py) are used from Python (`COMBINATORS` says how).
"""

from .loglik import LogLikGenerator
from .interval import IntervalData
from .family import Family
from .truncated import Truncated
from .spaces import bounded, ordered
from .exponential import ExpLogLik
from .normal import NormalLogLik
from .weibull import WeibullLogLik
from .gamma import GammaLogLik
from .lognormal import LogNormalLogLik
from .poisson import PoissonLogLik
from .bernoulli import BernoulliLogLik
from .binomial import BinomialLogLik
from .geometric import GeometricLogLik
from .negbinomial import NegBinomialLogLik
from .beta import BetaLogLik
from .logistic import LogisticLogLik
from .loglogistic import LogLogisticLogLik
from .gumbel import GumbelLogLik
from .cauchy import CauchyLogLik
from .studentt import StudentTLogLik
from .inversegaussian import InverseGaussianLogLik
from .gengamma import GenGammaLogLik
from .gompertz import GompertzLogLik
from .makeham import MakehamLogLik
from .pareto import ParetoLogLik
from .lomax import LomaxLogLik
from .rayleigh import RayleighLogLik
from .expweibull import ExpWeibullLogLik
from .birnbaumsaunders import BirnbaumSaundersLogLik
from .burr import BurrLogLik
from .negbinomial2 import NegBinomial2LogLik
from .threshold import (Exp2LogLik, Gamma3LogLik, LogLogistic3LogLik, LogNormal3LogLik,
                        Weibull3LogLik)
from .mixture import Mixture
from .combinators import Cure, Hurdle, ZeroInflated
from .competing import CompetingRisks

GENERATORS = (ExpLogLik, NormalLogLik, WeibullLogLik, GammaLogLik, LogNormalLogLik,
              PoissonLogLik, BernoulliLogLik, BinomialLogLik, GeometricLogLik, NegBinomialLogLik,
              BetaLogLik, LogisticLogLik, LogLogisticLogLik, GumbelLogLik, CauchyLogLik,
              StudentTLogLik, InverseGaussianLogLik)
NEW_FAMILIES = (GenGammaLogLik, GompertzLogLik, MakehamLogLik, ParetoLogLik, LomaxLogLik,
                RayleighLogLik, ExpWeibullLogLik, BirnbaumSaundersLogLik, BurrLogLik,
                NegBinomial2LogLik)
GENERATORS += NEW_FAMILIES
THRESHOLD_FAMILIES = (Weibull3LogLik, LogNormal3LogLik, Gamma3LogLik, LogLogistic3LogLik,
                      Exp2LogLik)

REGISTRY = {cls.name: cls for cls in GENERATORS}
NAMES = dict(REGISTRY)
NAMES.update((cls.name, cls) for cls in THRESHOLD_FAMILIES)
# other spellings of names (the long forms, scipy's), accepted wherever a name is; not listed
ALIASES = {"exponential": "exp", "expon": "exp", "gaussian": "normal", "norm": "normal",
           "lognorm": "lognormal", "t": "studentt", "invgauss": "inversegaussian"}

COMBINATORS = {  # how each is used from Python (they take families, so they have no name)
    "Mixture": "Mixture([WeibullLogLik, WeibullLogLik]): weights on the simplex, components "
               "ordered by scale",
    "Cure": "Cure(WeibullLogLik): a cured fraction that never fails",
    "ZeroInflated": "ZeroInflated(PoissonLogLik): extra zeros",
    "Hurdle": "Hurdle(PoissonLogLik): zero, or the family truncated to k >= 1",
    "CompetingRisks": "CompetingRisks([WeibullLogLik, WeibullLogLik]), with mode= per row",
}

__all__ = ["LogLikGenerator", "Family", "Truncated", "bounded", "ordered", "IntervalData",
           "REGISTRY", "GENERATORS", "NEW_FAMILIES", "THRESHOLD_FAMILIES", "NAMES", "ALIASES",
           "Mixture", "Cure", "ZeroInflated", "Hurdle", "CompetingRisks", "COMBINATORS"] + \
    [cls.__name__ for cls in GENERATORS + THRESHOLD_FAMILIES]
