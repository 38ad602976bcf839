"""Uncertainty, all together: scenarios side by side, the tornado and the Monte Carlo of one run.

``analyse(run, samples, seed)`` is what ``cashcast run`` computes after the scenarios:

* ``comparison`` — every scenario's KPIs next to the baseline's (the first scenario of the run,
  base unless ``--scenario`` chose others): the differences and a ranking per KPI;
* ``tornadoes`` — :func:`cashcast.models.analysis.sensitivity.tornadoes`: the tornado of every scenario
  of the run (each swinging what is uncertain in it), in one evaluate call; ``tornado`` is the
  baseline's;
* ``simulations`` — :func:`cashcast.models.analysis.simulation.simulate_scenarios` of every scenario of the
  run, in one vectorised pass, each varying what is uncertain in it (empty when samples is 0);
* ``break_even`` — :func:`cashcast.models.analysis.solve_for.break_even_conversions`: for each scenario
  that never breaks even, the conversion that would (the HTML answer's solve-for clause).

``to_json()`` gives the JSON's "scenario_comparison", "sensitivity" and "simulation" sections.

This module is the analysis *result* that reports read: the types a renderer needs (``Tornado``,
``Simulation``, ``Solution`` …) are imported from here, so no renderer imports the solver, the
sensitivity or the simulation modules themselves (tests/test_layers.py checks that).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.batch import json_number, ranking_score
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.sensitivity import Swing, Tornado, TornadoBar, tornadoes
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED, Simulation, simulate_scenarios
from cashcast.models.analysis.solve import Solution
from cashcast.models.analysis.solve_for import BreakEvenConversion, break_even_conversions



@dataclass
class ScenarioComparison:
    """KPIs of every scenario against the baseline (the run's first scenario).

    ``differences[scenario][kpi]`` is scenario − baseline: months for month KPIs (positive = later),
    NaN when either side is never or undefined; money otherwise (IRR as a fraction).
    ``ranking[kpi]`` lists the scenarios best first (a later cash-out and a longer runway are
    better, never running out best of all; an earlier break-even, a smaller peak funding need and a
    larger NPV, IRR and ending cash are better); ties keep the workbook's order.
    """

    baseline: str
    scenarios: list[str]
    differences: dict[str, dict[str, float]]
    ranking: dict[str, list[str]]

    def to_json(self) -> dict:
        def delta(kpi, x):
            if registry.named(kpi).is_month:
                return None if not np.isfinite(x) else int(x)
            return json_number(x)

        return {"baseline": self.baseline,
                "difference_from_baseline": {s: {k: delta(k, x) for k, x in d.items()}
                                             for s, d in self.differences.items()},
                "ranking": self.ranking}


def rank(kpi: str, values: np.ndarray, horizon: int) -> np.ndarray:
    """Scenario indices best first; months with never as past the horizon, NaN money last.

    >>> rank("cash_out_month", np.array([30.0, np.nan, 10.0]), 120).tolist()
    [1, 0, 2]
    """
    return np.argsort(-ranking_score(registry.named(kpi), values, horizon), kind="stable")


def compare_scenarios(run: Run) -> ScenarioComparison:
    names, horizon = run.scenarios, run.model.horizon
    kpis = {k.name: np.asarray(run.kpis[k.name], dtype=float) for k in registry.KPIS if k.name in run.kpis}
    differences = {s: {k: float(v[j] - v[0]) for k, v in kpis.items()}
                   for j, s in enumerate(names) if j > 0}
    ranking = {k: [names[i] for i in rank(k, v, horizon)] for k, v in kpis.items()}
    return ScenarioComparison(names[0], list(names), differences, ranking)


@dataclass
class Uncertainty:
    """Everything ``run`` analyses after the scenarios; renderers only format it."""

    comparison: ScenarioComparison
    tornadoes: dict[str, Tornado]           # scenario → its tornado, the run's order
    simulations: dict[str, Simulation]      # scenario → its Monte Carlo, the run's order; {} unsampled
    break_even: dict[str, BreakEvenConversion] = field(default_factory=dict)

    @property
    def tornado(self) -> Tornado:
        """The baseline's (first scenario's) tornado."""
        return next(iter(self.tornadoes.values()))

    @property
    def simulation(self) -> Simulation | None:
        """The baseline's (first scenario's) Monte Carlo, None when not sampled."""
        return next(iter(self.simulations.values()), None)

    def to_json(self) -> dict:
        out = {"scenario_comparison": self.comparison.to_json(), "sensitivity": {s: t.to_json() for s, t in self.tornadoes.items()},
               "evidence_weight": {s: t.evidence_json() for s, t in self.tornadoes.items()}}
        if self.simulations:
            out["simulation"] = {s: sim.to_json() for s, sim in self.simulations.items()}
        return out


def analyse(run: Run, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
            progress: Callable[[int], None] | None = None) -> Uncertainty:
    """Comparison, the tornado of every scenario of the run, (when samples > 0) Monte Carlo of every
    scenario of the run, and the break-even conversion of every scenario that never breaks even."""
    sims = simulate_scenarios(run.model, run.scenarios, samples, seed, progress=progress) if samples > 0 else {}
    return Uncertainty(compare_scenarios(run), tornadoes(run.model, run.scenarios), sims,
                       break_even_conversions(run))


__all__ = ["DEFAULT_SAMPLES", "DEFAULT_SEED", "BreakEvenConversion",
           "ScenarioComparison", "Simulation", "Solution", "Swing", "Tornado", "TornadoBar",
           "Uncertainty", "analyse", "compare_scenarios", "rank"]
