"""``cashcast new NAME``: write ``assumptions/NAME.xlsx``, a documented starter workbook."""
from __future__ import annotations

from cashcast.models.reading.problems import InputError, Problem

from cashcast.reports.cli.faults import check_folder, from_os_error
from cashcast.reports.cli.options import NewOptions

EXIT_OK = 0


def cmd_new(opts: NewOptions) -> int:
    """Write the starter; an existing file of that name is never overwritten (exit 2), a folder that
    cannot be written is an OutputError (exit 3)."""
    from cashcast.reports.excel.assumptions import starter, starter_sources, write_assumption_workbook

    check_folder(opts.dir, "--dir")
    target = opts.dir / f"{opts.name}.xlsx"
    if target.exists():
        raise InputError([Problem(target.name, "", "", f"{target} already exists; choose another name")])
    settings, rows, scenarios = starter(opts.name)
    try:
        write_assumption_workbook(target, settings, rows, scenarios, guide=True, sources=starter_sources())
    except OSError as exc:
        raise from_os_error(opts.dir, exc, option="--dir") from exc
    print(f"wrote {target}: a documented starter (see its Guide sheet); run it with "
          f"cashcast run {target}")
    print("scenarios: a value in a scenario's column fixes that row in the scenario; a range such as "
          "15%..20% there is the scenario's own range for the simulation and the tornado")
    return EXIT_OK
