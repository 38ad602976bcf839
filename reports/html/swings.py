"""The key assumptions and the sensitivity in words: the largest tornado swings of a scenario, with
each assumption's source, and the top three as sentences ("If X is at its low (v) instead of its
base (v), cash runs out in M instead of M'…").

Everything is read from the scenario's :class:`cashcast.models.analysis.uncertainty.Tornado` (the
JSON's ``tornado``); nothing is recomputed here. Month figures are month indices (NaN: never within
the horizon), as the tornado holds them.
"""
from __future__ import annotations

import math

from cashcast.models.analysis.scenarios import Run
from cashcast.models.analysis.uncertainty import Swing, Tornado, TornadoBar

from cashcast.reports import fmt
from cashcast.reports.i18n import _
from cashcast.reports.html import narrative, references
from cashcast.reports.html import uncertainty as uncertainty_report

KEY_ASSUMPTIONS = 6   # rows of the key-assumptions table
IN_WORDS = 3          # swings told as sentences


def moves(bar: TornadoBar) -> bool:
    """The assumption moves some figure between its low and its high."""
    return any(s.swing > 0 for s in bar.swings.values())


def largest(t: Tornado, most: int) -> list[TornadoBar]:
    """The ``most`` assumptions with the largest swings, in the tornado's order (runway, then
    break-even, then NPV), leaving out those that move nothing."""
    return [b for b in t.bars if moves(b)][:most]


def month_text(t: Tornado, x: float) -> str:
    """A month index of the tornado as a reader's month; NaN is 'never'."""
    return _("never") if math.isnan(x) else fmt.month(t.label(x))


def cash_change(t: Tornado, at: float, base: float, floor: float) -> str:
    """'cash runs out in Mar 2025 instead of never', 'cash never runs out (instead of in Sep 2024)'
    (empty when the month does not change). Month indices: NaN is never within the horizon."""
    if at == base or (math.isnan(at) and math.isnan(base)):
        return ""
    if math.isnan(at):
        if floor:
            return _("cash never falls below the minimum (instead of in {month})", month=month_text(t, base))
        return _("cash never runs out (instead of in {month})", month=month_text(t, base))
    if floor:
        return _("cash falls below the minimum in {month} instead of {base}", month=month_text(t, at),
                 base=month_text(t, base))
    return _("cash runs out in {month} instead of {base}", month=month_text(t, at), base=month_text(t, base))


def break_even_change(t: Tornado, at: float, base: float) -> str:
    """'break-even comes in Aug 2027 instead of Aug 2028' (empty when it does not change)."""
    if at == base or (math.isnan(at) and math.isnan(base)):
        return ""
    if math.isnan(at):
        return _("it never breaks even instead of breaking even in {month}", month=month_text(t, base))
    if math.isnan(base):
        return _("it breaks even in {month} instead of never", month=month_text(t, at))
    return _("break-even comes in {month} instead of {base}", month=month_text(t, at), base=month_text(t, base))


def effect(t: Tornado, swings: dict[str, Swing], side: str, currency: str, floor: float) -> str:
    """What one end of an assumption's range does: the cash-out and break-even months it moves, else
    the NPV (the swing side is ``low`` or ``high``)."""
    out = [cash_change(t, getattr(swings["cash_out_month"], side), t.base["cash_out_month"], floor),
           break_even_change(t, getattr(swings["break_even_month"], side), t.base["break_even_month"])]
    out = [s for s in out if s]
    if out:
        return _(" and ").join(out)
    npv, base = getattr(swings["npv"], side), t.base["npv"]
    if npv == base:
        return _("nothing changes")
    return _("NPV is {npv} instead of {base}", npv=fmt.money(npv, currency), base=fmt.money(base, currency))


def swing_sentence(run: Run, t: Tornado, bar: TornadoBar) -> str:
    """One assumption's swing as a sentence, its low and its high against the scenario's value (an
    end that is the scenario's value is said to be so, not to change nothing)."""
    wb = run.workbook
    cur, floor = wb.settings.currency, wb.settings.value("minimum_cash", t.scenario) or 0.0
    low, value, high = (uncertainty_report.input_text(wb, bar, x) for x in (bar.low, bar.value, bar.high))
    at_high = _("at its high ({high}), {effect}", high=high, effect=effect(t, bar.swings, "high", cur, floor))
    if bar.low == bar.value:
        return _("{parameter} is already at its low ({low}); {at_high}.", parameter=bar.parameter, low=low,
                 at_high=at_high)
    at_low = effect(t, bar.swings, "low", cur, floor)
    if bar.high == bar.value:
        return _("If {parameter} is at its low ({low}) instead of its base ({value}), {effect}; its base is "
                 "already its high ({high}).", parameter=bar.parameter, low=low, value=value, effect=at_low,
                 high=high)
    return _("If {parameter} is at its low ({low}) instead of its base ({value}), {effect}; {at_high}.",
             parameter=bar.parameter, low=low, value=value, effect=at_low, at_high=at_high)


def sentences(run: Run, t: Tornado, most: int = IN_WORDS) -> list[str]:
    """The top ``most`` swings of a scenario as sentences."""
    return [swing_sentence(run, t, b) for b in largest(t, most)]


def swing_summary(t: Tornado, bar: TornadoBar, currency: str) -> str:
    """What the assumption moves, in short: 'runway 12 months, break-even 7 months, NPV $1.2B'."""
    parts = []
    for key, label in (("runway_months", _("runway")), ("break_even_month", _("break-even"))):
        s = bar.swings[key]
        if s.swing > 0:
            parts.append(_("{label} {swing} months", label=label, swing=uncertainty_report.swing_text(key, s, currency)))
    if bar.swings["npv"].swing > 0:
        parts.append(_("NPV {amount}", amount=fmt.money(bar.swings["npv"].swing, currency)))
    return _(", ").join(parts)


def key_rows(run: Run, t: Tornado, most: int = KEY_ASSUMPTIONS) -> list[dict]:
    """The key assumptions: the largest swings, each with its value, range, swing and source."""
    wb, cur = run.workbook, run.workbook.settings.currency
    rows = []
    for b in largest(t, most):
        row = wb.row_by_key()[b.key]
        rows.append({"parameter": b.parameter, "value": uncertainty_report.input_text(wb, b, b.value),
                     "range": uncertainty_report.scenario_range(row, t.scenario),
                     "swing": swing_summary(t, b, cur), "source": references.source_parts(wb, row.source)})
    return rows


def key_assumptions_view(run: Run, t: Tornado) -> dict:
    """The key-assumptions section: the table of the largest swings and the top three in words."""
    return {"scenario": narrative.scenario_title(t.scenario), "phrase": uncertainty_report.the(t.scenario),
            "rows": key_rows(run, t), "sentences": sentences(run, t), "count": len(t.bars)}
