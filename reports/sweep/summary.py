"""The sweep's summary table, from every partition written (this run's and earlier runs'):
``DIR/summary.csv`` and ``DIR/summary.html`` (the template ``sweep.html.j2``).

One row per combination: workbook, scenario, the combination's index, its grid values, then each
KPI of the registry (the scenario's own value) and, for the simulated KPIs, ``<kpi>.p10``, ``.p50``
and ``.p90`` across its samples. Months are ``YYYY-MM`` (empty: never), runways whole months,
money in the workbook's currency, rates as fractions.
"""
from __future__ import annotations

import urllib.parse
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.batch import json_value
from cashcast.models.reading.data import Workbook
from cashcast.reports import fmt
from cashcast.reports.files import write_atomic
from cashcast.reports.sweep.spec import Spec

QUANTILES = ("p10", "p50", "p90")


def read_kpis(out: Path) -> pd.DataFrame:
    """Every KPI partition under ``DIR/kpis`` with its workbook and scenario columns (decoded)."""
    frames = []
    for part in sorted((out / "kpis").glob("workbook=*/scenario=*/part-0.parquet")):
        frame = pd.read_parquet(part)
        frame.insert(0, "scenario", urllib.parse.unquote(part.parent.name.split("=", 1)[1]))
        frame.insert(0, "workbook", urllib.parse.unquote(part.parent.parent.name.split("=", 1)[1]))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _figure(kpi, x, start: str):
    """A KPI number as the JSON holds it: months 'YYYY-MM' from the partition's start (None: never)."""
    import datetime as dt

    months = [dt.date(int(start[:4]), int(start[5:7]), 1)]
    return json_value(kpi, x, months)


def summary_table(kpis: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """One row per combination (see the module docstring), in combination order."""
    if kpis.empty:
        return pd.DataFrame()
    grid = [a.target for a in spec.axes if a.target in kpis.columns]
    rows = {}
    for d in kpis.to_dict("records"):
        row = rows.setdefault(d["combination"], {"workbook": d["workbook"], "scenario": d["scenario"],
                                                 "combination": d["combination"], **{g: d[g] for g in grid}})
        kpi = registry.named(d["kpi"])
        row[kpi.name] = _figure(kpi, d["value"], d["start"])
        if kpi.simulated is not None and spec.samples > 0:
            for q in QUANTILES:
                row[f"{kpi.name}.{q}"] = _figure(kpi, d[q], d["start"])
    frame = pd.DataFrame([rows[k] for k in sorted(rows)])
    for column in frame.columns:  # whole months stay whole in the CSV (117, not 117.0), never empty
        kpi = next((k for k in registry.KPIS if k.name == column.split(".")[0]), None)
        if kpi is not None and kpi.kind == "months":
            frame[column] = frame[column].astype("Int64")
    return frame


def _environment() -> jinja2.Environment:
    def source(name: str) -> str | None:
        path = resources.files("cashcast.templates").joinpath(name)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return jinja2.Environment(loader=jinja2.FunctionLoader(source), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _cell(column: str, x, currencies: dict, workbook: str) -> str:
    """A summary cell as the HTML shows it: months as 'Mar 2027', money compact, 'never' for none."""
    name = column.split(".")[0]
    kpi = next((k for k in registry.KPIS if k.name == name), None)
    if kpi is None:
        return "" if x is None or (isinstance(x, float) and np.isnan(x)) else (fmt.number(x, 4) if isinstance(x, float) else str(x))
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "never" if kpi.is_month else "n/a"
    if kpi.is_date:
        return fmt.month(x)
    if kpi.kind == "months":
        return fmt.months(int(x))
    if kpi.kind == "rate":
        return fmt.percent(x)
    return fmt.money(x, currencies.get(workbook, "USD"))


def summary_html(table: pd.DataFrame, spec: Spec, books: dict[str, Workbook]) -> str:
    """The summary page: the sweep's figures, then the table (the KPIs ``cashcast run`` prints)."""
    shown = [k.name for k in registry.KPIS if k.summary]
    columns = ["workbook", "scenario", *[a.target for a in spec.axes]]
    for name in shown:
        columns.append(name)
        if spec.samples > 0 and registry.named(name).simulated is not None:
            columns += [f"{name}.{q}" for q in QUANTILES]
    columns = [c for c in columns if c in table.columns]
    currencies = {stem: wb.settings.currency for stem, wb in books.items()}
    heads = [registry.named(c.split(".")[0]).label + (f" {c.split('.')[1].upper()}" if "." in c else "")
             if c.split(".")[0] in shown else c for c in columns]
    rows = [[_cell(c, r[c], currencies, r["workbook"]) for c in columns] for r in table.to_dict("records")]
    return _environment().get_template("sweep.html.j2").render(
        title=f"Sweep {spec.path.name}", heads=heads, rows=rows, combinations=len(table),
        workbooks=[p.name for p in spec.workbooks], samples=spec.samples, seed=spec.seed,
        axes=[(a.target, ", ".join(str(v) for v in a.values)) for a in spec.axes])


def write_summary(spec: Spec, books: dict[str, Workbook], out: Path) -> pd.DataFrame:
    """``summary.csv`` and ``summary.html`` from every partition in ``out``, each atomically."""
    table = summary_table(read_kpis(out), spec)
    write_atomic(out / "summary.csv", table.to_csv(index=False))
    write_atomic(out / "summary.html", summary_html(table, spec, books))
    return table


__all__ = ["read_kpis", "summary_html", "summary_table", "write_summary"]
