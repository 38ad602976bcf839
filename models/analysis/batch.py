"""Evaluate many variants of one scenario as the columns of one pass, keeping only what KPIs need.

Sensitivity (a column per swing), Monte Carlo (a column per sample) and solve-for (a column per
candidate value) all start from one scenario's parameters and replace a few of them by arrays; the
rest stay shape (1,) and broadcast, so lines that do not depend on what varies are computed once.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from cashcast.models.engine.model import Model, Result
from cashcast.models.analysis import kpis



def scenario_params(model: Model, scenario: str) -> dict[str, np.ndarray]:
    """Every parameter of one scenario, each an array of shape (1,)."""
    return model.workbook.param_values([scenario])


def with_columns(base: dict[str, np.ndarray], columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The scenario's parameters with some replaced by per-column arrays (S,)."""
    out = dict(base)
    out.update({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    return out


def blocks_of_columns(base: dict[str, np.ndarray], draws: list[dict[str, np.ndarray]],
                      start: int, stop: int) -> dict[str, np.ndarray]:
    """Parameters for S scenarios × samples ``start:stop`` as one pass's columns, scenario-major:
    column ``j·n + i`` is scenario j's sample ``start + i`` (n = stop − start).

    ``base[k]`` holds each scenario's value (S,); ``draws[j]`` the sampled rows of scenario j. A
    parameter no scenario samples and every scenario shares stays (1,), so it broadcasts.

    >>> base = {"a": np.array([1.0, 2.0]), "b": np.array([5.0, 5.0]), "c": np.array([7.0, 8.0])}
    >>> cols = blocks_of_columns(base, [{"a": np.array([10.0, 11.0, 12.0])}, {}], 1, 3)
    >>> cols["a"].tolist(), cols["b"].tolist(), cols["c"].tolist()
    ([11.0, 12.0, 2.0, 2.0], [5.0], [7.0, 7.0, 8.0, 8.0])
    """
    n = stop - start
    sampled = {k for d in draws for k in d}
    out = {}
    for k, values in base.items():
        if k in sampled:
            out[k] = np.concatenate([d[k][start:stop] if k in d else np.full(n, values[j])
                                     for j, d in enumerate(draws)])
        elif (values == values[0]).all():
            out[k] = values[:1]
        else:
            out[k] = np.repeat(values, n)
    return out


def evaluate_kpis(model: Model, params: dict[str, np.ndarray],
                  keep: frozenset[str] | None = None) -> tuple[dict[str, np.ndarray], Result]:
    """The batch KPIs (not IRR, a per-path root search) of every column, and the lean result, which
    holds the lines those KPIs read (``keep`` by default)."""
    result = model.evaluate(params, keep=set(kpis.batch_lines() if keep is None else keep))
    return kpis.evaluate(result, batch_only=True), result


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


def json_value(kpi: kpis.Kpi, x, months: list[dt.date]):
    """A KPI value as the JSON holds it: a month 'YYYY-MM', a whole number of months, or a number;
    None for never or undefined.

    >>> months = [dt.date(2023, 1, 1)]
    >>> [json_value(kpis.named(k), 26.0, months) for k in ("cash_out_month", "runway_months", "npv")]
    ['2025-03', 26, 26.0]
    """
    if kpi.is_date:
        return month_label(months, x)
    if kpi.kind == "months":
        return None if not np.isfinite(x) else int(x)
    return json_number(x)


def ranking_score(kpi: kpis.Kpi, values: np.ndarray, horizon: int) -> np.ndarray:
    """A score where larger is better: months with never as the horizon, NaN as the worst.

    >>> ranking_score(kpis.named("break_even_month"), np.array([3.0, np.nan]), 120).tolist()
    [-3.0, -120.0]
    """
    x = np.where(np.isnan(values), kpi.never_rank(horizon), values) if kpi.is_month else values
    return np.where(np.isnan(x), -np.inf, kpi.better * x)
