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
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cashcast.reports import fmt
from cashcast.reports.html.chart_layout import lay_out
from cashcast.reports.html.chart_text import DataTable, declutter, yearly_table
from cashcast.reports.i18n import _, ngettext

# Every chart is 6.4 in (460.8 SVG units) wide with text of at least TEXT units, so that on a 390 px
# phone (about 366 px of page width) its smallest text is still 9 px: 11.5 × 366 / 460.8 = 9.1.
TEXT, TITLE = 11.5, 13.0
HALF = (6.4, 4.4)
WIDE = (6.4, 4.6)
PANEL = (4.6, 3.3)     # a small multiple: shown at most ~360 px wide, so its text is smaller (see SMALL)
SMALL = 9.0            # 9 × 330 / 331.2 ≈ 9 px in a 330 px column
# Okabe–Ito: distinguishable under the common colour-vision deficiencies. Lines and marks use the
# colours; text uses the darker INK variants, which reach WCAG AA (4.5:1) on white.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
CASH_COLOUR, OUT_COLOUR, FUNDING_COLOUR = OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"]
REVENUE_COLOUR, COST_COLOUR = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
OUT_INK, FUNDING_INK, CASH_INK = "#A33A00", "#006B4F", "#005A8C"
COST_HATCH = "///"
PALETTE = tuple(OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black",
                                        "yellow"))
SCENARIO_STYLES = ("-", "--", "-.", ":")
LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}


@dataclass
class Chart:
    """One rendered chart: an id unique in the page, its title, a caption, the SVG markup and its
    figures as text (``table``, shown under it for readers who cannot see it)."""

    id: str
    title: str
    caption: str
    svg: Markup
    table: DataTable | None = None


@dataclass
class ChartSet:
    """Small multiples: one titled figure of several charts (``panels``) that share a caption and a
    data table; each panel has its own scale."""

    id: str
    title: str
    caption: str
    panels: list[Chart]
    table: DataTable | None = None


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
        "font.size": TEXT,
        "axes.titlesize": TITLE,
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
        "legend.fontsize": TEXT,
        "text.parse_math": False,        # workbook text with two $ signs stays text
    }


PATH_DATA = re.compile(r' d="([^"]*)"')
DECIMALS = re.compile(r"(\d+\.\d\d)\d+")


def _compact_path(m: re.Match) -> str:
    """Path data with coordinates to 1/100 point (far below a pixel) and single spaces."""
    data = DECIMALS.sub(r"\1", m.group(1))
    return ' d="' + " ".join(data.split()) + '"'


def to_svg(fig: Figure, chart_id: str, title: str, described_by: str = "") -> Markup:
    """Render a figure to SVG markup for inlining: no XML prolog, no metadata, ids made unique,
    path coordinates rounded to 1/100 point; described by the element ``described_by`` (by default
    the chart's caption, ``<chart id>-caption``)."""
    buf = io.StringIO()
    with matplotlib.rc_context(style(chart_id)):
        lay_out(fig)
        fig.canvas.print_svg(buf, metadata={"Date": None, "Creator": None})  # one draw, no layout
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = PATH_DATA.sub(_compact_path, text)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'(\sid=")', rf"\1{chart_id}-", text)
    text = re.sub(r'(xlink:href="#|href="#|url\(#)', rf"\1{chart_id}-", text)
    head, rest = text.split(">", 1)  # the <svg ...> start tag: drop its fixed size, keep the viewBox
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    head = head.replace("<svg", f'<svg role="img" aria-label="{escape(title)}" '
                                f'aria-describedby="{described_by or chart_id + "-caption"}" class="chart-svg"', 1)
    return Markup(f"{head}>{rest}")


def new_figure(chart_id: str, size=HALF) -> tuple[Figure, object]:
    """A figure with one axes, created under the chart style, on an SVG canvas at 72 dpi: its text
    is measured (for the layout and :func:`~cashcast.reports.html.chart_text.declutter`) by the
    renderer that writes it."""
    with matplotlib.rc_context(style(chart_id)):
        fig = Figure(figsize=size, dpi=72, layout="constrained")
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
    return fig, ax


def money_axis(ax, currency: str, axis: str = "y") -> None:
    """Tick labels as compact money: $2B, −$500M, ¥3亿."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.money(v, currency)))


def month_axis(ax, months: list[dt.date]) -> None:
    """A time axis labelled by year (or by month for short horizons)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    span = len(months)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y") if span > 24 else
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


def _rounds_by_year(rounds: list[tuple[int, str, float]], months: list[dt.date]) -> list[tuple[int, str, float, int]]:
    """Funding rounds grouped by calendar year: (first month index, label, total, count), so that
    several rounds in one year get one label ('2 rounds' in place of their names)."""
    groups: dict[int, list] = {}
    for t, name, amount in rounds:
        groups.setdefault(months[t].year, []).append((t, name, amount))
    out = []
    for items in groups.values():
        total = sum(a for _t, _n, a in items)
        label = items[0][1] if len(items) == 1 else ngettext("{n} round", "{n} rounds", len(items))
        out.append((items[0][0], label, total, len(items)))
    return out


def _low(cash: np.ndarray) -> int:
    """The month of the lowest closing cash (the first, if it repeats)."""
    return int(np.argmin(np.asarray(cash)))


def cash_chart(chart_id: str, title: str, months: list[dt.date], cash: np.ndarray, currency: str,
               floor: float, rounds: list[tuple[int, str, float]], cash_out: int | None,
               colour: str = CASH_COLOUR) -> Chart:
    """Closing cash over time; funding rounds marked (one label per year), the lowest cash marked,
    the months short of cash shaded and the cash-out month drawn as a line.

    ``rounds`` holds (month index, round name, amount); ``cash_out`` the cash-out month index.
    """
    fig, ax = new_figure(chart_id)
    T = len(months)
    labels = []
    with matplotlib.rc_context(style(chart_id)):
        x = [_mid(m) for m in months]
        ax.plot(x, cash, color=colour, linewidth=2, label=_("Closing cash"))
        ax.axhline(0, color="#555", linewidth=0.8)
        if floor:
            ax.axhline(floor, color=OUT_COLOUR, linewidth=1, linestyle="--",
                       label=_("Minimum cash {amount}", amount=fmt.money(floor, currency)))
        for a, b in _runs(np.asarray(cash) < floor):
            ax.axvspan(months[a], _month_end(months[b]), color=OUT_COLOUR, alpha=0.1, lw=0)
        for k, (t, name, amount) in enumerate(rounds):
            ax.plot([x[t]], [cash[t]], marker="^", markersize=9, color=FUNDING_COLOUR, linestyle="none",
                    label=_("Funding round") if k == 0 else None)
        for t, name, amount, _n in _rounds_by_year(rounds, months):
            side = _side(t / T)
            labels.append(ax.annotate(f"{name} +{fmt.money(amount, currency)}", (x[t], cash[t]),
                                      xytext=(side["dx"], 6), textcoords="offset points", ha=side["ha"],
                                      va="bottom", color=FUNDING_INK, bbox=LABEL_BOX))
        low = _low(cash)
        ax.plot([x[low]], [cash[low]], marker="o", markersize=7, color=CASH_INK, linestyle="none",
                label=_("Lowest cash"))
        side = _side(low / T)
        labels.append(ax.annotate(_("Low {amount}, {month}", amount=fmt.money(cash[low], currency), month=fmt.month_of(months[low])),
                                  (x[low], cash[low]), xytext=(side["dx"], -8), textcoords="offset points",
                                  ha=side["ha"], va="top", color=CASH_INK, bbox=LABEL_BOX))
        if cash_out is not None:
            side = _side(cash_out / T)
            ax.axvline(months[cash_out], color=OUT_COLOUR, linewidth=1.5)
            labels.insert(0, ax.annotate(
                _("Runs out {month}", month=fmt.month_of(months[cash_out])), (months[cash_out], 1.0),
                xycoords=("data", "axes fraction"), xytext=(side["dx"] * 0.7, -4), textcoords="offset points",
                ha=side["ha"], va="top", color=OUT_INK, fontweight="bold", bbox=LABEL_BOX))
        ax.margins(y=0.2)
        month_axis(ax, months)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Cash at month end ({currency})", currency=currency))
        fig.legend(loc="outside lower center", ncols=2)
        declutter(fig, labels)
    short = _("below the minimum") if floor else _("below zero")
    caption = _("Closing cash each month") + (_("; triangles mark funding rounds") if rounds else "")
    caption += _("; the dot marks the lowest cash")
    caption += (_("; the red line is the month cash runs out, shading the months with cash {short}.", short=short)
                if cash_out is not None else _("; cash does not run out within the horizon."))
    table = yearly_table(months, [(_("Closing cash (year end)"), cash)], lambda v: fmt.money(v, currency))
    table.note = rounds_note(rounds, months, currency)
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)


def rounds_note(rounds: list[tuple[int, str, float]], months: list[dt.date], currency: str) -> str:
    """The funding rounds in words, for a chart's data table: 'Funding: Seed $1.5M (Jan 2024).'"""
    if not rounds:
        return _("No funding round.")
    return _("Funding: {rounds}.", rounds=_("; ").join(
        _("{name} {amount} ({month})", name=name, amount=fmt.money(a, currency), month=fmt.month_of(months[t]))
        for t, name, a in rounds))


def scenario_panel(chart_id: str, title: str, months: list[dt.date], cash: np.ndarray, currency: str,
                   rounds: list[tuple[int, str, float]], cash_out: int | None, colour: str,
                   described_by: str) -> Chart:
    """One small multiple of the scenario overview: a scenario's closing cash on its own scale, its
    funding rounds (triangles), its lowest cash (a dot, labelled) and its cash-out month (a cross)."""
    fig, ax = new_figure(chart_id, PANEL)
    labels = []
    with matplotlib.rc_context(style(chart_id) | {"font.size": SMALL, "axes.titlesize": SMALL + 1}):
        x = [_mid(m) for m in months]
        ax.plot(x, cash, color=colour, linewidth=2)
        ax.axhline(0, color="#555", linewidth=0.8)
        for t, _name, _amount in rounds:
            ax.plot([x[t]], [cash[t]], marker="^", markersize=8, color=FUNDING_COLOUR, linestyle="none")
        low = _low(cash)
        ax.plot([x[low]], [cash[low]], marker="o", markersize=6, color=CASH_INK, linestyle="none")
        side = _side(low / len(months))
        labels.append(ax.annotate(_("Low {amount}, {month}", amount=fmt.money(cash[low], currency), month=fmt.month_of(months[low])),
                                  (x[low], cash[low]), xytext=(side["dx"], -6), textcoords="offset points",
                                  ha=side["ha"], va="top", color=CASH_INK, fontsize=SMALL, bbox=LABEL_BOX))
        if cash_out is not None:
            ax.plot([x[cash_out]], [cash[cash_out]], marker="X", markersize=10, color=OUT_COLOUR,
                    markeredgecolor="white", linestyle="none")
            side = _side(cash_out / len(months))
            labels.insert(0, ax.annotate(_("Runs out {month}", month=fmt.month_of(months[cash_out])), (x[cash_out], cash[cash_out]),
                                         xytext=(side["dx"], 8), textcoords="offset points", ha=side["ha"],
                                         va="bottom", color=OUT_INK, fontsize=SMALL, fontweight="bold",
                                         bbox=LABEL_BOX))
        ax.margins(y=0.25)
        month_axis(ax, months)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Cash ({currency})", currency=currency))
        declutter(fig, labels)
    return Chart(chart_id, title, "", to_svg(fig, chart_id, title, described_by))


def scenarios_cash_chart(chart_id: str, title: str, months: list[dt.date], series: list[Series],
                         currency: str, cash_outs: list[int | None],
                         rounds: list[list[tuple[int, str, float]]]) -> ChartSet:
    """Closing cash of every scenario as small multiples, each on its own scale so the smallest
    scenario stays legible beside one a hundred times larger; rounds, lows and cash-outs marked."""
    panels = [scenario_panel(f"{chart_id}-{k + 1}", s.label, months, s.values, currency, r, out, s.colour,
                             f"{chart_id}-caption")
              for k, (s, out, r) in enumerate(zip(series, cash_outs, rounds))]
    caption = _("Closing cash of each scenario, each on its own scale (compare the axis labels, not the "
                "heights): triangles mark funding rounds, the dot the lowest cash, a cross the month a "
                "scenario runs out of cash.")
    table = yearly_table(months, [(s.label, s.values) for s in series], lambda v: fmt.money(v, currency),
                         first=_("Year end"))
    lows = [_("{scenario} {amount} in {month}", scenario=s.label, amount=fmt.money(s.values[_low(s.values)], currency),
              month=fmt.month_of(months[_low(s.values)])) for s in series]
    table.note = _("Lowest cash: {lows}.", lows=_("; ").join(lows))
    return ChartSet(chart_id, title, caption, panels, table)


def stacked_chart(chart_id: str, title: str, months: list[dt.date], series: list[Series],
                  currency: str, what: str) -> Chart:
    """Monthly amounts by block, stacked (each month a step, so lump payments show as such); every
    other layer hatched, so neighbours differ by more than their colour."""
    fig, ax = new_figure(chart_id, (HALF[0], HALF[1] + 0.3))
    with matplotlib.rc_context(style(chart_id)):
        edges = list(months) + [_month_end(months[-1])]
        base = np.zeros(len(months))
        shown = [s for s in series if np.any(s.values != 0)]
        for k, s in enumerate(shown):
            top = base + s.values
            ax.stairs(top, edges, baseline=base, fill=True, facecolor=s.colour, label=s.label, linewidth=0,
                      hatch="//" if k % 2 else None, edgecolor="white")
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
            fig.legend(loc="outside lower center", ncols=2 if len(shown) > 1 else 1)
    caption = (_("Monthly revenue by block, stacked: the top edge is the total.") if what == "revenue"
               else _("Monthly costs by block, stacked: the top edge is the total."))
    table = yearly_table(months, [(s.label, s.values) for s in shown], lambda v: fmt.money(v, currency), "sum")
    table.note = (_("Revenue per calendar year by block.") if what == "revenue"
                  else _("Costs per calendar year by block."))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)


def break_even_chart(chart_id: str, title: str, years: list[str], revenue: list[float],
                     costs: list[float], currency: str, break_even: dt.date | None,
                     first_year: int) -> Chart:
    """Annual revenue against annual costs (hatched), with the break-even month marked on the year axis.

    Bar i is calendar year ``first_year + i``; a month sits at its share of the way through its year.
    """
    fig, ax = new_figure(chart_id)
    with matplotlib.rc_context(style(chart_id)):
        idx = np.arange(len(years))
        ax.bar(idx - 0.2, revenue, width=0.4, color=REVENUE_COLOUR, label=_("Revenue"))
        ax.bar(idx + 0.2, costs, width=0.4, facecolor=COST_COLOUR, hatch=COST_HATCH, edgecolor="white",
               linewidth=0, label=_("Costs"))
        ax.plot(idx, np.asarray(revenue) - np.asarray(costs), color="#000", marker="o", markersize=4,
                linewidth=1.4, label=_("Operating cash flow"))
        ax.axhline(0, color="#555", linewidth=0.8)
        label = []
        if break_even is not None:
            pos = break_even.year - first_year - 0.5 + (break_even.month - 0.5) / 12
            side = _side((pos + 0.5) / len(years))
            ax.axvline(pos, color=FUNDING_COLOUR, linewidth=1.5, linestyle="--")
            label.append(ax.annotate(_("Break-even {month}", month=fmt.month_of(break_even)), (pos, 1.0),
                                     xycoords=("data", "axes fraction"), xytext=(side["dx"] * 0.7, -4),
                                     textcoords="offset points", ha=side["ha"], va="top", color=FUNDING_INK,
                                     fontweight="bold", bbox=LABEL_BOX))
        else:
            ax.text(0.99, 0.97, _("No break-even within the horizon"), transform=ax.transAxes,
                    ha="right", va="top", color=OUT_INK, fontweight="bold", bbox=LABEL_BOX)
        ax.set_xticks(idx, [y.split("\n")[0] if len(years) > 6 else y for y in years])
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.18)
        money_axis(ax, currency)
        ax.set_title(title)
        ax.set_ylabel(_("Per year ({currency})", currency=currency))
        fig.legend(loc="outside lower center", ncols=2)
        declutter(fig, label)
    caption = _("Revenue and costs (hatched) per calendar year. Break-even is the first month whose "
                "trailing twelve months of operating cash flow are zero or more.")
    show = lambda v: fmt.money(v, currency)  # noqa: E731
    table = DataTable([_("Year"), _("Revenue"), _("Costs"), _("Operating cash flow")],
                      [[y.replace("\n", " "), show(r), show(c), show(r - c)]
                       for y, r, c in zip(years, revenue, costs)],
                      _("Break-even: {month}.", month=fmt.month_of(break_even) if break_even else _("not within the horizon")))
    return Chart(chart_id, title, caption, to_svg(fig, chart_id, title), table)
