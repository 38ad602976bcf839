"""The HTML investor report: one self-contained page from the Jinja2 templates in ``templates/``.

The page is a list of :class:`Section` objects, each rendered by its own template under
``templates/sections/``. Figures come from :func:`cashcast.reports.tables.summary` (the JSON), the run's monthly
lines and, when given, the uncertainty analysis (:func:`cashcast.models.analysis.uncertainty.analyse`: the scenario
comparison, sensitivity and simulation sections, see :mod:`cashcast.reports.html.uncertainty`); nothing is
recomputed here. Jinja2 autoescaping is on and no template marks workbook text safe; the only markup
inserted whole is the SVG of :mod:`cashcast.reports.html.charts`, whose text matplotlib escapes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty
from cashcast.models.reading.workbook import BASE

from cashcast.reports import fmt
from cashcast.reports.html import charts, narrative
from cashcast.reports.html import uncertainty as uncertainty_report
from cashcast.reports.tables import summary

TEMPLATES = "cashcast.templates"  # package data (templates/ in the repository), read with importlib.resources
MAX_YEAR_COLUMNS = 6  # an annual table wider than this is split, so it fits an A4 page
ROLE_GROUPS = (("revenue", "Revenue", "revenue", "Total revenue"),
               ("cost", "Costs", "costs", "Total costs"))


@dataclass
class Section:
    """One part of the report: an anchor id, a heading, its template and that template's data."""

    id: str
    title: str
    template: str
    data: dict = field(default_factory=dict)
    new_page: bool = True


@dataclass
class TableRow:
    """A row of an annual table: ``style`` is group (a heading), item, total or key."""

    label: str
    values: list[str] = field(default_factory=list)
    style: str = "item"
    negative: list[bool] = field(default_factory=list)


def _template_source(name: str) -> str | None:
    """A template's text from the installed package, so a wheel finds its templates anywhere."""
    path = resources.files(TEMPLATES).joinpath(*name.split("/"))
    return path.read_text(encoding="utf-8") if path.is_file() else None


def environment() -> jinja2.Environment:
    """The template environment: autoescape on for every template, undefined names are errors."""
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return env


# ------------------------------------------------------------------------------------------------
# Per-scenario content
# ------------------------------------------------------------------------------------------------
def year_labels(run: Run) -> list[str]:
    """Calendar years as column heads; a part year says which months it covers ('2023 Jun–Dec')."""
    out = []
    for y in run.years():
        ms = [m for m in run.months if m.year == y]
        out.append(str(y) if len(ms) == 12 else f"{y} {ms[0]:%b}–{ms[-1]:%b}")
    return out


def split_columns(years: list[str], rows: list[TableRow], most: int = MAX_YEAR_COLUMNS) -> list[dict]:
    """One table as several of at most ``most`` year columns each, as evenly sized as possible."""
    parts = -(-len(years) // most)
    size = -(-len(years) // parts)
    out = []
    for a in range(0, len(years), size):
        b = a + size
        out.append({"years": years[a:b],
                    "rows": [TableRow(r.label, r.values[a:b], r.style, r.negative[a:b]) for r in rows]})
    return out


def money_row(label: str, values: list[float], currency: str, style: str = "item") -> TableRow:
    return TableRow(label, [fmt.money(v, currency) for v in values], style, [v < 0 for v in values])


def annual_rows(run: Run, annual: dict, currency: str) -> list[TableRow]:
    """The annual summary of one scenario: revenue and costs by block, cash flows, closing cash."""
    lines, model = annual["lines"], run.model
    rows: list[TableRow] = []
    for role, heading, total, total_label in ROLE_GROUPS:
        rows.append(TableRow(heading, style="group"))
        rows += [money_row(ln.block, lines[ln.name], currency) for ln in model.lines_by_role(role)]
        rows.append(money_row(total_label, lines[total], currency, "total"))
    rows.append(money_row("Operating cash flow", lines["operating_cash_flow"], currency, "key"))
    rounds = model.lines_by_role("funding")
    if rounds:
        rows.append(TableRow("Funding", style="group"))
        rows += [money_row(ln.block, lines[ln.name], currency) for ln in rounds]
    rows.append(money_row("Net cash flow", lines["net_cash_flow"], currency, "key"))
    rows.append(money_row("Closing cash (year end)", lines["closing_cash"], currency, "key"))
    if "depreciation" in lines:
        rows.append(money_row("Depreciation (not cash)", lines["depreciation"], currency, "memo"))
    return rows


def month_index(run: Run, label: str | None) -> int | None:
    """The index of a 'YYYY-MM' month of the run (None stays None)."""
    if label is None:
        return None
    return [m.strftime("%Y-%m") for m in run.months].index(label)


def funding_rounds(run: Run, j: int) -> list[tuple[int, str, float]]:
    """(month index, round name, amount) of every funding received in scenario j."""
    out = []
    for ln in run.model.lines_by_role("funding"):
        values = run.result.column(ln.name, j)
        out += [(int(t), ln.block, float(values[t])) for t in np.flatnonzero(values)]
    return sorted(out)


def block_colours(run: Run) -> dict[str, str]:
    """One colour per block, the same in every chart of the report."""
    palette = charts.PALETTE
    return {name: palette[k % len(palette)] for k, name in enumerate(b.name for b in run.workbook.blocks.values())}


def block_series(run: Run, j: int, role: str) -> list[charts.Series]:
    """Scenario j's monthly line of every block with this role (revenue or cost)."""
    colours = block_colours(run)
    return [charts.Series(ln.block, run.result.column(ln.name, j), colours[ln.block])
            for ln in run.model.lines_by_role(role)]


def scenario_charts(run: Run, j: int, kpis: dict, annual: dict, key: str) -> list[charts.Chart]:
    """The four charts of one scenario: cash, revenue by block, costs by block, break-even."""
    name, cur, months = run.scenarios[j], run.workbook.settings.currency, run.months
    who = narrative.scenario_title(name)
    cash_out = month_index(run, kpis["cash_out_month"])
    be = kpis["break_even_month"]
    break_even = dt.date(int(be[:4]), int(be[5:7]), 1) if be else None
    floor = run.workbook.settings.minimum_cash or 0.0
    return [
        charts.cash_chart(f"{key}-cash", f"Cash balance — {who}", months,
                          run.result.column("closing_cash", j), cur, floor, funding_rounds(run, j),
                          cash_out),
        charts.stacked_chart(f"{key}-revenue", f"Revenue by block — {who}", months,
                             block_series(run, j, "revenue"), cur, "revenue"),
        charts.stacked_chart(f"{key}-costs", f"Costs by block — {who}", months,
                             block_series(run, j, "cost"), cur, "costs"),
        charts.break_even_chart(f"{key}-break-even", f"Annual revenue and costs — {who}",
                                [y.replace(" ", "\n", 1) for y in year_labels(run)],
                                annual["lines"]["revenue"], annual["lines"]["costs"], cur, break_even,
                                run.years()[0]),
    ]


def scenario_view(run: Run, j: int, data: dict, clause: str | None = None) -> dict:
    """Everything the templates show about scenario j, from its JSON entry ``data``; ``clause`` ends
    the answer sentence (the solve-for clause of a scenario that does not break even)."""
    name, wb = run.scenarios[j], run.workbook
    return {
        "name": name, "title": narrative.scenario_title(name), "key": f"scenario-{j + 1}",
        "description": data["description"],
        "headline": narrative.headline(name, data["kpis"], wb, clause),
        "cards": narrative.kpi_cards(data["kpis"], wb),
    }


# ------------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------------
def answer_section(run: Run, result: dict, views: list[dict]) -> Section:
    cur = run.workbook.settings.currency
    palette = charts.PALETTE
    series = [charts.Series(v["title"], run.result.column("closing_cash", j), palette[j % len(palette)])
              for j, v in enumerate(views)]
    outs = [month_index(run, result["scenarios"][v["name"]]["kpis"]["cash_out_month"]) for v in views]
    chart = charts.scenarios_cash_chart("overview-cash", "Cash balance by scenario", run.months, series,
                                        cur, outs)
    return Section("answer", "The answer", "answer.html.j2", {"scenarios": views, "chart": chart},
                   new_page=False)


def scenario_section(run: Run, j: int, view: dict, data: dict) -> Section:
    cur = run.workbook.settings.currency
    key = view["key"]
    return Section(key, f"Scenario: {view['title']}", "scenario.html.j2", {
        "scenario": view,
        "charts": scenario_charts(run, j, data["kpis"], data["annual"], key),
        "tables": split_columns(year_labels(run), annual_rows(run, data["annual"], cur)),
    })


def settings_rows(run: Run) -> list[tuple[str, str, str]]:
    """(setting, value for readers, notes) for the Settings sheet."""
    s = run.workbook.settings
    notes = s.notes
    rows = [
        ("start_month", fmt.month_of(s.start_month)),
        ("horizon_months", fmt.months(s.horizon_months)),
        ("currency", s.currency),
        ("discount_rate", fmt.percent_exact(s.discount_rate) + " a year"),
        ("opening_cash", fmt.money(s.opening_cash, s.currency, 2)),
        ("minimum_cash", fmt.money(s.minimum_cash, s.currency, 2) if s.minimum_cash else "none"),
    ]
    rows += [(f"fx_{code}", f"1 {code} = {rate:g} {s.currency}") for code, rate in s.fx.items()]
    return [(name, value, narrative.text_parts(notes.get(name, ""))) for name, value in rows]


def assumption_groups(run: Run) -> tuple[list[str], list[dict]]:
    """The scenarios other than base, and the assumption rows grouped by block, formatted for
    readers; each row lists the values that those scenarios put in place of the base value."""
    others = [s for s in run.scenarios if s != BASE]
    groups: dict[str, dict] = {}
    for row in run.workbook.rows:
        group = groups.setdefault(row.block, {"block": row.block, "kind": row.kind, "rows": []})
        group["rows"].append({
            "parameter": row.parameter,
            "value": narrative.quantity(row, row.value),
            "range": narrative.value_range(row),
            "overrides": [(s, narrative.quantity(row, row.overrides[s])) for s in others
                          if s in row.overrides],
            "source": narrative.text_parts(row.source),
            "notes": narrative.text_parts(row.notes),
        })
    return others, list(groups.values())


def assumptions_section(run: Run, result: dict) -> Section:
    others, groups = assumption_groups(run)
    scenarios = [(narrative.scenario_title(n), result["scenarios"][n]["description"]) for n in run.scenarios]
    return Section("assumptions", "Assumptions", "assumptions.html.j2", {
        "settings": settings_rows(run), "scenario_columns": others, "groups": groups,
        "scenarios": scenarios,
    })


def methodology_section(run: Run) -> Section:
    return Section("methodology", "Methodology", "methodology.html.j2", {
        "kinds": narrative.kind_notes(run.workbook), "totals": narrative.totals_notes(),
        "shapes": narrative.shape_notes(run.workbook),
    })


def comparison_section(run: Run, analysis: Uncertainty) -> Section:
    return Section("comparison", "Scenario comparison", "comparison.html.j2",
                   uncertainty_report.comparison_view(run, analysis.comparison))


def sensitivity_section(run: Run, analysis: Uncertainty) -> Section:
    return Section("sensitivity", "Sensitivity", "sensitivity.html.j2",
                   uncertainty_report.sensitivity_view(run, analysis.tornado))


def simulation_section(run: Run, analysis: Uncertainty) -> Section:
    return Section("simulation", "Simulation", "simulation.html.j2",
                   uncertainty_report.simulation_view(run, analysis.simulation))


def uncertainty_sections(run: Run, analysis: Uncertainty | None) -> list[Section]:
    """Comparison, sensitivity and (when sampled) simulation; none without an analysis."""
    if analysis is None:
        return []
    out = [comparison_section(run, analysis), sensitivity_section(run, analysis)]
    if analysis.simulation is not None:
        out.append(simulation_section(run, analysis))
    return out


def sections(run: Run, result: dict, analysis: Uncertainty | None = None) -> list[Section]:
    """The report's sections in reading order: the answer, then (with an analysis) how the scenarios
    compare and how sure the baseline is, then each scenario, the assumptions and the methodology."""
    clauses = uncertainty_report.solve_clauses(run, analysis)
    views = [scenario_view(run, j, result["scenarios"][n], clauses.get(n)) for j, n in enumerate(run.scenarios)]
    out = [answer_section(run, result, views)]
    out += uncertainty_sections(run, analysis)
    out += [scenario_section(run, j, v, result["scenarios"][v["name"]]) for j, v in enumerate(views)]
    out += [assumptions_section(run, result), methodology_section(run)]
    return out


def report_context(outcome: Outcome, table: dict | None = None) -> dict:
    """The template context: title, subtitle and sections."""
    run = outcome.run
    wb, s = run.workbook, run.workbook.settings
    result = summary(run) if table is None else table
    return {
        "title": f"{Path(wb.name).stem}: cash-flow, break-even and runway",
        "subtitle": (f"{fmt.months(s.horizon_months)} from {fmt.month_of(run.months[0])} to "
                     f"{fmt.month_of(run.months[-1])}, amounts in {s.currency}; "
                     f"{len(run.scenarios)} scenario{'s' if len(run.scenarios) != 1 else ''}; "
                     f"from the assumption workbook {wb.name}"),
        "sections": sections(run, result, outcome.analysis),
    }


def html_report(outcome: Outcome, table: dict | None = None) -> str:
    """The whole report as one HTML document (the same outcome gives the same bytes).

    ``outcome.analysis`` adds the scenario comparison, the sensitivity and simulation sections and
    the solve-for clauses; None leaves them out. ``table`` is the run's
    :func:`cashcast.reports.tables.summary`, built once per render and shared with the JSON (None:
    built here)."""
    return environment().get_template("report.html.j2").render(report_context(outcome, table))
