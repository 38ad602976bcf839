"""The three statements: each new line to the cent on a hand-computed model, the categories of
every kind, and the two identities (assets = liabilities + equity; closing cash = previous + net
change in cash) as properties over 1,000 random valid workbooks, through the file format.

The hand-computed model (opening cash 100, from April 2023, 15 receivable and 15 payable days):
licensing 1 × 600 a year = 50 a month of revenue; serving 1 server × 10 (cost of revenue);
training 12 runs a year × 20 = 20 a month (R&D); staff 1 × 60 a year = 5 a month (G&A); one GPU
for 36 paid in April, depreciated over 36 months (1 a month).
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from cashcast.models.analysis.scenarios import run_file
from cashcast.models.kinds import CATEGORIES, KINDS
from cashcast.models.statements.checks import check_results
from cashcast.models.statements.lines import STATEMENT_LINES
from cashcast.reports.excel.assumptions import AssumptionRow as R, write_assumption_workbook
from tests.helpers import examples, settings
from tests.test_properties import block_rows, money

APRIL = dt.date(2023, 4, 1)


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    rows = [R("Licences", "licensing", "customers", 1, "platforms"),
            R("Licences", "licensing", "annual_fee", 600, "USD/year"),
            R("Serving", "inference", "servers", 1, "servers"),
            R("Serving", "inference", "cost_per_server", 10, "USD/server"),
            R("Training", "training", "runs_per_year", 12, "runs"),
            R("Training", "training", "cost_per_run", 20, "USD/run"),
            R("Staff", "headcount", "employees", 1, "people"),
            R("Staff", "headcount", "cost_per_employee", 60, "USD/year"),
            R("GPU", "hardware", "units", 1, "GPUs"), R("GPU", "hardware", "unit_price", 36, "USD/GPU"),
            R("GPU", "hardware", "purchase_month", APRIL, "date"),
            R("GPU", "hardware", "useful_life_months", 36, "months")]
    path = tmp_path_factory.mktemp("hand") / "hand.xlsx"
    write_assumption_workbook(path, settings(start_month=APRIL, horizon_months=2, opening_cash=100,
                                             receivable_days=15, payable_days=15), rows)
    run = run_file(path)
    return lambda name: run.result.column(name, 0)


# (line, April, May): April has 30 days, May 31
EXPECTED = [
    ("revenue", 50, 50), ("cost_of_revenue", 10, 10), ("gross_profit", 40, 40), ("gross_margin", 0.8, 0.8),
    ("research_development", 20, 20), ("sales_marketing", 0, 0), ("general_administrative", 5, 5),
    ("operating_expenses", 25, 25), ("ebitda", 15, 15), ("depreciation", 1, 1),
    ("stock_based_compensation", 0, 0), ("operating_income", 14, 14), ("interest", 0, 0), ("net_income", 14, 14),
    ("receivables", 25, 750 / 31), ("payables", 17.5, 525 / 31),
    ("change_in_working_capital", 7.5, 225 / 31 - 7.5),          # ΔAR − ΔAP
    ("cash_from_operations", 7.5, 15 + 7.5 - 225 / 31),          # 14 + 1 − ΔWC
    ("capital_expenditure", 36, 0), ("cash_from_investing", -36, 0), ("equity_raised", 0, 0),
    ("cash_from_financing", 0, 0), ("net_change_in_cash", -28.5, 22.5 - 225 / 31),
    ("operating_cash_flow", -28.5, 22.5 - 225 / 31),             # cash before financing, as in v1
    ("closing_cash", 71.5, 94 - 225 / 31), ("property_equipment_net", 35, 34),
    ("total_assets", 131.5, 94 - 225 / 31 + 750 / 31 + 34), ("total_liabilities", 17.5, 525 / 31),
    ("paid_in_capital", 100, 100), ("retained_earnings", 14, 28), ("total_equity", 114, 128),
    ("total_liabilities_and_equity", 131.5, 525 / 31 + 128), ("check_balance", 0, 0), ("check_cash", 0, 0),
]


@pytest.mark.parametrize("name,april,may", EXPECTED)
def test_each_statement_line_to_the_cent(hand, name, april, may):
    assert np.round(hand(name), 2).tolist() == [round(april, 2), round(may, 2)]


def test_every_kind_places_its_lines_in_a_known_category():
    assert {k.category for k in KINDS.values()} <= set(CATEGORIES)
    assert {k.name: k.category for k in KINDS.values()} == {
        "subscription": "revenue", "licensing": "revenue", "advertising": "revenue", "usage": "revenue",
        "training": "research_development", "inference": "cost_of_revenue", "hardware": "capital_expenditure",
        "headcount": "general_administrative", "opex": "general_administrative", "funding": "equity",
        "revenue": "revenue", "cost": "general_administrative", "debt": "debt_drawn"}


def test_statement_names_are_unique_and_keep_the_v1_lines():
    names = [s.name for s in STATEMENT_LINES]
    assert len(names) == len(set(names))
    assert {"revenue", "costs", "operating_cash_flow", "funding", "net_cash_flow", "closing_cash",
            "cumulative_operating_cash_flow", "ttm_operating_cash_flow", "depreciation"} <= set(names)


def test_a_broken_identity_shows_in_the_checks():
    """The check reduction is not blind: a difference of a cent fails, rounding passes."""
    results = check_results(lambda name: {"check_balance": np.array([0.0, 0.01]),
                                          "check_cash": np.array([1e-5, 0.0])}.get(name, np.array([1e9])))
    assert [(r.name, r.holds) for r in results] == [("check_balance", False), ("check_cash", True)]


KINDS_DRAWN = ["subscription", "licensing", "advertising", "training", "inference", "hardware", "funding",
               "opex", "headcount", "debt", "tranches", "credits"]
MONTHS = st.builds(dt.date, st.integers(2023, 2026), st.integers(1, 12), st.just(1))
SHARE = st.floats(0, 1, allow_nan=False)


COST_KINDS = [k for k in KINDS_DRAWN if k in KINDS and KINDS[k].role == "cost"
              and KINDS[k].category != "capital_expenditure"]  # what credits may pay: expenses, not capex


def rows_of(kind: str, name: str, earlier: list[str], horizon: int = 36):
    """A block's rows; tranches and credits are funding blocks, with tranches in the horizon's months
    (from January 2023), credits paying an earlier cost block in kind."""
    if kind == "headcount":
        return st.tuples(st.integers(0, 5000), money, SHARE, money).map(lambda v: [
            R(name, kind, "employees", v[0], "people"), R(name, kind, "cost_per_employee", v[1], "USD/year"),
            R(name, kind, "stock_share", v[2], "%"), R(name, kind, "stock_per_employee", v[3], "USD/year")])
    if kind == "debt":
        return st.tuples(money, MONTHS, SHARE, st.integers(1, 48), st.sampled_from(["bullet", "linear"])).map(
            lambda v: [R(name, kind, "amount", v[0], "USD"), R(name, kind, "draw_month", v[1], "date"),
                       R(name, kind, "interest_rate", v[2], "%"), R(name, kind, "term_months", v[3], "months"),
                       R(name, kind, "repayment", v[4], "")])
    if kind in ("tranches", "credits"):
        months = st.integers(0, horizon - 1).map(lambda i: dt.date(2023 + i // 12, i % 12 + 1, 1))
        tranches = st.lists(st.tuples(months, money), min_size=1, max_size=3, unique_by=lambda t: t[0])
        paid = [n for n in earlier if n.startswith(tuple(COST_KINDS)) and f"paid:{n}" not in earlier]
        return tranches.map(lambda ts: [R(name, "funding", f"amount@{m:%Y-%m}", a, "USD") for m, a in ts] + (
            [R(name, "funding", "in_kind", paid[-1], "")] if kind == "credits" and paid else []))
    return block_rows(kind, name)


@st.composite
def workbooks(draw):
    kinds = draw(st.lists(st.sampled_from(KINDS_DRAWN), min_size=1, max_size=6))
    horizon = draw(st.integers(1, 36))
    rows = []
    names: list[str] = []
    for i, kind in enumerate(kinds):
        block = draw(rows_of(kind, f"{kind} {i}", names, horizon))
        names += [f"{kind} {i}"] + [f"paid:{r.value}" for r in block if r.parameter == "in_kind"]
        rows += block
    days = st.integers(0, 365)
    return rows, settings(opening_cash=draw(money), horizon_months=horizon,
                          receivable_days=draw(days), payable_days=draw(days))


@hsettings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_assets_equal_liabilities_plus_equity_and_cash_ties_out(spec):
    """Both check lines are 0 up to rounding, and, recomputed here from the flows alone, cash is the
    opening cash plus the net changes and the balance sheet balances every month."""
    rows, settings_rows = spec
    with tempfile.TemporaryDirectory() as tmp:
        run = run_file(write_assumption_workbook(Path(tmp) / "random.xlsx", settings_rows, rows))
    col = {name: run.result.column(name, 0) for name in run.model.lines}
    opening = run.workbook.settings.opening_cash
    scale = 1 + opening + max(np.abs(col[n]).max() for n in ("total_assets", "total_liabilities_and_equity",
                                                              "closing_cash", "paid_in_capital",
                                                              "retained_earnings", "debt"))
    tol = 1e-9 * scale
    assert np.abs(col["check_balance"]).max() <= tol
    assert np.abs(col["check_cash"]).max() <= tol
    assert np.allclose(col["closing_cash"], opening + np.cumsum(col["net_change_in_cash"]), rtol=0, atol=tol)
    equity = opening + np.cumsum(col["equity_raised"] + col["credits_received"] + col["stock_based_compensation"]
                                 + col["net_income"])
    assets = (col["closing_cash"] + col["receivables"] + np.cumsum(col["capital_expenditure"] - col["depreciation"])
              + np.cumsum(col["credits_received"] - col["credits_used"]))
    debt = np.cumsum(col["debt_drawn"] - col["debt_repaid"])
    assert np.allclose(assets, col["payables"] + debt + equity, rtol=0, atol=tol)
    assert (col["debt"] >= -tol).all() and (col["unused_credits"] >= -tol).all()
    assert all(c.holds for c in check_results(lambda name: col[name]))
