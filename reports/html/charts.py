"""Charts for the HTML report: matplotlib figures rendered as deterministic, inline-ready SVG.

Every chart takes plain data (months, series, labels) and returns a :class:`Chart` whose ``svg`` is
markup safe to place in an HTML page: text stays text (``svg.fonttype = 'none'``: small, selectable,
searchable in the PDF, drawn with the reader's local fonts), ids are prefixed with the chart's id so
several charts share one page, and nothing varies between runs (fixed hash salt, no date).
Matplotlib escapes the text it writes, and maths parsing is off, so a ``$`` in a block name is a
dollar sign, not TeX.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
from dataclasses import dataclass

import matplotlib
import numpy as np
from markupsafe import Markup, escape
from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cashcast.reports import fmt
from cashcast.reports.i18n import _

WIDE = (11.0, 4.2)
HALF = (6.4, 3.6)
CASH_COLOUR, OUT_COLOUR, FUNDING_COLOUR = "#1f4e79", "#c0392b", "#2e8b57"
REVENUE_COLOUR, COST_COLOUR = "#2e8b57", "#c0392b"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
SCENARIO_STYLES = ("-", "--", "-.", ":")
LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


@dataclass
class Chart:
    """One rendered chart: an id unique in the page, its title, a caption and the SVG markup."""

    id: str
    title: str
    caption: str
    svg: Markup


@dataclass
class Series:
    """A named monthly series (a block's line, a scenario's cash) and the colour it is drawn in."""

    label: str
    values: np.ndarray
    colour: str = CASH_COLOUR


@functools.lru_cache(maxsize=1)
def _fonts() -> tuple[str, ...]:
    """DejaVu Sans, with a CJK font as fallback when one is installed (¥3亿 on an axis)."""
    families = ["DejaVu Sans"]
    for cjk in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei"):
        try:
            font_manager.findfont(cjk, fallback_to_default=False)
        except ValueError:
            continue
        families.append(cjk)
        break
    return tuple(families + ["sans-serif"])


def style(chart_id: str) -> dict:
    """The rcParams every chart is drawn and saved with."""
    return {
        "svg.fonttype": "none",          # text as <text>: small, selectable, the page's own fonts
        "svg.hashsalt": f"cashcast-{chart_id}",  # deterministic clip-path and marker ids
        "font.family": list(_fonts()),
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#d9dee3",
        "grid.linewidth": 0.6,
        "legend.frameon": True,
        "legend.framealpha": 0.85,
        "legend.edgecolor": "none",
        "legend.fontsize": 9,
        "text.parse_math": False,        # workbook text with two $ signs stays text
    }


PATH_DATA = re.compile(r' d="([^"]*)"')
DECIMALS = re.compile(r"(\d+\.\d\d)\d+")


def _compact_path(m: re.Match) -> str:
    """Path data with coordinates to 1/100 point (far below a pixel) and single spaces."""
    data = DECIMALS.sub(r"\1", m.group(1))
    return ' d="' + " ".join(data.split()) + '"'


def to_svg(fig: Figure, chart_id: str, title: str) -> Markup:
    """Render a figure to SVG markup for inlining: no XML prolog, no metadata, ids made unique,
    path coordinates rounded to 1/100 point."""
    buf = io.StringIO()
    with matplotlib.rc_context(style(chart_id)):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = PATH_DATA.sub(_compact_path, text)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'(\sid=")', rf"\1{chart_id}-", text)
    text = re.sub(r'(xlink:href="#|href="#|url\(#)', rf"\1{chart_id}-", text)
    head, rest = text.split(">", 1)  # the <svg ...> start tag: drop its fixed size, keep the viewBox
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    head = head.replace("<svg", f'<svg role="img" aria-label="{escape(title)}" class="chart-svg"', 1)
    return Markup(f"{head}>{rest}")


def new_figure(chart_id: str, size=HALF) -> tuple[Figure, object]:
    """A figure with one axes, created under the chart style."""
    with matplotlib.rc_context(style(chart_id)):
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def money_axis(ax, currency: str, axis: str = "y") -> None:
    """Tick labels as compact money: $2B, −$500M, ¥3亿."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.money(v, currency)))


def month_axis(ax, months: list[dt.date]) -> None:
    """A time axis labelled by year (or by month for short horizons)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    span = len(months)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y") if span > 36 else
                                 FuncFormatter(lambda v, _pos: fmt.month_of(mdates.num2date(v).date())))
    ax.set_xlim(months[0], _month_end(months[-1]))


def _month_end(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _mid(d: dt.date) -> dt.date:
    """The middle of a month, where a monthly point is drawn."""
    return dt.date(d.year, d.month, 15)


def _side(fraction: float) -> dict:
    """Where a label goes beside a point: to its right, or to its left in the last third of the axis."""
    if fraction > 0.67:
        return {"ha": "right", "dx": -6}
    return {"ha": "left", "dx": 6}


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True: ``_runs([F, T, T, F, T]) == [(1, 2), (4, 4)]``."""
    out, start = [], None
    for t, flag in enumerate(list(flags) + [False]):
        if flag and start is None:
            start = t
        elif not flag and start is not None:
            out.append((start, t - 1))
            start = None
    return out


def cash_chart(chart_id: str, title: str, months: list[dt.date], cash: np.ndarray, currency: str,
               floor: float, rounds: list[tuple[int, str, float]], cash_out: int | None,
               colour: str = CASH_COLOUR) -> Chart:
    """Closing cash over time; funding rounds marked, the months short of cash shaded and the
    cash-out month drawn as a line.

    ``rounds`` holds (month index, round name, amount); ``cash_out`` the cash-out month index.
    """
    fig, ax = new_figure(chart_id)
    T = len(months)
    with matplotlib.rc_context(style(chart_id)):
        x = [_mid(m) for m in months]
        ax.plot(x, cash, color=colour, linewidth=2, label=_("Closing cash"))
        ax.axhline(0, color="#555", linewidth=0.8)
        if floor:
            ax.axhline(floor, color=OUT_COLOUR, linewidth=0.8, linestyle="--",
                       label=_("Minimum cash {amount}", amount=fmt.money(floor, currency)))
        for a, b in _runs(np.asarray(cash) < floor):
            ax.axvspan(months[a], _month_end(months[b]), color=OUT_COLOUR, alpha=0.08, lw=0)
        for k, (t, name, amount) in enumerate(rounds):
            side = _side(t / T)
            ax.plot([x[t]], [cash[t]], marker="^", markersize=9, color=FUNDING_COLOUR, linestyle="none",
                    label=_("Funding round") if k == 0 else None)
            ax.annotate(f"{name} +{fmt.money(amount, currency)}", (x[t], cash[t]),
                        xytext=(side["dx"], 4 + 13 * (k % 3)), textcoords="offset points", fontsize=8.5,
                        ha=side["ha"], va="bottom", color=FUNDING_COLOUR, bbox=LABEL_BOX)
        if cash_out is not None:
            side = _side(cash_out / T)
            ax.axvline(months[cash_out], color=OUT_COLOUR, linewidth=1.5)
            ax.annotate(_("Cash runs out: {month}", month=fmt.month_of(months[cash_out])), (months[cash_out], 1.0),
                        xycoords=("data", "axes fraction"), xytext=(side["dx"] * 0.7, -4),
                        textcoords="offset points", ha=side["ha"], va="top", color=OUT_COLOUR,
                        fontweight="bold", fontsize=9, bbox=LABEL_BOX)
        ax.margins(y=0.12)
        month_axis(ax, months)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Cash at month end ({currency})", currency=currency))
        ax.legend(loc="best")
    short = _("below the minimum") if floor else _("below zero")
    caption = _("Closing cash each month") + (_("; triangles mark funding rounds") if rounds else "")
    caption += (_("; the red line is the month cash runs out, shading the months with cash {short}.", short=short)
                if cash_out is not None else _("; cash does not run out within the horizon."))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title))


def scenarios_cash_chart(chart_id: str, title: str, months: list[dt.date], series: list[Series],
                         currency: str, cash_outs: list[int | None]) -> Chart:
    """Closing cash of every scenario on one axis, each cash-out month marked with a cross."""
    fig, ax = new_figure(chart_id, WIDE)
    with matplotlib.rc_context(style(chart_id)):
        x = [_mid(m) for m in months]
        for k, (s, out) in enumerate(zip(series, cash_outs)):
            colour = s.colour
            ax.plot(x, s.values, color=colour, linewidth=2, linestyle=SCENARIO_STYLES[k % 4],
                    label=s.label + (_(" (runs out {month})", month=fmt.month_of(months[out])) if out is not None else ""))
            if out is not None:
                ax.plot([x[out]], [s.values[out]], marker="X", markersize=10, color=colour,
                        markeredgecolor="white", linestyle="none")
        ax.axhline(0, color="#555", linewidth=0.8)
        month_axis(ax, months)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Cash at month end ({currency})", currency=currency))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    caption = _("Closing cash of every scenario; a cross marks the month a scenario runs out of cash.")
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title))


def stacked_chart(chart_id: str, title: str, months: list[dt.date], series: list[Series],
                  currency: str, what: str) -> Chart:
    """Monthly amounts by block, stacked (each month a step, so lump payments show as such)."""
    fig, ax = new_figure(chart_id)
    with matplotlib.rc_context(style(chart_id)):
        edges = list(months) + [_month_end(months[-1])]
        base = np.zeros(len(months))
        shown = [s for s in series if np.any(s.values != 0)]
        for s in shown:
            top = base + s.values
            ax.stairs(top, edges, baseline=base, fill=True, color=s.colour, label=s.label, linewidth=0)
            base = top
        if not shown:
            ax.text(0.5, 0.5, _("No revenue in this scenario") if what == "revenue" else _("No costs in this scenario"), transform=ax.transAxes, ha="center",
                    color="#555")
        month_axis(ax, months)
        money_axis(ax, currency)
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        ax.set_ylabel(_("Revenue per month ({currency})", currency=currency) if what == "revenue"
                      else _("Costs per month ({currency})", currency=currency))
        if shown:
            ax.legend(loc="upper left")
    caption = (_("Monthly revenue by block, stacked: the top edge is the total.") if what == "revenue"
               else _("Monthly costs by block, stacked: the top edge is the total."))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title))


def break_even_chart(chart_id: str, title: str, years: list[str], revenue: list[float],
                     costs: list[float], currency: str, break_even: dt.date | None,
                     first_year: int) -> Chart:
    """Annual revenue against annual costs, with the break-even month marked on the year axis.

    Bar i is calendar year ``first_year + i``; a month sits at its share of the way through its year.
    """
    fig, ax = new_figure(chart_id)
    with matplotlib.rc_context(style(chart_id)):
        idx = np.arange(len(years))
        ax.bar(idx - 0.2, revenue, width=0.4, color=REVENUE_COLOUR, label=_("Revenue"))
        ax.bar(idx + 0.2, costs, width=0.4, color=COST_COLOUR, label=_("Costs"))
        ax.plot(idx, np.asarray(revenue) - np.asarray(costs), color="#333", marker="o", markersize=3.5,
                linewidth=1.2, label=_("Operating cash flow"))
        ax.axhline(0, color="#555", linewidth=0.8)
        if break_even is not None:
            pos = break_even.year - first_year - 0.5 + (break_even.month - 0.5) / 12
            side = _side((pos + 0.5) / len(years))
            ax.axvline(pos, color=FUNDING_COLOUR, linewidth=1.5, linestyle="--")
            ax.annotate(_("Break-even: {month}", month=fmt.month_of(break_even)), (pos, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(side["dx"] * 0.7, -4),
                        textcoords="offset points", ha=side["ha"], va="top", color=FUNDING_COLOUR,
                        fontweight="bold", fontsize=9, bbox=LABEL_BOX)
        else:
            ax.text(0.99, 0.97, _("No break-even within the horizon"), transform=ax.transAxes,
                    ha="right", va="top", color=OUT_COLOUR, fontsize=9, fontweight="bold", bbox=LABEL_BOX)
        ax.set_xticks(idx, years)
        ax.grid(axis="x", visible=False)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Per year ({currency})", currency=currency))
        ax.set_xlabel(_("Calendar year"))
        fig.legend(loc="outside lower center", ncols=3)
    caption = _("Revenue and costs per calendar year. Break-even is the first month whose trailing "
                "twelve months of operating cash flow are zero or more.")
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title))
