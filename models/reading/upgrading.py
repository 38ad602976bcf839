"""``cashcast upgrade``'s reading side: a workbook of any earlier schema as the rows of the current one.

:func:`plan_upgrade` reads every sheet cashcast uses cell by cell, as typed (no model is built, so a
workbook whose figures do not yet validate still upgrades), and returns a :class:`Plan`: the settings,
assumptions, scenarios, correlations, register and checks in the writer's order, each with every value,
source, note and extra column a user added, and the :class:`Change` list ``upgrade`` prints. The one change
to content is the sources (schema 1 → 2, :mod:`~cashcast.models.reading.schema`): a free-text source that
names files (``001_e96a8ceb7138aefa.txt, 000_1743f66b7ddf36b8.txt``) becomes the ids of their Sources rows
(``A001; A000``), a new row per file (from :data:`~cashcast.models.reading.known_sources.KNOWN_SOURCES`
where the file is known); any other free text becomes one row titled by the text. Writing the file is
``reports/cli/upgrade.py``'s (models never write). What stops an upgrade is what would lose data or is
unreadable: the file, a missing Settings or Assumptions sheet, a formula error, an unknown column on a sheet
whose rows have no room for one; each is a :class:`Problem`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from cashcast.models.reading import correlations as corr, user_checks
from cashcast.models.reading.cells import cell_text
from cashcast.models.reading.known_sources import KNOWN_SOURCES
from cashcast.models.reading.opening import SHEETS, SheetReader, _value_cells, is_aid_formula, open_sheets
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.schema import SCHEMAS, detect
from cashcast.models.reading.sheets import schema_value
from cashcast.models.reading.sources import ID_RE, SOURCE_COLUMNS, is_estimate_text
from cashcast.models.reading.specs import ASSUMPTION_COLUMNS, LISTS_SHEET, SCHEMA_VERSION, SCENARIO_COLUMNS

FILE_RE = re.compile(r"(?:(\d{3})_)?[\w.-]*\.(?:txt|pdf|html?|docx?|xlsx?|md)", re.IGNORECASE)
CHECK_FIELDS = ("target", "period", "expected", "tolerance", "relative", "scenario", "note")


@dataclass(frozen=True)
class Change:
    """One thing ``upgrade`` changed, at a cell of the old workbook (or a whole sheet).

    >>> str(Change("Assumptions", "I5", "source '001_x.txt' → A001 (new Sources row 2)"))
    "Assumptions!I5: source '001_x.txt' → A001 (new Sources row 2)"
    """

    sheet: str
    cell: str
    text: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.text}" if self.cell else f"{self.sheet}: {self.text}"


@dataclass
class Plan:
    """An old workbook as the writer's rows: ``settings`` as ``(name, value, notes, {scenario: value},
    source, {header: value})``, ``rows`` as dicts of the assumption columns with ``overrides`` and ``extra``,
    ``scenarios`` as ``(name, description, source)``, ``sources`` as dicts of SOURCE_COLUMNS, ``checks`` as
    dicts of CHECK_FIELDS; ``version`` the schema it was in."""

    name: str
    version: int = 1
    settings: list[tuple] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    scenarios: list[tuple] = field(default_factory=list)
    correlations: list[dict] | None = None
    sources: list[dict] = field(default_factory=list)
    checks: list[dict] | None = None
    guide: bool = False
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """Whether the workbook is already in the current schema (nothing to change)."""
        return self.version >= SCHEMA_VERSION and not self.changes


def plan_upgrade(path: str | Path) -> Plan:
    """Read ``path`` (any schema) into a :class:`Plan`; ``plan.problems`` says why it cannot be upgraded."""
    path = Path(path)
    plan = Plan(path.name)
    opened = open_sheets(path)
    plan.problems += opened.problems
    readers = opened.readers
    if opened.problems:
        return plan
    for title in ("Settings", "Assumptions"):
        if title.lower() not in readers:
            plan.problems.append(Problem(plan.name, title, "A1", f"missing sheet '{title}'; every schema has "
                                                                 f"it, so this is not an assumption workbook"))
    if plan.problems:
        return plan
    had_register = "sources" in readers
    plan.sources = _read_register(plan, readers["sources"]) if had_register else []
    names = _read_scenarios(plan, readers.get("scenarios"))
    register = _Register(plan, {s["id"]: s for s in plan.sources}, convert=not had_register)
    version = _read_settings(plan, readers["settings"], names, register)
    plan.version = detect(had_register, version)
    if plan.version < SCHEMA_VERSION:  # the writer adds the current version
        plan.settings = [s for s in plan.settings if s[0] != "schema_version"]
    _read_assumptions(plan, readers["assumptions"], names, register)
    if "correlations" in readers:
        plan.correlations = _read_correlations(plan, readers["correlations"], register)
    if "checks" in readers:
        plan.checks = _read_checks(plan, readers["checks"])
    titles, formulas = _sheet_titles(path)
    plan.changes += formulas
    plan.guide = "guide" in (t.lower() for t in titles)
    plan.changes += [Change(t, "", "sheet not copied (cashcast does not read it); copy it by hand if you need it")
                     for t in titles if t.lower() not in (*SHEETS, "guide", LISTS_SHEET.lower())]
    for reader in readers.values():
        plan.problems += reader.problems
    if plan.sources and not had_register:
        plan.changes.append(Change("Sources", "", f"new sheet: a register of the {len(plan.sources)} sources "
                                                  f"the free-text source cells named"))
    if plan.version < SCHEMA_VERSION:
        plan.changes.append(Change("Settings", f"A{len(plan.settings) + 2}", f"schema_version {SCHEMA_VERSION} "
                                   f"added in a new row (the workbook was in schema {plan.version}: "
                                   f"{SCHEMAS[plan.version]})"))
    return plan


def _sheet_titles(path: Path) -> tuple[list[str], list[Change]]:
    """The workbook's sheet titles (a Guide and a Lists sheet are written anew; one cashcast does not read is
    not copied), and a change per formula on a sheet cashcast reads, an editing aid's left out: the writer
    writes what cashcast read, its value."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [Change(title, f"{get_column_letter(c)}{r}", f"formula {v} written as its value")
                    for title in wb.sheetnames if title.lower() in SHEETS
                    for r, cells in _value_cells(wb[title]) for c, v in cells.items()
                    if isinstance(v, str) and v.startswith("=") and not is_aid_formula(v)]
        return list(wb.sheetnames), formulas
    finally:
        wb.close()


def _records(plan: Plan, reader: SheetReader, known: tuple[str, ...], required: tuple[str, ...],
             extra_ok=lambda header: False):
    """``(columns, extra, records)`` of a sheet; an extra column the sheet has no room for is a problem."""
    table = reader.table(known, required)
    if table is None:
        return {}, {}, []
    cols, extra, records = table
    for header, (_idx, ref) in extra.items():
        if not extra_ok(header):
            reader.problem(ref, f"upgrade cannot keep column '{header}' on the {reader.sheet} sheet (its rows "
                                f"take only {', '.join(known)}); move it to the Assumptions or Settings sheet")
    return cols, extra, records


def _value(cells, idx: int | None):
    """The cell's value as typed (None past a short row or for a missing column)."""
    return cells[idx].value if idx is not None and idx < len(cells) else None


def _ref(cells, idx: int | None) -> str:
    return cells[idx].ref if idx is not None and idx < len(cells) else ""


def _read_scenarios(plan: Plan, reader: SheetReader | None) -> list[str]:
    """The Scenarios sheet into ``plan.scenarios``; the scenario names, for the other sheets' columns."""
    if reader is None:
        return []
    cols, _extra, records = _records(plan, reader, SCENARIO_COLUMNS, ("scenario",))
    plan.scenarios = [(cell_text(_value(c, cols.get("scenario"))), _value(c, cols.get("description")),
                       _value(c, cols.get("source"))) for _r, c in records]
    return [s[0] for s in plan.scenarios if s[0] and s[0] != "base"]


def _read_settings(plan: Plan, reader: SheetReader, scenarios: list[str], register: "_Register") -> int | None:
    """The Settings sheet into ``plan.settings``; the ``schema_version`` it gives, if any."""
    cols, extra, records = _records(plan, reader, ("setting", "value", "notes", "source"), ("setting", "value"),
                                    lambda h: True)
    version = None
    for _r, c in records:
        name = cell_text(_value(c, cols["setting"]))
        value = _value(c, cols["value"])
        if name == "schema_version":
            version, err = schema_value(value)  # as cashcast check reads it; a newer one is not downgraded
            if err:
                reader.problem(_ref(c, cols["value"]), err)
        over = {h: _value(c, i) for h, (i, _ref) in extra.items() if h in scenarios and _value(c, i) is not None}
        added = {h: _value(c, i) for h, (i, _ref) in extra.items() if h not in scenarios}
        source = register.cite("Settings", _ref(c, cols.get("source")), _value(c, cols.get("source")))
        plan.settings.append((name, value, _value(c, cols.get("notes")), over, source,
                              {h: v for h, v in added.items() if v is not None}))
    return version


def _read_assumptions(plan: Plan, reader: SheetReader, scenarios: list[str], register: "_Register") -> None:
    """The Assumptions sheet into ``plan.rows``: every column kept, a free-text source moved to the register."""
    cols, extra, records = _records(plan, reader, ASSUMPTION_COLUMNS, ("block", "kind", "parameter", "value"),
                                    lambda h: True)
    for _r, c in records:
        row = {col: _value(c, cols.get(col)) for col in ASSUMPTION_COLUMNS}
        for col in ("block", "kind", "parameter", "unit"):  # written as text
            row[col] = cell_text(row[col]) if not isinstance(row[col], str) else row[col]
        row["source"] = register.cite("Assumptions", _ref(c, cols.get("source")), row["source"])
        row["overrides"] = {h: _value(c, i) for h, (i, _r2) in extra.items() if h in scenarios}
        row["extra"] = {h: v for h, (i, _r2) in extra.items() if h not in scenarios
                        and (v := _value(c, i)) is not None}
        plan.rows.append(row)
    for header, (_i, ref) in extra.items():
        if header not in scenarios:
            plan.changes.append(Change(reader.sheet, ref, f"column '{header}' kept after the scenario columns "
                                                          f"(cashcast reports it as unknown until it is removed)"))


def _read_correlations(plan: Plan, reader: SheetReader, register: "_Register") -> list[dict]:
    cols, _extra, records = _records(plan, reader, corr.COLUMNS, corr.REQUIRED)
    return [{"first": cell_text(_value(c, cols.get("first"))), "second": cell_text(_value(c, cols.get("second"))),
             "rank_correlation": _value(c, cols.get("rank correlation")),
             "source": register.cite("Correlations", _ref(c, cols.get("source")), _value(c, cols.get("source"))),
             "notes": _value(c, cols.get("notes"))} for _r, c in records]


def _read_checks(plan: Plan, reader: SheetReader) -> list[dict]:
    cols, _extra, records = _records(plan, reader, user_checks.COLUMNS, user_checks.REQUIRED)
    out = []
    for _r, c in records:
        got = dict(zip(CHECK_FIELDS, (_value(c, cols.get(col)) for col in user_checks.COLUMNS)))
        period = got["period"]
        if isinstance(period, (dt.date, dt.datetime)):
            got["period"] = f"{period.year:04d}-{period.month:02d}"
        elif isinstance(period, float) and period.is_integer():
            got["period"] = str(int(period))
        for key in ("target", "scenario", "note"):
            got[key] = cell_text(got[key])
        out.append(got)
    return out


def _read_register(plan: Plan, reader: SheetReader) -> list[dict]:
    """The Sources sheet's rows as typed (a date cell as ``YYYY-MM-DD`` text, as the writer writes it)."""
    cols, _extra, records = _records(plan, reader, SOURCE_COLUMNS, ("id",))
    out = []
    for _r, c in records:
        row = {col: _value(c, cols.get(col)) for col in SOURCE_COLUMNS}
        out.append({k: (v.strftime("%Y-%m-%d") if isinstance(v, (dt.date, dt.datetime)) else cell_text(v))
                    for k, v in row.items()})
    return out


@dataclass
class _Register:
    """The register as it grows: a free-text source cited anywhere becomes (or reuses) rows of it."""

    plan: Plan
    by_id: dict[str, dict]
    convert: bool = True  # False with a register: its free text stays an error of cashcast check, as today
    by_text: dict[str, str] = field(default_factory=dict)  # a file name or free text → the id given it

    def cite(self, sheet: str, ref: str, typed):
        """The source cell in the current schema (as typed unless it changes; a change is recorded).

        Ids the register has, ``estimate …`` and blank cells stay as typed; file names become one id each
        (``; `` between them); any other text one id for the whole text."""
        text = cell_text(typed)
        if not self.convert or not text or is_estimate_text(text):
            return typed
        pieces = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
        if all(p.split(" ")[0] in self.by_id for p in pieces):
            return typed  # already cites the register (with locators)
        if not all(FILE_RE.fullmatch(p) for p in pieces):
            pieces = [text]
        ids, said = [], []
        for piece in pieces:
            ident, new = self._id_for(piece)
            ids.append(ident)
            row = list(self.by_id).index(ident) + 2
            said.append(f"{ident + ': ' if len(pieces) > 1 else ''}{'new ' if new else ''}Sources row {row}")
        cited = "; ".join(ids)
        self.plan.changes.append(Change(sheet, ref, f"source '{text}' → {cited} ({'; '.join(said)})"))
        return cited

    def _id_for(self, piece: str) -> tuple[str, bool]:
        """The id of the register row for a file name or free text, and whether the row is new."""
        if piece in self.by_text:
            return self.by_text[piece], False
        match = FILE_RE.fullmatch(piece)
        known = KNOWN_SOURCES.get(piece)
        ident = known["id"] if known else f"A{match[1]}" if match and match[1] else f"S{len(self.by_id) + 1:03d}"
        while ident in self.by_id and self.by_id[ident].get("location") != piece:
            ident = _next_id(ident)
        new = ident not in self.by_id
        if new:
            row = dict(known) if known else _row_for(ident, piece, match is not None)
            row["id"] = ident
            self.by_id[ident] = row
            self.plan.sources.append(row)
        self.by_text[piece] = ident
        return ident, new


def _row_for(ident: str, piece: str, is_file: bool) -> dict:
    """A register row for a source cashcast knows nothing about, to be completed by hand."""
    return {"id": ident, "title": piece, "title_en": "", "author": "", "publisher": "", "date": "",
            "location": piece if is_file else "", "kind": "article",
            "note": f"added by cashcast upgrade from the free-text source '{piece}'; give the source's own title, "
                    f"author, publisher, date and kind"}


def _next_id(ident: str) -> str:
    """The id after ``ident``: its number plus one, keeping the letters and the width.

    >>> _next_id("A001"), _next_id("S099"), _next_id("Z")
    ('A002', 'S100', 'Z2')
    """
    m = re.fullmatch(r"(.*?)(\d*)", ident)
    digits = m[2]
    if not digits:
        return ident + "2"
    assert ID_RE.fullmatch(m[1] + digits)
    return f"{m[1]}{int(digits) + 1:0{len(digits)}d}"
