"""The HTML report in a real browser (headless Chromium through Playwright) and printed to PDF.

Never skipped: without Chromium at /usr/bin/chromium the module's browser fixture fails, and so do
these tests. One browser serves the whole module; each test opens its own page.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports import fmt
from cashcast.reports.html import narrative
from cashcast.reports.html import uncertainty as uncertainty_report
from cashcast.reports.html.page import html_report
from cashcast.reports.outputs import json_text
from tests.helpers import ROOT
from tests.shared_reports import ANALYSED
from tests.report_fixtures import (
    EXAMPLE_IDS, EXAMPLES, IMG_SOURCE, KNOWN_HEADLINES, SCRIPT_NOTE, hostile_workbook, known_workbook,
)

OUT = ROOT / "out"
SAMPLES = ANALYSED  # Monte Carlo paths of the reports (conftest's analysed_reports)
UNCERTAINTY_CHARTS = ("sensitivity-1-tornado", "simulation-1-fan", "simulation-1-cash-out",
                      "simulation-1-ending-cash", "simulation-1-peak-funding-need")
SIMULATION_CHARTS = 4  # per simulated scenario that varies something


class Visit:
    """A page that has loaded one file, with every request, console message and page error seen."""

    def __init__(self, chromium, path: Path):
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.routed: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")

    def _route(self, route):
        """Let the report itself load; record and refuse anything else."""
        self.routed.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self):
        self.context.close()


@pytest.fixture(params=EXAMPLE_IDS)
def visit(request, chromium, analysed_reports):
    run, path, analysis = analysed_reports[request.param]
    v = Visit(chromium, path)
    v.run, v.analysis = run, analysis
    yield v
    v.close()


def test_report_loads_offline_with_no_console_error(visit):
    visit.page.wait_for_timeout(300)  # give late requests (fonts, favicon) a chance to show up
    assert visit.requests == [visit.url]
    assert visit.routed == [visit.url]
    assert [c for c in visit.console if c.startswith(("error", "warning"))] == []
    assert visit.errors == []
    OUT.mkdir(exist_ok=True)
    shot = OUT / f"{Path(visit.url).stem}-report.png"
    visit.page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_chart_is_visible_with_a_size(visit):
    charts = visit.page.locator("figure.chart svg")
    simulated = sum(1 for sim in visit.analysis.simulations.values() if sim.varied)
    swung = sum(1 for t in visit.analysis.tornadoes.values() if t.bars)  # a tornado per scenario with bars
    # per scenario the overview's small multiple and its four charts
    assert charts.count() == 5 * len(visit.run.scenarios) + swung + SIMULATION_CHARTS * simulated
    for k in range(charts.count()):
        chart = charts.nth(k)
        chart.scroll_into_view_if_needed()
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 150, box
        drawn = chart.evaluate("svg => { const b = svg.getBBox(); return {width: b.width, height: b.height}; }")
        assert drawn["width"] > 100 and drawn["height"] > 100
        text = chart.evaluate("svg => svg.textContent")
        assert chart.get_attribute("aria-label") in text


def test_uncertainty_charts_and_tables_are_visible(visit):
    page = visit.page
    for chart_id in UNCERTAINTY_CHARTS:
        chart = page.locator(f"figure#{chart_id} svg")
        chart.scroll_into_view_if_needed()
        assert chart.is_visible(), chart_id
        box = chart.bounding_box()
        assert box["width"] > 400 and box["height"] > 200, (chart_id, box)
        drawn = chart.evaluate("svg => { const b = svg.getBBox(); return {width: b.width, height: b.height}; }")
        assert drawn["width"] > 100 and drawn["height"] > 100, chart_id
    bars = page.locator("figure#sensitivity-1-tornado svg").evaluate(
        "svg => svg.textContent")
    assert visit.analysis.tornado.sorted_by(uncertainty_report.chart_kpi(visit.analysis.tornado))[0].parameter in bars
    for table in ("table.comparison", "table.sensitivity", "table.percentiles", "table.by-year"):
        assert page.locator(table).first.is_visible(), table
    rows = page.locator("section#sensitivity-1 table.sensitivity tbody tr")
    assert rows.count() == len(visit.analysis.tornado.bars)


def test_cards_and_sentences_show_the_json_kpis(visit):
    data = json.loads(json_text(Outcome(visit.run)))
    page = visit.page
    for name, scenario in data["scenarios"].items():
        k = scenario["kpis"]
        card = page.locator(f'article.scenario-card[data-scenario="{name}"]')
        shown = {key: card.locator(f'[data-kpi="{key}"] .value').inner_text()
                 for key in ("cash_out_month", "runway_months", "break_even_month", "peak_funding_need",
                             "npv", "irr", "ending_cash")}
        cur = data["currency"]
        assert shown["cash_out_month"] == (fmt.month(k["cash_out_month"]) if k["cash_out_month"] else "Never")
        assert shown["break_even_month"] == (fmt.month(k["break_even_month"]) if k["break_even_month"] else "Never")
        assert shown["runway_months"] == (fmt.months(k["runway_months"]) if k["runway_months"] is not None
                                          else f"{data['horizon_months']}+ months")
        assert shown["peak_funding_need"] == fmt.money(k["peak_funding_need"], cur)
        assert shown["npv"] == fmt.money(k["npv"], cur)
        assert shown["ending_cash"] == fmt.money(k["ending_cash"], cur)
        assert shown["irr"] == (fmt.percent(k["irr"]) if k["irr"] is not None else "n/a")
        sentence = page.locator(f'#answer p.story[data-scenario="{name}"]').inner_text()
        assert sentence.startswith(narrative.scenario_title(name) + ": ")
        if k["cash_out_month"]:
            assert f"in {fmt.month(k['cash_out_month'])}, " in sentence
            assert (f"{fmt.months(k['runway_months'])} after the start" in sentence
                    or k["runway_months"] == 0)
        else:
            assert "cash lasts the whole" in sentence


def test_print_layout_keeps_charts_whole_and_sections_on_new_pages(visit):
    page = visit.page
    page.emulate_media(media="print")
    rules = page.evaluate("""() => ({
        charts: [...document.querySelectorAll('figure.chart')].map(f => getComputedStyle(f).breakInside),
        pages: [...document.querySelectorAll('section.new-page')].map(s => getComputedStyle(s).breakBefore),
        nav: getComputedStyle(document.querySelector('nav')).display,
    })""")
    assert set(rules["charts"]) == {"avoid"}
    assert rules["pages"] and set(rules["pages"]) == {"page"}
    assert rules["nav"] == "none"


def test_markup_in_a_workbook_is_text_and_runs_nothing(chromium, tmp_path):
    run = run_file(hostile_workbook(tmp_path))
    path = tmp_path / "hostile.html"
    path.write_text(html_report(Outcome(run)), encoding="utf-8")
    v = Visit(chromium, path)
    try:
        v.page.wait_for_timeout(300)
        page = v.page
        assert page.evaluate("() => window.__pwned") is None
        assert v.dialogs == [] and v.errors == []
        assert page.evaluate("() => document.querySelectorAll('script, img, iframe, b').length") == 0
        handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
            el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
        assert handlers == []
        body = page.inner_text("body")
        assert SCRIPT_NOTE in body and IMG_SOURCE in body
        page.hover("svg")  # an onmouseover smuggled into a chart label would fire here
        assert page.evaluate("() => window.__pwned") is None
        assert v.requests == [v.url]
    finally:
        v.close()


def pdf_text(data: bytes) -> str:
    """A PDF's text for searching: NFKC undoes ligatures (ﬁ → fi); whitespace is dropped, since CJK
    glyphs from a fallback font come out with spaces around them."""
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    return squeeze("".join(p.extract_text() for p in reader.pages)), len(reader.pages)


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_pdf_has_every_section(name, chromium, analysed_reports, shared_reports):
    run, _path, analysis = analysed_reports[name]
    text, pages = pdf_text(shared_reports.pdf(EXAMPLES[EXAMPLE_IDS.index(name)], SAMPLES, chromium))
    data = json.loads(json_text(Outcome(run)))
    expected = ["The answer", "Assumptions", "Settings", "Assumptions by block", "Methodology",
                "Building blocks", "Totals and key figures", "Cash balance by scenario"]
    clauses = uncertainty_report.solve_clauses(run, analysis)
    assert clauses  # one scenario of each example does not break even
    for scenario, entry in data["scenarios"].items():
        title = narrative.scenario_title(scenario)
        expected += [f"Scenario: {title}", f"Annual summary — {title}", f"Cash balance — {title}",
                     f"Revenue by block — {title}", f"Costs by block — {title}",
                     f"Annual revenue and costs — {title}",
                     narrative.headline(scenario, entry["kpis"], run.workbook, clauses.get(scenario))]
    expected += [row.parameter for row in run.workbook.rows]
    base = narrative.scenario_title(analysis.tornado.scenario)
    sim = analysis.simulation
    expected += ["Scenario comparison", f"Sensitivity: {base}", f"Swings of every assumption — {base}",
                 f"Simulation: {base}", f"Percentiles — {base}, {SAMPLES} samples",
                 f"Cash balance across {SAMPLES} samples — {base}", f"When cash runs out — {base}",
                 f"Peak funding need — {base}", "by each year end",
                 f"{SAMPLES} samples of the Base case, drawn with seed 0",
                 fmt.share_pm(sim.cash_out_by_year[max(sim.cash_out_by_year)],
                              sim.probability_ci95(sim.cash_out_by_year[max(sim.cash_out_by_year)]))]
    expected += [b.parameter for b in analysis.tornado.bars]
    assert [e for e in expected if squeeze(e) not in text] == []
    # the answer, comparison, sensitivity, simulation, each scenario, assumptions, methodology
    assert pages >= 6 + len(data["scenarios"])


def test_run_with_pdf_writes_the_pdf_beside_the_other_outputs(tmp_path):
    workbook = known_workbook(tmp_path)
    out = tmp_path / "out"
    # the command line in its own process: Playwright's sync API cannot nest in this module's browser
    done = subprocess.run([sys.executable, "-m", "cashcast", "run", str(workbook), "--out", str(out), "--pdf"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert {"known.csv", "known.html", "known.json", "known.pdf"} <= {p.name for p in out.iterdir()}
    text, _pages = pdf_text((out / "known.pdf").read_bytes())
    for sentence in KNOWN_HEADLINES:
        assert squeeze(sentence) in text
