"""``cashcast run WORKBOOK``: compute once, render every format in memory, publish them as one set.

The computation is one call, :func:`cashcast.models.analysis.pipeline.compute`; the renderers get its
finished :class:`~cashcast.models.analysis.pipeline.Outcome` and only format it; the files are
published by :func:`cashcast.reports.files.publish`, so a run stopped at any moment leaves either the
previous complete set of ``DIR/<stem>.*`` or the new one.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.pipeline import Outcome, compute
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty

from cashcast.reports import fmt
from cashcast.reports.cli.check import print_warnings
from cashcast.reports.cli.faults import check_folder, from_os_error
from cashcast.reports.cli.options import RunOptions
from cashcast.reports.files import OUTPUT_SUFFIXES, publish
from cashcast.reports.i18n import language
from cashcast.reports.outputs import annual_csv_text, csv_text, json_text
from cashcast.reports.tables import summary

EXIT_OK = 0


def cmd_run(opts: RunOptions) -> int:
    """Compute, render, publish, then print the summary; InputError (exit 2) before anything is written.

    An output folder that cannot be written is refused before the work starts, and a write that fails
    (a full disk, a file-size limit) is an OutputError (exit 3): publish leaves the earlier set.
    """
    check_folder(opts.out)
    with progress_bar(opts.samples and not opts.quiet) as progress:
        outcome = compute(opts.workbook, opts.scenarios, opts.samples, opts.seed, progress, opts.strict)
    outputs = write_reports(outcome, opts.out, opts.workbook.stem, opts.pdf, opts.jobs, opts.lang)
    print_warnings(outcome.run.workbook.warnings)
    if opts.json:
        from cashcast.reports.cli.manners import dumps, run_summary
        print(dumps(run_summary(outcome, opts.out, outputs)))
        return EXIT_OK
    if opts.quiet:
        return EXIT_OK
    run = outcome.run
    print(f"{run.workbook.name}: {run.workbook.settings.horizon_months} months from "
          f"{run.workbook.settings.start_month:%b %Y}, {len(run.model.lines)} lines")
    print(summary_table(run))
    print("\n".join(simulation_summary(outcome.analysis, run.workbook.settings.currency)))
    print("wrote " + ", ".join(str(opts.out / n) for n in outputs))
    return EXIT_OK


@contextmanager
def progress_bar(samples: int) -> Iterator[Callable[[int], None] | None]:
    """A Monte Carlo progress callback drawing a bar on stderr, only when stderr is a terminal."""
    if samples <= 0 or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    with tqdm(total=samples, unit="path", unit_scale=True, desc="Monte Carlo", file=sys.stderr,
              delay=0.5, leave=False) as bar:
        yield bar.update


def write_reports(outcome: Outcome, out: Path, stem: str, pdf: bool = False, jobs: int | None = None,
                  lang: str = "en") -> dict[str, bytes | str]:
    """Render every output of ``outcome`` and publish them as ``out/<stem>.*`` (one set, atomically);
    the outputs written. ``cashcast run`` and the Python API's ``Result.save`` both call this.
    A write that fails is an OutputError (exit 3): the earlier set stands."""
    outputs = render_outputs(outcome, stem, pdf, jobs, lang)
    try:
        publish(out, stem, outputs)
    except OSError as exc:
        raise from_os_error(out, exc, "the earlier reports are unchanged") from exc
    return outputs


def render_outputs(outcome: Outcome, stem: str, pdf: bool = False, jobs: int | None = 1,
                   lang: str = "en", only: frozenset[str] | None = None) -> dict[str, bytes | str]:
    """Every output of a finished run, rendered in memory first, so a failure writes nothing; the
    Excel and HTML reports in language ``lang`` (the JSON and CSV are data, always English).
    ``only`` limits the outputs to those suffixes (``{".xlsx"}``: the Python API's ``to_excel``),
    each rendered by the same code and so the same bytes as in the full set.

    The HTML report's charts are drawn by ``jobs`` processes (None: one per usable CPU; forked inside
    the language's block, so they draw in it) while this one writes the other outputs; the bytes are
    the same whatever ``jobs``."""
    from cashcast.reports.excel.report import excel_bytes
    from cashcast.reports.html.page import HtmlReport
    from cashcast.reports.html.render import usable_cpus

    wanted = only or frozenset(OUTPUT_SUFFIXES) - ({".pdf"} if not pdf else set())
    text = {".json": lambda: json_text(outcome, table), ".csv": lambda: csv_text(outcome),
            ".annual.csv": lambda: annual_csv_text(outcome),
            ".xlsx": lambda: excel_bytes(outcome.run, outcome.analysis)}
    table = summary(outcome.run)  # the run's figures, built once; the JSON and the HTML format them
    outputs: dict[str, bytes | str] = {}
    with language(lang):
        html = (HtmlReport(outcome, table, usable_cpus() if jobs is None else jobs)  # charts start drawing
                if wanted & {".html", ".pdf"} else None)
        try:
            for suffix in (s for s in OUTPUT_SUFFIXES if s in text and s in wanted):
                outputs[f"{stem}{suffix}"] = text[suffix]()
            if html is not None:
                outputs[f"{stem}.html"] = html.html()
        finally:
            if html is not None:
                html.drawing.close()
        if ".pdf" in wanted:  # the cover's date and the footers in the report's language
            from cashcast.reports.html.pdf import html_to_pdf
            outputs[f"{stem}.pdf"] = html_to_pdf(outputs[f"{stem}.html"])
    order = (".json", ".csv", ".annual.csv", ".xlsx", ".html", ".pdf")  # as the CLI has always listed them
    return {f"{stem}{x}": outputs[f"{stem}{x}"] for x in order if f"{stem}{x}" in outputs}


def summary_text(kpi, x, currency: str) -> str:
    """A KPI's JSON value in the printed summary: a month, a runway, or an amount."""
    if kpi.kind == "month":
        return fmt.month(x)
    if kpi.kind == "months":
        return "past the horizon" if x is None else f"{x} months"
    if kpi.kind == "rate":
        return fmt.percent(x) if x is not None else "n/a"
    return fmt.money(x, currency)


def summary_table(run: Run) -> str:
    """The compact per-scenario summary printed by ``run``: the registry's KPIs marked ``summary``."""
    from cashcast.reports.tables import scenario_kpis

    cur = run.workbook.settings.currency
    shown = [k for k in registry.KPIS if k.summary]
    rows = [("scenario", *(k.phrase for k in shown))]
    for j, name in enumerate(run.scenarios):
        k = scenario_kpis(run, j)
        rows.append((name, *(summary_text(kpi, k[kpi.name], cur) for kpi in shown)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def simulation_summary(u: Uncertainty, currency: str) -> list[str]:
    """A few lines for the terminal after the scenario table."""
    out = []
    for t in u.tornadoes.values():
        if t.bars:
            top = ", ".join(b.parameter for b in t.bars[:3])
            out.append(f"sensitivity ({t.scenario}): largest swings from {top}")
    for sim in u.simulations.values():
        out += _simulation_lines(sim, currency)
    return out


def _simulation_lines(sim, currency: str) -> list[str]:
    """One scenario's Monte Carlo in two lines, the last year's cash-out probability ± its error."""
    p = sim.percentiles

    def months(k):
        return "/".join(fmt.month(sim.label(getattr(p[k], q))) for q in ("p10", "p50", "p90"))

    def money(k):
        return "/".join(fmt.money(getattr(p[k], q), currency) for q in ("p10", "p50", "p90"))

    if not sim.varied:  # every path is the scenario as entered: percentiles would only repeat it
        who = "the base case" if sim.scenario == "base" else f"scenario {sim.scenario} as entered"
        return [f"Monte Carlo ({sim.scenario}): no assumption has a low or high, so every path is {who}; "
                f"give rows a range to simulate"]
    last_year = max(sim.cash_out_by_year)
    share = sim.cash_out_by_year[last_year]
    return [f"Monte Carlo ({sim.scenario}, {sim.samples:,} paths, seed {sim.seed}, "
            f"{len(sim.varied)} assumptions varied): P(cash runs out by end of {last_year}) "
            f"{fmt.share_pm(share, sim.probability_ci95(share))}",
            f"  P10/P50/P90  cash-out {months('cash_out_month')}; break-even "
            f"{months('break_even_month')}; peak funding need {money('peak_funding_need')}; "
            f"ending cash {money('ending_cash')}"]
