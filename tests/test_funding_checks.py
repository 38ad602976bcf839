"""Funding, debt and in-kind credits: the problems a workbook can have (issue 10), each at its cell, and
the valid cases beside them worked to the cent, so a check too wide or too narrow fails.

The bad workbooks live in tests/bad_workbooks.py, so ``check`` and ``run`` are compared on them too
(tests/test_check_run_agree.py). settings(): 24 months from January 2023 (2023-01 to 2024-12).
"""
from __future__ import annotations

import pytest

from cashcast.models.analysis.scenarios import run_file
from tests.bad_workbooks import BAD, GOOD, SERVING
from tests.helpers import row, settings
from tests.test_bad_input import one_problem

CENT = 0.005


def test_a_tranche_in_month_13_is_malformed(tmp_path):
    one_problem(BAD["tranche in month 13"](tmp_path), "Assumptions!C6", "'amount@2023-13'", "month 13 is not a month", "MM from 01 to 12")


def test_tranches_in_the_first_and_last_months_are_received_there(make_workbook):
    run = run_file(make_workbook([*GOOD, row("Seed", "funding", "amount@2023-01", 1_000_000, "USD"),
                                  row("Seed", "funding", "amount@2024-12", 2_500_000, "USD")]))
    got = run.result.column("seed.funding", 0)
    assert got[0] == 1_000_000 and got[23] == 2_500_000
    assert got[1:23].sum() == 0


def test_an_unknown_repayment_names_the_valid_ones(tmp_path):
    one_problem(BAD["unknown loan repayment"](tmp_path), "Assumptions!D9", "unknown repayment 'balloon'",
                "bullet, linear")


def test_in_kind_naming_no_block_lists_the_cost_blocks(tmp_path):
    text = one_problem(BAD["in_kind naming no block"](tmp_path), "Assumptions!D7", "in_kind 'Servng' names no block")
    assert text.endswith("whose cost the credits pay: Serving"), text


def test_two_in_kind_rounds_on_one_cost_block_are_an_error_that_says_what_to_do(tmp_path):
    one_problem(BAD["two in-kind rounds on one cost block"](tmp_path), "Assumptions!D9",
                "block 'Serving' is already paid in kind by 'Azure'", "tranches")


@pytest.mark.parametrize("case,cell,what", [
    ("in_kind naming a revenue block", "D7", "names block 'Plus', a subscription block (revenue, not a cost)"),
    ("in_kind naming a loan", "D8", "names block 'Loan', a debt block (funding, not a cost)"),
    ("in_kind naming a hardware block", "D8", "names block 'GPUs', a hardware block (capital spending, not an "
                                              "expense); give the name of the cost block whose cost the "
                                              "credits pay: Serving"),
])
def test_in_kind_naming_a_block_that_is_not_a_cost_is_an_error(tmp_path, case, cell, what):
    one_problem(BAD[case](tmp_path), f"Assumptions!{cell}", what)


def test_credits_on_two_cost_blocks_each_pay_their_own_block_to_the_cent(make_workbook):
    """Serving costs 1,000 a day, Rent 9,000 a month. Azure's 50,000 in February 2023 (28 days): 28,000
    used, 22,000 left; March (31 days) costs 31,000, so the last 22,000 are used; nothing after.
    AWS's 20,000 in March (named in another case): 9,000 used in March and April, the last 2,000 in May."""
    run = run_file(make_workbook([*GOOD, *SERVING, row("Rent", "opex", "monthly_amount", 9_000, "USD/month"),
                                  row("Azure", "funding", "amount@2023-02", 50_000, "USD"),
                                  row("Azure", "funding", "in_kind", "Serving", ""),
                                  row("AWS", "funding", "amount@2023-03", 20_000, "USD"),
                                  row("AWS", "funding", "in_kind", "RENT", "")]))
    azure, aws = run.result.column("azure.credits_used", 0), run.result.column("aws.credits_used", 0)
    assert list(azure[:5]) == pytest.approx([0, 28_000, 22_000, 0, 0], abs=CENT)
    assert list(aws[:6]) == pytest.approx([0, 0, 9_000, 9_000, 2_000, 0], abs=CENT)
    assert run.result.column("azure.credits_left", 0)[1] == pytest.approx(22_000, abs=CENT)
    assert run.result.column("credits_used", 0)[2] == pytest.approx(31_000, abs=CENT)


def test_a_cost_paid_with_credits_is_owed_to_no_supplier(make_workbook):
    """Rent 9,300 a month, 15 payable days, 20,000 of credits in February 2023 paying it. Payables are
    owed only on the part of each month's cost not paid with credits:

    Jan (31 days): nothing paid in kind, payables 9,300 × 15/31 = 4,500; cash from operations −9,300 + 4,500.
    Feb (28): 9,300 paid in kind, payables 0: January's bill is paid, −4,500.  Mar: 9,300 in kind, 0.
    Apr (30): the last 1,400 in kind, payables 7,900 × 15/30 = 3,950: −9,300 + 1,400 + 3,950 = −3,950.
    May (31): payables 4,500 again: −9,300 − (4,500 − 3,950) = −8,750.
    Five months: 46,500 of rent, 20,000 paid in kind, 4,500 still owed, so 22,000 of cash left."""
    rows = [row("Rent", "opex", "monthly_amount", 9_300, "USD/month"),
            row("Credits", "funding", "amount@2023-02", 20_000, "USD"),
            row("Credits", "funding", "in_kind", "Rent", "")]
    run = run_file(make_workbook(rows, settings(payable_days=15)))
    payables = run.result.column("payables", 0)[:5]
    assert list(payables) == pytest.approx([4_500, 0, 0, 3_950, 4_500], abs=CENT)
    cfo = run.result.column("cash_from_operations", 0)[:5]
    assert list(cfo) == pytest.approx([-4_800, -4_500, 0, -3_950, -8_750], abs=CENT)
    assert run.result.column("closing_cash", 0)[4] == pytest.approx(1_000_000 - 22_000, abs=CENT)
    assert abs(run.result.column("check_balance", 0)).max() < CENT
