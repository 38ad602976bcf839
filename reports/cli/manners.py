"""Command-line manners shared by ``run`` and ``check``: ``--quiet`` and ``--json``.

``--quiet`` prints nothing on standard output (no summary, no progress bar); problems and warnings
still go to standard error, and the exit status says how it went. ``--json`` prints one JSON object on
standard output instead of the summary table, for scripts (the README's "Machine-readable summary"
documents it); every object carries ``schema`` (:data:`SCHEMA`), ``command``, ``status`` ("ok" or
"bad input") and ``exit`` (the exit status that follows). A bad workbook still lists its problems
on standard error, line by line, as without ``--json``.
"""
from __future__ import annotations

import json

SCHEMA = "cashcast.summary/1"  # bumped when a key changes meaning or goes away (new keys may appear)


def add_manners(command) -> None:
    """``--quiet`` and ``--json`` on a command's parser (one or the other)."""
    group = command.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print nothing on standard output "
                       "(problems and warnings still go to standard error; the exit status tells)")
    group.add_argument("--json", action="store_true", help="print a machine-readable summary on "
                       "standard output (schema in the README)")


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def run_summary(outcome, out, outputs) -> dict:
    """``cashcast run --json``: the files written, the warnings, each scenario's KPIs (as in
    ``<stem>.json``) and, with a simulation, each simulated KPI's P10/P50/P90."""
    from cashcast.reports.tables import scenario_kpis

    run = outcome.run
    simulations = outcome.analysis.simulations if outcome.analysis is not None else {}
    return {"schema": SCHEMA, "command": "run", "status": "ok", "exit": 0, "workbook": run.workbook.name,
            "outputs": [str(out / name) for name in outputs],
            "warnings": [w.to_json() for w in run.workbook.warnings],
            "scenarios": {name: scenario_kpis(run, j) for j, name in enumerate(run.scenarios)},
            "simulation": {name: {"samples": sim.samples, "seed": sim.seed,
                                  "percentiles": {k: {q: v[q] for q in ("p10", "p50", "p90")}
                                                  for k, v in sim.to_json()["kpis"].items()}}
                           for name, sim in simulations.items()}}


def check_summary(workbook, model) -> dict:
    """``cashcast check --json``: what the workbook holds, and its warnings."""
    return {"schema": SCHEMA, "command": "check", "status": "ok", "exit": 0, "workbook": workbook.name,
            "assumptions": len(workbook.rows), "blocks": len(workbook.blocks), "lines": len(model.lines),
            "scenarios": list(workbook.scenario_names),
            "warnings": [w.to_json() for w in workbook.warnings]}


def problems_summary(command: str, problems, status: int) -> dict:
    """A bad workbook under ``--json``: every problem, as ``cashcast check`` prints it and located."""
    return {"schema": SCHEMA, "command": command, "status": "bad input", "exit": status,
            "workbook": problems[0].workbook if problems else None,
            "problems": [{**p.to_json(), "severity": p.severity} for p in problems]}
