"""The sweep on Dask: one task graph of chunks, partitions written as they finish, resumable.

Tasks (all small messages; see the README "Sweeps"):

* ``chunk`` — one combination × one window of ``chunk`` samples:
  :func:`cashcast.models.analysis.sweep.evaluate_block` on the workbook with the combination's
  overrides. It returns the simulated KPIs of its samples (6 numbers a sample) and, only with
  ``percentile_paths``, the closing cash of its samples (months × samples float32); its memory is
  about ``chunk`` × months × (the lines the KPIs read) × 8 bytes, so ``chunk`` bounds a worker.
* ``combine`` — a combination's chunks joined and summarised (its own KPIs and P10/P50/P90/mean);
  with percentile paths it holds that combination's closing cash, 4 × months × samples bytes.
* ``partition`` — the combinations of one workbook × scenario as two small tables (KPI rows and,
  optionally, percentile-path rows): the only results that come back to this process.

The workbook is shipped once per worker (a named Dask key), not per task. Without ``--scheduler``
the graph runs on Dask's in-process threaded scheduler; with ``--scheduler tcp://HOST:8786`` on that
distributed cluster through a ``Client``. Either way this process writes each partition as soon as
it is done: ``DIR/kpis/workbook=W/scenario=S/part-0.parquet`` (and ``DIR/paths/…``), each through a
temporary file renamed into place, the KPI file last. A partition whose KPI file exists is skipped,
so a sweep stopped at any point resumes where it was; ``DIR/sweep.json`` records the spec's digest
(the chunk size aside: it does not change results), and a different spec is refused.
"""
from __future__ import annotations

import json
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import dask
import numpy as np
import pandas as pd
from dask.callbacks import Callback

from cashcast.models.analysis.sweep import (
    combination_seed, evaluate_block, scenario_kpis, summarise_combination, with_overrides)
from cashcast.models.engine.model import build_model
from cashcast.models.reading.data import Workbook, ordinal_to_date
from cashcast.models.reading.problems import InputError, Problem
from cashcast.reports.files import atomic_path, write_atomic
from cashcast.reports.sweep.spec import Combination, Spec

KPIS, PATHS, MANIFEST = "kpis", "paths", "sweep.json"
PART = "part-0.parquet"


@dataclass
class Report:
    """What a sweep did: partitions computed and skipped (already written), chunk tasks run."""

    combinations: int = 0
    computed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0


def windows(samples: int, chunk: int) -> list[tuple[int, int]]:
    """The sample windows of one combination, ``chunk`` samples each (the last shorter).

    >>> windows(2500, 1000)
    [(0, 1000), (1000, 2000), (2000, 2500)]
    """
    return [(a, min(a + chunk, samples)) for a in range(0, samples, chunk)]


def partition_dir(out: Path, table: str, stem: str, scenario: str) -> Path:
    """The Hive-style folder of one partition; names are %-quoted so any scenario name is one folder.

    >>> partition_dir(Path("o"), "kpis", "openai", "ads 15%").as_posix()
    'o/kpis/workbook=openai/scenario=ads%2015%25'
    """
    q = urllib.parse.quote
    return out / table / f"workbook={q(stem, safe='')}" / f"scenario={q(scenario, safe='')}"


def done(out: Path, stem: str, scenario: str) -> bool:
    return (partition_dir(out, KPIS, stem, scenario) / PART).is_file()


# ------------------------------------------------------------------------------------------------
# Tasks (run on workers: pure functions of their arguments)
# ------------------------------------------------------------------------------------------------
def chunk_task(wb: Workbook, overrides: dict, scenario: str, samples: int, seed: int, start: int, stop: int,
               paths: bool):
    copy = with_overrides(wb, overrides)
    return evaluate_block(build_model(copy), scenario, samples, seed, start, stop, paths)


def combine_task(wb: Workbook, overrides: dict, scenario: str, *blocks):
    return summarise_combination(scenario_kpis(with_overrides(wb, overrides), scenario), list(blocks))


def partition_task(wb: Workbook, combos: list[Combination], grid_dates: list[str], *summaries) -> dict:
    """The partition's two tables as plain columns (KPI rows; path rows or None)."""
    months = [m.strftime("%Y-%m") for m in wb.months()]
    kpi_rows, path_rows = [], []
    for c, s in zip(combos, summaries):
        grid = {t: (ordinal_to_date(int(c.overrides[k])).strftime("%Y-%m") if t in grid_dates else float(c.overrides[k]))
                for t, k in zip(c.point, c.overrides)}
        kpi_rows += [{"combination": c.index, **grid, **r} for r in s.kpis]
        if s.paths is not None:
            path_rows += [{"combination": c.index, **grid, "month": m, "p10": float(s.paths["p10"][t]),
                           "p50": float(s.paths["p50"][t]), "p90": float(s.paths["p90"][t])}
                          for t, m in enumerate(months)]
    start = months[0]
    for r in kpi_rows:
        r["start"] = start
    return {KPIS: kpi_rows, PATHS: path_rows if path_rows else None}


# ------------------------------------------------------------------------------------------------
# The graph
# ------------------------------------------------------------------------------------------------
def build_graph(spec: Spec, books: dict[str, Workbook], combos: list[Combination], out: Path, report: Report):
    """One delayed ``partition`` per workbook × scenario not yet written: {(stem, scenario): delayed}."""
    shipped = {stem: dask.delayed(wb, name=f"workbook-{stem}", traverse=False) for stem, wb in books.items()}
    parts: dict[tuple[str, str], list[Combination]] = {}
    for c in combos:
        parts.setdefault((c.stem, c.scenario), []).append(c)
    graph = {}
    for (stem, scenario), members in parts.items():
        if done(out, stem, scenario):
            report.skipped.append((stem, scenario))
            continue
        wb, summaries = shipped[stem], []
        for c in members:
            seed = combination_seed(spec.seed, c.index)
            blocks = [dask.delayed(chunk_task, pure=False)(
                          wb, c.overrides, scenario, spec.samples, seed, a, b, spec.percentile_paths,
                          dask_key_name=f"chunk-{c.index}-{a}")
                      for a, b in windows(spec.samples, spec.chunk)]
            report.chunks += len(blocks)
            summaries.append(dask.delayed(combine_task, pure=False)(
                wb, c.overrides, scenario, *blocks, dask_key_name=f"combine-{c.index}"))
        dates = _date_axes(books[stem], members[0])
        key = f"partition-{stem}-{scenario}"
        graph[(stem, scenario)] = dask.delayed(partition_task, pure=False)(wb, members, dates, *summaries,
                                                                           dask_key_name=key)
        report.computed.append((stem, scenario))
    return graph


def _date_axes(wb: Workbook, c: Combination) -> list[str]:
    """The grid targets of ``c`` whose rows are dates (their columns hold 'YYYY-MM')."""
    dims = {r.key: r.dimension for r in wb.rows}
    return [t for t, k in zip(c.point, c.overrides) if dims.get(k) == "date"]


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------
def write_partition(out: Path, stem: str, scenario: str, tables: dict) -> None:
    """The partition's Parquet files, each atomically; the KPI file (the mark of a finished partition)
    last."""
    for table in (PATHS, KPIS):
        rows = tables.get(table)
        if rows:
            target = partition_dir(out, table, stem, scenario) / PART
            with atomic_path(target) as tmp:
                pd.DataFrame(rows).to_parquet(tmp, index=False, engine="pyarrow")


def check_manifest(spec: Spec, out: Path) -> None:
    """Refuse an output folder that holds a sweep of another spec (exit 2, nothing written)."""
    path = out / MANIFEST
    if path.is_file():
        try:
            held = json.loads(path.read_text(encoding="utf-8")).get("digest")
        except (OSError, ValueError, AttributeError):
            held = None
        if held != spec.digest:
            raise InputError([Problem(spec.path.name, "", "", f"{out} holds another sweep (its {MANIFEST} differs); "
                                      "choose another --out, or remove that folder to start again")])


def write_manifest(spec: Spec, out: Path, combos: list[Combination]) -> None:
    data = {"digest": spec.digest, "spec": str(spec.path), "combinations": len(combos), "samples": spec.samples,
            "seed": spec.seed, "workbooks": [str(p) for p in spec.workbooks]}
    write_atomic(out / MANIFEST, json.dumps(data, indent=2) + "\n")


# ------------------------------------------------------------------------------------------------
# Running
# ------------------------------------------------------------------------------------------------
class _WriteAsDone(Callback):
    """The local scheduler's hook: each partition task's result written the moment it finishes."""

    def __init__(self, keys: dict, out: Path):
        super().__init__()
        self.keys, self.out = keys, out

    def _posttask(self, key, result, dsk, state, worker_id):
        if key in self.keys:
            write_partition(self.out, *self.keys[key], result)


def run_local(graph: dict, out: Path, progress: bool, workers: int | None = None) -> None:
    """The graph on Dask's threaded scheduler in this process; partitions written as they finish."""
    keys = {d.key: part for part, d in graph.items()}
    bar = _progress_bar() if progress else None
    with _WriteAsDone(keys, out):
        if bar is None:
            dask.compute(*graph.values(), scheduler="threads", num_workers=workers)
        else:
            with bar:
                dask.compute(*graph.values(), scheduler="threads", num_workers=workers)


def _progress_bar():
    from dask.diagnostics import ProgressBar

    return ProgressBar(out=sys.stderr)


def run_distributed(graph: dict, out: Path, address: str, progress: bool) -> None:
    """The graph on the cluster at ``address``; this process writes each partition as it arrives."""
    from distributed import Client, as_completed

    with Client(address, set_as_default=False) as client:
        futures = {client.compute(d): part for part, d in graph.items()}
        total = len(futures)
        for n, future in enumerate(as_completed(list(futures), loop=client.loop), 1):
            write_partition(out, *futures[future], future.result())
            future.release()
            if progress:
                print(f"\r[{n}/{total}] partitions", end="" if n < total else "\n", file=sys.stderr, flush=True)


def sweep(spec: Spec, books: dict[str, Workbook], combos: list[Combination], out: Path,
          scheduler: str | None = None, progress: bool = False, workers: int | None = None) -> Report:
    """Every partition not yet in ``out`` computed and written; then the summary (CSV, HTML)."""
    check_manifest(spec, out)
    report = Report(len(combos))
    graph = build_graph(spec, books, combos, out, report)
    write_manifest(spec, out, combos)
    if graph:
        with np.errstate(all="ignore"):
            if scheduler:
                run_distributed(graph, out, scheduler, progress)
            else:
                run_local(graph, out, progress, workers)
    from cashcast.reports.sweep.summary import write_summary

    write_summary(spec, books, out)
    return report


__all__ = ["KPIS", "PATHS", "Report", "build_graph", "partition_dir", "sweep", "windows"]
