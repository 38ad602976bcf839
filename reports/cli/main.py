"""The command line: ``cashcast run | check | new | solve``: the parser, the dispatch and the exit codes.

Each command lives in a module of its own (:mod:`~cashcast.reports.cli.run`, ``check``, ``new``,
``solve``) and receives the typed options of :mod:`cashcast.reports.cli.options`, never the argparse
namespace.

Exit status (the README's table; the numbers live in :mod:`~cashcast.reports.cli.faults`): 0 done,
1 internal error (a traceback only with ``--debug``), 2 bad input (every problem listed, nothing
written), 3 the outputs could not be written (earlier reports unchanged), 130 / 143 interrupted by
Ctrl-C / SIGTERM, 4 a check of ``cashcast test`` failed, 141 the reader of standard output went away (``| head -1``).
"""
from __future__ import annotations

import argparse
import errno
import sys
import traceback

import importlib

from cashcast.reports.cli.manners import add_manners, dumps, problems_summary
from cashcast.reports.cli.faults import (EXIT_INPUT, EXIT_INTERNAL, EXIT_OK,  # noqa: F401 (re-exported)
                                         EXIT_OUTPUT, EXIT_PIPE, OutputError, interrupted_status, reader_gone,
                                         say, silence_stdout, stop_signals_raise)

# Each command's module is imported when the command runs, so that `--version` reads no model code and
# `check` none of the reports' (matplotlib, XlsxWriter, Jinja2 are imported by the stages that use them).
COMMANDS = {"run": "run:cmd_run", "check": "check:cmd_check", "new": "new:cmd_new", "solve": "solve:cmd_solve",
            "explain": "explain:cmd_explain", "diff": "diff:cmd_diff", "test": "test:cmd_test",
            "sweep": "sweep:cmd_sweep", "upgrade": "upgrade:cmd_upgrade"}


def command(name: str):
    """The function of command ``name`` (its module imported now)."""
    module, function = COMMANDS[name].split(":")
    return getattr(importlib.import_module(f"cashcast.reports.cli.{module}"), function)


def version() -> str:
    """``cashcast X.Y.Z``, as ``--version`` prints it."""
    from cashcast import __version__

    return f"cashcast {__version__}"


def add_run(sub) -> None:
    from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
    from cashcast.reports.cli.options import count

    r = sub.add_parser("run", help="run a workbook and write the reports")
    r.add_argument("workbook")
    r.add_argument("--out", default="out", help="output folder (default out/)")
    r.add_argument("--scenario", dest="scenarios", nargs="+", action="extend",
                   help="scenarios to run (default: all)")
    r.add_argument("--samples", type=count, default=DEFAULT_SAMPLES,
                   help=f"Monte Carlo samples of the first scenario (default {DEFAULT_SAMPLES:,}; 0: none)")
    r.add_argument("--seed", type=count, default=DEFAULT_SEED,
                   help=f"random seed; the same seed gives identical results (default {DEFAULT_SEED})")
    r.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the HTML and Excel reports: en (default) or zh (Chinese)")
    r.add_argument("--pdf", action="store_true", help="also print the HTML report to DIR/<stem>.pdf "
                   "(headless Chromium)")
    r.add_argument("--jobs", type=positive, default=None, help="processes drawing the HTML report's "
                   "charts (default: one per usable CPU); the reports are the same whatever the number")
    add_strict(r)
    add_manners(r)


def positive(text: str) -> int:
    """A whole number of 1 or more, for argparse."""
    from cashcast.reports.cli.options import count

    n = count(text)
    if n < 1:
        raise argparse.ArgumentTypeError("give 1 or more")
    return n


def add_strict(command) -> None:
    command.add_argument("--strict", action="store_true", help="treat warnings (valid but probably "
                         "mistyped input) as errors: exit 2")


def add_check_and_new(sub) -> None:
    c = sub.add_parser("check", help="validate a workbook; exit 0 or 2")
    c.add_argument("workbook")
    add_strict(c)
    add_manners(c)
    n = sub.add_parser("new", help="write assumptions/NAME.xlsx, a documented starter")
    n.add_argument("name")
    n.add_argument("--dir", default="assumptions", help="folder for the new workbook (default assumptions/)")


def add_solve(sub) -> None:
    from cashcast.models.analysis import kpis as registry
    from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
    from cashcast.reports.cli.options import count

    valid = "; ".join(f"{k.name}: {k.target}" for k in registry.solvable())
    s = sub.add_parser("solve", help="the value of one assumption that reaches a KPI or probability target",
                       description="Vary one assumption of one scenario and report the value that "
                                   f"reaches the target. Targets — {valid}; or on the Monte Carlo: "
                                   "'P(KPI OP VALUE) OP PCT%%' or 'pQ.KPI OP VALUE' (OP: <=, <, >=, >).")
    s.add_argument("workbook")
    s.add_argument("--vary", required=True, metavar="BLOCK.PARAMETER|funding",
                   help="the assumption to change, e.g. 'ChatGPT Plus.conversion' or settings.opening_cash; "
                        "'funding': an extra round (with --month, its amount is searched; with --amount, its month)")
    s.add_argument("--target", required=True, metavar="TARGET",
                   help="e.g. break_even_month=2026-12, cash_out_month=never, "
                        "'P(cash_out_month <= 2026-12) <= 10%%', 'p10.runway_months >= 24'")
    s.add_argument("--scenario", default=None, help="scenario to start from (default base)")
    s.add_argument("--range", dest="search_range", nargs=2, metavar=("LOW", "HIGH"), default=None,
                   help="search from LOW to HIGH instead of the row's low..high / default range")
    s.add_argument("--samples", type=count, default=DEFAULT_SAMPLES,
                   help=f"Monte Carlo samples for a probability or percentile target (default {DEFAULT_SAMPLES:,})")
    s.add_argument("--seed", type=count, default=DEFAULT_SEED,
                   help=f"random seed; the same seed gives the same answer (default {DEFAULT_SEED})")
    s.add_argument("--month", default=None, metavar="YYYY-MM", help="with --vary funding: the extra "
                   "round's month (its amount is searched)")
    s.add_argument("--amount", default=None, metavar="AMOUNT", help="with --vary funding: the extra "
                   "round's amount, e.g. 5B (the latest month that meets the target is searched)")
    s.add_argument("--json", action="store_true", help="print the result as JSON")


def add_explain_and_diff(sub) -> None:
    e = sub.add_parser("explain", help="a line's formula, value and the tree of what it depends on",
                       description="Print LINE's formula (in the workbook's names), its value in a month "
                                   "and every line, assumption and setting it depends on, with cells.")
    e.add_argument("workbook")
    e.add_argument("line", help="a line's name (chatgpt_plus.revenue, closing_cash) or label")
    e.add_argument("--month", default=None, metavar="YYYY-MM", help="the month (default: the last)")
    e.add_argument("--scenario", default=None, help="the scenario (default base)")
    e.add_argument("--json", action="store_true", help="print the tree as JSON")
    d = sub.add_parser("diff", help="what changed between two workbooks, and what it did to the KPIs",
                       description="Assumptions, settings and scenarios added, removed and changed, and a "
                                   "KPI bridge per scenario. With --textconv FILE: a stable text form of "
                                   "one workbook, for git's diff.cashcast.textconv.")
    d.add_argument("old", nargs="?", help="the earlier workbook")
    d.add_argument("new", nargs="?", help="the later workbook")
    d.add_argument("--textconv", default=None, metavar="FILE", help="print FILE as text (a git textconv)")
    d.add_argument("--json", action="store_true", help="print the comparison as JSON")


def add_test(sub) -> None:
    t = sub.add_parser("test", help="evaluate the workbooks' Checks sheets; exit 0 all pass, 4 one fails, 2 bad input")
    t.add_argument("workbooks", nargs="+", metavar="WORKBOOK")
    add_strict(t)
    add_manners(t)


def add_sweep(sub) -> None:
    w = sub.add_parser("sweep", help="every combination of workbooks × scenarios × a parameter grid, on Dask",
                       description="Evaluate a sweep spec (TOML: workbooks, scenarios, grid, samples, seed, "
                                   "chunk) into a Parquet dataset partitioned by workbook and scenario, "
                                   "and a summary (CSV, HTML). Re-running resumes.")
    w.add_argument("spec", help="the sweep spec, e.g. sweep.toml")
    w.add_argument("--out", default=None, help="output folder (default out/<spec stem>/)")
    w.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786",
                   help="a Dask distributed scheduler (default: Dask's local scheduler in this process)")
    w.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary line")


def add_upgrade(sub) -> None:
    u = sub.add_parser("upgrade", help="write a workbook of an earlier schema in the current one",
                       description="Read OLD (any earlier schema), write NEW in the current one with every "
                                   "value, source, note and extra column kept, free-text sources moved to a "
                                   "Sources register; print each change. OLD is never written.")
    u.add_argument("old", metavar="OLD", help="the workbook to upgrade (left unchanged)")
    u.add_argument("new", metavar="NEW", help="the .xlsx file to write")
    u.add_argument("--force", action="store_true", help="replace NEW if it exists (never OLD)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cashcast", description="Assumption workbooks → cash-flow, "
                                "break-even and runway models and investor reports.")
    p.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    p.add_argument("--version", action="version", version=version())
    sub = p.add_subparsers(dest="command", required=True)
    add_run(sub)
    add_check_and_new(sub)
    add_solve(sub)
    add_explain_and_diff(sub)
    add_test(sub)
    add_sweep(sub)
    add_upgrade(sub)
    return p


def dispatch(args: argparse.Namespace, debug: bool) -> int:
    """Run the command with its typed options; map every failure to an exit status and a message."""
    from cashcast.models.reading.problems import InputError
    from cashcast.reports.cli.options import from_namespace

    try:
        return command(args.command)(from_namespace(args))
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written.", file=sys.stderr)
        if getattr(args, "json", False) and args.command in ("run", "check", "test"):
            print(dumps(problems_summary(args.command, exc.problems, EXIT_INPUT)))
        return EXIT_INPUT
    except OutputError as exc:
        say(str(exc))
        return EXIT_OUTPUT
    except (KeyboardInterrupt, BrokenPipeError):
        raise  # main() ends these the same way wherever they happen
    except Exception as exc:  # the last line of defence: no traceback unless asked
        if debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """The ``cashcast`` console script (and ``python -m cashcast``): parse, run, return the exit status.

    Ctrl-C and SIGTERM end with 130 and 143 after the run's cleanup (the earlier reports stand); a
    closed standard output (``| head -1``, ``| true``) ends quietly with 141, also for ``--help``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if debug:
        argv.remove("--debug")
    try:
        with stop_signals_raise():
            status = parse_and_dispatch(argv, debug)
            sys.stdout.flush()  # a closed pipe shows here, while it can still be handled
            return status
    except BrokenPipeError:
        silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt as exc:
        say("interrupted; nothing more was written.")
        return interrupted_status(exc)


def parse_and_dispatch(argv: list[str], debug: bool) -> int:
    """Parse (``--help`` and ``--version`` print and exit here) and run the command."""
    if argv == ["--version"]:  # what argparse would print, without building the commands' parsers
        print(version())
        return EXIT_OK
    try:
        args = parser().parse_args(argv)
    except SystemExit:
        sys.stdout.flush()  # --help into a closed pipe: BrokenPipeError now, not at exit
        if reader_gone():
            raise BrokenPipeError(errno.EPIPE, "the reader of --help has gone") from None
        raise
    return dispatch(args, debug)


if __name__ == "__main__":
    sys.exit(main())
