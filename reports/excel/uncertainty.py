"""The Excel report's uncertainty parts, from :func:`cashcast.models.analysis.uncertainty.analyse`.

* **Sensitivity** — the tornado of the run's first scenario: one row per assumption with a low or a
  high, in the tornado's order (largest swing first), its low/base/high inputs, the runway, cash-out
  month, break-even month and NPV at its low and at its high, the swings, and a bar chart of the
  runway swings (of the NPV swings when no assumption moves the runway).
* **Simulation** — the Monte Carlo: P10/P50/P90 and mean of the key figures, the probability that
  cash has run out by each year end, the assumptions varied, and the fan of closing cash with a
  line chart.
* **Scenario comparison** on Summary — each scenario's key figures minus the baseline's and a
  ranking per key figure. Unlike the two sheets these are live formulas over Summary's key-figure
  table (with helper rows for the ranking), so they follow any edit of the inputs.

Both sheets hold values cashcast computed (they say so in their second row): a tornado needs 1 + 2P
runs of the model and a simulation thousands, which a workbook cannot hold as formulas. "never" is
written as the text "never"; months are dates shown "mmm yyyy".
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.uncertainty import TornadoBar, Uncertainty

from cashcast.reports.excel import formulas as xf
from cashcast.reports.excel.formulas import cell, row_range
from cashcast.reports.excel.layout import excel_serial, kpi_unit
from cashcast.reports.excel.styles import DATE, MONEY, MONTHS, PERCENT, money_millions, print_setup

SENSITIVITY, SIMULATION = "Sensitivity", "Simulation"
# The unit of a difference from the baseline, by kind (money: the currency)
DIFFERENCE_UNITS = {"month": "months (+ = later)", "months": "months", "rate": "%-points/year"}
WORST = -1e300   # the score of an undefined figure (IRR "n/a"): below every real one
WORST_TEXT = "-1E+300"
MARK_TEXT, MARK_FILL = "#9C5700", "#FFEB9C"
SIGNED_MONTHS = '+0" months";-0" months";0" months"'

# Sensitivity: 0-based columns of the tornado table
T_RANK, T_PARAM, T_UNIT, T_LOW, T_BASE, T_HIGH = 0, 1, 2, 3, 4, 5
T_FIRST_RESULT = 6   # then each swung KPI at low and at high (registry.swung()), then the sort keys' swings
T_BASE_ROW, T_HEADER_ROW = 4, 10


def first_swing() -> int:
    """The tornado table's first swing column, after each swung KPI's at-low and at-high columns."""
    return T_FIRST_RESULT + 2 * len(registry.swung())


def month_date(months: list[dt.date], index: float) -> dt.date | None:
    """The first day of month ``index`` of the horizon (extrapolated outside it); None for NaN.

    >>> month_date([dt.date(2023, 11, 1)], 3.0)
    datetime.date(2024, 2, 1)
    """
    if not np.isfinite(index):
        return None
    n = months[0].year * 12 + months[0].month - 1 + int(round(float(index)))
    return dt.date(n // 12, n % 12 + 1, 1)


def ordinal(n: int) -> str:
    """1st, 2nd, ...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def signed(num_format: str) -> str:
    """A difference's format: a plus sign on positive values (the zero section as the positive).

    >>> signed('"$"#,##0.0,,"M";[Red]-"$"#,##0.0,,"M"')
    '+"$"#,##0.0,,"M";[Red]-"$"#,##0.0,,"M";"$"#,##0.0,,"M"'
    """
    pos, neg = num_format.split(";")[:2]
    return f"+{pos};{neg};{pos}"


class UncertaintyWriter:
    """Writes the uncertainty parts of one report; ``rw`` is the :class:`cashcast.reports.excel.report.ReportWriter`."""

    def __init__(self, rw, analysis: Uncertainty):
        self.rw, self.analysis = rw, analysis
        self.st, self.wb, self.run, self.currency = rw.st, rw.wb, rw.run, rw.currency
        self.months = self.run.months
        self.horizon = self.run.model.horizon
        self._marking = None
        if list(analysis.comparison.scenarios) != list(self.run.scenarios):
            raise ValueError("the analysis is not of this run: its scenarios differ")

    @property
    def marking(self):
        """The format of the cell saying a sheet holds computed values, not formulas."""
        if self._marking is None:
            self._marking = self.wb.add_format({"bold": True, "font_color": MARK_TEXT, "bg_color": MARK_FILL})
        return self._marking

    # -- cells shared by both sheets ----------------------------------------------------------------
    def _fmt(self, num_format: str, **kw):
        return self.st.number(num_format, right=True, **kw)

    def _write_month(self, ws, r: int, c: int, index: float, **kw) -> None:
        """A month index as its date ("mmm yyyy"), or the text "never"."""
        day = month_date(self.months, index)
        if day is None:
            ws.write_string(r, c, xf.NEVER, self._fmt(DATE, **kw))
        else:
            ws.write_datetime(r, c, dt.datetime(day.year, day.month, 1), self._fmt(DATE, **kw))

    def _write_kpi(self, ws, r: int, c: int, kpi: str, x: float, **kw) -> None:
        """A key figure: a month, a runway in months, or money in millions; NaN as "never"/"n/a"."""
        if registry.named(kpi).is_date:
            self._write_month(ws, r, c, x, **kw)
        elif registry.named(kpi).kind == "months":
            if np.isfinite(x):
                ws.write_number(r, c, int(x), self._fmt(MONTHS, **kw))
            else:
                ws.write_string(r, c, xf.NEVER, self._fmt(MONTHS, **kw))
        elif np.isfinite(x):
            ws.write_number(r, c, float(x), self._fmt(money_millions(self.currency), **kw))
        else:
            ws.write_string(r, c, xf.UNDEFINED, self._fmt(MONEY, **kw))

    def _write_input(self, ws, r: int, c: int, dimension: str, unit: str, x: float) -> None:
        """An assumption's value in spreadsheet terms: a date, a percentage, or a number."""
        if dimension == "date":
            self._write_month(ws, r, c, x)
            return
        if unit.startswith("%"):
            fmt = PERCENT
        elif float(x).is_integer():
            fmt = "#,##0"
        else:
            fmt = "#,##0.0#########"
        ws.write_number(r, c, float(x), self._fmt(fmt))

    # -- Sensitivity ------------------------------------------------------------------------------
    def chart_kpi(self) -> str:
        """The swing the chart shows: the runway's, or the NPV's when no assumption moves the runway."""
        bars = self.analysis.tornado.bars
        return "runway_months" if any(b.swings["runway_months"].swing > 0 for b in bars) else "npv"

    def write_sensitivity(self, ws) -> None:
        st, tor = self.st, self.analysis.tornado
        ws.write_string(0, 0, f"Sensitivity of scenario {tor.scenario}: each assumption at its low and at its "
                              f"high, one at a time", st.title)
        ws.write_string(1, 0, "Values computed by cashcast, not live formulas: every assumption with a low or a "
                              "high in the assumption workbook is moved to its low, then to its high, with "
                              f"every other assumption at scenario {tor.scenario}'s value. Editing the "
                              "Assumptions sheet does not change this sheet; run cashcast again.", self.marking)
        ws.write_string(2, 0, "Sorted largest swing first: by the runway swing, then the break-even swing, then "
                              "the NPV swing. A swing is the largest minus the smallest of the results at the "
                              f"low, the base and the high, with 'never' counted as the horizon "
                              f"({self.horizon} months), so a swing that reaches 'never' is a lower bound. The "
                              "cash-out month moves with the runway.", st.note)
        ws.write_string(T_BASE_ROW, T_PARAM, f"Scenario {tor.scenario} as it is", st.header)
        ws.write_string(T_BASE_ROW, T_UNIT, "Result", st.header)
        for i, kpi in enumerate(registry.swung(), start=1):
            ws.write_string(T_BASE_ROW + i, T_PARAM, kpi.label, st.text)
            self._write_kpi(ws, T_BASE_ROW + i, T_UNIT, kpi.name, tor.base[kpi.name])
        header = ["#", "Assumption", "Unit", "Low", "Base value", "High"]
        for kpi in registry.swung():
            header += [f"{kpi.label} at low", f"{kpi.label} at high"]
        header += [f"Swing: {k.phrase} ({'months' if k.is_month else self.currency})" for k in registry.sort_keys()]
        for c, text in enumerate(header):
            ws.write_string(T_HEADER_ROW, c, text, st.header)
        ws.set_row(T_HEADER_ROW, 30)
        r = T_HEADER_ROW
        for i, bar in enumerate(tor.bars, start=1):
            r = T_HEADER_ROW + i
            self._tornado_row(ws, r, i, bar)
        if not tor.bars:
            ws.write_string(T_HEADER_ROW + 1, T_PARAM, "No assumption has a low or a high: nothing to swing.",
                            st.note)
        widths = {T_RANK: 4, T_PARAM: 34, T_UNIT: 16, T_LOW: 17, T_BASE: 17, T_HIGH: 17}
        for c in range(T_FIRST_RESULT, first_swing() + len(registry.sort_keys())):
            widths[c] = 13
        for c, w in widths.items():
            ws.set_column(c, c, w)
        ws.freeze_panes(T_HEADER_ROW + 1, T_PARAM + 1)
        if tor.bars:
            self._tornado_chart(ws, r + 2)
        print_setup(ws, header_rows=T_HEADER_ROW + 1, title_cols=2)

    def _tornado_row(self, ws, r: int, rank: int, bar: TornadoBar) -> None:
        st = self.st
        ws.write_number(r, T_RANK, rank, st.number("0", grey=True))
        ws.write_string(r, T_PARAM, bar.parameter, st.text)
        ws.write_string(r, T_UNIT, bar.unit, st.text)
        for c, x in ((T_LOW, bar.low), (T_BASE, bar.value), (T_HIGH, bar.high)):
            self._write_input(ws, r, c, bar.dimension, bar.unit, x)
        for k, kpi in enumerate(registry.swung()):
            swing = bar.swings[kpi.name]
            self._write_kpi(ws, r, T_FIRST_RESULT + 2 * k, kpi.name, swing.low)
            self._write_kpi(ws, r, T_FIRST_RESULT + 2 * k + 1, kpi.name, swing.high)
        for k, kpi in enumerate(registry.sort_keys()):
            fmt = MONTHS if kpi.is_month else money_millions(self.currency)
            ws.write_number(r, first_swing() + k, bar.swings[kpi.name].swing, self._fmt(fmt, bold=True))

    def _tornado_chart(self, ws, row: int) -> None:
        """A bar per assumption, largest swing at the top."""
        kpi = self.chart_kpi()
        n = len(self.analysis.tornado.bars)
        col = first_swing() + [k.name for k in registry.sort_keys()].index(kpi)
        first, last = T_HEADER_ROW + 1, T_HEADER_ROW + n
        chart = self.wb.add_chart({"type": "bar"})
        chart.add_series({"name": [SENSITIVITY, T_HEADER_ROW, col],
                          "categories": [SENSITIVITY, first, T_PARAM, last, T_PARAM],
                          "values": [SENSITIVITY, first, col, last, col],
                          "data_labels": {"value": True}})
        if kpi == "runway_months":
            title = f"Runway swing by assumption (months; 'never' counted as {self.horizon})"
            chart.set_x_axis({"num_format": "0", "min": 0})
        else:
            title = f"NPV swing by assumption ({self.currency}; no assumption moves the runway)"
            chart.set_x_axis({"num_format": money_millions(self.currency), "min": 0})
        chart.set_title({"name": title})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        ws.insert_chart(row, T_PARAM, chart, {"x_scale": 2.0, "y_scale": max(1.0, 0.12 * n + 0.4)})

    # -- Simulation -------------------------------------------------------------------------------
    def write_simulation(self, ws) -> None:
        st, sim = self.st, self.analysis.simulation
        ws.write_string(0, 0, f"Monte Carlo simulation of scenario {sim.scenario} (simulation output)", st.title)
        ws.write_string(1, 0, f"Simulation output, not live formulas: values computed by cashcast from "
                              f"{sim.samples:,} samples with seed {sim.seed}. Editing the Assumptions sheet "
                              f"does not change this sheet; run cashcast again (--samples {sim.samples} "
                              f"--seed {sim.seed} gives the same numbers).", self.marking)
        ws.write_string(2, 0, "Each sample draws every assumption with a low or a high from its distribution. "
                              "Month percentiles are the earliest month by which at least that share of the "
                              "samples got there ('never' when fewer did): for the cash-out month P10 is the "
                              "pessimistic end. Money percentiles are linear.", st.note)
        r = self._section(ws, 4, "Key figures across the samples",
                          ("Key figure", "Unit", "P10", "P50", "P90", "Mean", "Samples that never get there"))
        for figure in registry.simulated():
            r += 1
            kpi, p = figure.name, sim.percentiles[figure.name]
            ws.write_string(r, 0, figure.title, st.text)
            ws.write_string(r, 1, kpi_unit(figure, self.currency), st.text)
            for c, x in enumerate((p.p10, p.p50, p.p90), start=2):
                self._write_kpi(ws, r, c, kpi, x)
            if figure.is_month:
                ws.write_string(r, 5, xf.UNDEFINED, self._fmt(MONEY))
                ws.write_number(r, 6, p.never, self._fmt("0.0%"))
            else:
                self._write_kpi(ws, r, 5, kpi, p.mean)
        r = self._cash_out_by_year(ws, r + 2)
        r = self._varied(ws, r + 2)
        fan_header = self._fan(ws, r + 2)
        ws.set_column(0, 0, 60)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 6, 15)
        self._fan_chart(ws, fan_header)
        print_setup(ws, header_rows=0)

    def _section(self, ws, r: int, title: str, header) -> int:
        """A block's title at row r and its header below; returns the header's row."""
        ws.write_string(r, 0, title, self.st.section)
        for c, text in enumerate(header):
            ws.write_string(r + 1, c, text, self.st.header)
        ws.set_row(r + 1, 30)
        return r + 1

    def _cash_out_by_year(self, ws, r: int) -> int:
        sim = self.analysis.simulation
        r = self._section(ws, r, "Probability that cash has run out (below the cash floor) by each year end",
                          ("Year", "Last month of the year in the horizon", "Share of samples run out by then"))
        last = {}
        for t, m in enumerate(self.months):
            last[m.year] = t
        for year, p in sim.cash_out_by_year.items():
            r += 1
            ws.write_number(r, 0, year, self.st.number("0"))
            self._write_month(ws, r, 1, last[year])
            ws.write_number(r, 2, p, self._fmt("0.0%"))
        return r

    def _varied(self, ws, r: int) -> int:
        st, sim = self.st, self.analysis.simulation
        r = self._section(ws, r, "Assumptions varied (mode = the scenario's value)",
                          ("Assumption", "Unit", "Distribution", "Low", "Mode", "High"))
        for u in sim.varied:
            r += 1
            ws.write_string(r, 0, u.label, st.text)
            ws.write_string(r, 1, u.unit, st.text)
            ws.write_string(r, 2, u.distribution, st.text)
            for c, x in ((3, u.low), (4, u.mode), (5, u.high)):
                self._write_input(ws, r, c, u.dimension, u.unit, x)
        return r

    def _fan(self, ws, r: int) -> int:
        """The fan chart's data; returns its header row."""
        fan = self.analysis.simulation.fan
        r = self._section(ws, r, f"Closing cash across the samples, per month ({self.currency})",
                          ("Month", "P10 closing cash", "P50 closing cash", "P90 closing cash"))
        money = self._fmt(MONEY)
        for t, month in enumerate(self.months):
            ws.write_datetime(r + 1 + t, 0, dt.datetime(month.year, month.month, 1), self._fmt(DATE))
            for c, series in enumerate((fan.p10, fan.p50, fan.p90), start=1):
                ws.write_number(r + 1 + t, c, float(series[t]), money)
        return r

    def _fan_chart(self, ws, header: int) -> None:
        first, last = header + 1, header + len(self.months)
        chart = self.wb.add_chart({"type": "line"})
        styles = {1: {"dash_type": "dash", "width": 1.25}, 2: {"width": 2.25},
                  3: {"dash_type": "dash", "width": 1.25}}
        for c in (1, 2, 3):
            chart.add_series({"name": [SIMULATION, header, c], "categories": [SIMULATION, first, 0, last, 0],
                              "values": [SIMULATION, first, c, last, c], "line": styles[c]})
        chart.set_title({"name": f"Closing cash: P10, P50 and P90 of {self.analysis.simulation.samples:,} "
                                 f"samples ({self.currency})"})
        chart.set_x_axis({"date_axis": True, "num_format": "yyyy", "major_unit": 12, "major_unit_type": "months",
                          "label_position": "low"})
        chart.set_y_axis({"num_format": money_millions(self.currency), "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(4, 8, chart, {"x_scale": 1.8, "y_scale": 1.4})

    # -- Scenario comparison on Summary (live) ------------------------------------------------------
    def write_comparison(self, ws, row: int, kpi_header_row: int, first_scenario_col: int) -> int:
        """Differences from the baseline and the ranking, as formulas over Summary's key-figure table
        (header row ``kpi_header_row``, scenario j in column ``first_scenario_col + j``); returns the
        first row after the block."""
        st, cmp = self.st, self.analysis.comparison
        names = cmp.scenarios
        col = lambda j: first_scenario_col + j  # noqa: E731
        kpi_row = {k.name: kpi_header_row + i for i, k in enumerate(registry.KPIS, start=1)}
        ws.write_string(row, 0, f"Scenario comparison with the baseline, {cmp.baseline} (the run's first "
                                f"scenario): live formulas over the key figures above", st.section)
        r = row + 1
        ws.write_string(r, 0, f"Difference from {cmp.baseline} (scenario − baseline)", st.header)
        ws.write_string(r, 1, "Unit", st.header)
        for c in range(2, col(1)):
            ws.write_blank(r, c, None, st.header)
        for j, name in enumerate(names[1:], start=1):
            ws.write_string(r, col(j), name, st.header)
        formats = {"month": SIGNED_MONTHS, "months": SIGNED_MONTHS, "rate": "+0.0%;[Red]-0.0%;0.0%"}
        for kpi in registry.KPIS:
            key = kpi.name
            r += 1
            ws.write_string(r, 0, kpi.title, st.text)
            ws.write_string(r, 1, DIFFERENCE_UNITS.get(kpi.kind, self.currency), st.text)
            fmt = formats.get(kpi.kind, signed(money_millions(self.currency)))
            base = cell(kpi_row[key], col(0), abs_col=True)
            for j, name in enumerate(names[1:], start=1):
                other = cell(kpi_row[key], col(j))
                x = cmp.differences[name].get(key, math.nan)
                cached = float(x) if np.isfinite(x) else xf.UNDEFINED
                ws.write_formula(r, col(j), xf.difference(other, base, kpi.is_date), self._fmt(fmt), cached)
        ws.write_string(r + 1, 0, "n/a: one of the two never gets there within the horizon (or IRR is "
                                  "undefined).", st.note)
        r += 3
        ranking_header = r
        ws.write_string(r, 0, "Ranking, best first (ties keep the workbook's order)", st.header)
        ws.write_string(r, 1, "Better", st.header)
        for p in range(1, len(names) + 1):
            ws.write_string(r, 1 + p, ordinal(p), st.header)
        helper = r + len(registry.KPIS) + 2
        rank_rows = {k.name: helper + 2 + 2 * i for i, k in enumerate(registry.KPIS)}
        names_row = row_range(kpi_header_row, col(0), col(len(names) - 1))
        for kpi in registry.KPIS:
            r += 1
            ws.write_string(r, 0, kpi.title, st.text)
            ws.write_string(r, 1, kpi.better_word, st.text)
            ranks = row_range(rank_rows[kpi.name], col(0), col(len(names) - 1))
            ranking = cmp.ranking.get(kpi.name) or names
            for p in range(1, len(names) + 1):
                ws.write_formula(r, 1 + p, xf.ranked_name(names_row, ranks, p), st.text, ranking[p - 1])
        self._ranking_helpers(ws, helper, ranking_header, kpi_row, col)
        return rank_rows[registry.KPIS[-1].name] + 2

    def _ranking_helpers(self, ws, helper: int, ranking_header: int, kpi_row: dict, col) -> None:
        """Grouped rows: per key figure a score per scenario (larger is better; never counted as past
        the horizon, n/a as the worst) and each scenario's rank (ties go to the earlier scenario)."""
        st, cmp = self.st, self.analysis.comparison
        n = len(cmp.scenarios)
        ws.write_string(helper, 0, "Helper rows for the ranking (grouped: + to expand)", st.note)
        after = excel_serial(month_date(self.months, self.horizon))
        for i, kpi in enumerate(registry.KPIS):
            key, label = kpi.name, kpi.title
            score_row, rank_row = helper + 1 + 2 * i, helper + 2 + 2 * i
            for rr in (score_row, rank_row):
                ws.set_row(rr, None, None, {"level": 1, "hidden": True})
            better = kpi.better
            fallback = better * (after if kpi.is_date else self.horizon) if kpi.is_month else WORST
            fallback_text = str(fallback) if kpi.is_month else WORST_TEXT
            ws.write_string(score_row, 0, f"Score: {label}", st.text)
            shown = ("never: the month after the horizon" if kpi.is_date else
                     f"never: {self.horizon} months" if kpi.is_month else f"n/a: {WORST_TEXT}")
            ws.write_string(score_row, 1, shown, st.note)
            ws.write_string(rank_row, 0, f"Rank: {label}", st.text)
            ws.write_string(rank_row, 1, "1 = best", st.note)
            values = np.asarray(self.run.kpis[key], dtype=float) if key in self.run.kpis else np.full(n, np.nan)
            scores = [self._score(key, x, better, fallback) for x in values]
            order = np.argsort(-np.array(scores), kind="stable")
            rank = np.empty(n, dtype=int)
            rank[order] = np.arange(1, n + 1)
            every = row_range(score_row, col(0), col(n - 1))
            for j in range(n):
                figure = cell(kpi_row[key], col(j))
                ws.write_formula(score_row, col(j), xf.rank_score(figure, better, fallback_text),
                                 st.number("0" if kpi.is_date else "General", grey=True), scores[j])
                mine = cell(score_row, col(j))
                earlier = row_range(score_row, col(0), col(j - 1)) if j > 0 else None
                ws.write_formula(rank_row, col(j), xf.stable_rank(every, mine, earlier), st.number("0", grey=True),
                                 int(rank[j]))

    def _score(self, key: str, x: float, better: int, fallback: float) -> float:
        """The helper score cashcast caches (the formula's value)."""
        if not np.isfinite(x):
            return float(fallback)
        if registry.named(key).is_date:
            x = excel_serial(self.months[int(x)])
        return float(better * x)
