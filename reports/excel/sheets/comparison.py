"""The **scenario comparison** on Summary (with an analysis): live formulas over its key-figure table.

Each scenario's key figures minus the baseline's (the run's first scenario), and a ranking per key
figure, best first, with grouped helper rows (a score per scenario: larger is better, "never"
counted as past the horizon, "n/a" as the worst; and each scenario's rank, ties to the earlier
scenario). Unlike the Sensitivity and Simulation sheets these are formulas, so they follow any edit
of the inputs; the values cashcast computed (:class:`~cashcast.models.analysis.uncertainty.Uncertainty`'s
comparison) are cached beside them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.reductions import UNDEFINED

from cashcast.reports import fmt
from cashcast.reports.i18n import _, _noop, current, title
from cashcast.reports.excel import formulas as xf
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import month_date, right
from cashcast.reports.excel.formulas import cell, row_range
from cashcast.models.engine.constants import LONGEST_MONTHS
from cashcast.reports.excel.layout import DATE_ROW, FIRST_MONTH_COL, MONTHLY, excel_serial
from cashcast.reports.excel.styles import money_millions

# The unit of a difference from the baseline, by kind (money: the currency)
DIFFERENCE_UNITS = {"month": _noop("months (+ = later)"), "months": _noop("months"), "rate": _noop("%-points/year")}
SIGNED_MONTHS = '+0" months";-0" months";0" months"'
DIFFERENCE_FORMATS = {"month": SIGNED_MONTHS, "months": SIGNED_MONTHS, "rate": "+0.0%;[Red]-0.0%;0.0%"}
WORST = -np.inf   # the score numpy ranks an undefined figure (IRR "n/a") by: below every real one


@dataclass(frozen=True)
class KpiTable:
    """Where Summary's key-figure table sits: its header row, and scenario j's column."""

    header_row: int
    first_col: int

    def col(self, j: int) -> int:
        return self.first_col + j

    def row(self, kpi: str) -> int:
        return self.header_row + 1 + [k.name for k in registry.KPIS].index(kpi)


def ordinal(n: int) -> str:
    """1st, 2nd, ...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    if current() == "zh":
        return _("No. {n}", n=n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def signed(num_format: str) -> str:
    """A difference's format: a plus sign on positive values (the zero section as the positive).

    >>> signed('"$"#,##0.0,,"M";[Red]-"$"#,##0.0,,"M"')
    '+"$"#,##0.0,,"M";[Red]-"$"#,##0.0,,"M";"$"#,##0.0,,"M"'
    """
    pos, neg = num_format.split(";")[:2]
    return f"+{pos};{neg};{pos}"


def write(book: Book, ws: Worksheet, row: int, table: KpiTable) -> int:
    """Differences from the baseline and the ranking from ``row`` down, as formulas over Summary's
    key-figure ``table``; returns the first row after the block."""
    cmp = book.analysis.comparison
    ws.write_string(row, 0, _("Scenario comparison with the baseline, {baseline} (the run's first scenario): "
                              "live formulas over the key figures above", baseline=cmp.baseline), book.st.section)
    r = _differences(book, ws, row + 1, table)
    return _ranking(book, ws, r + 3, table)


def _differences(book: Book, ws: Worksheet, r: int, table: KpiTable) -> int:
    """Each key figure of each scenario minus the baseline's; returns the last row written."""
    st, cmp = book.st, book.analysis.comparison
    names, col = cmp.scenarios, table.col
    ws.write_string(r, 0, _("Difference from {baseline} (scenario − baseline)", baseline=cmp.baseline), st.header)
    ws.write_string(r, 1, _("Unit"), st.header)
    for c in range(2, col(1)):
        ws.write_blank(r, c, None, st.header)
    for j, name in enumerate(names[1:], start=1):
        ws.write_string(r, col(j), name, st.header)
    for kpi in registry.KPIS:
        r += 1
        ws.write_string(r, 0, title(kpi.label, kpi.description), st.text)
        ws.write_string(r, 1, _(DIFFERENCE_UNITS.get(kpi.kind, book.currency)), st.text)
        base = cell(table.row(kpi.name), col(0), abs_col=True)
        for j, name in enumerate(names[1:], start=1):
            other = cell(table.row(kpi.name), col(j))
            x = cmp.differences[name].get(kpi.name, math.nan)
            fmt = DIFFERENCE_FORMATS.get(kpi.kind, signed(money_millions(book.currency, x)))
            cached = float(x) if np.isfinite(x) else _(UNDEFINED)
            ws.write_formula(r, col(j), xf.difference(other, base, kpi.is_date), right(book, fmt), cached)
    ws.write_string(r + 1, 0, _("n/a: one of the two never gets there within the horizon (or IRR is "
                                "undefined)."), st.note)
    return r


def _ranking(book: Book, ws: Worksheet, r: int, table: KpiTable) -> int:
    """Per key figure the scenarios' names, best first, and the helper rows below; returns the
    first row after the helper rows."""
    st, cmp = book.st, book.analysis.comparison
    names, col = cmp.scenarios, table.col
    ws.write_string(r, 0, _("Ranking, best first (ties keep the workbook's order)"), st.header)
    ws.write_string(r, 1, _("Better"), st.header)
    for p in range(1, len(names) + 1):
        ws.write_string(r, 1 + p, ordinal(p), st.header)
    helper = r + len(registry.KPIS) + 2
    rank_rows = {k.name: helper + 2 + 2 * i for i, k in enumerate(registry.KPIS)}
    names_row = row_range(table.header_row, col(0), col(len(names) - 1))
    for kpi in registry.KPIS:
        r += 1
        ws.write_string(r, 0, title(kpi.label, kpi.description), st.text)
        ws.write_string(r, 1, _(kpi.better_word), st.text)
        ranks = row_range(rank_rows[kpi.name], col(0), col(len(names) - 1))
        ranking = cmp.ranking.get(kpi.name) or names
        for p in range(1, len(names) + 1):
            position = f"COLUMNS({cell(r, 2, abs_col=True)}:{cell(r, 1 + p)})"   # p, counted from the 1st
            ws.write_formula(r, 1 + p, xf.ranked_name(names_row, ranks, position), st.text, ranking[p - 1])
    _ranking_helpers(book, ws, helper, table)
    return rank_rows[registry.KPIS[-1].name] + 2


def _ranking_helpers(book: Book, ws: Worksheet, helper: int, table: KpiTable) -> None:
    """Grouped rows: per key figure a score per scenario (larger is better; never counted as past
    the horizon, n/a as the worst) and each scenario's rank (ties go to the earlier scenario)."""
    st = book.st
    ws.write_string(helper, 0, _("Helper rows for the ranking (grouped: + to expand)"), st.note)
    for i, kpi in enumerate(registry.KPIS):
        score_row, rank_row = helper + 1 + 2 * i, helper + 2 + 2 * i
        for rr in (score_row, rank_row):
            ws.set_row(rr, None, None, {"level": 1, "hidden": True})
        ws.write_string(score_row, 0, _("Score: {figure}", figure=title(kpi.label, kpi.description)), st.text)
        ws.write_string(score_row, 1, _score_note(book, kpi), st.note)
        ws.write_string(rank_row, 0, _("Rank: {figure}", figure=title(kpi.label, kpi.description)), st.text)
        ws.write_string(rank_row, 1, _("1 = best"), st.note)
        _score_and_rank(book, ws, kpi, score_row, rank_row, table)


def _fallback(book: Book, kpi: registry.Kpi) -> tuple[float, str | None]:
    """The score of a figure that is "never" or "n/a", as a number and as a formula (None: "n/a"),
    computed from the Monthly timeline: "never" is the month after the horizon (or LONGEST_MONTHS + 1
    months past it, for a figure that may lie past it), a count of months the horizon (or
    LONGEST_MONTHS + 1)."""
    never = kpi.never_rank(book.model.horizon)
    after = excel_serial(month_date(book.run.months, never))
    fallback = kpi.better * (after if kpi.is_date else never) if kpi.is_month else WORST
    if not kpi.is_month:
        return fallback, None
    beyond = never != book.model.horizon
    L = book.layout
    if kpi.is_date:
        last = f"{MONTHLY}!{cell(DATE_ROW, L.last_col, True, True)}"
        months = f"+1{'+' + LONGEST_MONTHS.name + '+1' if beyond else ''}"
        return fallback, f"DATE(YEAR({last}),MONTH({last}){months},1)"
    count = f"{LONGEST_MONTHS.name}+1" if beyond else f"COLUMNS({row_range(DATE_ROW, FIRST_MONTH_COL, L.last_col, MONTHLY)})"
    return fallback, f"({count})"


def _score_note(book: Book, kpi: registry.Kpi) -> str:
    never = kpi.never_rank(book.model.horizon)
    past = _("the month after the horizon") if never == book.model.horizon else _("month {n}", n=never)
    return (_("never: {past}", past=past) if kpi.is_date else
            _("never: {months}", months=fmt.months(never)) if kpi.is_month else _("n/a: ranked last"))


def _score_and_rank(book: Book, ws: Worksheet, kpi: registry.Kpi, score_row: int, rank_row: int,
                    table: KpiTable) -> None:
    """One key figure's score and rank per scenario: formulas, with cashcast's values cached."""
    st, col, n = book.st, table.col, len(book.run.scenarios)
    key, better = kpi.name, kpi.better
    fallback, fallback_text = _fallback(book, kpi)
    values = np.asarray(book.run.kpis[key], dtype=float) if key in book.run.kpis else np.full(n, np.nan)
    scores = [_score(book, key, x, better, fallback) for x in values]
    order = np.argsort(-np.array(scores), kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    every = row_range(score_row, col(0), col(n - 1))
    for j in range(n):
        figure = cell(table.row(key), col(j))
        cached = scores[j] if np.isfinite(scores[j]) else _(UNDEFINED)
        ws.write_formula(score_row, col(j), xf.rank_score(figure, better, fallback_text),
                         st.number("0" if kpi.is_date else "General", grey=True), cached)
        mine = cell(score_row, col(j))
        earlier = row_range(score_row, col(0), col(j - 1)) if j > 0 else None
        ws.write_formula(rank_row, col(j), xf.stable_rank(every, mine, earlier), st.number("0", grey=True),
                         int(rank[j]))


def _score(book: Book, key: str, x: float, better: int, fallback: float) -> float:
    """The helper score cashcast caches (the formula's value)."""
    if not np.isfinite(x):
        return float(fallback)
    if registry.named(key).is_date:
        x = excel_serial(month_date(book.run.months, x))
    return float(better * x)
