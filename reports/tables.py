"""The report's tables, built once from a run; each format (JSON, CSV, Excel, HTML) only formats them."""
from __future__ import annotations

from cashcast.models.analysis.batch import json_number, json_value
from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.cap_table import cap_table
from cashcast.models.analysis.scenarios import Run
from cashcast.models.statements.checks import check_results
from cashcast.models.statements.lines import CHECKS, JSON_KEYS, statement_views
from cashcast.models.engine.annual import of as aggregation


def scenario_kpis(run: Run, j: int) -> dict:
    """The KPIs of scenario column j, JSON-ready: months as 'YYYY-MM', nulls for never/undefined,
    each KPI that can say why it is null followed by its ``<name>_note`` (``irr_note``)."""
    out = {}
    for k in registry.KPIS:
        out[k.name] = json_value(k, run.kpis[k.name][j], run.months) if k.name in run.kpis else None
        if k.note is not None:
            out[f"{k.name}_note"] = run.notes[f"{k.name}_note"][j] if run.notes else None
    return out


def report_lines(run: Run) -> list[str]:
    """Lines shown in reports and the CSV, in order: block lines, then totals."""
    return list(run.model.lines)


def annual_table(run: Run, j: int) -> dict:
    """Scenario column j per calendar year: every line folded as it says (summed, year-end or
    averaged), and every yearly KPI."""
    return {"years": run.years(), "lines": {name: run.annual(name, j) for name in report_lines(run)},
            "kpis": {k.name: [json_number(x) for x in run.yearly[k.name][:, j]] for k in registry.YEARLY}}


def annual_rows(run: Run, j: int = 0) -> tuple[list[str], list[list]]:
    """Header and rows of the annual table for scenario column j (the annual CSV): a year per row,
    a column per line (folded as it says) and per yearly KPI."""
    table = annual_table(run, j)
    columns = list(table["lines"].values()) + list(table["kpis"].values())
    header = ["year"] + list(table["lines"]) + list(table["kpis"])
    return header, [[year] + [c[i] for c in columns] for i, year in enumerate(table["years"])]


def statements_table(run: Run, j: int) -> dict:
    """Scenario j's three statements per year ({statement key: {line: [per year]}}, each line's annual
    figure as everywhere else) and its checks ({check: largest absolute difference over the months,
    and whether the identity holds})."""
    views = statement_views(run.model.lines)
    out: dict = {JSON_KEYS[title]: {name: run.annual(name, j) for name in names}
                 for title, names in views.items() if title != CHECKS}
    out[JSON_KEYS[CHECKS]] = {c.name: {"largest_difference": c.largest_difference, "holds": c.holds}
                   for c in check_results(lambda name: run.result.column(name, j))}
    return out


def monthly_rows(run: Run, j: int = 0) -> tuple[list[str], list[list]]:
    """Header and rows of the monthly table for scenario column j (the CSV)."""
    names = report_lines(run)
    header = ["month"] + names
    cols = [run.result.column(n, j) for n in names]
    rows = [[m.strftime("%Y-%m")] + [float(c[t]) for c in cols] for t, m in enumerate(run.months)]
    return header, rows


def summary(run: Run) -> dict:
    """The whole machine-readable result (the JSON). The top-level settings are the base values; each
    scenario's ``settings`` are the ones its figures use (its Settings column, else the base value)."""
    wb = run.workbook
    s = wb.settings
    descriptions = {sc.name: sc.description for sc in wb.scenarios}
    return {
        "workbook": wb.name,
        "title": s.title_for(wb.name.rsplit(".", 1)[0], "cash-flow, break-even and runway"),
        "currency": s.currency,
        "start_month": s.start_month.strftime("%Y-%m"),
        "horizon_months": s.horizon_months,
        "discount_rate": s.discount_rate,
        "opening_cash": s.opening_cash,
        "minimum_cash": s.minimum_cash,
        "receivable_days": s.receivable_days,
        "payable_days": s.payable_days,
        "warnings": [w.to_json() for w in wb.warnings],
        "lines": {name: {"label": ln.label, "unit": ln.unit, "role": ln.role, "block": ln.block,
                         "annual": aggregation(ln.annual).json}
                  for name, ln in run.model.lines.items()},
        "scenarios": {name: scenario_table(run, j, descriptions.get(name, ""))
                      for j, name in enumerate(run.scenarios)},
    }


def scenario_table(run: Run, j: int, description: str) -> dict:
    """Scenario column j's entry in the JSON: its settings, KPIs, annual figures, statements and, when a
    round states a valuation, its ``cap_table`` (no key at all otherwise)."""
    name = run.scenarios[j]
    out = {"description": description, "settings": run.workbook.settings.in_scenario(name),
           "kpis": scenario_kpis(run, j), "annual": annual_table(run, j), "statements": statements_table(run, j)}
    table = cap_table(run, j)
    if table is not None:
        out["cap_table"] = table
    return out
