"""The chart drawing's shortcuts (:mod:`cashcast.reports.html.measure_once`, the workers' garbage
collection in :mod:`cashcast.reports.html.render`) change the time, never the SVG.

Each chart of both examples is drawn twice: with every shortcut on (as the report draws it) and
with matplotlib's own functions (no shortcut); the two SVGs must be the same bytes. A shortcut
keyed on too little (ticks kept when the font size changed, a text's box kept when its alignment
changed, a bar's limits taken from the wrong corners) moves a tick, a label or the axes, and the
bytes differ. The keys and the bars' limits are also checked on their own, against matplotlib.
"""
from __future__ import annotations

import gc

import matplotlib
import pytest
from matplotlib import axis, text
from matplotlib.axes._base import _AxesBase
from matplotlib.figure import Figure

from cashcast.models.analysis.pipeline import compute
from cashcast.reports.html.measure_once import layout_key, measure_once, rectangle_limits, tick_key
from cashcast.reports.html.page import report_context
from cashcast.reports.html.render import YOUNG, deferred, seldom_collected
from tests.helpers import EXAMPLES

FLAGSHIPS = [p for p in EXAMPLES if p.stem in ("openai", "xiaoice_rmb")]


def svgs(chart) -> list[str]:
    return [str(p.svg) for p in chart.panels] if hasattr(chart, "panels") else [str(chart.svg)]


def matplotlib_own() -> tuple:
    return (axis.Axis._update_ticks, text.Text._get_layout, _AxesBase._update_patch_limits,
            text._get_text_metrics_with_cache, text.get_font)


@pytest.mark.parametrize("path", FLAGSHIPS, ids=[p.stem for p in FLAGSHIPS])
def test_every_chart_is_the_same_bytes_with_and_without_the_shortcuts(path):
    outcome = compute(path, samples=300)
    with deferred() as pending:
        report_context(outcome)
    own = matplotlib_own()
    with measure_once(), seldom_collected():
        assert matplotlib_own() != own  # the shortcuts are in place
        fast = [svgs(chart.draw()) for chart in pending]
    assert matplotlib_own() == own  # and matplotlib's own functions back after
    assert len(fast) >= 30 and sum(map(len, fast)) >= 40  # charts, and figures (with the panels)
    for chart, svg in zip(pending, fast):
        assert svgs(chart.draw()) == svg, chart._call[1][0]


def test_garbage_collection_settings_come_back():
    before = gc.get_threshold()
    with seldom_collected():
        assert gc.get_threshold()[0] == YOUNG and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _axes():
    fig = Figure(figsize=(4, 3), dpi=72)
    ax = fig.add_subplot()
    ax.plot([0, 10], [0, 5])
    return fig, ax


def test_tick_key_follows_what_ticks_depend_on():
    fig, ax = _axes()
    key = tick_key(ax.yaxis)
    assert tick_key(ax.yaxis) == key
    with matplotlib.rc_context({"font.size": 20}):  # fewer labels of that size fit
        assert tick_key(ax.yaxis) != key
    ax.set_position([0.2, 0.2, 0.5, 0.5])  # a shorter axis holds fewer ticks
    moved = tick_key(ax.yaxis)
    assert moved != key
    ax.set_ylim(0, 7)
    assert tick_key(ax.yaxis) != moved


def test_ticks_follow_the_font_size_within_measure_once():
    """The case a key without the font size got wrong: the same axes, measured at two sizes."""
    expected = {}
    for size in (9.0, 30.0):
        fig, ax = _axes()
        with matplotlib.rc_context({"font.size": size}):
            expected[size] = [t.get_loc() for t in ax.yaxis._update_ticks()]
    assert len(expected[9.0]) > len(expected[30.0])
    fig, ax = _axes()
    with measure_once():
        for size in (9.0, 30.0, 9.0):
            with matplotlib.rc_context({"font.size": size}):
                assert [t.get_loc() for t in ax.yaxis._update_ticks()] == expected[size]


def test_layout_key_follows_the_text_and_its_alignment():
    fig, ax = _axes()
    renderer = fig._get_renderer()
    t = ax.text(1, 1, "$12B", ha="left")
    key = layout_key(t, renderer)
    assert layout_key(t, renderer) == key
    t.set_position((3, 4))  # a text's layout is about its anchor: where it is does not matter
    assert layout_key(t, renderer) == key
    for change in (lambda: t.set_ha("right"), lambda: t.set_text("$13B"), lambda: t.set_fontsize(20),
                   lambda: t.set_rotation(90), lambda: t.set_va("top")):
        change()
        assert layout_key(t, renderer) != key
        key = layout_key(t, renderer)
    t.set_wrap(True)  # a wrapped text's lines depend on where it is: never kept
    assert layout_key(t, renderer) is None


@pytest.mark.parametrize("draw", [
    lambda ax: ax.bar([1, 2, 3], [4.0, -2.5, 0.0], width=0.4, bottom=[0.0, 1.0, -3.0]),
    lambda ax: ax.barh([0.0, 1.0], [-7.25, 3.5], left=1.5, height=0.5),
    lambda ax: ax.bar([10.0, 20.0], [0.0, 0.0], width=0.0),  # no width, no height: left out
    lambda ax: (ax.set_yscale("log"), ax.bar([1, 2], [30.0, 0.02], bottom=0.01)),
    lambda ax: ax.axvspan(2.0, 5.5),  # not a plain rectangle's transform: matplotlib's own way
], ids=["bars", "horizontal", "empty", "log", "span"])
def test_rectangle_limits_are_matplotlib_s(draw):
    limits = []
    for fast in (False, True):
        fig = Figure()
        ax = fig.add_subplot()
        original = _AxesBase._update_patch_limits
        if fast:
            _AxesBase._update_patch_limits = lambda self, patch: rectangle_limits(self, patch, original)
        try:
            draw(ax)
        finally:
            _AxesBase._update_patch_limits = original
        limits.append((ax.dataLim.get_points().tolist(), ax.dataLim.minpos.tolist()))
    assert limits[1] == limits[0]
