"""Opening a workbook safely and reading its sheets as tables of cells.

``open_sheets(path)`` refuses anything that is not a plain .xlsx before an XML parser sees it (zip and
XML bombs, encrypted or legacy files), then reads each sheet cashcast uses once through openpyxl (which
parses with defusedxml). Every problem is recorded as a :class:`Problem`; nothing here raises on
workbook content.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import LIMITS

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "Err:502", "Err:504", "Err:522"}
SHEETS = ("settings", "scenarios", "assumptions")  # the sheets read, by lower-case title


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


@dataclass
class Sheets:
    """What opening found: a reader per sheet present (by lower-case title) and file-level problems."""

    readers: dict[str, SheetReader] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def open_sheets(path: Path) -> Sheets:
    """Check the container, open it read-only and read every sheet cashcast uses, once.

    A file that cannot be opened gives no readers; a missing sheet is left to the checks.
    """
    name, out = path.name, Sheets()
    if not _check_container(path, name, out.problems):
        return out
    values, formulas = _open(path, name, out.problems)
    if values is None:
        return out
    titles = {s.lower(): s for s in values.sheetnames}
    try:  # parse the XML of the sheets we use; only openpyxl's reading is guarded here
        for title in SHEETS:
            if title in titles:
                real = titles[title]
                out.readers[title] = SheetReader(name, real, values[real], formulas[real], [])
                out.readers[title].rows()
    except Exception as exc:  # a malformed part that openpyxl only notices while reading
        hostile = type(exc).__module__.startswith("defusedxml")
        out.problems.extend(p for reader in out.readers.values() for p in reader.problems)
        out.problems.append(Problem(name, "", "", f"refused: hostile XML ({type(exc).__name__})" if hostile
                                    else f"cannot be read as an .xlsx workbook: {type(exc).__name__}: {exc}"))
        out.readers.clear()
    finally:
        values.close()
        formulas.close()
    return out
