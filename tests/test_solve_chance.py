"""Solve for a probability or a percentile (``cashcast solve --target "P(...) <= 10%"``).

The workbook is worked by hand: no revenue, rent R drawn uniformly from $40,000 to $80,000 a month,
opening cash X (the input solved for), 24 months from Jan 2023, no minimum cash. Closing cash after
month t (0-based) is X − (t + 1)·R, so a path runs out of cash by Dec 2023 (t = 11) exactly when
R > X/12, and

    P(cash out by Dec 2023) = P(R > X/12) = (80,000 − X/12) / 40,000,

which is 10% at X = 12 × 76,000 = 912,000 and 75% at the opening cash of 600,000. With the same
draws for every candidate, the answer is exact in the draws too: the share is k/n with k the number
of draws above X/12, so "at most 10%" first holds at X = 12 × the 801st largest of 8,000 draws.
Those draws are recomputed from the row's own stream (one block: n ≤ 8,192).
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from cashcast.models.analysis.chance import parse_chance_target
from cashcast.models.analysis.distributions import row_stream
from cashcast.models.analysis.extra_round import default_amount_range, extra_round, round_name, with_extra_round
from cashcast.models.analysis.pipeline import solve_target
from cashcast.models.analysis.simulation import simulate
from cashcast.models.analysis.solve import find_row
from cashcast.models.analysis.solve_chance import solve_chance
from cashcast.models.engine.model import build_model
from cashcast.models.reading.data import Block, Row
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from tests.helpers import row, settings

N = 8_000
SEED = 7
LOW, HIGH = 40_000.0, 80_000.0
TARGET = "P(cash_out_month <= 2023-12) <= 10%"


@pytest.fixture
def rent(make_workbook):
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH,
                distribution="uniform")]
    return make_workbook(rows, settings(discount_rate=0.0, opening_cash=600_000), name="rent.xlsx")


def draws(n=N, seed=SEED) -> np.ndarray:
    """The rent of every sample, from the row's stream (block 0), sorted."""
    return np.sort(row_stream(seed, "rent__monthly_amount", 0).uniform(LOW, HIGH, n))


def solved(path, target=TARGET, vary="settings.opening_cash", **kw):
    kw = {"search_range": ("0", "2000000"), "samples": N, "seed": SEED, **kw}
    return solve_target(path, vary, target, **kw).solution


def test_probability_target_meets_the_closed_form_and_is_exact_in_the_draws(rent):
    sol = solved(rent)
    r = draws()
    assert sol.found and sol.direction == "at least"
    assert sol.exact == pytest.approx(12 * r[N - 801], abs=2.0)   # 800 of 8,000 draws above X/12: 10%
    assert abs(sol.exact - 912_000) < 4_000                        # closed form, within sampling error
    assert sol.exact <= sol.value <= sol.exact * 1.001 and float(f"{sol.value:.4g}") == sol.value
    assert sol.stat_at_value <= 0.10 and sol.stat_at_value == np.mean(r > sol.value / 12)
    lo, hi = sol.ci_at_value
    assert lo < sol.stat_at_value < hi and hi - lo < 0.015       # Wilson, n = 8,000: about ±0.66 points
    # the current 600,000: P(R > 50,000) = 75% by the closed form, k/n in the draws
    assert sol.current_stat == np.mean(r > 50_000) and sol.current_ci[0] < 0.75 < sol.current_ci[1]
    assert not sol.current_meets and sol.drawn == ["Rent.monthly_amount"]
    # 9 passes: the current value and the grid's 17 points; 6 passes of 8 candidates in the one bracket,
    # each a ninth as wide ($125,000 / 9⁶ < $2, a millionth of the range); the 4 roundings and the threshold;
    # the current value and the answer again, for their intervals
    assert (sol.passes, sol.candidates) == (9, 18 + 6 * 8 + 5 + 2)


def test_refining_narrows_every_bracket_to_its_own_change_in_one_evaluation_a_pass():
    """Three brackets, met changing at 10.3, 20.7 and 30.1: each pass evaluates the 8 interior points of
    every unfinished bracket together and reads each bracket's own results, until each is narrower than
    the tolerance, with the met side kept."""
    from cashcast.models.analysis.solve_chance import refine

    class Evaluate:
        passes = 0

        def __call__(self, xs):
            self.passes += 1
            met = ((xs >= 10.3) & (xs < 20.7)) | (xs >= 30.1)
            return met, np.zeros(len(xs))

    evaluate = Evaluate()
    brackets = refine(evaluate, [(10.0, 11.0, True), (20.0, 21.0, False), (30.0, 31.0, True)], 1e-3, False)
    assert [met for _a, _b, met in brackets] == [True, False, True]
    for (a, b, _met), change in zip(brackets, (10.3, 20.7, 30.1)):
        assert a < change <= b and b - a <= 1e-3
    assert evaluate.passes == 4   # 1 / 9⁴ < 1e-3 < 1 / 9³


def test_the_solution_s_json_holds_every_figure_of_the_solution(rent):
    """Key by key (the CLI tests read a few): the input in its unit, the probabilities as fractions to
    six places, the current value's and the answer's sampling intervals, the range searched and where
    the target is met, the assumptions drawn and the search's passes."""
    sol = solved(rent)
    six = lambda x: round(float(x), 6)  # noqa: E731
    (met_from, met_to), = sol.intervals
    assert sol.to_json(load_workbook(rent).months()) == {
        "parameter": "settings.opening_cash", "unit": "USD", "scenario": "base", "target": TARGET,
        "samples": N, "seed": SEED, "found": True, "value": sol.value, "direction": "at least",
        "exact": sol.exact, "at_value": six(sol.stat_at_value), "at_value_ci95": [six(x) for x in sol.ci_at_value],
        "current": 600_000.0, "at_current": six(sol.current_stat), "at_current_ci95": [six(x) for x in sol.current_ci],
        "current_meets": False, "range": [0.0, 2_000_000.0], "range_source": sol.range_source,
        "met_intervals": [[met_from, met_to]], "best": sol.best, "at_best": six(sol.best_stat),
        "drawn": ["Rent.monthly_amount"], "passes": sol.passes, "candidates": sol.candidates}
    assert met_to == 2_000_000.0 and sol.exact <= met_from <= sol.value and sol.passes >= 1 and sol.candidates > 10
    assert sol.range_source and 0 < sol.stat_at_value <= 0.1 < sol.current_stat and sol.best_stat <= 0.1


def test_strict_and_loose_comparisons_differ_by_one_draw(rent):
    r = draws()
    assert solved(rent, "P(cash_out_month <= 2023-12) < 10%").exact == pytest.approx(12 * r[N - 800], abs=2.0)
    # P10 of the runway ≥ 12: fewer than 800 paths (10%) out by month 11, so at most 799
    assert solved(rent, "p10.runway_months >= 12").exact == pytest.approx(12 * r[N - 800], abs=2.0)
    assert solved(rent, "p10.runway_months > 11").exact == pytest.approx(12 * r[N - 800], abs=2.0)


def test_a_money_percentile_target(rent):
    # ending cash X − 24·R; its (linear) median ≥ 0 from X = 24 × the median rent (closed form 1,440,000)
    sol = solved(rent, "p50.ending_cash >= 0", search_range=("0", "3000000"))
    assert sol.exact == pytest.approx(24 * np.median(draws()), abs=3.0)
    assert abs(sol.exact - 1_440_000) < 24 * 1_000
    assert sol.stat_at_value >= 0 and sol.ci_at_value[0] < sol.stat_at_value < sol.ci_at_value[1]


def test_the_same_seed_gives_the_same_answer_whatever_the_chunk(rent, monkeypatch):
    """The chunk bounds the columns (candidate × sample) evaluated at once, and so the memory; the answer
    does not depend on it."""
    from cashcast.models.analysis import solve_chance as module
    wb = load_workbook(rent)
    model, row_ = build_model(wb), find_row(wb, "settings.opening_cash")
    target = parse_chance_target(wb, TARGET)
    a = solve_chance(model, "base", row_, target, N, SEED, (0.0, 2e6))
    widths = []

    def evaluate_kpis(model, params):
        widths.append(len(params["settings__opening_cash"]))
        return real(model, params)

    real = module.evaluate_kpis
    monkeypatch.setattr(module, "evaluate_kpis", evaluate_kpis)
    b = solve_chance(model, "base", row_, target, N, SEED, (0.0, 2e6), chunk=999)
    assert max(widths) == 999 and sum(widths) == N * b.candidates
    assert (a.exact, a.value, a.stat_at_value, a.intervals) == (b.exact, b.value, b.stat_at_value, b.intervals)
    c = solve_chance(model, "base", row_, target, N, SEED + 1, (0.0, 2e6))
    assert c.exact != a.exact and abs(c.exact - 912_000) < 4_000


def test_the_draws_are_the_simulations_own(rent):
    """A candidate equal to the scenario's value sees the draws ``cashcast run`` simulates."""
    sol = solved(rent, "P(cash_out_month <= 2024-12) <= 10%")
    sim = simulate(build_model(load_workbook(rent)), "base", N, SEED)
    assert sol.current_stat == sim.cash_out_by_year[2024]


def test_the_varied_input_is_fixed_at_each_candidate_not_drawn(rent):
    # varying the uncertain rent itself: nothing is drawn, so the answer is the deterministic one:
    # 600,000 − 12·R ≥ 0 ⇔ R ≤ 50,000 (the rent's own low..high is the range)
    sol = solved(rent, TARGET, vary="Rent.monthly_amount", search_range=None)
    assert sol.drawn == [] and sol.direction == "at most"
    assert sol.exact == pytest.approx(50_000, abs=0.05) and sol.value == 50_000
    assert sol.stat_at_value == 0.0


def test_no_value_in_range_says_so_plainly(rent, capsys):
    args = ["solve", str(rent), "--vary", "settings.opening_cash", "--target", TARGET, "--range", "0", "800000",
            "--samples", str(N), "--seed", str(SEED)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "no value of settings.opening_cash from 0 USD to 800,000 USD (--range) meets " + TARGET in out
    # the closest is the top of the range: P(R > 66,666.67) = 1/3 by the closed form
    assert "The closest in that range is 800,000 USD: P(cash_out_month <= 2023-12) = 33." in out
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] is False and data["value"] is None and data["best"] == 800_000
    assert data["at_best"] == pytest.approx(np.mean(draws() > 800_000 / 12), abs=1e-6)
    # two passes: the current value and the grid's 17 points, then the current value for its interval (no
    # answer to evaluate)
    assert (data["passes"], data["candidates"]) == (2, 19)


def test_each_comparison_of_a_target_at_the_boundary():
    """Months are whole, so a path that runs out exactly in the month named tells ``<`` from ``<=``."""
    from cashcast.models.analysis.chance import compare
    x = np.array([1.0, 2.0, 3.0])
    assert [compare(x, op, 2.0).tolist() for op in ("<", "<=", ">", ">=")] == [
        [True, False, False], [True, True, False], [False, False, True], [False, True, True]]


def test_common_draws_need_a_sample(rent):
    from cashcast.models.analysis.solve_chance import CommonDraws
    wb = load_workbook(rent)
    with pytest.raises(ValueError, match="^samples must be 1 or more$"):
        CommonDraws(build_model(wb), "base", "settings__opening_cash", None, 0, SEED)


@pytest.mark.parametrize("target, better", [
    ("P(cash_out_month <= 2023-12) <= 10%", -1),   # a smaller share is closer to meeting it
    ("P(cash_out_month <= 2023-12) >= 90%", 1),    # the share's comparison, not the month's
    ("p10.ending_cash >= 0", 1),
    ("p90.cash_out_month <= 2024-06", -1),
])
def test_closer_to_meeting_is_larger_or_smaller_by_the_target_s_last_comparison(rent, target, better):
    """Which way the statistic ranks the candidate reported as closest when none meets."""
    assert parse_chance_target(load_workbook(rent), target).better() == better


def test_the_cli_answer_in_words_and_json(rent, capsys):
    args = ["solve", str(rent), "--vary", "settings.opening_cash", "--target", TARGET, "--range", "0", "2M",
            "--samples", "8,000", "--seed", "7"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "for P(cash_out_month <= 2023-12) <= 10%, settings.opening_cash must be at least" in out
    assert "(95% sampling interval" in out and "8,000 samples, seed 7, the same draws for every candidate" in out
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "probability" and data["samples"] == N and data["at_value"] <= 0.1
    assert data["at_value_ci95"][0] < data["at_value"] < data["at_value_ci95"][1]


def test_a_percentile_target_s_json_names_the_input_and_gives_its_months_as_dates(rent, capsys):
    """The median cash-out month in Jun 2024 (month 17) or later: a path runs out in month t once
    (t + 1)·R > X, so X ≥ 17 × the median rent, about 17 × $60,000. The JSON names what was varied, in which unit and scenario, and the percentile
    and its sampling interval are months ('YYYY-MM'), as the KPI is."""
    args = ["solve", str(rent), "--vary", "settings.opening_cash", "--target", "p50.cash_out_month >= 2024-06",
            "--range", "0", "2M", "--samples", str(N), "--seed", str(SEED), "--json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["parameter"], data["unit"], data["scenario"], data["found"]) == (
        "settings.opening_cash", "USD", "base", True)
    assert abs(data["value"] - 17 * 60_000) < 20_000
    low, high = data["at_value_ci95"]
    assert "2024-06" <= data["at_value"] and low <= data["at_value"] <= high
    assert all(len(m) == 7 and m[4] == "-" for m in (data["at_value"], low, high))


@pytest.mark.parametrize("opening_cash", [1_200_000, 2_000_000])
def test_a_current_value_that_already_meets_the_target_is_answered_with_how_far_it_can_go(make_workbook,
                                                                                           opening_cash):
    """$1.2M, or $2M at the top of the range searched, already meets P(cash out by Dec 2023) ≤ 10%: the
    answer is the end of the met interval nearest the current value, inside the range — the least
    opening cash that still meets the target, 12 × the 801st largest rent (about $912,000)."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH, distribution="uniform")]
    path = make_workbook(rows, settings(discount_rate=0.0, opening_cash=opening_cash), name="meets.xlsx")
    sol = solved(path)
    assert sol.current_meets and sol.found and sol.intervals[0][1] == 2_000_000
    assert sol.exact == pytest.approx(12 * draws()[N - 801], abs=2.0) and sol.exact == sol.intervals[0][0]


def test_a_current_value_at_the_bottom_of_the_range_that_meets_is_answered_with_the_top_end(make_workbook):
    """No opening cash meets P(cash out by Dec 2023) ≥ 90% (every path runs out): the met interval starts
    at the range's bottom, where the current value is, and the answer is its other end — the most opening
    cash that still meets it, where 10% of paths last the year: 12 × the 800th smallest rent."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH, distribution="uniform")]
    path = make_workbook(rows, settings(discount_rate=0.0, opening_cash=0), name="bottom.xlsx")
    sol = solved(path, "P(cash_out_month <= 2023-12) >= 90%")
    assert sol.current_meets and sol.intervals[0][0] == 0 and sol.direction == "at most"
    assert sol.exact == pytest.approx(12 * draws()[800], abs=2.0) and sol.exact == sol.intervals[0][1]
    # reported rounded down, to the fewest digits that still meet
    assert sol.exact * 0.999 <= sol.value < sol.exact and float(f"{sol.value:.4g}") == sol.value


def test_when_the_whole_range_meets_around_the_current_value_there_is_no_threshold_to_report(make_workbook):
    """From $1.9M to $2M every opening cash meets P(cash out by Dec 2023) ≤ 10% (about $912,000 is
    enough), and so does the current $1.95M: no threshold lies in the range — not one of its ends."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH, distribution="uniform")]
    path = make_workbook(rows, settings(discount_rate=0.0, opening_cash=1_950_000), name="whole.xlsx")
    sol = solved(path, search_range=("1900000", "2000000"))
    assert sol.found and sol.current_meets and sol.intervals == [(1_900_000, 2_000_000)]
    assert sol.value is None and sol.exact is None


def test_the_threshold_reported_is_the_met_interval_s_end_nearest_the_current_value():
    """Met on a band from 100 to 300 inside a range of 0..1,000 (both ends inside): a current value of 250,
    which meets, is answered with the band's end nearest it, 300 (how far it can rise), and 120 with 100;
    a current value of 500, which does not meet, with the nearest end of any band: 600 of 600..700."""
    from cashcast.models.analysis.solve_chance import ChanceSolution, _threshold

    def threshold(current, meets, intervals):   # (the target is not read)
        sol = ChanceSolution("x", "USD", "money", "base", None, 10, 1, 0.0, 1_000.0, "given", current, 0.5, meets)
        sol.intervals = intervals
        return _threshold(sol)

    assert threshold(250.0, True, [(100.0, 300.0)]) == (300.0, (100.0, 300.0))
    assert threshold(120.0, True, [(100.0, 300.0)]) == (100.0, (100.0, 300.0))
    assert threshold(500.0, False, [(100.0, 300.0), (600.0, 700.0)]) == (600.0, (600.0, 700.0))
    assert threshold(450.0, False, [(100.0, 300.0), (600.0, 700.0)]) == (300.0, (100.0, 300.0))


def test_the_answer_is_rounded_to_the_fewest_digits_that_stay_inside_the_met_interval():
    """The threshold is reported with 4 to 7 significant digits, rounded into the met interval, the first
    that meets; a rounded value at the interval's far end still meets (both ends belong to it), and an
    interval narrower than the 7-digit step is answered with the threshold itself, not more digits."""
    from cashcast.models.analysis.solve_chance import ChanceSolution, _choose_value

    def answer(current, a, b):
        sol = ChanceSolution("x", "USD", "money", "base", None, 10, 1, 0.0, 2e6, "given", current, 0.5, False)
        sol.intervals = [(a, b)]
        inside = lambda xs: (np.asarray(xs) >= a) & (np.asarray(xs) <= b)  # noqa: E731
        _choose_value(sol, lambda xs: (inside(xs), np.zeros(len(xs))), integer=False)
        return sol.exact, sol.value

    # met from 900,000 to 900,099, current above: the threshold 900,099 rounded down to 4 digits is the
    # interval's own lower end, 900,000
    assert answer(950_000.0, 900_000.0, 900_099.0) == (900_099.0, 900_000.0)
    # met from 899,901 to 900,000, current below: 899,901 rounded up to 4 digits is the upper end, 900,000
    assert answer(800_000.0, 899_901.0, 900_000.0) == (899_901.0, 900_000.0)
    # met on 5e-8 from 1.23456789012: rounded up to 4..7 digits (1.235 .. 1.234568) every value leaves it
    assert answer(0.0, 1.23456789012, 1.23456789012 + 5e-8) == (1.23456789012, 1.23456789012)


def test_a_narrower_range_gives_a_finer_answer(rent):
    """The search stops when a bracket is narrower than a millionth of the range: over $900,000..$920,000
    the least opening cash with P(cash out by Dec 2023) ≤ 10% is found within 2 cents of 12 × the 801st
    largest rent (over $0..$2M: within $2)."""
    sol = solved(rent, search_range=("900000", "920000"))
    assert sol.found and sol.exact == pytest.approx(12 * draws()[N - 801], abs=0.02)


def test_the_extra_round_is_a_funding_block_of_an_amount_in_the_model_currency_and_a_month(rent):
    """The copy has every row of the workbook and the round's two, each whole: the amount in the model's
    currency, the month as a month ordinal (a date row has no currency), both cited to the command."""
    wb = load_workbook(rent)
    copy, amount, month = with_extra_round(wb, 5e6, wb.start_ordinal + 6)
    common = dict(row=0, block="Extra round", kind="funding", modifier=None, link=None, low=None, high=None,
                  distribution=None, source="--vary funding", notes="the extra round a solve searches")
    assert amount == Row(parameter="amount", base_param="amount", dimension="money", unit="USD", currency="USD",
                         value=5e6, key="extra_round__amount", **common)
    assert month == Row(parameter="month", base_param="month", dimension="date", unit="date", currency=None,
                        value=float(wb.start_ordinal + 6), key="extra_round__month", **common)
    assert copy.rows == [*wb.rows, amount, month] and len(wb.rows) == 1
    assert copy.blocks == {**wb.blocks, "extra_round": Block("Extra round", "extra_round", "funding",
                                                             {"amount": amount, "month": month})}


def test_the_extra_round_s_month_is_any_month_of_the_model_and_its_range_is_the_model_s_months(rent, make_workbook):
    """--month from the first month to the last of the 24 (Jan 2023..Dec 2024), not after; without
    --samples the amount is searched from 0 to the deficit of the base case, which ignores the opening
    cash: 24 months of $60,000, $1.44M, rounded up to two significant digits. --amount searches the
    month over the model's months."""
    wb = load_workbook(rent)
    first = wb.start_ordinal
    assert extra_round(wb, "base", "2023-01", None)[2] == extra_round(wb, "base", "2024-12", None)[2] == (0.0, 1_500_000.0)
    with pytest.raises(InputError, match=r"--month '2025-01' is not a month of the model \(2023-01..2024-12\)"):
        extra_round(wb, "base", "2025-01", None)
    copy, row_searched, months = extra_round(wb, "base", None, "1M")
    assert months == (float(first), float(first + 23)) and row_searched.parameter == "month"
    assert extra_round(wb, "base", None, "1")[0].blocks["extra_round"].rows["amount"].value == 1.0  # $1 is a round
    # the scenario's own deficit: 24 months of $80,000, $1.92M, rounded up
    dear = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", overrides={"dear": 80_000})]
    wb = load_workbook(make_workbook(dear, settings(discount_rate=0.0), scenarios=[("dear", "")], name="dear.xlsx"))
    assert extra_round(wb, "dear", "2023-01", None)[2] == (0.0, 2_000_000.0)


def test_a_probability_solve_in_a_scenario_uses_its_values_and_its_draws(make_workbook):
    """Scenario "tight": opening cash $300,000 and rent drawn from $50,000 to $90,000. P(cash out by Dec
    2023) ≤ 10% needs X/12 above the 801st largest of its draws, and the current $300,000 fails it."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH, distribution="uniform",
                overrides={"tight": "50000..90000"})]
    settings_rows = [("start_month", dt.date(2023, 1, 1), ""), ("horizon_months", 24, ""), ("currency", "USD", ""),
              ("discount_rate", 0.0, ""), ("opening_cash", 600_000, "", {"tight": 300_000})]
    path = make_workbook(rows, settings_rows, scenarios=[("tight", "less cash, dearer rent")], name="tight.xlsx")
    sol = solved(path, scenario="tight")
    tight = np.sort(row_stream(SEED, "rent__monthly_amount", 0).uniform(50_000, 90_000, N))
    assert (sol.scenario, sol.current, sol.current_meets) == ("tight", 300_000, False)
    assert sol.exact == pytest.approx(12 * tight[N - 801], abs=2.0)
    assert sol.current_stat == np.mean(tight > 300_000 / 12) == 1.0


def test_the_default_range_of_a_solve_in_a_scenario_reaches_ten_times_its_own_value(make_workbook):
    """Opening cash $60,000, $200,000 in scenario "rich": without --range, a solve in "rich" searches from 0
    to 10 × the larger of its value and the base value, $2M; in the base case to 10 × $60,000."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH, distribution="uniform")]
    settings_rows = [("start_month", dt.date(2023, 1, 1), ""), ("horizon_months", 24, ""), ("currency", "USD", ""),
                     ("discount_rate", 0.0, ""), ("opening_cash", 60_000, "", {"rich": 200_000})]
    path = make_workbook(rows, settings_rows, scenarios=[("rich", "more cash")], name="rich.xlsx")
    sol = solved(path, scenario="rich", search_range=None)
    assert (sol.low, sol.high, sol.range_source, sol.current) == (0.0, 2_000_000.0, "default range", 200_000)
    assert solved(path, search_range=None).high == 600_000.0


def test_at_most_four_brackets_are_refined_the_nearest_to_the_current_value(rent, monkeypatch):
    """A target met on alternate bands 250 wide (0–250, 500–750, 1,000–1,250, 1,500–1,600) changes between
    grid points (every 100 from 0 to 1,600) six times; from a current value of 1,550 the four changes
    nearest it are refined to their exact place, and the two farthest stay at their grid points. The
    candidate reported as closest to meeting, ranked by a statistic that lower is better, is never one
    whose statistic is undefined ("never")."""
    from cashcast.models.analysis import solve_chance as module

    class Target:
        def better(self):
            return -1

        def interval(self, values):
            return (0.0, 1.0)

        def statistic(self, values):
            return np.zeros(len(values))

    class Draws:
        varied, passes, candidates = [], 0, 0

        def __init__(self, *args):
            self.target = Target()

        def __call__(self, xs):
            return meets(xs), np.where(xs < 50, np.nan, 1_000 + xs)   # undefined at 0, lowest (best) at 100

        def values(self, xs):
            return np.zeros((len(xs), 1))

    monkeypatch.setattr(module, "CommonDraws", Draws)
    wb = load_workbook(rent)
    model, cash = build_model(wb), find_row(wb, "settings.opening_cash")
    meets = lambda xs: xs % 500 < 250  # noqa: E731
    sol = solve_chance(model, "base", cash, Target(), 1, SEED, (0.0, 1_600.0))
    ends = [x for interval in sol.intervals for x in interval]
    assert ends[:3] == [0.0, 200.0, 500.0]                  # the two far changes: grid points
    assert ends[3:7] == pytest.approx([750.0, 1_000.0, 1_250.0, 1_500.0], abs=1e-3) and ends[7] == 1_600.0
    assert meets(np.array(ends)).all()                      # each end reported meets the target
    assert sol.best == 100.0
    # met only from 450 to 560, around one grid point (500): both changes found, each end meets
    meets = lambda xs: (xs >= 450) & (xs < 560)  # noqa: E731
    (a, b), = solve_chance(model, "base", cash, Target(), 1, SEED, (0.0, 1_600.0)).intervals
    assert (a, b) == (pytest.approx(450.0, abs=2e-3), pytest.approx(560.0, abs=2e-3)) and meets(np.array([a, b])).all()


def test_the_extra_round_takes_the_first_name_no_block_has(make_workbook):
    """"Extra round", then "Extra round 2", 3 … past the blocks the workbook already has."""
    def named(*blocks):
        rows = [row(b, "opex", "monthly_amount", 1_000, "USD/month") for b in blocks]
        return round_name(load_workbook(make_workbook(rows, name=f"{len(blocks)}.xlsx")))
    assert named("Rent") == "Extra round"
    assert named("Rent", "Extra round") == "Extra round 2"
    assert named("Extra round", "Extra round 2") == "Extra round 3"


def test_funding_month_searches_the_amount(rent):
    # a round of A in Jun 2023 (month 5): before it cash lasts (5·80,000 < 600,000); at the end
    # 600,000 + A − 24·R ≥ 0, so 10% of paths run out when A = 24 × the 801st largest rent − 600,000
    sol = solved(rent, "P(cash_out_month <= 2024-12) <= 10%", vary="funding", month="2023-06", search_range=None)
    r = draws()
    assert sol.parameter == "Extra round.amount" and sol.current == 0.0 and sol.direction == "at least"
    assert sol.exact == pytest.approx(24 * r[N - 801] - 600_000, abs=2.0)
    assert abs(sol.exact - (24 * 76_000 - 600_000)) < 8_000
    assert sol.current_stat == 1.0  # without the round every path runs out (600,000 < 24 × 40,000)
    # the range ends at the largest deficit of any sample (24 months of its rent, which ignores the
    # opening cash), rounded up to 2 significant digits: 24 × 79,99x → 2,000,000
    assert 1_900_000 < 24 * r[-1] <= 1_920_000 and sol.high == 2_000_000 and sol.low == 0


def test_funding_amount_searches_the_latest_month(rent, capsys):
    # a round of $10M in month M saves every path that has cash until then: R ≤ 600,000/M. At most
    # 10% run out when 600,000/M ≥ 76,000, M ≤ 7.9: Aug 2023 (month 7); Sep 2023 loses 12.5%
    args = ["solve", str(rent), "--vary", "funding", "--amount", "10M", "--target",
            "P(cash_out_month <= 2024-12) <= 10%", "--samples", str(N), "--seed", str(SEED)]
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == "2023-08" and data["direction"] == "at most"
    assert data["met_intervals"] == [["2023-01", "2023-08"]]
    assert data["at_value"] == 0.0                       # P(R > 85,714) = 0
    # months are whole: the grid's 17 points from month 0 to 23 include Aug (7) and Oct (9); one pass
    # tries Sep (8) and leaves Aug–Sep adjacent, the end of the search (then one pass at the answer)
    assert (data["passes"], data["candidates"]) == (3, 21)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Extra round.month must be at most 2023-08" in out and "latest month that meets" in out
    # at most 20%: 600,000/M ≥ 72,000, M ≤ 8.3: Sep 2023 (12.5% run out), between the grid's Aug and Oct
    sol = solved(rent, "P(cash_out_month <= 2024-12) <= 20%", vary="funding", amount="10M", search_range=None)
    assert sol.value == sol.exact == 8 and sol.intervals == [(0.0, 8.0)]
    assert sol.stat_at_value == np.mean(draws() > 600_000 / 8)   # the share of the draws above $75,000


@pytest.mark.parametrize("target, expected", [
    ("P(cash_out_month <= 2023-12) <= 0.1", "'0.1' is not a probability"),
    ("P(cash_out_month <= 2023-12) <= 120%", "'120%' is not a probability"),
    ("P(cash_out_month <= 2023-12 <= 10%", "one pair of brackets"),
    ("P(cash_out_month <= 2023-12) 10%", "compare the probability with"),
    ("P(cash_out_month = 2023-12) <= 10%", "inside P( ) write KPI OP VALUE"),
    ("P(profit <= 3) <= 10%", "unknown KPI 'profit'"),
    ("P(cash_out_month <= 2040-01) <= 10%", "2040-01 lies outside the model's months 2023-01..2024-12"),
    ("P(npv >= lots) >= 50%", "'lots' is not an amount"),
    ("p150.runway_months >= 12", "p150 is not a percentile"),
    ("p90.runway_months => 12", "a percentile is written pQ.KPI OP VALUE"),
    ("p90.runway_months >= 1.5", "'1.5' is not a whole number of months from 0 to 24"),
])
def test_bad_target_syntax_exits_2_with_a_clear_message(rent, capsys, target, expected):
    assert main(["solve", str(rent), "--vary", "settings.opening_cash", "--target", target]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and "rent.xlsx: --target" in err


@pytest.mark.parametrize("target, message", [
    ("P(cash_out_month <= 2023-12 <= 10%", "a probability has one pair of brackets: P(KPI OP VALUE) OP PCT%"),
    ("p(cash_out_month <= 2023-12 <= 10%", "a probability has one pair of brackets: P(KPI OP VALUE) OP PCT%"),
    ("P(cash_out_month <= 2023-12) 10%",
     "compare the probability with <=, <, >= or > and a percentage after the bracket"),
    ("P(cash_out_month = 2023-12) <= 10%", "inside P( ) write KPI OP VALUE, e.g. cash_out_month <= 2026-12"),
    ("p90.runway_months => 12", "a percentile is written pQ.KPI OP VALUE, e.g. p10.cash_out_month >= 2027-06"),
])
def test_a_target_of_neither_form_is_told_exactly_what_is_wrong(rent, target, message):
    """The whole message, word for word and in its case (the CLI test above checks only a phrase of it);
    a lower-case ``p(`` is a probability too."""
    with pytest.raises(InputError) as info:
        parse_chance_target(load_workbook(rent), target)
    (problem,) = info.value.problems
    assert problem.message.startswith(f"--target '{target}': {message}. Write a probability such as ")


@pytest.mark.parametrize("extra, expected", [
    ([], "needs --month YYYY-MM (to search the amount) or --amount AMOUNT (to search the month), not neither"),
    (["--month", "2023-06", "--amount", "5M"], "not both"),
    (["--month", "2030-01"], "--month '2030-01' is not a month of the model (2023-01..2024-12)"),
    (["--amount=-5M"], "--amount '-5M' is not an amount above 0"),
    (["--amount", "0"], "--amount '0' is not an amount above 0"),
])
def test_bad_funding_shorthand_exits_2(rent, capsys, extra, expected):
    assert main(["solve", str(rent), "--vary", "funding", "--target", TARGET, *extra]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    if extra:  # --month / --amount belong to --vary funding only
        assert main(["solve", str(rent), "--vary", "settings.opening_cash", "--target", TARGET, *extra]) == 2
        assert "--month and --amount describe the extra round" in capsys.readouterr().err


@pytest.mark.parametrize("month, amount, message", [
    (None, None, "--vary funding needs --month YYYY-MM (to search the amount) or --amount AMOUNT (to search "
                 "the month), not neither"),
    ("2023-06", "5M", "--vary funding needs --month YYYY-MM (to search the amount) or --amount AMOUNT (to "
                      "search the month), not both"),
    ("2025-01", None, "--month '2025-01' is not a month of the model (2023-01..2024-12); type YYYY-MM"),
    (None, "0", "--amount '0' is not an amount above 0 such as 2500000000 or 2.5B"),
])
def test_a_bad_extra_round_is_one_problem_of_the_workbook_at_no_cell(rent, month, amount, message):
    """The whole problem, field by field: the workbook's name, no sheet and no cell (the CLI test above
    checks a phrase of the printed line)."""
    wb = load_workbook(rent)
    with pytest.raises(InputError) as info:
        extra_round(wb, "base", month, amount)
    assert info.value.problems == [Problem("rent.xlsx", "", "", message)]


def test_the_default_amount_range_is_the_scenario_s_own_need_or_the_draws_largest(rent):
    """The rent alone: the peak funding need is 24 months of rent. Without samples (a ``KPI=VALUE``
    target) that is the scenario's 60,000 × 24 = 1,440,000, rounded up to 2 significant digits:
    1,500,000. With one sample it is that sample's own rent × 24, rounded up the same way."""
    wb = load_workbook(rent)
    assert default_amount_range(wb, "base", find_row(wb, "Rent.monthly_amount"), 0, SEED) == (0.0, 1_500_000.0)
    with_round, row, _ = extra_round(wb, "base", "2023-06", None)
    top = 24 * draws(1)[0]
    unit = 10.0 ** (math.floor(math.log10(top)) - 1)
    assert default_amount_range(with_round, "base", row, 1, SEED) == (0.0, math.ceil(top / unit) * unit)
    assert top != 1_440_000


def test_the_default_amount_range_draws_the_scenario_asked_for(make_workbook):
    """A scenario that fixes the rent at 50,000 draws nothing for it: every sample needs 50,000 × 24 =
    1,200,000, while the base scenario's samples (rent 40,000..80,000) need more or less."""
    rows = [row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=LOW, high=HIGH,
                distribution="uniform", overrides={"fixed": 50_000})]
    wb = load_workbook(make_workbook(rows, settings(discount_rate=0.0, opening_cash=600_000),
                                     scenarios=[("base", ""), ("fixed", "rent agreed")]))
    with_round, row_, _ = extra_round(wb, "fixed", "2023-06", None)
    assert default_amount_range(with_round, "fixed", row_, 50, SEED) == (0.0, 1_200_000.0)
    assert default_amount_range(with_round, "base", row_, 50, SEED) != (0.0, 1_200_000.0)


@pytest.mark.parametrize("scenario, top", [
    ("base", 2_700.0),   # the need 100 × 24 = 2,400 plus the minimum cash 300, above the opening 1,000
    ("lean", 5_000.0),   # the opening cash 5,000, above the need plus its minimum cash 700
    ("rich", 3_300.0),   # 2,400 plus its own minimum cash 900, above its opening 500
    ("free", 1.0),       # no cost, no cash: at least 1
])
def test_the_default_amount_range_adds_the_scenario_s_minimum_cash_and_covers_its_opening_cash(
        tmp_path, scenario, top):
    """The round could have to cover the scenario's need plus its minimum cash, and at least its
    opening cash (and at least 1), each setting read in the scenario asked for."""
    from tests.bad_workbooks import HEADER, raw_workbook
    rows = [[*HEADER, "free"], ["Team", "opex", "monthly_amount", 100, "USD/month", *[None] * 5, 0]]
    settings_rows = [["setting", "value", "notes", "lean", "rich", "free"], ["start_month", dt.date(2023, 1, 1)],
                     ["horizon_months", 24], ["currency", "USD"], ["discount_rate", 0.1],
                     ["opening_cash", 1_000, "", 5_000, 500, 0], ["minimum_cash", 300, "", 700, 900, 0]]
    scenarios = [["scenario", "description"], ["lean", ""], ["rich", ""], ["free", ""]]
    wb = load_workbook(raw_workbook(tmp_path / "s.xlsx", {"Assumptions": rows, "Settings": settings_rows,
                                                          "Scenarios": scenarios}))
    with_round, row_, _ = extra_round(wb, scenario, "2023-06", None)
    assert default_amount_range(with_round, scenario, row_, 0, SEED) == (0.0, top)


def test_never_counts_as_later_than_every_month(rent):
    # with opening cash above 24 × 80,000 no path runs out: P(cash_out_month > 2024-12) = 100%
    sol = solved(rent, "P(cash_out_month > 2024-12) >= 100%", search_range=("0", "3000000"))
    assert sol.exact == pytest.approx(24 * draws()[-1], abs=3.0) and sol.stat_at_value == 1.0
    assert math.isclose(sol.current_stat, 0.0)
