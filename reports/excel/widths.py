"""Column widths from the widest formatted value, so no number shows as "###" at the default widths.

After every sheet is written, :func:`fit_columns` reads each column's cells (numbers, dates and the
cached values of formulas), renders each as its number format would (:func:`formatted`), measures the
text (:func:`text_width`, in Excel's width unit: the width of a "0") and widens any column narrower
than its widest value. A width set by a sheet is a minimum: text columns keep theirs.

The character widths are those LibreOffice draws with its fallback for Calibri (DejaVu Sans), the
widest of the engines: a column LibreOffice shows a value in, Excel and Gnumeric show it in too.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re

PADDING = 1.0             # a cell's margins, in "0" widths
BOLD = 1.1                # bold digits are wider
NARROW, MINUS, WIDE, UPPER = 0.5, 0.6, 1.6, 1.15
_SECTION = re.compile(r'"[^"]*"|[^;"]+|;')
_PLACEHOLDER = re.compile(r"[0#?]")


@functools.lru_cache(maxsize=4096)
def char_width(ch: str) -> float:
    """One character's width in "0" widths (digits and lower-case letters 1).

    >>> char_width("7"), char_width(","), char_width("亿"), char_width("-")
    (1.0, 0.5, 1.6, 0.6)
    """
    if ch in ".,:;' |!il":
        return NARROW
    if ch in "-−":
        return MINUS
    if ord(ch) > 0x2E80:
        return WIDE
    return UPPER if ch.isupper() else 1.0


def text_width(text: str, bold: bool = False) -> float:
    """The width a cell needs for ``text``, padding included: ``text_width("1,234,567") == 9.0``
    (7 digits, 2 commas of half a digit, 1 of margins).

    >>> text_width("1,234,567"), text_width("¥5.51亿")
    (9.0, 7.1)
    """
    width = sum(char_width(c) for c in text) * (BOLD if bold else 1.0)
    return round(width + PADDING, 6)


@functools.lru_cache(maxsize=1024)
def _sections(num_format: str) -> tuple[str, ...]:
    """A number format's sections, split at the semicolons outside quotes (each format parsed once
    per process: every cell of a column usually shares it)."""
    out, current = [], ""
    for token in _SECTION.findall(num_format):
        if token == ";":
            out.append(current)
            current = ""
        else:
            current += token
    return tuple(out + [current])


@functools.lru_cache(maxsize=1024)
def _section_digits(section: str) -> tuple:
    """What :func:`_number_text` needs of a section, parsed once: (literal, exponent decimals or
    None, thousands scale, percent, decimals, grouped, places)."""
    literal = "".join(q[1:-1] for q in re.findall(r'"[^"]*"', section))
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    if "E+" in code.upper():
        return literal, len(code.split(".")[1].upper().split("E")[0]) if "." in code else 0, 0, False, 0, False, 0
    last = max((m.end() for m in _PLACEHOLDER.finditer(code)), default=0)
    scale = len(re.match(r",*", code[last:]).group(0))
    body = code[:last]
    decimals = len(_PLACEHOLDER.findall(body.split(".")[1])) if "." in body else 0
    grouped = "," in body.split(".")[0]
    places = len(_PLACEHOLDER.findall(body.split(".")[0].replace(",", "")))
    return literal, None, scale, "%" in code, decimals, grouped, places


def _number_text(value: float, section: str) -> str:
    """``value`` (already made positive for a negative section) through one section's digits."""
    literal, exponent, scale, percent, decimals, grouped, places = _section_digits(section)
    if exponent is not None:
        return f"{value:.{exponent}E}" + literal
    value = value / 1000 ** scale * (100 if percent else 1)
    digits = f"{abs(value):{',' if grouped else ''}.{decimals}f}"
    digits = digits.rjust(places + decimals + (1 if decimals else 0), "0") if places else digits
    return digits + literal + ("%" if percent else "")


@functools.lru_cache(maxsize=1024)
def _date_format(num_format: str) -> bool:
    """Whether a number format shows a date (a y, m or d outside quotes and brackets)."""
    return bool(re.search(r"[ymd]", re.sub(r'"[^"]*"|\[[^\]]*\]', "", num_format)))


def formatted(value, num_format: str) -> str:
    """The characters a cell with ``num_format`` shows for ``value``, to measure its width (the
    format's quoted text comes after the digits, wherever it sits between them).

    >>> formatted(-1234567.4, "#,##0;[Red]-#,##0"), formatted(551400000, '"¥"0"."00,,"亿"')
    ('-1,234,567', '551¥.亿')
    >>> formatted(0.1234, "0.0##%"), formatted(45000, "mmm yyyy"), formatted(3, "General")
    ('12.340%', 'Mmm yyyy', '3')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)) or _date_format(num_format or ""):
        return re.sub(r'"([^"]*)"', r"\1", num_format).replace("mmm", "Mmm")
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return ""
    if not num_format or num_format == "General":
        return f"{value:.10g}"
    sections = _sections(num_format)
    if value < 0 and len(sections) > 1:
        return _number_text(-value, sections[1]).join(_sign(sections[1]))
    if value == 0 and len(sections) > 2:
        return _number_text(0.0, sections[2])
    text = _number_text(abs(value), sections[0])
    return ("-" + text) if value < 0 else text


def _sign(section: str) -> tuple[str, str]:
    """A negative section's own minus sign (before the digits), or none."""
    code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", section)
    return ("-" if code.lstrip().startswith("-") else "", "")


def fit_columns(ws) -> None:
    """Widen each column of an XlsxWriter worksheet to its widest formatted number, date or formula
    result; a column's width set by its sheet stays the minimum."""
    need: dict[int, float] = {}
    for cells in ws.table.values():
        for col, cell in cells.items():
            value = getattr(cell, "value", getattr(cell, "number", None))
            if type(cell).__name__ not in ("Number", "Datetime", "Formula") or value is None:
                continue
            fmt = cell.format
            text = formatted(value, str(fmt.num_format) if fmt is not None else "General")
            width = text_width(text, bool(fmt is not None and fmt.bold)) if text else 0.0
            if width > need.get(col, 0.0):
                need[col] = width
    for col, width in sorted(need.items()):   # XlsxWriter keeps widths in pixels
        info = ws.col_info.get(col)
        current = info.width if info is not None and info.width is not None else ws.default_col_width
        pixels = int(math.ceil(width) * ws.max_digit_width + 0.5) + ws.cell_padding
        if pixels <= current:
            continue
        if info is None:
            ws.set_column_pixels(col, col, pixels)
        else:
            info.width = pixels
