"""Parsing the Settings and Scenarios sheets into typed records, recording each bad cell as a problem.

Each reader returns what parsed; the problems stay on the :class:`SheetReader` for the checks to report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cashcast.models.reading.cells import CURRENCY_RE, cell_text, magnitude_problem, parse_number, parse_value
from cashcast.models.reading.data import BASE, Scenario, Settings, ordinal_to_date
from cashcast.models.reading import wording
from cashcast.models.reading.opening import CellValue, SheetReader
from cashcast.models.reading.specs import (BOUNDS, FX_PREFIX, SCENARIO_COLUMNS, SCENARIO_SETTINGS, SCHEMA_VERSION,
                                           SETTINGS, SETTINGS_COLUMNS)


TEXT_LIMIT = 200  # characters of a text setting (company, title)


@dataclass
class _SettingsSoFar:
    """The Settings sheet while it is read: values that parsed, where each setting is, and whether all did."""

    seen: dict[str, str] = field(default_factory=dict)      # setting → cell of its name
    parsed: dict[str, object] = field(default_factory=dict)
    fx: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)  # setting → scenario → value
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    value_cells: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # setting → (source text, cell)
    rows: dict[int, str] = field(default_factory=dict)      # sheet row → setting named there
    ok: bool = True


def read_settings(reader: SheetReader, scenarios: list[Scenario] | None = None
                  ) -> tuple[Settings | None, str | None]:
    """The model settings (None when any is bad) and the model currency whenever it parsed.

    Rule: every setting is known (or ``fx_<CODE>``), given once, with a value of its dimension; required
    settings are present and the others take their defaults. A column named after a scenario gives that
    scenario's value, and ``low``/``high`` a range, of the settings in ``SCENARIO_SETTINGS`` only.
    """
    table = reader.table(SETTINGS_COLUMNS, ("setting", "value"))
    if table is None:
        return None, None
    cols, extra, records = table
    names = [s.name for s in scenarios or [] if s.name != BASE]
    scen_cols = {h: idx for h, (idx, _ref) in extra.items() if h in names}
    reader.unknown_columns({h: v for h, v in extra.items() if h not in scen_cols},
                           f"{', '.join(SETTINGS_COLUMNS)} and a column per scenario declared on the Scenarios "
                           f"sheet ({', '.join(names) or 'none declared'})")
    got = _SettingsSoFar()
    for r, cells in records:
        _read_setting(reader, cols, r, cells, got)
        if r in got.rows:
            _read_setting_columns(reader, cols, scen_cols, cells, got, got.rows[r])
    for name, spec in SETTINGS.items():
        if name not in got.parsed and name not in got.seen:
            if spec.required:
                reader.problem(f"A{(records[-1][0] + 1) if records else 2}",
                               f"required setting '{name}' is missing ({spec.doc}); add a row for it")
                got.ok = False
            else:
                got.parsed[name] = spec.default
    code = got.parsed.get("currency")
    currency = code if isinstance(code, str) and CURRENCY_RE.match(code) else None
    if currency in got.fx:   # a problem, but the settings stay usable: the rate is simply never read
        reader.problem(got.value_cells[FX_PREFIX + currency]["value"],
                       f"{FX_PREFIX}{currency} is a rate for {currency}, the model's own currency (currency on "
                       f"Settings), whose amounts are never converted, so it would be ignored; remove the row")
    if not got.ok:
        return None, currency
    p = got.parsed
    start = ordinal_to_date(int(p["start_month"]))
    return (Settings(start, int(p["horizon_months"]), p["currency"], p["discount_rate"], p["opening_cash"],
                     p["minimum_cash"], got.fx, got.seen, got.notes, float(p["receivable_days"]),
                     float(p["payable_days"]), p["company"], p["title"], got.overrides, got.ranges,
                     got.value_cells, got.sources, p["schema_version"]), currency)


def _read_setting_columns(reader: SheetReader, cols: dict[str, int], scen_cols: dict[str, int], cells,
                          got: _SettingsSoFar, name: str) -> None:
    """A setting's scenario values and its low and high, each checked as its value is; only the
    settings of ``SCENARIO_SETTINGS`` may have them."""
    given = {f"scenario:{s}": i for s, i in scen_cols.items()}
    given.update({c: cols[c] for c in ("low", "high") if c in cols})
    spec = SETTINGS.get(name)
    for col, idx in given.items():
        if idx >= len(cells) or cell_text(cells[idx].value) == "" or cells[idx].ref in reader.flagged:
            continue
        cell = cells[idx]
        if name not in SCENARIO_SETTINGS:
            reader.problem(cell.ref, f"setting '{name}' cannot differ by scenario or have a range; only "
                                     f"{', '.join(SCENARIO_SETTINGS)} can")
            got.ok = False
            continue
        x, err = _setting_value(name, spec.dimension, cell.value)
        if err:
            reader.problem(cell.ref, err)
            got.ok = False
            continue
        got.value_cells.setdefault(name, {})[col] = cell.ref
        if col.startswith("scenario:"):
            got.overrides.setdefault(name, {})[col.split(":", 1)[1]] = x
        else:
            lo, hi = got.ranges.get(name, (None, None))
            got.ranges[name] = (x, hi) if col == "low" else (lo, x)
    lo, hi = got.ranges.get(name, (None, None))
    value = got.parsed.get(name)
    if isinstance(value, float) and not ((lo is None or lo <= value) and (hi is None or value <= hi)):
        reader.problem(got.value_cells[name].get("low" if lo is not None and value < lo else "high"),
                       f"setting '{name}' {value:.6g} lies outside its low..high; the value must lie inside")
        got.ok = False


def _read_setting(reader: SheetReader, cols: dict[str, int], r: int, cells, got: _SettingsSoFar) -> None:
    """One Settings row into ``got``, or a problem at its cell."""
    name_cell = cells[cols["setting"]] if cols["setting"] < len(cells) else CellValue(f"A{r}", None)
    val_cell = cells[cols["value"]] if cols["value"] < len(cells) else CellValue(f"B{r}", None)
    name = cell_text(name_cell.value)
    if reader.odd(name_cell, "the setting") or (
            name in ("currency", "company", "title") and reader.odd(val_cell, f"the {name}")):
        got.ok = False
        return
    if "notes" in cols and cols["notes"] < len(cells):
        got.notes[name] = cell_text(cells[cols["notes"]].value)
    if "source" in cols and cols["source"] < len(cells) and cell_text(cells[cols["source"]].value):
        got.sources[name] = (cell_text(cells[cols["source"]].value), cells[cols["source"]].ref)
    if name in got.seen:
        reader.problem(name_cell.ref, wording.setting_twice(name, got.seen[name]))
        got.ok = False
        return
    got.seen[name] = name_cell.ref
    got.value_cells.setdefault(name, {})["value"] = val_cell.ref
    got.rows[r] = name
    v = val_cell.value
    if val_cell.ref in reader.flagged:
        got.ok = False
        return
    if v is None or cell_text(v) == "":
        reader.problem(val_cell.ref, f"setting '{name}' has no value")
        got.ok = False
        return
    if name.startswith(FX_PREFIX) and CURRENCY_RE.match(name[len(FX_PREFIX):]):
        x, err = parse_number(v, "count")
        if err is None and not 0 < x <= BOUNDS["fx"]:
            err = f"exchange rate {x:.6g} must be more than 0 and at most {BOUNDS['fx']:g}"
        if err:
            reader.problem(val_cell.ref, err)
            got.ok = False
        else:
            got.fx[name[len(FX_PREFIX):]] = x
        return
    spec = SETTINGS.get(name)
    if spec is None:
        valid = ", ".join(list(SETTINGS) + ["fx_<CODE>"])
        reader.problem(name_cell.ref, wording.unknown_setting(name, valid))
        got.ok = False
        return
    x, err = _setting_value(name, spec.dimension, v)
    if err:
        reader.problem(val_cell.ref, err)
        got.ok = False
        if spec.dimension not in ("currency", "text"):
            return
    got.parsed[name] = x


def _setting_value(name: str, dimension: str, v) -> tuple[object, str | None]:
    """A setting's value by its dimension, or why it is not one.

    >>> _setting_value("horizon_months", "months", 700)
    (700.0, '700 is not a whole number of months from 1 to 600')
    >>> _setting_value("currency", "currency", "usd")
    ('USD', None)
    """
    if dimension == "text":
        text = cell_text(v)
        return text, None if len(text) <= TEXT_LIMIT else f"{name} is {len(text)} characters; keep it to {TEXT_LIMIT}"
    if dimension == "schema":
        return schema_value(v)
    if dimension == "currency":
        code = cell_text(v).upper()
        ok = CURRENCY_RE.match(code)
        return code, None if ok else wording.not_a_currency(cell_text(v))
    x, err = parse_value(v, "date" if dimension == "date" else "rate" if dimension == "rate" else "count")
    if err is None and dimension == "months" and (x != int(x) or not 1 <= x <= 600):
        err = f"{x:.6g} is not a whole number of months from 1 to 600"
    if err is None and name in ("opening_cash", "minimum_cash"):
        err = f"{name} {x:.6g} is negative; it must be 0 or more" if x < 0 else magnitude_problem(x, "money", name)
    if err is None and name == "discount_rate":
        lo, hi = BOUNDS["discount_rate"]
        if not lo <= x <= hi:
            err = f"discount_rate {x:.6g} is outside {lo:.0%}..{hi:.0%}; type a rate in that range"
    if err is None and dimension == "days" and not 0 <= x <= 365:
        err = f"{name} {x:.6g} is not a number of days from 0 to 365"
    return x, err


def schema_value(v) -> tuple[int | None, str | None]:
    """The ``schema_version`` setting: a whole number from 1 to the version this cashcast writes.

    >>> schema_value(2), schema_value(SCHEMA_VERSION + 1)[1]
    ((2, None), 'schema_version 4 is newer than this cashcast reads (1 to 3); update cashcast')
    """
    x, err = parse_number(v, "count")
    if err is None and (x != int(x) or x < 1):
        err = f"schema_version {x:.6g} is not a whole number from 1 to {SCHEMA_VERSION}"
    elif err is None and x > SCHEMA_VERSION:
        err = f"schema_version {x:.6g} is newer than this cashcast reads (1 to {SCHEMA_VERSION}); update cashcast"
    return (None if err else int(x)), err


def read_scenarios(reader: SheetReader) -> list[Scenario] | None:
    """The scenarios, base first; None when the sheet has no usable header.

    Rule: every scenario has a name, listed once; a ``base`` row only describes the base.
    """
    table = reader.table(SCENARIO_COLUMNS, ("scenario",))
    if table is None:
        return None
    cols, extra, records = table
    reader.unknown_columns(extra, ", ".join(SCENARIO_COLUMNS))
    out = [Scenario(BASE, "")]
    seen = {BASE: None}
    for _r, cells in records:
        cell = cells[cols["scenario"]]
        name = cell_text(cell.value)
        has_description = "description" in cols and cols["description"] < len(cells)
        desc = cell_text(cells[cols["description"]].value) if has_description else ""
        if not name:
            reader.problem(cell.ref, "the scenario name is blank")
            continue
        if reader.odd(cell, "the scenario name"):
            continue
        src = cells[cols["source"]] if "source" in cols and cols["source"] < len(cells) else None
        text = cell_text(src.value) if src is not None else ""
        if name == BASE:
            out[0].description, out[0].source, out[0].source_cell = desc, text, src.ref if text else ""
            continue
        if name in seen:
            reader.problem(cell.ref, f"scenario '{name}' is listed twice; keep one")
            continue
        seen[name] = cell.ref
        out.append(Scenario(name, desc, text, src.ref if text else ""))
    return out
