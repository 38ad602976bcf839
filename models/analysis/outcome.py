"""The finished result of ``cashcast run``, the one thing every renderer receives.

It lives apart from :mod:`cashcast.models.analysis.pipeline` (which computes it) so that a renderer can
name the type without importing the pipeline, and with it the solver and the simulation
(tests/test_layers.py checks that no renderer does).
"""
from __future__ import annotations

from dataclasses import dataclass

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty


@dataclass(frozen=True)
class Outcome:
    """A finished run: the scenarios evaluated (``run``) and their analysis (comparison, tornado,
    simulation and the solve-for answers, ``analysis``). ``analysis`` is None for a run that was not
    analysed (a library user's or a test's); its reports leave those parts out."""

    run: Run
    analysis: Uncertainty | None = None
