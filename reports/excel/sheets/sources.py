"""The **Sources** sheet: where each figure comes from, as the assumption workbook gives it."""
from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cashcast.reports.i18n import _
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.styles import print_setup


def write(book: Book, ws: Worksheet) -> None:
    """Each distinct source with what it is cited for, then every input with its source and notes."""
    st = book.st
    ws.write_string(0, 0, _("Sources"), st.title)
    ws.write_string(1, 0, _("Where each assumption of {workbook} comes from, as the assumption workbook "
                            "gives it.", workbook=book.workbook.name), st.note)
    cited: dict[str, list[str]] = {}
    for row in book.inputs:
        if row.source:
            cited.setdefault(row.source, []).append(f"{row.block}.{row.parameter}")
    r = 3
    for c, text in enumerate((_("Source"), _("Cited for"))):
        ws.write_string(r, c, text, st.header)
    for source, uses in cited.items():
        r += 1
        ws.write_string(r, 0, source, st.wrap)
        ws.write_string(r, 1, ", ".join(uses), st.wrap)
    r += 2
    for c, text in enumerate((_("Block"), _("Parameter"), _("Source"), _("Notes"))):
        ws.write_string(r, c, text, st.header)
    first = r
    for row in book.inputs:
        r += 1
        for c, text in enumerate((row.block, row.parameter, row.source, row.notes)):
            ws.write_string(r, c, text, st.wrap)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 2, 40)
    ws.set_column(3, 3, 80)
    ws.autofilter(first, 0, r, 3)
    print_setup(ws, header_rows=0)
