"""``cashcast solve WORKBOOK --vary BLOCK.PARAMETER --target KPI=VALUE``: the answer in words or JSON
(a probability or percentile target is worded by :mod:`cashcast.reports.cli.solve_chance`).

The search itself is :func:`cashcast.models.analysis.pipeline.solve_target`; this module only words
its :class:`~cashcast.models.analysis.solve.Solution` for the terminal.
"""
from __future__ import annotations

import json

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.batch import month_label
from cashcast.models.analysis.pipeline import solve_target
from cashcast.models.analysis.solve import Solution
from cashcast.models.analysis.solve_chance import ChanceSolution

from cashcast.reports import fmt
from cashcast.reports.cli.check import print_warnings
from cashcast.reports.cli.options import SolveOptions

EXIT_OK = 0


def cmd_solve(opts: SolveOptions) -> int:
    """Solve once, then print the plain-language answer (or, with ``--json``, the JSON)."""
    from cashcast.reports.cli.solve_chance import describe_chance, extra_round_note  # it imports this module

    solved = solve_target(opts.workbook, opts.vary, opts.target, opts.scenario, opts.search_range,
                          opts.samples, opts.seed, opts.month, opts.amount)
    wb, sol = solved.workbook, solved.solution
    print_warnings(wb.warnings)
    chance = isinstance(sol, ChanceSolution)
    if opts.json:
        print(json.dumps({"workbook": wb.name, "kind": "probability" if chance else "deterministic",
                          **sol.to_json(wb.months())}, indent=2, ensure_ascii=False))
        return EXIT_OK
    words = describe_chance if chance else describe
    print(words(sol, wb.months(), wb.settings.currency, wb.name))
    note = extra_round_note(wb, sol.parameter)
    if note:
        print(note)
    return EXIT_OK


def _value(sol: Solution, x: float | None, months, digits: int = 15) -> str:
    """A parameter value as one would type it: 1.37%, 2025-03, 2,500,000,000 USD."""
    if x is None:
        return "—"
    if sol.dimension == "date":
        return month_label(months, x)
    if sol.unit.startswith("%"):
        return f"{float(f'{x * 100:.{min(digits, 13)}g}'):.13g}{sol.unit}"
    return f"{float(f'{x:.{digits}g}'):,.15g} {sol.unit}"


def _kpi(sol: Solution, x: float | None, months, currency: str) -> str:
    k = sol.target.kpi
    if k == "cash_out_month":
        label = month_label(months, x) if x is not None else None
        return f"cash runs out {fmt.month(label)}" if label else "cash never runs out"
    if k == "runway_months":
        return "cash never runs out" if x is None or x != x else f"a runway of {int(x)} months"
    if k == "break_even_month":
        label = month_label(months, x) if x is not None else None
        return f"break-even {fmt.month(label)}" if label else "no break-even"
    return f"{registry.named(k).phrase} {fmt.money(x, currency)}"


def _goal(sol: Solution, months, currency: str) -> str:
    t = sol.target
    if t.kpi in ("cash_out_month", "runway_months") and t.value == "never":
        return "never run out of cash"
    if t.kpi == "cash_out_month":
        return f"keep cash until at least {fmt.month(month_label(months, t.goal))}"
    if t.kpi == "runway_months":
        return f"reach a runway of at least {int(t.goal)} months"
    if t.kpi == "break_even_month":
        return f"break even by {fmt.month(month_label(months, t.goal))}"
    names = {"peak_funding_need": "keep the peak funding need at or below", "npv": "reach an NPV of at least",
             "ending_cash": "end with cash of at least"}
    return f"{names[t.kpi]} {fmt.money(t.goal, currency)}"


def describe(sol: Solution, months, currency: str, workbook: str = "") -> str:
    """The plain-language answer printed by ``cashcast solve``."""
    v = lambda x: _value(sol, x, months)  # noqa: E731
    k = lambda x: _kpi(sol, x, months, currency)  # noqa: E731
    goal = _goal(sol, months, currency)
    where = f"{workbook}, scenario {sol.scenario}: " if workbook else f"scenario {sol.scenario}: "
    searched = f"{v(sol.low)} to {v(sol.high)} ({sol.range_source})"
    lines = []
    if not sol.found:
        lines.append(f"{where}no value of {sol.parameter} from {searched} reaches the target "
                     f"(to {goal}). The best in that range is {v(sol.best)}: {k(sol.best_kpi)} "
                     f"(now {v(sol.current)}: {k(sol.current_kpi)}).")
    elif sol.current_meets:
        lines.append(f"{where}{sol.parameter} = {v(sol.current)} already meets the target (to {goal}): "
                     f"{k(sol.current_kpi)}.")
    else:
        how = f"{sol.direction} " if sol.direction else ""
        lines.append(f"{where}to {goal}, {sol.parameter} must be {how}{v(sol.value)} "
                     f"(now {v(sol.current)}: {k(sol.current_kpi)}; at {v(sol.value)}: "
                     f"{k(sol.kpi_at_value)}).")
    if sol.found:
        r = lambda x: _value(sol, x, months, 6)  # noqa: E731
        spans = "; ".join(r(a) if a == b else f"{r(a)} to {r(b)}" for a, b in sol.intervals)
        lines.append(f"Values that meet it, within {searched}: {spans}.")
    passes = "1 vectorised pass" if sol.passes == 1 else f"{sol.passes} vectorised passes"
    lines.append(f"Searched {sol.candidates:,} candidates in {passes}.")
    return "\n".join(lines)
