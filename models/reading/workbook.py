"""Load an assumption workbook: read it safely once, parse every cell into typed data, collect problems.

The pipeline is ``open_safely → read sheets → parse cells → check structure``; every stage appends
:class:`~cashcast.models.reading.problems.Problem` records instead of raising, and :func:`load_workbook` raises one
:class:`~cashcast.models.reading.problems.InputError` with all of them at the end. The workbook is opened read-only and
never written.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.specs import (
    ASSUMPTION_COLUMNS, DISTRIBUTIONS, FX_PREFIX, KINDS, LIMITS, REQUIRED_ASSUMPTION_COLUMNS,
    SCENARIO_COLUMNS, SETTINGS, SETTINGS_COLUMNS, SHAPES,
)

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "Err:502", "Err:504", "Err:522"}
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
LINK_PREFIX = "line:"
BASE = "base"


def month_ordinal(d: dt.date) -> int:
    """Months since year 0: ``month_ordinal(date(2023, 1, 1)) == 2023 * 12``."""
    return d.year * 12 + d.month - 1


def ordinal_to_date(n: int) -> dt.date:
    return dt.date(n // 12, n % 12 + 1, 1)


def slugify(name: str) -> str:
    """A block's name as an identifier: ``'ChatGPT Plus' → 'chatgpt_plus'``, ``'GPT-4' → 'gpt_4'``."""
    slug = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "b_" + slug
    return slug


# ------------------------------------------------------------------------------------------------
# Typed data
# ------------------------------------------------------------------------------------------------
@dataclass
class Row:
    """One assumption row, parsed. Numbers are floats; percentages fractions; dates month ordinals."""

    row: int
    block: str
    kind: str
    parameter: str          # as typed, e.g. "price", "audience.growth", "runs_per_year@2025"
    base_param: str         # "price", "audience", "runs_per_year"
    modifier: str | None    # None, a SHAPES key, or "y2025"
    dimension: str
    unit: str
    currency: str | None
    value: float | None
    link: tuple[str, str] | None  # (block name, line) for `line: Block.line` values
    low: float | None
    high: float | None
    distribution: str | None
    source: str
    notes: str
    overrides: dict[str, float] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    key: str = ""           # the defined name / parameter key, e.g. "chatgpt_plus__price"

    @property
    def label(self) -> str:
        return f"{self.block}.{self.parameter}"


@dataclass
class Block:
    name: str
    slug: str
    kind: str
    rows: dict[str, Row] = field(default_factory=dict)            # base parameter → row
    shapes: dict[str, dict[str, Row]] = field(default_factory=dict)  # base parameter → modifier → row

    @property
    def first_row(self) -> Row:
        return min(self.rows.values(), key=lambda r: r.row) if self.rows else \
            min((r for s in self.shapes.values() for r in s.values()), key=lambda r: r.row)


@dataclass
class Settings:
    start_month: dt.date
    horizon_months: int
    currency: str
    discount_rate: float
    opening_cash: float
    minimum_cash: float | None
    fx: dict[str, float]
    cells: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    description: str


@dataclass
class Workbook:
    """A parsed, validated assumption workbook."""

    name: str
    path: Path
    settings: Settings
    rows: list[Row]
    blocks: dict[str, Block]
    scenarios: list[Scenario]

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def start_ordinal(self) -> int:
        return month_ordinal(self.settings.start_month)

    def months(self) -> list[dt.date]:
        start = self.start_ordinal
        return [ordinal_to_date(start + i) for i in range(self.settings.horizon_months)]

    def model_value(self, row: Row, raw: float) -> float:
        """A row's value as the engine holds it: dates become months since the model start."""
        return raw - self.start_ordinal if row.dimension == "date" else raw

    def row_value(self, row: Row, scenario: str) -> float:
        raw = row.overrides.get(scenario, row.value) if scenario != BASE else row.value
        return self.model_value(row, raw)

    def setting_params(self) -> dict[str, float]:
        s = self.settings
        out = {"settings__opening_cash": s.opening_cash,
               "settings__minimum_cash": s.minimum_cash if s.minimum_cash is not None else 0.0,
               "settings__discount_rate": s.discount_rate}
        for code, rate in s.fx.items():
            out[f"fx__{code.lower()}"] = rate
        return out

    def param_values(self, scenarios: list[str]) -> dict[str, np.ndarray]:
        """Every parameter's value per scenario, as arrays of shape ``(len(scenarios),)``."""
        out = {key: np.full(len(scenarios), v, dtype=float) for key, v in self.setting_params().items()}
        for row in self.rows:
            if row.link is None:
                out[row.key] = np.array([self.row_value(row, s) for s in scenarios], dtype=float)
        return out

    def row_by_key(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}


# ------------------------------------------------------------------------------------------------
# Safe opening
# ------------------------------------------------------------------------------------------------
def _check_container(path: Path, name: str, problems: list[Problem]) -> bool:
    """Refuse files that are not a plain xlsx before any XML parser sees them."""
    def bad(msg):
        problems.append(Problem(name, "", "", msg))
        return False

    if not path.exists():
        return bad("no such file")
    if path.is_dir():
        return bad("is a folder, not an .xlsx workbook")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        return bad("the file is empty; expected an .xlsx workbook")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return bad("the file is encrypted (password-protected) or a legacy .xls; save it as an "
                   "unencrypted .xlsx")
    if not zipfile.is_zipfile(path):
        return bad("not an .xlsx workbook (it is not a zip package); save it as .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if "xl/workbook.xml" not in names:
                return bad("not an .xlsx workbook (no xl/workbook.xml inside); save it as .xlsx")
            if total > LIMITS["unzipped_bytes"] or (total > 1_000_000 and total / packed > LIMITS["ratio"]):
                return bad(f"refused: it unpacks to {total:,} bytes from {packed:,} (a zip bomb?); an "
                           f"assumption workbook is far smaller")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size < 2_000_000:
                    text = zf.read(info)
                    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
                        return bad(f"refused: {info.filename} declares XML entities (an XML bomb?); "
                                   f"save the workbook again from Excel or LibreOffice")
    except (zipfile.BadZipFile, OSError) as exc:
        return bad(f"not a readable .xlsx workbook ({exc})")
    return True


def _open(path: Path, name: str, problems: list[Problem]):
    import openpyxl  # defusedxml is a dependency: openpyxl then parses with it

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for malformed packages
        problems.append(Problem(name, "", "", f"cannot be read as an .xlsx workbook: "
                                              f"{type(exc).__name__}: {exc}"))
        return None, None
    return values, formulas


# ------------------------------------------------------------------------------------------------
# Reading a sheet as a table
# ------------------------------------------------------------------------------------------------
@dataclass
class CellValue:
    ref: str
    value: object


class SheetReader:
    """Reads one sheet as a header row plus records, flagging formula errors and absurd sizes."""

    def __init__(self, name: str, sheet: str, ws_values, ws_formulas, problems: list[Problem]):
        self.name, self.sheet, self.problems = name, sheet, problems
        self.ws_values, self.ws_formulas = ws_values, ws_formulas
        self.flagged: set[str] = set()  # cells already reported (formula errors): not reported again

    def problem(self, ref: str, msg: str):
        self.problems.append(Problem(self.name, self.sheet, ref, msg))

    def rows(self):
        """The sheet's rows as lists of CellValue, read once (openpyxl parses here, nowhere else)."""
        if not hasattr(self, "_rows"):
            self._rows = list(self._read())
        return self._rows

    def _read(self):
        from openpyxl.utils import get_column_letter

        max_row, max_col = self.ws_values.max_row, self.ws_values.max_column
        if (max_row or 0) > LIMITS["rows"] or (max_col or 0) > LIMITS["columns"]:
            self.problem("A1", f"the sheet claims {max_row:,} rows × {max_col:,} columns; at most "
                               f"{LIMITS['rows']:,} rows and {LIMITS['columns']} columns are read")
            return
        pairs = zip(self.ws_values.iter_rows(values_only=True), self.ws_formulas.iter_rows(values_only=True))
        for r, (vals, forms) in enumerate(pairs, start=1):
            if r > LIMITS["rows"]:
                self.problem(f"A{r}", f"more than {LIMITS['rows']:,} rows; an assumption sheet is shorter")
                return
            cells = []
            for c, (v, f) in enumerate(zip(vals[: LIMITS["columns"]], forms[: LIMITS["columns"]]), start=1):
                ref = f"{get_column_letter(c)}{r}"
                is_formula = isinstance(f, str) and f.startswith("=")
                if isinstance(v, str) and v.strip() in EXCEL_ERRORS:
                    self.problem(ref, f"the formula gives the error {v.strip()}; fix the formula or type "
                                      f"a value")
                    self.flagged.add(ref)
                    v = None
                elif is_formula and v is None:
                    self.problem(ref, "a formula without a calculated value (the file was saved by a "
                                      "program that does not calculate); open and save it in Excel or "
                                      "LibreOffice, or type the value")
                    self.flagged.add(ref)
                cells.append(CellValue(ref, v))
            yield r, cells

    def table(self, known: tuple[str, ...], required: tuple[str, ...]):
        """Return (columns by name, extra columns by header, list of (row number, {column: CellValue}))."""
        rows = iter(self.rows())
        try:
            r, header = next(rows)
        except StopIteration:
            self.problem("A1", f"the sheet is empty; its first row must name the columns: {', '.join(known)}")
            return None
        columns, extra = {}, {}
        for idx, cell in enumerate(header):
            title = cell.value
            if title is None or str(title).strip() == "":
                continue
            key = str(title).strip()
            low = key.lower()
            if low in known:
                if low in columns:
                    self.problem(cell.ref, f"column '{key}' appears twice; keep one")
                columns[low] = idx
            else:
                extra[key] = (idx, cell.ref)
        missing = [c for c in required if c not in columns]
        if missing:
            from openpyxl.utils import get_column_letter
            ref = f"{get_column_letter(len(header) + 1)}1"
            self.problem(ref, f"missing column(s) {', '.join(missing)}; the header row needs: "
                              f"{', '.join(required)}")
            return None
        records = []
        for r, cells in rows:
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
                continue
            records.append((r, cells))
        return columns, extra, records


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# ------------------------------------------------------------------------------------------------
# Parsing cells by dimension
# ------------------------------------------------------------------------------------------------
def parse_number(v, dimension: str) -> tuple[float | None, str | None]:
    """A cell's number, or an error text. Percent text like '15%' is read as 0.15."""
    if isinstance(v, bool):
        return None, f"TRUE/FALSE where a number belongs ({DIMENSIONS_HINT[dimension]})"
    if isinstance(v, (int, float)):
        f = float(v)
        if not np.isfinite(f):
            return None, "not a finite number"
        return f, None
    if isinstance(v, (dt.datetime, dt.date)):
        return None, f"a date where a number belongs ({DIMENSIONS_HINT[dimension]})"
    text = _text(v)
    if dimension in ("percent", "rate") and re.fullmatch(r"[-+]?\d+(\.\d+)?\s*%", text):
        return float(text.rstrip("%").strip()) / 100.0, None
    return None, f"text '{text[:40]}' where a number belongs ({DIMENSIONS_HINT[dimension]})"


def parse_date(v) -> tuple[float | None, str | None]:
    """A month as an ordinal (year*12 + month-1), from a date cell or text YYYY-MM[-DD]."""
    if isinstance(v, (dt.datetime, dt.date)):
        return float(month_ordinal(v)), None
    text = _text(v)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if m:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            return float(month_ordinal(d)), None
        except ValueError:
            pass
    shown = text[:40] if text else repr(v)
    return None, f"'{shown}' is not a date; type a date cell or text such as 2024-03"


DIMENSIONS_HINT = {
    "count": "a count such as 200",
    "percent": "a percentage such as 1% or 0.01",
    "rate": "a rate such as 5% or -2%",
    "months": "a number of months such as 12",
    "date": "a date such as 2024-03",
    "money": "an amount such as 1000000",
    "money/month": "an amount per month such as 20",
    "money/year": "an amount per year such as 1000000",
    "money/day": "an amount per day such as 700000",
    "money/unit": "a price per unit such as 4600000",
    "currency": "a currency code such as USD",
}


def parse_value(v, dimension: str) -> tuple[float | None, str | None]:
    if dimension == "date":
        return parse_date(v)
    return parse_number(v, dimension)


def range_problem(x: float, dimension: str, what: str) -> str | None:
    """Why a parsed number is out of range for its dimension, or None."""
    if dimension == "percent" and not 0.0 <= x <= 1.0:
        return f"{what} {x:.6g} is outside 0%–100%; type a share such as 1% or 0.01"
    if dimension == "rate" and x <= -1.0:
        return f"{what} {x:.6g} is -100% or less; a growth rate must be above -100%"
    if dimension == "months" and x <= 0:
        return f"{what} {x:.6g} months must be more than 0"
    if (dimension == "count" or dimension.startswith("money")) and x < 0:
        return f"{what} {x:.6g} is negative; prices, counts and costs are 0 or more"
    return None


def unit_problem(unit: str, dimension: str) -> tuple[str | None, str | None]:
    """Check a unit against a dimension; return (currency code or None, problem or None)."""
    expected = {
        "percent": "%", "rate": "%/year or %/month", "months": "months", "date": "date",
        "money": "a currency code, e.g. USD", "money/month": "e.g. USD/month",
        "money/year": "e.g. USD/year", "money/day": "e.g. USD/day", "money/unit": "e.g. USD/run",
        "count": "a count unit, e.g. users",
    }[dimension]
    u = unit.strip()
    if not u:
        return None, f"the unit is blank; expected {expected}"
    if dimension.startswith("money"):
        code, _, per = u.partition("/")
        ok = CURRENCY_RE.match(code) and {
            "money": per == "", "money/month": per == "month", "money/year": per == "year",
            "money/day": per == "day", "money/unit": True,
        }[dimension]
        return (code, None) if ok else (None, f"unit '{u}' does not fit; expected {expected}")
    ok = {
        "percent": u == "%", "rate": u in ("%/year", "%/month"), "months": u in ("months", "month"),
        "date": u == "date",
        "count": not (u.startswith("%") or u == "date" or CURRENCY_RE.match(u.partition("/")[0])),
    }[dimension]
    return None, (None if ok else f"unit '{u}' does not fit; expected {expected}")


# ------------------------------------------------------------------------------------------------
# Sheets
# ------------------------------------------------------------------------------------------------
def read_settings(reader: SheetReader) -> Settings | None:
    table = reader.table(SETTINGS_COLUMNS, ("setting", "value"))
    if table is None:
        return None
    cols, _extra, records = table
    seen: dict[str, str] = {}
    parsed: dict[str, object] = {}
    fx: dict[str, float] = {}
    notes: dict[str, str] = {}
    ok = True
    for r, cells in records:
        name_cell = cells[cols["setting"]] if cols["setting"] < len(cells) else CellValue(f"A{r}", None)
        val_cell = cells[cols["value"]] if cols["value"] < len(cells) else CellValue(f"B{r}", None)
        name = _text(name_cell.value)
        if "notes" in cols and cols["notes"] < len(cells):
            notes[name] = _text(cells[cols["notes"]].value)
        if name in seen:
            reader.problem(name_cell.ref, f"setting '{name}' is given twice (first at {seen[name]}); keep one")
            ok = False
            continue
        seen[name] = name_cell.ref
        v = val_cell.value
        if val_cell.ref in reader.flagged:
            ok = False
            continue
        if v is None or _text(v) == "":
            reader.problem(val_cell.ref, f"setting '{name}' has no value")
            ok = False
            continue
        if name.startswith(FX_PREFIX) and CURRENCY_RE.match(name[len(FX_PREFIX):]):
            x, err = parse_number(v, "count")
            if err or x <= 0:
                reader.problem(val_cell.ref, err or f"exchange rate {x:.6g} must be more than 0")
                ok = False
            else:
                fx[name[len(FX_PREFIX):]] = x
            continue
        spec = SETTINGS.get(name)
        if spec is None:
            valid = ", ".join(list(SETTINGS) + ["fx_<CODE>"])
            reader.problem(name_cell.ref, f"unknown setting '{name}'; valid settings: {valid}")
            ok = False
            continue
        if spec.dimension == "currency":
            code = _text(v).upper()
            if not CURRENCY_RE.match(code):
                reader.problem(val_cell.ref, f"'{_text(v)}' is not a currency code; type e.g. USD or RMB")
                ok = False
            parsed[name] = code
            continue
        x, err = parse_value(v, "date" if spec.dimension == "date" else
                             "rate" if spec.dimension == "rate" else "count")
        if err is None and spec.dimension == "months" and (x != int(x) or not 1 <= x <= 600):
            err = f"{x:.6g} is not a whole number of months from 1 to 600"
        if err is None and name in ("opening_cash", "minimum_cash") and x < 0:
            err = f"{name} {x:.6g} is negative; it must be 0 or more"
        if err is None and spec.dimension == "rate":
            err = range_problem(x, "rate", name)
        if err:
            reader.problem(val_cell.ref, err)
            ok = False
            continue
        parsed[name] = x
    for name, spec in SETTINGS.items():
        if name not in parsed and name not in seen:
            if spec.required:
                reader.problem(f"A{(records[-1][0] + 1) if records else 2}",
                               f"required setting '{name}' is missing ({spec.doc}); add a row for it")
                ok = False
            else:
                parsed[name] = spec.default
    if not ok:
        return None
    start = ordinal_to_date(int(parsed["start_month"]))
    return Settings(start, int(parsed["horizon_months"]), parsed["currency"], parsed["discount_rate"],
                    parsed["opening_cash"], parsed["minimum_cash"], fx, seen, notes)


def read_scenarios(reader: SheetReader) -> list[Scenario] | None:
    table = reader.table(SCENARIO_COLUMNS, ("scenario",))
    if table is None:
        return None
    cols, _extra, records = table
    out = [Scenario(BASE, "")]
    seen = {BASE: None}
    for r, cells in records:
        cell = cells[cols["scenario"]]
        name = _text(cell.value)
        desc = _text(cells[cols["description"]].value) if "description" in cols and cols["description"] < len(cells) else ""
        if not name:
            reader.problem(cell.ref, "the scenario name is blank")
            continue
        if name == BASE:
            out[0].description = desc
            continue
        if name in seen:
            reader.problem(cell.ref, f"scenario '{name}' is listed twice; keep one")
            continue
        seen[name] = cell.ref
        out.append(Scenario(name, desc))
    return out


def read_assumptions(reader: SheetReader, settings: Settings | None, scenarios: list[Scenario] | None):
    """Parse every assumption row; return (rows, blocks)."""
    table = reader.table(ASSUMPTION_COLUMNS, REQUIRED_ASSUMPTION_COLUMNS)
    if table is None:
        return [], {}
    cols, extra, records = table
    scen_names = [s.name for s in (scenarios or [Scenario(BASE, "")])]
    scen_cols: dict[str, int] = {}
    for header, (idx, ref) in extra.items():
        if header in scen_names and header != BASE:
            scen_cols[header] = idx
        else:
            declared = [s for s in scen_names if s != BASE]
            reader.problem(ref, f"unknown column '{header}'; valid columns are {', '.join(ASSUMPTION_COLUMNS)} "
                                f"and scenario columns declared on the Scenarios sheet"
                                f" ({', '.join(declared) if declared else 'none declared'})")

    rows: list[Row] = []
    blocks: dict[str, Block] = {}
    slugs: dict[str, str] = {}
    seen_keys: dict[tuple[str, str], str] = {}

    def cell(cells, col) -> CellValue:
        idx = cols.get(col)
        if idx is None:
            return CellValue("", None)
        if idx < len(cells):
            return cells[idx]
        from openpyxl.utils import get_column_letter
        r = cells[0].ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if cells else "?"
        return CellValue(f"{get_column_letter(idx + 1)}{r}", None)

    for r, cells in records:
        c = {col: cell(cells, col) for col in cols}
        block_name, kind_name, param = (_text(c[k].value) for k in ("block", "kind", "parameter"))
        bad = False
        for col, text in (("block", block_name), ("kind", kind_name), ("parameter", param)):
            if not text:
                reader.problem(c[col].ref, f"the {col} is blank; every assumption row needs a block, "
                                           f"kind and parameter")
                bad = True
        if bad:
            continue
        kind_name = kind_name.lower()
        kind = KINDS.get(kind_name)
        if kind is None:
            reader.problem(c["kind"].ref, f"unknown kind '{kind_name}'; valid kinds: {', '.join(KINDS)}")
            continue
        slug = slugify(block_name)
        if slug in slugs and slugs[slug] != block_name:
            reader.problem(c["block"].ref, f"block '{block_name}' is too like block '{slugs[slug]}' "
                                           f"(both become '{slug}'); rename one")
            continue
        slugs[slug] = block_name
        block = blocks.get(slug)
        if block is None:
            block = blocks[slug] = Block(block_name, slug, kind_name)
        elif block.kind != kind_name:
            reader.problem(c["kind"].ref, f"block '{block_name}' is of kind '{block.kind}' on an earlier "
                                          f"row; one block has one kind")
            continue

        # parameter, possibly with a time shape
        base_param, modifier = param, None
        m = re.fullmatch(r"([a-z_]+)@(\d{4})", param)
        if m:
            base_param, modifier = m[1], f"y{m[2]}"
        elif "." in param:
            base_param, _, modifier = param.partition(".")
            if modifier not in SHAPES:
                reader.problem(c["parameter"].ref, f"unknown time shape '.{modifier}'; valid: "
                                                   f"{', '.join('.' + s for s in SHAPES)} or @YEAR")
                continue
        pspec = kind.param(base_param)
        if pspec is None:
            valid = ", ".join(p.name for p in kind.all_params())
            reader.problem(c["parameter"].ref, f"unknown parameter '{base_param}' for kind '{kind_name}'; "
                                               f"valid: {valid}")
            continue
        if modifier and pspec.dimension == "date":
            reader.problem(c["parameter"].ref, f"'{base_param}' is a date and cannot have a time shape")
            continue
        dimension = pspec.dimension
        if modifier in SHAPES and SHAPES[modifier][0] != "same":
            dimension = SHAPES[modifier][0]
        dup_key = (slug, param)
        if dup_key in seen_keys:
            reader.problem(c["parameter"].ref, f"duplicate row: {block_name}.{param} is already given "
                                               f"at {seen_keys[dup_key]}; keep one")
            continue
        seen_keys[dup_key] = c["parameter"].ref

        unit = _text(c["unit"].value)
        currency, err = unit_problem(unit, dimension)
        if err:
            reader.problem(c["unit"].ref, err)
            bad = True
        elif currency and settings is not None and currency != settings.currency and currency not in settings.fx:
            reader.problem(c["unit"].ref, f"{currency} is not the model currency {settings.currency} and "
                                          f"there is no fx_{currency} setting to convert it; add one on "
                                          f"Settings")
            bad = True

        raw = c["value"].value
        value, link = None, None
        if c["value"].ref in reader.flagged:
            bad = True
        elif raw is None or _text(raw) == "":
            reader.problem(c["value"].ref, f"the value is blank; type {DIMENSIONS_HINT[dimension]}")
            bad = True
        elif isinstance(raw, str) and raw.strip().lower().startswith(LINK_PREFIX):
            target = raw.strip()[len(LINK_PREFIX):].strip()
            tb, _, tl = target.rpartition(".")
            if dimension != "count" or modifier:
                reader.problem(c["value"].ref, "only a count parameter can be linked to another block's line")
                bad = True
            elif not tb or not tl:
                reader.problem(c["value"].ref, f"'{raw}' is not a link; write line: <block>.<line>, e.g. "
                                               f"line: ChatGPT Plus.subscribers")
                bad = True
            else:
                link = (tb.strip(), tl.strip())
        else:
            value, err = parse_value(raw, dimension)
            if err is None:
                err = range_problem(value, dimension, "value") if dimension != "date" else None
            if err:
                reader.problem(c["value"].ref, err)
                bad = True

        bounds = {}
        for col in ("low", "high"):
            v = c[col].value
            if v is None or _text(v) == "" or c[col].ref in reader.flagged:
                bounds[col] = None
                bad = bad or c[col].ref in reader.flagged
                continue
            if link is not None:
                reader.problem(c[col].ref, f"a linked value cannot have a {col}; remove it")
                bad = True
                continue
            x, err = parse_value(v, dimension)
            if err is None and dimension != "date":
                err = range_problem(x, dimension, col)
            if err:
                reader.problem(c[col].ref, err)
                bad = True
            bounds[col] = x
        lo, hi = bounds.get("low"), bounds.get("high")
        if lo is not None and hi is not None and lo > hi:
            reader.problem(c["low"].ref, f"low {lo:.6g} is above high {hi:.6g}")
            bad = True
        elif value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
            reader.problem(c["value"].ref, f"value {value:.6g} lies outside low..high "
                                           f"({lo if lo is not None else '-'}..{hi if hi is not None else '-'})")
            bad = True

        dist = _text(c["distribution"].value).lower() if "distribution" in c else ""
        if dist and dist not in DISTRIBUTIONS:
            reader.problem(c["distribution"].ref, f"unknown distribution '{dist}'; valid: {', '.join(DISTRIBUTIONS)}")
            bad = True

        overrides = {}
        for scen, idx in scen_cols.items():
            if idx >= len(cells):
                continue
            sc = cells[idx]
            if sc.value is None or _text(sc.value) == "" or sc.ref in reader.flagged:
                bad = bad or sc.ref in reader.flagged
                continue
            if link is not None:
                reader.problem(sc.ref, "a linked value cannot be overridden by a scenario")
                bad = True
                continue
            x, err = parse_value(sc.value, dimension)
            if err is None and dimension != "date":
                err = range_problem(x, dimension, f"scenario '{scen}' value")
            if err:
                reader.problem(sc.ref, err)
                bad = True
            else:
                overrides[scen] = x
        # A row with a bad cell is still recorded, so the block checks below do not also call the
        # parameter missing; any problem stops the run before lines are built.
        key = f"{slug}__{base_param}" + (f"__{modifier}" if modifier else "")
        row = Row(r, block_name, kind_name, param, base_param, modifier, dimension, unit, currency, value,
                  link, lo, hi, dist or None, _text(c["source"].value), _text(c["notes"].value), overrides,
                  {k: v.ref for k, v in c.items()}, key)
        if not bad:
            rows.append(row)
        if modifier:
            block.shapes.setdefault(base_param, {})[modifier] = row
        else:
            block.rows[base_param] = row
    return rows, blocks


def check_blocks(reader: SheetReader, blocks: dict[str, Block]) -> None:
    """Whole-block rules: required parameters, one way of giving a quantity, complete time shapes."""
    for block in blocks.values():
        kind = KINDS[block.kind]
        where = block.first_row.cells["parameter"]
        given = set(block.rows)
        if kind.modes:
            complete = [m for m in kind.modes if all(p in given for p in m)]
            partial = [m for m in kind.modes if any(p in given for p in m) and m not in complete]
            ways = " | ".join(" + ".join(m) for m in kind.modes)
            if len(complete) != 1 or partial:
                reader.problem(where, f"block '{block.name}' ({block.kind}) must give exactly one of: "
                                      f"{ways}; it gives {', '.join(sorted(given)) or 'none'}")
        for p in kind.all_params():
            if p.required and p.name not in given:
                reader.problem(where, f"block '{block.name}' ({block.kind}) lacks the required parameter "
                                      f"'{p.name}' ({p.doc}); add a row for it")
        for param, shapes in block.shapes.items():
            base = block.rows.get(param)
            anchor = next(iter(shapes.values())).cells["parameter"]
            if base is None:
                reader.problem(anchor, f"time shape for '{param}' but no '{param}' row in block '{block.name}'")
                continue
            if base.link is not None:
                reader.problem(anchor, f"'{param}' is linked to a line and cannot have a time shape")
            kinds = {"growth" if m == "growth" else "ramp" if m.startswith("ramp") else
                     "s_curve" if m.startswith("s_curve") else "yearly" for m in shapes}
            if len(kinds) > 1:
                reader.problem(anchor, f"'{param}' has more than one time shape ({', '.join(sorted(kinds))}); "
                                       f"use one")
            if "ramp_from" in shapes and "ramp_months" not in shapes:
                reader.problem(anchor, f"'{param}.ramp_from' needs a '{param}.ramp_months' row")
            if ("s_curve_midpoint" in shapes) != ("s_curve_width" in shapes):
                reader.problem(anchor, f"an S-curve for '{param}' needs both .s_curve_midpoint and .s_curve_width")
            for m, row in shapes.items():
                if (m == "ramp_from" or m.startswith("y")) and row.unit != base.unit:
                    reader.problem(row.cells["unit"], f"unit '{row.unit}' differs from '{param}' ({base.unit}); "
                                                      f"use the same unit")


def check_links(reader: SheetReader, blocks: dict[str, Block]) -> None:
    """Links must name an existing block; which lines exist is checked when lines are built."""
    by_name = {b.name.lower(): b for b in blocks.values()}
    for block in blocks.values():
        for row in block.rows.values():
            if row.link is None:
                continue
            target = by_name.get(row.link[0].lower())
            if target is None:
                reader.problem(row.cells["value"], f"link to unknown block '{row.link[0]}'; blocks: "
                                                   f"{', '.join(b.name for b in blocks.values())}")


def load_workbook(path: str | Path) -> Workbook:
    """Read, parse and validate an assumption workbook; raise InputError listing every problem."""
    path = Path(path)
    name = path.name
    problems: list[Problem] = []
    if not _check_container(path, name, problems):
        raise InputError(problems)
    values, formulas = _open(path, name, problems)
    if values is None:
        raise InputError(problems)
    sheets = {s.lower(): s for s in values.sheetnames}
    readers: dict[str, SheetReader] = {}
    try:  # parse the XML of the sheets we use; only openpyxl's reading is guarded here
        for title in ("settings", "scenarios", "assumptions"):
            if title in sheets:
                real = sheets[title]
                readers[title] = SheetReader(name, real, values[real], formulas[real], problems)
                readers[title].rows()
    except Exception as exc:  # a malformed part that openpyxl only notices while reading
        hostile = type(exc).__module__.startswith("defusedxml")
        problems.append(Problem(name, "", "", f"refused: hostile XML ({type(exc).__name__})" if hostile
                                else f"cannot be read as an .xlsx workbook: {type(exc).__name__}: {exc}"))
        raise InputError(problems) from None
    finally:
        values.close()
        formulas.close()

    def reader(title):
        return readers[title.lower()]

    for required in ("Settings", "Assumptions"):
        if required.lower() not in sheets:
            problems.append(Problem(name, required, "A1", f"missing sheet '{required}'; the workbook "
                                                          f"needs sheets Settings and Assumptions "
                                                          f"(and optionally Scenarios)"))
    settings = read_settings(reader("Settings")) if "settings" in sheets else None
    scenarios = read_scenarios(reader("Scenarios")) if "scenarios" in sheets else [Scenario(BASE, "")]
    rows, blocks = [], {}
    if "assumptions" in sheets:
        a_reader = reader("Assumptions")
        rows, blocks = read_assumptions(a_reader, settings, scenarios)
        check_blocks(a_reader, blocks)
        check_links(a_reader, blocks)
        if not rows and not any(p.sheet == a_reader.sheet for p in problems):
            a_reader.problem("A2", "no assumptions; add one row per assumption under the header")
    if problems or settings is None:
        raise InputError(problems)
    return Workbook(name, path, settings, rows, blocks, scenarios or [Scenario(BASE, "")])
