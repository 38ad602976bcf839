"""A scenario decides what is uncertain in it, and every scenario is simulated in one pass (issue 11).

The rule (README "A scenario decides what is uncertain in it"): a row with a low or a high is uncertain
in the base case and in every scenario that leaves its cell blank; a scenario that overrides the row
with a value fixes it there; a scenario cell holding a range (``low..high`` or ``low..mode..high``) is
that scenario's own range, drawn from the row's distribution.

The hand-checkable model: sales of 1,000 units × $10 a month and a rent, 24 months, opening cash $1M,
a 0% discount rate, so every path's ending cash is 1,000,000 + 24 × (10,000 − rent) and its NPV
24 × (10,000 − rent).
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from cashcast.models.analysis.distributions import draw, row_stream, uncertain_rows
from cashcast.models.analysis.sampling_error import order_ranks, percentile_intervals, wilson
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.sensitivity import tornado, tornadoes
from cashcast.models.analysis.simulation import simulate, simulate_scenarios, summarise
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.outputs import json_text
from tests.helpers import row, settings

CENT = 0.005
SCENARIOS = [("base", "rent 40–80K, most likely 55K"), ("fixed", "rent signed at 60K"),
             ("ranged", "rent 45–70K, most likely 50K"), ("blank", "as base"), ("midpoint", "rent 42–48K")]


def ending(rent):
    return 1_000_000 + 24 * (10_000 - np.asarray(rent, dtype=float))


@pytest.fixture
def rule_workbook(make_workbook):
    return make_workbook([
        row("Sales", "usage", "volume", 1_000, "units/month"),
        row("Sales", "usage", "unit_price", 10, "USD/unit"),
        row("Rent", "opex", "monthly_amount", 55_000, "USD/month", low=40_000, high=80_000,
            overrides={"fixed": 60_000, "ranged": "45000..50000..70000", "midpoint": "42000..48000"}),
        row("Rent", "opex", "start_month", "2023-01", "date", overrides={"ranged": "2023-01..2023-04"}),
    ], settings(discount_rate=0.0), scenarios=SCENARIOS)


def test_the_varied_set_per_scenario_is_exactly_as_the_rule_says(rule_workbook):
    wb = load_workbook(rule_workbook)
    got = {s: [(u.label, u.low, u.mode, u.high) for u in uncertain_rows(wb, s)] for s, _ in SCENARIOS}
    assert got == {
        "base": [("Rent.monthly_amount", 40_000, 55_000, 80_000)],
        "fixed": [],
        "ranged": [("Rent.monthly_amount", 45_000, 50_000, 70_000), ("Rent.start_month", 0, 1, 3)],
        "blank": [("Rent.monthly_amount", 40_000, 55_000, 80_000)],
        "midpoint": [("Rent.monthly_amount", 42_000, 45_000, 48_000)],
    }
    # the scenario's deterministic value is the typed mode, or the middle (a date: the earlier middle month)
    run = run_file(rule_workbook)
    assert [run.result.params["rent__monthly_amount"][j] for j in range(5)] == [55_000, 60_000, 50_000,
                                                                                  55_000, 45_000]
    assert run.result.params["rent__start_month"].tolist()[2] == 1


def test_a_fixed_row_s_draws_are_constant_and_a_range_is_drawn_to_the_cent(rule_workbook):
    model = build_model(load_workbook(rule_workbook))
    seed, n = 11, 2_001
    sims = simulate_scenarios(model, [s for s, _ in SCENARIOS], n, seed)
    fixed = sims["fixed"]
    assert fixed.varied == [] and np.all(fixed.values["ending_cash"] == ending(60_000))
    p = fixed.percentiles["ending_cash"]
    assert p.p10 == p.p50 == p.p90 == 1_000_000 + 24 * (10_000 - 60_000)  # −200,000 on every path
    base_rent = draw(uncertain_rows(model.workbook, "base")[0], row_stream(seed, "rent__monthly_amount"), n)
    mid_rent = draw(uncertain_rows(model.workbook, "midpoint")[0], row_stream(seed, "rent__monthly_amount"), n)
    assert 42_000 <= mid_rent.min() and mid_rent.max() <= 48_000
    for name, rent in (("base", base_rent), ("blank", base_rent), ("midpoint", mid_rent)):
        p = sims[name].percentiles["ending_cash"]
        want = np.percentile(ending(rent), [10, 50, 90])
        assert [p.p10, p.p50, p.p90] == pytest.approx(want.tolist(), abs=CENT), name
        assert np.allclose(sims[name].values["npv"], 24 * (10_000 - rent), rtol=0, atol=CENT)
    # the ranged scenario starts paying rent in month 0..3: ending cash adds back the months not paid
    ranged = sims["ranged"]
    rows = uncertain_rows(model.workbook, "ranged")
    rent, start = (draw(u, row_stream(seed, u.key), n) for u in rows)
    assert set(np.unique(start)) <= {0.0, 1.0, 2.0, 3.0} and 45_000 <= rent.min() and rent.max() <= 70_000
    want = 1_000_000 + 24 * 10_000 - (24 - start) * rent
    assert np.allclose(ranged.values["ending_cash"], want, rtol=0, atol=CENT)


def test_per_scenario_results_equal_separate_runs_with_the_same_seed_at_any_chunk(rule_workbook):
    model = build_model(load_workbook(rule_workbook))
    names = [s for s, _ in SCENARIOS]
    together = simulate_scenarios(model, names, 700, seed=3)
    small_chunks = simulate_scenarios(model, names, 700, seed=3, chunk=50)  # 10 samples per call
    for name in names:
        alone = simulate(model, name, 700, seed=3)
        for sim in (together[name], small_chunks[name]):
            assert sim.to_json() == alone.to_json(), name
            assert all(np.array_equal(sim.values[k], alone.values[k], equal_nan=True) for k in sim.values)


def test_one_pass_evaluates_every_scenario_in_the_same_calls(rule_workbook, monkeypatch):
    model = build_model(load_workbook(rule_workbook))
    widths = []
    evaluate = type(model).evaluate

    def counting(self, params, keep=None):
        widths.append(max(len(v) for v in params.values()))
        return evaluate(self, params, keep)
    monkeypatch.setattr(type(model), "evaluate", counting)
    simulate_scenarios(model, ["base", "fixed", "ranged"], 100, seed=1, chunk=150)
    assert widths == [150, 150]  # 50 samples × 3 scenarios per call, two calls for 100 samples


def test_the_tornado_follows_the_rule_per_scenario(rule_workbook):
    model = build_model(load_workbook(rule_workbook))
    assert tornado(model, "fixed").bars == []
    bars = {b.parameter: b for b in tornado(model, "ranged").bars}
    rent = bars["Rent.monthly_amount"]
    assert (rent.low, rent.value, rent.high) == (45_000, 50_000, 70_000)
    npv = rent.swings["npv"]  # start month at its mode (1): 23 months of rent, 24 of sales
    assert (npv.low, npv.base, npv.high) == pytest.approx((240_000 - 23 * 45_000, 240_000 - 23 * 50_000,
                                                          240_000 - 23 * 70_000), abs=CENT)
    assert npv.swing == pytest.approx(23 * 25_000, abs=CENT)


def test_every_scenario_s_tornado_in_one_evaluate_equals_its_own(rule_workbook, monkeypatch):
    model = build_model(load_workbook(rule_workbook))
    names = [s for s, _ in SCENARIOS]
    alone = {s: tornado(model, s) for s in names}
    widths = []
    evaluate = type(model).evaluate

    def counting(self, params, keep=None):
        widths.append(max(len(v) for v in params.values()))
        return evaluate(self, params, keep)
    monkeypatch.setattr(type(model), "evaluate", counting)
    together = tornadoes(model, names)
    assert widths == [3 + 1 + 5 + 3 + 3]  # 1 + 2 × (rows uncertain): base 1, fixed 0, ranged 2, blank 1, midpoint 1
    assert list(together) == names
    assert all(together[s].to_json() == alone[s].to_json() for s in names)
    # midpoint swings rent 42K..48K around 45K: NPV 24 × (10,000 − rent), by hand
    (bar,) = together["midpoint"].bars
    npv = bar.swings["npv"]
    assert (npv.low, npv.base, npv.high) == pytest.approx((24 * (10_000 - 42_000), 24 * (10_000 - 45_000),
                                                          24 * (10_000 - 48_000)), abs=CENT)
    assert npv.swing == pytest.approx(24 * 6_000, abs=CENT)


def test_the_json_is_keyed_by_scenario_and_lists_what_each_varied(rule_workbook):
    run = run_file(rule_workbook)
    data = json.loads(json_text(Outcome(run, analyse(run, 300, 2))))
    sims = data["simulation"]
    assert list(sims) == [s for s, _ in SCENARIOS]
    for name, description in SCENARIOS:
        assert (sims[name]["scenario"], sims[name]["description"], sims[name]["samples"]) == (name, description, 300)
    assert sims["fixed"]["varied"] == []
    assert sims["ranged"]["varied"] == [
        {"parameter": "Rent.monthly_amount", "unit": "USD/month", "distribution": "pert",
         "low": 45_000.0, "mode": 50_000.0, "high": 70_000.0},
        {"parameter": "Rent.start_month", "unit": "date", "distribution": "pert",
         "low": "2023-01", "mode": "2023-02", "high": "2023-04"}]
    fixed_cash = sims["fixed"]["kpis"]["ending_cash"]
    assert fixed_cash["p10"] == fixed_cash["p90"] == -200_000.0
    assert fixed_cash["ci95"]["p10"] == [-200_000.0, -200_000.0]


# ------------------------------------------------------------------------------------------------
# Sampling error: the interval formulas against hand computation, and their coverage
# ------------------------------------------------------------------------------------------------
def test_wilson_interval_by_hand():
    # p̂ = 30/200 = 0.15, z = 1.959964: z²/n = 0.0192073; centre (0.15 + 0.0096037)/1.0192073 = 0.1565959;
    # half 1.959964 × √(0.15 × 0.85/200 + 3.841459/160,000)/1.0192073 = 1.959964 × 0.0257198/1.0192073
    # = 0.0494599
    lo, hi = wilson(0.15, 200)
    assert (lo, hi) == (pytest.approx(0.107136, abs=2e-6), pytest.approx(0.206056, abs=2e-6))


def test_wilson_interval_is_held_inside_0_to_1_where_float_rounding_would_leave_it():
    """At p̂ = 1 the upper end is (1 + z²/n)/(1 + z²/n) = 1 exactly, and at p̂ = 0 the lower end is 0; in
    floating point, with 16 of 16 paths, it comes to 1.0000000000000002, and with 0 of 21 to −1.4e-17:
    a probability above 1 or below 0 in the report. Both ends are clamped."""
    assert wilson(16 / 16, 16)[1] == 1.0 and wilson(16 / 16, 16)[0] == pytest.approx(0.806392, abs=1e-6)
    assert wilson(0 / 21, 21)[0] == 0.0 and wilson(0 / 21, 21)[1] == pytest.approx(0.154639, abs=1e-6)


def test_order_statistic_interval_by_hand():
    # n = 400, q = 0.9: nq = 360, √(400 × 0.9 × 0.1) = 6, 1.96 × 6 = 11.76 → ranks 348 and 372 (1-based)
    assert order_ranks(0.9, 400) == (347, 371)
    values = np.arange(400.0)[::-1].copy()  # order statistic k (1-based) is k − 1
    assert percentile_intervals(values, (90,)) == [(347.0, 371.0)]
    months = np.array([0.0, 1.0, np.nan, np.nan, np.nan])  # never sorts last: P90's upper end is never
    (lo, hi), = percentile_intervals(months, (90,))
    assert lo == 1.0 or math.isnan(lo)
    assert math.isnan(hi)


def test_summarise_carries_an_interval_for_every_figure():
    values = np.arange(1.0, 101.0)  # order statistic k is k; P90: 90 ± 1.96 × 3 → ranks 84..96
    p = summarise("ending_cash", values)
    assert p.ci95["p10"] == (4.0, 16.0) and p.ci95["p50"] == (40.0, 60.0) and p.ci95["p90"] == (84.0, 96.0)
    s = math.sqrt(np.var(values, ddof=1)) / 10  # s/√n, s = 29.011
    assert p.ci95["mean"] == pytest.approx((50.5 - 1.959964 * s, 50.5 + 1.959964 * s), abs=1e-5)
    months = np.array([np.nan] * 25 + [5.0] * 75)
    q = summarise("cash_out_month", months)
    assert q.never == 0.25 and q.ci95["never"] == pytest.approx(wilson(0.25, 100))


def test_the_intervals_cover_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(20261201)
    trials, n = 2_000, 400
    ks = rng.binomial(n, 0.05, trials)
    covered = np.mean([lo <= 0.05 <= hi for lo, hi in (wilson(k / n, n) for k in ks)])
    assert 0.93 <= covered <= 0.97, covered
    hits = 0
    for _ in range(trials):
        (lo, hi), = percentile_intervals(rng.uniform(0, 1, n), (10,))
        hits += lo <= 0.1 <= hi
    assert 0.93 <= hits / trials <= 0.975, hits / trials


def test_the_html_labels_each_simulation_with_its_scenario_and_what_it_varied(rule_workbook):
    import html as htmllib
    import re

    from cashcast.reports.html.page import html_report
    run = run_file(rule_workbook)
    page = html_report(Outcome(run, analyse(run, 300, 2)))
    for j, (name, description) in enumerate(SCENARIOS, start=1):
        part = re.search(rf'<section id="simulation-{j}".*?</section>', page, re.S).group(0)
        title = "Base case" if name == "base" else name
        assert f"<h2>Simulation: {title}</h2>" in part
        assert f"Monte Carlo of {title} — {description}" in htmllib.unescape(part)
    ranged = re.search(r'<section id="simulation-3".*?</section>', page, re.S).group(0)
    rows = re.findall(r"<tr><th scope=\"row\">([^<]*)</th><td>(\w+)</td><td class=\"num\">([^<]*)</td>"
                      r"<td class=\"num\">([^<]*)</td><td class=\"num\">([^<]*)</td></tr>", ranged)
    assert rows == [("Rent.monthly_amount", "pert", "$45K/month", "$50K/month", "$70K/month"),
                    ("Rent.start_month", "pert", "Jan 2023", "Feb 2023", "Apr 2023")]
    fixed = re.search(r'<section id="simulation-2".*?</section>', page, re.S).group(0)
    assert 'class="varied"' not in fixed and "no assumption is uncertain in scenario fixed" in fixed
    # the Assumptions section shows each scenario's cell: a value, or its own range
    text = htmllib.unescape(re.search(r'<section id="assumptions".*?</section>', page, re.S).group(0))
    assert "$45K – $70K/month, most likely $50K/month" in text and "$42K – $48K/month" in text
