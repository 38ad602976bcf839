"""The Excel report's look: cell formats, number formats by unit, column widths and print set-up.

The colour convention is the modeller's: blue text is an input, black a formula, grey a note.
"""
from __future__ import annotations

import re

from cashcast.reports import i18n
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


# The formats' words in Chinese: a month as 2023年1月, a count of months as 26个月
ZH_FORMATS = ((DATE, 'yyyy"年"m"月"'), ('" months"', '"个月"'))


def localized(num_format: str) -> str:
    """A number format in the report's language (the English one unchanged).

    >>> with i18n.language("zh"):
    ...     localized(DATE), localized('+0" months";-0" months";0" months"')
    ('yyyy"年"m"月"', '+0"个月";-0"个月";0"个月"')
    """
    if i18n.current() != "zh":
        return num_format
    for english, chinese in ZH_FORMATS:
        num_format = num_format.replace(english, chinese)
    return num_format


# RMB in 万 (10^4) and 亿 (10^8), as the HTML writes it. A number format scales only by thousands (a
# trailing comma each), so the decimal point is a quoted "." placed between the digits: a value scaled
# by 10^3 with one digit after the "." reads in 万, scaled by 10^6 with two in 亿. LibreOffice, Gnumeric
# and Excel show the same text (¥5.51亿, ¥1234.6万).
CHINESE_CURRENCIES = ("RMB", "CNY")
YI, WAN = 1e8, 1e4


def _both(positive: str) -> str:
    return f"{positive};[Red]-{positive}"


def money_millions(currency: str, value: float | None = None) -> str:
    """KPI money, compact: ``$#,##0.0,,"M"`` shows 2,400,000,000 as $2,400.0M; in RMB the unit that
    fits ``value`` (亿 from 10^8, 万 from 10^4, else yuan; 亿 when no value is known, e.g. an axis).

    >>> money_millions("RMB", 551_400_000).split(";")[0], money_millions("RMB", -12_345_678).split(";")[0]
    ('"¥"0"."00,,"亿"', '"¥"0"."0,"万"')
    """
    symbol = SYMBOLS.get(currency)
    if currency in CHINESE_CURRENCIES:
        size = abs(value) if value is not None and value == value else YI
        if size >= YI:
            return _both(f'"{symbol}"0"."00,,"亿"')
        return _both(f'"{symbol}"0"."0,"万"' if size >= WAN else f'"{symbol}"#,##0')
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
                                          "num_format": localized(DATE), "align": "right"})
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
            props = {"num_format": localized(num_format)}
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


def print_setup(ws, *, header_rows: int, title_cols: int = 0, fit_width: bool = True, tall: int = 0) -> None:
    """A4 landscape, titles repeated on every page, sheet name and page numbers printed; fitted one
    page wide (and ``tall`` pages tall, 0 for as many as it takes), or (a wide monthly sheet) at 60%
    across as many pages as it takes."""
    ws.set_paper(9)
    ws.set_landscape()
    if fit_width:
        ws.fit_to_pages(1, tall)
    else:
        ws.set_print_scale(60)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    if title_cols:
        ws.repeat_columns(0, title_cols - 1)
    ws.set_header("&L&\"-,Bold\"&A&Rcashcast")
    ws.set_footer("&CPage &P of &N")


# A4 landscape inside the margins, in points, and the months printed side by side on a model sheet.
# LibreOffice without Calibri draws a column about a third wider than Excel (its fallback's digits are
# wider, and a width counts digits): the scale leaves room for that.
PAGE_WIDTH, PAGE_HEIGHT, ROW_HEIGHT = 780.0, 500.0, 15.0
PRINT_MONTHS = 24
WIDER_FALLBACK = 1.35


def column_points(ws, col: int) -> float:
    """A column's width in points (XlsxWriter keeps it in pixels)."""
    info = ws.col_info.get(col)
    pixels = info.width if info is not None and info.width is not None else ws.default_col_width
    return pixels * 0.75


def year_pages(spans: list[tuple[int, int, int]], months: int = PRINT_MONTHS) -> list[tuple[int, int]]:
    """Whole calendar years grouped into pages of at most ``months`` months: (first, last) month each.

    >>> year_pages([(2023, 0, 5), (2024, 6, 17), (2025, 18, 29), (2026, 30, 41)])
    [(0, 17), (18, 41)]
    """
    pages: list[tuple[int, int]] = []
    for _year, a, b in spans:
        if pages and b - pages[-1][0] + 1 <= months:
            pages[-1] = (pages[-1][0], b)
        else:
            pages.append((a, b))
    return pages


def print_by_years(ws, spans, first_col: int, last_row: int, title_cols: int, rows: int) -> None:
    """Print a monthly sheet's rows down to ``last_row``, a page per group of whole years (a page
    break at each group's first month), scaled so the widest page and all ``rows`` fit on one page."""
    pages = year_pages(spans)
    last_col = first_col + pages[-1][1]
    ws.print_area(0, 0, last_row, last_col)
    ws.set_v_pagebreaks([first_col + a for a, _b in pages[1:]])
    titles = sum(column_points(ws, c) for c in range(title_cols))
    lead = sum(column_points(ws, c) for c in range(title_cols, first_col))
    widest = max(sum(column_points(ws, first_col + t) for t in range(a, b + 1)) + (lead if k == 0 else 0)
                 for k, (a, b) in enumerate(pages))
    scale = min(100.0, 100 * PAGE_WIDTH / (WIDER_FALLBACK * (titles + widest)), 100 * PAGE_HEIGHT / (ROW_HEIGHT * rows))
    ws.set_print_scale(max(10, int(scale)))
