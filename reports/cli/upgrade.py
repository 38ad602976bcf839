"""``cashcast upgrade OLD NEW``: write a workbook of any earlier schema in the current one.

The reading is :func:`cashcast.models.reading.upgrading.plan_upgrade`'s; here the plan becomes the
writer's rows and goes through :func:`~cashcast.reports.excel.assumptions.workbook_bytes` (so the upgraded
workbook has whatever the writer gives every workbook: the ``schema_version`` setting, the aids), written
atomically. ``upgrade`` never writes over its input: NEW the same file as OLD is refused, and an existing
NEW unless ``--force`` (exit 2, nothing written). Each change is printed at its cell of OLD.
"""
from __future__ import annotations

import os
from pathlib import Path

from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.specs import SCHEMA_VERSION
from cashcast.models.reading.upgrading import Plan, plan_upgrade

from cashcast.reports.cli.faults import from_os_error
from cashcast.reports.cli.options import UpgradeOptions

EXIT_OK = 0


def refusal(old: Path, new: Path, force: bool) -> Problem | None:
    """Why NEW may not be written (it is OLD, or it exists and ``force`` is not given), or None."""
    same = new.resolve() == old.resolve() or (new.exists() and old.exists() and os.path.samefile(new, old))
    if same:  # the same path, a link to it, or another name of the same file
        return Problem(new.name, "", "", f"{new} is the workbook being upgraded; upgrade never writes over its "
                                         f"input: give another file name for the upgraded workbook")
    if new.exists() and not force:
        return Problem(new.name, "", "", f"{new} already exists; give another file name, or --force to "
                                         f"replace it")
    if new.suffix.lower() != ".xlsx":
        return Problem(new.name, "", "", f"{new} does not end in .xlsx; the upgraded workbook is an .xlsx file")
    return None


def upgraded_bytes(plan: Plan) -> bytes:
    """The plan as an assumption workbook in the current schema (through the one writer)."""
    from cashcast.reports.excel.assumptions import AssumptionRow, CorrelationRow, SourceRow, workbook_bytes
    from cashcast.reports.excel.checks_input import CheckRow

    rows = [AssumptionRow(r["block"], r["kind"], r["parameter"], r["value"], r["unit"], r["low"], r["high"],
                          r["distribution"], r["source"], r["notes"], r["overrides"], r["extra"]) for r in plan.rows]
    correlations = None if plan.correlations is None else [CorrelationRow(**c) for c in plan.correlations]
    checks = None if plan.checks is None else [CheckRow(**c) for c in plan.checks]
    scenarios = plan.scenarios or [("base", "", "")]
    return workbook_bytes(plan.settings, rows, scenarios, guide=plan.guide, correlations=correlations,
                          sources=[SourceRow(**s) for s in plan.sources], checks=checks)


def cmd_upgrade(opts: UpgradeOptions) -> int:
    """Upgrade OLD into NEW and print each change; an already current workbook is reported, not copied."""
    from cashcast.reports.files import write_atomic

    old, new = Path(opts.old), Path(opts.new)
    refused = refusal(old, new, opts.force)
    plan = plan_upgrade(old)
    if plan.problems or refused:
        raise InputError(([refused] if refused else []) + plan.problems)
    if plan.current:
        print(f"{old}: already current (schema {SCHEMA_VERSION}); nothing to upgrade, nothing written")
        return EXIT_OK
    data = upgraded_bytes(plan)
    try:
        write_atomic(new, data)
    except OSError as exc:
        raise from_os_error(new.parent, exc, option="NEW") from exc
    for change in plan.changes:
        print(f"{old.name}:{change}")
    print(f"wrote {new}: schema {SCHEMA_VERSION} (was {plan.version}), {len(plan.changes)} change(s); "
          f"check it with cashcast check {new}")
    return EXIT_OK
