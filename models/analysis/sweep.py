"""One combination of a parameter sweep, computed: a workbook with some values replaced, one scenario,
one block of Monte Carlo samples.

``cashcast sweep SPEC`` (:mod:`cashcast.reports.sweep`) evaluates every combination of workbooks ×
scenarios × grid points; this module is what a worker runs, with no file, Dask or Parquet in it:

* :func:`with_overrides` — a copy of the workbook whose rows (``ChatGPT Plus.price``) and settings
  (``settings.opening_cash``) hold the grid point's values. An overridden value is **fixed**: it
  replaces the base value and every scenario column, and its low, high and scenario ranges are
  dropped, so it is not sampled (as a scenario that types a value fixes a row). So a combination is
  exactly ``cashcast.run(with_overrides(wb, point), scenario, samples, combination_seed(seed, i))``.
* :func:`combination_seed` — the seed of combination ``i``: ``SeedSequence(seed, spawn_key=(i,))``
  reduced to 64 bits. Inside a combination the draws come in the simulation's fixed blocks of 8,192
  samples, each row's block from its own stream (:mod:`cashcast.models.analysis.distributions`), so
  a sample's draws depend on (seed, combination, row, block) and never on how the sweep is chunked
  or how many workers run it.
* :func:`evaluate_block` — samples ``start..stop − 1`` of a combination: every simulated KPI of
  every sample (a few numbers per sample) and, when percentile paths are asked for, the closing cash
  of every month of each sample (float32, as the run's fan chart holds it).
* :func:`summarise_combination` — the blocks of one combination joined: its KPIs (the scenario's own,
  deterministic, and P10/P50/P90/mean/never of the simulated ones, the very functions ``cashcast
  run`` uses) and, optionally, the P10/P50/P90 of closing cash per month.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.batch import blocks_of_columns, evaluate_kpis
from cashcast.models.analysis.distributions import sample, uncertain_rows
from cashcast.models.analysis.scenarios import run_workbook
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED, row_percentiles, summarise
from cashcast.models.analysis.solve import parse_amount
from cashcast.models.engine.model import Model, build_model
from cashcast.models.engine.names import setting_name
from cashcast.models.reading.cells import parse_date, range_problem
from cashcast.models.reading.data import Row, Workbook
from cashcast.models.reading.specs import SCENARIO_SETTINGS

SETTINGS = "settings"


def target_rows(wb: Workbook) -> dict[str, Row]:
    """The rows a grid may set, by label in lower case: every assumption with a value (not a link to a
    line), and the settings a scenario may change (``settings.opening_cash``)."""
    rows = [r for r in wb.rows if r.link is None] + wb.setting_rows()
    return {r.label.lower(): r for r in rows}


def find_target(wb: Workbook, text: str) -> Row | None:
    """The row ``BLOCK.PARAMETER`` names (case and spaces around the dot ignored), None if none.

    >>> find_target(_toy(), " settings . Opening_Cash ").key
    'settings__opening_cash'
    """
    norm = ".".join(p.strip() for p in " ".join(text.split()).split(".")).lower()
    return target_rows(wb).get(norm)


def typed_value(row: Row, x) -> tuple[float | None, str | None]:
    """A grid value as the workbook holds it (a fraction, a month ordinal, a number), or why not.

    >>> r = Row(0, "B", "k", "p", "p", None, "percent", "%", None, 0.1, None, None, None, None, "", "")
    >>> typed_value(r, "15%"), typed_value(r, 0.2), typed_value(r, 15)
    ((0.15, None), (0.2, None), (None, 'value 15 is outside 0%–100%; type a share such as 1% or 0.01'))
    """
    if row.dimension == "date":
        value, err = parse_date(x if isinstance(x, (str, dt.date)) else str(x))
        return (None, f"'{x}' is not a month such as 2025-06") if err or value is None else (float(value), None)
    if isinstance(x, dt.date):
        return None, f"{x} is a date; {row.label} takes {row.unit}"
    if isinstance(x, str):
        text = x.strip()
        pct = row.dimension in ("percent", "rate") and text.endswith("%")
        value = parse_amount(text[:-1] if pct else text)
        if value is None:
            return None, f"'{x}' is not a value for {row.label} ({row.unit})"
        x = value / 100.0 if pct else value
    x = float(x)
    why = range_problem(x, row.dimension, "value")
    return (None, why) if why else (x, None)


def with_overrides(wb: Workbook, values: dict[str, float]) -> Workbook:
    """A copy of ``wb`` in which each row or setting keyed in ``values`` (its parameter key, e.g.
    ``chatgpt_plus__price`` or ``settings__opening_cash``; values as the workbook holds them:
    fractions, month ordinals for dates) is that value in every scenario, with no range.

    >>> wb = with_overrides(_toy(), {"settings__opening_cash": 7.0})
    >>> wb.settings.value("opening_cash", "lean"), _toy().settings.value("opening_cash", "lean")
    (7.0, 2.0)
    """
    if not values:
        return wb
    settings = wb.settings
    for name in SCENARIO_SETTINGS:
        key = setting_name(name)
        if key in values:
            settings = dataclasses.replace(
                settings, **{name: float(values[key])},
                overrides={k: v for k, v in settings.overrides.items() if k != name},
                ranges={k: v for k, v in settings.ranges.items() if k != name})
    swapped = {}
    for row in wb.rows:
        if row.key in values:
            swapped[id(row)] = dataclasses.replace(row, value=float(values[row.key]), overrides={}, ranges={},
                                                   low=None, high=None, distribution=None)
    if not swapped:
        return dataclasses.replace(wb, settings=settings)

    def new(r: Row) -> Row:
        return swapped.get(id(r), r)

    blocks = {slug: dataclasses.replace(b, rows={k: new(r) for k, r in b.rows.items()},
                                        shapes={k: {m: new(r) for m, r in s.items()} for k, s in b.shapes.items()})
              for slug, b in wb.blocks.items()}
    return dataclasses.replace(wb, settings=settings, rows=[new(r) for r in wb.rows], blocks=blocks)


def combination_seed(seed: int, index: int) -> int:
    """The seed of combination ``index``: ``SeedSequence(seed, spawn_key=(index,))`` as 64 bits.

    >>> combination_seed(0, 0) == combination_seed(0, 0) != combination_seed(0, 1)
    True
    """
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(2, np.uint32)
    return int(state[0]) | int(state[1]) << 32


@dataclass
class Block:
    """Samples ``start..stop − 1`` of one combination: each simulated KPI per sample (NaN = never), and
    the closing cash per month × sample (float32) when paths were asked for, else None."""

    start: int
    stop: int
    values: dict[str, np.ndarray]
    closing: np.ndarray | None


def evaluate_block(model: Model, scenario: str, samples: int, seed: int, start: int, stop: int,
                   paths: bool = False) -> Block:
    """Samples ``start..stop − 1`` of a run of ``samples`` Monte Carlo paths of ``scenario`` of the
    model (its workbook already overridden) from ``seed`` — the same draws a whole run makes."""
    wb = model.workbook
    varied = [u for u in uncertain_rows(wb, scenario) if u.varies]
    drawn = sample(varied, samples, seed, start=start, stop=stop, correlations=wb.correlations)
    with np.errstate(all="ignore"):
        figures, result = evaluate_kpis(model, blocks_of_columns(wb.param_values([scenario]), [drawn], 0, stop - start))
    n = stop - start
    values = {k.name: np.array(np.broadcast_to(figures[k.name], (n,)), dtype=float) for k in registry.simulated()}
    closing = None
    if paths:
        cash = np.broadcast_to(result.values["closing_cash"], (model.horizon, n))
        closing = cash.astype(np.float64 if np.abs(cash).max() > np.finfo(np.float32).max else np.float32)
    return Block(start, stop, values, closing)


def scenario_kpis(wb: Workbook, scenario: str) -> dict[str, float]:
    """The scenario's own KPIs (no sampling), every one of the registry, as ``cashcast run`` has them."""
    run = run_workbook(wb, [scenario])
    return {k.name: float(run.kpis[k.name][0]) if k.name in run.kpis else float("nan") for k in registry.KPIS}


@dataclass
class Summary:
    """One combination summarised: ``kpis`` rows (kpi, value, p10, p50, p90, mean, never; NaN where
    not simulated), and ``paths`` (P10/P50/P90 of closing cash per month, each (T,)) or None."""

    kpis: list[dict]
    paths: dict[str, np.ndarray] | None


def summarise_combination(own: dict[str, float], blocks: list[Block]) -> Summary:
    """The combination's KPI rows and closing-cash percentiles from its blocks (in any order).

    >>> b = Block(0, 5, {"npv": np.arange(5.0)}, np.arange(10.0, dtype=np.float32).reshape(2, 5))
    >>> s = summarise_combination({"npv": 1.5}, [b])
    >>> [(r["kpi"], r["value"], r["p50"], r["mean"]) for r in s.kpis]
    [('npv', 1.5, 2.0, 2.0)]
    >>> s.paths["p90"].tolist()
    [3.6, 8.6]
    """
    blocks = sorted(blocks, key=lambda b: b.start)
    names = list(blocks[0].values) if blocks else []
    nan = float("nan")
    rows = []
    for name, value in own.items():
        row = {"kpi": name, "value": value, "p10": nan, "p50": nan, "p90": nan, "mean": nan, "never": nan}
        if name in names:
            p = summarise(name, np.concatenate([b.values[name] for b in blocks]))
            row.update(p10=p.p10, p50=p.p50, p90=p.p90, mean=p.mean, never=p.never)
        rows.append(row)
    paths = None
    if blocks and blocks[0].closing is not None:
        store = np.concatenate([b.closing for b in blocks], axis=1)
        p = row_percentiles(store)
        paths = {"p10": p[0], "p50": p[1], "p90": p[2]}
    return Summary(rows, paths)


def combination(wb: Workbook, overrides: dict[str, float], scenario: str, samples: int, seed: int,
                start: int = 0, stop: int | None = None, paths: bool = False) -> tuple[dict[str, float], Block]:
    """A whole combination's pure function, for one block: (its own KPIs, the block of samples)."""
    copy = with_overrides(wb, overrides)
    stop = samples if stop is None else stop
    return scenario_kpis(copy, scenario), evaluate_block(build_model(copy), scenario, samples, seed, start, stop, paths)


def _toy() -> Workbook:
    """A workbook with settings only (opening cash 5, 2 in the scenario ``lean``), for the doctests."""
    import datetime as dt
    from pathlib import Path

    from cashcast.models.reading.data import Scenario, Settings

    s = Settings(dt.date(2024, 1, 1), 12, "USD", 0.1, 5.0, None, {}, {}, overrides={"opening_cash": {"lean": 2.0}})
    return Workbook("toy.xlsx", Path("toy.xlsx"), s, [], {}, [Scenario("base", ""), Scenario("lean", "")])


__all__ = ["DEFAULT_SAMPLES", "DEFAULT_SEED", "Block", "Summary", "combination", "combination_seed", "evaluate_block", "find_target",
           "scenario_kpis", "summarise_combination", "target_rows", "typed_value", "with_overrides"]
