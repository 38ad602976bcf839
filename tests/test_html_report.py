"""The HTML report without a browser: numbers for readers, the answer, escaping, no external
references, charts, determinism and the command line."""
from __future__ import annotations

import html as htmllib
import json
import re
from html.parser import HTMLParser
from importlib import resources

import pytest

from cashcast.models.statements.ownership import round_terms
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.solve import find_row, parse_target, solve
from cashcast.models.analysis.solve_for import conversion_row
from cashcast.models.kinds import KINDS
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports import fmt
from cashcast.reports.html import narrative, references, sections
from cashcast.reports.html import page as page_module
from cashcast.reports.html import uncertainty as uncertainty_report
from cashcast.reports.cli.main import main
from cashcast.reports.html.page import html_report
from cashcast.reports.outputs import json_text
from tests.report_fixtures import (
    EXAMPLE_IDS, EXAMPLES, HOSTILE_BLOCK, HOSTILE_ROUND, IMG_SOURCE, JS_LINK, KNOWN_HEADLINES,
    SCRIPT_NOTE, hostile_workbook, known_workbook, uncertain_workbook,
)
from tests.shared_reports import ANALYSED

SAMPLES = ANALYSED  # Monte Carlo paths in these tests (the shared reports'): enough for every chart, fast


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def text_of(page: str) -> str:
    """The page's visible text, tags removed and entities decoded, whitespace collapsed."""
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def rendered(shared_reports):
    """Example name → (run, html) without the analysis: the session's one rendering of each."""
    return {path.stem: (run_file(path), shared_reports.html(path)) for path in EXAMPLES}


@pytest.fixture(params=EXAMPLE_IDS)
def example(request, rendered):
    return rendered[request.param]


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    run = run_file(known_workbook(tmp_path_factory.mktemp("known")))
    return run, html_report(Outcome(run))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    run = run_file(hostile_workbook(tmp_path_factory.mktemp("hostile")))
    return run, html_report(Outcome(run))


# ------------------------------------------------------------------------------------------------
# Numbers for readers
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    (fmt.money(2.4e9), "$2.4B"),
    (fmt.money(7e5), "$700K"),
    (fmt.money_per(7e5, "USD", "day"), "$700K/day"),
    (fmt.money(-5.4e8), "−$540M"),
    (fmt.money(20), "$20"),
    (fmt.money(0.05), "$0.05"),
    (fmt.money(0.002), "$0.002"),
    (fmt.money(0), "$0"),
    (fmt.money(None), "—"),
    (fmt.money(3e8, "RMB"), "¥3亿"),
    (fmt.money(5e7, "RMB"), "¥5,000万"),
    (fmt.money(1.2e4, "RMB"), "¥1.2万"),
    (fmt.money(-2.5e9, "RMB"), "−¥25亿"),
    (fmt.money(4.6e6, "USD", 2), "$4.6M"),
    (fmt.money(1.5333e6, "USD", 2), "$1.53M"),
    (fmt.number(1e9), "1B"),
    (fmt.number(2e5), "200K"),
    (fmt.number(12), "12"),
    (fmt.percent(0.01), "1.0%"),
    (fmt.percent(-0.046), "−4.6%"),
    (fmt.percent(75.26), "7,526.0%"),
    (fmt.percent(999_999.0), "99,999,900.0%"),   # the largest written in full
    (fmt.percent(-1.2e25), "−1.2E27%"),           # beyond: powers of ten (Babel overflowed: exit 1)
    (fmt.percent_exact(0.0025), "0.25%"),
    (fmt.percent_exact(0.15), "15.0%"),
    (fmt.month("2025-03"), "Mar 2025"),
    (fmt.month(None), "never"),
    (fmt.months(1), "1 month"),
    (fmt.months(26), "26 months"),
])
def test_numbers_for_readers(text, expected):
    assert text == expected


def test_sources_become_links_and_file_names_and_nothing_else():
    parts = narrative.text_parts("see https://x.org/a?b=1, articles/001_abc.txt and C:\\docs\\002.pdf; "
                                 "javascript:alert(1) data:text/html,hi")
    links = [p for p in parts if p.kind == "link"]
    files = [p.text for p in parts if p.kind == "file"]
    assert [(p.text, p.href) for p in links] == [("https://x.org/a?b=1", "https://x.org/a?b=1")]
    assert files == ["001_abc.txt", "002.pdf"]
    assert "".join(p.text for p in parts if p.kind == "text").endswith("javascript:alert(1) data:text/html,hi")


# ------------------------------------------------------------------------------------------------
# The answer and the KPIs
# ------------------------------------------------------------------------------------------------
def test_headlines_give_hand_computed_cash_out_and_break_even(known):
    run, page = known
    text = text_of(page)
    for sentence in KNOWN_HEADLINES:
        assert sentence in text


def test_kpi_cards_show_the_json_figures(known):
    run, page = known
    data = json.loads(json_text(Outcome(run)))["scenarios"]
    cards = re.findall(r'<article class="scenario-card" data-scenario="([^"]+)">(.*?)</article>', page, re.S)
    assert [name for name, _ in cards] == ["base", "no-sales"]
    shown = {name: dict(re.findall(r'data-kpi="(\w+)">\s*<dt>[^<]*</dt>\s*<dd class="value">([^<]*)</dd>', body))
             for name, body in cards}
    assert shown["no-sales"]["cash_out_month"] == "Nov 2023" == fmt.month(data["no-sales"]["kpis"]["cash_out_month"])
    assert shown["no-sales"]["runway_months"] == "10 months"
    assert shown["base"]["cash_out_month"] == "Never"
    assert shown["base"]["break_even_month"] == "Feb 2024"
    assert shown["base"]["ending_cash"] == "$1.3M" == fmt.money(data["base"]["kpis"]["ending_cash"])
    assert shown["base"]["peak_funding_need"] == "$600K"
    assert shown["no-sales"]["irr"] == "n/a"
    assert shown["no-sales"]["npv"] == htmllib.escape(fmt.money(data["no-sales"]["kpis"]["npv"]))


def test_annual_tables_hold_the_json_annual_figures(example):
    run, page = example
    data = json.loads(json_text(Outcome(run)))["scenarios"]
    text = text_of(page)
    for name, scenario in data.items():
        closing = [fmt.money(v, run.workbook.settings.currency) for v in scenario["annual"]["lines"]["closing_cash"]]
        tables = re.findall(rf'<table class="annual" data-scenario="{re.escape(htmllib.escape(name))}">(.*?)</table>',
                            page, re.S)
        assert tables, name
        rows = [re.search(r"Closing cash \(year end\)</th>(.*?)</tr>", t, re.S).group(1) for t in tables]
        cells = [htmllib.unescape(c) for r in rows for c in re.findall(r"<td[^>]*>([^<]*)</td>", r)]
        assert cells == closing
    assert "Operating cash flow" in text and "Net cash flow" in text


# ------------------------------------------------------------------------------------------------
# Safety: text stays text, nothing is fetched
# ------------------------------------------------------------------------------------------------
def test_workbook_markup_is_shown_as_text(hostile):
    run, page = hostile
    tags = Tags(page)
    names = {t for t, _ in tags.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "b"}
    handlers = [(t, a) for t, attrs in tags.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    text = text_of(page)
    for hostile_text in (SCRIPT_NOTE, IMG_SOURCE, HOSTILE_ROUND, JS_LINK, "$1 and $2 are not TeX"):
        assert hostile_text in text
    assert htmllib.escape(SCRIPT_NOTE) in page
    assert not any(a.get("href", "").lower().startswith("javascript") for _, a in tags.tags)


def test_block_names_in_charts_are_escaped_text(hostile):
    run, page = hostile
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert any(htmllib.escape(HOSTILE_BLOCK, quote=False) in s for s in svgs)   # the costs legend
    assert any("Seed&lt;/b&gt;" in s for s in svgs)                               # the funding label
    assert "<svg onload" not in page


def assert_no_external_references(page: str) -> None:
    tags = Tags(page)
    fetching = {"script", "link", "img", "iframe", "object", "embed", "base", "video", "audio", "source",
                "track", "frame", "image", "feimage", "use"}
    for tag, attrs in tags.tags:
        for name in ("src", "srcset", "data", "poster", "action", "formaction", "background", "ping"):
            assert name not in attrs, (tag, attrs)
        if tag in fetching - {"use"}:
            pytest.fail(f"<{tag}> in the report: {attrs}")
        for name in ("href", "xlink:href"):
            ref = attrs.get(name)
            if ref is None:
                continue
            if tag == "a":
                assert ref.startswith(("#", "https://", "http://")), ref
            else:
                assert ref.startswith("#"), (tag, ref)
        style = attrs.get("style", "")
        assert "url(" not in style.replace("url(#", ""), style
    css = " ".join(tags.styles)
    assert "@import" not in css and "@font-face" not in css
    assert "url(" not in css.replace("url(#", "")
    csp = [a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]


def test_examples_reference_nothing_outside_the_file(example):
    assert_no_external_references(example[1])


def test_hostile_workbook_references_nothing_outside_the_file(hostile):
    assert_no_external_references(hostile[1])


# ------------------------------------------------------------------------------------------------
# Charts, tables, methodology
# ------------------------------------------------------------------------------------------------
def test_every_chart_is_inline_svg_with_title_units_and_unique_ids(example):
    run, page = example
    figures = re.findall(r'<figure class="chart" id="([^"]+)">\s*(<svg\b.*?</svg>)', page, re.S)
    assert len(figures) == 5 * len(run.scenarios)  # the overview's small multiple and four charts each
    currency = run.workbook.settings.currency
    for chart_id, svg in figures:
        label = re.search(r'aria-label="([^"]+)"', svg).group(1)
        texts = [htmllib.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
        assert htmllib.unescape(label) in texts, chart_id          # the title is drawn as text
        assert any(f"({currency})" in t for t in texts), chart_id  # the money axis says its unit
        assert "<metadata" not in svg and "<?xml" not in svg
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in set(re.findall(r'(?:href="#|url\(#)([^")]+)', page)):
        assert ref in ids, ref


def test_rmb_report_uses_yuan_with_wan_and_yi(rendered):
    run, page = rendered[EXAMPLE_IDS[1]]
    text = text_of(page)
    assert run.workbook.settings.currency == "RMB"
    assert "亿" in text and "万" in text
    cards = re.findall(r'<dd class="value">([^<]*)</dd>', page)
    money_cards = [c for c in cards if "¥" in c or "$" in c]
    assert money_cards and all("$" not in c for c in money_cards)


def test_assumptions_show_every_row_with_sources_by_file_name_and_links(known, example):
    run, page = known
    assert '<a href="https://example.com/pricing" rel="noopener noreferrer">https://example.com/pricing</a>.' in page
    assert '<cite class="file">004_price.txt</cite>' in page and "articles/004_price.txt" not in page
    assert "$0.1/call" in text_of(page) and "Jul 2023" in text_of(page)
    run, page = example
    text = text_of(page)
    for row in run.workbook.rows:  # the examples cite the Sources sheet: ids become numbered citations
        assert row.parameter in text
        for part in references.source_parts(run.workbook, row.source):
            assert part.text.strip() in text


def test_methodology_quotes_the_kind_docs_and_formula_docstrings(example):
    run, page = example
    text = text_of(page)
    squeezed = "".join(text.split())
    kinds = {b.kind for b in run.workbook.blocks.values()}
    for kind in kinds:
        assert KINDS[kind].doc[1:] in text, kind
        for formula in KINDS[kind].formulas:
            first = formula.__doc__.strip().split("\n\n")[0].replace("``", "")
            assert "".join(first.split()) in squeezed, formula.__name__
    assert ">>>" not in text


def test_the_same_run_gives_the_same_bytes(known):
    run, page = known
    again = html_report(Outcome(run_file(run.workbook.path)))
    assert again == page


# ------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------
def test_run_writes_the_html_report_with_its_analysis(known, tmp_path, capsys):
    run, _page = known
    assert main(["run", str(run.workbook.path), "--out", str(tmp_path), "--samples", str(SAMPLES),
                 "--seed", "7"]) == 0
    written = (tmp_path / "known.html").read_text(encoding="utf-8")
    assert written == html_report(Outcome(run, analyse(run, SAMPLES, 7)))
    assert 'id="sensitivity-1"' in written and "seed 7" in text_of(written)
    assert not (tmp_path / "known.pdf").exists()  # only with --pdf



# ------------------------------------------------------------------------------------------------
# Uncertainty: scenario comparison, sensitivity, simulation, the solve-for clause
# ------------------------------------------------------------------------------------------------
def analysed(path):
    """(run, analysis, html) of a workbook with its uncertainty analysis."""
    run = run_file(path)
    analysis = analyse(run, SAMPLES, 0)
    return run, analysis, html_report(Outcome(run, analysis))


@pytest.fixture(scope="module")
def analysed_examples(analysed_reports):
    """Example name → (run, analysis, html) with the analysis: the session's one rendering of each."""
    return {name: (run, analysis, path.read_text(encoding="utf-8"))
            for name, (run, path, analysis) in analysed_reports.items()}


@pytest.fixture(params=EXAMPLE_IDS)
def analysed_example(request, analysed_examples):
    return analysed_examples[request.param]


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory):
    return analysed(uncertain_workbook(tmp_path_factory.mktemp("uncertain")))


def section(page: str, section_id: str) -> str:
    return re.search(rf'<section id="{section_id}".*?</section>', page, re.S).group(0)


def chart_svg(page: str, chart_id: str) -> str:
    return re.search(rf'<figure class="chart" id="{chart_id}">\s*(<svg\b.*?</svg>)', page, re.S).group(1)


def svg_texts(svg: str) -> list[str]:
    return [htmllib.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def cells(html_row: str) -> list[str]:
    """The text of every <td> of a table row, tags removed."""
    return [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<td\b[^>]*>(.*?)</td>", html_row, re.S)]


def test_without_an_analysis_the_report_has_no_uncertainty_sections(known):
    _run, page = known
    ids = re.findall(r'<section id="([^"]+)"', page)
    assert ids == ["answer", "scenario-1", "scenario-2", "statements", "assumptions", "methodology"]


def test_key_assumptions_then_uncertainty_sections_come_after_the_answer(analysed_example):
    run, analysis, page = analysed_example
    ids = re.findall(r'<section id="([^"]+)"', page)
    scenarios = [f"scenario-{j + 1}" for j in range(len(run.scenarios))]
    ownership = ["ownership"] if any(t.post is not None for t in round_terms(run.workbook)) else []
    simulations = [f"simulation-{j + 1}" for j in range(len(run.scenarios))]
    tornadoes = [f"sensitivity-{j + 1}" for j in range(len(run.scenarios))]
    checks = ["checks"] if run.workbook.checks else []   # the workbook's Checks sheet (issue 13)
    assert ids == ["answer", "key-assumptions", "comparison", *tornadoes, *simulations, *scenarios, "statements", *ownership,
                   "assumptions", *checks, "methodology", "references"]
    nav = re.findall(r'<li><a href="#([^"]+)">', page)
    assert nav == ids


def test_every_section_template_is_registered_once():
    templates = resources.files("cashcast.templates").joinpath("sections")
    files = sorted(p.name for p in templates.iterdir() if p.name.endswith(".html.j2"))
    assert sorted(spec.template for spec in sections.SECTIONS) == files
    ids = [spec.id for spec in sections.SECTIONS]
    assert len(set(ids)) == len(ids)


def test_a_section_added_to_the_registry_reaches_the_page(known, monkeypatch):
    run, _page = known
    extra = sections.SectionSpec("appendix", "Appendix", "methodology.html.j2", sections.methodology_data)
    monkeypatch.setattr(page_module, "SECTIONS", (*sections.SECTIONS, extra))
    page = html_report(Outcome(run))
    assert re.findall(r'<section id="([^"]+)"', page)[-1] == "appendix"
    assert re.findall(r'<li><a href="#([^"]+)">', page)[-1] == "appendix"


def expected_kpi(tornado, kpi: str, x: float, currency: str) -> str:
    if kpi == "runway_months":
        return "never" if x != x else str(int(x))
    if kpi == "npv":
        return fmt.money(x, currency)
    return fmt.month(tornado.label(x))


def expected_swing(kpi: str, s, currency: str) -> str:
    if kpi == "npv":
        return fmt.money(s.swing, currency)
    nevers = sum(x != x for x in (s.low, s.base, s.high))
    return ("≥" if 0 < nevers < 3 and s.swing > 0 else "") + str(int(s.swing))


@pytest.mark.parametrize("which", ["uncertain", *EXAMPLE_IDS])
def test_sensitivity_table_follows_the_tornado(which, uncertain, analysed_examples):
    run, analysis, page = uncertain if which == "uncertain" else analysed_examples[which]
    t, cur = analysis.tornado, run.workbook.settings.currency
    rows = re.findall(r'<tr data-parameter="([^"]*)">(.*?)</tr>', section(page, "sensitivity-1"), re.S)
    assert [htmllib.unescape(p) for p, _ in rows] == [b.parameter for b in t.bars]
    assert len(t.bars) >= 3
    for (_p, body), bar in zip(rows, t.bars):
        shown = cells(body)[1:-1]  # after the value and its range, before the evidence (tests/test_evidence.py)
        assert cells(body)[-1].split()[0] == bar.evidence
        expected = []
        for kpi in ("runway_months", "cash_out_month", "break_even_month", "npv"):
            s = bar.swings[kpi]
            expected += [expected_kpi(t, kpi, s.low, cur), expected_kpi(t, kpi, s.high, cur),
                         expected_swing(kpi, s, cur)]
        assert shown == expected, bar.parameter
    if which == "uncertain":  # by hand: $150K a month of costs runs out after 10 months; $80K never
        team = dict(rows)["Team.monthly_amount"]
        assert cells(team)[0] == "$100K/month $80K – $150K/month"
        assert cells(team)[1:4] == ["never", "10", "≥14"]


@pytest.mark.parametrize("which", ["uncertain", *EXAMPLE_IDS])
def test_tornado_chart_follows_the_tornado(which, uncertain, analysed_examples):
    run, analysis, page = uncertain if which == "uncertain" else analysed_examples[which]
    t = analysis.tornado
    kpi = uncertainty_report.chart_kpi(t)
    # runway moves for every assumption of the test workbook and RMB example, for 1 of 12 in openai
    assert kpi == {"uncertain": "runway_months", "openai": "npv", "xiaoice_rmb": "runway_months"}[which]
    bars = [b for b in t.sorted_by(kpi) if b.swings[kpi].swing > 0][:uncertainty_report.TORNADO_BARS]
    svg = chart_svg(page, "sensitivity-1-tornado")
    texts = svg_texts(svg)
    # drawn top first, an estimate's name marked as such (tests/test_evidence.py)
    names = {(f"{b.parameter} — estimate" if b.evidence == "estimate" else b.parameter): b.parameter for b in t.bars}
    assert [names[x] for x in texts if x in names] == [b.parameter for b in bars]
    title = "What moves NPV most" if kpi == "npv" else "What moves the runway most"
    assert any(x.startswith(title) for x in texts)
    drawn = uncertainty_report.tornado_rows(run.workbook, t, kpi)
    horizon = t.horizon
    for row, bar in zip(drawn, bars):
        s = bar.swings[kpi]
        stand_in = (lambda x: x) if kpi == "npv" else (lambda x: horizon if x != x else x)
        assert (row.label, row.at_low, row.at_high) == (bar.parameter, stand_in(s.low), stand_in(s.high))
        assert row.low_text in texts or f"{row.low_text} or {row.high_text}" in texts
    if which == "uncertain":
        assert (drawn[0].label, drawn[0].at_low, drawn[0].at_high) == ("Team.monthly_amount", 24, 10)
        assert {"$80K/month", "$150K/month", "0.5%", "20.0%", "Base case: 20 months"} <= set(texts)


def test_comparison_table_gives_differences_from_the_baseline_and_ranks(analysed_example):
    run, analysis, page = analysed_example
    c, cur = analysis.comparison, run.workbook.settings.currency
    rows = dict(re.findall(r'<tr data-scenario="([^"]*)"><th scope="row">[^<]*</th>(.*?)</tr>',
                           section(page, "comparison"), re.S))
    assert list(rows) == c.scenarios
    for kpi in ("cash_out_month", "runway_months", "break_even_month", "peak_funding_need", "npv",
                "irr", "ending_cash"):
        ranks = {}
        for name, body in rows.items():
            cell = re.search(rf'<td data-kpi="{kpi}">(.*?)</td>', body, re.S).group(1)
            delta = htmllib.unescape(re.search(r'class="delta[^"]*">([^<]*)<', cell).group(1))
            ranks[name] = int(re.search(r'class="rank">#(\d+)=?<', cell).group(1))
            if name == c.baseline:
                assert delta == "baseline"
                continue
            d = c.differences[name][kpi]
            if d != d and kpi in ("cash_out_month", "runway_months", "break_even_month"):
                assert delta == "same" or delta.startswith("vs "), (name, kpi, delta)  # never
            elif d != d:
                assert delta == "—"                                                      # IRR n/a
            elif d == 0:
                assert delta == "same"
            elif kpi in ("cash_out_month", "runway_months", "break_even_month"):
                assert delta == ("+" if d > 0 else "−") + fmt.months(abs(int(d))), (name, kpi)
            elif kpi == "irr":
                assert delta == f"{d * 100:+,.1f} pp".replace("-", "−")
            else:
                assert delta == ("+" if d > 0 else "") + fmt.money(d, cur), (name, kpi)
        in_order = [ranks[n] for n in c.ranking[kpi]]
        assert in_order[0] == 1 and in_order == sorted(in_order), kpi
    if run.workbook.path.stem == "openai":
        claim = rows["claim-004"]
        assert "vs never" in claim and "vs Dec 2023" in claim  # runs out / never breaks even (base: its first full year)


@pytest.mark.parametrize("which", [0, -1], ids=["first scenario", "last scenario"])
def test_percentile_and_year_tables_equal_the_simulation(analysed_example, which):
    run, analysis, page = analysed_example
    j = which % len(run.scenarios)
    sim, cur = analysis.simulations[run.scenarios[j]], run.workbook.settings.currency
    part = section(page, f"simulation-{j + 1}")
    rows = dict(re.findall(r'<tr data-kpi="(\w+)">(.*?)</tr>', part, re.S))
    assert list(rows) == ["cash_out_month", "runway_months", "break_even_month", "peak_funding_need",
                          "ending_cash", "npv"]
    for kpi, body in rows.items():
        p = sim.percentiles[kpi]
        if kpi == "runway_months":
            show = lambda x: "never" if x != x else str(int(x))  # noqa: E731
        elif kpi in ("cash_out_month", "break_even_month"):
            show = lambda x: fmt.month(sim.label(x))  # noqa: E731
        else:
            show = lambda x: fmt.money(x, cur)  # noqa: E731
        months = kpi in ("cash_out_month", "runway_months", "break_even_month")

        def with_ci(q):
            lo, hi = p.ci95[q]
            return f"{show(getattr(p, q))} {show(lo)} – {show(hi)}"
        assert cells(body) == [with_ci("p10"), with_ci("p50"), with_ci("p90"),
                               "—" if months else fmt.money(p.mean, cur),
                               fmt.share_pm(p.never, p.ci95["never"]) if months else "—"], kpi
    years = dict(re.findall(r'<td class="num" data-year="(\d+)">([^<]*)</td>', part))
    assert years == {str(y): fmt.share_pm(v, sim.probability_ci95(v)) for y, v in sim.cash_out_by_year.items()}
    assert all(" ± " in v for v in years.values())
    if not sim.varied:
        return
    hist = chart_svg(page, f"simulation-{j + 1}-cash-out")
    never = sim.histograms["cash_out_month"].never / sim.samples
    assert f"Never runs out within the horizon: {fmt.percent(never)} of samples" in svg_texts(hist)


def test_simulation_states_samples_seed_and_distribution(analysed_example):
    run, analysis, page = analysed_example
    text = text_of(section(page, "simulation-1"))
    sim = analysis.simulation
    assert f"{SAMPLES:,} samples of the Base case, drawn with seed 0" in text
    assert f"The {len(sim.varied)} assumptions uncertain in it vary" in text
    assert "Beta-PERT distribution from its low to its high with the scenario's value as the most likely figure" in text
    for j, name in enumerate(run.scenarios, start=1):
        part = section(page, f"simulation-{j}")
        assert re.search(rf'<h2[^>]*>Simulation: {re.escape(narrative.scenario_title(name))}</h2>', part)
        varied = re.findall(r'<table class="varied">.*?</table>', part, re.S)
        labels = re.findall(r'<th scope="row">([^<]*)</th>', varied[0]) if varied else []
        assert [htmllib.unescape(x) for x in labels] == [u.label for u in analysis.simulations[name].varied]
        correlations_listed(part, analysis.simulations[name])
        if not analysis.simulations[name].varied:
            continue
        for chart_id in ("fan", "cash-out", "ending-cash", "peak-funding-need"):
            assert f'id="simulation-{j}-{chart_id}"' in page


def correlations_listed(part: str, sim) -> None:
    """A simulation section lists the pairs applied in its scenario (names, ρ, source), or says its
    assumptions are drawn independently."""
    table = re.findall(r'<table class="correlations">.*?</table>', part, re.S)
    if not sim.correlations:
        assert not table
        if sim.varied:
            assert "are drawn independently of each other (no pair of the Correlations sheet" in text_of(part)
        return
    rows = re.findall(r"<tr><th scope=\"row\">([^<]*)</th>(.*?)</tr>", table[0], re.S)
    got = [(htmllib.unescape(first), *cells(rest)[:3]) for first, rest in rows]
    assert got == [(c.first, c.second, f"{c.rho:.2f}".replace("-", "−"), c.source) for c in sim.correlations]


def test_flagship_simulations_list_the_correlations_applied(analysed_examples):
    run, analysis, page = analysed_examples[EXAMPLE_IDS[0]]
    assert run.workbook.name.startswith("openai")
    pairs = {name: len(sim.correlations) for name, sim in analysis.simulations.items()}
    assert pairs["base"] == 3
    for j, name in enumerate(run.scenarios, start=1):
        correlations_listed(section(page, f"simulation-{j}"), analysis.simulations[name])
    assert "−0.50" in section(page, "simulation-1")


def test_every_scenario_has_its_tornado_section_swinging_what_is_uncertain_in_it(analysed_examples):
    """The flagship: the base case has no advertising range, the ad scenarios swing their own 15–20%."""
    run, analysis, page = analysed_examples[EXAMPLE_IDS[0]]
    for j, name in enumerate(run.scenarios, start=1):
        part = section(page, f"sensitivity-{j}")
        assert re.search(rf'<h2[^>]*>Sensitivity: {re.escape(narrative.scenario_title(name))}</h2>', part)
        rows = re.findall(r'<tr data-parameter="([^"]*)">(.*?)</tr>', part, re.S)
        assert [htmllib.unescape(p) for p, _ in rows] == [b.parameter for b in analysis.tornadoes[name].bars]
        assert f'id="sensitivity-{j}-tornado"' in part
    ads = {name: dict(re.findall(r'<tr data-parameter="([^"]*)">(.*?)</tr>',
                                 section(page, f"sensitivity-{j}"), re.S)).get("Advertising.share")
           for j, name in enumerate(run.scenarios, start=1)}
    assert ads["base"] is None
    assert cells(ads["ads-15pct"])[0] == "15.0% 15.0% – 20.0%" and cells(ads["ads-20pct"])[0] == "20.0% 15.0% – 20.0%"


def test_rmb_uncertainty_sections_use_yuan_with_wan_and_yi(analysed_examples):
    run, _analysis, page = analysed_examples[EXAMPLE_IDS[1]]
    assert run.workbook.settings.currency == "RMB"
    npv = [cells(body)[-4:-1] for body in re.findall(r"<tr data-parameter=[^>]*>(.*?)</tr>",  # before the evidence
                                                    section(page, "sensitivity-1"), re.S)]
    money = [c for row in npv for c in row]
    money += [c for kpi, body in re.findall(r'<tr data-kpi="(\w+)">(.*?)</tr>', section(page, "simulation-1"), re.S)
              if kpi in ("peak_funding_need", "ending_cash", "npv") for c in cells(body)[:4]]
    assert money and all("¥" in c and "$" not in c for c in money)
    assert any("亿" in c for c in money) and any("万" in c for c in money)
    assert any("亿" in t for t in svg_texts(chart_svg(page, "simulation-1-fan")))


def clause_value(sentence: str) -> float:
    return float(re.search(r"needs at least ([\d.]+)% conversion", sentence).group(1)) / 100


def headlines(page: str) -> dict[str, str]:
    """Each scenario's answer sentence, as its own section states it; the answer's story paragraph
    starts with the same sentence (tests/test_story.py)."""
    said = {n: htmllib.unescape(t) for n, t in re.findall(r'<p class="headline" data-scenario="([^"]+)">([^<]*)</p>', page)}
    stories = {n: re.sub(r"<[^>]*>", "", t) for n, t in  # the answer sentence is a span: its tags dropped
               re.findall(r'<p class="story headline" data-scenario="([^"]+)">(.*?)</p>', section(page, "answer"))}
    assert all(htmllib.unescape(stories[n]).startswith(t) for n, t in said.items())
    # the answer sentence, and only it, is the story's lead (set in bold, the facts after it as text)
    leads = re.findall(r'<p class="story headline" data-scenario="([^"]+)"><span class="lead">([^<]*)</span>',
                       section(page, "answer"))
    assert {n: htmllib.unescape(t) for n, t in leads} == said
    return said


def test_solve_clause_value_breaks_even_when_written_back(uncertain, tmp_path):
    run, analysis, page = uncertain
    assert set(analysis.break_even) == {"base", "cheap"}  # computed by the analysis, not the page
    said = headlines(page)
    assert said["base"].endswith("; break-even by Dec 2024 needs at least 2.001% conversion (Plus, now 1.0%).")
    assert said["cheap"].endswith("; no conversion up to 20.0% (Plus) breaks even by Dec 2024.")
    # no clause; break-even needs a full trailing twelve months, so the first possible month, Dec 2023
    assert said["pricey"].endswith("operating cash flow breaks even in Dec 2023.")
    value = clause_value(said["base"])
    wb = run.workbook
    sol = solve(run.model, "base", find_row(wb, "Plus.conversion"), parse_target(wb, "break_even_month=2024-12"))
    assert value == sol.value == analysis.break_even["base"].solution.value
    solved = run_file(uncertain_workbook(tmp_path, conversion=value, name="solved"))
    assert solved.kpis["break_even_month"][0] <= 23                     # Dec 2024 or earlier
    short = run_file(uncertain_workbook(tmp_path, conversion=0.0199, name="short"))
    assert short.kpis["break_even_month"][0] != short.kpis["break_even_month"][0]  # just below: never
    top = run_file(uncertain_workbook(tmp_path, conversion=0.20, name="top"))
    assert top.kpis["break_even_month"][1] != top.kpis["break_even_month"][1]      # cheap at 20%: never
    # the scenario pages say the same sentence
    assert text_of(page).count(said["base"]) == 2


def test_solve_clause_in_the_examples_and_none_without_a_subscription(analysed_example, known):
    run, _analysis, page = analysed_example
    said = headlines(page)
    never = [n for j, n in enumerate(run.scenarios) if run.kpis["break_even_month"][j] != run.kpis["break_even_month"][j]]
    assert never
    block = conversion_row(run.workbook).block
    last = fmt.month_of(run.months[-1])
    for name, sentence in said.items():
        has = f"breaks even by {last}." in sentence and "conversion" in sentence
        assert has == (name in never), name
    assert f"no conversion up to 2.0% ({block}) breaks even by {last}." in said[never[0]]
    known_run, _ = known
    known_page = html_report(Outcome(known_run, analyse(known_run, 50, 0)))
    for sentence in KNOWN_HEADLINES:
        assert sentence in text_of(known_page)


def test_analysed_charts_have_titles_units_and_unique_ids(analysed_example):
    run, analysis, page = analysed_example
    figures = re.findall(r'<figure class="chart" id="([^"]+)">\s*(<svg\b.*?</svg>)', page, re.S)
    simulated = sum(1 for sim in analysis.simulations.values() if sim.varied)
    swung = sum(1 for t in analysis.tornadoes.values() if t.bars)  # a tornado chart per scenario with bars
    assert len(figures) == 5 * len(run.scenarios) + swung + 4 * simulated  # a small multiple each
    currency = run.workbook.settings.currency
    for chart_id, svg in figures:
        label = re.search(r'aria-label="([^"]+)"', svg).group(1)
        texts = svg_texts(svg)
        assert htmllib.unescape(label) in texts, chart_id
        assert any(re.search(rf"\(({currency}\b|%\)|months)", t) for t in texts), chart_id  # axis units
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in set(re.findall(r'(?:href="#|url\(#)([^")]+)', page)):
        assert ref in ids, ref
    assert_no_external_references(page)


def test_analysed_report_is_the_same_bytes_every_time(uncertain):
    run, _analysis, page = uncertain
    again = run_file(run.workbook.path)
    assert html_report(Outcome(again, analyse(again, SAMPLES, 0))) == page


def test_hostile_names_in_the_uncertainty_charts_stay_text(hostile):
    run, _page = hostile
    page = html_report(Outcome(run, analyse(run, 50, 0)))
    tags = Tags(page)
    assert not {t for t, _ in tags.tags} & {"script", "img", "iframe", "object", "embed", "b"}
    assert [(t, a) for t, attrs in tags.tags for a in attrs if a.lower().startswith("on")] == []
    tornado = chart_svg(page, "sensitivity-1-tornado")
    assert htmllib.escape(HOSTILE_BLOCK, quote=False) + ".monthly_amount" in tornado
    assert_no_external_references(page)
