"""The charts' layout: matplotlib's constrained layout for a figure of one axes, done once.

Every chart (and every small multiple) is one axes, with or without a figure legend below it. For
that figure the constrained layout (``layout="constrained"``) reduces to: the axes box is the figure
less a pad on each side (``w_pad``, ``h_pad``), less the legend's height and two pads at the bottom,
less the room its decorations take beyond it (tick labels, axis labels, title, labels drawn outside
the plot). Matplotlib measures those decorations twice per layout (the second time because tick
labels can change when the axes change size), lays the figure out at every draw, and ``savefig``
draws twice. :func:`lay_out` measures, places the axes, measures again and places them again only
if the decorations changed (a label beyond the plot that moves with it, as a tornado's bar labels
do; then a third measurement); the axes then stay where they are (the layout engine is set to ``"none"``), so the one
draw that writes the SVG lays out nothing, and the texts were last measured where they are drawn
(so :func:`~cashcast.reports.html.chart_text.declutter` needs no draw).
"""
from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import Bbox

PLACEMENTS = 2  # as matplotlib's constrained layout
SAME = 1e-3  # points: rooms closer than this are the same (the SVG writes paths to 1/100 point)


def _room(ax, renderer) -> tuple[float, float, float, float]:
    """(left, bottom, right, top): how far the axes' decorations reach beyond its box, in figure
    fractions (what ``_constrained_layout.get_pos_and_bbox`` measures)."""
    fig = ax.figure
    pos = ax.get_position(original=True)
    tight = ax.get_tightbbox(renderer, for_layout_only=True)
    if tight is None:
        return 0.0, 0.0, 0.0, 0.0
    box = tight.transformed(fig.transFigure.inverted())
    return pos.x0 - box.x0, pos.y0 - box.y0, box.x1 - pos.x1, box.y1 - pos.y1


def _legend_room(fig: Figure, renderer, h_pad: float) -> float:
    """The height (figure fraction) kept at the bottom for the figure's legends placed below it."""
    room = 0.0
    for leg in fig.legends:
        if leg._outside_loc == "lower" and leg._bbox_to_anchor is None:
            box = fig.transFigure.inverted().transform_bbox(leg.get_tightbbox(renderer))
            room = max(room, box.height + 2 * h_pad)
    return room


def _same(a: tuple, b: tuple, fig: Figure) -> bool:
    """Two rooms (figure fractions) equal within :data:`SAME` points."""
    width, height = fig.bbox.width * 72 / fig.dpi, fig.bbox.height * 72 / fig.dpi
    return all(abs(x - y) * size < SAME for x, y, size in zip(a, b, (width, height) * 2))


def simple(fig: Figure) -> bool:
    """A figure :func:`lay_out` places as constrained layout would: one axes filling a 1 × 1 grid,
    legends only below it, no colorbar, subfigure or suptitle."""
    if len(fig.axes) != 1 or fig.subfigs or fig._suptitle or fig._supxlabel or fig._supylabel:
        return False
    ax = fig.axes[0]
    spec = ax.get_subplotspec()
    return (spec is not None and spec.get_gridspec().get_geometry() == (1, 1) and not ax._colorbars
            and all(leg._outside_loc == "lower" and leg._bbox_to_anchor is None for leg in fig.legends))


def lay_out(fig: Figure) -> bool:
    """Lay a figure out once and keep it (the layout engine set to ``"none"``); True when its texts
    were last measured where they now are (tick labels, axis labels, title, labels), so that they
    can be measured again without a draw.

    A :func:`simple` figure with the constrained layout is placed here as matplotlib would place
    it: measured and placed twice, except that when the second measurement finds what the first did
    the axes are already where the second placement would put them; when it does not (a label in
    data coordinates beyond the plot moves with it), the figure is placed again and measured a third
    time, so its texts are known where they are drawn. Another figure with the constrained layout
    gets matplotlib's layout; a figure without is left as it is.
    """
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine):
        return False
    if not simple(fig):
        engine.execute(fig)
        fig.set_layout_engine("none")
        return False
    renderer = fig._get_renderer()
    width, height = fig.get_size_inches()
    params = engine.get()
    w_pad, h_pad = params["w_pad"] / width, params["h_pad"] / height
    bottom = _legend_room(fig, renderer, h_pad)
    ax, room = fig.axes[0], None
    for _ in range(PLACEMENTS):
        now = _room(ax, renderer)
        if room is not None and _same(now, room, fig):
            break
        room = now
        left, low, right, top = room
        ax._set_position(Bbox.from_extents(w_pad + left, bottom + h_pad + low, 1 - w_pad - right, 1 - h_pad - top))
    else:
        _room(ax, renderer)  # every text measured where the last placement put it
    fig.set_layout_engine("none")
    return True
