"""The **Simulation** sheets (when the analysis simulated): one per scenario, its Monte Carlo.

Each is titled with its scenario and description: P10/P50/P90 and mean of the simulated key
figures with their 95% sampling-error intervals, the probability that cash has run out by each year
end with its Wilson interval, the assumptions varied in that scenario (distribution, low, mode,
high), the Correlations sheet's pairs applied to them (names, ρ, source), and the fan of closing cash with a line chart. Values cashcast computed from thousands of
samples, marked as such; "never" is the text "never", months are dates shown "mmm yyyy".
"""
from __future__ import annotations

import datetime as dt

from xlsxwriter.worksheet import Worksheet

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.reductions import UNDEFINED

from cashcast.reports.i18n import _, title, unit
from cashcast.reports.excel.book import Book
from cashcast.reports.excel.cells import right, write_input, write_kpi, write_month
from cashcast.reports.excel.layout import kpi_unit
from cashcast.reports.excel.styles import DATE, MONEY, money_millions, print_setup


def write(book: Book, ws: Worksheet) -> None:
    """The percentiles, the cash-out probabilities by year, the assumptions varied and the fan."""
    st, sim = book.st, book.simulation_on(ws.name)
    ws.write_string(0, 0, _("Monte Carlo simulation of scenario {scenario} (simulation output)",
                            scenario=sim.scenario), st.title)
    ws.write_string(1, 0, _("Simulation output, not live formulas: values computed by cashcast from {count} "
                            "samples with seed {seed}. Editing the Assumptions sheet does not change this sheet; "
                            "run cashcast again (--samples {samples} --seed {seed} gives the same numbers).",
                            count=format(sim.samples, ","), samples=sim.samples, seed=sim.seed), book.marking)
    ws.write_string(2, 0, _("Scenario {scenario}: {description} — each sample draws the {n} assumptions "
                            "uncertain in it (listed below) from their distributions. The 95% intervals are the "
                            "sampling error (order statistics for percentiles, Wilson for probabilities). Month "
                            "percentiles are the earliest month by which at least that share of the samples got "
                            "there ('never' when fewer did): for the cash-out month P10 is the pessimistic end. "
                            "Money percentiles are linear.", scenario=sim.scenario, description=sim.description,
                            n=len(sim.varied)), st.note)
    r = _percentiles(book, ws, sim, 4)
    r = _cash_out_by_year(book, ws, sim, r + 2)
    r = _varied(book, ws, sim, r + 2)
    r = _correlations(book, ws, sim, r + 2)
    fan_header = _fan(book, ws, sim, r + 2)
    ws.set_column(0, 0, 60)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 12, 15)
    _fan_chart(book, ws, sim, fan_header)
    print_setup(ws, header_rows=0, tall=1)


def _section(book: Book, ws: Worksheet, r: int, title: str, header) -> int:
    """A block's title at row r and its header below; returns the header's row."""
    ws.write_string(r, 0, title, book.st.section)
    for c, text in enumerate(header):
        ws.write_string(r + 1, c, text, book.st.header)
    ws.set_row(r + 1, 30)
    return r + 1


def _percentiles(book: Book, ws: Worksheet, sim, r: int) -> int:
    """P10/P50/P90 and mean of each simulated key figure, then their 95% intervals; returns the last
    row written."""
    st = book.st
    bounds = [_("{p} 95% from", p=p) if k == 0 else _("{p} 95% to", p=p) for p in ("P10", "P50", "P90") for k in (0, 1)]
    r = _section(book, ws, r, _("Key figures across the samples"),
                 (_("Key figure"), _("Unit"), "P10", "P50", "P90", _("Mean"), _("Samples that never get there"),
                  *bounds))
    for figure in registry.simulated():
        r += 1
        kpi, p = figure.name, sim.percentiles[figure.name]
        ws.write_string(r, 0, title(figure.label, figure.description), st.text)
        ws.write_string(r, 1, unit(kpi_unit(figure, book.currency)), st.text)
        for c, x in enumerate((p.p10, p.p50, p.p90), start=2):
            write_kpi(book, ws, r, c, kpi, x)
        if figure.is_month:
            ws.write_string(r, 5, _(UNDEFINED), right(book, MONEY))
            ws.write_number(r, 6, p.never, right(book, "0.0%"))
        else:
            write_kpi(book, ws, r, 5, kpi, p.mean)
        for c, x in enumerate((x for q in ("p10", "p50", "p90") for x in p.ci95[q]), start=7):
            write_kpi(book, ws, r, c, kpi, x)
    return r


def _cash_out_by_year(book: Book, ws: Worksheet, sim, r: int) -> int:
    r = _section(book, ws, r, _("Probability that cash has run out (below the cash floor) by each year end"),
                 (_("Year"), _("Last month of the year in the horizon"), _("Share of samples run out by then"),
                  _("95% from (Wilson)"), _("95% to (Wilson)")))
    last = {}
    for t, m in enumerate(book.run.months):
        last[m.year] = t
    for year, p in sim.cash_out_by_year.items():
        r += 1
        ws.write_number(r, 0, year, book.st.number("0"))
        write_month(book, ws, r, 1, last[year])
        ws.write_number(r, 2, p, right(book, "0.0%"))
        for c, x in enumerate(sim.probability_ci95(p), start=3):
            ws.write_number(r, c, x, right(book, "0.0%"))
    return r


def _varied(book: Book, ws: Worksheet, sim, r: int) -> int:
    st = book.st
    r = _section(book, ws, r, _("Assumptions varied in scenario {scenario} (mode = the scenario's value)",
                                scenario=sim.scenario),
                 (_("Assumption"), _("Unit"), _("Distribution"), _("Low"), _("Mode"), _("High")))
    for u in sim.varied:
        r += 1
        ws.write_string(r, 0, u.label, st.text)
        ws.write_string(r, 1, unit(u.unit), st.text)
        ws.write_string(r, 2, _(u.distribution), st.text)
        for c, x in ((3, u.low), (4, u.mode), (5, u.high)):
            write_input(book, ws, r, c, u.dimension, u.unit, x)
    return r


def _correlations(book: Book, ws: Worksheet, sim, r: int) -> int:
    """The Correlations sheet's pairs applied in this scenario (both assumptions varied in it), or a
    line saying the assumptions were drawn independently."""
    st = book.st
    if not sim.correlations:
        ws.write_string(r, 0, _("Correlations applied in scenario {scenario}: none — the assumptions varied are "
                                "drawn independently of each other.", scenario=sim.scenario), st.note)
        return r
    r = _section(book, ws, r, _("Correlations applied in scenario {scenario} (rank correlations, Iman–Conover: "
                                "each assumption keeps its distribution)", scenario=sim.scenario),
                 (_("First assumption"), _("Second assumption"), _("Rank correlation ρ"), _("Source"), _("Notes")))
    for c in sim.correlations:
        r += 1
        ws.write_string(r, 0, c.first, st.text)
        ws.write_string(r, 1, c.second, st.text)
        ws.write_number(r, 2, c.rho, right(book, "0.00"))
        ws.write_string(r, 3, c.source, st.text)
        ws.write_string(r, 4, c.notes, st.text)
    return r


def _fan(book: Book, ws: Worksheet, sim, r: int) -> int:
    """The fan chart's data; returns its header row."""
    fan = sim.fan
    r = _section(book, ws, r, _("Closing cash across the samples, per month ({currency})", currency=book.currency),
                 (_("Month"), *(_("{p} closing cash", p=p) for p in ("P10", "P50", "P90"))))
    money = right(book, MONEY)
    for t, month in enumerate(book.run.months):
        ws.write_datetime(r + 1 + t, 0, dt.datetime(month.year, month.month, 1), right(book, DATE))
        for c, series in enumerate((fan.p10, fan.p50, fan.p90), start=1):
            ws.write_number(r + 1 + t, c, float(series[t]), money)
    return r


def _fan_chart(book: Book, ws: Worksheet, sim, header: int) -> None:
    first, last = header + 1, header + len(book.run.months)
    chart = book.wb.add_chart({"type": "line"})
    styles = {1: {"dash_type": "dash", "width": 1.25}, 2: {"width": 2.25},
              3: {"dash_type": "dash", "width": 1.25}}
    for c in (1, 2, 3):
        chart.add_series({"name": [ws.name, header, c], "categories": [ws.name, first, 0, last, 0],
                          "values": [ws.name, first, c, last, c], "line": styles[c]})
    chart.set_title({"name": _("Closing cash, scenario {scenario}: P10, P50 and P90 of {count} samples ({currency})",
                               scenario=sim.scenario, count=format(sim.samples, ","), currency=book.currency)})
    chart.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12, "major_unit_type": "months",
                      "label_position": "low"})
    chart.set_y_axis({"num_format": money_millions(book.currency), "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(4, 8, chart, {"x_scale": 1.8, "y_scale": 1.4})
