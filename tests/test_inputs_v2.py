"""Inputs a real company needs (issue 10, part 2): money in any period, growth by year with anchors,
plain revenue and cost blocks, subscription economics, settings by scenario — each to the cent,
through the engine, against hand-computed values."""
from __future__ import annotations

import datetime as dt

import pytest

from cashcast.models.analysis.scenarios import run_file
from tests.bad_workbooks import BAD
from tests.helpers import problems_when_run, row, settings

CENT = 0.005


def monthly(path, line, scenario=0):
    return run_file(path).result.column(line, scenario)


# -- (a) every money flow in any period ------------------------------------------------------------
def test_opex_typed_per_year_is_a_twelfth_each_month(make_workbook):
    path = make_workbook([row("Rent", "opex", "monthly_amount", 1_200_000, "USD/year")])
    cost = monthly(path, "rent.cost")
    assert cost[0] == pytest.approx(100_000.00, abs=CENT)
    assert cost[:12].sum() == pytest.approx(1_200_000.00, abs=CENT)


def test_opex_typed_per_day_uses_the_calendar(make_workbook):
    # article 004: $700K a day; January 2023 has 31 days, February 28
    path = make_workbook([row("Running", "opex", "monthly_amount", 700_000, "USD/day")])
    cost = monthly(path, "running.cost")
    assert cost[0] == pytest.approx(21_700_000.00, abs=CENT)
    assert cost[1] == pytest.approx(19_600_000.00, abs=CENT)
    assert cost[:12].sum() == pytest.approx(255_500_000.00, abs=CENT)  # 365 days


def test_a_yearly_fee_typed_per_month_and_a_daily_cost_typed_per_year(make_workbook):
    path = make_workbook([
        row("API", "licensing", "customers", 200, "platforms"),
        row("API", "licensing", "annual_fee", 83_333.33, "USD/month"),
        row("Serving", "inference", "cost_per_day", 255_500_000, "USD/year"),
    ])
    assert monthly(path, "api.revenue")[0] == pytest.approx(16_666_666.00, abs=CENT)
    assert monthly(path, "serving.cost")[0] == pytest.approx(21_291_666.67, abs=CENT)  # a twelfth, every month
    assert monthly(path, "serving.cost")[1] == pytest.approx(21_291_666.67, abs=CENT)


def test_a_foreign_currency_per_year_converts_both_ways(make_workbook):
    path = make_workbook([row("Office", "opex", "monthly_amount", 1_200_000, "EUR/year")],
                         settings(fx_EUR=1.1))
    assert monthly(path, "office.cost")[0] == pytest.approx(110_000.00, abs=CENT)


# -- (c) growth by year, with anchors --------------------------------------------------------------
def test_growth_changes_by_year_and_an_anchor_resets_the_level(make_workbook):
    path = make_workbook([
        row("Team", "opex", "monthly_amount", 1000, "USD/month"),
        row("Team", "opex", "monthly_amount.growth", 0.10, "%/year"),
        row("Team", "opex", "monthly_amount.growth@2024", 0.20, "%/year"),
        row("Team", "opex", "monthly_amount@2025", 5000, "USD/month"),
    ], settings(horizon_months=48))
    cost = monthly(path, "team.cost")
    assert cost[0] == 1000.00
    assert cost[6] == pytest.approx(1000 * 1.1 ** 0.5, abs=1e-9)          # July 2023: 10% a year
    assert cost[12] == pytest.approx(1100.00, abs=CENT)                   # January 2024
    assert cost[18] == pytest.approx(1100 * 1.2 ** 0.5, abs=1e-9)         # July 2024: 20% a year
    assert cost[24] == 5000.00                                            # the 2025 anchor
    assert cost[36] == pytest.approx(6000.00, abs=CENT)                   # growth continues at 20%


def test_growth_by_year_alone_starts_from_its_january_and_counts_from_the_block_start(make_workbook):
    path = make_workbook([
        row("Team", "opex", "monthly_amount", 1000, "USD/month"),
        row("Team", "opex", "monthly_amount.growth@2024", 0.5, "%/year"),
        row("Late", "opex", "monthly_amount", 1000, "USD/month"),
        row("Late", "opex", "monthly_amount.growth", 0.21, "%/year"),
        row("Late", "opex", "monthly_amount.growth@2024", 0.44, "%/year"),
        row("Late", "opex", "start_month", dt.date(2023, 7, 1), "date"),
    ], settings(horizon_months=36))
    team, late = monthly(path, "team.cost"), monthly(path, "late.cost")
    assert list(team[:13]) == [1000.00] * 13                              # no growth before 2024
    assert team[24] == pytest.approx(1500.00, abs=CENT)
    assert late[5] == 0 and late[6] == 1000.00                            # active from July 2023
    assert late[12] == pytest.approx(1100.00, abs=CENT)                   # 6 months at 21%: × 1.1
    assert late[18] == pytest.approx(1320.00, abs=CENT)                   # 6 months at 44%: × 1.2


def test_an_anchor_grows_from_its_own_january(make_workbook):
    """$1,000 a month growing 21% a year, re-set to $2,000 from 2024: $1,100 in Jul 2023 (half a year
    of growth from the start), $2,000 in Jan 2024, $2,200 in Jul 2024 (half a year from the anchor's
    January, not a year and a half from the start)."""
    path = make_workbook([
        row("Team", "opex", "monthly_amount", 1000, "USD/month"),
        row("Team", "opex", "monthly_amount.growth", 0.21, "%/year"),
        row("Team", "opex", "monthly_amount@2024", 2000, "USD/month"),
    ])
    team = monthly(path, "team.cost")
    assert [team[6], team[12], team[18]] == pytest.approx([1_100.00, 2_000.00, 2_200.00], abs=CENT)


def test_growth_by_year_in_percent_a_month(make_workbook):
    path = make_workbook([
        row("Ads", "opex", "monthly_amount", 100, "USD/month"),
        row("Ads", "opex", "monthly_amount.growth@2024", 0.01, "%/month"),
    ])
    assert monthly(path, "ads.cost")[14] == pytest.approx(100 * 1.01 ** 2, abs=1e-9)


# -- bad rows, named at their cell -----------------------------------------------------------------
def test_growth_by_year_is_checked_like_growth(tmp_path):
    mixed = problems_when_run(BAD["growth by year mixed with a ramp"](tmp_path))
    assert len(mixed) == 1 and ":Assumptions!C5: " in mixed[0] and "more than one time shape" in mixed[0]
    past = problems_when_run(BAD["growth by year past the bound"](tmp_path))
    assert len(past) == 1 and ":Assumptions!D5: " in past[0] and "compounds past" in past[0]
    dated = problems_when_run(BAD["growth by year of a date"](tmp_path))
    assert len(dated) == 1 and ":Assumptions!C6: " in dated[0] and "cannot have a time shape" in dated[0]


# -- (b) plain revenue and cost blocks -------------------------------------------------------------
def test_plain_revenue_and_cost_per_year_with_a_category(make_workbook):
    path = make_workbook([
        row("Licences", "revenue", "amount", 200_000_000, "USD/year"),      # article 001
        row("Baidu R&D", "cost", "amount", 22e9, "RMB/year"),               # article 001
        row("Baidu R&D", "cost", "category", "Research_Development", ""),
        row("Office", "cost", "amount", 50_000, "USD/month"),
    ], settings(fx_RMB=0.14))
    run = run_file(path)
    assert run.result.column("licences.revenue", 0)[0] == pytest.approx(16_666_666.67, abs=CENT)
    assert run.result.column("baidu_r_d.cost", 0)[0] == pytest.approx(256_666_666.67, abs=CENT)
    assert run.result.column("office.cost", 0)[0] == 50_000.00
    categories = {ln.name: ln.category for ln in run.model.lines.values() if ln.role == "cost"}
    assert categories == {"baidu_r_d.cost": "research_development", "office.cost": "general_administrative"}
    # and the income statement puts each where its category says
    assert run.result.column("research_development", 0)[0] == pytest.approx(256_666_666.67, abs=CENT)
    assert run.result.column("general_administrative", 0)[0] == 50_000.00


def test_a_headcount_block_s_category_row_places_its_staff_cost(make_workbook):
    # researchers are R&D (their block says so); a team without the row is general and administrative
    path = make_workbook([
        row("Researchers", "headcount", "employees", 3, "people"),
        row("Researchers", "headcount", "cost_per_employee", 240_000, "USD/year"),
        row("Researchers", "headcount", "category", "research_development", ""),
        row("Office", "headcount", "employees", 2, "people"),
        row("Office", "headcount", "cost_per_employee", 90_000, "USD/year"),
    ], settings())
    run = run_file(path)
    categories = {ln.name: ln.category for ln in run.model.lines.values() if ln.role == "cost"}
    assert categories == {"researchers.cost": "research_development", "office.cost": "general_administrative"}
    assert run.result.column("research_development", 0)[0] == 60_000.00      # 3 × $240,000 / 12
    assert run.result.column("general_administrative", 0)[0] == 15_000.00    # 2 × $90,000 / 12


def test_a_category_is_one_of_the_list_and_never_varies(tmp_path):
    unknown = problems_when_run(BAD["unknown cost category"](tmp_path))
    assert len(unknown) == 1 and ":Assumptions!D3: unknown category 'research'" in unknown[0]
    assert "research_development" in unknown[0]
    varied = problems_when_run(BAD["category with a range and a scenario value"](tmp_path))
    assert [p.split(": ")[0].rsplit("!", 1)[1] for p in varied] == ["F3", "K3"]
    assert all("a category has no" in p for p in varied)


# -- (d) subscription: churn every month, CAC, unit economics ---------------------------------------
def test_churn_acts_every_month_and_gross_adds_refill_to_the_target(make_workbook):
    path = make_workbook([
        row("Plus", "subscription", "audience", 1000, "users"),
        row("Plus", "subscription", "audience@2024", 500, "users"),
        row("Plus", "subscription", "conversion", 0.10, "%"),
        row("Plus", "subscription", "price", 10, "USD/month"),
        row("Plus", "subscription", "churn", 0.10, "%"),
        row("Plus", "subscription", "cac", 30, "USD/subscriber"),
        row("Plus", "subscription", "cost_per_subscriber", 2, "USD/subscriber/month"),
    ])
    run = run_file(path)
    col = lambda name: run.result.column(f"plus.{name}", 0)  # noqa: E731
    assert list(col("gross_adds")[:3]) == pytest.approx([100, 10, 10], abs=1e-9)
    assert list(col("subscribers")[:3]) == pytest.approx([100, 100, 100], abs=1e-9)
    assert col("gross_adds")[12] == 0 and col("subscribers")[12] == pytest.approx(90, abs=1e-9)  # audience halves
    assert col("acquisition_cost")[0] == pytest.approx(3000.00, abs=CENT)
    assert col("acquisition_cost")[1] == pytest.approx(300.00, abs=CENT)
    assert col("serving_cost")[1] == pytest.approx(200.00, abs=CENT)
    assert col("arpu")[1] == pytest.approx(10.00, abs=CENT)
    assert col("gross_margin_per_payer")[1] == pytest.approx(8.00, abs=CENT)
    assert col("ltv")[1] == pytest.approx(80.00, abs=CENT)
    assert col("cac_payback_months")[1] == pytest.approx(3.75, abs=1e-9)
    lines = run.model.lines
    assert (lines["plus.acquisition_cost"].category, lines["plus.serving_cost"].category) == (
        "sales_marketing", "cost_of_revenue")
    # the identity the rule states: subscribers = last month's × (1 − churn) + gross adds
    subs = col("subscribers")
    assert subs[1:] == pytest.approx(subs[:-1] * 0.9 + col("gross_adds")[1:], abs=1e-9)


def test_churn_now_costs_money_through_cac(make_workbook):
    rows = [row("Plus", "subscription", "audience", 1e9, "visits/month"),
            row("Plus", "subscription", "conversion", 0.01, "%"),
            row("Plus", "subscription", "price", 20, "USD/month"),
            row("Plus", "subscription", "cac", 50, "USD/subscriber")]
    low = make_workbook(rows + [row("Plus", "subscription", "churn", 0.02, "%")], name="low.xlsx")
    high = make_workbook(rows + [row("Plus", "subscription", "churn", 0.10, "%")], name="high.xlsx")
    # 10M payers; each later month 2% (200,000) or 10% (1,000,000) are won back at $50
    assert monthly(low, "plus.acquisition_cost")[5] == pytest.approx(10_000_000.00, abs=CENT)
    assert monthly(high, "plus.acquisition_cost")[5] == pytest.approx(50_000_000.00, abs=CENT)
    assert monthly(high, "plus.revenue")[:12].sum() == 2_400_000_000.00  # article 001 still holds


def test_without_a_cost_of_revenue_the_margin_is_arpu_and_says_so(make_workbook):
    path = make_workbook([row("Plus", "subscription", "audience", 1e9, "visits/month"),
                          row("Plus", "subscription", "conversion", 0.01, "%"),
                          row("Plus", "subscription", "price", 20, "USD/month")])
    run = run_file(path)
    line = run.model.lines["plus.gross_margin_per_payer"]
    assert "no cost of revenue given" in line.label
    assert run.result.column("plus.gross_margin_per_payer", 0)[0] == 20.00
    assert "plus.ltv" not in run.model.lines and "plus.acquisition_cost" not in run.model.lines


# -- (e) company and title settings -------------------------------------------------------------------
def test_company_and_title_name_the_reports(make_workbook, tmp_path):
    from cashcast.reports.excel.report import excel_bytes
    from cashcast.models.analysis.uncertainty import analyse
    from cashcast.reports.html.page import report_context
    from cashcast.models.analysis.outcome import Outcome
    import io
    import openpyxl
    rows = [row("Plus", "subscription", "audience", 1e9, "visits/month"),
            row("Plus", "subscription", "conversion", 0.01, "%"),
            row("Plus", "subscription", "price", 20, "USD/month")]
    named = run_file(make_workbook(rows, settings(company="OpenAI"), name="named.xlsx"))
    assert named.workbook.settings.title_for("named", "cash-flow") == "OpenAI: cash-flow"
    titled = run_file(make_workbook(rows, settings(company="OpenAI", title="OpenAI after ChatGPT"),
                                    name="titled.xlsx"))
    summary = openpyxl.load_workbook(io.BytesIO(excel_bytes(titled, analyse(titled, 0, 0))))["Summary"]
    assert summary["A1"].value == "OpenAI after ChatGPT"
    assert report_context(Outcome(titled))["title"] == "OpenAI after ChatGPT"
    assert report_context(Outcome(named))["title"] == "OpenAI: cash-flow, break-even and runway"
    plain = run_file(make_workbook(rows, name="plain.xlsx"))
    summary = openpyxl.load_workbook(io.BytesIO(excel_bytes(plain, analyse(plain, 0, 0))))["Summary"]
    assert summary["A1"].value == "plain.xlsx: monthly cash flow, break-even and runway"


def test_credits_in_kind_pay_the_named_block_s_costs_while_they_last(make_workbook):
    """$1,000 of credits in Mar 2023 and a $150 tranche in Jun 2023 for the block named (any case)
    "serving", a $200-a-month cost of revenue: only its cost draws on them — not the subscription's own
    serving (100 payers × $2) or its $300 of CAC, nor the rent: $800, $600, $400 left, $350 after
    June's tranche, $150, then $0 ($150 used in August); none before March. (The balance is worked
    month by month, so the tranche's month is found one month at a time.) Credits pay an expense
    block only; naming the subscription block is an error (tests/test_funding_checks.py)."""
    path = make_workbook([
        row("Plus", "subscription", "audience", 1_000, "users"),
        row("Plus", "subscription", "conversion", 0.10, "%"),
        row("Plus", "subscription", "price", 10, "USD/month"),
        row("Plus", "subscription", "cac", 3, "USD/subscriber"),
        row("Plus", "subscription", "cost_per_subscriber", 2, "USD/subscriber/month"),
        row("Serving", "cost", "amount", 200, "USD/month"),
        row("Serving", "cost", "category", "cost_of_revenue", ""),
        row("Rent", "opex", "monthly_amount", 230, "USD/month"),
        row("Cloud deal", "funding", "amount", 1_000, "USD"),
        row("Cloud deal", "funding", "month", dt.date(2023, 3, 1), "date"),
        row("Cloud deal", "funding", "amount@2023-06", 150, "USD"),
        row("Cloud deal", "funding", "in_kind", "sErViNg", ""),
    ])
    run = run_file(path)
    left, used = (run.result.column(f"cloud_deal.{n}", 0)[:9] for n in ("credits_left", "credits_used"))
    assert left == pytest.approx([0, 0, 800, 600, 400, 350, 150, 0, 0], abs=CENT)
    assert used == pytest.approx([0, 0, 200, 200, 200, 200, 200, 150, 0], abs=CENT)
    assert run.result.column("plus.acquisition_cost", 0)[0] == pytest.approx(300.00, abs=CENT)
    # the statements: credits received and used by category; unused credits on the balance sheet
    assert run.result.column("credits_received", 0)[:6] == pytest.approx([0, 0, 1_000, 0, 0, 150], abs=CENT)
    assert run.result.column("credits_used", 0)[:9] == pytest.approx(used, abs=CENT)
    assert run.result.column("unused_credits", 0)[:9] == pytest.approx(left, abs=CENT)


def test_plain_revenue_and_cost_only_between_their_start_and_end_months(make_workbook):
    """$1,300 of revenue a month from Apr 2023, $700 of cost a month until Feb 2023, training (3 runs
    a year at $4,000) from May 2023: nothing outside those months (and not an infinity from dividing
    by a month off)."""
    path = make_workbook([
        row("Deal", "revenue", "amount", 1_300, "USD/month"),
        row("Deal", "revenue", "start_month", dt.date(2023, 4, 1), "date"),
        row("Pilot", "cost", "amount", 700, "USD/month"),
        row("Pilot", "cost", "end_month", dt.date(2023, 2, 1), "date"),
        row("Model", "training", "runs_per_year", 3, "runs/year"),
        row("Model", "training", "cost_per_run", 4_000, "USD/run"),
        row("Model", "training", "start_month", dt.date(2023, 5, 1), "date"),
    ])
    assert monthly(path, "deal.revenue")[:6] == pytest.approx([0, 0, 0, 1_300, 1_300, 1_300], abs=CENT)
    assert monthly(path, "pilot.cost")[:6] == pytest.approx([700, 700, 0, 0, 0, 0], abs=CENT)
    assert monthly(path, "model.cost")[:6] == pytest.approx([0, 0, 0, 0, 1_000, 1_000], abs=CENT)  # 3 × 4,000 / 12


def test_tranches_arrive_in_their_own_months_with_the_round(make_workbook):
    """A $1,000 round in Jan 2023, tranches of $300 in Apr 2023, $450 in Nov 2023 (a two-digit month)
    and $700 in Feb 2024 (a later year: the month count runs across the year end), nothing between
    nor in the 13 years after (a month count that slipped a year would pay again a dozen years on)."""
    path = make_workbook([
        row("Seed", "funding", "amount", 1_000, "USD"),
        row("Seed", "funding", "month", dt.date(2023, 1, 1), "date"),
        row("Seed", "funding", "amount@2023-04", 300, "USD"),
        row("Seed", "funding", "amount@2023-11", 450, "USD"),
        row("Seed", "funding", "amount@2024-02", 700, "USD"),
    ], settings(horizon_months=160))
    funding = monthly(path, "seed.funding")
    assert {t: v for t, v in enumerate(funding) if v} == {0: pytest.approx(1_000.00, abs=CENT),
                                                          3: pytest.approx(300.00, abs=CENT),
                                                          10: pytest.approx(450.00, abs=CENT),
                                                          13: pytest.approx(700.00, abs=CENT)}


def test_debt_balance_repayment_and_interest_by_hand(make_workbook):
    """Linear: $12,000 drawn in Mar 2023 at 6% a year over 4 months: owed 12,000, 9,000, 6,000,
    3,000, then 0; repaid $3,000 a month from April to July; interest 0.5% a month of what is owed.
    Bullet (the default): $5,000 drawn in Feb 2023 at 12% over 3 months: owed until April, all repaid
    in May (the month the term ends), $50 of interest a month until then. A loan drawn before the
    model's first month is not in the model: nothing drawn, owed, repaid or paid; one drawn in that
    month is. The income statement's interest and the cash flow's repayments are their sums."""
    path = make_workbook([
        row("Term loan", "debt", "amount", 12_000, "USD"),
        row("Term loan", "debt", "draw_month", dt.date(2023, 3, 1), "date"),
        row("Term loan", "debt", "interest_rate", 0.06, "%"),
        row("Term loan", "debt", "term_months", 4, "months"),
        row("Term loan", "debt", "repayment", "linear", ""),
        row("Bridge", "debt", "amount", 5_000, "USD"),
        row("Bridge", "debt", "draw_month", dt.date(2023, 2, 1), "date"),
        row("Bridge", "debt", "interest_rate", 0.12, "%"),
        row("Bridge", "debt", "term_months", 3, "months"),
        row("Old", "debt", "amount", 7_000, "USD"),
        row("Old", "debt", "draw_month", dt.date(2022, 12, 1), "date"),
        row("Old", "debt", "interest_rate", 0.09, "%"),
        row("Old", "debt", "term_months", 6, "months"),
        row("First", "debt", "amount", 2_400, "USD"),
        row("First", "debt", "draw_month", dt.date(2023, 1, 1), "date"),
        row("First", "debt", "interest_rate", 0.03, "%"),
        row("First", "debt", "term_months", 24, "months"),
    ])
    run = run_file(path)

    def line(name):
        return list(run.result.column(name, 0)[:9])

    assert line("term_loan.drawn") == pytest.approx([0, 0, 12_000, 0, 0, 0, 0, 0, 0], abs=CENT)
    assert line("term_loan.balance") == pytest.approx([0, 0, 12_000, 9_000, 6_000, 3_000, 0, 0, 0], abs=CENT)
    assert line("term_loan.repaid") == pytest.approx([0, 0, 0, 3_000, 3_000, 3_000, 3_000, 0, 0], abs=CENT)
    assert line("term_loan.interest") == pytest.approx([0, 0, 60, 45, 30, 15, 0, 0, 0], abs=CENT)
    assert line("bridge.drawn") == pytest.approx([0, 5_000, 0, 0, 0, 0, 0, 0, 0], abs=CENT)
    assert line("bridge.balance") == pytest.approx([0, 5_000, 5_000, 5_000, 0, 0, 0, 0, 0], abs=CENT)
    assert line("bridge.repaid") == pytest.approx([0, 0, 0, 0, 5_000, 0, 0, 0, 0], abs=CENT)
    assert line("bridge.interest") == pytest.approx([0, 50, 50, 50, 0, 0, 0, 0, 0], abs=CENT)
    for name in ("drawn", "balance", "repaid", "interest"):
        assert line(f"old.{name}") == [0.0] * 9, name
    # drawn in the model's first month: in the model; $6 of interest a month on a bullet
    assert line("first.drawn")[0] == 2_400 and line("first.interest") == pytest.approx([6.0] * 9, abs=CENT)
    # the statements gather interest and repayments by category
    assert line("interest") == pytest.approx([6, 56, 116, 101, 36, 21, 6, 6, 6], abs=CENT)
    assert line("debt_repaid") == pytest.approx([0, 0, 0, 3_000, 8_000, 3_000, 3_000, 0, 0], abs=CENT)


def test_credits_pay_a_block_whose_cost_reads_another_block(make_workbook):
    """Serving costs $0.50 for each of the 1,000 users of Plus (a linked line): $500 a month, paid with
    $1,200 of credits from Jan 2023 — $500, $500, then the last $200."""
    run = run_file(make_workbook([
        row("Plus", "subscription", "audience", 1_000, "users"),
        row("Plus", "subscription", "conversion", 0.05, "%"),
        row("Plus", "subscription", "price", 20, "USD/month"),
        row("Serve", "inference", "active_users", "line: Plus.audience", "users"),
        row("Serve", "inference", "cost_per_user", 0.5, "USD/user/month"),
        row("Credits", "funding", "amount", 1_200, "USD"),
        row("Credits", "funding", "month", dt.date(2023, 1, 1), "date"),
        row("Credits", "funding", "in_kind", "Serve", ""),
    ]))
    assert run.result.column("credits.credits_used", 0)[:4] == pytest.approx([500, 500, 200, 0], abs=CENT)
