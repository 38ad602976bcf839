"""Benchmark: ``cashcast run`` of the flagship, end to end and stage by stage (goal: a 2 s median).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_run.py [--repeat N] [--pdf] [--big]``.
Every figure is the median of ``--repeat`` runs (default 5), wall-clock and CPU seconds (CPU includes
the worker processes that drew charts); the machine's load average is printed with them, since on a
shared machine the wall time follows the load. It prints:

1. **end to end**: ``cashcast run assumptions/openai.xlsx --out TMP`` as a fresh process, at the default
   samples, without PDF (the goal), then with ``--jobs 1`` (charts drawn one after the other in the
   main process); ``--before PATH`` also times another checkout's ``cashcast`` (its ``.venv``), e.g.
   the code before this work, on the same machine at the same time, the runs interleaved;
2. **per stage**, in this process: imports (a fresh interpreter importing what ``run`` uses), load
   (read and validate the workbook), evaluate (build the model, every scenario, the KPIs), simulate
   (the tornadoes and the Monte Carlo at the default samples), Excel (the .xlsx bytes; also with
   XlsxWriter's own formula preparation, the old way: the bytes must be the same), HTML (charts
   drawn in this process and by one process per CPU), the charts alone (drawn in this process) and,
   with ``--pdf``, the PDF (Chromium);
3. with ``--big``: a generated workbook of 200 blocks (25 copies of the flagship's 8) over 600 months,
   its Excel report written once (``--big-old`` also the old way, which takes minutes).

Timings are measurements, not assertions.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"
GOAL = 2.0
IMPORTS = ("import cashcast.reports.cli.main, cashcast.reports.cli.run, cashcast.reports.excel.report, "
           "cashcast.reports.html.page")


def cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn, repeat: int):
    """(last result, median wall seconds, median CPU seconds) of ``repeat`` calls."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), cpu()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(cpu() - c)
    return out, statistics.median(walls), statistics.median(cpus)


def load() -> str:
    return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def row(label: str, wall: float, cpu_s: float, note: str = "") -> None:
    print(f"  {label:<34}{wall:7.3f} s wall {cpu_s:7.3f} s CPU  {note}".rstrip())


def end_to_end(repeat: int, before: Path | None) -> None:
    """The command as a user runs it, in a fresh process each time; the commands interleaved."""
    commands = {"cashcast run": [str(ROOT / ".venv" / "bin" / "cashcast")],
                "cashcast run --jobs 1": [str(ROOT / ".venv" / "bin" / "cashcast"), "--jobs", "1"]}
    if before is not None:
        commands["before: cashcast run"] = [str(before / ".venv" / "bin" / "cashcast")]
    times = {name: ([], []) for name in commands}
    with tempfile.TemporaryDirectory(prefix="cashcast-bench-") as tmp:
        for _ in range(repeat):
            for name, (exe, *extra) in commands.items():
                w, c = time.perf_counter(), cpu()
                subprocess.run([exe, "run", str(FLAGSHIP), "--out", tmp, *extra], check=True,
                               stdout=subprocess.DEVNULL, cwd=tmp)
                times[name][0].append(time.perf_counter() - w)
                times[name][1].append(cpu() - c)
    print(f"end to end, {FLAGSHIP.name}, default samples, no PDF (median of {repeat}; {load()}):")
    for name, (walls, cpus) in times.items():
        wall = statistics.median(walls)
        verdict = "within the 2 s goal" if wall <= GOAL else f"{wall / GOAL:.1f}× the 2 s goal"
        row(name, wall, statistics.median(cpus), f"{verdict}; runs {', '.join(f'{x:.2f}' for x in walls)}")


def imports(repeat: int) -> None:
    """A fresh interpreter importing what ``run`` uses, less the interpreter's own start."""
    python = str(ROOT / ".venv" / "bin" / "python")

    def start(code: str) -> tuple[float, float]:
        return measure(lambda: subprocess.run([python, "-c", code], check=True), repeat)[1:]

    bare, full = start("pass"), start(IMPORTS)
    version = start("import contextlib, io, sys; sys.argv = ['cashcast', '--version']\n"
                    "from cashcast.reports.cli.main import main\n"
                    "with contextlib.redirect_stdout(io.StringIO()): main()")
    row("imports (run)", full[0] - bare[0], full[1] - bare[1],
        f"the interpreter's start ({bare[0]:.3f} s wall, {bare[1]:.3f} s CPU) not counted")
    row("cashcast --version", *version, "with the interpreter's start")


def formula_cells(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(zf.read(n).count(b"<f>") for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


def stages(repeat: int, pdf: bool) -> None:
    """Each stage of ``run`` in this process, its inputs computed once by the stage before."""
    from xlsxwriter.worksheet import Worksheet

    from cashcast.models.analysis.outcome import Outcome
    from cashcast.models.analysis.scenarios import run_workbook
    from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED
    from cashcast.models.analysis.uncertainty import analyse
    from cashcast.models.reading.workbook import load_workbook
    from cashcast.reports.excel.report import excel_bytes
    from cashcast.reports.html.page import html_report
    from cashcast.reports.html.render import usable_cpus
    from cashcast.reports.tables import summary

    print(f"per stage, {FLAGSHIP.name} (median of {repeat}; {load()}):")
    imports(repeat)
    wb, wall, c = measure(lambda: load_workbook(FLAGSHIP), repeat)
    row("load (read + validate)", wall, c)
    run, wall, c = measure(lambda: run_workbook(wb), repeat)
    row("evaluate (model, scenarios, KPIs)", wall, c, f"{len(run.scenarios)} scenarios × {run.model.horizon} months")
    analysis, wall, c = measure(lambda: analyse(run, DEFAULT_SAMPLES, DEFAULT_SEED), repeat)
    row("simulate (tornadoes, Monte Carlo)", wall, c, f"{DEFAULT_SAMPLES:,} samples")
    data, wall, c = measure(lambda: excel_bytes(run, analysis), repeat)
    row("Excel", wall, c, f"{formula_cells(data):,} formula cells")
    old, wall, c = measure(lambda: excel_bytes(run, analysis, worksheet_class=Worksheet), repeat)
    row("Excel, XlsxWriter's preparation", wall, c, f"the same bytes: {old == data}")
    outcome = Outcome(run, analysis)
    table = summary(run)
    html, wall, c = measure(lambda: html_report(outcome, table, jobs=1), repeat)
    row("HTML, charts in this process", wall, c, f"{html.count('<svg')} charts")
    charts(outcome, table, repeat)
    jobs = usable_cpus()
    again, wall, c = measure(lambda: html_report(outcome, table, jobs=jobs), repeat)
    row(f"HTML, charts by {jobs} processes", wall, c, f"the same bytes: {again == html}")
    if pdf:
        from cashcast.reports.html.pdf import html_to_pdf
        doc, wall, c = measure(lambda: html_to_pdf(html), repeat)
        row("PDF (Chromium)", wall, c, f"{len(doc) / 1024:,.0f} KiB; Chromium's own CPU not counted")


def charts(outcome, table, repeat: int) -> None:
    """The HTML report's charts alone, drawn one after the other in this process (as ``--jobs 1``)."""
    from cashcast.reports.html.measure_once import measure_once
    from cashcast.reports.html.page import report_context
    from cashcast.reports.html.render import deferred, seldom_collected

    with deferred() as pending:
        report_context(outcome, table)

    def draw():
        with measure_once(), seldom_collected():  # as the report draws them
            return [chart.draw() for chart in pending]

    drawn, wall, c = measure(draw, repeat)
    figures = sum(len(getattr(chart, "panels", [chart])) for chart in drawn)
    row("the charts alone, in this process", wall, c, f"{len(pending)} charts, {figures} figures, "
        f"{1000 * c / figures:.0f} ms CPU a figure")


def big_workbook(folder: Path, copies: int = 25, months: int = 600) -> Path:
    """The flagship's blocks ``copies`` times over (names numbered), over ``months`` months."""
    sys.path.insert(0, str(ROOT / "assumptions"))
    import make_examples

    from cashcast.reports.excel.assumptions import AssumptionRow, write_assumption_workbook

    settings, rows, scenarios = make_examples.openai()
    settings = [(k, months if k == "horizon_months" else v, note) for k, v, note in settings]
    many = [AssumptionRow(f"{r.block} {k + 1}", r.kind, r.parameter, r.value, r.unit, r.low, r.high,
                          r.distribution, r.source, r.notes, dict(r.overrides))
            for k in range(copies) for r in rows]
    return write_assumption_workbook(folder / "big.xlsx", settings, many, scenarios)


def big(samples: int, old_way: bool) -> None:
    from xlsxwriter.worksheet import Worksheet

    from cashcast.models.analysis.scenarios import run_file
    from cashcast.models.analysis.uncertainty import analyse
    from cashcast.reports.excel.report import excel_bytes

    with tempfile.TemporaryDirectory(prefix="cashcast-big-") as tmp:
        run = run_file(big_workbook(Path(tmp)))
    analysis = analyse(run, samples, 0)
    print(f"{len(run.workbook.blocks)} blocks × {run.model.horizon} months, {len(run.scenarios)} scenarios, "
          f"{len(run.model.lines)} lines, {samples:,} samples ({load()}):")
    data, wall, c = measure(lambda: excel_bytes(run, analysis), 1)
    row("Excel", wall, c, f"{formula_cells(data):,} formula cells, {len(data) / 2**20:,.1f} MiB")
    if old_way:
        old, wall, c = measure(lambda: excel_bytes(run, analysis, worksheet_class=Worksheet), 1)
        row("Excel, XlsxWriter's preparation", wall, c, f"the same bytes: {old == data}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pdf", action="store_true", help="also time printing the PDF")
    ap.add_argument("--before", type=Path, help="another checkout (with .venv) to time end to end too")
    ap.add_argument("--big", action="store_true", help="the 200 blocks × 600 months Excel report")
    ap.add_argument("--big-old", action="store_true", help="… also written the old way (minutes)")
    ap.add_argument("--big-samples", type=int, default=1_000)
    ap.add_argument("--skip", nargs="*", default=[], choices=["end", "stages"])
    args = ap.parse_args(argv)
    if "end" not in args.skip:
        end_to_end(args.repeat, args.before)
    if "stages" not in args.skip:
        stages(args.repeat, args.pdf)
    if args.big or args.big_old:
        big(args.big_samples, args.big_old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
