"""What the plot tests share: figures closed after each test, and a drawn line's data by label."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def line(ax, label):
    """(x, y) of the one line labelled `label` on `ax`."""
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return np.asarray(found[0].get_xdata(), float), np.asarray(found[0].get_ydata(), float)
