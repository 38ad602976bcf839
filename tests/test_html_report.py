"""The HTML report without a browser: numbers for readers, the answer, escaping, no external
references, charts, determinism and the command line."""
from __future__ import annotations

import functools
import html as htmllib
import json
import re
from html.parser import HTMLParser

import pytest

from models.scenarios import run_file
from models.specs import KINDS
from reports import fmt, narrative
from reports.cli import main
from reports.html import html_report
from reports.outputs import json_text
from tests.report_fixtures import (
    EXAMPLE_IDS, EXAMPLES, HOSTILE_BLOCK, HOSTILE_ROUND, IMG_SOURCE, JS_LINK, KNOWN_HEADLINES,
    SCRIPT_NOTE, hostile_workbook, known_workbook,
)


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


@functools.lru_cache(maxsize=None)
def rendered(path):
    """(run, html) of a workbook, rendered once per test session."""
    run = run_file(path)
    return run, html_report(run)


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def example(request):
    return rendered(request.param)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    run = run_file(known_workbook(tmp_path_factory.mktemp("known")))
    return run, html_report(run)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    run = run_file(hostile_workbook(tmp_path_factory.mktemp("hostile")))
    return run, html_report(run)


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
    data = json.loads(json_text(run))["scenarios"]
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
    data = json.loads(json_text(run))["scenarios"]
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
    assert len(figures) == 1 + 4 * len(run.scenarios)
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


def test_rmb_report_uses_yuan_with_wan_and_yi():
    run, page = rendered(EXAMPLES[1])
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
    for row in run.workbook.rows:
        assert row.parameter in text
        for part in narrative.text_parts(row.source):
            assert part.text.strip() in text


def test_methodology_quotes_the_kind_docs_and_formula_docstrings(example):
    run, page = example
    text = text_of(page)
    squeezed = "".join(text.split())
    kinds = {b.kind for b in run.workbook.blocks.values()}
    for kind in kinds:
        assert KINDS[kind].doc[1:] in text, kind
        for formula in narrative.formulas_of(kind):
            first = formula.__doc__.strip().split("\n\n")[0].replace("``", "")
            assert "".join(first.split()) in squeezed, formula.__name__
    assert ">>>" not in text


def test_the_same_run_gives_the_same_bytes(known):
    run, page = known
    again = html_report(run_file(run.workbook.path))
    assert again == page


# ------------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------------
def test_run_writes_the_html_report(known, tmp_path, capsys):
    run, page = known
    assert main(["run", str(run.workbook.path), "--out", str(tmp_path)]) == 0
    written = (tmp_path / "known.html").read_text(encoding="utf-8")
    assert written == page
    assert not (tmp_path / "known.pdf").exists()  # only with --pdf
