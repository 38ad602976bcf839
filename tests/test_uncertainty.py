"""Uncertainty: distributions against closed forms, seeds, the tornado, Monte Carlo and solve-for.

The small workbook used throughout is linear, so every answer can be worked out by hand:
opening cash 1,000,000; Sales (usage) 1,000 units × $10 = $10,000 a month; Rent (opex) $60,000 a
month; discount rate 0; 24 months from Jan 2023. Closing cash after month t (0-based) is
1,000,000 + (t + 1)·(10,000 − rent): it goes below zero in the first month with
(t + 1)·(rent − revenue) > 1,000,000.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from cashcast.models.analysis.distributions import (BLOCK, Uncertain, Z95, blocks, draw, lognormal, normal, pert,
                                                    row_stream, sample, triangular, uncertain_rows, uniform)
from cashcast.models.engine.model import Model, build_model
from cashcast.models.reading.bounds import growth_limits
from cashcast.models.reading.problems import InputError
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.sensitivity import tornado
from cashcast.models.analysis.simulation import (chunk_size, histogram, month_percentiles, row_percentiles,
                                                 scenario_groups, select, simulate, simulate_scenarios, windows)
from cashcast.models.analysis.solve import find_row, parse_target, solve
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from tests.helpers import row, settings

N = 200_000


def rng():
    return np.random.default_rng(12345)


def uncertain(low, mode, high, dist="pert", dimension="count"):
    return Uncertain("k", "B.k", dimension, "x", dist, low, mode, high, mode, {"low": "F2"})


# ------------------------------------------------------------------------------------------------
# Distributions against closed forms
# ------------------------------------------------------------------------------------------------
def test_uniform_percentiles_are_linear_between_low_and_high():
    x = uniform(rng(), 10.0, 30.0, N)
    assert np.percentile(x, [10, 50, 90]) == pytest.approx([12.0, 20.0, 28.0], abs=0.1)
    assert x.min() >= 10.0 and x.max() <= 30.0


def test_triangular_percentiles_match_the_inverse_cdf():
    a, c, b = 0.0, 2.0, 10.0

    def quantile(p):  # F⁻¹(p) of the triangle a..b peaking at c
        if p < (c - a) / (b - a):
            return a + math.sqrt(p * (b - a) * (c - a))
        return b - math.sqrt((1 - p) * (b - a) * (b - c))

    x = triangular(rng(), a, c, b, N)
    assert np.percentile(x, [10, 50, 90]) == pytest.approx([quantile(p) for p in (0.1, 0.5, 0.9)], abs=0.05)
    assert x.mean() == pytest.approx((a + b + c) / 3, abs=0.02)


def test_normal_reads_low_and_high_as_the_5th_and_95th_percentiles():
    x = normal(rng(), 100.0, 200.0, N)
    assert np.percentile(x, [5, 50, 95]) == pytest.approx([100.0, 150.0, 200.0], abs=0.6)
    assert x.std() == pytest.approx(50.0 / Z95, rel=0.01)


def test_lognormal_reads_low_and_high_as_the_5th_and_95th_percentiles():
    x = lognormal(rng(), 1e6, 4e6, N)
    assert np.percentile(x, [5, 50, 95]) == pytest.approx([1e6, 2e6, 4e6], rel=0.01)  # median √(ab)
    assert x.min() > 0


def test_pert_mean_and_variance_are_the_textbook_ones():
    a, m, b = 0.0, 1.0, 10.0
    x = pert(rng(), a, m, b, N)
    mean = (a + 4 * m + b) / 6
    assert x.mean() == pytest.approx(mean, abs=0.01)
    assert x.var() == pytest.approx((mean - a) * (b - mean) / 7, rel=0.02)
    assert x.min() >= a and x.max() <= b


def test_pert_is_the_default_with_the_value_as_mode(make_workbook):
    path = make_workbook(tiny_rows(rent=dict(low=40_000, high=80_000)))
    (u,) = uncertain_rows(load_workbook(path), "base")
    assert (u.distribution, u.low, u.mode, u.high) == ("pert", 40_000, 60_000, 80_000)


def test_draws_are_clipped_to_the_dimension_and_dates_are_whole_months():
    share = draw(uncertain(0.0, 0.01, 0.05, "normal", "percent"), rng(), 10_000)
    assert share.min() == 0.0 and (share == 0.0).any()
    months = draw(uncertain(3.0, 6.0, 12.0, "uniform", "date"), rng(), 1_000)
    assert np.array_equal(months, np.rint(months)) and months.min() >= 3 and months.max() <= 12


def test_a_missing_bound_is_the_value_and_equal_bounds_do_not_vary(make_workbook):
    path = make_workbook(tiny_rows(volume=dict(high=1_500), rent=dict(low=60_000, high=60_000)))
    vol, rent = uncertain_rows(load_workbook(path), "base")
    assert (vol.low, vol.high, vol.varies) == (1_000, 1_500, True)
    assert not rent.varies


def test_an_uncertain_row_carries_its_scenario_s_range_its_cells_and_its_limits(make_workbook):
    """What each uncertain row carries: a row with only a low keeps its value as the high; a growth
    rate's limits are the rates that keep its factor within bounds over its block's months, and a count
    has none of its own; in a scenario with a range of its own, that range, and its cell as the place a
    problem with the range points to."""
    path = make_workbook([
        row("Sales", "usage", "volume", 1_000, "units/month", low=500),
        row("Sales", "usage", "volume.growth", 0.30, "%/year", low=0.10, high=0.60),
        row("Sales", "usage", "unit_price", 10, "USD/unit"),
        row("Rent", "opex", "monthly_amount", 55_000, "USD/month", low=40_000, high=80_000,
            overrides={"ranged": "45000..50000..70000"}),
    ], scenarios=[("ranged", "rent 45–70K, most likely 50K")])
    wb = load_workbook(path)
    volume, growth, rent = uncertain_rows(wb, "base")
    assert (volume.low, volume.mode, volume.high, volume.domain) == (500, 1_000, 1_000, None)
    assert (growth.low, growth.mode, growth.high) == (0.10, 0.30, 0.60)
    assert growth.domain == growth_limits(wb.settings, wb.blocks["sales"], wb.rows[1]) != (-1.0, math.inf)
    assert (rent.low, rent.high, rent.cells["low"], rent.cells["high"]) == (40_000, 80_000, "F5", "G5")
    ranged = uncertain_rows(wb, "ranged")[-1]
    scenario_cell = wb.rows[3].cells["scenario:ranged"]
    assert (ranged.key, ranged.low, ranged.mode, ranged.high) == ("rent__monthly_amount", 45_000, 50_000, 70_000)
    assert ranged.cells["low"] == ranged.cells["high"] == scenario_cell not in ("", "F5", "G5")
    assert ranged.cells["value"] == rent.cells["value"]


def test_a_lognormal_needs_a_positive_low(make_workbook):
    path = make_workbook(tiny_rows(volume=dict(low=0, high=1_500, distribution="lognormal")))
    with pytest.raises(InputError) as err:  # a check of the one validation pass, not of the simulation
        load_workbook(path)
    assert str(err.value).startswith(f"{path.name}:Assumptions!F2: Sales.volume: a lognormal distribution "
                                     "needs a low above 0 (it is 0)")
    # any low above 0 will do, however small: half a unit a month
    fine = make_workbook(tiny_rows(volume=dict(low=0.5, high=1_500, distribution="lognormal")), name="fine.xlsx")
    (u,) = uncertain_rows(load_workbook(fine), "base")
    assert (u.distribution, u.low, u.high) == ("lognormal", 0.5, 1_500)


def test_each_row_has_its_own_stream():
    a = uncertain(0, 1, 2)
    b = Uncertain("other", "B.other", "count", "x", "pert", 0, 1, 2, 1, {})
    one = sample([a], 100, seed=7)["k"]
    both = sample([a, b], 100, seed=7)
    assert np.array_equal(one, both["k"]) and not np.array_equal(both["k"], both["other"])


# ------------------------------------------------------------------------------------------------
# Percentile helpers
# ------------------------------------------------------------------------------------------------
def test_row_percentiles_equal_numpys_linear_percentiles():
    data = np.random.default_rng(1).normal(size=(7, 1001))
    expected = np.percentile(data, [10, 50, 90], axis=1)
    assert np.allclose(row_percentiles(data.copy()), expected, rtol=0, atol=1e-12)


def test_select_places_order_statistics():
    x = np.random.default_rng(2).permutation(1000).astype(float)
    select(x, [5, 6, 500, 998])
    assert x[[5, 6, 500, 998]].tolist() == [5.0, 6.0, 500.0, 998.0]


def test_month_percentiles_count_never_as_latest():
    months = np.array([4.0] * 3 + [np.nan] * 7)
    assert np.isnan(month_percentiles(months, (50,))[0])
    assert month_percentiles(months, (30,))[0] == 4.0


# ------------------------------------------------------------------------------------------------
# The small linear workbook
# ------------------------------------------------------------------------------------------------
def tiny_rows(volume=None, rent=None, price=None):
    return [
        row("Sales", "usage", "volume", 1_000, "units/month", **(volume or {})),
        row("Sales", "usage", "unit_price", 10, "USD/unit", **(price or {})),
        row("Rent", "opex", "monthly_amount", 60_000, "USD/month", **(rent or {})),
    ]


TINY_SETTINGS = settings(discount_rate=0.0, opening_cash=1_000_000)


@pytest.fixture
def tiny(make_workbook):
    return make_workbook(tiny_rows(volume=dict(low=500, high=1_500), rent=dict(low=40_000, high=80_000)),
                         TINY_SETTINGS, name="tiny.xlsx")


def test_the_tornado_matches_the_hand_computed_swings(tiny, monkeypatch):
    model = build_model(load_workbook(tiny))
    calls = []
    real = Model.evaluate
    monkeypatch.setattr(Model, "evaluate", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    t = tornado(model, "base")
    assert len(calls) == 1  # every swing is a column of one evaluate call
    assert [b.parameter for b in t.bars] == ["Rent.monthly_amount", "Sales.volume"]
    rent, sales = t.bars
    # runway: base 1e6 / 50,000 → month 20; rent 80,000 → 14; rent 40,000 → never (counts as 24)
    assert (rent.swings["runway_months"].high, rent.swings["runway_months"].base) == (14, 20)
    assert math.isnan(rent.swings["runway_months"].low)
    assert rent.swings["runway_months"].swing == 24 - 14
    # volume 500 → 55,000 a month → month 18; 1,500 → 45,000 → month 22
    assert (sales.swings["runway_months"].low, sales.swings["runway_months"].high) == (18, 22)
    assert sales.swings["runway_months"].swing == 4
    # NPV at a 0% rate is the sum of 24 months: ±24 × 20,000 for rent, ±24 × 5,000 for volume
    assert rent.swings["npv"].swing == pytest.approx(24 * 40_000)
    assert sales.swings["npv"].swing == pytest.approx(24 * 10_000)
    assert sales.swings["npv"].base == pytest.approx(-24 * 50_000)
    assert rent.swings["break_even_month"].swing == 0  # never breaks even either way

    entry = t.to_json()[0]
    assert entry["at_low"]["runway_months"] is None and entry["at_low"]["cash_out_month"] is None
    assert entry["at_high"] == {"runway_months": 14, "cash_out_month": "2024-03", "break_even_month": None,
                                "npv": pytest.approx(-24 * 70_000)}
    assert entry["swing"]["runway_months"] == 10 and entry["low"] == 40_000


def test_monte_carlo_of_a_linear_model_matches_the_closed_form(make_workbook):
    # only the rent varies, uniformly on 40,000..80,000: ending cash = 1e6 + 24 × (10,000 − rent)
    path = make_workbook(tiny_rows(rent=dict(low=40_000, high=80_000, distribution="uniform")),
                         TINY_SETTINGS)
    sim = simulate(build_model(load_workbook(path)), "base", 20_000, seed=3)
    p = sim.percentiles["ending_cash"]
    assert p.p10 == pytest.approx(1e6 + 24 * (10_000 - 76_000), abs=6_000)
    assert p.p90 == pytest.approx(1e6 + 24 * (10_000 - 44_000), abs=6_000)
    # runs out within 24 months iff 24 × (rent − 10,000) > 1e6, i.e. rent > 51,666.67
    assert sim.cash_out_by_year[2023] == 0.0
    assert sim.cash_out_by_year[2024] == pytest.approx((80_000 - 51_666.67) / 40_000, abs=0.015)
    assert sim.percentiles["cash_out_month"].never == pytest.approx(1 - sim.cash_out_by_year[2024])
    assert np.all(sim.fan.p10 <= sim.fan.p50) and np.all(sim.fan.p50 <= sim.fan.p90)
    assert sim.fan.p50[-1] == pytest.approx(p.p50, rel=1e-6)
    assert sim.histograms["ending_cash"].counts.sum() == 20_000
    h = sim.histograms["cash_out_month"]
    assert h.counts.sum() + h.never == 20_000 and len(h.edges) == 25


def test_the_same_seed_gives_identical_results_and_chunks_do_not_matter(tiny):
    model = build_model(load_workbook(tiny))
    a = simulate(model, "base", 3_000, seed=11)
    b = simulate(model, "base", 3_000, seed=11)
    c = simulate(model, "base", 3_000, seed=11, chunk=700)
    d = simulate(model, "base", 3_000, seed=12)
    assert a.to_json() == b.to_json()
    assert all(np.array_equal(a.values[k], b.values[k], equal_nan=True) for k in a.values)
    assert np.allclose(a.values["npv"], c.values["npv"], rtol=1e-12)
    assert not np.array_equal(a.values["npv"], d.values["npv"])


def test_the_simulation_json_holds_the_percentiles_it_computed(make_workbook):
    """The JSON "simulation" section, straight from simulate() (the CLI test above goes through the
    command line): each figure is the one numpy's percentile gives over the run's own samples, to
    the cent; months as 'YYYY-MM' (None: never); a date assumption's range as months."""
    rows = tiny_rows(volume=dict(low=500, high=1_500), rent=dict(low=40_000, high=80_000)) + [
        row("Seed", "funding", "amount", 200_000, "USD"),
        row("Seed", "funding", "month", dt.date(2023, 7, 1), "date", low=dt.date(2023, 4, 1),
            high=dt.date(2024, 2, 1)),
    ]
    sim = simulate(build_model(load_workbook(make_workbook(rows, TINY_SETTINGS))), "base", 2_000, seed=5)
    data = json.loads(json.dumps(sim.to_json()))
    assert (data["scenario"], data["samples"], data["seed"]) == ("base", 2_000, 5)
    assert data["varied"] == [
        {"parameter": "Sales.volume", "unit": "units/month", "distribution": "pert",
         "low": 500, "mode": 1_000, "high": 1_500},
        {"parameter": "Rent.monthly_amount", "unit": "USD/month", "distribution": "pert",
         "low": 40_000, "mode": 60_000, "high": 80_000},
        {"parameter": "Seed.month", "unit": "date", "distribution": "pert",
         "low": "2023-04", "mode": "2023-07", "high": "2024-02"},
    ]
    for name in ("ending_cash", "npv", "peak_funding_need"):
        values, figures = sim.values[name], dict(data["kpis"][name])
        intervals = figures.pop("ci95")  # the sampling-error intervals, tested on their own
        assert figures == {
            "p10": pytest.approx(np.percentile(values, 10), abs=0.005),
            "p50": pytest.approx(np.percentile(values, 50), abs=0.005),
            "p90": pytest.approx(np.percentile(values, 90), abs=0.005),
            "mean": pytest.approx(values.mean(), abs=0.005)}, name
        assert all(intervals[q][0] <= figures[q] <= intervals[q][1] for q in ("p10", "p50", "p90", "mean")), name
    months = sim.values["cash_out_month"]
    p = month_percentiles(months)
    label = [None if np.isnan(x) else f"{2023 + int(x) // 12}-{int(x) % 12 + 1:02d}" for x in p]
    figures = dict(data["kpis"]["cash_out_month"])
    figures.pop("ci95")
    assert figures == {"p10": label[0], "p50": label[1], "p90": label[2],
                       "never": pytest.approx(np.isnan(months).mean(), abs=1e-12)}
    assert label[0] is not None and 0 < data["kpis"]["cash_out_month"]["never"] < 1
    runway = month_percentiles(sim.values["runway_months"])
    assert [data["kpis"]["runway_months"][q] for q in ("p10", "p50", "p90")] == \
        [None if np.isnan(x) else int(x) for x in runway]
    by_year = {str(y): float((months <= 12 * (y - 2023) + 11).mean()) for y in (2023, 2024)}
    assert {y: v["p"] for y, v in data["cash_out_probability_by_year_end"].items()} == pytest.approx(by_year,
                                                                                                 abs=1e-12)
    fan = data["closing_cash_fan"]
    assert fan["months"][0] == "2023-01" and fan["months"][-1] == "2024-12" and len(fan["months"]) == 24
    for q, key in ((10, "p10"), (50, "p50"), (90, "p90")):
        assert fan[key] == pytest.approx(list(sim.fan.__dict__[key]), abs=0.005)
        assert fan[key][-1] == pytest.approx(float(np.percentile(sim.values["ending_cash"], q)), rel=1e-6)


def test_run_writes_simulation_and_sensitivity_to_the_json(tiny, tmp_path, capsys):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    for out in (out1, out2):
        assert main(["run", str(tiny), "--out", str(out), "--samples", "2000", "--seed", "5"]) == 0
    one = json.loads((out1 / "tiny.json").read_text())
    two = json.loads((out2 / "tiny.json").read_text())
    assert one["simulation"] == two["simulation"]
    assert list(one["simulation"]) == ["base"]  # keyed by scenario
    sim = one["simulation"]["base"]
    assert (sim["scenario"], sim["samples"], sim["seed"]) == ("base", 2000, 5)
    assert set(sim["kpis"]) == {"cash_out_month", "runway_months", "break_even_month", "peak_funding_need",
                                "ending_cash", "npv"}
    assert set(sim["kpis"]["ending_cash"]) == {"p10", "p50", "p90", "mean", "ci95"}
    assert set(sim["kpis"]["ending_cash"]["ci95"]) == {"p10", "p50", "p90", "mean"}
    assert set(sim["kpis"]["cash_out_month"]["ci95"]) == {"p10", "p50", "p90", "never"}
    for entry in sim["cash_out_probability_by_year_end"].values():
        assert set(entry) == {"p", "se", "ci95"} and entry["ci95"][0] <= entry["p"] <= entry["ci95"][1]
    probs = [e["p"] for e in sim["cash_out_probability_by_year_end"].values()]
    assert list(sim["cash_out_probability_by_year_end"]) == ["2023", "2024"] and probs == sorted(probs)
    assert len(sim["closing_cash_fan"]["p50"]) == 24
    assert list(one["sensitivity"]) == ["base"]  # keyed by scenario
    assert [e["parameter"] for e in one["sensitivity"]["base"]] == ["Rent.monthly_amount", "Sales.volume"]
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal

    assert main(["run", str(tiny), "--out", str(out1), "--samples", "0"]) == 0
    data = json.loads((out1 / "tiny.json").read_text())
    assert "simulation" not in data and len(data["sensitivity"]["base"]) == 2


def test_scenarios_are_compared_with_the_baseline(make_workbook):
    rows = tiny_rows()
    rows[2].overrides = {"lean": 30_000}
    path = make_workbook(rows, TINY_SETTINGS, scenarios=[("base", ""), ("lean", "half the rent")])
    u = analyse(run_file(path), samples=0)
    data = u.to_json()["scenario_comparison"]
    assert data["baseline"] == "base"
    assert data["difference_from_baseline"]["lean"]["npv"] == pytest.approx(24 * 30_000)
    assert data["difference_from_baseline"]["lean"]["runway_months"] is None  # lean never runs out
    assert data["ranking"]["runway_months"] == ["lean", "base"]


# ------------------------------------------------------------------------------------------------
# Solve-for
# ------------------------------------------------------------------------------------------------
def test_solve_finds_the_closed_form_threshold_and_the_value_round_trips(make_workbook):
    path = make_workbook(tiny_rows(), TINY_SETTINGS)
    wb = load_workbook(path)
    target = parse_target(wb, "cash_out_month=never")
    sol = solve(build_model(wb), "base", find_row(wb, "sales.volume"), target, (0.0, 5_000.0))
    # never below zero over 24 months: 24 × (10 × volume − 60,000) ≥ −1e6 → volume ≥ 1,833.33
    assert sol.found and sol.direction == "at least"
    assert sol.exact == pytest.approx(1_833.3333, abs=1e-3)
    assert sol.value == 1_834.0 and sol.passes <= 12 and sol.candidates > 256

    rows = tiny_rows()
    rows[0].value = sol.value
    again = run_file(make_workbook(rows, TINY_SETTINGS, name="solved.xlsx"))
    assert math.isnan(again.kpis["cash_out_month"][0])  # written back, it meets the target


def test_solve_a_date_parameter(make_workbook):
    rows = tiny_rows() + [row("Seed", "funding", "amount", 500_000, "USD"),
                          row("Seed", "funding", "month", dt.date(2024, 6, 1), "date")]
    path = make_workbook(rows, TINY_SETTINGS)
    wb = load_workbook(path)
    # without the round cash runs out at month 20 (Sep 2024); the round must arrive by then
    sol = solve(build_model(wb), "base", find_row(wb, "Seed.month"), parse_target(wb, "runway_months=never"))
    assert sol.current_meets and sol.intervals == [(0.0, 20.0)]


def test_solve_says_plainly_when_no_value_in_range_reaches_the_target(tiny, capsys):
    assert main(["solve", str(tiny), "--vary", "Sales.volume", "--target", "cash_out_month=never"]) == 0
    text = capsys.readouterr().out
    assert "no value of Sales.volume from 500 units/month to 1,500 units/month" in text

    assert main(["solve", str(tiny), "--vary", "Sales.volume", "--target", "cash_out_month=never",
                 "--range", "0", "5000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] and data["value"] == 1834 and data["direction"] == "at least"


@pytest.mark.parametrize("vary, target, expected", [
    ("Nope.volume", "npv=0", "valid: Sales.volume, Sales.unit_price, Rent.monthly_amount"),
    ("Sales.volume", "profit=3", "unknown KPI 'profit'"),
    ("Sales.volume", "break_even_month=2040-01", "outside the model's months 2023-01..2024-12"),
    ("Sales.volume", "npv=lots", "not an amount"),
    ("Sales.volume", "runway_months=x", "not a whole number of months"),
])
def test_bad_vary_or_target_exits_2_and_lists_the_valid_ones(tiny, capsys, vary, target, expected):
    assert main(["solve", str(tiny), "--vary", vary, "--target", target]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    if "KPI" in expected:
        assert "cash_out_month" in err and "break_even_month" in err


# ------------------------------------------------------------------------------------------------
# The engine on many columns
# ------------------------------------------------------------------------------------------------
def test_columns_evaluated_together_equal_each_evaluated_alone():
    """Shared (1,) parameters broadcast, recurrences (subscribers, with the parts that do not need
    last month computed before the month loop) and running totals agree with one column at a time."""
    from tests.helpers import ROOT
    from cashcast.models.analysis.batch import scenario_params, with_columns
    from cashcast.models.analysis.kpis import batch_lines

    wb = load_workbook(ROOT / "assumptions" / "openai.xlsx")
    model = build_model(wb)
    varied = [u for u in uncertain_rows(wb, "base") if u.varies]
    draws = sample(varied, 40, seed=1)
    base = scenario_params(model, "base")
    together = model.evaluate(with_columns(base, draws))
    lines = ["chatgpt_plus.subscribers", "closing_cash", "ttm_operating_cash_flow"]
    for j in (0, 17, 39):
        alone = model.evaluate(with_columns(base, {k: v[j:j + 1] for k, v in draws.items()}),
                               keep=set(batch_lines()) | set(lines))
        for line in lines:
            assert np.allclose(together[line][:, j], alone[line][:, 0], rtol=1e-12, atol=1e-3), line


def test_histograms_put_every_path_in_its_bin():
    """Months: one bin per month of the horizon (0..T as float edges), never apart. Money: numpy's
    bins over the range; ±0.5 around a single value; with no values, numpy's 0..1; and a range too
    narrow for the figures' precision (3.1e76 ± 0.5 is 3.1e76) widened by a billionth."""
    h = histogram("cash_out_month", np.array([0.0, 2.0, 2.0, np.nan, 5.0, np.nan]), 8)
    assert h.edges.dtype == np.float64 and h.edges.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    assert h.counts.tolist() == [1, 0, 2, 0, 0, 1, 0, 0] and h.never == 2
    h = histogram("ending_cash", np.array([3.0, 7.0, 7.5, 11.0, 4.0]), 24, bins=4)
    assert (h.edges.tolist(), h.counts.tolist(), h.never) == ([3, 5, 7, 9, 11], [2, 0, 2, 1], 0)
    h = histogram("ending_cash", np.array([0.1, 0.2, 0.16]), 24, bins=4)
    assert h.edges.tolist() == np.linspace(0.1, 0.2, 5).tolist() and h.counts.tolist() == [1, 0, 1, 1]
    h = histogram("npv", np.array([7.0, 7.0]), 24, bins=4)
    assert (h.edges.tolist(), h.counts.tolist()) == ([6.5, 6.75, 7.0, 7.25, 7.5], [0, 0, 2, 0])
    h = histogram("npv", np.array([]), 24, bins=4)
    assert (h.edges.tolist(), h.counts.tolist()) == ([0.0, 0.25, 0.5, 0.75, 1.0], [0, 0, 0, 0])  # numpy's
    big = 3.1e76
    h = histogram("npv", np.array([big, big]), 24, bins=4)
    assert h.edges[0] == pytest.approx(big - big * 1e-9, rel=1e-15)
    assert h.edges[-1] == pytest.approx(big + big * 1e-9, rel=1e-15)
    assert h.counts.tolist() == [0, 0, 2, 0] and h.never == 0


def test_a_money_histogram_is_widened_only_when_its_bins_edges_would_not_increase():
    # 40 bins need 41 increasing edges: 40 units in the last place of 1.0 give exactly one a bin (kept as
    # numpy's range); 38 give some bins no width (widened by a billionth of the largest value)
    ulp = np.spacing(1.0)
    h = histogram("ending_cash", np.array([1.0, 1.0 + 40 * ulp]), 24, bins=40)
    assert (h.edges[0], h.edges[-1], h.counts.sum()) == (1.0, 1.0 + 40 * ulp, 2)
    h = histogram("ending_cash", np.array([1.0, 1.0 + 38 * ulp]), 24, bins=40)
    hi, pad = 1.0 + 38 * ulp, (1.0 + 38 * ulp) * 1e-9
    assert (h.edges[0], h.edges[-1]) == (1.0 - pad, hi + pad)
    assert h.counts.sum() == 2


def test_a_scenario_s_simulation_draws_around_its_own_values(make_workbook):
    """Scenario "dear": its own range for the rent, 40000..70000..80000, moves the mode to $70,000 (PERT:
    mean (40 + 4 × 70 + 80) / 6 = $66,666.67 instead of $60,000) and the volume, not varied, to 900
    units ($9,000 of sales). Ending cash = 1,000,000 + 24 × (sales − rent): on average −$384,000
    (base: −$200,000), to within five standard errors of 20,000 draws (24 × $7,560 / √20,000 = $1,283
    each)."""
    rows = tiny_rows(volume=dict(overrides={"dear": 900}),
                     rent=dict(low=40_000, high=80_000, overrides={"dear": "40000..70000..80000"}))
    model = build_model(load_workbook(make_workbook(rows, TINY_SETTINGS, scenarios=[("base", ""), ("dear", "")])))
    dear, base = (simulate(model, s, 20_000, seed=9).percentiles["ending_cash"].mean for s in ("dear", "base"))
    assert dear == pytest.approx(1e6 + 24 * (9_000 - 66_666.67), abs=6_500)
    assert base == pytest.approx(1e6 + 24 * (10_000 - 60_000), abs=6_500)


def test_one_path_is_enough_and_none_is_refused(make_workbook):
    """One sample: every percentile is that path's figure; the fan holds closing cash as float32
    (1,000,000.30 is kept as 1,000,000.3125). Month KPIs have no mean (NaN); money is never "never"."""
    rows = tiny_rows(rent=dict(low=40_000, high=80_000))
    model = build_model(load_workbook(make_workbook(rows, settings(discount_rate=0.0, opening_cash=1_000_000.30))))
    sim = simulate(model, "base", 1, seed=4)
    cash = sim.values["ending_cash"][0]
    assert cash != float(np.float32(cash))
    assert [sim.fan.p10[-1], sim.fan.p50[-1], sim.fan.p90[-1]] == [float(np.float32(cash))] * 3
    p = sim.percentiles["ending_cash"]
    assert (p.p10, p.p50, p.p90, p.mean, p.never) == (cash, cash, cash, cash, 0.0)
    assert math.isnan(sim.percentiles["cash_out_month"].mean)
    with pytest.raises(ValueError, match="^samples must be 1 or more$"):
        simulate(model, "base", 0)


def test_a_draw_is_clipped_to_its_dimension_and_its_own_limits():
    """A fixed row (low = high) is its value every time; a share is kept within 0..100%; a growth rate
    within its row's limits (here 2%..30%) as well as its dimension's."""
    fixed = uncertain(5.0, 5.0, 5.0)
    assert draw(fixed, row_stream(1, "k"), 4).tolist() == [5.0, 5.0, 5.0, 5.0]
    share = Uncertain("k", "B.k", "percent", "%", "uniform", 0.5, 0.9, 1.4, 0.9, {})
    x = draw(share, row_stream(2, "k"), 9_000)
    assert x.max() == 1.0 and (x == 1.0).mean() == pytest.approx(0.4 / 0.9, abs=0.02)
    rate = Uncertain("k", "B.k", "rate", "%/month", "uniform", -0.1, 0.1, 0.5, 0.1, {}, domain=(0.02, 0.3))
    y = draw(rate, row_stream(3, "k"), 9_000)
    assert (y.min(), y.max()) == (0.02, 0.3) and (y == 0.02).mean() == pytest.approx(0.12 / 0.6, abs=0.02)


def test_select_puts_each_order_statistic_in_place():
    """Three or more indices, so that both halves of the recursion hold some (the fan's P10/P50/P90
    over 20 paths need 1, 2, 9, 10, 17 and 18)."""
    for seed in range(5):
        x = np.random.default_rng(seed).permutation(20).astype(float)
        select(x, [1, 2, 9, 10, 17, 18])
        assert x[[1, 2, 9, 10, 17, 18]].tolist() == [1, 2, 9, 10, 17, 18], seed
        y = np.random.default_rng(seed).permutation(5_000).astype(float)   # too long to be sorted whole
        select(y, [499, 500, 2_499, 2_500, 4_499, 4_500])
        assert y[[499, 500, 2_499, 2_500, 4_499, 4_500]].tolist() == [499, 500, 2_499, 2_500, 4_499, 4_500], seed


def test_select_agrees_with_a_full_sort_for_many_sizes_and_index_sets():
    """An index off by one in the right-hand part (``row[k + 2:]``, ``j - k - 2``) still lands on the
    right value whenever numpy's partition happens to leave that stretch sorted, as it does in the
    cases above; over 300 lognormal rows of 2..4,000 values and up to 11 indices some never are."""
    rng = np.random.default_rng(20261202)
    for trial in range(300):
        n = int(rng.integers(2, 4_000))
        x = rng.lognormal(size=n)
        kth = sorted(set(rng.integers(0, n, size=int(rng.integers(1, 12))).tolist()))
        y = x.copy()
        select(y, kth)
        assert np.array_equal(y[kth], np.sort(x)[kth]), (trial, n, kth)


def test_chunks_cover_every_path_once_and_report_progress(tiny):
    """Paths in chunks of 700 (of 2,000): progress hears 700, 700, 600; a horizon of one month
    still gets chunks of 2**19 paths, a long one at least 256."""
    heard = []
    sim = simulate(build_model(load_workbook(tiny)), "base", 2_000, seed=11, chunk=700, progress=heard.append)
    assert heard == [700, 700, 600] and sim.values["npv"].shape == (2_000,)
    assert (chunk_size(1), chunk_size(2), chunk_size(10_000)) == (1 << 19, 1 << 18, 256)


def test_scenarios_in_groups_report_progress_in_samples_and_keep_their_descriptions(make_workbook):
    """Three scenarios, 600 samples, a fan budget for two scenarios' closing cash at once (2 × 4 bytes
    × 24 months × 600): groups (base, dear) and (lean). Calls of 600 columns: two calls of 300 samples ×
    2 scenarios, each 300 × 2/3 = 200 samples of the run, then one of 600 × 1 scenario, 600 × 1/3 = 200;
    the calls add up to the 600 samples. Each scenario keeps its description from the Scenarios sheet."""
    rows = tiny_rows(rent=dict(low=40_000, high=80_000, overrides={"dear": "50000..70000..90000"}))
    wb = load_workbook(make_workbook(rows, TINY_SETTINGS, scenarios=[("base", "as typed"), ("dear", "rent up"),
                                                                         ("lean", "")]))
    model, heard = build_model(wb), []
    assert scenario_groups(["base", "dear", "lean"], 600, model.horizon, 2 * 4 * 24 * 600) == [["base", "dear"], ["lean"]]
    sims = simulate_scenarios(model, ["base", "dear", "lean"], 600, seed=3, chunk=600, progress=heard.append,
                              fan_budget=2 * 4 * 24 * 600)
    assert heard == [200, 200, 200] and model.horizon == 24
    assert [sims[s].description for s in ("base", "dear", "lean")] == ["as typed", "rent up", ""]


def test_scenario_groups_and_draw_windows():
    # groups: as many scenarios as 4 bytes × months × samples fit in the budget (here 2), at least one
    assert scenario_groups(list("abcde"), 1_000, 100, 800_000) == [["a", "b"], ["c", "d"], ["e"]]
    assert scenario_groups(list("ab"), 1_000, 100, 1) == [["a"], ["b"]]
    # windows: whole blocks of 8,192 samples, at least a call's step
    assert windows(20_000, 9_000) == [(0, 16_384), (16_384, 20_000)]
    assert windows(20_000, 8_192) == [(0, 8_192), (8_192, 16_384), (16_384, 20_000)]
    assert windows(5, 1) == [(0, 5)]


def test_closing_cash_beyond_float32_is_kept_in_full(make_workbook):
    """1e15 calls at $1e18 a call, doubling every month: closing cash passes float32's 3.4e38 after
    about 19 months; the fan then holds every path as float64, not infinity."""
    rows = [row("Calls", "usage", "volume", 1e15, "units/month"),
            row("Calls", "usage", "volume.growth", 1.0, "%/month"),
            row("Calls", "usage", "unit_price", 1e18, "USD/unit"),
            row("Rent", "opex", "monthly_amount", 60_000, "USD/month", low=40_000, high=80_000)]
    path = make_workbook(rows, TINY_SETTINGS)
    closing = run_file(path).result.column("closing_cash", 0)
    assert closing[-1] > np.finfo(np.float32).max > closing[0]
    sim = simulate(build_model(load_workbook(path)), "base", 3, seed=1)
    assert sim.fan.p50 == pytest.approx(closing, rel=1e-9)


def test_a_recurrence_over_a_varied_line_is_simulated_path_by_path(make_workbook):
    """Credits in kind ($1,000 in Mar 2023) pay a cloud bill drawn between $300 and $450 a month; the
    credits' balance is a month-by-month recurrence over that bill, a different one on every path.
    The bill is paid in cash only once the credits are gone: ending cash = 1,000,000 + 1,000 − 24 ×
    the path's bill, on each path to the cent."""
    rows = [row("Cloud", "opex", "monthly_amount", 370, "USD/month", low=300, high=450),
            row("Deal", "funding", "amount", 1_000, "USD"),
            row("Deal", "funding", "month", dt.date(2023, 3, 1), "date"),
            row("Deal", "funding", "in_kind", "Cloud", "")]
    wb = load_workbook(make_workbook(rows, TINY_SETTINGS))
    sim = simulate(build_model(wb), "base", 50, seed=2)
    bill = sample(uncertain_rows(wb, "base"), 50, 2)["cloud__monthly_amount"]
    assert np.ptp(bill) > 50
    assert sim.values["ending_cash"] == pytest.approx(1_001_000 - 24 * bill, abs=0.005)


def test_the_simulation_json_names_every_figure_and_works_out_its_sampling_error(tmp_path):
    """The JSON of one simulation, key by key (the CLI test above is left out of mutation runs): the
    scenario's description, each correlation pair, and for each year end the share of paths out of cash
    with its standard error √(p(1 − p)/n) and Wilson interval worked out here; a month KPI's "never"
    interval is a share (rounded to 6 places), its percentiles' intervals are month labels."""
    from tests.bad_workbooks import model as write_model
    rows = tiny_rows(volume=dict(low=500, high=1_500), rent=dict(low=30_000, high=110_000))
    path = write_model(tmp_path, rows, settings(discount_rate=0.07, opening_cash=900_000),
                       scenarios=[("base", "as planned")], name="tiny.xlsx",
                       correlations=[("Sales.volume", "Rent.monthly_amount", 0.35)])
    n = 600
    sim = simulate(build_model(load_workbook(path)), "base", n, seed=5)
    data = sim.to_json()
    assert list(data) == ["scenario", "description", "samples", "seed", "varied", "correlations", "kpis",
                          "cash_out_probability_by_year_end", "closing_cash_fan"]
    assert (data["scenario"], data["description"], data["samples"], data["seed"]) == ("base", "as planned", n, 5)
    assert data["correlations"] == [{"first": "Sales.volume", "second": "Rent.monthly_amount",
                                     "rank_correlation": 0.35}]
    z = 1.959963984540054
    by_year = data["cash_out_probability_by_year_end"]
    assert list(by_year) == ["2023", "2024"]
    for year, t in (("2023", 11), ("2024", 23)):
        k = int(np.sum(sim.values["cash_out_month"] <= t))
        p = k / n
        assert 0 < k < n, (year, k)   # a share strictly between 0 and 1, so every term of the interval counts
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        assert by_year[year] == {"p": p, "se": pytest.approx(math.sqrt(p * (1 - p) / n), rel=1e-12),
                                 "ci95": [round(centre - half, 6), round(centre + half, 6)]}
    out = data["kpis"]["cash_out_month"]
    assert set(out) == {"p10", "p50", "p90", "never", "ci95"}
    never = sim.percentiles["cash_out_month"].never
    assert 0 < never < 1 and out["never"] == never
    assert out["ci95"]["never"] == [round(x, 6) for x in sim.percentiles["cash_out_month"].ci95["never"]]
    assert all(isinstance(x, str) and len(x) == 7 for q in ("p10", "p50") for x in out["ci95"][q])
    money = data["kpis"]["ending_cash"]
    assert set(money) == {"p10", "p50", "p90", "mean", "ci95"} and set(money["ci95"]) == {"p10", "p50", "p90", "mean"}
    assert money["mean"] == pytest.approx(float(np.mean(sim.values["ending_cash"])), abs=0.005)


def test_sample_draws_each_block_from_its_own_stream_and_any_range_of_them():
    """n = 8,192 + 400 samples are two blocks: the second block's draws come from the row's stream of
    block 1 (worked out here with ``draw``), samples 8,000..8,299 drawn alone are that part of the
    whole, an empty range is allowed and an impossible one is named. Correlation pairs given as tuples
    or as records (``first_key``, ``second_key``, ``rho``) reorder the draws the same way."""
    from types import SimpleNamespace
    a = Uncertain("a", "A.a", "count", "x", "pert", 10.0, 13.0, 40.0, 13.0, {})
    b = Uncertain("b", "B.b", "count", "x", "uniform", 2.0, 3.0, 7.0, 3.0, {})
    n, seed = BLOCK + 400, 29
    whole = sample([a, b], n, seed)
    assert np.array_equal(whole["a"][BLOCK:], draw(a, row_stream(seed, "a", 1), 400))
    assert np.array_equal(whole["a"][:BLOCK], draw(a, row_stream(seed, "a", 0), BLOCK))
    part = sample([a, b], n, seed, start=8_000, stop=8_300)
    assert all(np.array_equal(part[k], whole[k][8_000:8_300]) for k in ("a", "b"))
    assert [len(x) for x in sample([a, b], n, seed, start=50, stop=50).values()] == [0, 0]
    assert blocks(n, 50, 50) == [] and blocks(n, 50, 51) == [(0, 0, BLOCK)]
    assert blocks(n, 0, BLOCK) == [(0, 0, BLOCK)] and blocks(n, 8_300, 8_500) == [(1, BLOCK, 400)]
    with pytest.raises(ValueError, match=r"^samples 70\.\.30 are not within 0\.\.8592$"):
        sample([a, b], n, seed, start=70, stop=30)
    as_tuples = sample([a, b], n, seed, correlations=[("a", "b", 0.8)])
    as_records = sample([a, b], n, seed, correlations=[SimpleNamespace(first_key="a", second_key="b", rho=0.8)])
    assert all(np.array_equal(as_tuples[k], as_records[k]) for k in ("a", "b"))
    assert not np.array_equal(as_tuples["b"], whole["b"])
    assert np.array_equal(np.sort(as_tuples["b"]), np.sort(whole["b"]))   # reordered, not redrawn
    # the second block is reordered by the group's correlation stream of block 1, not block 0's
    from cashcast.models.analysis.correlations import correlate_block
    block1 = {u.key: draw(u, row_stream(seed, u.key, 1), 400) for u in (a, b)}
    again = correlate_block(block1, [("a", "b", 0.8)], lambda name: row_stream(seed, "correlation:" + name, 1))
    assert all(np.array_equal(as_tuples[k][BLOCK:], again[k]) for k in ("a", "b"))
