"""Regression fits (`fg.regress`) against their peers, as ratios in one run.

    python benchmarks/bench_regression.py            # the issue's three cases and the memory
    python benchmarks/bench_regression.py --quick    # a tenth of the rows, 2 repeats

  poisson   n = 1e6, 10 covariates: statsmodels GLM(...).fit() (IRLS) — goal ≤ 1.5×
  weibull   right-censored AFT, n = 1e5, 20 covariates: lifelines' WeibullAFTFitter when
            installed (goal ≤ 1/4 of its time); otherwise femtograd's time alone
  hetero    normal with mu and sigma on covariates, n = 1e5: statsmodels
            GenericLikelihoodModel (goal ≤ 1/5)
  memory    peak traced memory of a Weibull AFT fit at n = 1e6, p = 20, in design copies

Every case checks that the estimates agree; times are min and median over the repeats.
"""

import _util  # noqa: F401  (first: sets single-threaded BLAS and the import path)

import argparse
import tracemalloc
import warnings

import numpy as np

import femtograd as fg
from femtograd.distributions import NormalLogLik, PoissonLogLik, WeibullLogLik


def poisson(n, rng):
    import statsmodels.api as sm
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 10))])
    y = rng.poisson(np.exp(x @ rng.normal(0, 0.1, 11))).astype(float)
    return {"femtograd": lambda: fg.regress(PoissonLogLik, y, design={"rate": x}).params.to_numpy(),
            "statsmodels": lambda: np.asarray(sm.GLM(y, x, family=sm.families.Poisson())
                                              .fit().params)}


def weibull(n, rng, p=20):
    x = np.column_stack([np.ones(n), rng.normal(size=(n, p))])
    beta = np.r_[3.0, rng.normal(0, 0.1, p)]
    life = np.exp(x @ beta) * rng.weibull(1.3, n)
    t, event = np.minimum(life, 40.0), life <= 40.0
    cases = {"femtograd": lambda: fg.regress(WeibullLogLik, t, event=event,
                                             design={"scale": x}).params["scale"].to_numpy()}
    try:
        import pandas as pd
        from lifelines import WeibullAFTFitter
    except ImportError:
        return cases
    frame = pd.DataFrame(x[:, 1:], columns=[f"x{i}" for i in range(p)]).assign(t=t, e=event)
    cases["lifelines"] = lambda: np.roll(WeibullAFTFitter().fit(frame, "t", "e")
                                         .params_["lambda_"].to_numpy(), 1)
    return cases


def hetero(n, rng):
    from statsmodels.base.model import GenericLikelihoodModel
    from scipy import stats
    x = np.column_stack([np.ones(n), rng.normal(size=(n, 4))])
    z = x[:, :3]
    y = x @ rng.normal(size=5) + rng.normal(size=n) * np.exp(z @ [0.1, 0.2, -0.1])

    class Hetero(GenericLikelihoodModel):
        def loglikeobs(self, params):
            return stats.norm.logpdf(self.endog, self.exog @ params[:5],
                                     np.exp(z @ params[5:]))
    start = np.r_[np.linalg.lstsq(x, y, rcond=None)[0], np.log(y.std()), 0.0, 0.0]
    return {"femtograd": lambda: fg.regress(NormalLogLik, y, design={"mu": x, "sigma": z})
            .params.to_numpy(),
            "statsmodels": lambda: np.asarray(Hetero(y, x, extra_params_names=["s0", "s1", "s2"])
                                              .fit(start_params=start, method="bfgs", disp=0,
                                                   maxiter=500).params)}


def memory(n, rng, p=20):
    x = np.column_stack([np.ones(n), rng.normal(size=(n, p))])
    life = np.exp(x @ np.r_[3.0, rng.normal(0, 0.1, p)]) * rng.weibull(1.3, n)
    t, event = np.minimum(life, 40.0), life <= 40.0
    tracemalloc.start()
    fg.regress(WeibullLogLik, t, event=event, design={"scale": x})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / x.nbytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    repeats = args.repeats or (2 if args.quick else 5)
    rng = np.random.default_rng(0)
    print(_util.machine())
    print("case     peer         femtograd ms (min/median)  peer ms  ratio fg/peer (min / median)")
    for name, make, n in (("poisson", poisson, 1_000_000), ("weibull", weibull, 100_000),
                          ("hetero", hetero, 100_000)):
        cases = make(int(n * scale), rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = {k: fn() for k, fn in cases.items()}
            times = _util.interleaved(cases, repeats)
        for peer in (k for k in cases if k != "femtograd"):
            gap = np.max(np.abs(results["femtograd"] - results[peer]))
            fmin, fmed = _util.summary(times["femtograd"])
            pmin, _ = _util.summary(times[peer])
            print(f"{name:8} {peer:12} {_util.ms(fmin):>8} / {_util.ms(fmed):<8}        "
                  f"{_util.ms(pmin):>8}  {_util.ratio(times['femtograd'], times[peer])}"
                  f"   (max |Δestimate| {gap:.1e})")
        if len(cases) == 1:
            print(f"{name:8} (no peer installed) {_util.ms(min(times['femtograd']))} ms")
    print(f"memory   peak of a Weibull AFT fit at n = {int(1e6 * scale)}, p = 20: "
          f"{memory(int(1e6 * scale), rng):.1f} design copies")


if __name__ == "__main__":
    main()
