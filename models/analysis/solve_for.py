"""Solve-for in the answer: what conversion breaks even by the end of the horizon.

The HTML report ends the answer sentence of a scenario that never breaks even with a clause such
as "break-even by Dec 2032 needs at least 3.137% conversion (ChatGPT Plus, now 1.0%)". The numbers
in that clause are computed here, once, as part of the analysis
(:func:`cashcast.models.analysis.uncertainty.analyse`), so the report only words them and never
runs the solver while rendering.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.solve import Solution, find_row, parse_target, solve
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.workbook import Row, Workbook


@dataclass(frozen=True)
class BreakEvenConversion:
    """The conversion of ``block`` that makes ``scenario`` break even by the last month.

    ``solution`` is :func:`cashcast.models.analysis.solve.solve`'s answer over the row's low..high
    (or solve's default 0–100% for a missing bound); it may be "not found" in that range.
    """

    scenario: str
    block: str
    solution: Solution


def conversion_row(workbook: Workbook) -> Row | None:
    """The ``conversion`` row of the workbook's first subscription block (None if there is none, or
    if it is linked to a line rather than a value)."""
    for block in workbook.blocks.values():
        if block.kind == "subscription":
            try:
                row = find_row(workbook, f"{block.name}.conversion")
            except InputError:
                return None
            return row if row.dimension == "percent" else None
    return None


def break_even_conversions(run: Run) -> dict[str, BreakEvenConversion]:
    """Scenario name → the conversion that breaks even by the last month, for every scenario that
    does not break even within the horizon and whose current conversion does not already do so.

    A scenario without a range to search gets no entry (no clause in the report).
    """
    wb = run.workbook
    row = conversion_row(wb)
    if row is None:
        return {}
    target = parse_target(wb, f"break_even_month={run.months[-1]:%Y-%m}")
    out = {}
    for j, name in enumerate(run.scenarios):
        if not math.isnan(float(run.kpis["break_even_month"][j])):
            continue
        try:
            sol = solve(run.model, name, row, target)
        except InputError:  # no range to search: no clause
            continue
        if not sol.current_meets:
            out[name] = BreakEvenConversion(name, row.block, sol)
    return out
