"""Issue 12 items 1 (key assumptions, sensitivity in words), 8 (methodology from the workbook itself)
and the report title.

Sensitivity, worked by hand on tests/report_fixtures.py's uncertain workbook (Jan 2023, 24 months,
$1M; Team $100K a month, $80K–$150K; Plus 1M users, 500K–1.5M, × 1% conversion, 0.5%–20%, × $5):
the base case loses $50K a month and runs out in Sep 2024 (month 20).
  Team $80K: −$30K a month, $1M lasts past the horizon: never; $150K: −$100K, out in Nov 2023 (t = 10).
  Runway swing 24 − 10 = 14 months, the largest.
  conversion 0.5%: $25K of sales, −$75K a month: out at t = 13, Feb 2024; 20%: $1M of sales a month:
  never out, and the trailing twelve months are ≥ 0 when first complete, Dec 2023. Swing 11.
  audience 500K: as conversion 0.5%, Feb 2024; 1.5M: −$25K a month, never out, no break-even. Swing 11,
  behind conversion on the break-even swing (≥ 13 against 0).
"""
from __future__ import annotations

import html
import json
import re

import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports import fmt
from cashcast.reports.excel.assumptions import write_assumption_workbook
from cashcast.reports.html import references
from cashcast.reports.html.narrative import quantity
from cashcast.reports.html.page import html_report
from cashcast.reports.outputs import json_text
from tests import shared_reports as shared
from tests.helpers import ROOT, row, settings
from tests.report_fixtures import uncertain_workbook

EXAMPLES = {name: ROOT / "assumptions" / f"{name}.xlsx" for name in ("openai", "xiaoice_rmb", "ai_writer")}


def section(page: str, section_id: str) -> str:
    return re.search(rf'<section id="{section_id}".*?</section>', page, re.S).group(0)


def text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def sentences(markup: str) -> list[str]:
    return [text(s).strip() for s in re.findall(r"<li>(.*?)</li>", markup, re.S)]


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory):
    run = run_file(uncertain_workbook(tmp_path_factory.mktemp("uncertain")))
    return run, html_report(Outcome(run, analyse(run, 0, 0)))


def test_key_assumptions_come_right_after_the_answer(uncertain):
    ids = re.findall(r'<section id="([^"]+)"', uncertain[1])
    assert ids[:3] == ["answer", "key-assumptions", "comparison"]


def test_key_assumptions_are_the_largest_swings_in_order(uncertain):
    part = section(uncertain[1], "key-assumptions")
    assert re.findall(r'<tr data-parameter="([^"]+)">', part) == ["Team.monthly_amount", "Plus.conversion",
                                                                  "Plus.audience"]
    team = re.search(r'<tr data-parameter="Team.monthly_amount">(.*?)</tr>', part, re.S).group(1)
    assert "runway ≥14 months" in text(team)   # one end never runs out: at least


def test_the_top_three_swings_in_words_are_the_hand_worked_months(uncertain):
    said = sentences(section(uncertain[1], "key-assumptions"))
    assert said == [
        "If Team.monthly_amount is at its low ($80K/month) instead of its base ($100K/month), cash never runs "
        "out (instead of in Sep 2024); at its high ($150K/month), cash runs out in Nov 2023 instead of Sep 2024.",
        "If Plus.conversion is at its low (0.5%) instead of its base (1.0%), cash runs out in Feb 2024 instead "
        "of Sep 2024; at its high (20.0%), cash never runs out (instead of in Sep 2024) and it breaks even in "
        "Dec 2023 instead of never.",
        "If Plus.audience is at its low (500K users) instead of its base (1M users), cash runs out in Feb 2024 "
        "instead of Sep 2024; at its high (1.5M users), cash never runs out (instead of in Sep 2024).",
    ]
    # the base scenario's sensitivity section says the same three
    assert sentences(section(uncertain[1], "sensitivity-1"))[:3] == said


@pytest.fixture(scope="module")
def writer(shared_reports):
    done = shared.outcome(EXAMPLES["ai_writer"], 0)
    return done.run, shared_reports.html(EXAMPLES["ai_writer"], 0), done.analysis


def test_key_assumptions_give_each_source(writer):
    run, page, analysis = writer
    part = section(page, "key-assumptions")
    rows = dict(re.findall(r'<tr data-parameter="([^"]+)">(.*?)</tr>', part, re.S))
    tornado = analysis.tornadoes[run.scenarios[0]]
    moving = [b for b in tornado.bars if any(s.swing > 0 for s in b.swings.values())]
    assert list(rows) == [b.parameter for b in moving][:6]
    by_key = run.workbook.row_by_key()
    for bar in moving[:6]:
        source = by_key[bar.key].source
        cited = "".join(p.text for p in references.source_parts(run.workbook, source))  # ids → [n]
        assert source and text(re.findall(r'<td class="source">(.*?)</td>', rows[bar.parameter], re.S)[0]).strip() \
            == cited


def test_sensitivity_words_state_the_tornado_months(writer):
    run, page, analysis = writer
    tornado = analysis.tornadoes[run.scenarios[0]]
    said = sentences(section(page, "key-assumptions"))
    assert len(said) == 3
    for bar, sentence in zip(tornado.bars, said):
        assert sentence.startswith((f"If {bar.parameter} is at its low (", f"{bar.parameter} is already at its low ("))
        for side in ("low", "high"):
            at, base = getattr(bar.swings["break_even_month"], side), tornado.base["break_even_month"]
            if at == at and at != base:
                assert fmt.month(tornado.label(at)) in sentence


# ------------------------------------------------------------------------------------------------
# Methodology from the workbook itself
# ------------------------------------------------------------------------------------------------
FLAGSHIP_EXAMPLES = ["Article", "article 00", "$200M a month", "10 million payers", "$700K a day", "Microsoft",
                     "$4.6M", "GPT-3", "Jan 2023 → Mar 2025"]
MONEY = r"−?[$¥€£][\d,.]+(?:万亿|亿|万|[KMBT])?"


@pytest.mark.parametrize("name", ["ai_writer", "xiaoice_rmb"])
def test_methodology_has_only_this_workbooks_blocks_and_figures(name, shared_reports):
    run = run_file(EXAMPLES[name])
    part = section(shared_reports.html(EXAMPLES[name]), "methodology")
    said = text(part)
    assert [x for x in FLAGSHIP_EXAMPLES if x in said] == []
    wb = run.workbook
    assert set(re.findall(r'data-kind="([^"]+)"', part)) == {b.kind for b in wb.blocks.values()}
    names = [b.name for b in wb.blocks.values()]
    assert sorted(html.unescape(b) for b in re.findall(r'<li data-block="([^"]+)">', part)) == sorted(names)
    flagship = {r.block for r in run_file(EXAMPLES["openai"]).workbook.rows} - set(names)
    assert [b for b in flagship if b in said] == []
    # every amount is one of the workbook's: an assumption as entered or a line of its first scenario
    own = set(re.findall(MONEY, text("".join(re.findall(r"<li data-block=.*?</li>", part, re.S)))))
    outside = re.sub(r"<li data-block=.*?</li>", " ", part, flags=re.S)
    assert re.findall(MONEY, text(outside)) == []
    cur = wb.settings.currency
    lines = {fmt.money(float(v), cur) for ln in run.model.lines.values() if ln.role in ("revenue", "cost", "funding")
             for v in run.result.column(ln.name, 0)}
    entered = " ".join(quantity(r, r.value) for r in wb.rows)
    assert [m for m in own if m not in lines and m not in entered] == []


# ------------------------------------------------------------------------------------------------
# The title
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_titles_come_from_the_workbook_not_the_file_name(name, shared_reports):
    run = run_file(EXAMPLES[name])
    page, data = shared_reports.html(EXAMPLES[name]), json.loads(json_text(Outcome(run)))
    title = run.workbook.settings.title
    assert title and data["title"] == title
    assert html.unescape(re.search(r"<title>(.*?)</title>", page).group(1)) == title
    assert html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1)) == title
    assert name not in title


@pytest.mark.parametrize("company, expected", [("Acme AI", "Acme AI: cash-flow, break-even and runway"),
                                               (None, "plain: cash-flow, break-even and runway")])
def test_without_a_title_the_company_names_the_report(tmp_path, company, expected):
    path = tmp_path / "plain.xlsx"
    write_assumption_workbook(path, settings(company=company),
                              [row("Team", "opex", "monthly_amount", 10_000, "USD/month")], [("base", "")])
    outcome = Outcome(run_file(path))
    assert json.loads(json_text(outcome))["title"] == expected
    assert html.unescape(re.search(r"<h1>(.*?)</h1>", html_report(outcome)).group(1)) == expected


def test_an_assumption_already_at_its_low_is_said_so(tmp_path):
    """$1M, Team $100K a month (low $100K, high $150K): out at t = 10 (Nov 2023); at $150K,
    1M − 150K·(t + 1) < 0 first at t = 6, Jul 2023."""
    path = tmp_path / "low.xlsx"
    write_assumption_workbook(path, settings(), [row("Team", "opex", "monthly_amount", 100_000, "USD/month",
                                                     low=100_000, high=150_000)], [("base", "")])
    run = run_file(path)
    page = html_report(Outcome(run, analyse(run, 0, 0)))
    assert sentences(section(page, "key-assumptions")) == [
        "Team.monthly_amount is already at its low ($100K/month); at its high ($150K/month), cash runs out "
        "in Jul 2023 instead of Nov 2023."]
