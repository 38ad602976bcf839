"""Memory of the Monte Carlo is bounded, and bounding it changes no figure (issue 11, part 8).

The simulation draws a window of whole random-stream blocks at a time and holds the fan chart's
closing cash (months × samples, float32) for as many scenarios at once as its byte budget allows.
Here the flagship (five scenarios, correlations on) is run at a size that spans two blocks, and
its fan chart and every sample's KPIs are compared with a plain reference: all samples drawn at
once for one scenario, one evaluate call, numpy's percentile of the float32 closing cash.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cashcast.models.analysis import simulation
from cashcast.models.analysis.batch import evaluate_kpis, scenario_params, with_columns
from cashcast.models.analysis.distributions import BLOCK, sample, uncertain_rows
from cashcast.models.analysis.simulation import scenario_groups, simulate_scenarios
from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook

FLAGSHIP = Path(__file__).resolve().parents[1] / "assumptions" / "openai.xlsx"
N, SEED = BLOCK + 1_500, 7   # two blocks of the random streams, the second partial


@pytest.fixture(scope="module")
def flagship():
    return build_model(load_workbook(FLAGSHIP))


def reference(model, scenario):
    """All N samples of one scenario drawn at once and evaluated in one call."""
    wb = model.workbook
    varied = [u for u in uncertain_rows(wb, scenario) if u.varies]
    draws = sample(varied, N, SEED, correlations=wb.correlations)
    figures, result = evaluate_kpis(model, with_columns(scenario_params(model, scenario), draws))
    cash = np.broadcast_to(result.values["closing_cash"], (model.horizon, N)).astype(np.float32)
    return figures, np.percentile(cash.astype(np.float64), (10, 50, 90), axis=1)


def test_bounded_run_equals_the_plain_reference_for_every_scenario(flagship):
    names = flagship.workbook.scenario_names
    one_at_a_time = 4 * flagship.horizon * N  # the budget of one scenario's closing cash: groups of one
    sims = simulate_scenarios(flagship, names, N, SEED, chunk=3_000, fan_budget=2 * one_at_a_time)
    assert len(flagship.workbook.correlations) == 3
    for s in names:
        figures, fan = reference(flagship, s)
        sim = sims[s]
        for k, v in sim.values.items():
            assert np.array_equal(v, np.broadcast_to(figures[k], (N,)), equal_nan=True), (s, k)
        for got, want in zip((sim.fan.p10, sim.fan.p50, sim.fan.p90), fan):
            assert np.allclose(got, want, rtol=1e-12, atol=0.005), s
        assert sim.fan.p10[-1] < sim.fan.p50[-1] < sim.fan.p90[-1]  # a real spread, not one path


def test_grouping_and_chunk_size_change_no_figure(flagship):
    names = flagship.workbook.scenario_names
    whole = simulate_scenarios(flagship, names, N, SEED)
    for budget, chunk in ((1, 1_111), (4 * flagship.horizon * N * 3, None), (1 << 40, 20_000)):
        other = simulate_scenarios(flagship, names, N, SEED, chunk=chunk, fan_budget=budget)
        assert list(other) == names
        assert all(other[s].to_json() == whole[s].to_json() for s in names), (budget, chunk)


def test_draws_are_made_a_window_at_a_time_and_groups_share_the_calls(flagship, monkeypatch):
    spans, widths = [], []
    real_sample, evaluate = simulation.sample, type(flagship).evaluate

    def recording(rows, n, seed, *, start=0, stop=None, correlations=()):
        spans.append((start, n if stop is None else stop))
        return real_sample(rows, n, seed, start=start, stop=stop, correlations=correlations)

    def counting(self, params, keep=None):
        widths.append(max(len(v) for v in params.values()))
        return evaluate(self, params, keep)
    monkeypatch.setattr(simulation, "sample", recording)
    monkeypatch.setattr(type(flagship), "evaluate", counting)
    names = flagship.workbook.scenario_names[:3]
    simulate_scenarios(flagship, names, N, SEED, chunk=6_000, fan_budget=4 * flagship.horizon * N * 2)
    # groups [a, b] then [c]; each draws block 0 then block 1 once per scenario
    assert spans == [(0, BLOCK)] * 2 + [(BLOCK, N)] * 2 + [(0, BLOCK), (BLOCK, N)]
    group_of_two = [6_000] * 2 + [2 * (BLOCK - 6_000)] + [2 * 1_500]   # 3,000 samples × 2 scenarios a call
    assert widths == group_of_two + [6_000] * 1 + [BLOCK - 6_000] + [1_500]


def test_groups_fit_the_budget():
    assert scenario_groups(list("abcde"), 1_000, 10, budget=4 * 10 * 1_000 * 2) == [["a", "b"], ["c", "d"], ["e"]]
    assert scenario_groups(list("abc"), 1_000, 10, budget=4 * 10 * 1_000 * 2 - 1) == [["a"], ["b"], ["c"]]
    assert scenario_groups(list("abc"), 1_000, 10, budget=0) == [["a"], ["b"], ["c"]]
