"""Opening a workbook safely and reading its sheets as tables of cells.

``open_sheets(path)`` refuses anything that is not a plain .xlsx before an XML parser sees it (zip and
XML bombs, encrypted or legacy files), then reads each sheet cashcast uses once through openpyxl (which
parses with defusedxml). Every problem is recorded as a :class:`Problem`; nothing here raises on
workbook content.
"""
from __future__ import annotations

import io
import warnings
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cashcast.models.reading.cells import odd_character
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import AID_PREFIX, CHECK_COLUMN, LIMITS

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "Err:502", "Err:504", "Err:522"}
SHEETS = ("settings", "scenarios", "assumptions", "correlations", "sources", "checks")  # the sheets read, by lower-case title


KINDS_OF_FILE = ((stat.S_ISDIR, "is a folder"), (stat.S_ISFIFO, "is a named pipe"),
                 (stat.S_ISCHR, "is a device"), (stat.S_ISBLK, "is a device"),
                 (stat.S_ISSOCK, "is a socket"))
DAMAGED = ("the workbook is damaged ({detail}); open it in Excel or LibreOffice and save it again, or use "
           "an earlier copy")


def cannot_read(exc: OSError) -> str:
    """Why a file could not be read, in words, for an OSError met while opening or reading it.

    >>> cannot_read(PermissionError(13, "Permission denied"))
    'cannot be read: permission denied; check that you may read the file'
    """
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied; check that you may read the file"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return f"cannot be read: {(exc.strerror or str(exc)).lower()}"


def read_bytes(path: Path, name: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, read once and bounded; only a regular file is opened, and never one that waits.

    A folder, named pipe, device or socket is refused from its ``stat`` before it is opened; the file is
    opened non-blocking and checked again on the open descriptor, so it cannot be swapped for a pipe.
    """
    def bad(msg):
        problems.append(Problem(name, "", "", msg))

    try:
        info = os.stat(path)
        odd = next((what for test, what in KINDS_OF_FILE if test(info.st_mode)), None)
        if odd is not None or not stat.S_ISREG(info.st_mode):
            return bad(f"{odd or 'is not a regular file'}, not an .xlsx workbook; give the path of a "
                       f"workbook file")
        if info.st_size > LIMITS["file_bytes"]:
            return bad(f"refused: the file is {info.st_size:,} bytes; an assumption workbook is at most "
                       f"{LIMITS['file_bytes']:,}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return bad("is not a regular file, not an .xlsx workbook; give the path of a workbook file")
            data = fh.read(LIMITS["file_bytes"] + 1)
    except OSError as exc:
        return bad(cannot_read(exc))
    if len(data) > LIMITS["file_bytes"]:
        return bad(f"refused: the file is over {LIMITS['file_bytes']:,} bytes; an assumption workbook is "
                   f"smaller")
    return data


def _check_container(data: bytes, name: str, problems: list[Problem]) -> bool:
    """Refuse files that are not a plain xlsx before any XML parser sees them."""
    def bad(msg):
        problems.append(Problem(name, "", "", msg))
        return False

    if not data:
        return bad("the file is empty; expected an .xlsx workbook")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return bad("the file is encrypted (password-protected) or a legacy .xls; save it as an "
                   "unencrypted .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return bad("not an .xlsx workbook (it is not a zip package); save it as .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _check_members(zf, bad)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        return bad(DAMAGED.format(detail=exc))
    except OSError as exc:
        return bad(f"not a readable .xlsx workbook ({exc})")


def _check_members(zf: zipfile.ZipFile, bad) -> bool:
    """The package's parts: an .xlsx, not a zip bomb (sizes as declared, which zipfile enforces while it
    decompresses), no XML entity declarations."""
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
    return True


def _open(data: bytes, name: str, problems: list[Problem]):
    import openpyxl  # defusedxml is a dependency: openpyxl then parses with it

    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        problems.append(Problem(name, "", "", DAMAGED.format(detail=exc)))
        return None, None
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

    def odd(self, cell: CellValue, what: str) -> bool:
        """Rule: a name holds no invisible or look-alike character; report one at its cell."""
        msg = odd_character(cell.value, what)
        if msg:
            self.problem(cell.ref, msg)
        return msg is not None

    def rows(self):
        """The sheet's rows as lists of CellValue, read once (openpyxl parses here, nowhere else)."""
        if not hasattr(self, "_rows"):
            self._rows = list(self._read())
        return self._rows

    def _read(self):
        """Rows 1 to the last row that holds a value, each as wide as the widest value; formatting alone
        (a styled but empty cell, however far out) is not data, and the limits count values only."""
        from openpyxl.utils import get_column_letter

        rows, width = _merge(_value_cells(self.ws_values), _value_cells(self.ws_formulas))
        _drop_aids(rows)
        for msg, ref in _beyond_limits(rows, width):  # reported once; the cells within are still read
            self.problem(ref, msg)
        width = min(width, LIMITS["columns"])
        for r in range(1, min(max(rows, default=0), LIMITS["rows"]) + 1):
            got = rows.get(r, {})
            cells = []
            for c in range(1, width + 1):
                v, f = got.get(c, (None, None))
                cells.append(self._cell(f"{get_column_letter(c)}{r}", v, f))
            yield r, cells

    def _cell(self, ref: str, v, f) -> CellValue:
        """One cell's value, with a formula error or an uncalculated formula flagged at its cell."""
        is_formula = isinstance(f, str) and f.startswith("=")
        if isinstance(v, str) and v.strip() in EXCEL_ERRORS:
            self.problem(ref, f"the formula gives the error {v.strip()}; fix the formula or type a value")
            self.flagged.add(ref)
            v = None
        elif is_formula and v is None:
            self.problem(ref, "a formula without a calculated value (the file was saved by a program that "
                              "does not calculate); open and save it in Excel or LibreOffice, or type the "
                              "value")
            self.flagged.add(ref)
        return CellValue(ref, v)

    def _header(self, header: list[CellValue], known: tuple[str, ...]):
        """(known column → index, other header → (index, cell)); a header given twice is a problem
        naming both cells (the first one is used, nothing is dropped in silence)."""
        columns, extra, first = {}, {}, {}
        for idx, cell in enumerate(header):
            title = cell.value
            if title is None or str(title).strip() == "" or self.odd(cell, "the column name"):
                continue
            key = str(title).strip()
            low = key.lower() if key.lower() in known else key
            if low in first:
                self.problem(cell.ref, f"column '{key}' appears twice, at {first[low]} and {cell.ref}; "
                                       f"keep one")
                continue
            first[low] = cell.ref
            if low in known:
                columns[low] = idx
            else:
                extra[key] = (idx, cell.ref)
        return columns, extra

    def unknown_columns(self, extra: dict[str, tuple[int, str]], valid: str) -> None:
        """Rule: a sheet has only the columns it defines; each other header is a problem at its cell."""
        for header, (_idx, ref) in extra.items():
            self.problem(ref, f"unknown column '{header}' on the {self.sheet} sheet; valid columns: {valid}")

    def table(self, known: tuple[str, ...], required: tuple[str, ...]):
        """Return (columns by name, extra columns by header, list of (row number, {column: CellValue}))."""
        rows = iter(self.rows())
        try:
            r, header = next(rows)
        except StopIteration:
            self.problem("A1", f"the sheet is empty; its first row must name the columns: {', '.join(known)}")
            return None
        columns, extra = self._header(header, known)
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

    def optional_table(self, known: tuple[str, ...], required: tuple[str, ...]):
        """An optional sheet's (columns by name, list of (row number, cells)), its other columns each a
        problem (:meth:`unknown_columns`); None for an empty sheet (an optional sheet left empty is none
        of its kind) and for a header :meth:`table` reports."""
        if not self.rows():
            return None
        table = self.table(known, required)
        if table is None:
            return None
        columns, extra, records = table
        self.unknown_columns(extra, ", ".join(known))
        return columns, records


def _value_cells(ws):
    """``(row number, {column: value})`` for each row of the sheet's XML, keeping only cells that hold a
    value. openpyxl's own row iterator pads every row to the last *styled* cell (up to 16,384 columns)
    and trusts the sheet's dimension tag; its sheet parser, used here the way that iterator uses it,
    costs time in proportion to the XML, which the container checks bound."""
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for r, row in parser.parse():
            yield r, {c["column"]: c["value"] for c in row if c["value"] is not None}


def _merge(values, formulas) -> tuple[dict[int, dict[int, tuple]], int]:
    """Both views of a sheet as ``{row: {column: (value, formula)}}`` and the widest column with a value."""
    rows: dict[int, dict[int, tuple]] = {}
    for i, view in enumerate((values, formulas)):
        for r, cells in view:
            for c, v in cells.items():
                pair = rows.setdefault(r, {}).setdefault(c, [None, None])
                pair[i] = v
    width = max((c for cells in rows.values() for c in cells), default=0)
    return {r: {c: tuple(p) for c, p in cells.items()} for r, cells in rows.items()}, width


def is_check_header(title) -> bool:
    """Whether a header is the editing aids' live check column (its count of problems after a colon).

    >>> [is_check_header(t) for t in ("check", "Check: 2 problems", "checked by", None)]
    [True, True, False, False]
    """
    text = str(title or "").strip().lower()
    return text == CHECK_COLUMN or text.startswith(CHECK_COLUMN + ":")


def _check_columns(header: dict[int, tuple]) -> list[int]:
    """The columns whose header is the live check column's: by its value, or, in a file saved by a program
    that does not calculate (no value), by its formula, which names the header ``"check"``."""
    return [c for c, (v, f) in header.items()
            if is_check_header(v) or (v is None and isinstance(f, str) and f'"{CHECK_COLUMN}"' in f)]


def is_aid_formula(formula) -> bool:
    """Whether a cell's formula is an editing aid's, not data: it names one of the aids' lists, or it is
    a check column's header (``"check"`` when the column is clean, else ``"check: "`` and the count).

    >>> [is_aid_formula(f) for f in ('=IF(COUNTIF(cashcast_kinds,B2)=0,"unknown kind","")',
    ...                              '=IF(N=0,"check","check: "&N)', "=2*3", 7)]
    [True, True, False, False]
    """
    return isinstance(formula, str) and formula.startswith("=") and (
        AID_PREFIX in formula or f'"{CHECK_COLUMN}","{CHECK_COLUMN}: "' in formula)


def _drop_aids(rows: dict[int, dict[int, tuple]]) -> None:
    """Leave out the editing aids, which are not data: the check column (by its header), and any cell whose
    formula names an aid's list (a check formula left under a header a user typed over it)."""
    for c in _check_columns(rows.get(1, {})):
        for cells in rows.values():
            cells.pop(c, None)
    for cells in rows.values():
        for c in [c for c, (_v, f) in cells.items() if is_aid_formula(f)]:
            del cells[c]


def _beyond_limits(rows: dict[int, dict[int, tuple]], width: int):
    """The first cell holding a value past the row or column limit, as ``(message, cell)``, if any."""
    from openpyxl.utils import get_column_letter

    far_row = [r for r in rows if r > LIMITS["rows"]]
    if far_row:
        r = min(far_row)
        yield (f"a value in row {r:,}; at most {LIMITS['rows']:,} rows are read (an assumption sheet is "
               f"shorter); delete the rows below", f"{get_column_letter(min(rows[r]))}{r}")
    elif width > LIMITS["columns"]:
        r, c = min((r, c) for r, cells in rows.items() for c in cells if c > LIMITS["columns"])
        yield (f"a value in column {get_column_letter(c)}; at most {LIMITS['columns']} columns are read; "
               f"delete the columns to the right", f"{get_column_letter(c)}{r}")


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
    data = read_bytes(path, name, out.problems)
    if data is None or not _check_container(data, name, out.problems):
        return out
    with warnings.catch_warnings():  # openpyxl's own warnings (a date serial out of range reads as an
        warnings.simplefilter("ignore")  # error, an unsupported extension): what matters is reported
        values, formulas = _open(data, name, out.problems)
        if values is not None:
            _read_sheets(name, out, values, formulas, {s.lower(): s for s in values.sheetnames})
    return out


def _read_sheets(name: str, out: Sheets, values, formulas, titles: dict[str, str]) -> None:
    try:  # parse the XML of the sheets we use; only openpyxl's reading is guarded here
        for title in SHEETS:
            if title in titles:
                real = titles[title]
                out.readers[title] = SheetReader(name, real, values[real], formulas[real], [])
                out.readers[title].rows()
    except Exception as exc:  # a malformed part that openpyxl only notices while reading
        out.problems.extend(p for reader in out.readers.values() for p in reader.problems)
        out.problems.append(Problem(name, "", "", _unreadable(exc)))
        out.readers.clear()
    finally:
        values.close()
        formulas.close()


def _unreadable(exc: Exception) -> str:
    """What a failure while parsing a sheet says: hostile XML, a damaged package or a malformed part."""
    if type(exc).__module__.startswith("defusedxml"):
        return f"refused: hostile XML ({type(exc).__name__})"
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return DAMAGED.format(detail=exc)
    return f"cannot be read as an .xlsx workbook: {type(exc).__name__}: {exc}"
