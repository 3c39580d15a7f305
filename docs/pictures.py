"""Draw the pictures of the docs pages into docs/img, one function per page:
python docs/pictures.py. Each picture is drawn from the same data and calls as its page."""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

import femtograd as fg  # noqa: E402

HERE = Path(__file__).resolve().parent / "img"
HOURS = np.array([514, 1500, 897, 1148, 1384, 1450, 1500, 172, 1334, 1102,
                  1500, 1500, 1500, 918, 546, 1022, 713, 1350, 821, 1437,
                  1500, 945, 1310, 306, 1500, 1500, 1253, 1500, 864, 1500], dtype=float)
RUNNING = HOURS == 1500


def save(ax, name):
    ax.figure.savefig(HERE / name, dpi=90, bbox_inches="tight")
    plt.close(ax.figure)


def bearings():
    """The Weibull and lognormal fits of docs/reliability.md."""
    return (fg.fit_mle("weibull", HOURS, censored=RUNNING),
            fg.fit_mle("lognormal", HOURS, censored=RUNNING))


def reliability():
    """docs/reliability.md (and docs/diagnostics.md): probability plot and survival."""
    weibull, lognormal = bearings()
    save(weibull.plot_probability(lognormal, name="hours"), "bearings-probability.png")
    save(weibull.plot_fit(name="hours"), "bearings-survival.png")


def plots():
    """docs/plots.md: one picture per kind of plot."""
    weibull, lognormal = bearings()
    save(weibull.plot_probability(lognormal, name="hours", paper="lognormal"),
         "plots-lognormal-paper.png")
    save(weibull.plot_qq(name="hours"), "plots-qq.png")
    save(weibull.plot_pp(name="hours"), "plots-pp.png")
    save(weibull.plot_profile("shape"), "plots-profile.png")
    strength = np.random.default_rng(7).normal(52.0, 4.0, 200)
    save(fg.fit_mle("normal", strength).plot_fit(name="strength (MPa)"), "plots-histogram.png")
    defects = np.random.default_rng(8).poisson(3.2, 150)
    save(fg.fit_mle("poisson", defects).plot_fit(name="defects per panel"), "plots-counts.png")


def intervals():
    """docs/intervals.md: the crack inspections, Turnbull's estimate against the fit."""
    inf = np.inf
    cracks = fg.IntervalData([0, 6, 12, 18, 24, 9.5, 15.2, 20.1],
                             [6, 12, 18, 24, inf, 9.5, 15.2, 20.1])
    fit = fg.fit_mle("weibull", cracks, weights=[3, 7, 9, 6, 15, 1, 1, 1])
    save(fit.plot_fit(name="months to crack"), "intervals-turnbull.png")
    save(fit.plot_probability(name="months to crack"), "intervals-probability.png")


def main():
    HERE.mkdir(exist_ok=True)
    for page in (reliability, plots, intervals):
        page()


if __name__ == "__main__":
    main()
