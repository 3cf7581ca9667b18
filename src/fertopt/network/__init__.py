"""From a network of trials to a recommendation.

Hierarchical (random-coefficient) response models across sites, the pooled 3414 analysis as
regional stations practise it, and recommendations whose loss on sites they did not see is
measured by leave-site-out refits.

The package sits above ``soiltest`` (class regression groups sites by soil-test class) and
``reports | batch`` (the per-site fits of a large network run through ``run_batch``), and below
``audit`` and ``studies``.
"""

from __future__ import annotations

from fertopt.network.fit import fit_network
from fertopt.network.methods import DEFAULT_METHODS as RECOMMEND_METHODS
from fertopt.network.network_result import NetworkFit, NewSiteOptimum
from fertopt.network.pool3414 import POOL_METHODS, pool_three414
from fertopt.network.pool3414_result import PooledThree414
from fertopt.network.recommend import recommend
from fertopt.network.recommendation import Recommendation

__all__: list[str] = [
    "fit_network",
    "NetworkFit",
    "NewSiteOptimum",
    "pool_three414",
    "PooledThree414",
    "POOL_METHODS",
    "recommend",
    "Recommendation",
    "RECOMMEND_METHODS",
]
