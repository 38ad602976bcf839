"""The HTML report for every reader, in headless Chromium at a desktop (1440 px) and a phone (390 px)
width: no sideways scroll, chart text of 9 px or more, no chart text on other text or outside its
chart, no legend on a plot, tables in focusable labelled regions, a text alternative for every chart,
text colours at WCAG AA contrast, a palette that survives colour blindness, and axe-core (the npm
package in tools/axe, installed by ``make test``) finding no violation.

Never skipped: without Chromium or axe-core the tests fail, saying how to install them.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.reports import fmt
from cashcast.reports.html import charts
from cashcast.reports.outputs import json_text
from tests.helpers import ROOT
from tests.report_fixtures import EXAMPLE_IDS

AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 390)
MIN_TEXT_PX = 9.0
AA = 4.5

# For every chart: texts that overlap (by more than half a pixel each way), texts outside the chart's
# SVG, the font size of each text as drawn (CSS px), and legends that overlap a plot area (matplotlib's
# axes background patch, the first patch of each axes group).
LAYOUT_JS = """() => {
  const out = {overlaps: [], outside: [], legends: [], sizes: [], charts: 0};
  const box = el => el.getBoundingClientRect();
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
                      && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    out.charts += 1;
    const id = svg.closest('figure').id, frame = box(svg);
    const texts = [...svg.querySelectorAll('text')].map(t => ({t, r: box(t)})).filter(x => x.r.width > 0);
    for (const {t, r} of texts) {
      if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
        out.outside.push(`${id}: ${t.textContent}`);
      const m = t.getScreenCTM();
      out.sizes.push([`${id}: ${t.textContent}`, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)]);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (meet(texts[i].r, texts[j].r)) out.overlaps.push(`${id}: "${texts[i].t.textContent}" on "${texts[j].t.textContent}"`);
    const plots = [...svg.querySelectorAll('g[id*="-axes_"] > g[id*="-patch_"]:first-child')].map(box);
    for (const legend of svg.querySelectorAll('g[id*="-legend_"]'))
      if (plots.some(p => meet(box(legend), p))) out.legends.push(id);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def reports(analysed_reports):
    """Example name → (path of its analysed HTML report, its JSON)."""
    return {name: (path, json.loads(json_text(Outcome(run)))) for name, (run, path, _a) in analysed_reports.items()}


@pytest.fixture(params=[(name, width) for name in EXAMPLE_IDS for width in WIDTHS],
                ids=lambda p: f"{p[0]}-{p[1]}px")
def page(request, chromium, reports):
    name, width = request.param
    path, data = reports[name]
    context = chromium.new_context(viewport={"width": width, "height": 900})
    p = context.new_page()
    p.goto(path.as_uri(), wait_until="load")
    p.width, p.data = width, data
    yield p
    context.close()


def test_no_sideways_scroll_and_chart_text_of_9px_or_more(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.width
    layout = page.evaluate(LAYOUT_JS)
    assert layout["charts"] >= 5 * len(page.data["scenarios"])
    small = [(text, round(px, 2)) for text, px in layout["sizes"] if px < MIN_TEXT_PX]
    assert small == []
    assert len(layout["sizes"]) > 30 * layout["charts"] // 2   # the texts were found and measured


def test_chart_text_never_overlaps_nor_leaves_its_chart_and_no_legend_covers_a_plot(page):
    layout = page.evaluate(LAYOUT_JS)
    assert layout["overlaps"] == []
    assert layout["outside"] == []
    assert layout["legends"] == []


def test_tables_scroll_only_inside_focusable_labelled_regions(page):
    found = page.evaluate("""() => ({
      unwrapped: [...document.querySelectorAll('table')].filter(t => {
        const r = t.closest('[role=region]');
        return !r || r.getAttribute('tabindex') !== '0' || !(r.getAttribute('aria-label') || '').trim();
      }).map(t => t.className),
      scrolling: [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1
          && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.getAttribute('role') !== 'region')
          .map(e => e.tagName + '.' + e.className),
      tables: document.querySelectorAll('table').length,
    })""")
    assert found["tables"] > 10
    assert found["unwrapped"] == [] and found["scrolling"] == []


def test_every_chart_has_its_data_as_text(page):
    described = page.evaluate("""() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
      const d = document.getElementById(svg.getAttribute('aria-describedby') || '');
      return [svg.closest('figure').id, d ? d.textContent.trim().length : 0];
    })""")
    assert described and all(n > 20 for _id, n in described), described
    tops = page.evaluate("""() => [...document.querySelectorAll('figure.chart, figure.chart-set')]
      .filter(f => !f.parentElement.closest('figure'))
      .map(f => [f.id, f.querySelectorAll(':scope > details.chart-data table tbody tr').length])""")
    assert tops and all(rows > 0 for _id, rows in tops), tops
    # the overview's table gives each scenario's closing cash: its last row is the JSON's ending cash
    heads = page.locator("#overview-cash details.chart-data thead th").all_text_contents()
    last = page.locator("#overview-cash details.chart-data tbody tr").last.locator("td").all_text_contents()
    cur = page.data["currency"]
    expected = {narrative_title(n): fmt.money(s["kpis"]["ending_cash"], cur) for n, s in page.data["scenarios"].items()}
    assert dict(zip(heads[1:], last)) == expected


def narrative_title(name: str) -> str:
    from cashcast.reports.html.narrative import scenario_title
    return scenario_title(name)


def contrast(rgb: str) -> float:
    """WCAG contrast ratio of a CSS 'rgb(r, g, b)' colour against white."""
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (luminance + 0.05)


def test_contrast_helper_matches_wcag():
    assert contrast("rgb(0, 0, 0)") == pytest.approx(21.0)
    assert contrast("rgb(46, 139, 87)") == pytest.approx(4.25, abs=0.02)  # the old green labels


def test_chart_text_colours_reach_wcag_aa(page):
    fills = page.evaluate("""() => [...new Set([...document.querySelectorAll('figure.chart svg text')]
      .map(t => getComputedStyle(t).fill))]""")
    assert fills
    assert [(f, round(contrast(f), 2)) for f in fills if contrast(f) < AA] == []


# Machado, Oliveira and Fernandes (2009), deuteranopia at severity 1, on linear RGB
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def seen_by_deuteranope(colour: str) -> np.ndarray:
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(DEUTERANOPIA @ lin, 0, 1)
    return np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)


def apart(a: str, b: str) -> float:
    return float(np.linalg.norm(seen_by_deuteranope(a) - seen_by_deuteranope(b)))


def test_palette_stays_distinct_under_deuteranopia():
    # the old revenue green and cost red were 0.21 apart, the old scenario palette's closest pair 0.01
    assert apart("#2e8b57", "#c0392b") < 0.25
    assert apart(charts.REVENUE_COLOUR, charts.COST_COLOUR) > 0.6
    five = charts.PALETTE[:5]
    assert min(apart(a, b) for i, a in enumerate(five) for b in five[i + 1:]) > 0.15


def test_axe_finds_no_violation(page):
    assert AXE.exists(), f"{AXE} missing: `make test` installs it (npm ci in tools/axe)"
    page.evaluate("source => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v =>
      ({id: v.id, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))""")
    assert violations == []
