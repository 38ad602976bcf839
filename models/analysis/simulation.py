"""Monte Carlo: the scenario's uncertain assumptions sampled, every sample a column of the model.

``simulate(model, scenario, samples, seed)`` draws every row with a low or a high (see
:mod:`cashcast.models.analysis.distributions` for what the draws mean), evaluates the samples in chunks of columns
(each chunk one ``evaluate`` call keeping only the lines the KPIs read, so memory stays flat) and
summarises:

* percentiles P10/P50/P90 of cash-out month, runway, break-even month, peak funding need, ending
  cash and NPV. Money KPIs use numpy's default (linear) percentile. Month KPIs count "never" as
  later than any month, and their percentile q is the earliest month by which at least q of the
  paths have got there (numpy's ``inverted_cdf``); it is "never" (None in JSON) when fewer than q of
  the paths ever do. So for cash-out month P10 is the pessimistic end: one path in ten has run out
  by then.
* the probability that cash runs out (closing cash below zero, or below the minimum cash) by the
  end of each calendar year of the horizon: the share of paths whose cash-out month is at or before
  that year's last month.
* the fan chart: P10/P50/P90 of closing cash in every month, across paths (linear percentiles of
  closing cash held as float32, about 7 significant digits; the scenarios run in groups whose
  closing cash fits ``FAN_BUDGET``, so 5 scenarios × 1,000,000 paths stay under 1 GiB).
* histograms of each KPI for charts, and every sample's KPIs (``values``).

IRR is not simulated: it is a root search per path (the scenarios still report it).

Draws do not depend on the chunk size, so the same seed gives identical results; the pairs of the
workbook's Correlations sheet whose assumptions both vary are applied (see
:mod:`cashcast.models.analysis.correlations`).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from cashcast.models.analysis import kpis
from cashcast.models.analysis.batch import blocks_of_columns, evaluate_kpis, json_number, json_value, month_label
from cashcast.models.analysis.distributions import BLOCK, Uncertain, lognormal_problems, sample, uncertain_rows
from cashcast.models.analysis.correlations import applied
from cashcast.models.analysis.sampling_error import binomial_se, mean_interval, percentile_intervals, wilson
from cashcast.models.engine.model import Model
from cashcast.models.reading.data import Correlation

QUANTILES = (10, 50, 90)
CHUNK_ELEMENTS = 1 << 19  # months × paths per chunk: 4 MiB per line, small enough to stay in cache
HISTOGRAM_BINS = 40
DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0
FAN_BUDGET = 512 << 20  # bytes of closing cash (float32) held at once for the fan chart's percentiles


@dataclass(frozen=True)
class Percentiles:
    """P10/P50/P90 of one KPI. Months are month indices (NaN = never); ``never`` is the share of
    paths that never get there (0 for money); ``mean`` is NaN for months. ``ci95`` holds the 95%
    sampling-error interval of each (:mod:`cashcast.models.analysis.sampling_error`)."""

    p10: float
    p50: float
    p90: float
    mean: float
    never: float
    ci95: dict[str, tuple[float, float]] = field(default_factory=dict)  # p10/p50/p90/mean|never → (lo, hi)


@dataclass(frozen=True)
class Histogram:
    """Counts of paths per bin: ``counts[i]`` paths have ``edges[i] ≤ x < edges[i+1]`` (the last bin
    includes its right edge). Month KPIs have one bin per month index 0..T−1 (``edges`` = 0..T) and
    ``never`` counts the paths with no such month; money KPIs have ``never`` = 0."""

    edges: np.ndarray
    counts: np.ndarray
    never: int


@dataclass(frozen=True)
class FanChart:
    """Closing cash across paths, per month: arrays of shape (T,)."""

    months: list[str]       # 'YYYY-MM'
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray


@dataclass
class Simulation:
    """A Monte Carlo run of one scenario; see the module docstring for the definitions."""

    scenario: str
    samples: int
    seed: int
    months: list[dt.date]
    varied: list[Uncertain]                 # the rows sampled
    values: dict[str, np.ndarray]           # KPI → (samples,) float64, NaN = never
    percentiles: dict[str, Percentiles]     # KPI → P10/P50/P90
    cash_out_by_year: dict[int, float]      # year → P(cash runs out by its last month)
    fan: FanChart
    histograms: dict[str, Histogram] = field(default_factory=dict)
    correlations: list[Correlation] = field(default_factory=list)  # the pairs applied (both varied)
    description: str = ""                   # the scenario's description (Scenarios sheet)

    def probability_ci95(self, p: float) -> tuple[float, float]:
        """The Wilson 95% interval of a share p of this run's samples."""
        return wilson(p, self.samples)

    def varied_json(self) -> list[dict]:
        """The assumptions varied: how each is drawn, in the JSON's units."""
        def value(u: Uncertain, x: float):
            return self.label(x) if u.dimension == "date" else json_number(x)

        return [{"parameter": u.label, "unit": u.unit, "distribution": u.distribution,
                 "low": value(u, u.low), "mode": value(u, u.mode), "high": value(u, u.high)}
                for u in self.varied]

    def label(self, index: float) -> str | None:
        return month_label(self.months, index)

    def _kpi_json(self, name: str, p: Percentiles) -> dict:
        kpi = kpis.named(name)

        def fig(x):
            return json_value(kpi, x, self.months)
        out = {q: fig(x) for q, x in (("p10", p.p10), ("p50", p.p50), ("p90", p.p90))}
        if kpi.is_month:
            out["never"] = p.never
        else:
            out["mean"] = json_number(p.mean)
        out["ci95"] = {q: ([round(x, 6) for x in ci] if q == "never" else [fig(x) for x in ci])
                       for q, ci in p.ci95.items()}
        return out

    def to_json(self) -> dict:
        """One scenario's entry of the JSON "simulation" section."""
        return {
            "scenario": self.scenario,
            "description": self.description,
            "samples": self.samples,
            "seed": self.seed,
            "varied": self.varied_json(),
            "correlations": [{"first": c.first, "second": c.second, "rank_correlation": c.rho}
                             for c in self.correlations],
            "kpis": {k: self._kpi_json(k, p) for k, p in self.percentiles.items()},
            "cash_out_probability_by_year_end": {
                str(y): {"p": p, "se": binomial_se(p, self.samples),
                         "ci95": [round(x, 6) for x in self.probability_ci95(p)]}
                for y, p in self.cash_out_by_year.items()},
            "closing_cash_fan": {"months": self.fan.months, "p10": [json_number(x) for x in self.fan.p10],
                                 "p50": [json_number(x) for x in self.fan.p50],
                                 "p90": [json_number(x) for x in self.fan.p90]},
        }


# ------------------------------------------------------------------------------------------------
# Summaries (pure)
# ------------------------------------------------------------------------------------------------
def month_percentiles(months: np.ndarray, qs=QUANTILES) -> np.ndarray:
    """The earliest month by which at least q% of paths got there; NaN (never) counts as last.

    >>> month_percentiles(np.array([1.0, 2.0, 3.0, np.nan, np.nan]), (10, 50, 90))
    array([ 1.,  3., nan])
    """
    x = np.where(np.isnan(months), np.inf, months)
    out = np.percentile(x, qs, method="inverted_cdf")
    return np.where(np.isinf(out), np.nan, out)


def money_percentiles(values: np.ndarray, qs=QUANTILES) -> np.ndarray:
    """Linear percentiles (numpy's default).

    >>> money_percentiles(np.arange(11.0), (10, 50, 90))
    array([1., 5., 9.])
    """
    return np.percentile(values, qs)


def summarise(kpi: str, values: np.ndarray) -> Percentiles:
    """P10/P50/P90 and the mean (money) or the share never (months), each with its 95% interval."""
    names = [f"p{q}" for q in QUANTILES]
    if kpis.named(kpi).is_month:
        p = month_percentiles(values)
        never = float(np.isnan(values).mean())
        ci = dict(zip(names, percentile_intervals(values, QUANTILES)))
        return Percentiles(*map(float, p), math.nan, never, {**ci, "never": wilson(never, values.size)})
    p = money_percentiles(values)
    ci = dict(zip(names, percentile_intervals(values, QUANTILES)))
    return Percentiles(*map(float, p), float(values.mean()), 0.0, {**ci, "mean": mean_interval(values)})


def histogram(kpi: str, values: np.ndarray, horizon: int, bins: int = HISTOGRAM_BINS) -> Histogram:
    """Histogram-ready counts; see :class:`Histogram`."""
    if kpis.named(kpi).is_month:
        never = np.isnan(values)
        counts = np.bincount(values[~never].astype(np.int64), minlength=horizon)[:horizon]
        return Histogram(np.arange(horizon + 1, dtype=float), counts, int(never.sum()))
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5  # numpy's own rule for a single value
    if not (np.diff(np.linspace(lo, hi, bins + 1)) > 0).all():
        # a spread too narrow for the figures' precision (e.g. 3.1e76 ± 0.5): widen it a little
        pad = max(abs(lo), abs(hi)) * 1e-9
        counts, edges = np.histogram(values, bins=bins, range=(lo - pad, hi + pad))
    else:
        counts, edges = np.histogram(values, bins=bins)
    return Histogram(edges, counts, 0)


def cash_out_by_year(cash_out: np.ndarray, months: list[dt.date]) -> dict[int, float]:
    """P(cash-out month ≤ the last month of each year in the horizon).

    >>> ms = [dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1)]
    >>> cash_out_by_year(np.array([1.0, 2.0, np.nan, 0.0]), ms)
    {2023: 0.5, 2024: 0.75}
    """
    last = {}
    for t, m in enumerate(months):
        last[m.year] = t
    with np.errstate(invalid="ignore"):
        return {y: float(np.mean(cash_out <= t)) for y, t in last.items()}


def row_percentiles(store: np.ndarray, qs=QUANTILES) -> np.ndarray:
    """Linear percentiles of every row of ``store`` (months × paths), as numpy's default method.

    Partitions each row in place (``store`` is consumed) instead of copying the whole array, so a
    million paths need no second copy: ``h = (N − 1)·q``, ``x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])``.

    >>> row_percentiles(np.array([[3.0, 1.0, 2.0, 4.0, 0.0]]), (10, 50, 90))
    array([[0.4],
           [2. ],
           [3.6]])
    """
    n = store.shape[1]
    h = (n - 1) * np.asarray(qs, dtype=float) / 100.0
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    kth = sorted(set(lo.tolist()) | set(hi.tolist()))
    out = np.empty((len(qs), store.shape[0]))
    for t in range(store.shape[0]):
        row = store[t]
        select(row, kth)
        a, b = row[lo].astype(float), row[hi].astype(float)
        out[:, t] = a + (h - lo) * (b - a)
    return out


def select(row: np.ndarray, kth: list[int]) -> None:
    """Partition ``row`` in place so that each index in ``kth`` (sorted) holds its order statistic.

    One single-index partition at a time, each on the part between its neighbours: numpy's
    several-index partition is several times slower on large rows.

    >>> x = np.array([5.0, 1.0, 4.0, 2.0, 3.0]); select(x, [1, 3]); x[[1, 3]]
    array([2., 4.])
    """
    if not kth:
        return
    mid = len(kth) // 2
    k = kth[mid]
    row.partition(k)
    select(row[:k], kth[:mid])
    select(row[k + 1:], [j - k - 1 for j in kth[mid + 1:]])


# ------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------
def chunk_size(horizon: int, elements: int = CHUNK_ELEMENTS) -> int:
    """Paths per evaluate call: about ``elements`` numbers per line.

    >>> chunk_size(120)
    4369
    """
    return max(256, elements // max(horizon, 1))


def simulate(model: Model, scenario: str, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
             chunk: int | None = None, progress: Callable[[int], None] | None = None) -> Simulation:
    """Monte Carlo of one scenario (:func:`simulate_scenarios` of that scenario alone)."""
    return simulate_scenarios(model, [scenario], samples, seed, chunk, progress)[scenario]


def simulate_scenarios(model: Model, scenarios: list[str], samples: int = DEFAULT_SAMPLES,
                       seed: int = DEFAULT_SEED, chunk: int | None = None,
                       progress: Callable[[int], None] | None = None,
                       fan_budget: int = FAN_BUDGET) -> dict[str, Simulation]:
    """Monte Carlo of every scenario: ``samples`` paths each, the scenarios of a group in the same
    evaluate calls (a column per scenario × sample, about ``chunk`` columns a call).

    Each scenario samples the rows uncertain in it (:func:`~cashcast.models.analysis.distributions.
    uncertain_rows`) with the same seed, so its figures equal a run of that scenario alone. Memory is
    bounded: the draws are made a block of samples at a time, and the closing cash the fan chart's
    exact percentiles need (months × samples float32 per scenario) is held for as many scenarios at
    once as ``fan_budget`` bytes allow (:func:`scenario_groups`; all of them up to 100,000 samples ×
    120 months), one group after the other. ``progress(n)`` is called after each call with its share
    of the run in samples: n·(scenarios in the call)/(scenarios), so the calls add up to ``samples``.
    """
    if samples < 1:
        raise ValueError("samples must be 1 or more")
    wb = model.workbook
    varied = {}
    for s in scenarios:
        rows = uncertain_rows(wb, s)
        assert not lognormal_problems(wb, rows), "validate() checks every scenario's ranges"
        varied[s] = [u for u in rows if u.varies]
    described = {sc.name: sc.description for sc in wb.scenarios}
    out = {}
    for group in scenario_groups(scenarios, samples, model.horizon, fan_budget):
        share = None if progress is None else (lambda n, g=len(group): progress(n * g / len(scenarios)))
        values, stores = _run_group(model, group, varied, samples, seed, chunk, share)
        for j, s in enumerate(group):
            store, stores[j] = stores[j], None
            out[s] = _summary(wb.months(), s, samples, seed, varied[s], values[j], row_percentiles(store),
                              wb.correlations)
            out[s].description = described.get(s, "")
            del store
    return {s: out[s] for s in scenarios}


def scenario_groups(scenarios: list[str], samples: int, horizon: int, budget: int = FAN_BUDGET) -> list[list[str]]:
    """The scenarios in groups run together: as many a group as their closing cash (``horizon ×
    samples`` float32 each) fits in ``budget`` bytes, at least one.

    >>> scenario_groups(["a", "b", "c", "d", "e"], 1_000_000, 120)
    [['a'], ['b'], ['c'], ['d'], ['e']]
    >>> scenario_groups(["a", "b", "c", "d", "e"], 100_000, 120)
    [['a', 'b', 'c', 'd', 'e']]
    """
    each = max(1, budget // max(1, 4 * horizon * samples))
    return [scenarios[i:i + each] for i in range(0, len(scenarios), each)]


def windows(samples: int, step: int) -> list[tuple[int, int]]:
    """Samples ``(start, stop)`` drawn at once: whole blocks of the random streams (so each block is
    drawn once), at least ``step`` samples.

    >>> windows(20_000, 1_000)
    [(0, 8192), (8192, 16384), (16384, 20000)]
    """
    size = BLOCK * max(1, -(-step // BLOCK))
    return [(a, min(a + size, samples)) for a in range(0, samples, size)]


def _run_group(model: Model, group: list[str], varied: dict[str, list[Uncertain]], samples: int, seed: int,
               chunk: int | None, progress: Callable[[int], None] | None):
    """The KPIs of every sample and the closing cash of every month and sample of each scenario of
    the group: draws a window of blocks at a time, evaluates it in calls of about ``chunk`` columns."""
    wb, horizon = model.workbook, model.horizon
    base = wb.param_values(group)
    step = max(1, (chunk or chunk_size(horizon)) // len(group))
    names = [k.name for k in kpis.simulated()]
    values = [{k: np.empty(samples) for k in names} for _ in group]
    stores = [np.empty((horizon, samples), dtype=np.float32) for _ in group]
    for first, last in windows(samples, step):
        drawn = [sample(varied[s], samples, seed, start=first, stop=last, correlations=wb.correlations)
                 for s in group]
        for start in range(first, last, step):
            stop = min(start + step, last)
            n = stop - start
            figures, result = evaluate_kpis(model, blocks_of_columns(base, drawn, start - first, stop - first))
            cash = np.broadcast_to(result.values["closing_cash"], (horizon, n * len(group)))
            for j in range(len(group)):
                for k in names:
                    values[j][k][start:stop] = np.broadcast_to(figures[k], (n * len(group),))[j * n:(j + 1) * n]
                block = cash[:, j * n:(j + 1) * n]
                if stores[j].dtype == np.float32 and np.abs(block).max() > np.finfo(np.float32).max:
                    stores[j] = stores[j].astype(np.float64)  # beyond float32 (3.4e38): hold every path in full
                stores[j][:, start:stop] = block
            if progress is not None:
                progress(n)
    return values, stores


def _summary(months: list[dt.date], scenario: str, samples: int, seed: int, varied: list[Uncertain],
             values: dict[str, np.ndarray], fan: np.ndarray, correlations: list[Correlation]) -> Simulation:
    """One scenario's Simulation from its samples' KPIs and its closing-cash fan; the workbook's
    correlations that apply to it (both sides varied)."""
    return Simulation(
        scenario=scenario, samples=samples, seed=seed, months=months, varied=varied, values=values,
        percentiles={k: summarise(k, v) for k, v in values.items()},
        cash_out_by_year=cash_out_by_year(values["cash_out_month"], months),
        fan=FanChart([m.strftime("%Y-%m") for m in months], *fan),
        histograms={k: histogram(k, v, len(months)) for k, v in values.items()},
        correlations=applied(correlations, varied),
    )


__all__ = ["Simulation", "Percentiles", "Histogram", "FanChart", "simulate", "simulate_scenarios",
           "DEFAULT_SAMPLES", "DEFAULT_SEED"]
