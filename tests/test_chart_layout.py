"""The charts' one-pass layout (reports/html/chart_layout.py) places the axes where matplotlib's
constrained layout does, and leaves every text measured where it is drawn (so declutter needs no draw).

Each figure is built twice, the same way: one laid out by matplotlib's ConstrainedLayoutEngine, the
other by ``lay_out``; the axes boxes must agree to 1/1000 point. The figures are like the report's:
money and date axes, a title, a y label, a legend below, an annotation reaching past the plot (which
moves with the axes, so a third measurement is needed), and a tall tornado-like figure.
"""
from __future__ import annotations

import datetime as dt

import matplotlib
import numpy as np
import pytest

from cashcast.reports.html import charts
from cashcast.reports.html.chart_layout import lay_out, simple
from cashcast.reports.html.chart_text import figure_texts

MONTHS = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(60)]


def cash_figure(overhang: bool = False, legend: bool = True, size=charts.HALF):
    fig, ax = charts.new_figure("t", size)
    with matplotlib.rc_context(charts.style("t")):
        cash = 3e9 - 1.2e8 * np.arange(60) + 2e6 * np.arange(60) ** 2
        ax.plot(MONTHS, cash, label="Closing cash")
        ax.axhline(0, color="#555")
        if overhang:  # labels in data coordinates running past the plot's right and left
            ax.annotate("Runs out in a long while, Dec 2028", (MONTHS[-3], cash[-3]), xytext=(6, 0),
                        textcoords="offset points", annotation_clip=False)
            ax.annotate("Opening cash, Jan 2024", (MONTHS[2], cash[2]), xytext=(-6, 0), ha="right",
                        textcoords="offset points", annotation_clip=False)
        charts.month_axis(ax, MONTHS)
        charts.money_axis(ax, "USD")
        ax.set_title("Cash balance — Base case")
        ax.set_ylabel("Cash at month end (USD)")
        if legend:
            fig.legend(loc="outside lower center", ncols=2)
    return fig, ax


def points(box, fig) -> np.ndarray:
    return np.array(box.extents) * np.tile([fig.bbox.width, fig.bbox.height], 2) * 72 / fig.dpi


@pytest.mark.parametrize("overhang, legend, size", [(False, True, charts.HALF), (True, True, charts.WIDE),
                                                    (False, False, charts.PANEL), (True, False, (6.4, 9.5))])
def test_lay_out_places_the_axes_where_the_constrained_layout_does(overhang, legend, size):
    theirs, ax_theirs = cash_figure(overhang, legend, size)
    ours, ax_ours = cash_figure(overhang, legend, size)
    assert simple(ours)
    with matplotlib.rc_context(charts.style("t")):
        theirs.get_layout_engine().execute(theirs)
        start = points(ax_ours.get_position(), ours)
        assert lay_out(ours) is True
    expected = points(ax_theirs.get_position(), theirs)
    assert np.abs(points(ax_ours.get_position(), ours) - expected).max() < 1e-3
    assert np.abs(start - expected).max() > 1.0  # the layout did move the axes
    assert ours.get_layout_engine().execute(ours) is None  # fixed: the engine left does nothing


def test_texts_are_measured_where_a_draw_would_put_them():
    fig, ax = cash_figure(overhang=True, size=charts.WIDE)  # placed twice, then measured again
    with matplotlib.rc_context(charts.style("t")):
        assert lay_out(fig)
        renderer = fig._get_renderer()
        legend_texts = {id(t) for t in fig.legends[0].findobj(matplotlib.text.Text)}
        texts = [t for t in figure_texts(fig) if id(t) not in legend_texts]
        before = [points(fig.transFigure.inverted().transform_bbox(t.get_window_extent(renderer)), fig)
                  for t in texts]
        fig.draw_without_rendering()
        after = [points(fig.transFigure.inverted().transform_bbox(t.get_window_extent(renderer)), fig)
                 for t in texts]
    assert len(texts) > 8  # ticks, title, y label, the annotation
    assert np.abs(np.array(before) - np.array(after)).max() < 1e-6


def test_a_figure_of_two_axes_gets_matplotlib_s_layout():
    fig, ax = charts.new_figure("t")
    fig.add_subplot(2, 1, 2)
    assert not simple(fig)
    with matplotlib.rc_context(charts.style("t")):
        assert lay_out(fig) is False  # laid out by matplotlib: its texts not known to be measured
    assert fig.get_layout_engine().execute(fig) is None
    assert ax.get_position().x0 > 0.05  # room for the tick labels was made
