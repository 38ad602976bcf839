"""The **Sources** sheet: the assumption workbook's register of sources (when it has one), each with
what it is cited for, then every input with its source and notes. Each assumption's source cell on
the Assumptions sheet links to its first source's row here (:func:`register_rows` is where)."""
from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from cashcast.models.reading.sources import parse_citations
from cashcast.models.reading.workbook import Workbook
from cashcast.reports.html.references import KIND_LABELS
from cashcast.reports.i18n import _, _noop
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.layout import SOURCES
from cashcast.reports.excel.styles import print_setup

REGISTER_HEADER = (_noop("Id"), _noop("Author"), _noop("Title"), _noop("Title in English"), _noop("Publisher"),
                   _noop("Date"), _noop("Location"), _noop("Kind"), _noop("Note"), _noop("Cited for"))
FIRST_ROW = 3  # the register's header row (0-based); its sources follow, one a row


def register_rows(workbook: Workbook) -> dict[str, int]:
    """Each source's row on the Sources sheet (0-based), in the register's order.

    >>> from cashcast.models.reading.data import Source
    >>> wb = type("W", (), {"sources": {"A1": Source("A1", "t"), "B2": Source("B2", "u")}})()
    >>> register_rows(wb)
    {'A1': 4, 'B2': 5}
    """
    return {ident: FIRST_ROW + 1 + k for k, ident in enumerate(workbook.sources)}


def link_to(workbook: Workbook, source_text: str) -> str | None:
    """The internal link of a source cell: the row of the first id it cites, or None (an estimate,
    free text, or no register).

    >>> from cashcast.models.reading.data import Source
    >>> wb = type("W", (), {"sources": {"A1": Source("A1", "t"), "B2": Source("B2", "u")}})()
    >>> link_to(wb, "B2 §3; A1"), link_to(wb, "estimate"), link_to(wb, "Z9")
    ("internal:'Sources'!A6", None, None)
    """
    rows = register_rows(workbook)
    cited = [c.id for c in parse_citations(source_text) if c.id in rows]
    return f"internal:'{SOURCES}'!A{rows[cited[0]] + 1}" if cited else None


def write(book: Book, ws: Worksheet) -> None:
    """The register (when the workbook has one), then every input with its source and notes."""
    st, workbook = book.st, book.workbook
    ws.write_string(0, 0, _("Sources"), st.title)
    ws.write_string(1, 0, _("Where each assumption of {workbook} comes from, as the assumption workbook "
                            "gives it.", workbook=workbook.name), st.note)
    r = _register(book, ws) if workbook.sources else _free_text(book, ws)
    r += 2
    for c, text in enumerate((_("Block"), _("Parameter"), _("Source"), _("Notes"))):
        ws.write_string(r, c, text, st.header)
    first = r
    for row in book.inputs:
        r += 1
        for c, text in enumerate((row.block, row.parameter, row.source, row.notes)):
            ws.write_string(r, c, text, st.wrap)
    for c, width in enumerate((24, 30, 40, 40, 30, 12, 30, 16, 60, 50)):
        ws.set_column(c, c, width)
    ws.autofilter(first, 0, r, 3)
    print_setup(ws, header_rows=0)


def _register(book: Book, ws: Worksheet) -> int:
    """The register's rows at :func:`register_rows`; returns the last row written."""
    st, workbook = book.st, book.workbook
    for c, text in enumerate(REGISTER_HEADER):
        ws.write_string(FIRST_ROW, c, _(text), st.header)
    cited: dict[str, list[str]] = {}
    for row in book.inputs:
        for c in parse_citations(row.source):
            cited.setdefault(c.id, []).append(f"{row.block}.{row.parameter}")
    r = FIRST_ROW
    for ident, r in register_rows(workbook).items():
        s = workbook.sources[ident]
        values = (s.id, s.author or _("(no author given)"), s.title, s.title_en, s.publisher or _("(no publisher given)"),
                  s.date or _("(no date given)"), s.location, _(KIND_LABELS.get(s.kind, s.kind)), s.note, ", ".join(cited.get(ident, [])))
        for c, text in enumerate(values):
            ws.write_string(r, c, text, st.wrap)
    return r


def _free_text(book: Book, ws: Worksheet) -> int:
    """Each distinct free-text source with what it is cited for; returns the last row written."""
    st = book.st
    cited: dict[str, list[str]] = {}
    for row in book.inputs:
        if row.source:
            cited.setdefault(row.source, []).append(f"{row.block}.{row.parameter}")
    r = FIRST_ROW
    for c, text in enumerate((_("Source"), _("Cited for"))):
        ws.write_string(r, c, text, st.header)
    for source, uses in cited.items():
        r += 1
        ws.write_string(r, 0, source, st.wrap)
        ws.write_string(r, 1, ", ".join(uses), st.wrap)
    return r
