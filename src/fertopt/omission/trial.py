"""The trial as :func:`fertopt.omission.omission` analyses it: arguments, plots, roles, means.

:func:`check_arguments` checks the options that go together; :func:`fit_trial` gives the
:class:`Trial`: the ANOVA of all treatments (or the plots alone without replicates, in
:class:`Plots`), the role of each treatment (:class:`Roles`) and the least-squares means
(:func:`ls_means`) with their covariance.  :func:`delta` gives delta-method standard errors of
functions of the means; :func:`duncan_letters` and :func:`means_table` the ``means`` table.
The warnings raised here point at the caller of ``omission()``: their ``stacklevel`` counts the
steps in between.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fertopt._core import validation as _v
from fertopt._core.i18n import message
from fertopt.anova import anova
from fertopt.exceptions import DataError, DesignError, DesignWarning, OptionError
from fertopt.multcomp import duncan


def check_arguments(
    frame: pd.DataFrame,
    *,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    minus: Any,
    rates: Any,
    prices: Any,
    uptake: Mapping[str, Hashable] | None,
) -> dict[Any, Hashable]:
    """The uptake columns as a dict, once the columns and the options that go together pass."""
    _v.require_columns(frame, response=response, treatment=treatment, block=block)
    if not isinstance(minus, Mapping) or not minus:
        raise OptionError(
            "minus must map each omitted nutrient to its treatment label, e.g. "
            "minus={'N': 'PK', 'P2O5': 'NK', 'K2O': 'NP'}."
        )
    if prices is not None and rates is None:
        raise OptionError(
            "prices were given without rates: the economics need the nutrient rates of each "
            "treatment. Pass rates=('N', 'P2O5', 'K2O') (rate columns) or the rates per treatment."
        )
    uptake = dict(uptake or {})
    if uptake and rates is None:
        raise OptionError(
            "uptake was given without rates: the recovery efficiency divides the uptake difference "
            "by the nutrient applied. Pass rates=('N', 'P2O5', 'K2O') (rate columns) or the rates "
            "per treatment."
        )
    for nut, column in uptake.items():
        _v.require_column(frame, column, f"uptake[{nut!r}]")
        if str(nut) not in {str(k) for k in minus}:
            raise OptionError(
                f"uptake names nutrient {nut!r}, which has no minus plot; nutrients: "
                f"{', '.join(map(str, minus))}."
            )
    return uptake


@dataclass(frozen=True)
class Plots:
    """The plots analysed and the error of their ANOVA."""

    aov: Any  # AnovaResult of all treatments; None when no treatment is replicated
    used: pd.DataFrame  # the plots with a yield (response, treatment and block columns)
    mse: float  # NaN without replicates, as df_resid
    df_resid: float
    n_obs: int
    n_dropped: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Roles:
    """Treatment labels of the full formula, the minus plots and the control."""

    full: str
    minus: dict[str, str]  # nutrient -> label of the plot lacking (or short of) it
    control: str | None

    @property
    def labelled(self) -> list[str]:
        """The full formula, the minus plots in the order given, then the control."""
        return [self.full, *self.minus.values()] + ([self.control] if self.control else [])

    def of(self, label: str) -> str:
        """``"full"``, ``"minus"``, ``"control"`` or ``"other"``: the role of a treatment."""
        if label == self.full:
            return "full"
        if label in self.minus.values():
            return "minus"
        if label == self.control:
            return "control"
        return "other"


@dataclass(frozen=True)
class Trial:
    """What the later steps read: the data, the plots analysed, the roles and the means."""

    frame: pd.DataFrame  # the data as given
    response: Hashable
    treatment: Hashable
    block: Hashable | None
    plots: Plots
    roles: Roles
    labels: pd.Categorical  # treatment of each plot analysed
    levels: list[str]  # the treatments, in the order of means, cov and counts
    pos: dict[str, int]  # treatment -> its position in levels
    means: np.ndarray  # least-squares (block-adjusted) means
    cov: np.ndarray  # their covariance
    counts: np.ndarray  # plots per treatment
    tq: float  # t quantile of the intervals; NaN without replicates

    @property
    def display_order(self) -> list[str]:
        """The treatments as the tables show them: full, minus plots, control, the others."""
        shown = self.roles.labelled
        return shown + [lbl for lbl in self.levels if lbl not in shown]

    @property
    def source(self) -> pd.DataFrame:
        """The rows of the data that were analysed, with all their columns."""
        return self.frame.loc[self.plots.used.index]


def fit_trial(
    frame: pd.DataFrame,
    *,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    full: Any,
    minus: Mapping[str, Any],
    control: Any,
    confidence_level: float,
    nan_policy: str,
) -> Trial:
    """The plots analysed, the roles of their treatments and the treatment means."""
    plots = _analysed_plots(frame, response, treatment, block, nan_policy)
    used, aov = plots.used, plots.aov
    labels = pd.Categorical(used[treatment])
    levels = [str(c) for c in labels.categories]
    in_data = _v.as_labels(frame[treatment], "treatment").categories
    emptied = [str(c) for c in in_data if str(c) not in levels]
    roles = _resolve_roles(
        levels, treatment, full=full, minus=minus, control=control, emptied=emptied
    )
    y = used[response].to_numpy(dtype=float)
    blk = pd.Categorical(used[block]) if (block is not None and aov is not None) else None
    means, cov, counts = ls_means(y, labels, blk, plots.mse)
    from scipy import stats

    tq = (
        float(stats.t.ppf(0.5 + confidence_level / 2, plots.df_resid))
        if aov is not None
        else math.nan
    )
    return Trial(
        frame=frame,
        response=response,
        treatment=treatment,
        block=block,
        plots=plots,
        roles=roles,
        labels=labels,
        levels=levels,
        pos={lbl: i for i, lbl in enumerate(levels)},
        means=means,
        cov=cov,
        counts=counts,
        tq=tq,
    )


def _analysed_plots(
    frame: pd.DataFrame,
    response: Hashable,
    treatment: Hashable,
    block: Hashable | None,
    nan_policy: str,
) -> Plots:
    """The ANOVA of all treatments, or the plots alone when no treatment is replicated."""
    y_all = _v.to_numeric(frame[response], "response")
    t_all = _v.as_labels(frame[treatment], "treatment")
    present = ~y_all.isna().to_numpy()
    replicated = bool(np.bincount(np.asarray(t_all.codes)[present]).max(initial=0) > 1)
    if replicated:
        aov = anova(
            frame, response=response, treatment=treatment, block=block, nan_policy=nan_policy
        )
        return Plots(
            aov=aov,
            used=aov.data,
            mse=float(aov.mse),
            df_resid=float(aov.df_resid),
            n_obs=int(aov.n_obs),
            n_dropped=int(aov.n_dropped),
            warnings=tuple(aov.warnings),
        )
    _v.drop_missing([y_all], nan_policy, refuse=_v.RESPONSE_EMPTY, column=response)
    used = pd.DataFrame({response: y_all[present].to_numpy()}, index=frame.index[present])
    used[treatment] = t_all[present].remove_unused_categories()  # as anova() drops them
    msg = message("om_no_replicates")
    warnings.warn(msg, DesignWarning, stacklevel=4)  # the caller of omission()
    return Plots(
        aov=None,
        used=used,
        mse=math.nan,
        df_resid=math.nan,
        n_obs=int(present.sum()),
        n_dropped=int((~present).sum()),
        warnings=(msg,),
    )


def _resolve_roles(
    levels: Sequence[str],
    treatment: Hashable,
    *,
    full: Any,
    minus: Mapping[str, Any],
    control: Any,
    emptied: Sequence[str] = (),
) -> Roles:
    """The labels of the full formula, minus plots and control, each a level playing one role.

    ``emptied`` are treatments of the data none of whose plots has a yield left.
    """
    full_label = _check_label(full, "full", levels, treatment, emptied)
    minus_labels = {
        str(nut): _check_label(lbl, f"minus[{nut!r}]", levels, treatment, emptied)
        for nut, lbl in minus.items()
    }
    control_label = (
        _check_label(control, "control", levels, treatment, emptied)
        if control is not None
        else None
    )
    roles_seen: dict[str, str] = {full_label: "full"}
    for nut, lbl in minus_labels.items():
        if lbl in roles_seen:
            raise DesignError(
                f"treatment {lbl!r} is given both as {roles_seen[lbl]} and as minus[{nut!r}]; each "
                "treatment plays one role."
            )
        roles_seen[lbl] = f"minus[{nut!r}]"
    if control_label is not None and control_label in roles_seen:
        raise DesignError(
            f"treatment {control_label!r} is given both as {roles_seen[control_label]} and as "
            "control; each treatment plays one role."
        )
    return Roles(full=full_label, minus=minus_labels, control=control_label)


def label_of(value: Any) -> str:
    """A user-given treatment label in the form :func:`_validation.as_labels` produces."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, numbers.Real):
        return format(value, "g")
    return str(value).strip()


def _check_label(
    value: Any, role: str, levels: Sequence[str], column: Hashable, emptied: Sequence[str] = ()
) -> str:
    """The label of ``value`` for a role, checked to be an analysed treatment level."""
    label = label_of(value)
    if label in emptied:
        raise DataError(
            f"the {role} treatment {label!r} has no yield left: every plot of it has an empty "
            "response, so the indices that need it cannot be computed. Fill in its yields, or "
            f"leave {role} out of the call if the trial has no such treatment."
        )
    if label not in levels:
        raise DesignError(
            f"{role}={value!r} is not a level of treatment column {column!r}; its levels are "
            f"{', '.join(repr(v) for v in levels)}. Name the {role} treatment exactly as it is "
            "written in the data."
        )
    return label


def duncan_letters(trial: Trial, alpha: float) -> tuple[Any, list[str]]:
    """Duncan's test on the ANOVA and each treatment's letters (None and blanks without one)."""
    aov = trial.plots.aov
    if aov is None:
        return None, [""] * len(trial.levels)
    comparison = duncan(aov, alpha=alpha)
    by_label = dict(
        zip(
            comparison.groups["treatment"].astype(str),
            comparison.groups["letters"],
            strict=True,
        )
    )
    return comparison, [by_label.get(lbl, "") for lbl in trial.levels]


def means_table(trial: Trial, letters: Sequence[str]) -> pd.DataFrame:
    """The ``means`` table: full formula, minus plots in the order given, control, the others."""
    levels, roles = trial.levels, trial.roles
    nutrient_of = {lbl: nut for nut, lbl in roles.minus.items()}
    means = pd.DataFrame(
        {
            "treatment": levels,
            "role": [roles.of(lbl) for lbl in levels],
            "nutrient": [nutrient_of.get(lbl, "") for lbl in levels],
            "mean": trial.means,
            "se": np.sqrt(np.clip(np.diag(trial.cov), 0, None)),
            "n": trial.counts.astype(int),
            "letters": letters,
        }
    )
    return means.set_index("treatment").loc[trial.display_order].reset_index()


def ls_means(
    y: np.ndarray, trt: pd.Categorical, blk: pd.Categorical | None, mse: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares treatment means, their covariance and plot counts (additive model)."""
    codes = np.asarray(trt.codes)
    k = len(trt.categories)
    n = y.shape[0]
    X = np.zeros((n, k))
    X[np.arange(n), codes] = 1.0
    if blk is not None:
        b = np.asarray(blk.codes)
        m = len(blk.categories)
        B = np.zeros((n, m - 1))
        rows = b < m - 1
        B[np.flatnonzero(rows), b[rows]] = 1.0
        B[b == m - 1, :] = -1.0  # sum-to-zero: treatment coefficients are LS means
        X = np.hstack([X, B])
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ (X.T @ y)
    counts = np.bincount(codes, minlength=k)
    means = beta[:k]
    # balanced layouts: the arithmetic means are the LS means; use them exactly
    if blk is None or _v.cell_counts(pd.DataFrame({"t": trt, "b": blk}), ["t", "b"]).nunique() == 1:
        means = np.array([math.fsum(y[codes == i]) / counts[i] for i in range(k)])
    cov = mse * XtX_inv[:k, :k]
    return means, cov, counts


def delta(
    fun: Callable[[np.ndarray], Any], means: np.ndarray, cov: np.ndarray
) -> tuple[float, float]:
    """Value and delta-method standard error of ``fun(means)`` (complex-step gradient)."""
    value = float(np.real(fun(means.astype(complex))))
    h = 1e-30
    grad = np.empty(means.shape[0])
    for i in range(means.shape[0]):
        z = means.astype(complex)
        z[i] += 1j * h
        grad[i] = float(np.imag(fun(z))) / h
    var = float(grad @ cov @ grad)
    return value, math.sqrt(max(var, 0.0))
