"""What makes a chart readable by everyone: labels that never overlap, and the chart's data as text.

:func:`declutter` moves a chart's direct labels (annotations) until no two texts of the figure
overlap; :class:`DataTable` is a chart's figures as a small table, shown under the chart in a
``<details>`` for screen-reader users and for anyone who wants the numbers; :func:`yearly_table`
builds one from monthly series (one row per calendar year).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from cashcast.reports.html.chart_layout import lay_out
from cashcast.reports.i18n import _

GAP = 2.0      # display units (points at 72 dpi) kept between two texts
TRIES = 12     # offsets tried for one label before it is left where it is


@dataclass
class DataTable:
    """A chart's figures as text: column headings and rows of already formatted cells; ``note``
    says what the rows are (a sentence shown above the table)."""

    headings: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def yearly_table(months: list[dt.date], series: list[tuple[str, np.ndarray]], show, how: str = "end",
                 first: str | None = None) -> DataTable:
    """One row per calendar year, one column per series: the year-end value (``how='end'``, for a
    balance) or the year's total (``how='sum'``, for a flow), each formatted by ``show``; the first
    column is headed ``first`` (by default "Year", translated).

    >>> import numpy as np, datetime as dt
    >>> months = [dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1)]
    >>> yearly_table(months, [("Cash", np.array([5.0, 7.0, 2.0]))], str).rows
    [['2023', '7.0'], ['2024', '2.0']]
    >>> yearly_table(months, [("Cost", np.array([5.0, 7.0, 2.0]))], str, "sum").rows
    [['2023', '12.0'], ['2024', '2.0']]
    """
    years = sorted({m.year for m in months})
    rows = []
    for y in years:
        idx = [t for t, m in enumerate(months) if m.year == y]
        cells = [show(float(v[idx[-1]]) if how == "end" else float(np.sum(np.asarray(v)[idx])))
                 for _label, v in series]
        rows.append([str(y)] + cells)
    return DataTable([first or _("Year")] + [label for label, _v in series], rows)


def _extent(t: Text, renderer) -> Bbox | None:
    if not t.get_visible() or not t.get_text().strip():
        return None
    box = t.get_window_extent(renderer)
    return box if box.width > 0 and box.height > 0 else None


def _hits(a: Bbox, b: Bbox) -> bool:
    return (a.x0 < b.x1 + GAP and b.x0 < a.x1 + GAP and a.y0 < b.y1 + GAP and b.y0 < a.y1 + GAP)


def figure_texts(fig: Figure) -> list[Text]:
    """Every text the figure draws: titles, axis labels, tick labels, legends, annotations."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _inside(box: Bbox, fig_box: Bbox) -> bool:
    return box.x0 >= fig_box.x0 and box.x1 <= fig_box.x1 and box.y0 >= fig_box.y0 and box.y1 <= fig_box.y1


def _place(label: Annotation, others: list[Bbox], renderer, fig_box: Bbox) -> None:
    """Move one label up or down (in steps of its height) to the nearest offset where it overlaps no
    other text and stays inside the figure."""
    x, y = label.xyann
    box = _extent(label, renderer)
    if box is None:
        return
    step = box.height / label.figure.dpi * 72 + GAP
    for k in range(TRIES + 1):
        for dy in ((0,) if k == 0 else (k * step, -k * step)):
            label.xyann = (x, y + dy)
            here = _extent(label, renderer)
            if _inside(here, fig_box) and not any(_hits(here, o) for o in others):
                return
    label.xyann = (x, y)


def declutter(fig: Figure, labels: list[Annotation]) -> None:
    """Lay the figure out (for good), then move each of ``labels`` (in order) off every text placed
    before it and every other text of the figure (ticks, titles), and off the legends' boxes."""
    if not lay_out(fig):  # the layout measured no text where it now is: draw it to place them
        fig.draw_without_rendering()
    renderer = fig._get_renderer()  # the SVG renderer at 72 dpi (new_figure's canvas)
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    inside = {id(t) for legend in legends for t in legend.findobj(Text)}  # placed only when drawn
    fixed = [t for t in figure_texts(fig) if t not in labels and id(t) not in inside]
    placed = [b for b in (_extent(t, renderer) for t in fixed) if b is not None]
    placed += [legend.get_window_extent(renderer) for legend in legends]
    fig_box = fig.bbox
    for label in labels:
        if label.anncoords != "offset points":
            continue
        _place(label, placed, renderer, fig_box)
        box = _extent(label, renderer)
        if box is not None:
            placed.append(box)
