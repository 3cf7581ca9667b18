"""The Dask engine without an active client: it starts a local cluster for the run and closes it."""

from __future__ import annotations

import pandas as pd
import pytest

import fertopt as fo

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from test_batch import random_trials  # noqa: E402


@pytest.mark.slow
def test_without_a_client_a_local_cluster_is_started_and_closed():
    with pytest.raises(ValueError):
        distributed.get_client()  # no client before
    data = random_trials(10, seed=34)
    kw = {"by": "trial", "response": "y", "treatment": "trt", "block": "rep"}
    res = fo.run_batch(dd.from_pandas(data, npartitions=2), n_jobs=2, **kw)
    local = fo.run_batch(data, **kw)
    for name in ("table", "failures", "warnings"):
        pd.testing.assert_frame_equal(getattr(res, name), getattr(local, name))
    with pytest.raises(ValueError):
        distributed.get_client()  # and none left behind
