"""Each building block's formula against hand-computed values, to the cent, through the engine.

The cases of :data:`BLOCKS` go through :mod:`cashcast.testing` as a modeller's own kind would: the
block's lines (and every line they read) are checked in numpy and, rendered as the Excel report
renders them, in LibreOffice and Gnumeric — all cases in one recalculation per engine.
"""
from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest

from cashcast import testing
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.kinds import kinds_table
from cashcast.models.kinds.base import plausible_doc
from cashcast.models.reading.problems import InputError
from cashcast.reports.excel.assumptions import write_assumption_workbook
from tests.helpers import row, settings


def monthly(path, line, scenario=0):
    return run_file(path).result.column(line, scenario)


# name → (rows, settings, {line: {month: expected}}), each figure worked out by hand
BLOCKS = {
    "subscription": ([
        row("Plus", "subscription", "audience", 1e9, "visits/month"),
        row("Plus", "subscription", "conversion", 0.01, "%"),
        row("Plus", "subscription", "price", 20, "USD/month"),
    ], settings(), {"plus.revenue": {0: 200_000_000.00, 11: 200_000_000.00}}),
    "churn": ([  # audience 1,000 in 2023, 500 from 2024; 10% conversion; churn 20%/month
        row("Plus", "subscription", "audience", 1000, "users"),
        row("Plus", "subscription", "audience@2024", 500, "users"),
        row("Plus", "subscription", "conversion", 0.10, "%"),
        row("Plus", "subscription", "price", 10, "USD/month"),
        row("Plus", "subscription", "churn", 0.20, "%"),
    ], settings(), {"plus.subscribers": {11: 100.0, 12: 80.0, 13: 64.0, 15: 50.0},
                    "plus.revenue": {12: 800.00}}),
    "licensing": ([
        row("API", "licensing", "customers", 200, "platforms"),
        row("API", "licensing", "annual_fee", 1_000_000, "USD/year"),
    ], settings(), {"api.revenue": {0: 16_666_666.67}}),
    "serving per day": ([row("Serve", "inference", "cost_per_day", 700_000, "USD/day")], settings(),
                        {"serve.cost": {0: 21_700_000.00, 1: 19_600_000.00}}),
    "training": ([
        row("GPT", "training", "runs_per_year", 4, "runs"),
        row("GPT", "training", "cost_per_run", 4_600_000, "USD/run"),
    ], settings(), {"gpt.cost": {0: 1_533_333.33}}),
    "headcount and opex": ([
        row("Staff", "headcount", "employees", 500, "people"),
        row("Staff", "headcount", "cost_per_employee", 300_000, "USD/year"),
        row("Rent", "opex", "monthly_amount", 12_345.67, "USD/month"),
    ], settings(), {"staff.cost": {0: 12_500_000.00}, "rent.cost": {0: 12_345.67},
                    "costs": {0: 12_512_345.67}}),
    "growth and s-curve": ([
        row("Staff", "headcount", "employees", 100, "people"),
        row("Staff", "headcount", "employees.growth", 0.21, "%/year"),
        row("Staff", "headcount", "cost_per_employee", 120_000, "USD/year"),
        row("Ads", "advertising", "market_size", 1_200_000, "USD/year"),
        row("Ads", "advertising", "share", 0.5, "%"),
        row("Ads", "advertising", "share.s_curve_midpoint", 6, "months"),
        row("Ads", "advertising", "share.s_curve_width", 4, "months"),
    ], settings(), {"staff.cost": {0: 1_000_000.00, 6: 1_100_000.00, 12: 1_210_000.00},  # √1.21 = 1.1
                    "ads.revenue": {4: 5_000.00, 6: 25_000.00, 8: 45_000.00}}),      # 10%, 50%, 90%
    "active months": ([
        row("Rent", "opex", "monthly_amount", 100, "USD/month"),
        row("Rent", "opex", "start_month", dt.date(2023, 3, 1), "date"),
        row("Rent", "opex", "end_month", dt.date(2023, 5, 1), "date"),
    ], settings(), {"rent.cost": {1: 0.0, 2: 100.00, 4: 100.00, 5: 0.0}}),
    "funding in rmb": ([
        row("Ticket", "funding", "amount", 50_000_000, "USD"),
        row("Ticket", "funding", "month", dt.date(2023, 2, 1), "date"),
    ], settings(currency="RMB", fx_USD=7.2), {"funding": {0: 0.0, 1: 360_000_000.00},
                                             "closing_cash": {0: 1_000_000.00, 1: 361_000_000.00}}),
}


# `make mutate` runs this module once per mutant (mutation/run.py sets CASHCAST_MUTATION): numpy only
# there, as before the engines joined; the engines' starts would cost seconds per mutant.
ENGINES = () if os.environ.get("CASHCAST_MUTATION") else testing.ENGINES


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> testing.Bench:
    """Every case of BLOCKS, its workbook run, then recalculated once by each engine."""
    folder = tmp_path_factory.mktemp("blocks")
    cases = []
    for k, (name, (rows, settings_rows, expected)) in enumerate(BLOCKS.items()):
        path = folder / f"block{k}.xlsx"
        write_assumption_workbook(path, settings_rows, rows, [])
        cases.append(testing.Case.from_model(name, run_file(path).model, expected))
    return testing.Bench(cases, ENGINES).recalculate(folder / "engines")


@pytest.mark.parametrize("name", list(BLOCKS))
def test_block_formula_to_the_cent_in_numpy_libreoffice_and_gnumeric(bench, name):
    bench.assert_case(name)


def test_subscription_revenue_is_audience_times_conversion_times_price(bench):
    assert bench.cases["subscription"].values["plus.revenue"][:12].sum() == 2_400_000_000.00  # article 001


def test_subscribers_leave_at_the_churn_rate_when_the_audience_shrinks(make_workbook):
    """Also a case of BLOCKS (both engines); here the months in between, in numpy."""
    # audience 1,000 in 2023, 500 from 2024 (a value per year); 10% conversion; churn 20%/month
    path = make_workbook(BLOCKS["churn"][0])
    subs = monthly(path, "plus.subscribers")
    assert subs[11] == 100                       # December 2023: 10% of 1,000
    assert subs[12] == pytest.approx(80.0, abs=1e-9)   # January: 100 × 0.8, above the target of 50
    assert subs[13] == pytest.approx(64.0, abs=1e-9)
    assert subs[15] == pytest.approx(50.0, abs=1e-9)   # 40.96 would be below the target: 50
    assert monthly(path, "plus.revenue")[12] == pytest.approx(800.00, abs=0.005)


def test_licensing_is_customers_times_annual_fee_in_twelfths(bench):
    rev = bench.cases["licensing"].values["api.revenue"]
    assert rev[:12].sum() == pytest.approx(200_000_000.00, abs=0.005)  # article 001: $200M


@pytest.mark.parametrize("market,share,annual", [(220e9, 0.15, 33e9), (300e9, 0.20, 60e9)])
def test_advertising_share_of_the_market(make_workbook, market, share, annual):
    path = make_workbook([
        row("Ads", "advertising", "market_size", market, "USD/year"),
        row("Ads", "advertising", "share", share, "%"),
    ])
    assert monthly(path, "ads.revenue")[:12].sum() == pytest.approx(annual, abs=0.005)  # article 001


def test_advertising_ramp_is_linear_from_the_block_start(make_workbook):
    path = make_workbook([
        row("Ads", "advertising", "market_size", 240e9, "USD/year"),
        row("Ads", "advertising", "share", 0.12, "%"),
        row("Ads", "advertising", "share.ramp_months", 12, "months"),
        row("Ads", "advertising", "start_month", dt.date(2023, 7, 1), "date"),
    ])
    rev = monthly(path, "ads.revenue")
    assert rev[:6].sum() == 0                                   # before the start
    assert rev[6] == 0                                          # ramp begins at 0
    assert rev[9] == pytest.approx(240e9 * 0.12 * 3 / 12 / 12, abs=0.005)
    assert rev[18] == pytest.approx(2.4e9, abs=0.005)           # full share after 12 months


def test_a_ramp_from_a_starting_value_and_each_line_s_category(make_workbook):
    # share ramps from 3% to 12% over 12 months from the block's start in July 2023: 3% + 9% × m/12 of a
    # $240B market a year (m = 0, 3, 12 and 17 months in); its revenue line takes the kind's category
    path = make_workbook([
        row("Ads", "advertising", "market_size", 240e9, "USD/year"),
        row("Ads", "advertising", "share", 0.12, "%"),
        row("Ads", "advertising", "share.ramp_months", 12, "months"),
        row("Ads", "advertising", "share.ramp_from", 0.03, "%"),
        row("Ads", "advertising", "start_month", dt.date(2023, 7, 1), "date"),
    ])
    rev = monthly(path, "ads.revenue")
    assert rev[:6].sum() == 0
    for month, share in ((6, 0.03), (9, 0.03 + 0.09 * 3 / 12), (18, 0.12), (23, 0.12)):
        assert rev[month] == pytest.approx(240e9 * share / 12, abs=0.005), month
    run = run_file(path)
    assert run.model.lines["ads.revenue"].category == "revenue"


def test_usage_is_volume_times_unit_price(make_workbook):
    path = make_workbook([
        row("API", "usage", "volume", 1e9, "calls/month"),
        row("API", "usage", "unit_price", 0.002, "USD/call"),
    ])
    assert monthly(path, "api.revenue")[0] == pytest.approx(2_000_000.00, abs=0.005)


def test_training_runs_times_cost_spread_over_months(bench):
    assert bench.cases["training"].values["gpt.cost"][:12].sum() == pytest.approx(18_400_000.00, abs=0.005)


def test_training_from_gpu_months(make_workbook):
    path = make_workbook([
        row("LLM", "training", "runs_per_year", 12, "runs"),
        row("LLM", "training", "gpus", 1000, "GPUs"),
        row("LLM", "training", "months_per_run", 1, "months"),
        row("LLM", "training", "gpu_month_price", 50_000, "RMB/GPU-month"),
    ], settings(currency="RMB"))
    assert monthly(path, "llm.cost")[0] == 50_000_000.00  # article 002: 1,000 GPUs × 50,000 RMB


def test_serving_cost_per_day_uses_calendar_days(bench):
    cost = bench.cases["serving per day"].values["serve.cost"]   # January 31 days, February 28 (a case)
    assert cost[:12].sum() == 255_500_000.00   # article 004's $700K a day for 365 days


@pytest.mark.parametrize("rows,expected", [
    ([("active_users", 100e6, "users"), ("cost_per_user", 0.05, "USD/user/month")], 5_000_000.00),
    ([("servers", 1000, "servers"), ("cost_per_server", 2500, "USD/server/month")], 2_500_000.00),
])
def test_serving_cost_per_user_or_server(make_workbook, rows, expected):
    path = make_workbook([row("Serve", "inference", p, v, u) for p, v, u in rows])
    assert monthly(path, "serve.cost")[5] == pytest.approx(expected, abs=0.005)


def test_hardware_paid_at_purchase_and_depreciated_straight_line(make_workbook):
    path = make_workbook([
        row("GPUs", "hardware", "units", 1000, "GPUs"),
        row("GPUs", "hardware", "unit_price", 50_000, "RMB/GPU"),
        row("GPUs", "hardware", "purchase_month", dt.date(2023, 3, 1), "date"),
        row("GPUs", "hardware", "useful_life_months", 12, "months"),
    ], settings(currency="RMB"))
    run = run_file(path)
    cash = run.result.column("gpus.cost", 0)
    dep = run.result.column("gpus.depreciation", 0)
    assert cash[2] == 50_000_000.00 and cash.sum() == 50_000_000.00
    assert dep[1] == 0 and dep[2] == pytest.approx(4_166_666.67, abs=0.005) and dep[14] == 0
    assert dep.sum() == pytest.approx(50_000_000.00, abs=0.005)
    assert run.result.column("operating_cash_flow", 0)[2] == -50_000_000.00  # cash, not depreciation
    # the income statement's depreciation is the block's, month by month
    assert list(run.result.column("depreciation", 0)) == pytest.approx(list(dep), abs=0.005)


def test_headcount_and_opex(make_workbook):
    path = make_workbook([
        row("Staff", "headcount", "employees", 500, "people"),
        row("Staff", "headcount", "cost_per_employee", 300_000, "USD/year"),
        row("Rent", "opex", "monthly_amount", 12_345.67, "USD/month"),
    ])
    run = run_file(path)
    assert run.result.column("staff.cost", 0)[0] == 12_500_000.00
    assert run.result.column("rent.cost", 0)[0] == 12_345.67
    assert run.result.column("costs", 0)[0] == pytest.approx(12_512_345.67, abs=0.005)


def test_funding_round_arrives_in_its_month(make_workbook):
    path = make_workbook([
        row("MS", "funding", "amount", 10e9, "USD"),
        row("MS", "funding", "month", dt.date(2023, 4, 1), "date"),
    ])
    run = run_file(path)
    f = run.result.column("funding", 0)
    assert f[3] == 10e9 and f.sum() == 10e9
    assert run.result.column("closing_cash", 0)[3] == 10e9 + 1_000_000.00


def test_usd_rows_are_converted_in_an_rmb_workbook(make_workbook):
    path = make_workbook([
        row("Ticket", "funding", "amount", 50_000_000, "USD"),
        row("Ticket", "funding", "month", dt.date(2023, 1, 1), "date"),
    ], settings(currency="RMB", fx_USD=7.2))
    assert monthly(path, "funding")[0] == 360_000_000.00


def test_compound_growth_and_s_curve(make_workbook):
    """Also a case of BLOCKS (both engines); here in numpy alone, each month with why."""
    path = make_workbook(BLOCKS["growth and s-curve"][0])
    run = run_file(path)
    staff = run.result.column("staff.cost", 0)
    assert staff[0] == 1_000_000.00
    assert staff[12] == pytest.approx(1_210_000.00, abs=0.005)       # one year of 21% growth
    assert staff[6] == pytest.approx(1_100_000.00, abs=0.005)        # half a year: √1.21 = 1.1
    ads = run.result.column("ads.revenue", 0)
    assert ads[6] == pytest.approx(25_000.00, abs=0.005)             # midpoint: half the share
    assert ads[4] == pytest.approx(5_000.00, abs=0.005)              # width/2 before: 10%
    assert ads[8] == pytest.approx(45_000.00, abs=0.005)             # width/2 after: 90%


def test_link_serving_cost_to_subscription_audience(make_workbook):
    path = make_workbook([
        row("Plus", "subscription", "audience", 1000, "users"),
        row("Plus", "subscription", "audience.growth", 0.10, "%/month"),
        row("Plus", "subscription", "conversion", 0.05, "%"),
        row("Plus", "subscription", "price", 20, "USD/month"),
        row("Serve", "inference", "active_users", "line: Plus.audience", "users"),
        row("Serve", "inference", "cost_per_user", 0.5, "USD/user/month"),
    ])
    run = run_file(path)
    assert run.result.column("serve.cost", 0)[2] == pytest.approx(0.5 * 1000 * 1.1 ** 2, abs=0.005)


def test_a_link_to_no_block_is_a_problem_at_its_cell_not_a_crash(make_workbook):
    path = make_workbook([
        row("Serve", "inference", "active_users", "line: Nowhere.audience", "users"),
        row("Serve", "inference", "cost_per_user", 0.5, "USD/user/month"),
    ])
    with pytest.raises(InputError) as caught:
        run_file(path)
    assert [p.cell for p in caught.value.problems] == ["D2"] and "Nowhere" in str(caught.value.problems[0])


def test_value_per_year_carries_forward(make_workbook):
    path = make_workbook([
        row("Rent", "opex", "monthly_amount", 100, "USD/month"),
        row("Rent", "opex", "monthly_amount@2024", 150, "USD/month"),
    ], settings(horizon_months=36))
    cost = monthly(path, "rent.cost")
    assert list(cost[[0, 11, 12, 35]]) == [100, 100, 150, 150]


def test_block_active_between_start_and_end_inclusive(make_workbook):
    path = make_workbook([
        row("Rent", "opex", "monthly_amount", 100, "USD/month"),
        row("Rent", "opex", "start_month", dt.date(2023, 3, 1), "date"),
        row("Rent", "opex", "end_month", dt.date(2023, 5, 1), "date"),
    ])
    assert list(np.nonzero(monthly(path, "rent.cost"))[0]) == [2, 3, 4]


def test_the_model_lists_a_role_s_lines_in_block_order(make_workbook):
    model = run_file(make_workbook([
        row("Rent", "opex", "monthly_amount", 3_000, "USD/month"),
        row("Seed", "funding", "amount", 500_000, "USD"),
        row("Seed", "funding", "month", dt.date(2023, 4, 1), "date"),
        row("Staff", "headcount", "employees", 3, "people"),
        row("Staff", "headcount", "cost_per_employee", 7_000, "USD/month"),
    ])).model
    assert [ln.name for ln in model.lines_by_role("cost")] == ["rent.cost", "staff.cost"]
    assert [ln.name for ln in model.lines_by_role("funding")] == ["seed.funding"]
    assert model.lines_by_role("revenue") == []


def test_the_kinds_table_says_which_parameters_are_required():
    """(kind, parameter, unit, required, what it is): a parameter of one of a kind's ways to give a
    figure names them all; a plausible range follows the description."""
    table = {(kind, name): (kind, name, unit, need, doc) for kind, name, unit, need, doc in kinds_table()}
    assert table[("subscription", "audience")][3] == "yes" and table[("subscription", "churn")][3] == "no"
    assert table[("training", "gpus")] == (
        "training", "gpus", "count", "one way of: cost_per_run | gpus+months_per_run+gpu_month_price",
        "GPUs used by one run")
    assert table[("training", "end_month")] == (
        "training", "end_month", "date", "no", "last month the block is active (default: none)")
    assert table[("licensing", "start_month")] == (
        "licensing", "start_month", "date", "no", "first month the block is active (default: model start)")
    assert table[("subscription", "conversion")] == (
        "subscription", "conversion", "percent", "yes", "share of the audience that pays; plausible: up to 10%")


def test_stock_based_pay_from_a_share_or_a_grant_and_only_while_active(make_workbook):
    """Eng: 4 × $90,000 a year from Mar 2023, stock worth 25% of pay: $30,000 cash and $7,500 of stock
    a month. Sales: 3 × $60,000, an $8,000 grant each: $15,000 and $2,000. Ops: 2 × $48,000, no stock
    (no stock line). The income statement's stock-based compensation is their sum."""
    run = run_file(make_workbook([
        row("Eng", "headcount", "employees", 4, "people"),
        row("Eng", "headcount", "cost_per_employee", 90_000, "USD/year"),
        row("Eng", "headcount", "stock_share", 0.25, "%"),
        row("Eng", "headcount", "start_month", dt.date(2023, 3, 1), "date"),
        row("Sales", "headcount", "employees", 3, "people"),
        row("Sales", "headcount", "cost_per_employee", 60_000, "USD/year"),
        row("Sales", "headcount", "stock_per_employee", 8_000, "USD/year"),
        row("Ops", "headcount", "employees", 2, "people"),
        row("Ops", "headcount", "cost_per_employee", 48_000, "USD/year"),
    ]))

    def first(name):
        return list(run.result.column(name, 0)[:4])

    assert first("eng.cost") == pytest.approx([0, 0, 30_000, 30_000], abs=0.005)
    assert first("eng.stock_pay") == pytest.approx([0, 0, 7_500, 7_500], abs=0.005)
    assert first("sales.cost") == pytest.approx([15_000] * 4, abs=0.005)
    assert first("sales.stock_pay") == pytest.approx([2_000] * 4, abs=0.005)
    assert "ops.stock_pay" not in run.model.lines and first("ops.cost") == pytest.approx([8_000] * 4, abs=0.005)
    assert first("stock_based_compensation") == pytest.approx([2_000, 2_000, 9_500, 9_500], abs=0.005)


def test_a_plausible_range_in_words():
    assert plausible_doc(None, True) == ""
    assert plausible_doc((None, 0.3), True) == "plausible: up to 30%"
    assert plausible_doc((5, None), False) == "plausible: at least 5"
    assert plausible_doc((1_000, 20_000), False, " a month") == "plausible: 1,000 to 20,000 a month"


def test_without_a_churn_row_nobody_leaves(make_workbook):
    """1,000 users, 10% paying, $5 to acquire one, no churn row: the 100 payers are acquired once
    ($500 in January) and kept; the audience folds into a year as its monthly average."""
    run = run_file(make_workbook([
        row("Plus", "subscription", "audience", 1_000, "users"),
        row("Plus", "subscription", "conversion", 0.10, "%"),
        row("Plus", "subscription", "price", 7, "USD/month"),
        row("Plus", "subscription", "cac", 5, "USD/subscriber"),
    ]))
    assert list(run.result.column("plus.acquisition_cost", 0)[:3]) == pytest.approx([500, 0, 0], abs=0.005)
    assert list(run.result.column("plus.subscribers", 0)[:3]) == pytest.approx([100, 100, 100], abs=1e-9)
    assert run.annual("plus.audience", 0) == pytest.approx([1_000, 1_000], abs=1e-9)
    assert run.model.lines["plus.audience"].annual == "mean"


def test_arpu_and_margin_with_exactly_one_payer_and_with_none(make_workbook):
    """One payer exactly (10 users × 10%) paying $7 and costing $3: ARPU $7, margin $4 a payer. No
    payers (no audience): ARPU and margin 0. Without a cost per payer the margin is the ARPU and its
    label says so."""
    run = run_file(make_workbook([
        row("One", "subscription", "audience", 10, "users"),
        row("One", "subscription", "conversion", 0.10, "%"),
        row("One", "subscription", "price", 7, "USD/month"),
        row("One", "subscription", "cost_per_subscriber", 3, "USD/subscriber/month"),
        row("None", "subscription", "audience", 0, "users"),
        row("None", "subscription", "conversion", 0.10, "%"),
        row("None", "subscription", "price", 7, "USD/month"),
        row("None", "subscription", "cost_per_subscriber", 3, "USD/subscriber/month"),
        row("Bare", "subscription", "audience", 40, "users"),
        row("Bare", "subscription", "conversion", 0.10, "%"),
        row("Bare", "subscription", "price", 9, "USD/month"),
    ]))
    first = {n: float(run.result.column(n, 0)[0]) for n in (
        "one.subscribers", "one.arpu", "one.gross_margin_per_payer", "none.arpu", "none.gross_margin_per_payer",
        "bare.gross_margin_per_payer")}
    assert first == pytest.approx({"one.subscribers": 1.0, "one.arpu": 7.0, "one.gross_margin_per_payer": 4.0,
                                   "none.arpu": 0.0, "none.gross_margin_per_payer": 0.0,
                                   "bare.gross_margin_per_payer": 9.0}, abs=1e-9)
    assert run.model.lines["bare.gross_margin_per_payer"].label == (
        "Bare: gross margin per payer (no cost of revenue given: equals ARPU)")
    assert run.model.lines["one.gross_margin_per_payer"].label == "One: gross margin per payer"
