"""Figures: drawn with the Agg backend, checked through their artists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import fertopt as fo


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_residual_plot_panels():
    df = fo.load_dataset("minnesota_2012")
    aov = fo.anova(df, response="yld_grain_dry_kgha", treatment="trt", block="rep")
    axes = aov.plot_residuals()
    assert len(axes) == 2
    points = axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(points[:, 0], aov.fitted.to_numpy())
    np.testing.assert_allclose(points[:, 1], aov.residuals.to_numpy())
    assert axes[1].get_title() == "Normal Q-Q"
    with pytest.raises(fo.FertoptError, match="two panels"):
        aov.plot_residuals(ax=axes[0])
