"""The command line's uncertainty parts: ``run --samples/--seed`` and ``solve``.

``cashcast.reports.cli.main`` registers these; the computation lives in :mod:`cashcast.models.analysis.uncertainty` and
:mod:`cashcast.models.analysis.solve`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.solve import Solution, find_row, parse_range, parse_target, solve
from cashcast.models.analysis.uncertainty import Uncertainty, analyse

from cashcast.reports import fmt

EXIT_OK = 0


def _count(text: str) -> int:
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative; give 0 or more")
    return n


def add_run_options(r: argparse.ArgumentParser) -> None:
    r.add_argument("--samples", type=_count, default=DEFAULT_SAMPLES,
                   help=f"Monte Carlo samples of the first scenario (default {DEFAULT_SAMPLES:,}; 0: none)")
    r.add_argument("--seed", type=_count, default=DEFAULT_SEED,
                   help=f"random seed; the same seed gives identical results (default {DEFAULT_SEED})")


def analyse_run(run: Run, args) -> Uncertainty:
    """Comparison, tornado and simulation for ``run``; a progress bar only when stderr is a terminal."""
    samples = getattr(args, "samples", DEFAULT_SAMPLES)
    seed = getattr(args, "seed", DEFAULT_SEED)
    if samples <= 0 or not sys.stderr.isatty():
        return analyse(run, samples, seed)
    from tqdm import tqdm

    with tqdm(total=samples, unit="path", unit_scale=True, desc="Monte Carlo", file=sys.stderr,
              delay=0.5, leave=False) as bar:
        return analyse(run, samples, seed, progress=bar.update)


def simulation_summary(u: Uncertainty, currency: str) -> list[str]:
    """A few lines for the terminal after the scenario table."""
    out = []
    if u.tornado.bars:
        top = ", ".join(b.parameter for b in u.tornado.bars[:3])
        out.append(f"sensitivity ({u.tornado.scenario}): largest swings from {top}")
    sim = u.simulation
    if sim is None:
        return out
    p = sim.percentiles

    def months(k):
        return "/".join(fmt.month(sim.label(getattr(p[k], q))) for q in ("p10", "p50", "p90"))

    def money(k):
        return "/".join(fmt.money(getattr(p[k], q), currency) for q in ("p10", "p50", "p90"))

    last_year = max(sim.cash_out_by_year)
    out.append(f"Monte Carlo ({sim.scenario}, {sim.samples:,} paths, seed {sim.seed}, "
               f"{len(sim.varied)} assumptions varied): P(cash runs out by end of {last_year}) "
               f"{sim.cash_out_by_year[last_year]:.1%}")
    out.append(f"  P10/P50/P90  cash-out {months('cash_out_month')}; break-even "
               f"{months('break_even_month')}; peak funding need {money('peak_funding_need')}; "
               f"ending cash {money('ending_cash')}")
    return out


# ------------------------------------------------------------------------------------------------
# solve
# ------------------------------------------------------------------------------------------------
def add_solve_command(sub) -> None:
    valid = "; ".join(f"{k.name}: {k.target}" for k in registry.solvable())
    s = sub.add_parser("solve", help="the value of one assumption that reaches a KPI target",
                       description="Vary one assumption of one scenario and report the value that "
                                   f"reaches the target. Targets — {valid}.")
    s.add_argument("workbook")
    s.add_argument("--vary", required=True, metavar="BLOCK.PARAMETER",
                   help="the assumption to change, e.g. 'ChatGPT Plus.conversion'")
    s.add_argument("--target", required=True, metavar="KPI=VALUE",
                   help="e.g. break_even_month=2026-12 or cash_out_month=never")
    s.add_argument("--scenario", default=None, help="scenario to start from (default base)")
    s.add_argument("--range", nargs=2, metavar=("LOW", "HIGH"), default=None,
                   help="search from LOW to HIGH instead of the row's low..high / default range")
    s.add_argument("--json", action="store_true", help="print the result as JSON")
    s.set_defaults(func=cmd_solve)


def cmd_solve(args) -> int:
    from cashcast.models.engine.model import build_model
    from cashcast.models.analysis.scenarios import select_scenarios
    from cashcast.models.reading.workbook import load_workbook

    wb = load_workbook(Path(args.workbook))
    scenario = select_scenarios(wb, [args.scenario] if args.scenario else None)[0]
    row = find_row(wb, args.vary)
    target = parse_target(wb, args.target)
    given = parse_range(wb, row, args.range) if args.range else None
    model = build_model(wb)
    sol = solve(model, scenario, row, target, given)
    if args.json:
        print(json.dumps({"workbook": wb.name, **sol.to_json(wb.months())}, indent=2, ensure_ascii=False))
    else:
        print(describe(sol, wb.months(), wb.settings.currency, wb.name))
    return EXIT_OK


def _value(sol: Solution, x: float | None, months, digits: int = 15) -> str:
    """A parameter value as one would type it: 1.37%, 2025-03, 2,500,000,000 USD."""
    if x is None:
        return "—"
    if sol.dimension == "date":
        from cashcast.models.analysis.batch import month_label
        return month_label(months, x)
    if sol.unit.startswith("%"):
        return f"{float(f'{x * 100:.{min(digits, 13)}g}'):.13g}{sol.unit}"
    return f"{float(f'{x:.{digits}g}'):,.15g} {sol.unit}"


def _kpi(sol: Solution, x: float | None, months, currency: str) -> str:
    from cashcast.models.analysis.batch import month_label

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
    from cashcast.models.analysis.batch import month_label

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
