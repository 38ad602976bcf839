"""The command line: ``cashcast run | check | new | solve``.

Exit status: 0 done, 2 bad input (every problem listed, nothing written), 1 internal error (a
traceback only with ``--debug``).
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from cashcast import __version__
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.scenarios import Run, run_file
from cashcast.models.reading.workbook import load_workbook

from cashcast.reports import fmt
from cashcast.reports.outputs import json_text, csv_text
from cashcast.reports.files import write_atomic
from cashcast.reports.cli.uncertainty import Uncertainty, add_run_options, add_solve_command, analyse_run, \
    simulation_summary

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def summary_text(kpi, x, currency: str) -> str:
    """A KPI's JSON value in the printed summary: a month, a runway, or an amount."""
    if kpi.kind == "month":
        return fmt.month(x)
    if kpi.kind == "months":
        return "never runs out" if x is None else f"{x} months"
    if kpi.kind == "rate":
        return fmt.percent(x) if x is not None else "n/a"
    return fmt.money(x, currency)


def summary_table(run: Run) -> str:
    """The compact per-scenario summary printed by ``run``."""
    from cashcast.reports.tables import scenario_kpis

    cur = run.workbook.settings.currency
    shown = [k for k in registry.KPIS if k.summary]
    head = ("scenario", *(k.phrase for k in shown))
    rows = [head]
    for j, name in enumerate(run.scenarios):
        k = scenario_kpis(run, j)
        rows.append((name, *(summary_text(kpi, k[kpi.name], cur) for kpi in shown)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def render_outputs(run: Run, stem: str, args,
                   analysis: Uncertainty | None = None) -> dict[str, bytes | str]:
    """Every output of ``run`` rendered in memory first, so a failure writes nothing."""
    analysis = analysis if analysis is not None else analyse_run(run, args)
    outputs: dict[str, bytes | str] = {f"{stem}.json": json_text(run, analysis.to_json()),
                                       f"{stem}.csv": csv_text(run)}
    from cashcast.reports.excel.report import excel_bytes
    outputs[f"{stem}.xlsx"] = excel_bytes(run, analysis)
    from cashcast.reports.html.page import html_report
    outputs[f"{stem}.html"] = html_report(run, analysis)
    if getattr(args, "pdf", False):
        from cashcast.reports.html.pdf import html_to_pdf
        outputs[f"{stem}.pdf"] = html_to_pdf(outputs[f"{stem}.html"])
    return outputs


def cmd_run(args) -> int:
    path = Path(args.workbook)
    run = run_file(path, args.scenario)
    analysis = analyse_run(run, args)
    out_dir = Path(args.out)
    outputs = render_outputs(run, path.stem, args, analysis)
    for name, data in outputs.items():
        write_atomic(out_dir / name, data)
    print(f"{run.workbook.name}: {run.workbook.settings.horizon_months} months from "
          f"{run.workbook.settings.start_month:%b %Y}, {len(run.model.lines)} lines")
    print(summary_table(run))
    print("\n".join(simulation_summary(analysis, run.workbook.settings.currency)))
    print("wrote " + ", ".join(str(out_dir / n) for n in outputs))
    return EXIT_OK


def cmd_check(args) -> int:
    from cashcast.models.engine.model import build_model

    wb = load_workbook(args.workbook)
    model = build_model(wb)
    print(f"{wb.name}: OK — {len(wb.rows)} assumptions in {len(wb.blocks)} blocks, "
          f"{len(model.lines)} lines, scenarios: {', '.join(wb.scenario_names)}")
    return EXIT_OK


def cmd_new(args) -> int:
    from cashcast.reports.excel.assumptions import starter, write_assumption_workbook

    folder = Path(args.dir)
    target = folder / f"{args.name}.xlsx"
    if target.exists():
        raise InputError([Problem(target.name, "", "", f"{target} already exists; choose another name")])
    settings, rows, scenarios = starter(args.name)
    write_assumption_workbook(target, settings, rows, scenarios, guide=True)
    print(f"wrote {target}: a documented starter (see its Guide sheet); run it with "
          f"cashcast run {target}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cashcast", description="Assumption workbooks → cash-flow, "
                                "break-even and runway models and investor reports.")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a workbook and write the reports")
    r.add_argument("workbook")
    r.add_argument("--out", default="out", help="output folder (default out/)")
    r.add_argument("--scenario", nargs="+", action="extend", help="scenarios to run (default: all)")
    add_run_options(r)
    r.add_argument("--pdf", action="store_true", help="also print the HTML report to DIR/<stem>.pdf "
                   "(headless Chromium)")
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("check", help="validate a workbook; exit 0 or 2")
    c.add_argument("workbook")
    c.set_defaults(func=cmd_check)
    n = sub.add_parser("new", help="write assumptions/NAME.xlsx, a documented starter")
    n.add_argument("name")
    n.add_argument("--dir", default="assumptions", help="folder for the new workbook (default assumptions/)")
    n.set_defaults(func=cmd_new)
    add_solve_command(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if debug:
        argv.remove("--debug")
    args = parser().parse_args(argv)
    args.debug = debug
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; nothing more was written.", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # the last line of defence: no traceback unless asked
        if debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
