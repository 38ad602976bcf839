"""The analyst's checks (the workbook's Checks sheet) evaluated on a run: actual against expected.

A check passes when ``|actual − expected| ≤ max(tolerance, relative tolerance × |expected|)``: the
tolerance is absolute, in the figure's unit (money, months, a fraction for a rate), the relative
tolerance a share of the expected value, and either may be blank. Both blank: money and counts pass
within half a cent (0.005), rates within 0.00005 (half a hundredth of a percentage point), months
and month figures only exactly. ``never`` (no cash-out month within the horizon) passes only when
the figure is never.

The actual value is read from what the run computed, never recomputed: a KPI from the run's KPIs, a
yearly KPI from its yearly KPIs, a line in a month from its monthly values, a line in a year (or, with
no period, over the whole projection) folded as the Annual sheet folds it (a flow's sum, a balance's
last month, a level's average).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cashcast.models.analysis.scenarios import Run
from cashcast.models.engine.annual import of as aggregation
from cashcast.models.reading.user_checks import KPI_KINDS, YEARLY_KINDS, UserCheck

DEFAULT_TOLERANCE = {"money": 0.005, "count": 0.005, "rate": 0.00005, "multiple": 0.00005, "months": 0.0,
                     "month": 0.0}
PASS, FAIL, NOT_RUN = "pass", "fail", "not run"


@dataclass(frozen=True)
class CheckResult:
    """A check evaluated: its ``actual`` value (NaN: never, or not run), ``kind`` (``money``,
    ``count``, ``rate``, ``multiple``, ``months`` or ``month`` — a month ordinal), the ``unit`` of a
    count line, the tolerance applied and the ``status`` (pass, fail, or not run: its scenario was not
    among those run)."""

    check: UserCheck
    actual: float
    kind: str
    unit: str
    allowed: float
    status: str

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def difference(self) -> float:
        """actual − expected (NaN when either is never)."""
        return self.actual - self.check.expected


def within(actual: float, expected: float, allowed: float) -> bool:
    """Whether ``actual`` is within ``allowed`` of ``expected``; never (NaN) matches only never.

    >>> within(2_400_000_000.004, 2_400_000_000, 0.005), within(2_400_000_000.01, 2_400_000_000, 0.005)
    (True, False)
    >>> within(float("nan"), float("nan"), 0), within(29, float("nan"), 0)
    (True, False)
    """
    if math.isnan(actual) or math.isnan(expected):
        return math.isnan(actual) and math.isnan(expected)
    return abs(actual - expected) <= allowed


def allowed(check: UserCheck, kind: str) -> float:
    """The difference a check tolerates: the larger of its tolerance and its relative tolerance ×
    |expected|; the kind's default when both are blank.

    Worked example: $33B expected with a relative tolerance of 1% allows $330M either way.

    >>> from cashcast.models.reading.user_checks import UserCheck
    >>> c = UserCheck(2, "x", "x", "line", None, 2027, 33e9, None, 0.01, "base")
    >>> allowed(c, "money")
    330000000.0
    >>> allowed(UserCheck(2, "x", "x", "line", None, 2027, 33e9, None, None, "base"), "money")
    0.005
    """
    if check.tolerance is None and check.relative is None:
        return DEFAULT_TOLERANCE[kind]
    rel = 0.0 if check.relative is None or math.isnan(check.expected) else check.relative * abs(check.expected)
    return max(check.tolerance or 0.0, rel)


def kind_of(run: Run, check: UserCheck) -> tuple[str, str]:
    """(kind, unit) of what a check reads: a KPI's or yearly KPI's kind; a line's by its unit."""
    if check.what == "kpi":
        return KPI_KINDS[check.name], ""
    if check.what == "yearly":
        return YEARLY_KINDS[check.name], ""
    unit = run.model.lines[check.name].unit
    currency = run.workbook.settings.currency
    if unit.split("/")[0] == currency:
        return "money", unit
    return ("rate", unit) if unit == "%" else ("count", unit)


def actual_value(run: Run, check: UserCheck, j: int) -> float:
    """The figure a check reads, in scenario column ``j`` (a month figure as a month ordinal)."""
    start = run.workbook.start_ordinal
    if check.what == "kpi":
        x = float(run.kpis[check.name][j])
        return x + start if KPI_KINDS[check.name] == "month" else x
    if check.what == "yearly":
        return float(run.yearly[check.name][run.years().index(check.year), j])
    values = run.result.column(check.name, j)
    if check.month is not None:
        return float(values[check.month - start])
    if check.year is not None:
        return run.annual(check.name, j)[run.years().index(check.year)]
    return float(aggregation(run.model.lines[check.name].annual).np(np.asarray(values)))


def evaluate_checks(run: Run) -> list[CheckResult]:
    """Every check of the run's workbook, in sheet order; a check of a scenario not run is 'not run'."""
    out = []
    for check in run.workbook.checks:
        kind, unit = kind_of(run, check)
        tol = allowed(check, kind)
        if check.scenario not in run.scenarios:
            out.append(CheckResult(check, math.nan, kind, unit, tol, NOT_RUN))
            continue
        actual = actual_value(run, check, run.scenarios.index(check.scenario))
        out.append(CheckResult(check, actual, kind, unit, tol, PASS if within(actual, check.expected, tol)
                               else FAIL))
    return out


def scenarios_needed(checks: list[UserCheck]) -> list[str]:
    """The scenarios the checks read, each once, in order of first use."""
    return list(dict.fromkeys(c.scenario for c in checks))


__all__ = ["CheckResult", "FAIL", "NOT_RUN", "PASS", "allowed", "evaluate_checks", "scenarios_needed", "within"]
