"""The answer's paragraph per scenario (issue 12, item 1): every number and month it states is one of
the JSON's, for both examples and for a scenario of each shape, worked by hand on shapes():

Jan 2023, 36 months, $1M opening cash, no floor; Team costs $100K a month; API sells 1.5M calls a
month at $0.10 ($150K) until its end month (Dec 2025: the whole horizon); a $5M round in Jun 2024.

funded:  +$50K a month from Jan 2023: lowest $1.05M in Jan 2023; the trailing twelve months first
         complete in Dec 2023, ≥ 0, and stay so: funded and profitable (the only green break-even).
short:   no sales, no round: cash $1M − $100K·(t + 1) first < 0 at t = 10 (Nov 2023), 10 months in;
         −$2.6M at Dec 2025, 26 months short (t = 10…35): raise $2.6M by Nov 2023, out since Nov 2023.
rescued: no sales, the round: −$700K at May 2024 (t = 16, the low), then $4.2M in Jun 2024: out Nov
         2023, back from Jun 2024, 7 months short; raise $700K by Nov 2023; $2.4M at Dec 2025, burning
         $100K a month: another 24 months, out in Jan 2028.
fade:    sales end Dec 2024: +$50K a month to t = 23, −$100K after. Break-even Dec 2023; the trailing
         twelve months at t = 23 + j are $600K − $150K·j, < 0 first at j = 5: losses return May 2025
         and last. Cash $7.2M at Dec 2024, $6M at Dec 2025: another 60 months, out in Jan 2031.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis import kpis as registry
from cashcast.reports import fmt
from cashcast.reports.excel.assumptions import write_assumption_workbook
from cashcast.reports.html import narrative
from cashcast.reports.html.page import html_report
from cashcast.reports.outputs import json_text
from tests.helpers import ROOT, row, settings

SCENARIOS = [("funded", "sales all along"), ("short", "no sales, no round"),
             ("rescued", "no sales, the round"), ("fade", "sales end Dec 2024")]
MONTH = r"[A-Z][a-z]{2} \d{4}"
MONEY = r"−?[$¥€£][\d,.]+(?:万亿|亿|万|[KMBT])?"


def shapes(folder):
    rows = [
        row("Team", "opex", "monthly_amount", 100_000, "USD/month"),
        row("API", "usage", "volume", 1_500_000, "calls/month", overrides={"short": 0, "rescued": 0}),
        row("API", "usage", "unit_price", 0.10, "USD/call"),
        row("API", "usage", "end_month", dt.date(2025, 12, 1), "date", overrides={"fade": dt.date(2024, 12, 1)}),
        row("Round", "funding", "amount", 5_000_000, "USD", overrides={"short": 0}),
        row("Round", "funding", "month", dt.date(2024, 6, 1), "date"),
    ]
    path = folder / "shapes.xlsx"
    write_assumption_workbook(path, settings(horizon_months=36), rows,
                              [("base", "unused")] + SCENARIOS)
    return path


def report(path, scenarios=None, page=None):
    """(run, html, JSON, each scenario's story) of a workbook; ``page``: its html if rendered already."""
    run = run_file(path, scenarios)
    outcome = Outcome(run)
    page = html_report(outcome) if page is None else page
    data = json.loads(json_text(outcome))
    stories = {n: html.unescape(re.sub(r"<[^>]*>", "", t)) for n, t in  # the answer sentence's span dropped
               re.findall(r'<p class="story headline" data-scenario="([^"]+)">(.*?)</p>', page)}
    return run, page, data, stories


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    return report(shapes(tmp_path_factory.mktemp("shapes")), [n for n, _ in SCENARIOS])


@pytest.fixture(scope="module", params=["openai", "xiaoice_rmb", "ai_writer"])
def example(request, shared_reports):
    path = ROOT / "assumptions" / f"{request.param}.xlsx"
    return report(path, page=shared_reports.html(path))


def allowed(data: dict, name: str) -> dict[str, set[str]]:
    """What the paragraph may state, from the JSON alone: months, amounts, counts of months, years."""
    entry, cur = data["scenarios"][name], data["currency"]
    k, annual = entry["kpis"], entry["annual"]
    kinds = {kpi.name: kpi.kind for kpi in registry.KPIS}
    start = dt.date.fromisoformat(data["start_month"] + "-01")
    last = (start.year * 12 + start.month - 1 + data["horizon_months"] - 1)
    months = {fmt.month(v) for n, v in k.items() if kinds.get(n) == "month" and v}
    months.add(fmt.month(f"{last // 12}-{last % 12 + 1:02d}"))
    money = {fmt.money(k[n], cur) for n in ("cash_low", "funding_gap", "ending_cash")}
    money |= {fmt.money(abs(x), cur) for x in (annual["kpis"]["net_burn"][0], annual["kpis"]["net_burn"][-1])}
    money.add(fmt.money(entry["settings"]["minimum_cash"] or 0, cur))
    counts = {str(v) for n, v in k.items() if kinds.get(n) == "months" and v is not None}
    counts.add(str(data["horizon_months"]))
    years = {str(annual["years"][0]), str(annual["years"][-1])}
    return {"month": months, "money": money, "count": counts, "year": years}


def stated(text: str) -> dict[str, list[str]]:
    """Every month, amount, count of months and year the paragraph states, and what is left over."""
    found = {"month": re.findall(MONTH, text)}
    text = re.sub(MONTH, " ", text)
    found["money"] = re.findall(MONEY, text)
    text = re.sub(MONEY, " ", text)
    found["count"] = re.findall(r"(\d+)[- ]months?\b", text)
    text = re.sub(r"(\d+)[- ]months?\b", " ", text)
    found["year"] = re.findall(r"\b\d{4}\b", text)
    found["rest"] = re.findall(r"\d", re.sub(r"\b\d{4}\b", " ", text))
    return found


def check_every_figure_is_the_json(data: dict, stories: dict[str, str]):
    assert set(stories) == set(data["scenarios"])
    for name, text in stories.items():
        title = narrative.scenario_title(name) + ": "
        assert text.startswith(title)
        said, ok = stated(text[len(title):]), allowed(data, name)
        for what in ("month", "money", "count", "year"):
            assert set(said[what]) <= ok[what], (name, what, set(said[what]) - ok[what])
        assert said["rest"] == [], (name, text)


def test_every_figure_in_the_examples_paragraphs_is_the_json(example):
    _run, _page, data, stories = example
    check_every_figure_is_the_json(data, stories)
    for name, text in stories.items():
        k, cur = data["scenarios"][name]["kpis"], data["currency"]
        if k["funding_gap"]:
            assert f"must raise {fmt.money(k['funding_gap'], cur)} by {fmt.month(k['raise_by_month'])}." in text
        else:
            assert "It needs no new money" in text and "must raise" not in text
        assert f"lowest in {fmt.month(k['cash_low_month'])}, at {fmt.money(k['cash_low'], cur)}." in text


def test_every_figure_in_each_shape_is_the_json(shaped):
    _run, _page, data, stories = shaped
    check_every_figure_is_the_json(data, stories)


HAND = {
    "funded": ["Cash is lowest in Jan 2023, at $1.1M.", "It needs no new money",
               "breaks even in Dec 2023.", "It stays at break-even or better to the end of the horizon.",
               "On average it generates $50K a month in 2023 and generates $50K a month in 2025.",
               "does not run out within a century", "It stays funded and profitable to the end of the horizon."],
    "short": ["cash runs out in Nov 2023, 10 months after the start", "does not break even by Dec 2025",
              "Cash is lowest in Dec 2025, at −$2.6M.", "it must raise $2.6M by Nov 2023.",
              "it is out of cash from Nov 2023 to the end of the horizon: 26 months short, ending Dec 2025 "
              "at −$2.6M.", "On average it burns $100K a month in 2023 and burns $100K a month in 2025."],
    "rescued": ["cash runs out in Nov 2023, 10 months after the start and is back above it from Jun 2024",
                "Cash is lowest in May 2024, at −$700K.", "it must raise $700K by Nov 2023.",
                "Without that raise cash is below zero for 7 months in all.",
                "the $2.4M left at the horizon lasts another 24 months and runs out in Jan 2028."],
    "fade": ["breaks even in Dec 2023 but returns to losses from May 2025", "The losses last to the end",
             "generates $50K a month in 2023 and burns $100K a month in 2025.",
             "the $6M left at the horizon lasts another 60 months and runs out in Jan 2031."],
}


@pytest.mark.parametrize("name", [n for n, _ in SCENARIOS])
def test_each_shape_says_the_hand_worked_story(shaped, name):
    text = shaped[3][name]
    assert [s for s in HAND[name] if s not in text] == []
    assert ("funded and profitable" in text) == (name == "funded")
    assert ("out of cash from" in text) == (name == "short")


def tones(page: str, name: str) -> dict[str, str]:
    card = re.search(rf'<article class="scenario-card" data-scenario="{re.escape(name)}">(.*?)</article>', page, re.S)
    return dict((k, t.strip()) for t, k in re.findall(r'<div class="kpi ?([a-z]*)" data-kpi="(\w+)">', card.group(1)))


def test_break_even_is_green_only_when_funded_and_profitable(shaped):
    page = shaped[1]
    assert tones(page, "funded")["break_even_month"] == "good"
    assert tones(page, "fade")["break_even_month"] == ""          # losses come back
    assert tones(page, "rescued")["break_even_month"] == "bad"     # never breaks even
    assert tones(page, "short")["cash_out_month"] == "bad"


def test_rmb_base_break_even_is_not_green_after_its_cash_ran_out():
    _run, page, data, stories = report(ROOT / "assumptions" / "xiaoice_rmb.xlsx", ["base"])
    assert data["scenarios"]["base"]["kpis"]["cash_out_month"] < data["scenarios"]["base"]["kpis"]["break_even_month"]
    assert tones(page, "base")["break_even_month"] == ""
    assert "funded and profitable" not in stories["base"]


def test_flagship_claim_004_is_out_of_cash_since_jun_2025():
    _run, _page, data, stories = report(ROOT / "assumptions" / "openai.xlsx", ["claim-004"])
    assert data["scenarios"]["claim-004"]["kpis"]["runway_at_horizon_month"] == "2025-06"
    assert "it is out of cash from Jun 2025 to the end of the horizon" in stories["claim-004"]
