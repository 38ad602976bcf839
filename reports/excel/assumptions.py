"""Write assumption workbooks (the starter of ``cashcast new``, the examples, test fixtures).

The writer is the inverse of :mod:`cashcast.models.reading.workbook`: what it writes, the loader reads back unchanged.
Text is always written as text, so a note beginning with ``=`` never becomes a formula.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from cashcast.models.kinds import kinds_table
from cashcast.models.reading.data import Source as SourceRow  # a row of the Sources sheet, as read
from cashcast.models.reading.sources import SOURCE_COLUMNS, SOURCE_KINDS
from cashcast.models.reading.specs import (ASSUMPTION_COLUMNS, DIMENSIONS, FX_DOC, SCHEMA_VERSION, SETTINGS, SHAPES,
                                           YEARLY_SHAPES)

from cashcast.reports.excel.checks_input import HEADERS as CHECK_HEADERS, checks_sheet
from cashcast.reports.excel.editing import Written, add_aids
from cashcast.reports.excel.worksheet import FinalFormulaWorksheet
from cashcast.reports.files import write_atomic


@dataclass
class AssumptionRow:
    block: str
    kind: str
    parameter: str
    value: object
    unit: str
    low: object = None
    high: object = None
    distribution: str | None = None
    source: str = ""
    notes: str = ""
    overrides: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # columns a user added, by header (cashcast upgrade)


def _write(ws, r, c, value, fmt=None, date_fmt=None, pct_fmt=None, unit=""):
    if value is None:
        return
    if isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, pct_fmt if unit.startswith("%") else fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


@dataclass(frozen=True)
class _Formats:
    """The formats of an assumption workbook: headers in bold, inputs in blue."""

    bold: object
    date: object
    pct: object
    inp: object
    wrap: object

    @classmethod
    def of(cls, wb) -> "_Formats":
        return cls(wb.add_format({"bold": True, "bg_color": "#DDEBF7"}),
                   wb.add_format({"num_format": "yyyy-mm", "font_color": "#0000FF"}),
                   wb.add_format({"num_format": "0.0##%", "font_color": "#0000FF"}),
                   wb.add_format({"font_color": "#0000FF", "num_format": "#,##0.####"}),
                   wb.add_format({"text_wrap": True, "valign": "top"}))


@dataclass
class CorrelationRow:
    """A row of the Correlations sheet: two assumptions named ``BLOCK.PARAMETER`` and a rank correlation."""

    first: str
    second: str
    rank_correlation: object
    source: str = ""
    notes: str = ""


SOURCES_EXAMPLE = ("A source cell names ids of this sheet, ; between several, each with an optional locator "
                   "(A001 §3; A002), or says estimate, with the reasoning in notes. kind: "
                   + ", ".join(SOURCE_KINDS) + "; date YYYY, YYYY-MM or YYYY-MM-DD, blank when the source "
                   "gives none.")


SCHEMA_NOTE = "the workbook's layout, written by cashcast; cashcast upgrade OLD NEW brings an older one up to date"
CORRELATION_HEADERS = ("first", "second", "rank correlation", "source", "notes")
CORRELATION_EXAMPLE = ("Example: first = Serving.cost_per_user, second = Pro plan.audience, rank correlation "
                       "= 0.6 (serving costs rise with usage). Each name is BLOCK.PARAMETER of an assumption "
                       "with a low or a high; a pair not listed counts as 0; the ranges keep their "
                       "distributions, only the order of the draws changes (Iman-Conover).")


def workbook_bytes(settings: list[tuple], rows: list[AssumptionRow],
                   scenarios: list[tuple[str, str]] = (), guide: bool = False,
                   correlations: list[CorrelationRow] | None = None,
                   sources: list[SourceRow] | None = None, checks: list | None = None, aids: bool = True,
                   worksheet_class: type = FinalFormulaWorksheet) -> bytes:
    """An assumption workbook as .xlsx bytes (fixed document properties: same input, same bytes).

    ``settings`` are ``(name, value, notes)``, or ``(name, value, notes, {scenario: value})`` for a
    setting a scenario changes (written in a column named after the scenario). A Correlations sheet is
    written when ``correlations`` is given, and (empty, with a note holding an example) in the starter
    (``guide``). A Sources sheet is written when ``sources`` is given; then a setting may be
    ``(name, value, notes, {scenario: value}, source)`` and a scenario ``(name, description, source)``; a
    sixth item ``{header: value}`` holds a setting's columns a user added. The ``schema_version`` setting is
    added when ``settings`` lacks it (models/reading/schema.py). ``aids`` adds the editing aids: dropdowns,
    a live check column and the Lists sheet. ``worksheet_class`` as for the Excel report
    (``cashcast.reports.excel.report.excel_bytes``): XlsxWriter's own gives the same bytes, more slowly
    (the check column's formulas are about 7,400 characters each)."""
    if not any(entry[0] == "schema_version" for entry in settings):
        settings = [*settings, ("schema_version", SCHEMA_VERSION, SCHEMA_NOTE)]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.worksheet_class = worksheet_class
    wb.set_properties({"title": "cashcast assumptions", "created": dt.datetime(2023, 1, 1)})
    fmt = _Formats.of(wb)
    names = [s[0] for s in scenarios if s[0] != "base"]
    ws_a, ws_s = wb.add_worksheet("Assumptions"), wb.add_worksheet("Settings")
    written = Written(ws_a, _assumptions_sheet(ws_a, fmt, rows, names), rows, ws_s, _settings_sheet(ws_s, fmt, settings, names),
                      [entry[0] for entry in settings], names)
    written.sheets["Scenarios"] = (wb.add_worksheet("Scenarios"), [])
    written.sheets["Scenarios"][1].extend(_scenarios_sheet(written.sheets["Scenarios"][0], fmt, scenarios))
    if correlations is not None or guide:
        written.sheets["Correlations"] = (wb.add_worksheet("Correlations"), list(CORRELATION_HEADERS))
        _correlations_sheet(written.sheets["Correlations"][0], fmt, correlations or [])
    if sources is not None:
        written.sheets["Sources"] = (wb.add_worksheet("Sources"), list(SOURCE_COLUMNS))
        written.sources = {s.id: None for s in sources}
        _sources_sheet(written.sheets["Sources"][0], fmt, sources)
    if checks or guide:  # the analyst's expected figures (reports/excel/checks_input.py); the starter's
        # is empty, its header's note holding an example, as its Correlations sheet
        written.sheets["Checks"] = (wb.add_worksheet("Checks"), list(CHECK_HEADERS))
        checks_sheet(written.sheets["Checks"][0], fmt.bold, fmt.inp, checks or [])
    if guide:
        _write_guide(wb, fmt.bold, fmt.wrap)
    if aids:  # dropdowns, live check columns and the Lists sheet (reports/excel/editing)
        add_aids(wb, written, fmt.bold)
    wb.close()
    return buf.getvalue()


def _assumptions_sheet(ws, fmt: _Formats, rows: list[AssumptionRow], scen_names: list[str]) -> list[str]:
    """One row per assumption, in the reader's columns, then an override column per scenario, then the
    columns a user added (``row.extra``); the headers written."""
    added = list(dict.fromkeys(h for row in rows for h in row.extra))
    headers = list(ASSUMPTION_COLUMNS) + scen_names + added
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmt.bold)
    for r, row in enumerate(rows, start=1):
        fixed = [row.block, row.kind, row.parameter]
        for c, v in enumerate(fixed):
            ws.write_string(r, c, v)
        _write(ws, r, 3, row.value, fmt.inp, fmt.date, fmt.pct, row.unit)
        ws.write_string(r, 4, row.unit)
        _write(ws, r, 5, row.low, fmt.inp, fmt.date, fmt.pct, row.unit)
        _write(ws, r, 6, row.high, fmt.inp, fmt.date, fmt.pct, row.unit)
        _write(ws, r, 7, row.distribution)
        _write(ws, r, 8, row.source)
        _write(ws, r, 9, row.notes)
        for k, name in enumerate(scen_names):
            _write(ws, r, 10 + k, row.overrides.get(name), fmt.inp, fmt.date, fmt.pct, row.unit)
        for k, header in enumerate(added):
            _write(ws, r, 10 + len(scen_names) + k, row.extra.get(header), fmt.inp, fmt.date)
    ws.freeze_panes(1, 3)
    for c, width in enumerate([22, 13, 24, 16, 16, 12, 12, 12, 40, 50] + [14] * len(scen_names)):
        ws.set_column(c, c, width)
    return headers


def _settings_sheet(ws, fmt: _Formats, settings: list[tuple], scen_names: list[str]) -> list[str]:
    """One row per setting; a column per scenario that changes one (only those: a scenario column on
    the Settings sheet is read as that scenario's values)."""
    given = {k for entry in settings for k in (entry[3] if len(entry) > 3 else {})}
    columns = [name for name in scen_names if name in given]
    cited = any(len(entry) > 4 for entry in settings)
    added = list(dict.fromkeys(h for entry in settings if len(entry) > 5 for h in entry[5]))
    headers = ["setting", "value", "notes", *columns, *(["source"] if cited else []), *added]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmt.bold)
    for r, (name, value, note, *over) in enumerate(settings, start=1):
        if cited and len(over) > 1:
            _write(ws, r, 3 + len(columns), over[1])
        for k, header in enumerate(added):
            _write(ws, r, 3 + len(columns) + cited + k, (over[2] if len(over) > 2 else {}).get(header), fmt.inp,
                   fmt.date)
        ws.write_string(r, 0, name)
        unit = "%" if name == "discount_rate" else ""
        _write(ws, r, 1, value, fmt.inp, fmt.date, fmt.pct, unit)
        _write(ws, r, 2, note)
        for k, scenario in enumerate(columns):
            _write(ws, r, 3 + k, (over[0] if over else {}).get(scenario), fmt.inp, fmt.date, fmt.pct, unit)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 80)
    ws.set_column(3, 2 + max(len(columns), 1), 14)
    return headers


def _scenarios_sheet(ws, fmt: _Formats, scenarios: list[tuple[str, ...]]) -> list[str]:
    cited = any(len(s) > 2 for s in scenarios)
    headers = ["scenario", "description", *(["source"] if cited else [])]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmt.bold)
    for r, (name, desc, *source) in enumerate(scenarios, start=1):
        ws.write_string(r, 0, name)
        _write(ws, r, 1, desc)
        _write(ws, r, 2, source[0] if source else None)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 100)
    return headers


def _correlations_sheet(ws, fmt: _Formats, pairs: list[CorrelationRow]) -> None:
    for c, h in enumerate(CORRELATION_HEADERS):
        ws.write_string(0, c, h, fmt.bold)
    ws.write_comment("A1", CORRELATION_EXAMPLE, {"x_scale": 3, "y_scale": 2})
    for r, p in enumerate(pairs, start=1):
        ws.write_string(r, 0, p.first)
        ws.write_string(r, 1, p.second)
        _write(ws, r, 2, p.rank_correlation, fmt.inp)
        _write(ws, r, 3, p.source)
        _write(ws, r, 4, p.notes)
    for c, width in enumerate([30, 30, 16, 30, 90]):
        ws.set_column(c, c, width)


def _sources_sheet(ws, fmt: _Formats, sources: list[SourceRow]) -> None:
    """The register: one row per source, in the reader's columns."""
    for c, h in enumerate(SOURCE_COLUMNS):
        ws.write_string(0, c, h, fmt.bold)
    ws.write_comment("A1", SOURCES_EXAMPLE, {"x_scale": 3, "y_scale": 2})
    for r, s in enumerate(sources, start=1):
        for c, col in enumerate(SOURCE_COLUMNS):
            value = getattr(s, col)
            ws.write_string(r, c, value.isoformat() if isinstance(value, dt.date) else str(value or ""))
    for c, width in enumerate([8, 40, 40, 18, 24, 12, 30, 16, 80]):
        ws.set_column(c, c, width)


def guide_rows() -> list[tuple[str, ...]]:
    """The reference printed in the starter's Guide sheet (and the README): kinds, shapes, settings."""
    out = [("kind", "parameter", "dimension", "required", "what it is")]
    out += [tuple(r) for r in kinds_table()]
    out.append(("", "", "", "", ""))
    out.append(("time shape", "row named", "dimension", "", "what it does"))
    for name, (dim, doc) in SHAPES.items():
        out.append(("(any number)", f"<parameter>.{name}", dim, "", doc))
    out += [("(any number)", name, dim, "", doc) for name, dim, doc in YEARLY_SHAPES]
    out.append(("", "", "", "", ""))
    out.append(("setting", "", "", "required", "what it is"))
    for s in SETTINGS.values():
        out.append((s.name, "", s.dimension, "yes" if s.required else f"no (default {s.default})", s.doc))
    out.append(("fx_<CODE>", "", "number", "no", FX_DOC))
    out.append(("", "", "", "", ""))
    out.append(("dimension", "", "", "", "units you may type"))
    for d, doc in DIMENSIONS.items():
        out.append((d, "", "", "", doc))
    return out


def _write_guide(wb, bold, wrap):
    ws = wb.add_worksheet("Guide")
    intro = [
        "How to use this workbook: one row per assumption on the Assumptions sheet.",
        "block: a name you choose (rows with the same block belong together); kind: what it computes "
        "(below); parameter: one of the kind's parameters; value, unit; low/high for sensitivity and "
        "simulation; source: the id of its row on the Sources sheet (A001 §3), or 'estimate' with the "
        "reasoning in notes; notes.",
        "Sources: one row per source (id, title, title_en, author, publisher, date, location, kind, note); "
        "the example row S1 is cited by Pro plan.price. " + SOURCES_EXAMPLE,
        "Scenarios: list a scenario on the Scenarios sheet, then add a column with its name to "
        "Assumptions; a blank cell there means 'as base'.",
        "A scenario decides what is uncertain in it: a row with low/high is uncertain in base and in every "
        "scenario whose cell is blank; a value in a scenario's cell fixes the row in that scenario (not "
        "simulated, not swung); a range typed there, 15%..20% (low..high) or 0.5%..1%..1.5% "
        "(low..most likely..high), is that scenario's own range (see the downside column).",
        "Link a count to another block's line by typing line: <block>.<line> as the value, "
        "e.g. line: Pro plan.subscribers.",
        "Correlations (optional): a row per pair of uncertain assumptions and their rank correlation, "
        "from -1 to 1. " + CORRELATION_EXAMPLE,
        "Run it: cashcast run assumptions/NAME.xlsx",
    ]
    for r, text in enumerate(intro):
        ws.write_string(r, 0, text)
    start = len(intro) + 1
    for r, row in enumerate(guide_rows(), start=start):
        for c, v in enumerate(row):
            ws.write_string(r, c, str(v), bold if c == 0 and row[0] in ("kind", "time shape", "setting",
                                                                          "dimension") else wrap)
    for c, w in enumerate([18, 26, 12, 22, 90]):
        ws.set_column(c, c, w)


def write_assumption_workbook(path: Path, settings, rows, scenarios=(), guide=False, correlations=None,
                              sources=None, checks=None) -> Path:
    write_atomic(Path(path), workbook_bytes(settings, rows, scenarios, guide, correlations, sources, checks))
    return Path(path)


def starter(name: str) -> tuple[list, list[AssumptionRow], list[tuple[str, str]]]:
    """The documented starter of ``cashcast new NAME``: one block of each common kind."""
    settings = [
        ("start_month", dt.date(2025, 1, 1), "first month of the projection"),
        ("horizon_months", 120, "months projected (default 120)"),
        ("currency", "USD", "the model currency; rows in another currency need fx_<CODE>"),
        ("discount_rate", 0.10, "annual discount rate for NPV"),
        ("opening_cash", 5_000_000, "cash before the first month"),
        ("minimum_cash", 0, "running below this counts as running out of cash"),
    ]
    est, why = "estimate", "estimate: replace with your figure and cite its source's id (Sources sheet); "
    rows = [
        AssumptionRow("Pro plan", "subscription", "audience", 200_000, "users", 100_000, 400_000, None, est,
                      why + "people reached each month"),
        AssumptionRow("Pro plan", "subscription", "audience.growth", 0.30, "%/year", None, None, None, est,
                      why + "compound audience growth"),
        AssumptionRow("Pro plan", "subscription", "conversion", 0.02, "%", 0.01, 0.04, None, est,
                      why + "share of the audience that pays"),
        AssumptionRow("Pro plan", "subscription", "price", 20, "USD/month", None, None, None, "S1 (the price list)",
                      "the example source row S1 on the Sources sheet: cite a source by its id"),
        AssumptionRow("Pro plan", "subscription", "churn", 0.03, "%", None, None, None, est,
                      why + "monthly cancellations when the audience shrinks"),
        AssumptionRow("Serving", "inference", "active_users", "line: Pro plan.audience", "users", None, None,
                      None, "", "linked: serving cost follows the audience (a link needs no source)"),
        AssumptionRow("Serving", "inference", "cost_per_user", 0.05, "USD/user/month", 0.03, 0.10, None, est,
                      why + "model calls per user a month"),
        AssumptionRow("Team", "headcount", "employees", 10, "people", None, None, None, est, why + "the team"),
        AssumptionRow("Team", "headcount", "cost_per_employee", 150_000, "USD/year", None, None, None, est,
                      why + "fully loaded pay"),
        AssumptionRow("Seed round", "funding", "amount", 3_000_000, "USD", None, None, None, est,
                      why + "the round you plan"),
        AssumptionRow("Seed round", "funding", "month", dt.date(2025, 7, 1), "date", None, None, None, est,
                      why + "when it closes"),
    ]
    for r in rows:
        if r.kind == "subscription" and r.parameter == "conversion":
            r.overrides = {"downside": "0.5%..1%..1.5%"}  # a range: the downside's own uncertainty
        if r.kind == "inference" and r.parameter == "cost_per_user":
            r.overrides = {"downside": 0.10}  # a value: fixed at the high end in the downside
    scenarios = [("base", f"{name}: the plan as written"),
                 ("downside", "half the conversion (0.5%–1.5%, most likely 1%) and serving at $0.10 a user")]
    return settings, rows, scenarios


def starter_sources() -> list[SourceRow]:
    """The starter's Sources sheet: one example row, cited by the Pro plan's price."""
    return [SourceRow("S1", "Example: the price list of a comparable product (replace with your source)",
                      "", "", "the company that publishes it", dt.date(2025, 1, 1), "https://example.com/pricing",
                      "company statement", "one row per source; cite it by its id in a source cell")]


def reference_markdown() -> str:
    """The README's reference tables (kinds, time shapes, settings), made from the kinds registry and specs.

    tests/test_readme.py checks that the README holds exactly this text, so the documentation
    cannot drift from what the loader accepts.
    """
    out = ["| kind | parameter | dimension | required | what it is |", "|---|---|---|---|---|"]
    out += [f"| {k} | `{p}` | {d} | {r} | {doc} |" for k, p, d, r, doc in kinds_table()]
    out += ["", "| row named | dimension | what it does |", "|---|---|---|"]
    out += [f"| `<parameter>.{n}` | {d} | {doc} |" for n, (d, doc) in SHAPES.items()]
    out += [f"| `{name}` | {dim} | {doc} |" for name, dim, doc in YEARLY_SHAPES] + [""]
    out += ["| setting | required | what it is |", "|---|---|---|"]
    out += [f"| `{s.name}` | {'yes' if s.required else f'no (default {s.default})'} | {s.doc} |"
            for s in SETTINGS.values()]
    out += [f"| `fx_<CODE>` | no | {FX_DOC} |", ""]
    out += ["| dimension | units you may type |", "|---|---|"]
    out += [f"| {d} | {doc} |" for d, doc in DIMENSIONS.items()]
    return "\n".join(out) + "\n"
