"""Evaluate many variants of one scenario as the columns of one pass, keeping only what KPIs need.

Sensitivity (a column per swing), Monte Carlo (a column per sample) and solve-for (a column per
candidate value) all start from one scenario's parameters and replace a few of them by arrays; the
rest stay shape (1,) and broadcast, so lines that do not depend on what varies are computed once.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from cashcast.models.engine.model import Model, Result
from cashcast.models.analysis.kpi import kpis

# Lines the KPIs read (cashcast.models.analysis.kpi.kpis); evaluate(keep=...) frees every other line early.
KPI_LINES = frozenset({"closing_cash", "operating_cash_flow", "ttm_operating_cash_flow",
                       "cumulative_operating_cash_flow"})
# KPIs that are month indices (NaN = never within the horizon); the others are money.
MONTH_KPIS = ("cash_out_month", "runway_months", "break_even_month")
# "Better" direction of each KPI: +1 when larger is better (a later cash-out, a longer runway).
BETTER = {"cash_out_month": +1, "runway_months": +1, "break_even_month": -1, "peak_funding_need": -1,
          "npv": +1, "ending_cash": +1}


def scenario_params(model: Model, scenario: str) -> dict[str, np.ndarray]:
    """Every parameter of one scenario, each an array of shape (1,)."""
    return model.workbook.param_values([scenario])


def with_columns(base: dict[str, np.ndarray], columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The scenario's parameters with some replaced by per-column arrays (S,)."""
    out = dict(base)
    out.update({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    return out


def evaluate_kpis(model: Model, params: dict[str, np.ndarray],
                  keep: frozenset[str] = KPI_LINES) -> tuple[dict[str, np.ndarray], Result]:
    """KPIs (without IRR, a per-path root search) of every column, and the lean result."""
    result = model.evaluate(params, keep=set(keep))
    return kpis(result, with_irr=False), result


def never_as_horizon(months: np.ndarray, horizon: int) -> np.ndarray:
    """Month KPIs with "never" (NaN) replaced by the horizon: a finite stand-in for sorting.

    >>> never_as_horizon(np.array([3.0, np.nan]), 120)
    array([  3., 120.])
    """
    return np.where(np.isnan(months), float(horizon), months)


def month_label(months: list[dt.date], index: float | None) -> str | None:
    """'YYYY-MM' for a month index within the horizon (earlier or later months are extrapolated);
    None for NaN/None (never)."""
    if index is None or not np.isfinite(index):
        return None
    first = months[0]
    n = first.year * 12 + first.month - 1 + int(round(float(index)))
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def json_number(x) -> float | None:
    """A finite float, or None (JSON has no NaN or infinity)."""
    x = float(x)
    return x if np.isfinite(x) else None
