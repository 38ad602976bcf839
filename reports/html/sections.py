"""The HTML report's sections: :data:`SECTIONS`, one ordered registry that the page loops over.

Each :class:`SectionSpec` names a section once: its anchor id, its heading, its template under
``templates/sections/``, the builder that turns the finished result (:class:`Finished`) into that
template's data, and when the section is shown (the uncertainty sections only for an analysed run,
the simulation only when sampled). A spec marked ``each_scenario`` gives one section per scenario.
To add a section: write its template, write its builder here, and add one entry to ``SECTIONS`` in
reading order.

Builders only format: figures come from :func:`cashcast.reports.tables.summary` (the JSON's table,
built once per render), the run's monthly lines and the uncertainty analysis
(:mod:`cashcast.reports.html.uncertainty` words it); nothing is recomputed here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Uncertainty
from cashcast.models.engine.annual import of as aggregation
from cashcast.models.reading.workbook import BASE

from cashcast.reports import fmt
from cashcast.reports.i18n import _, label as line_label
from cashcast.reports.html.render import later
from cashcast.reports.html import charts, narrative
from cashcast.reports.html import ownership as ownership_report
from cashcast.reports.html import statements as statements_report
from cashcast.reports.html import methodology, references, story, swings, user_checks
from cashcast.reports.html import uncertainty as uncertainty_report

MAX_YEAR_COLUMNS = 6  # an annual table wider than this is split, so it fits an A4 page
ROLE_GROUPS = (("revenue", "Revenue", "revenue", "Total revenue"),
               ("cost", "Costs", "costs", "Total costs"))


@dataclass(frozen=True)
class Finished:
    """The finished result as every section builder reads it: the run and its analysis (None: not
    analysed), ``table`` (the run's :func:`cashcast.reports.tables.summary`, the JSON's figures) and
    each scenario's ``views`` (its title, answer sentence and KPI cards, shown by the answer and by
    the scenario's own section)."""

    run: Run
    analysis: Uncertainty | None
    table: dict
    views: list[dict]

    @classmethod
    def of(cls, outcome: Outcome, table: dict) -> Finished:
        run, analysis = outcome.run, outcome.analysis
        clauses = uncertainty_report.solve_clauses(run, analysis)
        weights = {n: t.evidence_json() for n, t in analysis.tornadoes.items()} if analysis is not None else {}
        views = [scenario_view(run, j, table["scenarios"][n], clauses.get(n), weights.get(n))
                 for j, n in enumerate(run.scenarios)]
        return cls(run, analysis, table, views)


@dataclass
class Section:
    """One part of the page as the template draws it: an anchor id, a heading, its template and
    that template's data."""

    id: str
    title: str
    template: str
    data: dict = field(default_factory=dict)
    new_page: bool = True


def always(done: Finished) -> bool:
    """Every report has the section."""
    return True


def analysed(done: Finished) -> bool:
    """The run was analysed: scenario comparison and sensitivity."""
    return done.analysis is not None


def simulated(done: Finished) -> bool:
    """The analysis sampled Monte Carlo paths."""
    return done.analysis is not None and done.analysis.simulation is not None


@dataclass(frozen=True)
class SectionSpec:
    """A section of the report, defined once. ``build(done)`` returns the template's data; with
    ``each_scenario`` it is ``build(done, j)`` for scenario column j, the id gets the scenario's
    number ('scenario-2') and ``{scenario}`` in the title its name."""

    id: str
    title: str
    template: str
    build: Callable[..., dict]
    when: Callable[[Finished], bool] = always
    new_page: bool = True
    each_scenario: bool = False

    def sections(self, done: Finished) -> list[Section]:
        """This spec's sections of the page: none, one, or one per scenario."""
        if not self.when(done):
            return []
        if not self.each_scenario:
            return [Section(self.id, _(self.title), self.template, self.build(done), self.new_page)]
        return [Section(f"{self.id}-{j + 1}", _(self.title, scenario=view["title"]), self.template,
                        self.build(done, j), self.new_page)
                for j, view in enumerate(done.views)]


# ------------------------------------------------------------------------------------------------
# Builders: the finished result → one template's data
# ------------------------------------------------------------------------------------------------
def answer_data(done: Finished) -> dict:
    run = done.run
    palette = charts.PALETTE
    series = [charts.Series(v["title"], run.result.column("closing_cash", j), palette[j % len(palette)])
              for j, v in enumerate(done.views)]
    outs = [month_index(run, done.table["scenarios"][v["name"]]["kpis"]["cash_out_month"])
            for v in done.views]
    rounds = [funding_rounds(run, j) for j in range(len(done.views))]
    chart = later(charts.scenarios_cash_chart)("overview-cash", _("Cash balance by scenario"), run.months, series,
                                        run.workbook.settings.currency, outs, rounds)
    return {"scenarios": done.views, "chart": chart}


def comparison_data(done: Finished) -> dict:
    return uncertainty_report.comparison_view(done.run, done.analysis.comparison)


def sensitivity_data(done: Finished, j: int) -> dict:
    tor = done.analysis.tornadoes[done.run.scenarios[j]]
    return {**uncertainty_report.sensitivity_view(done.run, tor, f"sensitivity-{j + 1}"),
            "sentences": swings.sentences(done.run, tor)}


def key_assumptions_data(done: Finished) -> dict:
    """The largest swings of the first (base) scenario, with sources, and the top three in words."""
    return swings.key_assumptions_view(done.run, done.analysis.tornadoes[done.run.scenarios[0]])


def simulation_data(done: Finished, j: int) -> dict:
    sim = done.analysis.simulations[done.run.scenarios[j]]
    return uncertainty_report.simulation_view(done.run, sim, f"simulation-{j + 1}")


def scenario_data(done: Finished, j: int) -> dict:
    run, view = done.run, done.views[j]
    data = done.table["scenarios"][view["name"]]
    return {
        "scenario": view,
        "charts": scenario_charts(run, j, data["kpis"], data["annual"], view["key"]),
        "tables": split_columns(year_labels(run),
                                annual_rows(run, data["annual"], run.workbook.settings.currency)),
    }


def statements_data(done: Finished) -> dict:
    """Every scenario's three statements per year, the checks' sentence and its unit economics."""
    run = done.run
    currency = run.workbook.settings.currency
    out = []
    for view in done.views:
        data = done.table["scenarios"][view["name"]]
        holds, sentence = statements_report.checks_sentence(data["statements"]["checks"], currency)
        rows = [TableRow(*row) for row in statements_report.statement_rows(run, data["statements"], currency)]
        units = [TableRow(*row) for row in statements_report.unit_economics_rows(run, data["annual"], currency)]
        out.append({"scenario": view, "holds": holds, "checks": sentence,
                    "tables": split_columns(year_labels(run), rows),
                    "unit_economics": split_columns(year_labels(run), units) if units else []})
    return {"scenarios": out}


def has_ownership(done: Finished) -> bool:
    """Some funding round states a valuation (the base scenario's JSON has a cap table)."""
    return ownership_report.has_cap_table(done.table, done.views[0]["name"])


def ownership_data(done: Finished) -> dict:
    """The base scenario's cap table, worded, then that of every other scenario whose rounds end in other
    terms (a scenario that changes a round's amount or valuation); the others are named as the same."""
    cur, base = done.run.workbook.settings.currency, done.views[0]
    rounds = {v["name"]: done.table["scenarios"][v["name"]]["cap_table"]["rounds"] for v in done.views}
    shown = [base] + [v for v in done.views[1:] if rounds[v["name"]] != rounds[base["name"]]]
    same = [v["title"] for v in done.views[1:] if v not in shown]
    return {"tables": [ownership_report.ownership_view(done.table, v["name"], v["title"], cur) for v in shown],
            "same": same, "base": base["title"]}


def assumptions_data(done: Finished) -> dict:
    run = done.run
    others, groups = assumption_groups(run)
    scenarios = [(narrative.scenario_title(n), done.table["scenarios"][n]["description"])
                 for n in run.scenarios]
    return {"settings": settings_rows(run), "settings_scenarios": settings_columns(run),
            "scenario_columns": others, "groups": groups,
            "scenarios": scenarios}


def methodology_data(done: Finished) -> dict:
    return {**methodology.methodology_view(done.run), "evidence": done.analysis is not None}


# ------------------------------------------------------------------------------------------------
# What the builders show: a scenario's view, charts and annual table; the assumptions for readers
# ------------------------------------------------------------------------------------------------
@dataclass
class TableRow:
    """A row of an annual table: ``style`` is group (a heading), item, total or key."""

    label: str
    values: list[str] = field(default_factory=list)
    style: str = "item"
    negative: list[bool] = field(default_factory=list)


def year_labels(run: Run) -> list[str]:
    """Calendar years as column heads; a part year says which months it covers ('2023 Jun–Dec')."""
    out = []
    for y in run.years():
        ms = [m for m in run.months if m.year == y]
        out.append(str(y) if len(ms) == 12 else f"{y} {fmt.month_short(ms[0])}–{fmt.month_short(ms[-1])}")
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


def driver_rows(run: Run, annual: dict, currency: str) -> list[TableRow]:
    """The drivers (audience, subscribers, …) per year, each folded as its line says and labelled
    so: '(monthly average)', '(year-end)'; a level is never summed over the months."""
    drivers = run.model.lines_by_role("detail")
    if not drivers:
        return []
    rows = [TableRow(_("Drivers"), style="group")]
    for ln in drivers:
        values = annual["lines"][ln.name]
        suffix = aggregation(ln.annual).suffix
        label = line_label(ln.label, ln.block)
        label = _("{label} {suffix}", label=label, suffix=_(suffix.strip())) if suffix else label
        if re.fullmatch(r"[A-Z]{3}(/.*)?", ln.unit):
            rows.append(money_row(label, values, currency))
        else:
            rows.append(TableRow(label, [fmt.number(v) for v in values], "item", [v < 0 for v in values]))
    return rows


def yearly_kpi_rows(annual: dict, currency: str) -> list[TableRow]:
    """The yearly KPIs (net burn, …), one row each, from the JSON's ``annual.kpis``."""
    rows = [TableRow(_("Key figures per year"), style="group")]
    for k in registry.YEARLY:
        values = annual["kpis"][k.name]
        shown = ([fmt.money(v, currency) for v in values] if k.kind == "money"
                 else [fmt.percent(v) for v in values] if k.kind == "rate"
                 else ["—" if v is None else f"{fmt.number(v, 2)}×" for v in values])
        bad = [(v or 0) * k.better < 0 for v in values]   # shown in red, as a loss is: a burn
        rows.append(TableRow(_("{label} ({description})", label=_(k.label), description=_(k.description)),
                             shown, "item", bad))
    return rows


def annual_rows(run: Run, annual: dict, currency: str) -> list[TableRow]:
    """The annual summary of one scenario: drivers, revenue and costs by block, cash flows, closing
    cash, the yearly KPIs."""
    lines, model = annual["lines"], run.model
    rows: list[TableRow] = driver_rows(run, annual, currency)
    for role, heading, total, total_label in ROLE_GROUPS:
        rows.append(TableRow(_(heading), style="group"))
        rows += [money_row(ln.block, lines[ln.name], currency) for ln in model.lines_by_role(role)]
        rows.append(money_row(_(total_label), lines[total], currency, "total"))
    rows.append(money_row(_("Operating cash flow"), lines["operating_cash_flow"], currency, "key"))
    rounds = model.lines_by_role("funding")
    if rounds:
        rows.append(TableRow(_("Funding"), style="group"))
        rows += [money_row(ln.block, lines[ln.name], currency) for ln in rounds]
    rows.append(money_row(_("Net cash flow"), lines["net_cash_flow"], currency, "key"))
    rows.append(money_row(_("Closing cash (year end)"), lines["closing_cash"], currency, "key"))
    if "depreciation" in lines:
        rows.append(money_row(_("Depreciation (not cash)"), lines["depreciation"], currency, "memo"))
    return rows + yearly_kpi_rows(annual, currency)


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
    floor = run.workbook.settings.value("minimum_cash", name)
    return [
        later(charts.cash_chart)(f"{key}-cash", _("Cash balance — {scenario}", scenario=who), months,
                          run.result.column("closing_cash", j), cur, floor, funding_rounds(run, j),
                          cash_out),
        later(charts.stacked_chart)(f"{key}-revenue", _("Revenue by block — {scenario}", scenario=who), months,
                             block_series(run, j, "revenue"), cur, "revenue"),
        later(charts.stacked_chart)(f"{key}-costs", _("Costs by block — {scenario}", scenario=who), months,
                             block_series(run, j, "cost"), cur, "costs"),
        later(charts.break_even_chart)(f"{key}-break-even", _("Annual revenue and costs — {scenario}", scenario=who),
                                [y.replace(" ", "\n", 1) for y in year_labels(run)],
                                annual["lines"]["revenue"], annual["lines"]["costs"], cur, break_even,
                                run.years()[0]),
    ]


def scenario_view(run: Run, j: int, data: dict, clause: str | None = None, evidence: dict | None = None) -> dict:
    """Everything the templates show about scenario j, from its JSON entry ``data``; ``clause`` ends
    the answer sentence (the solve-for clause of a scenario that does not break even); ``evidence``
    (the JSON's ``evidence_weight`` entry) ends the story with how much of it rests on estimates."""
    name, wb = run.scenarios[j], run.workbook
    headline = narrative.headline(name, data["kpis"], wb, clause)
    frame = story.Frame(wb.settings.currency, wb.settings.value("minimum_cash", name) or 0.0, wb.months()[-1])
    return {
        "name": name, "title": narrative.scenario_title(name), "key": f"scenario-{j + 1}",
        "description": data["description"],
        "cites": references.source_parts(wb, next((s.source for s in wb.scenarios if s.name == name), "")),
        "headline": headline,
        "story": story.paragraph(headline, data, frame, evidence),
        "cards": narrative.kpi_cards(data["kpis"], wb, name),
        "settings": scenario_settings_note(run, name),
    }


def setting_text(name: str, x: float | None, currency: str) -> str:
    """A setting a scenario may change, for readers: '10% a year', '$1.5M', '30 days', 'none'."""
    if name == "discount_rate":
        return _("{rate} a year", rate=fmt.percent_exact(x))
    if name in ("receivable_days", "payable_days"):
        return _("{n} days", n=format(x, "g"))
    return _("none") if name == "minimum_cash" and not x else fmt.money(x, currency, 2)


def settings_columns(run: Run) -> list[str]:
    """The scenarios (as titled in prose) that change a setting: each gets a column in the settings table."""
    s = run.workbook.settings
    return [narrative.scenario_title(n) for n in run.scenarios if n != BASE and s.overridden_in(n)]


def settings_rows(run: Run) -> list[dict]:
    """The Settings sheet for readers: each setting's base value, its value in each scenario that
    changes a setting (:func:`settings_columns`; blank for a setting no scenario may change, ``differs``
    where it is not the base value), and its notes."""
    s = run.workbook.settings
    cur, base = s.currency, s.in_scenario(BASE)
    shown = [n for n in run.scenarios if n != BASE and s.overridden_in(n)]
    rows = [("start_month", fmt.month_of(s.start_month)), ("horizon_months", fmt.months(s.horizon_months)),
            ("currency", s.currency)]
    rows += [(name, setting_text(name, x, cur)) for name, x in base.items()]
    rows += [(f"fx_{code}", f"1 {code} = {rate:g} {cur}") for code, rate in s.fx.items()]
    out = []
    for name, value in rows:
        here = [s.in_scenario(n) if name in base else None for n in shown]
        out.append({"name": name, "value": value,
                    "notes": references.notes_parts(run.workbook, s.notes.get(name, "")),
                    "source": references.source_parts(run.workbook, s.sources.get(name, ("", ""))[0]),
                    "scenarios": [(setting_text(name, h[name], cur), h[name] != base[name]) if h else ("", False)
                                  for h in here]})
    return out


def scenario_settings_note(run: Run, name: str) -> str:
    """'Settings in this scenario: opening_cash $500.00 (base $1,000.00); …', or '' when it changes none."""
    s = run.workbook.settings
    here, base = s.in_scenario(name), s.in_scenario(BASE)
    parts = [_("{name} {value} (base {base})", name=n, value=setting_text(n, here[n], s.currency),
               base=setting_text(n, base[n], s.currency)) for n in s.overridden_in(name)]
    return _("Settings in this scenario: {settings}.", settings=_("; ").join(parts)) if parts else ""


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
            "overrides": [(s, narrative.scenario_value(row, s)) for s in others if s in row.overrides],
            "source": references.source_parts(run.workbook, row.source),
            "notes": references.notes_parts(run.workbook, row.notes),
        })
    return others, list(groups.values())


# ------------------------------------------------------------------------------------------------
# The registry, in reading order: the answer (the whole story), then (with an analysis) the key
# assumptions and what their swings do, how the scenarios compare and how sure each scenario is, then
# each scenario, the statements, the assumptions and the methodology
# ------------------------------------------------------------------------------------------------
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("answer", "The answer", "answer.html.j2", answer_data, new_page=False),
    SectionSpec("key-assumptions", "Key assumptions", "key_assumptions.html.j2", key_assumptions_data,
                when=analysed),
    SectionSpec("comparison", "Scenario comparison", "comparison.html.j2", comparison_data, when=analysed),
    SectionSpec("sensitivity", "Sensitivity: {scenario}", "sensitivity.html.j2", sensitivity_data, when=analysed,
                each_scenario=True),
    SectionSpec("simulation", "Simulation: {scenario}", "simulation.html.j2", simulation_data, when=simulated,
                each_scenario=True),
    SectionSpec("scenario", "Scenario: {scenario}", "scenario.html.j2", scenario_data, each_scenario=True),
    SectionSpec("statements", "Financial statements", "statements.html.j2", statements_data),
    SectionSpec("ownership", "Ownership", "ownership.html.j2", ownership_data, when=has_ownership),
    SectionSpec("assumptions", "Assumptions", "assumptions.html.j2", assumptions_data),
    SectionSpec("checks", "The analyst's checks", "checks.html.j2", user_checks.checks_data,
                when=user_checks.has_checks),
    SectionSpec("methodology", "Methodology", "methodology.html.j2", methodology_data),
    SectionSpec("references", "References", "references.html.j2",
                lambda done: references.references_data(done.run.workbook, references.cited_for(done.run.workbook)),
                when=lambda done: bool(done.run.workbook.sources)),
)
