"""``cashcast diff OLD NEW``: what changed between two assumption workbooks, and what it did to the KPIs.

Two parts:

* **Changes** (:func:`changes`): assumption rows added, removed and changed, field by field (value,
  each scenario's value, low, high, distribution, unit, source, notes), matched by their parameter
  name (``chatgpt_plus__price``: block, parameter and modifier); settings; scenarios.
* **A KPI bridge per scenario** (:func:`bridges`), for every scenario both workbooks have: the change
  in the cash-out month, the funding gap, the ending cash and the NPV, attributed to each changed
  value. Each changed value is applied **alone** to the old workbook, in the order listed (the
  settings first, then the assumption rows top to bottom as the new workbook has them): its step is
  ``KPI(old with that one value changed) − KPI(old)``. The **interaction remainder** is
  ``total − Σ steps``: what the changes do together beyond the sum of each alone, plus every change
  that is not a value of the old model (rows added or removed, a start month, horizon or currency,
  a link). The steps and the remainder add up exactly to the total: money is counted in whole cents
  and months in whole months. Every step of every scenario is a column of **one** vectorised
  evaluation of the old model (:func:`cashcast.models.analysis.batch.evaluate_kpis`).

A cash-out month "never" counts as the first month after the horizon, so a change from "never"
within the horizon is a finite number of months.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cashcast.models.analysis.batch import evaluate_kpis, month_label
from cashcast.models.engine.model import build_model
from cashcast.models.reading.data import Row, Workbook, month_ordinal

BRIDGE_KPIS = ("cash_out_month", "funding_gap", "ending_cash", "npv")
ROW_FIELDS = ("kind", "value", "unit", "low", "high", "distribution", "source", "notes")
SETTING_FIELDS = ("company", "title", "start_month", "horizon_months", "currency", "discount_rate",
                  "opening_cash", "minimum_cash", "receivable_days", "payable_days")


@dataclass
class Change:
    """One change: ``what`` is added, removed or changed; ``where`` the sheet; ``name`` what changed
    (``ChatGPT Plus.price``, ``settings.opening_cash``, ``scenario claim-004``); ``field`` which part
    (``value``, ``scenario:seed-001``, ``low``, …); ``cell`` where it is typed (the new workbook's
    cell; the old one's for a removal); ``old``/``new`` the values (a number, a text, ``YYYY-MM`` for
    a date; None where there is none); ``source`` the row's source in the new workbook (else the old)."""

    what: str
    where: str
    name: str
    field: str
    cell: str
    old: float | str | None
    new: float | str | None
    unit: str = ""
    source: str = ""

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Step:
    """One changed value of one scenario and what it alone does to each bridge KPI: ``deltas`` in
    whole months (the cash-out month) or whole cents (money)."""

    name: str
    key: str
    cell: str
    old: float | str | None
    new: float | str | None
    unit: str
    deltas: dict[str, int]


@dataclass
class Bridge:
    """A scenario's KPI bridge: the KPIs of the old and new workbooks (as the JSON writes them), the
    steps, the interaction remainder and the total (months or cents, exactly ``Σ steps + remainder``),
    and the changes that are not values (they are part of the remainder)."""

    scenario: str
    old: dict[str, float | str | None]
    new: dict[str, float | str | None]
    steps: list[Step]
    remainder: dict[str, int]
    total: dict[str, int]
    structural: list[str] = field(default_factory=list)


def _row_value(wb: Workbook, row: Row, raw) -> float | str | None:
    if row.link is not None:
        return f"line: {row.link[0]}.{row.link[1]}"
    if row.text is not None:
        return row.text
    if raw is None or row.dimension != "date":
        return raw
    return month_label(wb.months(), raw - wb.start_ordinal)


def row_fields(wb: Workbook, row: Row) -> dict[str, float | str | None]:
    """A row's comparable fields: kind, value (a link as ``line: Block.line``, a date as ``YYYY-MM``),
    unit, low, high, distribution, source, notes, and ``scenario:NAME`` for each scenario's own
    value or range (``low..high``)."""
    out = {"kind": row.kind, "value": _row_value(wb, row, row.value), "unit": row.unit,
           "low": _row_value(wb, row, row.low), "high": _row_value(wb, row, row.high),
           "distribution": row.distribution, "source": row.source, "notes": row.notes}
    for s, x in row.overrides.items():
        out[f"scenario:{s}"] = _row_value(wb, row, x)
    for s, (lo, hi) in row.ranges.items():
        out[f"scenario:{s}"] = f"{_row_value(wb, row, lo)}..{_row_value(wb, row, hi)}"
    return out


def _cell(row: Row, name: str) -> str:
    return "Assumptions!" + row.cells.get(name, row.cells.get("value", ""))


def row_changes(old: Workbook, new: Workbook) -> list[Change]:
    """Assumption rows removed (old order), then added and changed (new order), field by field."""
    before, after = old.row_by_key(), new.row_by_key()
    out = [Change("removed", "Assumptions", r.label, "value", _cell(r, "value"),
                  _row_value(old, r, r.value), None, r.unit, r.source) for r in old.rows if r.key not in after]
    for r in new.rows:
        if r.key not in before:
            out.append(Change("added", "Assumptions", r.label, "value", _cell(r, "value"), None,
                              _row_value(new, r, r.value), r.unit, r.source))
            continue
        was, now = row_fields(old, before[r.key]), row_fields(new, r)
        for name in list(now) + [k for k in was if k not in now]:
            if was.get(name) != now.get(name):
                out.append(Change("changed", "Assumptions", r.label, name, _cell(r, name), was.get(name),
                                  now.get(name), r.unit, r.source))
    return out


def _setting(s, name: str):
    x = getattr(s, name)
    return x.strftime("%Y-%m") if name == "start_month" else x


def setting_changes(old: Workbook, new: Workbook) -> list[Change]:
    """Settings changed: each field, each exchange rate (``fx_USD``), each scenario's own value."""
    a, b, out = old.settings, new.settings, []
    units = {r.parameter: r.unit for r in new.setting_rows()}
    units.update({f"fx_{code}": f"{b.currency}/{code}" for code in b.fx})

    def add(name: str, field_: str, x, y, cell: str) -> None:
        if x != y:
            what = "added" if x is None and y is not None else "removed" if y is None else "changed"
            out.append(Change(what, "Settings", f"settings.{name}", field_, f"Settings!{cell}" if cell else "", x, y,
                              units.get(name, "")))

    for name in SETTING_FIELDS:
        add(name, "value", _setting(a, name), _setting(b, name), b.value_cell(name) or a.value_cell(name))
    for code in list(b.fx) + [c for c in a.fx if c not in b.fx]:
        name = f"fx_{code}"
        add(name, "value", a.fx.get(code), b.fx.get(code), b.value_cell(name) or a.value_cell(name))
    for name in SETTING_FIELDS:
        was, now = a.overrides.get(name, {}), b.overrides.get(name, {})
        for s in list(now) + [k for k in was if k not in now]:
            cell = b.value_cells.get(name, {}).get(f"scenario:{s}", "")
            add(name, f"scenario:{s}", was.get(s), now.get(s), cell)
    return out


def scenario_changes(old: Workbook, new: Workbook) -> list[Change]:
    """Scenarios added, removed, or described differently."""
    was = {s.name: s.description for s in old.scenarios}
    now = {s.name: s.description for s in new.scenarios}
    out = []
    for name in list(now) + [n for n in was if n not in now]:
        if was.get(name) != now.get(name):
            what = "added" if name not in was else "removed" if name not in now else "changed"
            out.append(Change(what, "Scenarios", f"scenario {name}", "description", "", was.get(name), now.get(name)))
    return out


def correlation_changes(old: Workbook, new: Workbook) -> list[Change]:
    """Correlations sheet pairs (matched by their two parameters) added, removed or given another rank
    correlation, source or notes."""
    def pairs(wb: Workbook) -> dict:
        return {frozenset((c.first_key, c.second_key)): c for c in wb.correlations}

    was, now, out = pairs(old), pairs(new), []
    for key in list(now) + [k for k in was if k not in now]:
        a, b = was.get(key), now.get(key)
        c = b or a
        name, cell = f"{c.first} ~ {c.second}", "Correlations!" + c.cells.get("rank correlation", "")
        for field_ in ("rho", "source", "notes"):
            x, y = (getattr(a, field_) if a else None), (getattr(b, field_) if b else None)
            if x != y and (field_ == "rho" or (a and b)):
                what = "added" if a is None else "removed" if b is None else "changed"
                out.append(Change(what, "Correlations", name, "rank correlation" if field_ == "rho" else field_,
                                  cell, x, y, "", c.source))
    return out


def changes(old: Workbook, new: Workbook) -> list[Change]:
    """Every change from ``old`` to ``new``: settings, scenarios, assumption rows, then correlations."""
    return (setting_changes(old, new) + scenario_changes(old, new) + row_changes(old, new)
            + correlation_changes(old, new))


# ------------------------------------------------------------------------------------------------
# The KPI bridge
# ------------------------------------------------------------------------------------------------
def new_params(old: Workbook, new: Workbook, scenario: str) -> dict[str, float]:
    """The new workbook's parameter values in ``scenario``, on the old model's clock (a date is held as
    months since the model start, so a moved start month shifts every date)."""
    shift = new.start_ordinal - old.start_ordinal
    rows = new.row_by_key()
    out = {}
    for key, v in new.param_values([scenario]).items():
        row = rows.get(key)
        out[key] = float(v[0]) + (shift if row is not None and row.dimension == "date" else 0)
    return out


def structural(old: Workbook, new: Workbook) -> list[str]:
    """The changes no value of the old model can stand for (their effect is in the remainder)."""
    out = [f"{c.what} {c.name}" for c in row_changes(old, new) if c.what != "changed"]
    out += [f"{c.name} ({c.field}) {c.old} → {c.new}" for c in row_changes(old, new)
            if c.what == "changed" and (c.field == "kind" or any(isinstance(x, str) and x.startswith("line: ")
                                                                 for x in (c.old, c.new)))]
    for name in ("start_month", "horizon_months", "currency"):
        a, b = _setting(old.settings, name), _setting(new.settings, name)
        if a != b:
            out.append(f"settings.{name} {a} → {b}")
    out += [f"{'added' if c not in old.settings.fx else 'removed'} settings.fx_{c}"
            for c in set(old.settings.fx) ^ set(new.settings.fx)]
    return out


def _labels(wb: Workbook) -> dict[str, Row]:
    """Every parameter's row: the settings (exchange rates too) and the assumption rows."""
    from cashcast.models.analysis.explain import fx_rows

    return {r.key: r for r in wb.setting_rows() + fx_rows(wb) + wb.rows}


def _name(row: Row) -> str:
    """A step's name as the workbook writes it: ``ChatGPT Plus.price``, ``settings.fx_USD``."""
    return f"settings.{row.parameter}" if row.block == "settings" else row.label


def _shown(wb: Workbook, row: Row | None, x: float) -> float | str | None:
    """A parameter value as typed: a date as ``YYYY-MM`` (``x`` is on ``wb``'s clock)."""
    if row is not None and row.dimension == "date":
        return month_label(wb.months(), x)
    return x


def _steps_of(old: Workbook, new: Workbook, scenario: str) -> list[tuple[str, float]]:
    """(parameter, new value on the old clock) of every value ``scenario`` reads differently, in order."""
    was = {k: float(v[0]) for k, v in old.param_values([scenario]).items()}
    return [(k, x) for k, x in new_params(old, new, scenario).items() if k in was and was[k] != x]


def _columns(old: Workbook, plan: list[tuple[str, list[tuple[str, float]]]]) -> dict[str, np.ndarray]:
    """The old model's parameters for every scenario's base column and its step columns, side by side."""
    per = []
    for scenario, steps in plan:
        base = {k: float(v[0]) for k, v in old.param_values([scenario]).items()}
        per.append(base)
        per.extend({**base, key: x} for key, x in steps)
    return {k: np.array([p[k] for p in per]) for k in per[0]}


def _units(kpi: str, x: float, wb: Workbook) -> int:
    """A KPI in whole units: the cash-out month as a month ordinal ("never": the month after the
    horizon), money in cents.

    >>> import datetime as dt
    >>> from types import SimpleNamespace as N
    >>> wb = N(start_ordinal=2023 * 12, settings=N(horizon_months=120))
    >>> _units("cash_out_month", float("nan"), wb) - 2023 * 12, _units("npv", -1234.567, wb)
    (120, -123457)
    """
    if kpi == "cash_out_month":
        return wb.start_ordinal + int(x if np.isfinite(x) else wb.settings.horizon_months)
    return int(round(float(x) * 100))


def bridges(old: Workbook, new: Workbook) -> list[Bridge]:
    """The KPI bridge of every scenario both workbooks have (in the new workbook's order)."""
    from cashcast.models.analysis import kpis as registry

    common = [s for s in new.scenario_names if s in old.scenario_names]
    plan = [(s, _steps_of(old, new, s)) for s in common]
    with np.errstate(all="ignore"):
        before, _ = evaluate_kpis(build_model(old), _columns(old, plan))
        after, _ = evaluate_kpis(build_model(new), new.param_values(common))
    rows_old, rows_new, moved = _labels(old), _labels(new), structural(old, new)
    out, col = [], 0
    for j, (scenario, steps) in enumerate(plan):
        base = {k: _units(k, before[k][col], old) for k in BRIDGE_KPIS}
        done = [Step(_name(rows_new[key]), key, step_cell(rows_new[key], scenario),
                     _shown(old, rows_old.get(key), _old_value(old, key, scenario)), _shown(old, rows_new[key], x),
                     rows_new[key].unit, {k: _units(k, before[k][col + 1 + i], old) - base[k] for k in BRIDGE_KPIS})
                for i, (key, x) in enumerate(steps)]
        total = {k: _units(k, after[k][j], new) - base[k] for k in BRIDGE_KPIS}
        remainder = {k: total[k] - sum(s.deltas[k] for s in done) for k in BRIDGE_KPIS}
        shown = {w: {k: _json(registry.named(k), kp[k][c], wb) for k in BRIDGE_KPIS}
                 for w, kp, c, wb in (("old", before, col, old), ("new", after, j, new))}
        out.append(Bridge(scenario, shown["old"], shown["new"], done, remainder, total, moved))
        col += 1 + len(steps)
    return out


def _old_value(old: Workbook, key: str, scenario: str) -> float:
    return float(old.param_values([scenario])[key][0])


def _json(kpi, x: float, wb: Workbook):
    from cashcast.models.analysis.batch import json_value

    return json_value(kpi, x, wb.months())


def step_cell(row: Row, scenario: str) -> str:
    """Where the value a scenario reads is typed in the new workbook (its scenario column when it has
    its own value there)."""
    from cashcast.models.analysis.explain import input_cell

    sheet = "Settings" if row.block == "settings" else "Assumptions"
    cell = input_cell(row, scenario)
    return f"{sheet}!{cell}" if cell else ""


def month_of(ordinal: int) -> str:
    """``YYYY-MM`` of a month ordinal.

    >>> month_of(2023 * 12 + 4)
    '2023-05'
    """
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


__all__ = ["BRIDGE_KPIS", "Bridge", "Change", "Step", "bridges", "changes", "month_ordinal"]
