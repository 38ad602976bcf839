"""``cashcast sweep SPEC [--out DIR] [--scheduler tcp://HOST:8786]``: every combination of a spec's
workbooks × scenarios × grid, on Dask; see :mod:`cashcast.reports.sweep`.

Exit 2 (every problem, nothing written) for a bad spec or workbook; the Dask extra missing is an
input problem too, with the command that installs it. Exit 3, as for ``run``, when ``--out`` cannot be
written (a file, a read-only folder, the disk full): the partitions already written are kept.
"""
from __future__ import annotations

import sys
from pathlib import Path

from cashcast.models.reading.problems import InputError, Problem
from cashcast.reports.cli.faults import check_folder, from_os_error
from cashcast.reports.cli.options import SweepOptions

EXIT_OK = 0


def cmd_sweep(opts: SweepOptions) -> int:
    """Read and check the spec and its workbooks, then run every partition not yet written."""
    from cashcast.reports.sweep.spec import plan, read_spec

    spec = read_spec(opts.spec)
    books, combos = plan(spec)
    try:
        from cashcast.reports.sweep.engine import sweep
    except ImportError as exc:
        raise InputError([Problem(opts.spec.name, "", "", f"cashcast sweep needs Dask and pyarrow ({exc.name} is "
                                  "missing): pip install 'cashcast[sweep]'")]) from None
    out = opts.out if opts.out is not None else Path("out") / opts.spec.stem
    check_folder(out)
    try:
        report = sweep(spec, books, combos, out, opts.scheduler, progress=not opts.quiet and sys.stderr.isatty())
    except OSError as exc:
        raise from_os_error(out, exc, "the partitions already written are kept") from exc
    if not opts.quiet:
        print(f"{spec.path.name}: {report.combinations:,} combinations in "
              f"{len(report.computed) + len(report.skipped)} partitions: {len(report.computed)} computed "
              f"({report.chunks:,} chunk tasks), {len(report.skipped)} already written; "
              f"{out / 'summary.csv'}, {out / 'summary.html'}")
    return EXIT_OK
