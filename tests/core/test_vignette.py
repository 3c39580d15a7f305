"""The seed vignette: the exponential rate by clipped gradient ascent, as the demo."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from femtograd import vignette

ROOT = Path(__file__).resolve().parents[2]


def test_vignette_converges_to_one_over_the_sample_mean():
    lines = []
    rate, mle = vignette.run(out=lines.append)
    data = np.random.default_rng(1).exponential(1 / 7.3, 30)
    assert mle == pytest.approx(1 / np.mean(data), rel=1e-15)
    assert rate == pytest.approx(mle, abs=1e-3)


def test_vignette_prints_iterations_50_100_150_200_with_rate_and_gradient():
    lines = []
    rate, _ = vignette.run(out=lines.append)
    iterations = [line for line in lines if line.startswith("iteration")]
    assert [line.split(",")[0] for line in iterations] == \
        ["iteration 50", "iteration 100", "iteration 150", "iteration 200"]
    assert all("rate =" in line and "dl/drate" in line for line in iterations)
    assert f"{rate:.6f}" in iterations[-1]


def test_python_m_femtograd_demo_exits_0_and_prints_the_vignette():
    done = subprocess.run([sys.executable, "-m", "femtograd", "demo"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "iteration 200" in done.stdout
    assert "converged to the MLE: True" in done.stdout
