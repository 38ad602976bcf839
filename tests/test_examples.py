"""The example workbooks: they run, and the flagship reproduces article 001's arithmetic."""
from __future__ import annotations

import json

import numpy as np
import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.cli.main import main
from tests.helpers import EXAMPLES, ROOT

FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"


SMALL = ROOT / "assumptions" / "ai_writer.xlsx"


def test_the_three_examples_exist():
    assert {p.name for p in EXAMPLES} >= {"openai.xlsx", "xiaoice_rmb.xlsx", "ai_writer.xlsx"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_and_scenario_runs(path):
    run = run_file(path)
    assert len(run.scenarios) >= 3
    for name in run.model.lines:
        assert np.isfinite(run.result[name]).all(), name


def test_every_figure_cites_an_article_or_says_estimate():
    for path in EXAMPLES:
        run = run_file(path)
        sources = run.workbook.sources
        for row in run.workbook.rows:
            cites_articles = row.citations and all(".txt" in sources[c.id].location for c in row.citations)
            reasoned_estimate = row.source_kind == "estimate" and row.notes
            assert cites_articles or reasoned_estimate, (path.name, row.label, row.source)


def test_seed_001_any_full_year_is_2_4_billion_and_200_million():
    run = run_file(FLAGSHIP, ["seed-001"])
    for year_index in range(len(run.years())):
        assert run.annual("chatgpt_plus.revenue", 0)[year_index] == pytest.approx(2_400_000_000.00, abs=0.005)
        assert run.annual("api_licensing.revenue", 0)[year_index] == pytest.approx(200_000_000.00, abs=0.005)


def test_claim_004_scenario_answers_the_question_from_its_own_numbers():
    """The claim scenario's cash-out month follows from its inputs by plain arithmetic."""
    run = run_file(FLAGSHIP, ["claim-004"])
    months = run.months
    opening = run.workbook.settings.opening_cash
    cash, out = opening, None
    for t, m in enumerate(months):
        days = (months[t + 1] - m).days if t + 1 < len(months) else 31
        revenue = (1e8 * 0.01 * 20 if m >= months[1] else 0.0)     # 100M visits × 1% × $20, from Feb
        training = 2 * 50e6 * 1.5 ** (t / 12) / 12                  # 2 runs, +50%/year
        staff = 500 * 1.3 ** (t / 12) * 300_000 / 12
        cash += revenue - 700_000 * days - training - staff
        if cash < 0:
            out = m.strftime("%Y-%m")
            break
    data = json.loads(__import__("cashcast.reports.outputs", fromlist=["json_text"]).json_text(Outcome(run)))
    assert data["scenarios"]["claim-004"]["kpis"]["cash_out_month"] == out


def test_make_report_command_writes_json_and_csv(tmp_path, capsys):
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "seed-001" in printed and "cash-out month" in printed
    assert (tmp_path / "openai.json").exists() and (tmp_path / "openai.csv").exists()


def test_small_subscription_steady_year_by_hand():
    """ai_writer.xlsx in 2027, its audience full since January 2026: 500,000 visitors × 1% = 5,000
    payers at $20; 5% churn → 250 gross adds a month at $60; $2 a payer a month to serve; engineering
    $480,000 and tools $36,000 a year; custom projects $60,000 a year (revenue, not recurring)."""
    run = run_file(SMALL, ["base"])
    i = run.years().index(2027)
    assert run.annual("pro_plan.revenue", 0)[i] == pytest.approx(1_200_000.00, abs=0.005)   # 5,000 × 20 × 12
    assert run.annual("pro_plan.acquisition_cost", 0)[i] == pytest.approx(180_000.00, abs=0.005)  # 250 × 60 × 12
    assert run.annual("pro_plan.serving_cost", 0)[i] == pytest.approx(120_000.00, abs=0.005)  # 5,000 × 2 × 12
    # 1,200,000 + 60,000 − 180,000 − 120,000 − 480,000 − 36,000
    assert run.annual("operating_cash_flow", 0)[i] == pytest.approx(444_000.00, abs=0.005)
    assert run.yearly["arr"][i, 0] == pytest.approx(1_200_000.00, abs=0.005)                # 12 × 100,000
    assert run.yearly["gross_margin_year"][i, 0] == pytest.approx(1_140_000 / 1_260_000, abs=1e-12)
    assert np.isnan(run.yearly["burn_multiple"][i, 0])                                       # ARR flat


def test_small_subscription_first_month_by_hand():
    """January 2024: 50,000 visitors × 1% = 500 payers, all new: $10,000 − 500 × $60 − 500 × $2 −
    $40,000 − $3,000 + $5,000 of projects = −$59,000, after the $1.5M seed round $1,441,000."""
    run = run_file(SMALL, ["base"])
    assert run.result.column("operating_cash_flow", 0)[0] == pytest.approx(-59_000.00, abs=0.005)
    assert run.result.column("closing_cash", 0)[0] == pytest.approx(1_441_000.00, abs=0.005)


def test_flagship_stock_pay_is_an_expense_no_cash_pays():
    """The flagship's staff get stock worth half their cash pay (the model's estimate): 500 people ×
    50% × $300,000 / 12 = $6,250,000 in January 2023, 650 people (+30%) a year later $8,125,000. It
    lowers the net income by exactly that and leaves the cash flow alone (no depreciation, interest,
    credits or working capital in the flagship)."""
    run = run_file(FLAGSHIP, ["base"])
    stock = run.result.column("stock_based_compensation", 0)
    assert stock[0] == pytest.approx(6_250_000.00, abs=0.005)
    assert stock[12] == pytest.approx(8_125_000.00, abs=0.005)
    net, cash = run.result.column("net_income", 0), run.result.column("operating_cash_flow", 0)
    for t in (0, 12, 119):
        assert net[t] == pytest.approx(cash[t] - 500 * 1.3 ** (t / 12) * 0.5 * 300_000 / 12, abs=0.005)
    i = run.years().index(2032)
    stock_2032 = sum(500 * 1.3 ** (t / 12) * 0.5 * 300_000 / 12 for t in range(108, 120))
    assert run.annual("operating_cash_flow", 0)[i] < 0       # burning cash at the horizon ...
    assert run.annual("net_income", 0)[i] == pytest.approx(run.annual("operating_cash_flow", 0)[i] - stock_2032,
                                                           abs=0.005)   # ... and losing more than it burns


def test_the_committed_examples_are_what_make_examples_writes(tmp_path, monkeypatch):
    """The examples are generated (assumptions/make_examples.py; same input, same bytes): a change to the
    script or to the workbook writer that is not followed by regenerating them fails here."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "assumptions" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for path in sorted(tmp_path.glob("*.xlsx")):
        assert path.read_bytes() == (ROOT / "assumptions" / path.name).read_bytes(), f"regenerate {path.name}"
