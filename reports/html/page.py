"""The HTML investor report: one self-contained page from the Jinja2 templates in ``templates/``.

The page is the sections of :data:`cashcast.reports.html.sections.SECTIONS`, in that registry's
order, each drawn by its own template under ``templates/sections/``; this module holds the template
environment, the page's context and the render. Jinja2 autoescaping is on and no template marks
workbook text safe; the only markup inserted whole is the SVG of :mod:`cashcast.reports.html.charts`,
whose text matplotlib escapes.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

from cashcast.models.analysis.outcome import Outcome

from cashcast.reports import fmt, i18n
from cashcast.reports.i18n import _, ngettext
from cashcast.reports.html.render import Drawing, deferred
from cashcast.reports.html.sections import SECTIONS, Finished
from cashcast.reports.tables import summary

TEMPLATES = "cashcast.templates"  # package data (templates/ in the repository), read with importlib.resources


def _template_source(name: str) -> str | None:
    """A template's text from the installed package, so a wheel finds its templates anywhere."""
    path = resources.files(TEMPLATES).joinpath(*name.split("/"))
    return path.read_text(encoding="utf-8") if path.is_file() else None


def environment() -> jinja2.Environment:
    """The template environment: autoescape on for every template, undefined names are errors; the
    i18n extension's ``_``/``{% trans %}`` translate into the language being rendered
    (:mod:`cashcast.reports.i18n`)."""
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)
    env.globals["lang"] = i18n.current
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return env


def report_context(outcome: Outcome, table: dict | None = None) -> dict:
    """The template context: title, subtitle and every registered section that applies."""
    run = outcome.run
    wb, s = run.workbook, run.workbook.settings
    done = Finished.of(outcome, summary(run) if table is None else table)
    return {
        "title": s.title_for(Path(wb.name).stem, _("cash-flow, break-even and runway")),
        "subtitle": _("{months} from {start} to {end}, amounts in {currency}; {scenarios}; from the "
                      "assumption workbook {workbook}", months=fmt.months(s.horizon_months),
                      start=fmt.month_of(run.months[0]), end=fmt.month_of(run.months[-1]),
                      currency=s.currency, workbook=wb.name,
                      scenarios=ngettext("{n} scenario", "{n} scenarios", len(run.scenarios))),
        "sections": [section for spec in SECTIONS for section in spec.sections(done)],
        "cover": cover(outcome, done),
    }


def cover(outcome: Outcome, done: Finished) -> dict:
    """The printed report's cover: the company (the file's name when the workbook names none), the
    period and currency, and every scenario with its description. The date it is printed on is the
    PDF's (:data:`cashcast.reports.html.pdf.PRINTED_ON`): the HTML itself carries no date, so the
    same outcome still gives the same bytes."""
    run = outcome.run
    s = run.workbook.settings
    return {"company": s.company or Path(run.workbook.name).stem,
            "period": _("{start} to {end}", start=fmt.month_of(run.months[0]), end=fmt.month_of(run.months[-1])),
            "currency": s.currency,
            "scenarios": [(v["title"], v["description"]) for v in done.views]}


def html_report(outcome: Outcome, table: dict | None = None, jobs: int = 1) -> str:
    """The whole report as one HTML document (the same outcome gives the same bytes, whatever ``jobs``).

    ``outcome.analysis`` adds the scenario comparison, the sensitivity and simulation sections and
    the solve-for clauses; None leaves them out. ``table`` is the run's
    :func:`cashcast.reports.tables.summary`, built once per render and shared with the JSON (None:
    built here). ``jobs``: the processes drawing the charts (:mod:`cashcast.reports.html.render`)."""
    return HtmlReport(outcome, table, jobs).html()


class HtmlReport:
    """A report whose charts are being drawn (by ``jobs`` worker processes while the caller does
    other work, when ``jobs`` ≥ 2); :meth:`html` waits for them and renders the page."""

    def __init__(self, outcome: Outcome, table: dict | None = None, jobs: int = 1):
        with deferred() as charts:
            self.context = report_context(outcome, table)
        self.drawing = Drawing(charts, jobs)

    def html(self) -> str:
        self.drawing.wait()
        return environment().get_template("report.html.j2").render(self.context)
