"""``cashcast new NAME``: write ``assumptions/NAME.xlsx``, a documented starter workbook."""
from __future__ import annotations

from cashcast.models.reading.problems import InputError, Problem

from cashcast.reports.cli.options import NewOptions

EXIT_OK = 0


def cmd_new(opts: NewOptions) -> int:
    """Write the starter; an existing file of that name is never overwritten (exit 2)."""
    from cashcast.reports.excel.assumptions import starter, write_assumption_workbook

    target = opts.dir / f"{opts.name}.xlsx"
    if target.exists():
        raise InputError([Problem(target.name, "", "", f"{target} already exists; choose another name")])
    settings, rows, scenarios = starter(opts.name)
    write_assumption_workbook(target, settings, rows, scenarios, guide=True)
    print(f"wrote {target}: a documented starter (see its Guide sheet); run it with "
          f"cashcast run {target}")
    return EXIT_OK
