"""Run a workbook's scenarios: every scenario in one vectorised pass, KPIs and annual totals."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from cashcast.models.engine.annual import of as aggregation
from cashcast.models.engine.model import Model, Result, build_model
from cashcast.models.analysis import kpis as kpi_registry
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import BASE, Workbook, load_workbook


@dataclass
class Run:
    """A model evaluated for a list of scenarios (one column each)."""

    model: Model
    scenarios: list[str]
    result: Result
    kpis: dict[str, np.ndarray]
    notes: dict[str, list[str | None]] = field(default_factory=dict)   # why a KPI is null: irr_note
    yearly: dict[str, np.ndarray] = field(default_factory=dict)        # yearly KPIs, (years, S) each

    @property
    def workbook(self) -> Workbook:
        return self.model.workbook

    @property
    def months(self) -> list[dt.date]:
        return self.workbook.months()

    def years(self) -> list[int]:
        return sorted({m.year for m in self.months})

    def annual(self, line: str, j: int) -> list[float]:
        """A line's figure per calendar year for scenario column j, folded as the line says
        (:mod:`cashcast.models.engine.annual`): the sum of a flow's months, a balance's year-end
        value, a level's monthly average."""
        values = self.result.column(line, j)
        years = np.array([m.year for m in self.months])
        fold = aggregation(self.model.lines[line].annual)
        return [float(fold.np(values[years == y])) for y in self.years()]

    def month_label(self, index: float) -> str | None:
        """'YYYY-MM' for a month index, None for NaN (never)."""
        if index is None or not np.isfinite(index):
            return None
        return self.months[int(index)].strftime("%Y-%m")


def select_scenarios(workbook: Workbook, names: list[str] | None) -> list[str]:
    """The scenarios asked for (all of the workbook's when none), or InputError naming the valid ones."""
    valid = workbook.scenario_names
    if not names:
        return valid
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise InputError([Problem(workbook.name, "Scenarios", "A1",
                                  f"no scenario named {', '.join(repr(u) for u in unknown)}; "
                                  f"valid: {', '.join(valid)}")])
    return list(dict.fromkeys(names))


def run_workbook(workbook: Workbook, scenarios: list[str] | None = None) -> Run:
    names = select_scenarios(workbook, scenarios)
    model = build_model(workbook)
    # The reading bounds (README "Bounds") keep every line finite; an intermediate that overflows on
    # the way (an S-curve's exponential far from its midpoint) settles to a finite value, so numpy's
    # warnings are silenced here and the lines are checked instead.
    with np.errstate(all="ignore"):
        result = model.evaluate(workbook.param_values(names))
        kpis = kpi_registry.evaluate(result)
        notes, yearly = kpi_registry.notes(result), kpi_registry.evaluate_yearly(result)
    _require_finite(workbook, result)
    return Run(model, names, result, kpis, notes, yearly)


def _require_finite(workbook: Workbook, result) -> None:
    """Raise InputError naming the first line that is not finite (a guard: the bounds should prevent it)."""
    for name in result.values:
        if not np.isfinite(result[name]).all():
            raise InputError([Problem(workbook.name, "", "", f"the line {name} is not a finite number in "
                                      f"some month; reduce the largest values and growth rates")])


def run_file(path, scenarios: list[str] | None = None, strict: bool = False) -> Run:
    """load → validate → build → evaluate → KPIs, for the command line and tests; ``strict`` makes
    the workbook's warnings errors."""
    return run_workbook(load_workbook(path, strict), scenarios)


__all__ = ["Run", "run_file", "run_workbook", "select_scenarios", "BASE"]
