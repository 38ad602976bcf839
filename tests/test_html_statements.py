"""The HTML report's Financial statements section: every scenario's three statements and checks, and
the unit economics of each block that has them, against hand-computed figures; and the Ownership
section's cap table for every scenario whose rounds end in other terms.

The workbook: Jan 2023 start, 24 months; Plus sells to an audience of 1,000,000 at 2% conversion
(a target of 20,000 payers), 5% monthly churn, CAC $30 per gross add, serving $4 per payer a month.
Month 1 signs 20,000; each later month churn takes 1,000 and 1,000 gross adds replace them, so payers
stay at 20,000. Base price $20, scenario ``pricey`` $37:

* ARPU = revenue ÷ payers = the price: $20 / $37 a month;
* gross margin per payer = ARPU − $4 = $16 / $33; LTV = margin ÷ 5% = $320 / $660;
* CAC payback = $30 ÷ margin = 1.875 → 1.9 months / 0.909… → 0.9 months;
* revenue 2023 = 20,000 × price × 12 = $4.8M / $8.88M ($8.9M); serving 20,000 × $4 × 12 = $960K;
  gross profit $3.84M ($3.8M) / $7.92M ($7.9M).
"""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.html.page import html_report
from tests.helpers import row, settings

BASE_FIGURES = {"ARPU": ["$20/month", "$20/month"], "Gross margin": ["$16/month", "$16/month"],
                "LTV": ["$320", "$320"], "CAC payback": ["1.9 months", "1.9 months"]}
PRICEY_FIGURES = {"ARPU": ["$37/month", "$37/month"], "Gross margin": ["$33/month", "$33/month"],
                  "LTV": ["$660", "$660"], "CAC payback": ["0.9 months", "0.9 months"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from cashcast.reports.excel.assumptions import write_assumption_workbook

    rows = [
        row("Plus", "subscription", "audience", 1_000_000, "users"),
        row("Plus", "subscription", "conversion", 0.02, "%"),
        row("Plus", "subscription", "price", 20, "USD/month", overrides={"pricey": 37}),
        row("Plus", "subscription", "churn", 0.05, "%"),
        row("Plus", "subscription", "cac", 30, "USD/subscriber"),
        row("Plus", "subscription", "cost_per_subscriber", 4, "USD/subscriber/month"),
        row("Team", "opex", "monthly_amount", 50_000, "USD/month"),
    ]
    path = tmp_path_factory.mktemp("st") / "units.xlsx"
    write_assumption_workbook(path, settings(start_month=dt.date(2023, 1, 1)), rows,
                              [("base", "as planned"), ("pricey", "a higher price")])
    run = run_file(path)
    return run, html_report(Outcome(run))


def scenario_part(page: str, scenario: str) -> str:
    """The statements section's block of one scenario."""
    section = re.search(r'<section id="statements".*?</section>', page, re.S).group(0)
    found = re.search(rf'<div class="statements-scenario[^"]*" data-scenario="{scenario}">(.*?)</div>\s*(?=<div class="statements-scenario|<p class="table-note">)',
                      section, re.S)
    assert found, scenario
    return found.group(1)


def rows_of(part: str, table_class: str) -> dict[str, list[str]]:
    """Row label → cell texts of every table of this class in the part (split tables joined)."""
    out: dict[str, list[str]] = {}
    for table in re.findall(rf'<table class="{table_class}"[^>]*>(.*?)</table>', part, re.S):
        for label, cells in re.findall(r'<tr class="[^"]*"><th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
            texts = [htmllib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
            out.setdefault(htmllib.unescape(label).strip(), []).extend(texts)
    return out


def starting(rows: dict[str, list[str]], prefix: str) -> list[str]:
    (label,) = [k for k in rows if k.startswith(prefix)]
    return rows[label]


@pytest.mark.parametrize("scenario, figures", [("base", BASE_FIGURES), ("pricey", PRICEY_FIGURES)])
def test_unit_economics_of_every_scenario_to_the_cent(report, scenario, figures):
    _run, page = report
    units = rows_of(scenario_part(page, scenario), "annual unit-economics")
    for prefix, expected in figures.items():
        assert starting(units, prefix) == expected, prefix
    assert f"Unit economics — {'Base case' if scenario == 'base' else scenario}" in page


@pytest.mark.parametrize("scenario, revenue, gross_profit", [("base", "$4.8M", "$3.8M"),
                                                             ("pricey", "$8.9M", "$7.9M")])
def test_every_scenario_has_its_own_statements_and_checks(report, scenario, revenue, gross_profit):
    run, page = report
    part = scenario_part(page, scenario)
    lines = rows_of(part, "annual statements")
    assert lines[run.model.lines["revenue"].label][0] == revenue
    assert lines[run.model.lines["gross_profit"].label][0] == gross_profit
    assert lines["Plus"][:1] == [revenue]  # the block above its total
    assert re.search(rf'<p class="checks holds" data-scenario="{scenario}">Both checks hold', part)


def test_no_unit_economics_without_a_block_that_has_them(tmp_path):
    from cashcast.reports.excel.assumptions import write_assumption_workbook

    path = write_assumption_workbook(tmp_path / "plain.xlsx", settings(),
                                     [row("Team", "opex", "monthly_amount", 50_000, "USD/month")])
    page = html_report(Outcome(run_file(path)))
    assert "unit-economics" not in page and "Unit economics —" not in page
    assert 'class="annual statements" data-scenario="base"' in page


def test_a_scenario_that_changes_a_valuation_gets_its_own_cap_table(tmp_path):
    """A $5M seed at a $50M post-money sells 10% (base, and ``later`` which only moves a cost); at $20M
    (``cheap``) it sells 25%, and the earlier holders keep 75%."""
    from cashcast.reports.excel.assumptions import write_assumption_workbook

    rows = [row("Team", "opex", "monthly_amount", 50_000, "USD/month", overrides={"later": 60_000}),
            row("Seed", "funding", "amount", 5e6, "USD"),
            row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
            row("Seed", "funding", "post_money", 50e6, "USD", overrides={"cheap": 20e6})]
    path = write_assumption_workbook(tmp_path / "cap.xlsx", settings(), rows,
                                     [("base", ""), ("later", "costs more"), ("cheap", "a lower valuation")])
    page = html_report(Outcome(run_file(path)))
    section = re.search(r'<section id="ownership".*?</section>', page, re.S).group(0)
    tables = dict(re.findall(r'<table class="ownership" data-scenario="([^"]+)">(.*?)</table>', section, re.S))
    assert list(tables) == ["base", "cheap"]
    assert "Cap table — Base case" in section and "Cap table — cheap" in section
    assert "The rounds of later end in the same terms." in section
    base_cells = re.findall(r"<td>(.*?)</td>", tables["base"])
    cheap_cells = re.findall(r"<td>(.*?)</td>", tables["cheap"])
    assert base_cells[4:6] == ["10.0%", "90.0%"] and cheap_cells[4:6] == ["25.0%", "75.0%"]
    assert cheap_cells[2:4] == ["$15M", "$20M"]  # pre-money = post-money − the round


def test_one_cap_table_without_a_heading_when_no_scenario_changes_the_terms(tmp_path):
    from cashcast.reports.excel.assumptions import write_assumption_workbook

    rows = [row("Team", "opex", "monthly_amount", 50_000, "USD/month", overrides={"later": 60_000}),
            row("Seed", "funding", "amount", 5e6, "USD"),
            row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
            row("Seed", "funding", "post_money", 50e6, "USD")]
    path = write_assumption_workbook(tmp_path / "cap.xlsx", settings(), rows, [("base", ""), ("later", "")])
    section = re.search(r'<section id="ownership".*?</section>', html_report(Outcome(run_file(path))), re.S).group(0)
    assert section.count('<table class="ownership"') == 1 and "Cap table —" not in section
    assert "The rounds of later end in the same terms." in section
