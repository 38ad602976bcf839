"""Lighter chart drawing: each font looked up and each text measured once, not once per draw.

Matplotlib measures every piece of text (tick labels, titles, legends) to lay a figure out, and it
keeps those measurements per renderer: the layout (:mod:`~cashcast.reports.html.chart_layout`) and
the SVG's draw use two renderers, so each text is measured twice per chart, and "$0" or "2024" again in every chart. It also
looks the font files up for the same font properties thousands of times (three lookups each, one per
family in the fallback list), and reads the font's line-height tables for every text it lays out. Within :func:`measure_once`, both are remembered for the whole batch of
charts: a font lookup by its font properties and the font settings in force, an SVG text measurement
by its text, font properties, font settings and resolution, a font's tables by its files. Both are pure functions of those keys
(the SVG renderer measures outlines of the unhinted font at a fixed 72 dpi), so the charts come out
byte for byte the same (a test compares them); only the time changes. Other renderers, mathtext and
TeX are measured as usual (and a raster part of an SVG, which the charts do not have).

Within it too (:func:`computed_once`), three things matplotlib recomputes every time it is asked are
computed once per state: an axis's ticks (matplotlib works them out again, locator, formatter and
all, each time a layout measures the axis, its label, its spines or its siblings, and at the draw:
about 32 times per chart, now about 6), a text's layout about its anchor (its box and line
heights), and a bar's data limits (its outline walked as Bézier curves, 120 times for a month
histogram). Each is keyed on everything it depends on, so the SVG is the same bytes (a test draws
every chart of both examples with and without).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

FONT_SETTINGS = tuple(f"font.{key}" for key in ("family", "style", "variant", "weight", "stretch", "size",
                                                "serif", "sans-serif", "cursive", "fantasy", "monospace"))
TICK_SETTINGS = FONT_SETTINGS + ("xtick.labelsize", "ytick.labelsize")  # a locator's room per tick
TEXT_SETTINGS = FONT_SETTINGS + ("text.kerning_factor", "font.enable_last_resort")  # get_font reads these


def settings(keys: tuple[str, ...] = FONT_SETTINGS) -> tuple:
    """The values of these rcParams, hashable (lists as tuples); read as a plain dict (none of them is
    deprecated or a backend, the two cases RcParams' own lookup handles)."""
    from matplotlib import rcParams

    values = [dict.__getitem__(rcParams, key) for key in keys]
    return tuple(tuple(v) if isinstance(v, list) else v for v in values)


class Tables:
    """A font whose tables are read once: Text._get_layout reads its line heights from them."""

    def __init__(self, font):
        self._font, self._tables = font, {}

    def get_sfnt_table(self, name):
        if name not in self._tables:
            self._tables[name] = self._font.get_sfnt_table(name)
        return self._tables[name]

    def __getattr__(self, name):
        return getattr(self._font, name)


def tick_key(axis) -> tuple:
    """Everything an axis's ticks (which, where, their labels) depend on: its view and data limits,
    its scale, its locators and formatters (the objects), the tick settings, how many ticks it holds,
    where its axes are on the figure and the font size in force (a locator fits as many ticks as
    labels of that size fit in the axes' length)."""
    return (tuple(axis.get_view_interval()), tuple(axis.get_data_interval()), axis.get_scale(),
            axis.major.locator, axis.major.formatter, axis.minor.locator, axis.minor.formatter,
            dict(axis._major_tick_kw), dict(axis._minor_tick_kw), len(axis.majorTicks),
            len(axis.minorTicks), axis.axes.bbox.bounds, axis.axes.viewLim.bounds, settings(TICK_SETTINGS))


def layout_key(t, renderer) -> tuple | None:
    """Everything a text's layout (its box and lines about its anchor, ``Text._get_layout``)
    depends on: the text, its font, rotation, alignments, line spacing, the resolution, the font
    settings and the renderer's kind; None for a text that wraps (its lines depend on where it is)
    or goes through TeX."""
    if t.get_wrap() or t.get_usetex():
        return None
    return (t.get_text(), t._fontproperties.copy(), t.get_rotation(), t._horizontalalignment,
            t._verticalalignment, t._get_multialignment(), t._linespacing, t.get_rotation_mode(),
            t._parse_math, t.get_figure(root=True).dpi, type(renderer), settings(TEXT_SETTINGS))


def rectangle_limits(self, patch, original) -> None:
    """``Axes._update_patch_limits`` for a plain rectangle of a rectilinear axes without walking
    its outline as Bézier curves: its corners are the points that walk finds (each side a straight
    segment, no extremum between its ends), and the data limits are their minimum and maximum. A
    bar's transform is its own followed by the data's: what is left of it less the data's (matplotlib's
    way) is its own, used as it is."""
    from matplotlib.patches import Rectangle

    if type(patch) is not Rectangle or self.name != "rectilinear" or not (patch.get_width() or patch.get_height()):
        return original(self, patch)
    if patch.get_data_transform() is self.transData:  # a bar: its own transform, then the data's
        self.update_datalim(patch.get_patch_transform().transform(patch.get_path().vertices[:4]))
        return None
    trf = patch.get_transform()
    updatex, updatey = trf.contains_branch_separately(self.transData)
    if updatex or updatey:
        xys = (trf - self.transData).transform(patch.get_path().vertices[:4])
        self.update_datalim(xys, updatex=updatex, updatey=updatey)


@contextmanager
def computed_once() -> Iterator[None]:
    """Until the block ends: an axis's ticks computed again only when :func:`tick_key` changes (the
    last result kept, so the ticks and the formatter are as that computation left them), a text's
    layout once per :func:`layout_key`, a plain rectangle's data limits from its corners
    (:func:`rectangle_limits`)."""
    from matplotlib import axis, text
    from matplotlib.axes._base import _AxesBase as Axes  # where the method is defined
    from matplotlib.transforms import Bbox

    update = axis.Axis._update_ticks

    def update_ticks(self):
        key = tick_key(self)
        last = self.__dict__.get("_cashcast_ticks")
        if last is None or last[0] != key:
            last = self.__dict__["_cashcast_ticks"] = (key, update(self))
        return list(last[1])

    layout = text.Text._get_layout
    layouts: dict = {}

    def get_layout(self, renderer):
        key = layout_key(self, renderer)
        if key is None:
            return layout(self, renderer)
        if key not in layouts:
            layouts[key] = layout(self, renderer)
        box, lines, corner = layouts[key]
        return Bbox(box.get_points().copy()), list(lines), corner

    patch_limits = Axes._update_patch_limits
    Axes._update_patch_limits = lambda self, patch: rectangle_limits(self, patch, patch_limits)
    axis.Axis._update_ticks, text.Text._get_layout = update_ticks, get_layout
    try:
        yield
    finally:
        axis.Axis._update_ticks, text.Text._get_layout = update, layout
        Axes._update_patch_limits = patch_limits


@contextmanager
def measure_once() -> Iterator[None]:
    """Font lookups and SVG text measurements remembered until the block ends, and what
    :func:`computed_once` keeps (not reentrant-safe across threads; the charts are drawn in one
    thread per process)."""
    from matplotlib import font_manager, text
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG

    manager = font_manager.fontManager
    find, measure, font_of = manager._find_fonts_by_props, text._get_text_metrics_with_cache, text.get_font
    found: dict = {}
    sizes: dict = {}
    fonts: dict = {}

    def tables(paths):
        key = (tuple(paths), settings(TEXT_SETTINGS))
        if key not in fonts:
            fonts[key] = Tables(font_of(paths))
        return fonts[key]

    def find_fonts(prop, fontext="ttf", directory=None, fallback_to_default=True, rebuild_if_missing=True):
        if not isinstance(prop, font_manager.FontProperties):
            return find(prop, fontext, directory, fallback_to_default, rebuild_if_missing)
        key = (prop.copy(), fontext, directory, fallback_to_default, rebuild_if_missing, settings())
        if key not in found:
            found[key] = find(prop, fontext, directory, fallback_to_default, rebuild_if_missing)
        return list(found[key])

    def metrics(renderer, s, fontprop, ismath, dpi):
        drawing = renderer._renderer if type(renderer) is MixedModeRenderer else renderer  # SVG wraps its own
        if type(drawing) is not RendererSVG or ismath is not False:
            return measure(renderer, s, fontprop, ismath, dpi)
        key = (s, fontprop.copy(), dpi, settings(TEXT_SETTINGS))
        if key not in sizes:
            sizes[key] = measure(renderer, s, fontprop, ismath, dpi)
        return sizes[key]

    manager._find_fonts_by_props = find_fonts
    text._get_text_metrics_with_cache, text.get_font = metrics, tables
    try:
        with computed_once():
            yield
    finally:
        del manager._find_fonts_by_props
        text._get_text_metrics_with_cache, text.get_font = measure, font_of
