"""The plain-language answer of a probability or percentile solve (``cashcast solve --target
"P(...) <= 10%"``): the value, the achieved figure with its 95% sampling-error interval at the answer
and at the current value, the values that meet, and how the search went."""
from __future__ import annotations

import math

from cashcast.models.analysis.batch import month_label
from cashcast.models.analysis.extra_round import SOURCE
from cashcast.models.analysis.solve_chance import ChanceSolution
from cashcast.models.reading.data import Workbook, ordinal_to_date, slugify
from cashcast.reports import fmt
from cashcast.reports.cli.solve import _value


def statistic(sol: ChanceSolution, x: float | None, months, currency: str) -> str:
    """A probability as '9.87%', a percentile as its KPI ('Jun 2027', '26 months', '$1.2B')."""
    t = sol.target
    if x is None:
        return "—"
    if t.is_probability:
        return fmt.percent(x, 2)
    figure = t.figure
    if figure.is_date:
        return fmt.month(month_label(months, x))
    if figure.kind == "months":
        return "never" if not math.isfinite(x) else fmt.months(int(x))
    return fmt.money(x, currency, 2)


def _figure(sol: ChanceSolution, x: float | None, ci, months, currency: str) -> str:
    """'P(cash_out_month <= 2026-12) = 9.87% (95%: 9.30%–10.46%)'."""
    t = sol.target
    name = f"P({t.kpi} {t.op} {t.value})" if t.is_probability else f"p{t.q}.{t.kpi}"
    shown = statistic(sol, x, months, currency)
    if ci is None:
        return f"{name} = {shown}"
    lo, hi = (statistic(sol, c if math.isfinite(c) else None, months, currency) for c in ci)
    if not t.is_probability and t.figure.is_month:
        lo, hi = (("never" if v == "—" else v) for v in (lo, hi))
    return f"{name} = {shown} (95% sampling interval {lo} to {hi})"


def extra_round_note(wb: Workbook, parameter: str) -> str | None:
    """What the extra round of ``--vary funding`` is, when ``parameter`` is one of its rows."""
    block = wb.blocks.get(slugify(parameter.rpartition(".")[0]))
    amount = block.rows.get("amount") if block is not None else None
    if amount is None or amount.source != SOURCE:
        return None
    if parameter.endswith(".amount"):
        when = ordinal_to_date(int(block.rows["month"].value))
        return f"{block.name}: a funding round added by --vary funding in {fmt.month_of(when)}; its amount is searched."
    return (f"{block.name}: a funding round of {fmt.money(amount.value, wb.settings.currency)} added by "
            f"--vary funding; its month is searched (the answer is the latest month that meets the target).")


def describe_chance(sol: ChanceSolution, months, currency: str, workbook: str = "") -> str:
    """The answer printed by ``cashcast solve`` for a probability or percentile target."""
    v = lambda x: _value(sol, x, months)  # noqa: E731
    fig = lambda x, ci: _figure(sol, x, ci, months, currency)  # noqa: E731
    where = f"{workbook}, scenario {sol.scenario}" if workbook else f"scenario {sol.scenario}"
    searched = f"{v(sol.low)} to {v(sol.high)} ({sol.range_source})"
    now = f"now {v(sol.current)}: {fig(sol.current_stat, sol.current_ci)}"
    lines = []
    if not sol.found:
        lines.append(f"{where}: no value of {sol.parameter} from {searched} meets {sol.target.text}. "
                     f"The closest in that range is {v(sol.best)}: {fig(sol.best_stat, None)} ({now}).")
    elif sol.value is None:
        lines.append(f"{where}: every value of {sol.parameter} from {searched} meets {sol.target.text} "
                     f"({now}).")
    else:
        how = f"{sol.direction} " if sol.direction else ""
        verb = ("already meets it; it still does" if sol.current_meets else "must be")
        lines.append(f"{where}: for {sol.target.text}, {sol.parameter} {verb} {how}{v(sol.value)}.")
        lines.append(f"  At {v(sol.value)}: {fig(sol.stat_at_value, sol.ci_at_value)}.")
        lines.append(f"  Now {v(sol.current)}: {fig(sol.current_stat, sol.current_ci)}.")
    if sol.found:
        r = lambda x: _value(sol, x, months, 6)  # noqa: E731
        spans = "; ".join(r(a) if a == b else f"{r(a)} to {r(b)}" for a, b in sol.intervals)
        lines.append(f"Values that meet it, within {searched}: {spans}.")
    drawn = f"{len(sol.drawn)} assumption{'s' if len(sol.drawn) != 1 else ''} drawn"
    lines.append(f"{sol.samples:,} samples, seed {sol.seed}, the same draws for every candidate ({drawn}; "
                 f"{sol.parameter} fixed at each candidate). Searched {sol.candidates:,} candidates in "
                 f"{sol.passes} vectorised passes.")
    return "\n".join(lines)


__all__ = ["describe_chance", "extra_round_note", "statistic"]
