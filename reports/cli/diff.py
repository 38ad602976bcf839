"""``cashcast diff OLD NEW [--json]`` and ``cashcast diff --textconv FILE``: the changes and KPI bridges
of :mod:`cashcast.models.analysis.diff` for the terminal, or one workbook as stable text for git.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from cashcast.models.analysis.diff import BRIDGE_KPIS, Bridge, Change, bridges, changes, month_of
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.sources import cited_sources, sources_json
from cashcast.models.reading.workbook import Workbook, load_workbook
from cashcast.reports.cli.explain import number, source_lines

EXIT_OK = 0
LABELS = {"cash_out_month": "cash-out month", "funding_gap": "funding gap", "ending_cash": "ending cash",
          "npv": "NPV"}


def cmd_diff(opts) -> int:
    """Compare two workbooks (every problem of both reported at once), or print one with ``--textconv``."""
    if opts.textconv is not None:
        if opts.old or opts.new:
            raise InputError([Problem(str(opts.textconv), "", "", "--textconv takes one workbook and no OLD NEW")])
        print(textconv(load_workbook(Path(opts.textconv))), end="")
        return EXIT_OK
    if not (opts.old and opts.new):
        raise InputError([Problem(str(opts.old or "diff"), "", "", "give two workbooks: cashcast diff OLD.xlsx NEW.xlsx "
                                                                    "(or --textconv FILE)")])
    old, new = load_both(Path(opts.old), Path(opts.new))
    found, bridged = changes(old, new), bridges(old, new)
    if opts.json:
        print(json.dumps(to_json(old, new, found, bridged), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report(old, new, found, bridged)))
    return EXIT_OK


def load_both(old_path: Path, new_path: Path) -> tuple[Workbook, Workbook]:
    """Both workbooks, or one InputError with the problems of both."""
    problems, loaded = [], []
    for path in (old_path, new_path):
        try:
            loaded.append(load_workbook(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return loaded[0], loaded[1]


def to_json(old: Workbook, new: Workbook, found: list[Change], bridged: list[Bridge]) -> dict:
    """The JSON ``--json`` prints (the README's "cashcast diff" section documents it)."""
    return {"old": str(old.path), "new": str(new.path), "changes": [c.to_json() for c in found],
            "sources": sources_json(cited(old, new, found)),
            "units": {"cash_out_month": "months", "money": "cents"},
            "bridges": [{"scenario": b.scenario, "old": b.old, "new": b.new,
                         "steps": [dict(s.__dict__) for s in b.steps], "remainder": b.remainder,
                         "total": b.total, "structural": b.structural} for b in bridged]}


def shown(value, unit: str) -> str:
    """A changed value as typed: ``—`` for none, a text quoted, a number in its unit."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return repr(value) if len(value) < 60 else repr(value[:57] + "…")
    return number(value, unit) + ("" if unit.startswith("%") or not unit else f" {unit}")


def change_line(c: Change) -> str:
    part = "" if c.field == "value" else f" [{c.field}]"
    at = f" ({c.cell})" if c.cell else ""
    src = f"  source: {c.source}" if c.source and c.field != "source" else ""
    return f"  {c.what:8} {c.name}{part}{at}: {shown(c.old, c.unit)} → {shown(c.new, c.unit)}{src}"


def delta(kpi: str, units: int, currency: str) -> str:
    """A bridge step: months signed, money from cents with its currency.

    >>> delta("cash_out_month", 3, "USD"), delta("npv", -123456, "USD"), delta("npv", 0, "USD")
    ('+3 months', '-1,234.56 USD', '0')
    """
    if units == 0:
        return "0"
    if kpi == "cash_out_month":
        return f"{units:+d} month{'s' if abs(units) != 1 else ''}"
    sign = "-" if units < 0 else "+"
    return f"{sign}{abs(units) // 100:,}.{abs(units) % 100:02d} {currency}"


def bridge_lines(b: Bridge, currency: str) -> list[str]:
    """A scenario's bridge as a table: the old KPIs, a row per step, the remainder, the new KPIs."""
    def level(k, x):
        return (x or "never") if k == "cash_out_month" else number(x, currency)

    def step(k, units):
        return delta(k, units, currency).removesuffix(f" {currency}")

    rows = [("old", [level(k, b.old[k]) for k in BRIDGE_KPIS])]
    rows += [(f"+ {s.name} ({s.cell.split('!')[-1]})", [step(k, s.deltas[k]) for k in BRIDGE_KPIS])
             for s in b.steps]
    rows.append(("+ interaction remainder", [step(k, b.remainder[k]) for k in BRIDGE_KPIS]))
    rows.append(("= new", [level(k, b.new[k]) for k in BRIDGE_KPIS]))
    head = (f"scenario {b.scenario} ({currency})", [LABELS[k] for k in BRIDGE_KPIS])
    rows = [head] + [("  " + name, cells) for name, cells in rows]
    first = max(len(r[0]) for r in rows)
    widths = [max(len(r[1][i]) for r in rows) for i in range(len(BRIDGE_KPIS))]
    return [f"{name:{first}}" + "".join(f"  {x:>{w}}" for x, w in zip(cells, widths)) for name, cells in rows]


def cited(old: Workbook, new: Workbook, found: list[Change]) -> dict:
    """The register rows the changes' sources name (NEW's register first, then OLD's for a row gone)."""
    return cited_sources((c.source for c in found), {**(old.sources or {}), **(new.sources or {})})


def report(old: Workbook, new: Workbook, found: list[Change], bridged: list[Bridge]) -> list[str]:
    """The text ``cashcast diff`` prints: the changes by sheet, what their source ids stand for, then
    each scenario's bridge."""
    out = [f"{old.path} → {new.path}: {len(found)} change(s)"]
    for sheet in ("Settings", "Scenarios", "Assumptions", "Correlations"):
        here = [c for c in found if c.where == sheet]
        if here:
            out.append(f"{sheet}:")
            out.extend(change_line(c) for c in here)
    out.extend(source_lines(cited(old, new, found)))
    out.append("")
    out.extend(textwrap.wrap(
        "KPI bridge per scenario: each changed value applied alone to OLD, in the order listed (settings, "
        "then rows top to bottom); the interaction remainder is the rest of the total"
        + (" (with: " + "; ".join(bridged[0].structural) + ")" if bridged and bridged[0].structural else "")
        + ". A cash-out month 'never' counts as the month after the horizon.", 100))
    for b in bridged:
        out.append("")
        out.extend(bridge_lines(b, new.settings.currency))
    return out


def textconv(wb: Workbook) -> str:
    """One workbook as stable text, a line per setting, scenario, assumption row and correlation, in
    the workbook's order (for ``git diff`` through ``diff.cashcast.textconv``)."""
    from cashcast.models.analysis.diff import SETTING_FIELDS, row_fields

    s = wb.settings
    out = [f"# cashcast workbook {wb.name}", "[Settings]"]
    for name in SETTING_FIELDS:
        x = getattr(s, name)
        x = x.strftime("%Y-%m") if name == "start_month" else x
        extra = "".join(f"  {sc}: {v!r}" for sc, v in sorted(s.overrides.get(name, {}).items()))
        out.append(f"{name} = {x!r}{extra}")
    out += [f"fx_{code} = {rate!r}" for code, rate in s.fx.items()]
    out.append("[Scenarios]")
    out += [f"{sc.name}: {sc.description}" for sc in wb.scenarios]
    out.append("[Assumptions]")
    for row in wb.rows:
        fields = row_fields(wb, row)
        parts = [f"{k}={v!r}" for k, v in fields.items() if v not in (None, "") and k not in ("kind",)]
        out.append(f"{row.cells.get('value', '')} {row.label} ({row.kind}): " + "  ".join(parts))
    if wb.correlations:
        out.append("[Correlations]")
        out += [f"{c.first} ~ {c.second}: {c.rho!r}  source={c.source!r}  notes={c.notes!r}" for c in wb.correlations]
    return "\n".join(out) + "\n"


__all__ = ["cmd_diff", "month_of", "textconv"]
