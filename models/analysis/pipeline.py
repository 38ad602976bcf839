"""The whole computation of a command, once: load → validate → build → evaluate → analyse (or solve).

:func:`compute` is the one call ``cashcast run`` makes; it returns a :class:`Outcome`, the finished
result that every renderer (Excel, HTML, JSON, CSV, PDF) only formats. Nothing after it evaluates
the model, solves or simulates, so the outputs of one run can never disagree with each other.
:func:`solve_target` is the one call of ``cashcast solve``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file, run_workbook, select_scenarios
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
from cashcast.models.analysis.chance import looks_like_chance, parse_chance_target
from cashcast.models.analysis.extra_round import extra_round, is_shorthand
from cashcast.models.analysis.solve import Solution, find_row, parse_range, parse_target, solve
from cashcast.models.analysis.solve_chance import ChanceSolution, solve_chance
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.engine.model import build_model
from cashcast.models.reading.problems import InputError, Problem, errors_of
from cashcast.models.reading.workbook import Workbook, load_workbook


def compute(workbook: Path | str | Workbook, scenarios: list[str] | None = None, samples: int = DEFAULT_SAMPLES,
            seed: int = DEFAULT_SEED, progress: Callable[[int], None] | None = None,
            strict: bool = False) -> Outcome:
    """Run ``workbook``'s scenarios (all when None) and analyse them; ``samples`` Monte Carlo paths
    of the first scenario (0: none) from ``seed``; ``workbook`` is a path or a Workbook read already. ``progress`` is told how many paths were done;
    ``strict`` refuses a workbook with warnings as one with errors.

    Raises :class:`cashcast.models.reading.problems.InputError` for a bad workbook, before any
    model is built."""
    if isinstance(workbook, Workbook):  # read already (the Python API's cashcast.load)
        if errors_of(workbook.warnings, strict):
            raise InputError(list(workbook.warnings))
        run = run_workbook(workbook, scenarios)
    else:
        run = run_file(Path(workbook), scenarios, strict)
    with np.errstate(all="ignore"):  # draws stay within the reading bounds; see run_workbook
        return Outcome(run, analyse(run, samples, seed, progress=progress))


@dataclass(frozen=True)
class Solved:
    """A finished solve-for: the workbook read (with ``--vary funding``, its copy holding the extra
    round) and the :class:`~cashcast.models.analysis.solve.Solution` (a ``KPI=VALUE`` target) or
    :class:`~cashcast.models.analysis.solve_chance.ChanceSolution` (a probability or percentile)."""

    workbook: Workbook
    solution: Solution | ChanceSolution


def solve_target(workbook: Path | str, vary: str, target: str, scenario: str | None = None,
                 search_range: tuple[str, str] | None = None, samples: int = DEFAULT_SAMPLES,
                 seed: int = DEFAULT_SEED, month: str | None = None, amount: str | None = None) -> Solved:
    """Vary ``vary`` ('BLOCK.PARAMETER', or 'funding': an extra round at ``month`` of ``amount``) of
    ``scenario`` (None: base) until ``target`` is met: 'KPI=VALUE' on the scenario itself, or a
    probability / percentile on its Monte Carlo of ``samples`` paths from ``seed``; over
    ``search_range`` (LOW, HIGH as typed) or the row's range. Every text is checked against the
    workbook first: a bad one raises InputError, as a bad workbook does."""
    wb = load_workbook(Path(workbook))
    name = select_scenarios(wb, [scenario] if scenario else None)[0]
    chance = looks_like_chance(target)
    goal = parse_chance_target(wb, target) if chance else parse_target(wb, target)
    if chance and samples < 1:
        raise InputError([Problem(wb.name, "", "", "--samples must be 1 or more for a probability target")])
    default = None
    if not is_shorthand(vary) and (month is not None or amount is not None):
        raise InputError([Problem(wb.name, "", "", "--month and --amount describe the extra round of "
                                                   "--vary funding; with --vary BLOCK.PARAMETER leave them out")])
    if is_shorthand(vary):
        wb, row, default = extra_round(wb, name, month, amount, samples if chance else 0, seed)
    else:
        row = find_row(wb, vary)
    given = parse_range(wb, row, list(search_range)) if search_range else default
    with np.errstate(all="ignore"):
        model = build_model(wb)
        sol = (solve_chance(model, name, row, goal, samples, seed, given) if chance
               else solve(model, name, row, goal, given))
    if default is not None and not search_range:
        sol.range_source = "default range of --vary funding"
    return Solved(wb, sol)


__all__ = ["Outcome", "Solved", "compute", "solve_target"]
