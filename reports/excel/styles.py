"""The Excel report's look: cell formats, number formats by unit, column widths and print set-up.

The colour convention is the modeller's: blue text is an input, black a formula, grey a note.
"""
from __future__ import annotations

import re

from cashcast.reports.fmt import SYMBOLS

INPUT_BLUE = "#0000FF"
NOTE_GREY = "#7F7F7F"
HEADER_FILL = "#DDEBF7"
SELECTOR_FILL = "#FFF2CC"

MONEY = "#,##0;[Red]-#,##0"
COUNT = "#,##0"
PERCENT = "0.0##%"
DATE = "mmm yyyy"
INPUT_DATE = "yyyy-mm"
MONTHS = '0" months"'


def money_millions(currency: str) -> str:
    """KPI money: millions with the currency, e.g. ``$#,##0.0,,"M"`` shows 2,400,000,000 as $2,400.0M."""
    symbol = SYMBOLS.get(currency)
    if symbol:
        return f'"{symbol}"#,##0.0,,"M";[Red]-"{symbol}"#,##0.0,,"M"'
    return f'#,##0.0,," M {currency}";[Red]-#,##0.0,," M {currency}"'


def unit_format(unit: str, currency: str) -> str:
    """The number format of a line or an assumption by its unit."""
    if unit.startswith("%"):
        return PERCENT
    if unit == "date":
        return INPUT_DATE
    if unit in ("months", "month"):
        return "#,##0.##"
    if re.fullmatch(r"[A-Z]{3}", unit.split("/")[0]):
        return MONEY
    return COUNT


class Styles:
    """Every format the report uses, created once per workbook (XlsxWriter formats are per workbook)."""

    def __init__(self, wb, currency: str):
        self.wb, self.currency = wb, currency
        self._cache: dict[tuple, object] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"italic": True, "font_color": NOTE_GREY})
        self.header = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "bottom": 1, "text_wrap": True,
                                     "valign": "top"})
        self.header_date = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "bottom": 1,
                                          "num_format": DATE, "align": "right"})
        self.header_number = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "num_format": "0",
                                            "align": "right"})
        self.month_number = wb.add_format({"font_color": NOTE_GREY, "num_format": "0", "align": "right"})
        self.section = wb.add_format({"bold": True, "font_size": 11, "bottom": 1})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"font_color": NOTE_GREY, "valign": "top"})
        self.key = wb.add_format({"font_color": NOTE_GREY, "font_size": 8, "valign": "top"})
        self.selector = wb.add_format({"font_color": INPUT_BLUE, "bold": True, "bg_color": SELECTOR_FILL,
                                       "border": 1})

    def number(self, num_format: str, *, bold=False, top=False, input_=False, grey=False, right=False):
        """A number format with emphasis: bold totals with a rule above, blue inputs, grey helpers;
        ``right`` aligns a text result ("never") with the numbers."""
        key = (num_format, bold, top, input_, grey, right)
        if key not in self._cache:
            props = {"num_format": num_format}
            if right:
                props["align"] = "right"
            if bold:
                props["bold"] = True
            if top:
                props["top"] = 1
            if input_:
                props["font_color"] = INPUT_BLUE
            elif grey:
                props["font_color"] = NOTE_GREY
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]


def print_setup(ws, *, header_rows: int, title_cols: int = 0, fit_width: bool = True) -> None:
    """A4 landscape, titles repeated on every page, sheet name and page numbers printed; fitted one
    page wide, or (a wide monthly sheet) at 60% across as many pages as it takes."""
    ws.set_paper(9)
    ws.set_landscape()
    if fit_width:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(60)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    if title_cols:
        ws.repeat_columns(0, title_cols - 1)
    ws.set_header("&L&\"-,Bold\"&A&Rcashcast")
    ws.set_footer("&CPage &P of &N")
