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
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

FONT_SETTINGS = tuple(f"font.{key}" for key in ("family", "style", "variant", "weight", "stretch", "size",
                                                "serif", "sans-serif", "cursive", "fantasy", "monospace"))
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


@contextmanager
def measure_once() -> Iterator[None]:
    """Font lookups and SVG text measurements remembered until the block ends (not reentrant-safe
    across threads; the charts are drawn in one thread per process)."""
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
        yield
    finally:
        del manager._find_fonts_by_props
        text._get_text_metrics_with_cache, text.get_font = measure, font_of
