"""Single-nutrient yield-response models: one specification per model.

Each :class:`ModelSpec` holds everything fertopt needs to fit a model and to
reason about its optimum: the curve, its parameter names (the DESIGN.md
contract), a self-starting guess, the analytic Jacobian and slope, the
analytic optimum for a price ratio ``r`` (``r = 0`` gives the rate of maximum
yield), the gradient of that optimum for the delta method, and a
reparameterisation in which the optimum itself is a parameter (for profile
likelihood intervals).

=====================  ===================================  ===========================
model                  curve                                parameters
=====================  ===================================  ===========================
``linear``             a + b·x                              intercept, slope
``quadratic``          a + b·x + c·x²                       intercept, linear, quadratic
``square_root``        a + b·√x + c·x                       intercept, sqrt, linear
``linear_plateau``     a + b·min(x, x₀)                     intercept, slope, join
``quadratic_plateau``  a + b·(x − x²/(2x₀)) below x₀,       intercept, linear, join
                       a + b·x₀/2 beyond (smooth at x₀)
``mitscherlich``       A·(1 − exp(−c·(x + s)))              asymptote, rate, shift
=====================  ===================================  ===========================

Models linear in their parameters are fitted by least squares (a QR decomposition
on a rescaled rate); the others by variable projection (the model is linear in
``a`` and ``b`` once ``x₀`` or ``c`` is fixed, so the residual sum of squares is
profiled exactly over a grid of the nonlinear parameter, segment by segment
between the tested rates) followed by :func:`scipy.optimize.least_squares`.

Examples
--------
>>> from fertopt.curves.models import MODELS
>>> spec = MODELS["quadratic"]
>>> spec.params
('intercept', 'linear', 'quadratic')
>>> theta = np.array([1688.9, 328.69, -18.052])
>>> round(spec.solve(theta, 0.0).rate, 4)          # rate of maximum yield
9.104
>>> spec.solve(np.array([1689.3, 13.338, 3.2568]), 0.0).case   # convex: no maximum
'none'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from fertopt._core.validation import check_choice

__all__ = ["ModelSpec", "Solution", "MODELS", "MODEL_NAMES", "get_model", "Blocks"]


# ---------------------------------------------------------------------------
# helpers shared by the fitting code
# ---------------------------------------------------------------------------
class Blocks:
    """Intercept plus additive block effects (sum-to-zero coding).

    ``project`` removes the intercept and block effects from columns (block
    means are subtracted), so that a model ``y = a + δ_block + h(x)`` is fitted
    by minimising ``||M(y - h)||²``.  Without blocks, M subtracts the mean.
    """

    def __init__(self, codes: np.ndarray | None, n: int):
        if codes is None:
            codes = np.zeros(n, dtype=np.intp)
        self.codes = np.asarray(codes, dtype=np.intp)
        self.n_blocks = int(self.codes.max()) + 1 if len(self.codes) else 1
        self.counts = np.bincount(self.codes, minlength=self.n_blocks).astype(float)

    def means(self, v: np.ndarray) -> np.ndarray:
        """Block means of each column (n_blocks × m, or n_blocks for a vector)."""
        if v.ndim == 1:
            return np.bincount(self.codes, weights=v, minlength=self.n_blocks) / self.counts
        out = np.empty((self.n_blocks, v.shape[1]))
        for b in range(self.n_blocks):
            out[b] = v[self.codes == b].mean(axis=0)
        return out

    def project(self, v: np.ndarray) -> np.ndarray:
        """Columns with the intercept and block effects removed."""
        if self.n_blocks == 1:
            return v - v.mean(axis=0)
        return v - self.means(v)[self.codes]

    def intercept_and_effects(self, resid: np.ndarray) -> tuple[float, np.ndarray]:
        """Intercept (average over blocks) and block effects of ``y - h(x)``."""
        mu = self.means(resid)
        a = float(mu.mean())
        return a, mu - a

    def coding(self) -> np.ndarray:
        """Sum-to-zero coded block columns (n × (n_blocks - 1)); empty without blocks."""
        n = len(self.codes)
        k = self.n_blocks
        d = np.zeros((n, max(k - 1, 0)))
        for b in range(k - 1):
            d[self.codes == b, b] = 1.0
        if k > 1:
            d[self.codes == k - 1, :] = -1.0
        return d


def sse_free(my: np.ndarray, mg: np.ndarray) -> np.ndarray:
    """Residual SS of ``My`` on one free coefficient times each column of ``Mg``."""
    yy = float(my @ my)
    gg = np.einsum("ij,ij->j", mg, mg) if mg.ndim == 2 else np.array([mg @ mg])
    gy = my @ mg if mg.ndim == 2 else np.array([mg @ my])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = yy - np.where(gg > 0, gy * gy / gg, 0.0)
    return np.maximum(out, 0.0)


def sse_fixed(mv: np.ndarray) -> np.ndarray:
    """Residual SS of each column of an already projected residual matrix."""
    return np.einsum("ij,ij->j", mv, mv) if mv.ndim == 2 else np.array([mv @ mv])


class Solution(NamedTuple):
    """Where a fitted curve's marginal product equals the price ratio.

    ``case`` is ``'interior'`` (a smooth maximum of net return), ``'corner'``
    (the kink of a linear plateau), ``'zero'`` (not even the first unit pays,
    or yield falls from the start: apply none) or ``'none'`` (no finite
    optimum: convex, linear or asymptotic curve).  ``critical`` is a point
    where the slope equals the ratio without being a maximum (a convex
    curve's minimum), never a recommendation; ``message`` explains the case.
    """

    rate: float
    case: str
    critical: float
    message: str


NAN = float("nan")


@dataclass(frozen=True, eq=False)
class ModelSpec:
    """Specification of one response model (see the module docstring).

    Attributes
    ----------
    name, params, formula : str, tuple of str, str
        Identity, parameter names (DESIGN.md contract) and the equation in words.
    linear : bool
        Linear in its parameters (fitted by OLS).
    curve, jacobian, slope : callable
        ``f(x, θ)``, ``∂f/∂θ`` (n × p) and ``∂f/∂x``.
    guess : callable
        Self-starting values ``guess(x, y) -> θ`` from the data.
    solve : callable
        ``solve(θ, r) -> Solution``: the rate where ``∂f/∂x = r``.
    rate_gradient : callable
        ``∂ rate / ∂θ`` of the interior or corner solution (delta method).
    powers : tuple of float
        For linear models: each column is ``x**power`` (used to rescale x).
    nonlinear : str
        For variable-projection models: the name of the nonlinear parameter.
    fieller : bool
        The optimum is the root of an expression linear in the parameters
        (Fieller confidence sets apply).
    """

    name: str
    params: tuple[str, ...]
    formula: str
    linear: bool
    curve: Callable[[np.ndarray, np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray]
    guess: Callable[[np.ndarray, np.ndarray], np.ndarray]
    solve: Callable[[np.ndarray, float], Solution]
    rate_gradient: Callable[[np.ndarray, float], np.ndarray]
    powers: tuple[float, ...] = ()
    nonlinear: str = ""
    fieller: bool = False

    @property
    def n_params(self) -> int:
        return len(self.params)

    def __reduce_ex__(self, protocol: int):
        # a registered model pickles by name (its functions are closures, which pickle cannot
        # carry), so that fits and curves travel to Dask workers and into caches
        if MODELS.get(self.name) is self:
            return get_model, (self.name,)
        return object.__reduce_ex__(self, protocol)

    def columns(self, x: np.ndarray) -> np.ndarray:
        """Design columns of a linear model (without the intercept column)."""
        return np.column_stack([x**p for p in self.powers[1:]])


def _floats(
    solve: Callable[[np.ndarray, float], Solution],
) -> Callable[[np.ndarray, float], Solution]:
    """Call ``solve`` with Python floats and return a Solution of Python floats."""

    def wrapped(t: np.ndarray, r: float) -> Solution:
        sol = solve([float(v) for v in t], float(r))
        return Solution(float(sol.rate), sol.case, float(sol.critical), sol.message)

    wrapped.__name__ = solve.__name__
    wrapped.__doc__ = solve.__doc__
    return wrapped


def _zero_message(slope0: float, r: float) -> str:
    if r > 0:
        return (
            f"the marginal product at the lowest rate ({slope0:.4g}) does not exceed the price "
            f"ratio ({r:.4g}): no fertilizer pays, the optimum is to apply none"
        )
    return "yield does not rise with the rate: the highest yield is at the lowest rate"


# ---------------------------------------------------------------------------
# linear
# ---------------------------------------------------------------------------
def _lin_curve(x, t):
    return t[0] + t[1] * x


def _lin_jac(x, t):
    return np.column_stack([np.ones_like(x), x])


def _lin_slope(x, t):
    return np.full_like(np.asarray(x, float), t[1])


def _lin_guess(x, y):
    b = np.polyfit(x, y, 1)
    return np.array([b[1], b[0]])


@_floats
def _lin_solve(t, r):
    a, b = t
    if b > r:
        what = "yield" if r == 0 else "net return"
        return Solution(
            NAN,
            "none",
            NAN,
            f"a straight line has no maximum: {what} keeps rising with the rate (slope "
            f"{b:.4g} > price ratio {r:.4g}); fit a model with diminishing returns",
        )
    return Solution(0.0, "zero", NAN, _zero_message(b, r))


def _lin_grad(t, r):
    return np.zeros(2)


# ---------------------------------------------------------------------------
# quadratic
# ---------------------------------------------------------------------------
def _q_curve(x, t):
    return t[0] + t[1] * x + t[2] * x * x


def _q_jac(x, t):
    return np.column_stack([np.ones_like(x), x, x * x])


def _q_slope(x, t):
    return t[1] + 2 * t[2] * np.asarray(x, float)


def _q_guess(x, y):
    b = np.polyfit(x, y, 2)
    return b[::-1].copy()


@_floats
def _q_solve(t, r):
    a, b, c = t
    if c >= 0:
        if c > 0:
            crit = (r - b) / (2 * c)
            return Solution(
                NAN,
                "none",
                crit,
                f"the curve is convex (quadratic term {c:.4g} > 0): b + 2cx = {r:.4g} at "
                f"x = {crit:.4g} is a minimum, not a maximum, so no maximum or economic "
                "optimum exists",
            )
        return Solution(NAN, "none", NAN, "the quadratic term is 0: the fit is a straight line")
    x = (r - b) / (2 * c)
    if x <= 0:
        return Solution(0.0, "zero", x, _zero_message(b, r))
    return Solution(x, "interior", NAN, "")


def _q_grad(t, r):
    a, b, c = t
    return np.array([0.0, -1.0 / (2 * c), -(r - b) / (2 * c * c)])


# ---------------------------------------------------------------------------
# square root
# ---------------------------------------------------------------------------
def _sr_curve(x, t):
    return t[0] + t[1] * np.sqrt(x) + t[2] * x


def _sr_jac(x, t):
    return np.column_stack([np.ones_like(x), np.sqrt(x), x])


def _sr_slope(x, t):
    x = np.asarray(x, float)
    with np.errstate(divide="ignore"):
        return t[1] / (2 * np.sqrt(x)) + t[2]


def _sr_guess(x, y):
    X = np.column_stack([np.ones_like(x), np.sqrt(x), x])
    return np.linalg.lstsq(X, y, rcond=None)[0]


@_floats
def _sr_solve(t, r):
    a, b, c = t
    if b <= 0:
        if c > r:
            return Solution(
                NAN,
                "none",
                NAN,
                f"the curve is convex (sqrt term {b:.4g} ≤ 0) and its slope tends to "
                f"{c:.4g} > price ratio {r:.4g}: no maximum exists",
            )
        return Solution(0.0, "zero", NAN, _zero_message(-np.inf if b < 0 else c, r))
    if c >= r:
        return Solution(
            NAN,
            "none",
            NAN,
            f"the slope b/(2√x) + c never falls to the price ratio {r:.4g} (linear term "
            f"{c:.4g} ≥ it): yield keeps paying, no maximum exists",
        )
    return Solution((b / (2 * (r - c))) ** 2, "interior", NAN, "")


def _sr_grad(t, r):
    a, b, c = t
    d = r - c
    return np.array([0.0, b / (2 * d * d), b * b / (2 * d**3)])


# ---------------------------------------------------------------------------
# linear plateau
# ---------------------------------------------------------------------------
def _lp_curve(x, t):
    return t[0] + t[1] * np.minimum(x, t[2])


def _lp_jac(x, t):
    x = np.asarray(x, float)
    return np.column_stack([np.ones_like(x), np.minimum(x, t[2]), np.where(x > t[2], t[1], 0.0)])


def _lp_slope(x, t):
    return np.where(np.asarray(x, float) < t[2], t[1], 0.0)


def _lp_guess(x, y):
    levels = np.unique(x)
    xs = float(np.median(levels[1:])) if len(levels) > 2 else float(levels[-1])
    low = x <= xs
    b = np.polyfit(x[low], y[low], 1)[0] if len(np.unique(x[low])) > 1 else 0.0
    return np.array([float(y[x == levels[0]].mean()) - b * levels[0], b, xs])


@_floats
def _lp_solve(t, r):
    a, b, xs = t
    if b <= r:
        return Solution(0.0, "zero", NAN, _zero_message(b, r))
    return Solution(
        xs,
        "corner",
        NAN,
        "corner solution: with a linear plateau the optimum is the join whatever the "
        "price, as long as the slope exceeds the price ratio",
    )


def _lp_grad(t, r):
    return np.array([0.0, 0.0, 1.0])


# ---------------------------------------------------------------------------
# quadratic plateau (smooth, parameterised by the join)
# ---------------------------------------------------------------------------
def qp_basis(x: np.ndarray, xs: float | np.ndarray) -> np.ndarray:
    """``x - x²/(2 x₀)`` below the join, ``x₀/2`` beyond (columns for a vector of joins)."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.ndim(xs) == 0:
            return np.where(x < xs, x - x * x / (2 * xs), xs / 2)
        xs = np.asarray(xs, float)[None, :]
        xc = x[:, None]
        return np.where(xc < xs, xc - xc * xc / (2 * xs), xs / 2)


def _qp_curve(x, t):
    return t[0] + t[1] * qp_basis(x, t[2])


def _qp_jac(x, t):
    x = np.asarray(x, float)
    a, b, xs = t
    dxs = np.where(x < xs, b * x * x / (2 * xs * xs), b / 2)
    return np.column_stack([np.ones_like(x), qp_basis(x, xs), dxs])


def _qp_slope(x, t):
    x = np.asarray(x, float)
    return np.where(x < t[2], t[1] * (1 - x / t[2]), 0.0)


def _qp_guess(x, y):
    levels = np.unique(x)
    q = np.polyfit(x, y, 2)
    top = float(levels[-1])
    xs = -q[1] / (2 * q[0]) if q[0] < 0 else top
    lo = float(levels[1]) if len(levels) > 1 else top
    xs = float(np.clip(xs, lo, 3 * top))
    g = qp_basis(x, xs)
    b = np.polyfit(g, y, 1)
    return np.array([b[1], b[0], xs])


@_floats
def _qp_solve(t, r):
    a, b, xs = t
    if b <= r:
        return Solution(0.0, "zero", NAN, _zero_message(b, r))
    return Solution(xs * (1 - r / b), "interior", NAN, "")


def _qp_grad(t, r):
    a, b, xs = t
    return np.array([0.0, xs * r / (b * b), 1 - r / b])


# ---------------------------------------------------------------------------
# Mitscherlich
# ---------------------------------------------------------------------------
def _mit_curve(x, t):
    A, c, s = t
    return A * (1 - np.exp(-c * (np.asarray(x, float) + s)))


def _mit_jac(x, t):
    A, c, s = t
    x = np.asarray(x, float)
    e = np.exp(-c * (x + s))
    return np.column_stack([1 - e, A * (x + s) * e, A * c * e])


def _mit_slope(x, t):
    A, c, s = t
    return A * c * np.exp(-c * (np.asarray(x, float) + s))


def _mit_guess(x, y):
    levels = np.unique(x)
    means = np.array([y[x == v].mean() for v in levels])
    A = float(means.max() + 0.05 * abs(means.max()))
    frac = np.clip(1 - means / A, 1e-6, 1)
    span = float(levels[-1] - levels[0]) or 1.0
    c = max(-np.polyfit(levels, np.log(frac), 1)[0], 1e-3 / span)
    s = float(-np.log(frac[0]) / c - levels[0])
    return np.array([A, c, s])


@_floats
def _mit_solve(t, r):
    A, c, s = t
    if c <= 0 or A <= 0:
        return Solution(
            NAN, "none", NAN, "the fitted curve does not level off (asymptote or rate ≤ 0)"
        )
    if r == 0:
        return Solution(
            NAN,
            "none",
            NAN,
            f"the Mitscherlich curve approaches its asymptote {A:.4g} without reaching it: "
            "there is no finite rate of maximum yield; use an economic optimum",
        )
    x = np.log(A * c / r) / c - s
    if x <= 0:
        return Solution(0.0, "zero", x, _zero_message(A * c * np.exp(-c * s), r))
    return Solution(float(x), "interior", NAN, "")


def _mit_grad(t, r):
    A, c, s = t
    return np.array([1 / (A * c), (1 - np.log(A * c / r)) / (c * c), -1.0])


# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------
MODELS: dict[str, ModelSpec] = {
    "linear": ModelSpec(
        "linear",
        ("intercept", "slope"),
        "yield = intercept + slope·x",
        True,
        _lin_curve,
        _lin_jac,
        _lin_slope,
        _lin_guess,
        _lin_solve,
        _lin_grad,
        powers=(0, 1),
    ),
    "quadratic": ModelSpec(
        "quadratic",
        ("intercept", "linear", "quadratic"),
        "yield = intercept + linear·x + quadratic·x²",
        True,
        _q_curve,
        _q_jac,
        _q_slope,
        _q_guess,
        _q_solve,
        _q_grad,
        powers=(0, 1, 2),
        fieller=True,
    ),
    "square_root": ModelSpec(
        "square_root",
        ("intercept", "sqrt", "linear"),
        "yield = intercept + sqrt·√x + linear·x",
        True,
        _sr_curve,
        _sr_jac,
        _sr_slope,
        _sr_guess,
        _sr_solve,
        _sr_grad,
        powers=(0, 0.5, 1),
        fieller=True,
    ),
    "linear_plateau": ModelSpec(
        "linear_plateau",
        ("intercept", "slope", "join"),
        "yield = intercept + slope·min(x, join)",
        False,
        _lp_curve,
        _lp_jac,
        _lp_slope,
        _lp_guess,
        _lp_solve,
        _lp_grad,
        nonlinear="join",
    ),
    "quadratic_plateau": ModelSpec(
        "quadratic_plateau",
        ("intercept", "linear", "join"),
        "yield = intercept + linear·(x − x²/(2·join)) for x < join, intercept + linear·join/2 "
        "beyond",
        False,
        _qp_curve,
        _qp_jac,
        _qp_slope,
        _qp_guess,
        _qp_solve,
        _qp_grad,
        nonlinear="join",
    ),
    "mitscherlich": ModelSpec(
        "mitscherlich",
        ("asymptote", "rate", "shift"),
        "yield = asymptote·(1 − exp(−rate·(x + shift)))",
        False,
        _mit_curve,
        _mit_jac,
        _mit_slope,
        _mit_guess,
        _mit_solve,
        _mit_grad,
        nonlinear="rate",
    ),
}

#: Model names accepted by ``fit_response(model=...)``.
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)


def get_model(name: str) -> ModelSpec:
    """The specification of a model by name (raises a clear error for unknown names)."""
    check_choice(name, "model", MODEL_NAMES)
    return MODELS[name]
