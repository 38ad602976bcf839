"""The whole computation of ``cashcast run``, once: load → validate → build → evaluate → analyse.

:func:`compute` is the one call the command line makes; it returns a :class:`Outcome`, the finished
result that every renderer (Excel, HTML, JSON, CSV, PDF) only formats. Nothing after it evaluates
the model, solves or simulates, so the outputs of one run can never disagree with each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cashcast.models.analysis.scenarios import Run, run_file
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
from cashcast.models.analysis.uncertainty import Uncertainty, analyse


@dataclass(frozen=True)
class Outcome:
    """A finished run: the scenarios evaluated (``run``) and their analysis (comparison, tornado,
    simulation and the solve-for answers, ``analysis``)."""

    run: Run
    analysis: Uncertainty


def compute(workbook: Path | str, scenarios: list[str] | None = None, samples: int = DEFAULT_SAMPLES,
            seed: int = DEFAULT_SEED, progress: Callable[[int], None] | None = None) -> Outcome:
    """Run ``workbook``'s scenarios (all when None) and analyse them; ``samples`` Monte Carlo paths
    of the first scenario (0: none) from ``seed``. ``progress`` is told how many paths were done.

    Raises :class:`cashcast.models.reading.problems.InputError` for a bad workbook, before any
    model is built."""
    run = run_file(Path(workbook), scenarios)
    return Outcome(run, analyse(run, samples, seed, progress=progress))


__all__ = ["Outcome", "compute"]
