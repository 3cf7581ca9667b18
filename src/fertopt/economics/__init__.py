"""Economic and agronomic optima of response curves, with honest uncertainty.

The agronomic optimum is the rate of maximum yield (``dY/dx = 0``); the
economic optimum is the rate where one more unit of nutrient just pays for
itself, ``dY/dx = r`` with ``r`` the nutrient : crop price ratio in the data's
units (yield units per rate unit).  Every optimum is a finding with a status:

``ok``
    a maximum of (net) yield inside the tested rates (for a linear plateau its
    join, a corner of the curve inside the tested rates);
``extrapolated``
    the maximum lies outside the tested rates: reported, flagged, not a
    recommendation;
``at_bound``
    at the edge of the tested rates: rate 0 when not even the first unit of
    nutrient pays;
``no_maximum``
    the fitted curve has none (convex, straight line, asymptotic Mitscherlich
    without prices); ``rate`` is NaN, never a negative or meaningless number.

Intervals: delta method, Fieller confidence sets (quadratic and square-root
models; unbounded sets are reported as such), profile likelihood (the model
refitted with the optimum as a parameter, every other parameter re-estimated;
the profile is evaluated for many candidate optima at once and both ends are
found together, :mod:`fertopt.economics.profile_batched`)
and bootstrap (residual, case or wild resampling; ``rng=``, seed recorded).

Examples
--------
>>> import fertopt as fo
>>> p = fo.response_from_coefficients("quadratic", intercept=1688.9, linear=328.69,
...                                   quadratic=-18.052, rate_range=(0, 12), nutrient="P2O5")
>>> opt = p.optimum(prices=fo.Prices(crop=2.8, P2O5=4.67))
>>> round(opt.rate, 3), round(opt.yield_at_rate, 2), opt.status
(9.058, 3185.05, 'ok')
"""

from __future__ import annotations

from fertopt.economics.optimum import BOOTSTRAP_TYPES, CI_METHODS, DEFAULT_CI, Optimum, optimum
from fertopt.economics.prices import CurvePrices, resolve_curve_prices, resolve_surface_prices
from fertopt.economics.returns import (
    NetReturnCurve,
    PooledSites,
    PriceSensitivity,
    net_return_curve,
    pool_sites,
    price_sensitivity,
)

__all__ = [
    "Optimum",
    "NetReturnCurve",
    "PriceSensitivity",
    "PooledSites",
    "optimum",
    "net_return_curve",
    "price_sensitivity",
    "pool_sites",
    "CI_METHODS",
    "BOOTSTRAP_TYPES",
    "DEFAULT_CI",
    "CurvePrices",
    "resolve_curve_prices",
    "resolve_surface_prices",
]
