"""The printed report (``cashcast run --pdf``), page by page: a cover, page numbers, no near-empty page
inside a section, no table parted from its heading, no chart cut across two pages.

Both examples are printed once per session (with the comparison, sensitivity and simulation sections,
as ``cashcast run`` prints them) and read back three ways (tests/pdf_pages.py): the outline gives each
heading's page, ``pdftotext`` each page's text, ``pdftoppm`` each page's ink.

A page *ends a section* when the next page begins one (sections start on a new page, so such a page
holds the section's tail) or it is the last page; the section starts are the pages of the outline's
h2 bookmarks. Only those pages may be less than 40% used.
"""
from __future__ import annotations

import re

import pytest

from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.html import narrative
from cashcast.reports.html.pdf import browser
from tests.helpers import ROOT
from tests.pdf_pages import DOM_SCRIPT, Printed, find_after, in_order, read_printed, squeeze
from tests.report_fixtures import EXAMPLE_IDS, EXAMPLES
from tests.shared_reports import ANALYSED

SAMPLES = ANALYSED
LEAST_USED = 0.40
A4_WIDTH_MM = 210
CSS_PX_PER_MM = 96 / 25.4


def page_margins() -> tuple[float, float, float]:
    """(top, sides, bottom) of the report's @page margin in mm, as report.css states it."""
    css = (ROOT / "templates" / "report.css").read_text(encoding="utf-8")
    found = re.search(r"@page\s*{[^}]*margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm", css)
    assert found, "report.css states the @page margin as 'top sides bottom' in mm"
    return float(found[1]), float(found[2]), float(found[3])


@pytest.fixture(scope="session")
def printed(shared_reports) -> dict[str, tuple[object, Printed]]:
    """Example name → (its run, its printed report): the shared analysed report and its PDF
    (tests/shared_reports.py). The browser is closed before the tests run."""
    out = {}
    top, sides, bottom = page_margins()
    width = round((A4_WIDTH_MM - 2 * sides) * CSS_PX_PER_MM)  # the printable width in CSS pixels
    with browser() as b:
        for path in EXAMPLES:
            context = b.new_context(java_script_enabled=True, offline=True,
                                    viewport={"width": width, "height": 1000})
            page = context.new_page()
            page.set_content(shared_reports.html(path, SAMPLES), wait_until="load")
            page.emulate_media(media="print")
            dom = page.evaluate(DOM_SCRIPT)
            context.close()
            out[path.stem] = (run_file(path), shared_reports.pdf(path, SAMPLES, b), dom)
    return {name: (run, read_printed(pdf, dom, (top, bottom))) for name, (run, pdf, dom) in out.items()}


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_page_is_numbered(name, printed):
    _run, doc = printed[name]
    assert doc.pages >= 10
    missing = [p + 1 for p, text in enumerate(doc.texts) if f"page{p + 1}of{doc.pages}" not in text]
    assert missing == []


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_cover_names_the_report_company_date_and_scenarios(name, printed):
    run, doc = printed[name]
    cover = doc.texts[0]
    s = run.workbook.settings
    assert squeeze(s.company or name) in cover
    assert re.search(r"Printedon\d{1,2}[A-Z][a-z]+\d{4}", cover)
    for scenario in run.scenarios:
        assert squeeze(narrative.scenario_title(scenario)) in cover
    # the cover is a page of its own: the answer starts the next page
    assert [t for t, depth, page in doc.heading_pages if depth == 1][0] == "The answer"
    assert min(doc.section_starts()) == 1


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_no_page_inside_a_section_is_less_than_40_percent_used(name, printed):
    _run, doc = printed[name]
    ends = doc.section_ends()
    thin = {p + 1: round(u, 2) for p, u in enumerate(doc.used) if u < LEAST_USED and p not in ends}
    assert thin == {}
    # the rule has something to check: sections run over several pages
    assert len(ends) < doc.pages - 5


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_the_outline_lists_every_heading_on_its_page(name, printed):
    _run, doc = printed[name]
    assert [squeeze(t) for t, _d, _p in doc.heading_pages] == [squeeze(h) for h in doc.dom["headings"]]
    for title, _depth, page in doc.heading_pages:
        assert squeeze(title) in doc.texts[page]


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_every_table_starts_on_the_page_of_its_heading(name, printed):
    _run, doc = printed[name]
    firsts: dict[int, list[str]] = {}
    for t in doc.dom["tables"]:
        firsts.setdefault(t["heading"], t["row"])  # the first table after each heading
    assert len(firsts) >= 10
    parted = []
    for h, row in firsts.items():
        title, _depth, page = doc.heading_pages[h]
        at = doc.texts[page].find(squeeze(title))
        if at < 0 or not in_order(doc.texts[page], row, at + len(squeeze(title))):
            parted.append((title, page + 1))
    assert parted == []


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_nothing_is_wider_than_the_page(name, printed):
    """Print cuts off what runs past the page's right edge: laid out at the printable width with print
    media, no table, chart or code block is wider than the page or than its own box."""
    _run, doc = printed[name]
    assert doc.dom["wide"] == []


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_no_chart_is_cut_across_pages(name, printed):
    _run, doc = printed[name]
    charts = doc.dom["charts"]
    assert len(charts) >= 10 and all(c["top"] and c["bottom"] and c["caption"] for c in charts)
    cut, page, offset = [], 0, 0
    for c in charts:
        top = find_after(doc.texts, c["top"], page, offset)
        assert top is not None, c["id"]
        # the SVG's lowest text (an axis label: painted before the title, so looked for from where the
        # previous chart ended, or from the top of the title's page) and the caption are on the title's page
        start = (page, offset) if top[0] == page else (top[0], 0)
        page, offset = top
        bottom = find_after(doc.texts, c["bottom"], *start)
        caption = find_after(doc.texts, c["caption"], page, offset)
        assert bottom is not None and caption is not None, c["id"]
        if bottom[0] != page or caption[0] != page:
            cut.append((c["id"], page + 1, bottom[0] + 1, caption[0] + 1))
        page, offset = caption
    assert cut == []
