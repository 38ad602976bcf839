"""The README documents what the loader accepts, and its how-to works on the flagship."""
from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import openpyxl

from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.kpis import KPIS
from cashcast.models.analysis.kpis import YEARLY, yearly_reference_markdown
from cashcast.models.analysis.kpis import reference_markdown as kpi_reference_markdown
from cashcast.reports.excel.assumptions import reference_markdown
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_shows_the_two_commands_first():
    first_block = README.split("```")[1]
    assert "make report" in first_block and "make test" in first_block


def test_reference_tables_match_the_specs():
    start, end = "<!-- reference:start -->\n", "<!-- reference:end -->"
    documented = README[README.index(start) + len(start): README.index(end)]
    assert documented == reference_markdown()


def test_second_subscription_tier_and_funding_round_by_adding_rows(tmp_path):
    path = tmp_path / "openai.xlsx"
    shutil.copy(ROOT / "assumptions" / "openai.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    for values in (("ChatGPT Team", "subscription", "audience", 2_000_000, "seats"),
                   ("ChatGPT Team", "subscription", "conversion", "5%", "%"),
                   ("ChatGPT Team", "subscription", "price", 30, "USD/month"),
                   ("ChatGPT Team", "subscription", "start_month", "2025-07", "date"),
                   ("Series X", "funding", "amount", 500_000_000, "USD"),
                   ("Series X", "funding", "month", "2025-03", "date")):
        ws.append(list(values) + [None, None, None, "estimate", ""])
    wb.save(path)
    before, after = run_file(ROOT / "assumptions" / "openai.xlsx", ["base"]), run_file(path, ["base"])
    team = after.result.column("chatgpt_team.revenue", 0)
    months = after.months
    assert team[months.index(dt.date(2025, 6, 1))] == 0
    assert team[months.index(dt.date(2025, 7, 1))] == 2_000_000 * 0.05 * 30
    march = months.index(dt.date(2025, 3, 1))
    gained = after.result.column("closing_cash", 0) - before.result.column("closing_cash", 0)
    assert gained[march - 1] == 0 and gained[march] == 500_000_000
    extra = after.result.column("revenue", 0) - before.result.column("revenue", 0)
    assert np.allclose(extra, team, rtol=0, atol=1e-6)


def test_kpi_table_matches_the_registry():
    start, end = "<!-- kpis:start -->\n", "<!-- kpis:end -->"
    documented = README[README.index(start) + len(start): README.index(end)]
    assert documented == kpi_reference_markdown()
    for kpi in KPIS:
        assert f"| `{kpi.name}` | {kpi.label} |" in documented


def test_statement_tables_match_the_registries():
    from cashcast.models.statements.reference import categories_markdown, statements_markdown
    for marker, text in (("categories", categories_markdown()), ("statements", statements_markdown())):
        start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
        assert README[README.index(start) + len(start): README.index(end)] == text


def test_yearly_kpi_table_matches_the_registry():
    start, end = "<!-- yearly-kpis:start -->\n", "<!-- yearly-kpis:end -->"
    documented = README[README.index(start) + len(start): README.index(end)]
    assert documented == yearly_reference_markdown()
    for kpi in YEARLY:
        assert f"| `{kpi.name}` | {kpi.label} (" in documented
