"""Formula tests a wrong formula cannot pass (issue 18; see tests/README.md).

Every input here is chosen so that each factor of a formula is visible: no 1s or 0s where a factor
would vanish, a discount rate that is not 0, distributions whose mean and median differ, months that
land exactly on a comparison's boundary, and money compared to the cent under a fixed seed. Each
expected figure is worked out by a different route from the code's (a closed form, a geometric series,
the draws of the row's own stream) so that a mutant cannot agree with it by sharing a mistake.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from cashcast.models.analysis.distributions import draw, row_stream, sample, uncertain_rows, Uncertain
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.sensitivity import tornado
from cashcast.models.analysis.simulation import simulate
from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook
from tests.helpers import row, settings

CENT = 0.005


def monthly(path, line, scenario=0):
    return run_file(path).result.column(line, scenario)


# ------------------------------------------------------------------------------------------------
# Block formulas: every factor visible (no 1s, no 0s), money to the cent
# ------------------------------------------------------------------------------------------------
def test_subscription_every_factor_and_the_churn_floor(make_workbook):
    # audience 3,000 in 2023 then 1,700: target payers 3,000 × 7% = 210, then 119; churn 15%
    path = make_workbook([
        row("Pro", "subscription", "audience", 3_000, "users"),
        row("Pro", "subscription", "audience@2024", 1_700, "users"),
        row("Pro", "subscription", "conversion", 0.07, "%"),
        row("Pro", "subscription", "price", 23, "USD/month"),
        row("Pro", "subscription", "churn", 0.15, "%"),
    ])
    subs, rev = monthly(path, "pro.subscribers"), monthly(path, "pro.revenue")
    assert subs[11] == pytest.approx(210.0, abs=1e-9)
    assert subs[12] == pytest.approx(178.5, abs=1e-9)          # 210 × 0.85, above 119
    assert subs[13] == pytest.approx(151.725, abs=1e-9)        # 178.5 × 0.85
    assert subs[15] == pytest.approx(119.0, abs=1e-9)          # 109.62 would be below the target
    assert rev[0] == pytest.approx(4_830.00, abs=CENT)          # 210 × $23
    assert rev[13] == pytest.approx(3_489.675, abs=1e-6)        # 151.725 × $23


def test_licensing_usage_and_headcount_every_factor(make_workbook):
    path = make_workbook([
        row("API", "licensing", "customers", 37, "platforms"),
        row("API", "licensing", "annual_fee", 48_300, "USD/year"),
        row("Calls", "usage", "volume", 2_345, "units/month"),
        row("Calls", "usage", "unit_price", 3.7, "USD/unit"),
        row("Staff", "headcount", "employees", 13, "people"),
        row("Staff", "headcount", "cost_per_employee", 150_600, "USD/year"),
        row("Rent", "opex", "monthly_amount", 7_654.32, "USD/month"),
    ])
    run = run_file(path)
    col = lambda line: run.result.column(line, 0)  # noqa: E731
    assert col("api.revenue")[4] == pytest.approx(148_925.00, abs=CENT)      # 37 × 48,300 / 12
    assert col("calls.revenue")[4] == pytest.approx(8_676.50, abs=CENT)      # 2,345 × 3.70
    assert col("staff.cost")[4] == pytest.approx(163_150.00, abs=CENT)       # 13 × 150,600 / 12
    assert col("costs")[4] == pytest.approx(163_150.00 + 7_654.32, abs=CENT)
    # operating cash flow = revenue − costs, closing cash = opening + Σ flows
    ocf = 148_925.00 + 8_676.50 - 163_150.00 - 7_654.32
    assert col("operating_cash_flow")[4] == pytest.approx(ocf, abs=CENT)
    assert col("closing_cash")[4] == pytest.approx(1_000_000 + 5 * ocf, abs=CENT)


def test_hardware_depreciation_every_factor_and_its_last_month(make_workbook):
    # 7 units × 3,300 over 11 months from May 2023: 2,100 a month in May 2023 .. Mar 2024, then 0
    path = make_workbook([
        row("GPUs", "hardware", "units", 7, "GPUs"),
        row("GPUs", "hardware", "unit_price", 3_300, "USD/GPU"),
        row("GPUs", "hardware", "purchase_month", dt.date(2023, 5, 1), "date"),
        row("GPUs", "hardware", "useful_life_months", 11, "months"),
    ])
    run = run_file(path)
    cash, dep = run.result.column("gpus.cost", 0), run.result.column("gpus.depreciation", 0)
    assert cash[4] == pytest.approx(23_100.00, abs=CENT) and cash[3] == 0 and cash[5] == 0
    assert dep[3] == 0 and dep[4] == pytest.approx(2_100.00, abs=CENT)
    assert dep[14] == pytest.approx(2_100.00, abs=CENT) and dep[15] == 0     # the 11th month, then none
    assert dep.sum() == pytest.approx(23_100.00, abs=CENT)


def test_funding_every_factor_in_an_rmb_workbook(make_workbook):
    path = make_workbook([
        row("Round", "funding", "amount", 3_250_000, "USD"),
        row("Round", "funding", "month", dt.date(2023, 6, 1), "date"),
    ], settings(currency="RMB", fx_USD=7.13))
    f = monthly(path, "funding")
    assert f[5] == pytest.approx(23_172_500.00, abs=CENT) and f.sum() == pytest.approx(23_172_500.00, abs=CENT)


# ------------------------------------------------------------------------------------------------
# KPIs: boundary months at exactly zero, and a non-zero discount rate
# ------------------------------------------------------------------------------------------------
def boundary_rows():
    """Revenue 30,000 a month against costs of 40,000 for 2023 and 20,000 from 2024, opening cash
    120,000: closing cash falls by 10,000 a month and is exactly 0 at month 11 (Dec 2023); the
    trailing-twelve-month operating cash flow is exactly 0 at month 17 (Jun 2024: 6 × −10,000 +
    6 × +10,000)."""
    return [
        row("Sales", "usage", "volume", 1_500, "units/month"),
        row("Sales", "usage", "unit_price", 20, "USD/unit"),
        row("Rent", "opex", "monthly_amount", 40_000, "USD/month"),
        row("Rent", "opex", "monthly_amount@2024", 20_000, "USD/month"),
    ]


def test_kpis_at_exactly_zero_cash_and_exactly_zero_trailing_flow(make_workbook):
    path = make_workbook(boundary_rows(), settings(opening_cash=120_000, discount_rate=0.12))
    run = run_file(path)
    cash = run.result.column("closing_cash", 0)
    assert cash[11] == 0.0 and cash[10] == 10_000 and cash[12] == 10_000
    # zero is not below zero: the cash never runs out (a `<=` would say month 11)
    assert math.isnan(run.kpis["cash_out_month"][0])
    # a trailing twelve months of exactly 0 breaks even (a `>` would say month 18; a window of 11
    # months would already be +10,000 at month 16... and month 17 is the first 12-month zero)
    assert run.kpis["break_even_month"][0] == 17
    assert run.kpis["peak_funding_need"][0] == pytest.approx(120_000.00, abs=CENT)
    assert run.kpis["ending_cash"][0] == pytest.approx(120_000.00, abs=CENT)


def test_npv_at_a_non_zero_discount_rate_is_the_geometric_series(make_workbook):
    # operating cash flow −10,000 a month for 12 months, then +10,000 for 12; at 12% a year the
    # monthly factor is v = 1.12^(−1/12), and NPV = −10,000 Σ_{t<12} v^t + 10,000 Σ_{12≤t<24} v^t
    path = make_workbook(boundary_rows(), settings(opening_cash=120_000, discount_rate=0.12))
    run = run_file(path)
    v = 1.12 ** (-1 / 12)
    first = (1 - v ** 12) / (1 - v)
    expected = -10_000 * first + 10_000 * v ** 12 * first     # = −10,000 × first × (1 − 1/1.12)
    assert expected == pytest.approx(-10_000 * first * (1 - 1 / 1.12))
    assert run.kpis["npv"][0] == pytest.approx(expected, abs=CENT)
    assert abs(expected) > 1_000   # far from 0: a dropped discount would give exactly 0
    # the IRR of −10,000 ×12 then +10,000 ×12 is 0% (the flows sum to 0)
    assert run.kpis["irr"][0] == pytest.approx(0.0, abs=1e-9)


def test_tornado_npv_swing_at_a_non_zero_discount_rate(make_workbook):
    # rent swings 30,000..50,000 around 40,000 in 2023 only; NPV moves by 10,000 a month for
    # the twelve months of 2023 each way: swing = 20,000 × Σ_{t<12} v^t
    rows = boundary_rows()
    rows[2] = row("Rent", "opex", "monthly_amount", 40_000, "USD/month", low=30_000, high=50_000)
    path = make_workbook(rows, settings(opening_cash=120_000, discount_rate=0.12))
    (bar,) = tornado(build_model(load_workbook(path)), "base").bars
    v = 1.12 ** (-1 / 12)
    assert bar.swings["npv"].swing == pytest.approx(20_000 * (1 - v ** 12) / (1 - v), abs=CENT)


# ------------------------------------------------------------------------------------------------
# Distributions: asymmetric, so that mean and median and the bounds' roles all differ
# ------------------------------------------------------------------------------------------------
def u(low, mode, high, dist, dimension="count"):
    return Uncertain("k", "B.k", dimension, "x", dist, low, mode, high, mode, {})


def test_an_asymmetric_pert_has_its_textbook_mean_and_a_median_apart_from_it():
    # a = 10, m = 13, b = 40: mean (10 + 52 + 40)/6 = 17; α = 1.4, β = 4.6
    x = draw(u(10.0, 13.0, 40.0, "pert"), np.random.default_rng(5), 200_000)
    assert x.mean() == pytest.approx(17.0, abs=0.05)
    assert abs(np.median(x) - (10 + 40) / 2) > 8          # nowhere near the midpoint
    assert np.median(x) < x.mean() - 0.5                   # right-skewed: median below the mean
    assert x.min() >= 10.0 and x.max() <= 40.0


def test_an_asymmetric_triangle_has_mean_a_plus_m_plus_b_over_3():
    x = draw(u(10.0, 13.0, 40.0, "triangular"), np.random.default_rng(6), 200_000)
    assert x.mean() == pytest.approx(21.0, abs=0.05)
    assert np.median(x) == pytest.approx(40 - math.sqrt(0.5 * 30 * 27), abs=0.1)


def test_normal_and_lognormal_read_asymmetric_bounds():
    x = draw(u(20.0, 0.0, 50.0, "normal"), np.random.default_rng(7), 200_000)
    assert np.percentile(x, [5, 50, 95]) == pytest.approx([20.0, 35.0, 50.0], abs=0.2)
    y = draw(u(2.0, 0.0, 50.0, "lognormal"), np.random.default_rng(8), 200_000)
    assert np.median(y) == pytest.approx(10.0, rel=0.01)     # √(2 × 50), not (2 + 50)/2
    assert y.mean() > 12.0                                    # the mean lies well above the median


def test_drawn_dates_are_rounded_not_floored():
    # uniform on 2..4 months: rounding gives 2 (a quarter), 3 (a half), 4 (a quarter); flooring
    # would never give 4 and would give 2 half the time
    months = draw(u(2.0, 3.0, 4.0, "uniform", "date"), np.random.default_rng(9), 4_000)
    share = {m: float(np.mean(months == m)) for m in (2.0, 3.0, 4.0)}
    assert share[2.0] == pytest.approx(0.25, abs=0.03)
    assert share[3.0] == pytest.approx(0.50, abs=0.03)
    assert share[4.0] == pytest.approx(0.25, abs=0.03)


# A scenario that overrides a row fixes it there (README "A scenario decides what is uncertain in it"):
# tests/test_scenario_uncertainty.py holds the per-scenario rule, which replaced "a scenario value
# outside low..high is moved to the nearer bound as the mode".


# ------------------------------------------------------------------------------------------------
# Monte Carlo money to the cent under a fixed seed
# ------------------------------------------------------------------------------------------------
def test_monte_carlo_money_percentiles_to_the_cent_under_a_fixed_seed(make_workbook):
    # only the rent varies (PERT 40,000 / 55,000 / 80,000); every path is linear in it:
    # ending cash = 1,000,000 + 24 × (10,000 − rent); NPV at 0% = 24 × (10,000 − rent)
    path = make_workbook([
        row("Sales", "usage", "volume", 1_000, "units/month"),
        row("Sales", "usage", "unit_price", 10, "USD/unit"),
        row("Rent", "opex", "monthly_amount", 55_000, "USD/month", low=40_000, high=80_000),
    ], settings(discount_rate=0.0))
    wb = load_workbook(path)
    seed, n = 21, 3_001
    (rent_row,) = uncertain_rows(wb, "base")
    rent = draw(rent_row, row_stream(seed, rent_row.key), n)
    assert np.array_equal(rent, sample([rent_row], n, seed)[rent_row.key])
    ending = 1_000_000 + 24 * (10_000 - rent)
    sim = simulate(build_model(wb), "base", n, seed=seed)
    p = sim.percentiles["ending_cash"]
    e10, e50, e90 = np.percentile(ending, [10, 50, 90])
    assert (p.p10, p.p50, p.p90) == (pytest.approx(e10, abs=CENT), pytest.approx(e50, abs=CENT),
                                     pytest.approx(e90, abs=CENT))
    assert e50 != pytest.approx(float(ending.mean()), abs=100)   # skewed: median ≠ mean
    q = sim.percentiles["npv"]
    assert q.p50 == pytest.approx(e50 - 1_000_000, abs=CENT)


# ------------------------------------------------------------------------------------------------
# Training from GPU-months: months per run ≠ 1, so a dropped or divided factor shows
# ------------------------------------------------------------------------------------------------
def test_training_from_gpu_months_every_factor(make_workbook):
    # 3 runs a year × (40 GPUs × 2.5 months × $1,700) = 3 × 170,000 = 510,000 a year: 42,500 a month
    path = make_workbook([
        row("LLM", "training", "runs_per_year", 3, "runs"),
        row("LLM", "training", "gpus", 40, "GPUs"),
        row("LLM", "training", "months_per_run", 2.5, "months"),
        row("LLM", "training", "gpu_month_price", 1_700, "USD/GPU-month"),
    ])
    assert monthly(path, "llm.cost")[3] == pytest.approx(42_500.00, abs=CENT)


# ------------------------------------------------------------------------------------------------
# What every kind's lines are called, in which unit and role: the rows the reports print
# ------------------------------------------------------------------------------------------------
LINES = {
    "pro.audience": ("Pro: audience", "users", "detail", False),
    "pro.subscribers": ("Pro: paying subscribers", "subscribers", "detail", True),
    "pro.revenue": ("Pro: subscription revenue", "USD/month", "revenue", False),
    "pro.gross_adds": ("Pro: gross adds (new payers)", "subscribers", "detail", False),
    "pro.arpu": ("Pro: ARPU (revenue per payer)", "USD/month", "detail", True),
    "pro.serving_cost": ("Pro: cost of revenue (per payer)", "USD/month", "cost", False),
    "pro.gross_margin_per_payer": ("Pro: gross margin per payer", "USD/month", "detail", True),
    "pro.ltv": ("Pro: LTV (margin ÷ churn)", "USD", "detail", True),
    "pro.acquisition_cost": ("Pro: acquisition cost (CAC × gross adds)", "USD/month", "cost", False),
    "pro.cac_payback_months": ("Pro: CAC payback", "months", "detail", True),
    "licence.revenue": ("Licence: licensing revenue", "USD/month", "revenue", False),
    "ads.revenue": ("Ads: advertising revenue", "USD/month", "revenue", False),
    "api.revenue": ("API: usage revenue", "USD/month", "revenue", False),
    "training.cost": ("Training: training cost", "USD/month", "cost", False),
    "servers.cost": ("Servers: serving cost", "USD/month", "cost", False),
    "serving.cost": ("Serving: serving cost", "USD/month", "cost", False),
    "gpus.cost": ("GPUs: hardware purchases", "USD/month", "cost", False),
    "gpus.depreciation": ("GPUs: depreciation (not cash)", "USD/month", "memo", False),
    "team.cost": ("Team: staff cost", "USD/month", "cost", False),
    "office.cost": ("Office: operating cost", "USD/month", "cost", False),
    "rent.cost": ("Rent: operating cost", "USD/month", "cost", False),
    "power.cost": ("Power: operating cost", "USD/month", "cost", False),
    "platforms.revenue": ("Platforms: revenue", "USD/month", "revenue", False),
    "research.cost": ("Research: research development cost", "USD/month", "cost", False),
    "seed.funding": ("Seed: funding received", "USD/month", "funding", False),
    "series_a.funding": ("Series A: funding received", "USD/month", "funding", False),
    "team.stock_pay": ("Team: stock-based pay (not cash)", "USD/month", "memo", False),
    "series_b.funding": ("Series B: funding received", "USD/month", "funding", False),
    "cloud_credits.credits": ("Cloud credits: credits received (for equity, not cash)", "USD/month", "memo", False),
    "cloud_credits.credits_left": ("Cloud credits: credits left", "USD", "detail", True),
    "cloud_credits.credits_used": ("Cloud credits: credits used (cost paid in kind)", "USD/month", "memo", False),
    "loan.drawn": ("Loan: debt drawn", "USD/month", "funding", False),
    "loan.repaid": ("Loan: debt repaid", "USD/month", "repayment", False),
    "loan.balance": ("Loan: debt owed", "USD", "detail", True),
    "loan.interest": ("Loan: interest", "USD/month", "cost", False),
    "bridge.drawn": ("Bridge: debt drawn", "USD/month", "funding", False),
    "bridge.repaid": ("Bridge: debt repaid", "USD/month", "repayment", False),
    "bridge.balance": ("Bridge: debt owed", "USD", "detail", True),
    "bridge.interest": ("Bridge: interest", "USD/month", "cost", False),
    "seed.shares_before": ("Seed: shares held before the round (at its price)", "shares", "ownership", True),
    "seed.shares": ("Seed: shares bought", "shares", "ownership", True),
    "seed.ownership": ("Seed: investors' share", "%", "ownership", True),
    "series_a.shares_before": ("Series A: shares held before the round (at its price)", "shares", "ownership", True),
    "series_a.shares": ("Series A: shares bought", "shares", "ownership", True),
    "series_a.ownership": ("Series A: investors' share", "%", "ownership", True),
    "series_b.shares_before": ("Series B: shares held before the round (at its price)", "shares", "ownership", True),
    "series_b.shares": ("Series B: shares bought", "shares", "ownership", True),
    "series_b.ownership": ("Series B: investors' share", "%", "ownership", True),
    "cloud_credits.shares_before": ("Cloud credits: shares held before the round (at its price)", "shares", "ownership", True),
    "cloud_credits.shares": ("Cloud credits: shares bought", "shares", "ownership", True),
    "cloud_credits.ownership": ("Cloud credits: investors' share", "%", "ownership", True),
}


def test_every_kind_names_its_lines_with_label_unit_and_role(make_workbook):
    from tests.excel_checks import every_kind
    settings_rows, rows, scenarios = every_kind()
    model = build_model(load_workbook(make_workbook(rows, settings_rows, scenarios)))
    got = {name: (line.label, line.unit, line.role, line.stock)
           for name, line in model.lines.items() if line.block}
    assert got == LINES


def test_irr_is_each_path_s_own_and_null_unless_one_sign_change():
    """Paths side by side: −100 then +110 is 10% a month (1.1¹² − 1 a year), −100 then +120 is 20%;
    −100, +230, −132, +10 changes sign three times, its ends differing in sign: still no single IRR."""
    from cashcast.models.analysis.kpi import irr
    got = irr(np.array([[-100.0, -100.0, -100.0], [110.0, 120.0, 230.0], [0.0, 0.0, -132.0], [0.0, 0.0, 10.0]]))
    assert got[0] == pytest.approx(1.1 ** 12 - 1, rel=1e-9) and got[1] == pytest.approx(1.2 ** 12 - 1, rel=1e-9)
    assert math.isnan(got[2])


def test_the_runway_reads_its_cash_its_burn_and_its_flag_s_lines():
    """A reduction's lines() are the lines a batch evaluation keeps (kpis.batch_lines); the runway's date
    reads its flag's lines too, here a line of its own that neither the cash nor the burn is."""
    from cashcast.models.analysis.reductions import Flag, RunwayAtHorizon
    from cashcast.models.engine.expr import LineRef
    below = Flag("flag.x", "reserve below zero", LineRef("reserve").lt(0))
    runway = RunwayAtHorizon("closing_cash", "operating_cash_flow", "settings__minimum_cash", True, below=below)
    assert runway.lines() == {"closing_cash", "operating_cash_flow", "reserve"}
    assert RunwayAtHorizon("cash", "flow", "floor", False).lines() == {"cash", "flow"}
    # its helper rows: the flag wherever it is given, the flag's running last 0 only for the date
    assert runway.flags() == (below,) and [(m.flag, m.value) for m in runway.marks()] == [(below, 0)]
    months = RunwayAtHorizon("closing_cash", "operating_cash_flow", "settings__minimum_cash", False, below=below)
    assert months.flags() == (below,) and months.marks() == ()
    assert RunwayAtHorizon("cash", "flow", "floor", True).flags() == () == RunwayAtHorizon("c", "f", "x", True).marks()
