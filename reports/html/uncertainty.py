"""The uncertainty parts of the HTML report: the scenario comparison, the sensitivity (tornado) and the
Monte Carlo sections, and the solve-for clause of the answer sentences.

Everything is read from :func:`cashcast.models.analysis.uncertainty.analyse`'s result (the solve-for
answers included, ``Uncertainty.break_even``); nothing is recomputed, solved or simulated here.
Functions return plain strings, numbers and charts for the templates.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import numpy as np

from cashcast.models.analysis import evidence, kpis as registry
from cashcast.models.analysis.batch import month_label, never_as_horizon, ranking_score
from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import (ScenarioComparison, Simulation, Solution, Swing, Tornado,
                                                  TornadoBar, Uncertainty)
from cashcast.models.reading.specs import DEFAULT_DISTRIBUTION
from cashcast.models.reading.workbook import BASE, Workbook

from cashcast.reports import fmt
from cashcast.reports.i18n import _
from cashcast.reports.html.render import later
from cashcast.reports.html import narrative, references, story
from cashcast.reports.html import uncertainty_charts as ucharts

TORNADO_BARS = 12  # bars drawn; the table lists every assumption
YEARS_PER_TABLE = 11


# ------------------------------------------------------------------------------------------------
# Solve-for in the answer: the break-even conversion that the analysis found, in words
# ------------------------------------------------------------------------------------------------
def conversion_text(x: float) -> str:
    """A solved conversion with every digit solve kept (4 significant), so it still meets the target."""
    return fmt.percent_exact(x, 1, 5)


def solve_clause(sol: Solution, block: str, last: dt.date) -> str:
    """'break-even by Dec 2032 needs at least 3.137% conversion (ChatGPT Plus, now 1.0%)', or
    'no conversion up to 2.0% (ChatGPT Plus) breaks even by Dec 2032'."""
    by = fmt.month_of(last)
    if not sol.found:
        return _("no conversion up to {high} ({block}) breaks even by {by}", high=conversion_text(sol.high),
                 block=block, by=by)
    how = _("{direction} ", direction=_(sol.direction)) if sol.direction else ""
    return _("break-even by {by} needs {how}{value} conversion ({block}, now {current})", by=by, how=how,
             value=conversion_text(sol.value), block=block, current=conversion_text(sol.current))


def solve_clauses(run: Run, analysis: Uncertainty | None) -> dict[str, str]:
    """Scenario name → the clause its answer sentence ends with (only scenarios that need one),
    worded from ``analysis.break_even``; no clauses without an analysis."""
    if analysis is None:
        return {}
    return {name: solve_clause(b.solution, b.block, run.months[-1])
            for name, b in analysis.break_even.items()}


# ------------------------------------------------------------------------------------------------
# KPI values for readers
# ------------------------------------------------------------------------------------------------
def kpi_text(kpi: str, x: float, months: list[dt.date], currency: str) -> str:
    """A KPI in the engine's units (month indices, NaN = never) as the report shows it."""
    x = float(x)
    kind = registry.named(kpi).kind
    if kind == "months":
        return _("never runs out") if math.isnan(x) else fmt.months(int(x))
    if kind == "month":
        return fmt.month(month_label(months, x))
    if kind == "rate":
        return _("n/a") if math.isnan(x) else fmt.percent(x)
    return fmt.money(x, currency)


def delta_text(kpi: str, d: float, currency: str) -> tuple[str, str]:
    """(difference from the baseline for readers, tone: good | bad | '')."""
    if math.isnan(d):
        return "—", ""
    if d == 0:
        return _("same"), ""
    tone = "good" if d * registry.named(kpi).better > 0 else "bad"
    if registry.named(kpi).is_month:
        n = int(round(d))
        text = f"{'+' if n > 0 else fmt.MINUS}{fmt.months(abs(n))}"
    elif registry.named(kpi).kind == "rate":
        text = _("{points} pp", points=format(d * 100, "+,.1f")).replace("-", fmt.MINUS)
    else:
        text = ("+" if d > 0 else "") + fmt.money(d, currency)
    return text, tone


# ------------------------------------------------------------------------------------------------
# Scenario comparison
# ------------------------------------------------------------------------------------------------
def tied_ranks(run: Run, comparison: ScenarioComparison, kpi: str) -> dict[str, int]:
    """Rank of each scenario in ``comparison.ranking[kpi]`` (1 = best); equal values share a rank."""
    score = ranking_score(registry.named(kpi), np.asarray(run.kpis[kpi], dtype=float), run.model.horizon)
    index = {name: j for j, name in enumerate(run.scenarios)}
    out: dict[str, int] = {}
    order = comparison.ranking[kpi]
    for pos, name in enumerate(order):
        a = score[index[name]]
        b = score[index[order[pos - 1]]] if pos else None
        same = b is not None and (a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6))
        out[name] = out[order[pos - 1]] if same else pos + 1
    return out


def never_delta(run: Run, kpi: str, j: int) -> tuple[str, str]:
    """The difference of a month KPI when the scenario or the baseline never gets there: 'same' when
    neither does, else 'vs never' / 'vs Jul 2023' (the baseline's figure), toned as it reads."""
    x, b = float(run.kpis[kpi][j]), float(run.kpis[kpi][0])
    if math.isnan(x) and math.isnan(b):
        return _("same"), ""
    if not (math.isnan(x) or math.isnan(b)):
        return "—", ""
    horizon = run.model.horizon
    xs, bs = never_as_horizon(np.array([x, b]), horizon)
    tone = "good" if (xs - bs) * registry.named(kpi).better > 0 else "bad"
    shown = _("never") if math.isnan(b) else (fmt.months(int(b)) if registry.named(kpi).kind == "months"
                                           else fmt.month(month_label(run.months, b)))
    return _("vs {figure}", figure=shown), tone


def comparison_view(run: Run, comparison: ScenarioComparison) -> dict:
    """The comparison table: every scenario's KPIs, differences from the baseline and ranks."""
    cur, months = run.workbook.settings.currency, run.months
    kpis = [k.name for k in registry.KPIS if k.name in run.kpis and k.name in comparison.ranking]
    ranks = {k: tied_ranks(run, comparison, k) for k in kpis}
    rows = []
    for j, name in enumerate(comparison.scenarios):
        cells = []
        for k in kpis:
            if j == 0:
                delta, tone = _("baseline"), ""
            else:
                delta, tone = delta_text(k, comparison.differences[name][k], cur)
                if delta == "—" and registry.named(k).is_month:
                    delta, tone = never_delta(run, k, j)
            rank = ranks[k][name]
            tied = sum(1 for r in ranks[k].values() if r == rank) > 1
            cells.append({"kpi": k, "value": kpi_text(k, run.kpis[k][j], months, cur), "delta": delta,
                          "tone": tone, "rank": f"#{rank}{'=' if tied else ''}"})
        rows.append({"name": name, "title": narrative.scenario_title(name), "cells": cells})
    return {"baseline": narrative.scenario_title(comparison.baseline), "count": len(rows),
            "columns": [(k, _(registry.named(k).label)) for k in kpis], "rows": rows}


# ------------------------------------------------------------------------------------------------
# Sensitivity
# ------------------------------------------------------------------------------------------------
def chart_kpi(t: Tornado) -> str:
    """The KPI the tornado chart shows: runway when it moves for at least half of the assumptions,
    otherwise NPV (which every assumption that matters moves)."""
    moving = sum(1 for b in t.bars if b.swings["runway_months"].swing > 0)
    return "runway_months" if t.bars and 2 * moving >= len(t.bars) else "npv"


def scenario_range(row, scenario: str) -> str:
    """The range a scenario swings a row over: its own range cell's, else the row's low – high."""
    if scenario in row.ranges:
        low, high = (narrative.quantity(row, x) for x in row.ranges[scenario])
        return f"{low} – {high}"
    return narrative.value_range(row)


def input_text(workbook: Workbook, bar: TornadoBar, x: float) -> str:
    """An assumption's value (engine units) as the assumptions table shows it: '0.5%', '$700K/day'."""
    row = workbook.row_by_key()[bar.key]
    raw = x + workbook.start_ordinal if row.dimension == "date" else x
    return narrative.quantity(row, raw)


def swing_text(kpi: str, s: Swing, currency: str) -> str:
    """A swing for the table; month swings that reach "never" are lower bounds (≥)."""
    if kpi == "npv":
        return fmt.money(s.swing, currency)
    nans = sum(math.isnan(v) for v in (s.low, s.base, s.high))
    bound = "≥" if 0 < nans < 3 and s.swing > 0 else ""
    return f"{bound}{int(s.swing)}"


def swing_value_text(t: Tornado, kpi: str, x: float, currency: str) -> str:
    if kpi == "runway_months":
        return _("never") if math.isnan(x) else str(int(x))
    if kpi == "npv":
        return fmt.money(x, currency)
    return fmt.month(t.label(x))


def tornado_rows(workbook: Workbook, t: Tornado, kpi: str) -> list[ucharts.TornadoRow]:
    """The chart's bars: ``t.sorted_by(kpi)`` without the assumptions that do not move it, at most
    TORNADO_BARS; months with "never" at the horizon."""
    def at(x: float) -> float:
        return float(never_as_horizon(np.array([x]), t.horizon)[0]) if kpi != "npv" else x

    out = []
    for b in t.sorted_by(kpi):
        s = b.swings[kpi]
        if s.swing <= 0:
            continue
        out.append(ucharts.TornadoRow(b.parameter, input_text(workbook, b, b.low),
                                      input_text(workbook, b, b.high), at(s.low), at(s.high),
                                      b.evidence == evidence.ESTIMATE))
    return out[:TORNADO_BARS]


def tornado_chart(run: Run, t: Tornado, kpi: str, key: str) -> ucharts.Chart | None:
    wb, cur = run.workbook, run.workbook.settings.currency
    rows = tornado_rows(wb, t, kpi)
    if not rows:
        return None
    who = narrative.scenario_title(t.scenario)
    moved = sum(1 for b in t.bars if b.swings[kpi].swing > 0)
    shown = (_("the {n} that move it most of the {moved}", n=len(rows), moved=moved) if moved > len(rows)
             else _("all {moved} that move it", moved=moved))
    marked = (_(" A name marked “estimate” rests on the model's own estimate, not on a source.")
              if any(r.estimate for r in rows) else "")
    if kpi == "npv":
        base = t.base["npv"]
        title = _("What moves NPV most — {scenario}", scenario=who)
        caption = _("NPV of operating cash flows with each assumption at its low and at its high, the "
                    "others as in {phrase}; {shown}, largest swing first. Labels give the input values.",
                    phrase=the(t.scenario), shown=shown) + marked
        return later(ucharts.tornado_chart)(key, title, rows, base, _("{scenario}: {value}", scenario=who,
                                                               value=fmt.money(base, cur)),
                                     _("NPV ({currency})", currency=cur), lambda v: fmt.money(v, cur), caption)
    horizon = t.horizon
    base_runway = t.base["runway_months"]
    base = horizon if math.isnan(base_runway) else base_runway
    base_label = _("{scenario}: {value}", scenario=who, value=_("never runs out") if math.isnan(base_runway)
                   else fmt.months(int(base)))
    title = _("What moves the runway most — {scenario}", scenario=who)
    caption = _("Runway with each assumption at its low and at its high, the others as in {phrase}; "
                "{shown}, largest swing first. A runway that never ends within the horizon is drawn "
                "at {horizon} months. Labels give the input values.", phrase=the(t.scenario), shown=shown,
                horizon=horizon) + marked
    return later(ucharts.tornado_chart)(key, title, rows, base, base_label,
                                 _("Runway (months from {month})", month=fmt.month_of(run.months[0])),
                                 lambda v: f"{v:g}", caption, limit=horizon,
                                 limit_label=_("never runs out ({horizon} months)", horizon=horizon))


def sensitivity_view(run: Run, t: Tornado, prefix: str = "sensitivity") -> dict:
    """One scenario's tornado chart, the table of every assumption's swings, and the words around
    them; the chart's id starts with ``prefix``."""
    wb, cur = run.workbook, run.workbook.settings.currency
    who = narrative.scenario_title(t.scenario)
    kpi = chart_kpi(t) if t.bars else "npv"
    moving = sum(1 for b in t.bars if b.swings["runway_months"].swing > 0)
    if not t.bars:
        choice = ""
    elif kpi == "runway_months":
        choice = _("The chart shows the runway, which {moving} of the {n} assumptions move.", moving=moving,
                   n=len(t.bars))
    else:
        choice = _("The runway moves for only {moving} of the {n} assumptions, so the chart shows the NPV; "
                   "the table gives every swing.", moving=moving, n=len(t.bars))
    swung = [k.name for k in registry.swung()]
    rows, ev = [], t.evidence_json()
    weights = evidence.weights(t.bars)
    for b in t.bars:
        row = wb.row_by_key()[b.key]
        rows.append({
            "parameter": b.parameter, "block": row.block, "name": row.parameter,
            "value": input_text(wb, b, b.value),
            "range": scenario_range(row, t.scenario),
            "kpis": [(k, swing_value_text(t, k, b.swings[k].low, cur),
                      swing_value_text(t, k, b.swings[k].high, cur), swing_text(k, b.swings[k], cur))
                     for k in swung],
            "evidence": evidence_cell(b, weights),
        })
    base = [(_(registry.named(k).label), swing_value_text(t, k, t.base[k], cur)) for k in swung]
    return {
        "scenario": who, "phrase": the(t.scenario), "count": len(t.bars), "horizon": t.horizon, "choice": choice,
        "base": base, "chart": tornado_chart(run, t, kpi, f"{prefix}-tornado") if t.bars else None,
        "kpis": [(k, _(registry.named(k).label)) for k in swung], "rows": rows, "chart_kpi": kpi,
        "evidence": story.evidence_sentences(ev),
    }


def evidence_cell(b: TornadoBar, weights: dict) -> dict:
    """The sensitivity table's evidence column: the row's kind of source and its share of the swing
    of the cash-out month, the funding gap and the ending cash (:mod:`cashcast.models.analysis.evidence`)."""
    shares = evidence.bar_shares(b, weights)
    return {"kind": b.evidence, "text": _("estimate") if b.evidence == evidence.ESTIMATE else _("sourced"),
            "shares": " · ".join(story.share_text(shares[k]) for k in evidence.HEADLINE)}


# ------------------------------------------------------------------------------------------------
# Simulation
# ------------------------------------------------------------------------------------------------
def distributions_text(sim: Simulation) -> str:
    """Which distributions the varied assumptions were drawn from."""
    pert = _("a Beta-PERT distribution from its low to its high with the scenario's value as the most "
             "likely figure")
    counts = Counter(u.distribution for u in sim.varied)
    if set(counts) <= {DEFAULT_DISTRIBUTION}:
        return _("each is drawn from {pert} (PERT, the default; the workbook's distribution column "
                 "can choose triangular, uniform, normal or lognormal instead)", pert=pert)
    others = _("; ").join(_("{distribution}: {labels}", distribution=_(d), labels=_(", ").join(
        u.label for u in sim.varied if u.distribution == d)) for d in sorted(counts) if d != DEFAULT_DISTRIBUTION)
    default = (_("{n} from {pert} (PERT, the default); ", n=counts[DEFAULT_DISTRIBUTION], pert=pert)
               if counts[DEFAULT_DISTRIBUTION] else "")
    return _("{default}the distribution column chooses the others ({others})", default=default, others=others)


def the(name: str) -> str:
    """A scenario in running text: 'the Base case', 'scenario claim-004'."""
    return _("the Base case") if name == BASE else _("scenario {name}", name=name)


def sampling_sentence(sim: Simulation, who: str) -> str:
    n = len(sim.varied)
    if n == 0:
        return _("{samples} samples of {who} with seed {seed}; no assumption is uncertain in {who} (none has a "
                 "low and a high that differ, or the scenario fixes each), so every sample is {who} itself. "
                 "Give the assumptions you are unsure of a low and a high, or a range such as 15%..20% in the "
                 "scenario's column, to simulate them.", samples=format(sim.samples, ","), who=who, seed=sim.seed)
    pairs = _("; ").join(_("{first} with {second} at {rho}", first=c.first, second=c.second, rho=format(c.rho, "g"))
                         for c in sim.correlations)
    which = (_("assumption is uncertain in it and varies") if n == 1
             else _("assumptions uncertain in it vary, with the rank correlations of the Correlations sheet "
                    "({pairs}) and otherwise independently", pairs=pairs) if pairs
             else _("assumptions uncertain in it vary, independently of each other"))
    return _("{samples} samples of {who}, drawn with seed {seed} (the same seed gives the same figures). "
             "The {n} {which} (listed below); {distributions}. Every other assumption keeps its value in "
             "{who}. IRR is not simulated.", samples=format(sim.samples, ","), who=who, seed=sim.seed, n=n,
             which=which, distributions=distributions_text(sim))


def varied_rows(run: Run, sim: Simulation) -> list[dict]:
    """The assumptions a scenario's simulation varied, with their distribution and range, for readers."""
    rows = {r.key: r for r in run.workbook.rows + run.workbook.setting_rows()}
    start = run.workbook.start_ordinal
    out = []
    for u in sim.varied:
        row = rows[u.key]
        shift = start if u.dimension == "date" else 0
        low, mode, high = (narrative.quantity(row, x + shift) for x in (u.low, u.mode, u.high))
        out.append({"parameter": u.label, "distribution": u.distribution, "low": low, "mode": mode,
                    "high": high})
    return out


def interval_text(sim: Simulation, kpi: str, ci: tuple[float, float], currency: str) -> str:
    """A percentile's 95% sampling-error interval: 'Feb 2025 – Apr 2025'."""
    return " – ".join(percentile_text(sim, kpi, x, currency) for x in ci)


def percentile_text(sim: Simulation, kpi: str, x: float, currency: str) -> str:
    if registry.named(kpi).kind == "months":
        return _("never") if math.isnan(x) else str(int(x))
    if registry.named(kpi).is_month:
        return fmt.month(sim.label(x))
    return fmt.money(x, currency)


def simulation_charts(run: Run, sim: Simulation, prefix: str = "simulation") -> list[ucharts.Chart]:
    cur, months = run.workbook.settings.currency, sim.months
    who = narrative.scenario_title(sim.scenario)
    j = run.scenarios.index(sim.scenario)
    n = _("{n} samples", n=format(sim.samples, ","))
    fan = later(ucharts.fan_chart)(
        f"{prefix}-fan", _("Cash balance across {n} — {scenario}", n=n, scenario=who), months, sim.fan.p10,
        sim.fan.p50, sim.fan.p90, cur, run.result.column("closing_cash", j),
        _("{scenario} as entered", scenario=who), run.workbook.settings.value("minimum_cash", sim.scenario),
        _("Each month's P10, P50 and P90 of closing cash across the {n} (taken month by month, so the P50 line "
          "is not one sample's path); the dashed line is {phrase} with every assumption at its value.", n=n,
          phrase=the(sim.scenario)))
    out = sim.histograms["cash_out_month"]
    never_share = out.never / sim.samples
    outs = later(ucharts.month_histogram_chart)(
        f"{prefix}-cash-out", _("When cash runs out — {scenario}", scenario=who), months, out.counts, out.never,
        sim.samples, _("Never runs out within the horizon: {share} of samples"), _("Month cash runs out"),
        _("Share of the {n} whose cash runs out in each month; {share} never run out by {month}.", n=n,
          share=fmt.percent(never_share), month=fmt.month_of(months[-1])))
    p = sim.percentiles
    charts = [fan, outs]
    for kpi, title, colour, what in (
            ("ending_cash", _("Ending cash ({month}) — {scenario}", month=fmt.month_of(months[-1]), scenario=who),
             ucharts.CASH_COLOUR, _("closing cash in the horizon's last month")),
            ("peak_funding_need", _("Peak funding need — {scenario}", scenario=who), ucharts.OUT_COLOUR,
             _("the deepest cumulative operating deficit"))):
        edges, counts, zeros = money_bins(sim, kpi)
        log = zeros is not None
        caption = _("Share of the {n} per bin of {what}; the lines mark P10, P50 and P90.", n=n, what=what)
        note = ""
        if log:
            caption += _(" The amounts span several orders of magnitude, so the axis is logarithmic "
                         "(bins equally wide on it)")
            caption += (_("; {share} of the samples are zero.", share=fmt.percent(zeros / sim.samples)) if zeros
                        else _("."))
            note = _("Zero: {share} of samples", share=fmt.percent(zeros / sim.samples)) if zeros else ""
        charts.append(later(ucharts.money_histogram_chart)(
            f"{prefix}-{kpi.replace('_', '-')}", title, edges, counts, sim.samples, cur,
            (_("{label} ({currency}, log scale)", label=_(registry.named(kpi).label), currency=cur) if log
             else _("{label} ({currency})", label=_(registry.named(kpi).label), currency=cur)),
            (p[kpi].p10, p[kpi].p50, p[kpi].p90), caption, colour, log, note))
    return charts


def money_bins(sim: Simulation, kpi: str, bins: int = 40,
               crowded: float = 0.5, span: float = 100.0) -> tuple[np.ndarray, np.ndarray, int | None]:
    """(edges, counts, zeros) of a money KPI's histogram: the Simulation's own, unless one of its bins
    holds more than ``crowded`` of the samples while the values are never negative and the positive
    ones span more than ``span`` times; then ``bins`` bins equally wide on a log scale over the
    positive values, and ``zeros`` counts the samples at zero (None for the Simulation's own bins)."""
    h = sim.histograms[kpi]
    v = sim.values[kpi]
    positive = v[v > 0]
    if (h.counts.max() <= crowded * sim.samples or v.min() < 0 or positive.size == 0
            or positive.max() <= span * positive.min()):
        return h.edges, h.counts, None
    edges = np.geomspace(positive.min(), positive.max(), bins + 1)
    counts, _ = np.histogram(positive, edges)
    return edges, counts, int(v.size - positive.size)


def simulation_view(run: Run, sim: Simulation, prefix: str = "simulation") -> dict:
    """One scenario's Monte Carlo for the template; chart ids start with ``prefix``."""
    cur = run.workbook.settings.currency
    who = narrative.scenario_title(sim.scenario)
    rows = []
    for figure in registry.simulated():
        kpi, label = figure.name, _(figure.label)
        p = sim.percentiles[kpi]
        month = figure.is_month
        rows.append({"kpi": kpi, "label": label,
                     **{q: percentile_text(sim, kpi, getattr(p, q), cur) for q in ("p10", "p50", "p90")},
                     **{f"{q}_ci": interval_text(sim, kpi, p.ci95[q], cur) for q in ("p10", "p50", "p90")},
                     "mean": "—" if month else fmt.money(p.mean, cur),
                     "never": fmt.share_pm(p.never, p.ci95["never"]) if month else "—"})
    years = list(sim.cash_out_by_year.items())
    year_tables = [[(str(y), fmt.share_pm(prob, sim.probability_ci95(prob))) for y, prob in years[a:a + YEARS_PER_TABLE]]
                   for a in range(0, len(years), YEARS_PER_TABLE)]
    what = (_("falls below the minimum cash") if run.workbook.settings.value("minimum_cash", sim.scenario)
            else _("has run out"))
    varied = bool(sim.varied)  # with nothing varied every sample is the scenario: no charts, no tables
    return {"scenario": who, "description": sim.description, "name": sim.scenario,
            "sentence": sampling_sentence(sim, the(sim.scenario)), "varied": varied,
            "varied_rows": varied_rows(run, sim),
            "correlation_rows": [{"first": c.first, "second": c.second, "rho": f"{c.rho:.2f}".replace("-", "−"),
                                  "source": references.source_parts(run.workbook, c.source),
                                  "notes": references.notes_parts(run.workbook, c.notes)} for c in sim.correlations],
            "charts": simulation_charts(run, sim, prefix) if varied else [],
            "rows": rows, "year_tables": year_tables, "what": what, "samples": sim.samples}
