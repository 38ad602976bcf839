"""The **Sensitivity** sheets (with an analysis): one per scenario of the run, its tornado.

One row per assumption with a low or a high, in the tornado's order (largest swing first): its
low/base/high inputs, each swung key figure (:func:`cashcast.models.analysis.kpis.swung`) at its low
and at its high, the swings, and a bar chart of the runway swings (of the NPV swings when no
assumption moves the runway). Values cashcast computed, marked as such: a tornado needs 1 + 2P runs
of the model, which a workbook cannot hold as formulas.

After them, the evidence weight (:mod:`cashcast.models.analysis.evidence`): each row's kind of source
(estimate or sourced), its swings of the headline figures (values) and its share of each figure's
swing, and above the table the estimates' and the sourced rows' shares per figure — those shares
are live formulas over the swing columns (``swing ÷ SUM(swings)``, ``SUMIF(kind, "estimate", swings)
÷ SUM(swings)``; "n/a" when nothing moves the figure).
"""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import evidence, kpis as registry
from cashcast.models.analysis.uncertainty import Tornado, TornadoBar
from cashcast.models.engine.constants import NA_TEXT

from cashcast.reports import fmt
from cashcast.reports.i18n import _, current, unit
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import right, write_input, write_kpi
from cashcast.reports.excel.styles import MONTHS, PERCENT, money_millions, print_setup

# 0-based columns of the tornado table
T_RANK, T_PARAM, T_UNIT, T_LOW, T_BASE, T_HIGH = 0, 1, 2, 3, 4, 5
T_FIRST_RESULT = 6   # then each swung KPI at low and at high (registry.swung()), then the sort keys' swings
T_BASE_ROW, T_HEADER_ROW = 4, 10


def first_swing() -> int:
    """The tornado table's first swing column, after each swung KPI's at-low and at-high columns."""
    return T_FIRST_RESULT + 2 * len(registry.swung())


def first_evidence() -> int:
    """The evidence columns: the kind of source, each headline figure's swing, then its share."""
    return first_swing() + len(registry.sort_keys())


def chart_kpi(tor: Tornado) -> str:
    """The swing the chart shows: the runway's, or the NPV's when no assumption moves the runway."""
    bars = tor.bars
    return "runway_months" if any(b.swings["runway_months"].swing > 0 for b in bars) else "npv"


def write(book: Book, ws: Worksheet) -> None:
    """The tornado: the base results, a row per assumption, and the chart."""
    st, tor, horizon = book.st, book.tornado_on(ws.name), book.model.horizon
    ws.write_string(0, 0, _("Sensitivity of scenario {scenario}: each assumption at its low and at its high, "
                            "one at a time", scenario=tor.scenario), st.title)
    ws.write_string(1, 0, _("Values computed by cashcast, not live formulas (except the evidence shares): every assumption uncertain in "
                            "scenario {scenario} (a low or a high, or the scenario's own range) is moved to its "
                            "low, then to its high, with every other assumption at scenario {scenario}'s value. "
                            "Editing the Assumptions sheet does not change this sheet; run cashcast again.",
                            scenario=tor.scenario), book.marking)
    ws.write_string(2, 0, _("Sorted largest swing first: by the runway swing, then the break-even swing, then "
                            "the NPV swing. A swing is the largest minus the smallest of the results at the "
                            "low, the base and the high, with 'never' counted as the horizon ({months}), so a "
                            "swing that reaches 'never' is a lower bound. The cash-out month moves with the "
                            "runway.", months=fmt.months(horizon)), st.note)
    ws.write_string(T_BASE_ROW, T_PARAM, _("Scenario {scenario} as it is", scenario=tor.scenario), st.header)
    ws.write_string(T_BASE_ROW, T_UNIT, _("Result"), st.header)
    for i, kpi in enumerate(registry.swung(), start=1):
        ws.write_string(T_BASE_ROW + i, T_PARAM, _(kpi.label), st.text)
        write_kpi(book, ws, T_BASE_ROW + i, T_UNIT, kpi.name, tor.base[kpi.name])
    _header(book, ws)
    r = T_HEADER_ROW
    for i, bar in enumerate(tor.bars, start=1):
        r = T_HEADER_ROW + i
        _tornado_row(book, ws, r, i, bar)
    if not tor.bars:
        ws.write_string(T_HEADER_ROW + 1, T_PARAM, _("No assumption has a low or a high: nothing to swing."),
                        st.note)
    widths = {T_RANK: 4, T_PARAM: 34, T_UNIT: 16, T_LOW: 17, T_BASE: 17, T_HIGH: 17}
    for c in range(T_FIRST_RESULT, first_evidence() + 1 + 2 * len(evidence.HEADLINE)):
        widths[c] = 13
    _evidence(book, ws, tor)
    for c, w in widths.items():
        ws.set_column(c, c, w)
    ws.freeze_panes(T_HEADER_ROW + 1, T_PARAM + 1)
    if tor.bars:
        _tornado_chart(book, ws, tor, r + 2)
    print_setup(ws, header_rows=T_HEADER_ROW + 1, title_cols=2)


def _header(book: Book, ws: Worksheet) -> None:
    header = ["#", _("Assumption"), _("Unit"), _("Low"), _("Base value"), _("High")]
    for kpi in registry.swung():
        header += [_("{figure} at low", figure=_(kpi.label)), _("{figure} at high", figure=_(kpi.label))]
    header += [_("Swing: {figure} ({unit})", figure=k.phrase if current() == "en" else _(k.label),
                 unit=unit("months") if k.is_month else book.currency) for k in registry.sort_keys()]
    for c, text in enumerate(header):
        ws.write_string(T_HEADER_ROW, c, text, book.st.header)
    ws.set_row(T_HEADER_ROW, 30)


def _tornado_row(book: Book, ws: Worksheet, r: int, rank: int, bar: TornadoBar) -> None:
    st = book.st
    ws.write_number(r, T_RANK, rank, st.number("0", grey=True))
    ws.write_string(r, T_PARAM, bar.parameter, st.text)
    ws.write_string(r, T_UNIT, unit(bar.unit), st.text)
    for c, x in ((T_LOW, bar.low), (T_BASE, bar.value), (T_HIGH, bar.high)):
        write_input(book, ws, r, c, bar.dimension, bar.unit, x)
    for k, kpi in enumerate(registry.swung()):
        swing = bar.swings[kpi.name]
        write_kpi(book, ws, r, T_FIRST_RESULT + 2 * k, kpi.name, swing.low)
        write_kpi(book, ws, r, T_FIRST_RESULT + 2 * k + 1, kpi.name, swing.high)
    for k, kpi in enumerate(registry.sort_keys()):
        fmt = MONTHS if kpi.is_month else money_millions(book.currency, bar.swings[kpi.name].swing)
        ws.write_number(r, first_swing() + k, bar.swings[kpi.name].swing, right(book, fmt, bold=True))


def _evidence(book: Book, ws: Worksheet, tor: Tornado) -> None:
    """The evidence columns of each row and, above the table, the estimates' and the sourced rows'
    share of each headline figure's swing (live formulas; see the module docstring)."""
    st, e0, n = book.st, first_evidence(), len(evidence.HEADLINE)
    header = [_("Source")] + [_("Swing: {figure}", figure=_figure(k)) for k in evidence.HEADLINE]
    header += [_("Share of the {figure} swing", figure=_figure(k)) for k in evidence.HEADLINE]
    for c, text in enumerate(header):
        ws.write_string(T_HEADER_ROW, e0 + c, text, st.header)
    first, last = T_HEADER_ROW + 2, T_HEADER_ROW + 1 + max(len(tor.bars), 1)   # 1-based rows
    kinds = f"${xl_col_to_name(e0)}${first}:${xl_col_to_name(e0)}${last}"
    weights = evidence.weights(tor.bars)
    for i, bar in enumerate(tor.bars):
        r = T_HEADER_ROW + 1 + i
        ws.write_string(r, e0, _(bar.evidence), st.text)
        for k, kpi in enumerate(evidence.HEADLINE):
            x, col = bar.headline[kpi].swing, xl_col_to_name(e0 + 1 + k)
            fmt = MONTHS if registry.named(kpi).is_month else money_millions(book.currency, x)
            ws.write_number(r, e0 + 1 + k, x, right(book, fmt))
            share = evidence.share(x, weights[kpi].total)
            ws.write_formula(r, e0 + 1 + n + k, f"=IF(SUM({col}${first}:{col}${last})=0,{NA_TEXT.name},"
                             f'{col}{r + 1}/SUM({col}${first}:{col}${last}))', right(book, PERCENT),
                             _(NA_TEXT.text) if share is None else share)
    # The kind words head their columns, and SUMIF matches the Source column against those cells, so
    # the formulas hold no text and read the same in every language.
    ws.write_string(T_BASE_ROW, T_LOW, _("Share of the swing resting on"), st.header)
    ws.write_string(T_BASE_ROW, T_BASE, _(evidence.ESTIMATE), st.header)
    ws.write_string(T_BASE_ROW, T_HIGH, _(evidence.SOURCED), st.header)
    for k, kpi in enumerate(evidence.HEADLINE):
        r, col, w = T_BASE_ROW + 1 + k, xl_col_to_name(e0 + 1 + k), weights[kpi]
        ws.write_string(r, T_LOW, _(registry.named(kpi).label), st.text)
        swings = f"${col}${first}:${col}${last}"
        for c, x in ((T_BASE, w.estimate_share), (T_HIGH, w.sourced_share)):
            key = f"{xl_col_to_name(c)}${T_BASE_ROW + 1}"
            ws.write_formula(r, c, f"=IF(SUM({swings})=0,{NA_TEXT.name},SUMIF({kinds},{key},{swings})/SUM({swings}))",
                             right(book, PERCENT, bold=True), _(NA_TEXT.text) if x is None else x)


def _figure(kpi: str) -> str:
    """A headline figure as a column heading names it: its phrase in English, its label translated."""
    k = registry.named(kpi)
    return k.phrase if current() == "en" else _(k.label)


def _tornado_chart(book: Book, ws: Worksheet, tor: Tornado, row: int) -> None:
    """A bar per assumption, largest swing at the top."""
    kpi = chart_kpi(tor)
    n = len(tor.bars)
    col = first_swing() + [k.name for k in registry.sort_keys()].index(kpi)
    first, last = T_HEADER_ROW + 1, T_HEADER_ROW + n
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"name": [ws.name, T_HEADER_ROW, col],
                      "categories": [ws.name, first, T_PARAM, last, T_PARAM],
                      "values": [ws.name, first, col, last, col],
                      "data_labels": {"value": True}})
    if kpi == "runway_months":
        title = _("Runway swing by assumption, scenario {scenario} (months; 'never' counted as {n})",
                  scenario=tor.scenario, n=book.model.horizon)
        chart.set_x_axis({"num_format": "0", "min": 0})
    else:
        title = _("NPV swing by assumption, scenario {scenario} ({currency}; no assumption moves the runway)",
                  scenario=tor.scenario, currency=book.currency)
        chart.set_x_axis({"num_format": money_millions(book.currency), "min": 0})
    chart.set_title({"name": title})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    ws.insert_chart(row, T_PARAM, chart, {"x_scale": 2.0, "y_scale": max(1.0, 0.12 * n + 0.4)})
