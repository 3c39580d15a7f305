"""Draw the pictures of docs/diagnostics.md into docs/img: python docs/pictures.py"""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

import femtograd as fg  # noqa: E402  (after choosing the backend)
from femtograd.distributions import LogNormalLogLik, WeibullLogLik  # noqa: E402

HERE = Path(__file__).resolve().parent / "img"
HOURS = np.array([514, 1500, 897, 1148, 1384, 1450, 1500, 172, 1334, 1102,
                  1500, 1500, 1500, 918, 546, 1022, 713, 1350, 821, 1437,
                  1500, 945, 1310, 306, 1500, 1500, 1253, 1500, 864, 1500], dtype=float)


def main():
    HERE.mkdir(exist_ok=True)
    running = HOURS == 1500
    weibull = fg.fit_mle(WeibullLogLik, HOURS, censored=running)
    lognormal = fg.fit_mle(LogNormalLogLik, HOURS, censored=running)
    weibull.plot_probability(lognormal, name="hours").figure.savefig(
        HERE / "bearings-probability.png", dpi=90)
    weibull.plot_fit(name="hours").figure.savefig(HERE / "bearings-survival.png", dpi=90)


if __name__ == "__main__":
    main()
