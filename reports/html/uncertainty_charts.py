"""Charts of the uncertainty analysis: the tornado, the fan chart and the histograms.

Same conventions as :mod:`cashcast.reports.html.charts` (deterministic inline SVG, text as text, a title and axis
units on every chart); each function takes plain, already-chosen data and draws it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import matplotlib
import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from cashcast.reports import fmt
from cashcast.reports.i18n import _
from cashcast.reports.html.chart_text import DataTable, declutter, yearly_table
from cashcast.reports.html.charts import (CASH_COLOUR, HALF, LABEL_BOX, OKABE_ITO, OUT_COLOUR, OUT_INK, WIDE,
                                          Chart, _mid, _month_end, money_axis, month_axis, new_figure, style,
                                          to_svg)

LOW_COLOUR, HIGH_COLOUR = OKABE_ITO["blue"], OKABE_ITO["orange"]
HIGH_HATCH = "\\\\"
BASE_LINE = "#333333"
PERCENTILE_STYLES = (("P10", ":"), ("P50", "-"), ("P90", "--"))


@dataclass(frozen=True)
class TornadoRow:
    """One bar of a tornado: the KPI (in chart units) with the assumption at its low and its high,
    and those two input values as readers see them; ``estimate``: the assumption rests on the model's
    own estimate, not on a source (its name is marked, :func:`bar_name`)."""

    label: str
    low_text: str
    high_text: str
    at_low: float
    at_high: float
    estimate: bool = False


def bar_name(row: TornadoRow) -> str:
    """The name above a bar: an estimate's is marked as such, in words (not by colour alone).

    >>> bar_name(TornadoRow("Rent.amount", "$90K", "$125K", 3.0, 9.0, estimate=True))
    'Rent.amount — estimate'
    """
    return _("{name} — estimate", name=row.label) if row.estimate else row.label


def source_word(row: TornadoRow) -> str:
    return _("estimate") if row.estimate else _("sourced")


def _bar_labels(row: TornadoRow, base: float) -> list[tuple[float, str, int]]:
    """(x, text, direction ±1) of the input-value labels at the ends of one tornado bar."""
    if row.at_low == row.at_high:
        side = 1 if row.at_low >= base else -1
        return [(row.at_low, _("{low} or {high}", low=row.low_text, high=row.high_text), side)]
    out = []
    for x, text, other in ((row.at_low, row.low_text, row.at_high), (row.at_high, row.high_text, row.at_low)):
        if x != base:
            side = 1 if x > base else -1
        else:  # this side does not move: label it on the side away from the other bar
            side = -1 if other > base else 1
        out.append((x, text, side))
    return out


def tornado_chart(chart_id: str, title: str, rows: list[TornadoRow], base: float, base_label: str,
                  axis_label: str, ticks: Callable[[float], str], caption: str,
                  limit: float | None = None, limit_label: str = "") -> Chart:
    """Horizontal bars from the base value of a KPI to its value with each assumption at its low
    (blue) and at its high (orange), the first row at the top; each bar end is labelled with the
    input value. ``limit`` draws a dotted line (the horizon standing in for "never")."""
    n = len(rows)
    fig, ax = new_figure(chart_id, (WIDE[0], max(3.6, 0.72 * n + 2.3)))
    labels = []
    with matplotlib.rc_context(style(chart_id)):
        y = np.arange(n)[::-1].astype(float)
        for yi, r in zip(y, rows):
            # the assumption's name above its bar, so the bars and their labels get the full width
            ax.annotate(bar_name(r), (0.0, yi + 0.34), xycoords=("axes fraction", "data"), xytext=(2, 1),
                        textcoords="offset points", ha="left", va="bottom", color=BASE_LINE,
                        fontstyle="italic" if r.estimate else "normal")
            sides = [(r.at_low, LOW_COLOUR, None), (r.at_high, HIGH_COLOUR, HIGH_HATCH)]
            for x, colour, hatch in sorted(sides, key=lambda s: -abs(s[0] - base)):  # the shorter on top
                ax.barh(yi, x - base, left=base, height=0.5, facecolor=colour, hatch=hatch,
                        edgecolor="white", linewidth=0)
            for x, text, side in _bar_labels(r, base):
                ax.annotate(text, (x, yi), xytext=(4 * side, 0), textcoords="offset points",
                            ha="left" if side > 0 else "right", va="center", bbox=LABEL_BOX)
        ax.axvline(base, color=BASE_LINE, linewidth=1.2)
        labels.append(ax.annotate(base_label, (base, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                                  textcoords="offset points", ha="center", va="bottom",
                                  fontweight="bold", color=BASE_LINE))
        if limit is not None:
            ax.axvline(limit, color=OUT_COLOUR, linewidth=1, linestyle=":")
            labels.append(ax.annotate(limit_label, (limit, 0.0), xycoords=("data", "axes fraction"),
                                      xytext=(-4, 4), textcoords="offset points", ha="right", va="bottom",
                                      color=OUT_INK, bbox=LABEL_BOX))
        ax.set_yticks([])  # the names are drawn above the bars, top first (so the SVG lists them so)
        ax.set_ylim(-0.6, n - 0.05)
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.32)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: ticks(v)))
        ax.set_xlabel(axis_label)
        ax.set_title(title, pad=22)
        fig.legend(handles=[Patch(color=LOW_COLOUR, label=_("Assumption at its low")),
                            Patch(facecolor=HIGH_COLOUR, hatch=HIGH_HATCH, edgecolor="white",
                                  label=_("Assumption at its high"))],
                   loc="outside lower center", ncols=1)
        declutter(fig, labels)
    table = DataTable([_("Assumption"), _("Source"), _("Low"), _("Figure at low"), _("High"), _("Figure at high")],
                      [[r.label, source_word(r), r.low_text, ticks(r.at_low), r.high_text, ticks(r.at_high)]
                       for r in rows],
                      _("{base}; {axis} with each assumption at its low and at its high.", base=base_label, axis=axis_label))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)


def fan_chart(chart_id: str, title: str, months: list[dt.date], p10: np.ndarray, p50: np.ndarray,
              p90: np.ndarray, currency: str, entered: np.ndarray, entered_label: str, floor: float,
              caption: str) -> Chart:
    """Closing cash across samples: the P10–P90 band, the P50 line, the scenario as entered, the
    zero line and the end of the horizon."""
    fig, ax = new_figure(chart_id, WIDE)
    with matplotlib.rc_context(style(chart_id)):
        x = [_mid(m) for m in months]
        ax.fill_between(x, p10, p90, color=CASH_COLOUR, alpha=0.22, linewidth=0,
                        label=_("P10–P90 of the samples"))
        ax.plot(x, p50, color=CASH_COLOUR, linewidth=2.2, label=_("P50 (median)"))
        ax.plot(x, entered, color="#000", linewidth=1.2, linestyle="--", label=entered_label)
        ax.axhline(0, color="#555", linewidth=0.8)
        if floor:
            ax.axhline(floor, color=OUT_COLOUR, linewidth=1, linestyle="-.",
                       label=_("Minimum cash {amount}", amount=fmt.money(floor, currency)))
        end = _month_end(months[-1])
        ax.margins(y=0.08)
        month_axis(ax, months)
        ax.set_xlim(months[0], end + dt.timedelta(days=1))
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Cash at month end ({currency})", currency=currency))
        fig.legend(loc="outside lower center", ncols=2)
    table = yearly_table(months, [("P10", p10), ("P50", p50), ("P90", p90), (entered_label, entered)],
                         lambda v: fmt.money(v, currency), first=_("Year end"))
    table.note = _("Closing cash at each year end (the horizon ends {month}).", month=fmt.month_of(months[-1]))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)


def _share_axis(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}%"))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel(_("Share of samples (%)"))


def month_histogram_chart(chart_id: str, title: str, months: list[dt.date], counts: np.ndarray,
                          never: int, samples: int, never_text: str, xlabel: str, caption: str,
                          colour: str = OUT_COLOUR, size=(WIDE[0], 3.6)) -> Chart:
    """Share of samples per month (one bar a month), with the share that never gets there stated."""
    fig, ax = new_figure(chart_id, size)
    with matplotlib.rc_context(style(chart_id)):
        share = np.asarray(counts, dtype=float) / samples * 100.0
        ax.bar([_mid(m) for m in months], share, width=26, color=colour, linewidth=0)
        ax.annotate(never_text.format(share=fmt.percent(never / samples)), (0.99, 0.97),
                    xycoords="axes fraction", ha="right", va="top", fontweight="bold",
                    color=BASE_LINE, bbox=LABEL_BOX, wrap=True)
        month_axis(ax, months)
        ax.set_ylim(0, max(float(share.max()), 1.0) * 1.45)
        _share_axis(ax)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    years = sorted({m.year for m in months})
    by_year = [sum(int(c) for m, c in zip(months, counts) if m.year == y) for y in years]
    table = DataTable([_("Year"), _("Share of samples")],
                      [[str(y), fmt.percent(c / samples)] for y, c in zip(years, by_year) if c]
                      + [[_("Never"), fmt.percent(never / samples)]], _("{what}, by calendar year.", what=xlabel))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)


def money_histogram_chart(chart_id: str, title: str, edges: np.ndarray, counts: np.ndarray,
                          samples: int, currency: str, xlabel: str, percentiles: tuple[float, float, float],
                          caption: str, colour: str = CASH_COLOUR, log: bool = False,
                          note: str = "") -> Chart:
    """Share of samples per bin of an amount, with P10, P50 and P90 marked; ``log`` draws the amount
    axis on a log scale (bins equally wide on it), ``note`` is stated in the plot's top left."""
    fig, ax = new_figure(chart_id, HALF)
    with matplotlib.rc_context(style(chart_id)):
        share = np.asarray(counts, dtype=float) / samples * 100.0
        ax.stairs(share, edges, fill=True, color=colour, alpha=0.75, linewidth=0)
        for (name, line), x in zip(PERCENTILE_STYLES, percentiles):
            if log and x <= 0:
                continue
            ax.axvline(x, color=BASE_LINE, linewidth=1.2, linestyle=line,
                       label=f"{name} {fmt.money(x, currency)}")
        if edges[0] < 0 < edges[-1]:
            ax.axvline(0, color=OUT_COLOUR, linewidth=0.8)
        if log:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
            ax.xaxis.set_minor_formatter(NullFormatter())
            money_axis(ax, currency, "x")
        else:
            money_axis(ax, currency, "x")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        if note:
            ax.annotate(note, (0.01, 0.97), xycoords="axes fraction", ha="left", va="top",
                        color=BASE_LINE, bbox=LABEL_BOX)
        ax.set_ylim(0, max(float(share.max()), 1.0) * (1.3 if note else 1.15))
        _share_axis(ax)
        ax.tick_params(axis="x", pad=7)  # clear of the share axis's 0% at the corner
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        if ax.get_legend_handles_labels()[0]:  # on a log axis percentiles at zero are not drawn
            fig.legend(loc="outside lower center", ncols=3)
    table = DataTable([_("Percentile"), _("Amount")],
                      [[name, fmt.money(x, currency)] for (name, _line), x in zip(PERCENTILE_STYLES, percentiles)],
                      note)
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)
