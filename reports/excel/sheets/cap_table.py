"""The **Cap table** sheet (only when a round states a valuation): each equity round's terms and the
ownership after it, as live formulas over the assumptions' defined names.

Each figure is the ``xl`` rendering of the round's expression in
:func:`cashcast.models.statements.ownership.round_terms` (numpy evaluates the same expressions for the
JSON): amount = the round's amount and tranches, pre-money and post-money (one stated, the other
derived), the new investors' share = amount ÷ post-money, what the holders before the round keep =
pre ÷ post, and, when every round is valued, what the founders and earlier holders (those at the
model's start) hold after it = the product of pre ÷ post so far. The month-by-month lines (each
tranche buying shares at the round's price) are on Monthly, section Ownership.
"""
from __future__ import annotations

import datetime as dt

from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis.cap_table import cap_table
from cashcast.models.engine.expr import Expr
from cashcast.models.statements.ownership import RoundTerms, round_terms, start_holders_share

from cashcast.reports.html.ownership import note_text
from cashcast.reports.i18n import _, _noop
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.layout import excel_serial
from cashcast.reports.excel.styles import DATE, MONEY, PERCENT, print_setup

TITLE = "Cap table"   # the tab's name (formulas and the parity tests refer to it); its heading is translated
HEADER_ROW = 3
# (column heading, the JSON key of the figure it shows): the parity tests read the sheet by these
COLUMNS = ((_noop("Round"), "round"), (_noop("Signed"), "month_signed"), (_noop("Amount"), "amount"),
           (_noop("Pre-money"), "pre_money"), (_noop("Post-money"), "post_money"),
           (_noop("New investors' share (amount ÷ post-money)"), "new_investors_share"),
           (_noop("Holders before the round keep (pre ÷ post)"), "earlier_holders_share"),
           (_noop("Dilution of the holders before"), "dilution"),
           (_noop("Founders and earlier holders after it"), "start_holders_share"))


def present(book: Book) -> bool:
    """The sheet exists when some round states a valuation."""
    return any(t.post is not None for t in round_terms(book.workbook))


def _signed(t: RoundTerms) -> str | None:
    """The signing month's formula (its month row, or the earlier of it and the first tranche); None
    for a round signed by its first tranche alone (a fixed date, written as a value)."""
    if t.signed_param is None:
        return None
    if t.tranche is None:
        return f"={t.signed_param}"
    return f"=MIN({t.signed_param},DATE({t.tranche[0]},{t.tranche[1]},1))"


class _Names:
    """The ``xl()`` context of an expression of assumptions only: each one is its defined name."""

    @staticmethod
    def param(name: str) -> str:
        return name


_names = _Names()


def write(book: Book, ws: Worksheet) -> None:
    st = book.st
    terms = round_terms(book.workbook)
    table = cap_table(book.run, book.run.scenarios.index(book.selected))
    ws.write_string(0, 0, _(TITLE), st.title)
    ws.write_string(1, 0, _("Each equity round's terms and the ownership after it, live over the assumptions "
                          "(the scenario chosen on Summary); month by month on Monthly, section Ownership."), st.note)
    for c, (heading, _key) in enumerate(COLUMNS):
        ws.write_string(HEADER_ROW, c, _(heading), st.header)
    chain = start_holders_share(terms) if table["note"] is None else [None] * len(terms)
    money, share = st.number(MONEY), st.number(PERCENT)
    for r, (t, after, figures) in enumerate(zip(terms, chain, table["rounds"]), start=HEADER_ROW + 1):
        ws.write_string(r, 0, t.name, st.text)
        month = dt.date(int(figures["month_signed"][:4]), int(figures["month_signed"][5:]), 1)
        signed = _signed(t)
        if signed is None:
            ws.write_datetime(r, 1, dt.datetime(month.year, month.month, 1), st.number(DATE))
        else:
            ws.write_formula(r, 1, signed, st.number(DATE), excel_serial(month))
        exprs: list[Expr | None] = [t.total, t.pre, t.post, t.new_share, t.kept, t.new_share, after]
        for c, (expr, (_h, key)) in enumerate(zip(exprs, COLUMNS[2:]), start=2):
            style = money if c <= 4 else share
            if expr is None:
                ws.write_string(r, c, _("no valuation") if c <= 7 else _("n/a"), st.note)
            else:
                ws.write_formula(r, c, "=" + expr.xl(_names), style, figures[key])
    if table["note"] is not None:
        ws.write_string(HEADER_ROW + len(terms) + 2, 0, _("Not computed: {why}.", why=note_text(table["note"])), st.wrap)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 11)
    ws.set_column(2, 4, 18)
    ws.set_column(5, 8, 20)
    print_setup(ws, header_rows=HEADER_ROW + 1)
