"""The Checks sheet (issue 13, part 4): analysts' expected figures, read, validated, evaluated and
printed by ``cashcast test``. Every expected figure below is worked out by hand from the inputs."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from cashcast.models.analysis.checks_user import FAIL, NOT_RUN, PASS, evaluate_checks
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.workbook import read_workbook, validate
from cashcast.reports.cli.faults import EXIT_CHECKS
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD, model
from tests.helpers import row

# 3.7M visits × 7% paying × $23 = $5,957,000 a month; rent $41,000 a month; $1M at the start
EARNING = [row("Plus", "subscription", "audience", 3.7e6, "visits/month"),
           row("Plus", "subscription", "conversion", 0.07, "%"),
           row("Plus", "subscription", "price", 23, "USD/month"),
           row("Rent", "opex", "monthly_amount", 41_000, "USD/month")]
MONTHLY_REVENUE = 3.7e6 * 0.07 * 23            # 5,957,000
# $1M at the start, $250,000 of rent a month: 750K, 500K, 250K, exactly 0 in April, −250K in May
BURNING = [row("Rent", "opex", "monthly_amount", 250_000, "USD/month")]


def test_the_hand_worked_figures(tmp_path):
    """A month, a year and the whole projection of a line, a balance, a KPI and a yearly KPI."""
    path = model(tmp_path, EARNING, scenarios=[("dear", "dearer rent")], checks=[
        ("Plus.revenue", "2023-01", 5_957_000),               # first month
        ("revenue", "2024-12", 5_957_000),                    # last month
        ("Plus.revenue", "2023", 71_484_000),                 # 12 × 5,957,000
        ("Plus.revenue", "", 142_968_000),                    # 24 months, a flow: their sum
        ("closing_cash", "2023", 71_992_000),                 # a balance's year: December's
        ("closing_cash", "", 142_984_000),                    # 1M + 24 × (5,957,000 − 41,000)
        ("ending_cash", "", 142_984_000),
        ("cash_out_month", "", "never"),
        ("arr", "2024", 71_484_000),                          # 12 × December's subscription revenue
        ("Plus.subscribers", "2023-07", 259_000),             # 3.7M × 7%
        ("Plus.revenue", "2023", 71_484_000, None, None, "dear"),
    ])
    results = evaluate_checks(run_file(path, ["base"]))
    assert [r.status for r in results] == [PASS] * 10 + [NOT_RUN]
    actual = [r.actual for r in results[:10]]
    assert actual[:7] == pytest.approx([5_957_000, 5_957_000, 71_484_000, 142_968_000, 71_992_000,
                                        142_984_000, 142_984_000], abs=0.005)
    assert math.isnan(actual[7]) and actual[8:] == pytest.approx([71_484_000, 259_000], abs=0.005)
    assert [r.kind for r in results[:10]] == ["money"] * 7 + ["month", "money", "count"]


def test_a_cent_off_fails_and_half_a_cent_passes(tmp_path, capsys):
    path = model(tmp_path, EARNING, checks=[
        ("Plus.revenue", "2023", 71_484_000.01),
        ("Plus.revenue", "2023", 71_483_999.996),
    ])
    assert main(["test", str(path)]) == EXIT_CHECKS
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "model.xlsx:Checks!A2: FAIL: Plus.revenue 2023 (base): $71.484M, expected $71.484M "
        "(off by −$0.01, tolerance $0.005)",
        "model.xlsx:Checks!A3: pass: Plus.revenue 2023 (base): $71.484M, expected $71.484M",
        "model.xlsx: 2 check(s), 1 passed, 1 failed",
    ]


def test_absolute_and_relative_tolerances_at_their_edges(tmp_path):
    """The larger of the two applies: $1,000,000 absolute; 2% of $72,941,000 is $1,458,820."""
    path = model(tmp_path, EARNING, checks=[
        ("Plus.revenue", "2023", 72_484_000, 1_000_000),              # exactly 1M off: pass
        ("Plus.revenue", "2023", 72_484_000.01, 1_000_000),           # a cent more: fail
        ("Plus.revenue", "2023", 72_942_820, None, 0.02),             # 1,458,820 off, 2% of 72,942,820 = 1,458,856.4
        ("Plus.revenue", "2023", 72_942_900, None, "2%"),             # 1,458,900 off > 1,458,858: fail
        ("Plus.revenue", "2023", 72_942_900, 1_500_000, "2%"),        # the absolute one is larger: pass
    ])
    results = evaluate_checks(run_file(path))
    assert [r.status for r in results] == [PASS, FAIL, PASS, FAIL, PASS]
    assert [r.allowed for r in results] == pytest.approx([1e6, 1e6, 1_458_856.4, 1_458_858, 1.5e6], abs=1e-6)


def test_month_figures_on_the_boundary(tmp_path, capsys):
    """Cash is exactly 0 in April (not below the floor of 0) and below it in May."""
    path = model(tmp_path, BURNING, checks=[
        ("cash_out_month", "", "2023-05"),
        ("runway_months", "", 4),
        ("closing_cash", "2023-04", 0),
        ("cash_out_month", "", "2023-04"),
        ("runway_months", "", "never"),
    ])
    results = evaluate_checks(run_file(path))
    assert [r.status for r in results] == [PASS, PASS, PASS, FAIL, FAIL]
    assert results[0].actual == 2023 * 12 + 4 and results[1].actual == 4
    assert main(["test", str(path)]) == EXIT_CHECKS
    out = capsys.readouterr().out.splitlines()
    assert out[3] == ("model.xlsx:Checks!A5: FAIL: cash_out_month (base): May 2023, expected Apr 2023 "
                      "(off by +1 month, tolerance 0 months)")
    assert out[4] == "model.xlsx:Checks!A6: FAIL: runway_months (base): 4 months, expected never"


def test_all_pass_exits_0_and_a_workbook_without_checks_has_none_to_fail(tmp_path, capsys):
    first = model(tmp_path, EARNING, checks=[("Plus.revenue", "2023-06", 5_957_000)])
    second = model(tmp_path, EARNING, name="plain.xlsx")
    assert main(["test", str(first), str(second)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["model.xlsx:Checks!A2: pass: Plus.revenue 2023-06 (base): $5.957M, expected $5.957M",
                   "model.xlsx: 1 check(s), 1 passed, 0 failed",
                   'plain.xlsx: no checks (write them as rows of a Checks sheet: see the README, "Checks that analysts write")']


def test_bad_input_in_any_workbook_is_exit_2_with_every_problem(tmp_path, capsys):
    good = model(tmp_path, EARNING, checks=[("Plus.revenue", "2023-06", 1)], name="good.xlsx")
    bad = BAD["checks: a period outside the projection, a yearly KPI without a year, bad tolerances and "
              "values"](tmp_path)
    assert main(["test", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == "6 problem(s); nothing was written."


def problems(path) -> list[Problem]:
    return validate(read_workbook(path))


def test_unknown_names_periods_scenarios_and_missing_values(tmp_path):
    path = BAD["checks: unknown names, a KPI with a period, an unknown scenario, no expected value"](tmp_path)
    got = {p.cell: p.message for p in problems(path)}
    assert got["F4"] == "no scenario named 'leen'; valid: base, lean (blank: base)"
    assert got["C5"] == ("no expected value; type the figure the model should produce, e.g. 2400000000, 45%, "
                         "2025-06 or never")
    assert got["B6"] == ("'March' is not a period; type a month such as 2024-03, a year such as 2024, or leave "
                         "it blank for a key figure or the whole projection")
    assert got["A2"].startswith("'Plus.revenu' names no line or KPI; did you mean plus.revenue or plus.arpu "
                                "or revenue? valid: cash_out_month, ")
    assert got["B3"] == "'cash_out_month' is one figure for the whole projection; leave the period blank"
    assert all(p.sheet == "Checks" and p.workbook == "model.xlsx" for p in problems(path))
    assert len(got) == 5


def test_periods_tolerances_and_values_that_do_not_fit(tmp_path):
    path = BAD["checks: a period outside the projection, a yearly KPI without a year, bad tolerances and "
               "values"](tmp_path)
    assert problems(path) == [Problem("model.xlsx", "Checks", cell, msg) for cell, msg in [
        ("D4", "tolerance -5 is outside 0..1e+18; the tolerance is an amount such as 1000000 (in the "
               "figure's unit), or blank"),
        ("E5", "relative tolerance 150% is outside 0..100%; the relative tolerance is a share such as 1%, or "
               "blank"),
        ("C6", "'24' is not the expected month; type a month such as 2025-06, or never"),
        ("C7", "text 'lots' is not the expected value; type a number such as 2400000000"),
        ("B2", "period 2030 is outside the projection 2023-01..2024-12"),
        ("B3", "'arr' is a figure per year; type the year, e.g. 2025"),
    ]]


def test_checks_are_reported_with_the_assumptions_problems(tmp_path):
    """A bad assumption cell and an unknown KPI in one run; the line of the block with the bad cell is
    not called unknown."""
    path = BAD["checks beside a bad assumption cell"](tmp_path)
    found = problems(path)
    assert [(p.sheet, p.cell) for p in found] == [("Assumptions", "D2"), ("Checks", "A3")]
    assert found[1].message.startswith("'runway_month' names no line or KPI; did you mean runway_months or ")


def test_a_date_cell_is_a_month_and_block_names_are_matched_loosely(tmp_path):
    path = model(tmp_path, EARNING, checks=[(" plus . REVENUE ", dt.date(2023, 3, 1), 5_957_000)])
    [check] = read_workbook(path).checks
    assert (check.name, check.month, check.year, check.scenario) == ("plus.revenue", 2023 * 12 + 2, None, "base")


def test_the_flagship_reproduces_the_articles_arithmetic():
    """$2.4B of subscriptions, $200M of licensing (seed-001) and $33B–$60B of advertising (ads scenarios)."""
    from tests.helpers import ROOT

    path = ROOT / "assumptions" / "openai.xlsx"
    results = evaluate_checks(run_file(path))
    expected = {("chatgpt_plus.revenue", "2023", "seed-001"): 1e9 * 0.01 * 20 * 12,
                ("api_licensing.revenue", "2023", "seed-001"): 200 * 1e6,
                ("advertising.revenue", "2027", "ads-15pct"): 0.15 * 220e9,
                ("advertising.revenue", "2027", "ads-20pct"): 0.20 * 300e9}
    seen = {(r.check.name, r.check.period, r.check.scenario): r for r in results}
    for key, value in expected.items():
        assert seen[key].check.expected == value and seen[key].actual == pytest.approx(value, abs=0.005), key
    assert all(r.status == PASS for r in results) and all(r.check.note.startswith("A001: ")
                                                          for r in results)


def test_the_readme_shows_what_a_failure_prints(tmp_path, capsys):
    """The flagship with its first check's $2.4B edited to $2.5B: the README's failure line, exit 4."""
    import openpyxl

    from tests.helpers import ROOT

    book = openpyxl.load_workbook(ROOT / "assumptions" / "openai.xlsx")
    assert book["Checks"]["C2"].value == 2_400_000_000
    book["Checks"]["C2"].value = 2_500_000_000
    path = tmp_path / "openai.xlsx"
    book.save(path)
    assert main(["test", str(path)]) == EXIT_CHECKS
    first, note = capsys.readouterr().out.splitlines()[0].split(" — ")
    assert first == ("openai.xlsx:Checks!A2: FAIL: ChatGPT Plus.revenue 2023 (seed-001): $2.4B, expected $2.5B "
                     "(off by −$100,000,000.00, tolerance $0.005)")
    assert note == book["Checks"]["G2"].value
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"A failure reads `{first}`" in readme


def test_json_and_quiet(tmp_path, capsys):
    """--json: one object, each check's expected and actual values as the model holds them (a month as
    YYYY-MM, never as null); --quiet: nothing on standard output; the exit status as without them."""
    import json

    path = model(tmp_path, BURNING, checks=[("cash_out_month", "", "2023-04"), ("runway_months", "", "never"),
                                            ("closing_cash", "2023-02", 500_000, None, None, "", "two months")])
    assert main(["test", str(path), "--json"]) == EXIT_CHECKS
    data = json.loads(capsys.readouterr().out)
    assert {k: data[k] for k in ("schema", "command", "status", "exit")} == {
        "schema": "cashcast.summary/1", "command": "test", "status": "failed", "exit": EXIT_CHECKS}
    [book] = data["workbooks"]
    assert book["workbook"] == "model.xlsx"
    assert [(c["cell"], c["expected"], c["actual"], c["status"]) for c in book["checks"]] == [
        ("Checks!A2", "2023-04", "2023-05", "fail"), ("Checks!A3", None, 4.0, "fail"),
        ("Checks!A4", 500_000.0, pytest.approx(500_000.0, abs=0.005), "pass")]
    assert book["checks"][2]["note"] == "two months" and book["checks"][2]["period"] == "2023-02"
    assert main(["test", str(path), "--quiet"]) == EXIT_CHECKS
    assert capsys.readouterr().out == ""


def test_a_block_name_with_a_dot_is_split_at_the_last_dot():
    """"Rent v2.1 . Cost" names the line cost of the block Rent v2.1 (rent_v2_1); without such a block
    the text is kept as typed, in lower case."""
    from cashcast.models.reading.user_checks import model_name

    assert model_name("Rent v2.1 . Cost", {"rent_v2_1": None}) == "rent_v2_1.cost"
    assert model_name("Rent v2.1 . Cost", {"rent_v2": None}) == "rent v2.1.cost"


def test_each_kinds_default_tolerance_at_its_edge(tmp_path):
    """Both tolerances blank: a count passes within half a unit's hundredth (0.005), a rate and a multiple
    within 0.00005, a number of months only exactly. Hand-worked: 3.7M × 7% = 259,000 payers; no cost of
    revenue, so the gross margin is 100%; the 2023 burn multiple is the year's net burn over its net new
    ARR, −12 × (5,957,000 − 41,000) ÷ (12 × 5,957,000) = −70,992,000 ÷ 71,484,000; the rent-only model
    has 4 months of runway."""
    multiple = -70_992_000 / 71_484_000
    path = model(tmp_path, EARNING, checks=[
        ("Plus.subscribers", "2023-07", 259_000.004), ("Plus.subscribers", "2023-07", 259_000.006),
        ("gross_margin", "2023-07", 0.99996), ("gross_margin", "2023-07", 0.99994),
        ("burn_multiple", "2023", multiple + 0.00004), ("burn_multiple", "2023", multiple - 0.00006),
    ])
    results = evaluate_checks(run_file(path))
    assert [(r.kind, r.allowed, r.status) for r in results] == [
        ("count", 0.005, PASS), ("count", 0.005, FAIL), ("rate", 0.00005, PASS), ("rate", 0.00005, FAIL),
        ("multiple", 0.00005, PASS), ("multiple", 0.00005, FAIL)]
    assert results[4].actual == pytest.approx(multiple, abs=1e-12)
    burning = model(tmp_path, BURNING, checks=[("runway_months", "", 4), ("runway_months", "", 5)],
                    name="burning.xlsx")
    assert [(r.kind, r.allowed, r.status) for r in evaluate_checks(run_file(burning))] == [
        ("months", 0.0, PASS), ("months", 0.0, FAIL)]


def test_every_other_bad_cell_word_for_word(tmp_path):
    """The problems test_periods_tolerances_and_values_that_do_not_fit does not reach, each whole: a blank
    name, a year before 1900, a number of months given as text, a date and a TRUE where a number belongs,
    a relative tolerance of 150.5% and a tolerance of 2e18, a month past the projection, and a name close
    to nothing (the registry's first twelve names listed, then how many more)."""
    import openpyxl

    from cashcast.models.analysis.kpis import KPIS, YEARLY
    from cashcast.models.engine.model import build_model
    from tests.bad_workbooks import GOOD

    path = model(tmp_path, GOOD, checks=[
        (None, "2023", 5), ("Plus.revenue", "1850", 5), ("runway_months", "", "lots"), ("Plus.revenue", "2023", 5),
        ("Plus.revenue", "2023-05", 5, None, 0.015), ("Plus.revenue", "2023", 5, None, 1.505),
        ("Plus.revenue", "2023", 5, 2e18), ("Plus.revenue", "2025-01", 5), ("zzz_qqq", "", 5),
        ("Plus.revenue", "2023", 5)])
    book = openpyxl.load_workbook(path)
    book["Checks"]["C5"], book["Checks"]["C11"] = dt.datetime(2023, 1, 1), True
    book.save(path)
    names = [k.name for k in KPIS] + [k.name for k in YEARLY] + list(build_model(read_workbook(
        model(tmp_path, GOOD, name="good.xlsx"))).lines)
    number = "type a number such as 2400000000"
    assert problems(path) == [Problem("model.xlsx", "Checks", cell, msg) for cell, msg in [
        ("A2", "no line or KPI named; type a line such as closing_cash or ChatGPT Plus.revenue, or a key figure "
               "such as cash_out_month"),
        ("B3", "year 1850 is outside 1900..2199"),
        ("C4", "text 'lots' is not the expected value; type a number of months such as 24, or never"),
        ("C5", f"a date is not the expected value; {number}"),
        ("E7", "relative tolerance 150.5% is outside 0..100%; the relative tolerance is a share such as 1%, "
               "or blank"),
        ("D8", "tolerance 2e+18 is outside 0..1e+18; the tolerance is an amount such as 1000000 (in the "
               "figure's unit), or blank"),
        ("C11", f"True is not the expected value; {number}"),
        ("B9", "period 2025-01 is outside the projection 2023-01..2024-12"),
        ("A10", f"'zzz_qqq' names no line or KPI; valid: {', '.join(names[:12])} and {len(names) - 12} more "
                f"(the CSV's columns)")]]


def test_a_check_not_run_and_the_units_of_key_figures(tmp_path):
    """A check of a scenario not run keeps its kind, unit and tolerance, with no actual value; a key figure
    and a yearly key figure have no unit of their own (a line's is its unit)."""
    path = model(tmp_path, EARNING, scenarios=[("dear", "dearer rent")], checks=[
        ("Plus.revenue", "2023", 71_484_000, None, None, "dear"), ("ending_cash", "", 142_984_000),
        ("arr", "2024", 71_484_000), ("Plus.revenue", "2023", 71_484_000)])
    results = evaluate_checks(run_file(path, ["base"]))
    [(check, actual)] = [(r.check, r.actual) for r in results[:1]]
    assert check.scenario == "dear" and check.period == "2023" and math.isnan(actual)
    assert [(r.kind, r.unit, r.allowed, r.status) for r in results] == [
        ("money", "USD/month", 0.005, NOT_RUN), ("money", "", 0.005, PASS), ("money", "", 0.005, PASS),
        ("money", "USD/month", 0.005, PASS)]


def test_a_tolerance_under_one_unit_is_kept(tmp_path):
    """An absolute tolerance of 0.5 payers alone allows 0.5 (259,000.75 is 0.75 off: fail); a relative one
    of 10% alone on a gross margin of 80% allows 0.08 (100% is 0.2 off: fail)."""
    path = model(tmp_path, EARNING, checks=[("Plus.subscribers", "2023-07", 259_000.75, 0.5),
                                            ("Plus.subscribers", "2023-07", 259_000.25, 0.5),
                                            ("gross_margin", "2023-07", 0.8, None, 0.1)])
    assert [(r.allowed, r.status) for r in evaluate_checks(run_file(path))] == [
        (0.5, FAIL), (0.5, PASS), (pytest.approx(0.08, abs=1e-12), FAIL)]


def test_a_yearly_figure_without_a_period_column_is_reported_at_its_name(tmp_path):
    """A Checks sheet with no period column: a yearly key figure cannot have its year, reported at the
    row's line-or-KPI cell (there is no period cell to point at)."""
    import openpyxl

    from tests.bad_workbooks import GOOD

    path = model(tmp_path, GOOD, checks=[("Plus.revenue", "", 2.4e9), ("arr", "", 2.4e9)])
    book = openpyxl.load_workbook(path)
    assert book["Checks"]["B1"].value.lower() == "period"
    book["Checks"].delete_cols(2)
    book.save(path)
    assert problems(path) == [Problem("model.xlsx", "Checks", "A3", "'arr' is a figure per year; type the year, e.g. 2025")]


def test_the_lines_of_a_block_that_cannot_be_built_are_not_looked_up(tmp_path):
    """Plus lacks its price, so it is not built: its problem is the one reported, not the checks that name
    its lines (the block is the name's first part, whatever follows)."""
    from tests.bad_workbooks import GOOD

    path = model(tmp_path, [r for r in GOOD if r.parameter != "price"],
                 checks=[("Plus.revenue", "2023", 2.4e9), ("Plus.revenue.x", "2023", 2.4e9)])
    assert problems(path) == [Problem("model.xlsx", "Assumptions", "C2", "block 'Plus' (subscription) lacks the "
                                      "required parameter 'price' (subscription price per month); add a row for it")]
