"""The words of the HTML report: the one-sentence answer per scenario, KPI cards, assumption values
for readers, sources as links, docstrings as running text and the time shapes a workbook uses.

Everything here returns plain strings or :class:`Part` lists; the Jinja2 templates escape all of it.
Nothing is marked safe in this module.
"""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.kpis import Kpi
from cashcast.models.reading.specs import SHAPES, YEARLY_SHAPES
from cashcast.models.reading.workbook import BASE, Row, Settings, Workbook, ordinal_to_date

from cashcast.reports import fmt
from cashcast.reports.html import story
from cashcast.reports.i18n import _, _noop

PROFIT_MONTHS = ("break_even_month", "sustained_break_even_month")  # green only when funded and profitable


@dataclass(frozen=True)
class Part:
    """A piece of running text: plain ``text``, ``code``, a ``link`` (http/https only) or a ``file``."""

    kind: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Card:
    """One KPI card: ``key`` is the KPI's name in the JSON."""

    key: str
    label: str
    value: str
    note: str
    tone: str = ""  # good | bad | "" (how the value reads for an investor)


def _tone(good: bool) -> str:
    return "good" if good else "bad"


# ------------------------------------------------------------------------------------------------
# The answer
# ------------------------------------------------------------------------------------------------
def scenario_title(name: str) -> str:
    """How a scenario is named in prose: the base scenario is 'Base case'."""
    return _("Base case") if name == BASE else name


def cash_clause(k: dict, s: Settings, last_month: dt.date, currency: str, scenario: str = BASE) -> str:
    """'cash runs out in Mar 2025, 26 months after the start' (or why it does not), against the
    scenario's own minimum cash."""
    month = k["cash_out_month"]
    if month is None:
        return (_("cash lasts the whole {months}-month horizon, ending at {cash} in {month}",
                  months=s.horizon_months, cash=fmt.money(k["ending_cash"], currency),
                  month=fmt.month_of(last_month)) + horizon_burn_clause(k))
    floor = s.value("minimum_cash", scenario)
    # the month inside each clause: Chinese puts it before the verb (现金于2026年7月跌破最低现金…)
    what = (_("cash falls below the {floor} minimum in {month}", floor=fmt.money(floor, currency),
              month=fmt.month(month)) if floor
            else _("cash runs out in {month}", month=fmt.month(month)))
    runway = k["runway_months"]
    when = _("the first month") if runway == 0 else _("{months} after the start", months=fmt.months(runway))
    back = (_(" and is back above it from {month}", month=fmt.month(k["cash_recovers_month"]))
            if k.get("cash_recovers_month") else "")
    return _("{what}, {when}{back}", what=what, when=when, back=back)


def horizon_burn_clause(k: dict) -> str:
    """', but it is burning cash at the end: at the last three months' rate it runs out in May 2037'
    (empty when the horizon ends without burning), so "lasts the whole horizon" never hides a burn."""
    month = k.get("runway_at_horizon_month")
    if k.get("runway_at_horizon_months") is None:
        return ""
    when = _("runs out in {month}", month=fmt.month(month)) if month else _("would last over a century more")
    return _(", but it is burning cash at the end: at the last three months' rate it {when}", when=when)


def break_even_clause(k: dict, last_month: dt.date) -> str:
    """'operating cash flow breaks even in Sep 2027' (or not by the end of the horizon)."""
    if k["break_even_month"] is None:
        return _("operating cash flow does not break even by {month}", month=fmt.month_of(last_month))
    loss = k.get("returns_to_loss_month")
    again = _(" but returns to losses from {month}", month=fmt.month(loss)) if loss else ""
    return _("operating cash flow breaks even in {month}{again}", month=fmt.month(k["break_even_month"]),
             again=again)


def headline(name: str, k: dict, workbook: Workbook, extra: str | None = None) -> str:
    """The answer for one scenario in one plain sentence; ``extra`` is a last clause (the solve-for
    clause of :func:`cashcast.reports.html.uncertainty.solve_clause`)."""
    last = workbook.months()[-1]
    cur = workbook.settings.currency
    tail = _("; {clause}", clause=extra) if extra else ""
    return _("{scenario}: {cash}; {break_even}{tail}.", scenario=scenario_title(name),
             cash=cash_clause(k, workbook.settings, last, cur, name), break_even=break_even_clause(k, last),
             tail=tail)


def card_notes(workbook: Workbook, k: dict, scenario: str = BASE) -> dict[str, str]:
    """The line under a KPI card where the report says more than the registry's description; the
    floor and the discount rate are the scenario's own."""
    s, cur = workbook.settings, workbook.settings.currency
    minimum = s.value("minimum_cash", scenario)
    floor = _("below the {floor} minimum", floor=fmt.money(minimum, cur)) if minimum else _("below zero")
    return {
        "cash_out_month": _("first month with cash {floor}", floor=floor),
        "runway_months": _("months from {month}", month=fmt.month_of(s.start_month)),
        "break_even_month": _("a full trailing 12 months of operating cash flow ≥ 0"),
        "npv": _("operating cash flows at {rate} a year", rate=fmt.percent_exact(s.value("discount_rate", scenario))),
        "irr": irr_note_text(k.get("irr_note")),
        **recovery_note(k),
        "funding_gap": (_("to raise by {month}, when cash first falls {floor}", month=fmt.month(k["raise_by_month"]),
                          floor=floor) if k.get("funding_gap") else _("nothing to raise: cash never falls {floor}",
                                                                      floor=floor)),
        "peak_funding_need": _("deepest cumulative operating deficit, before any funding; not the raise "
                               "(see the funding gap)"),
        "ending_cash": _("at the end of {month}", month=fmt.month_of(workbook.months()[-1])),
    }


IRR_SIGNS = re.compile(r"undefined: the operating cash flows change sign (\d+) times, so more than one rate can "
                       r"make their NPV zero")
IRR_NOTES = (  # the fixed notes of :func:`cashcast.models.analysis.kpi.irr_note`, as msgids
    _noop("the flows are positive first and negative later: a borrowing, whose IRR is the rate paid "
          "(lower is better)"),
    _noop("undefined: there are no operating cash flows"),
    _noop("undefined: the operating cash flows never change sign (always negative)"),
    _noop("undefined: the operating cash flows never change sign (always positive)"),
)


def irr_note_text(note: str | None) -> str:
    """Why the IRR card has no rate, in the report's language (the model's note is English)."""
    if note and (m := IRR_SIGNS.fullmatch(note)):
        return _("undefined: the operating cash flows change sign {n} times, so more than one rate can "
                 "make their NPV zero", n=m[1])
    return _(note or "annualised, on operating cash flows")


def null_is_not_never(kpi: Kpi) -> bool:
    """A null that means something else than "never within the horizon" (no shortfall to recover
    from, no burn at the horizon): the card shows a dash and says what the null means."""
    return bool(kpi.null) and not kpi.null.startswith("never") and kpi.kind != "rate"


def recovery_note(k: dict) -> dict[str, str]:
    """What a null recovery month means here: no shortfall, or one that lasts to the horizon."""
    if k.get("cash_recovers_month") is not None or "cash_recovers_month" not in k:
        return {}
    return {"cash_recovers_month": _("cash never falls below the floor") if k["cash_out_month"] is None
            else _("still below the floor at the end of the horizon")}


def card_value(kpi: Kpi, x, workbook: Workbook) -> str:
    """A KPI's JSON value as its card shows it, by the KPI's kind; a dash for a null that is not a
    "never"."""
    if x is None and null_is_not_never(kpi):
        return "—"
    if kpi.kind == "month":
        return month_or_never(x)
    if kpi.kind == "months":
        return fmt.months(x) if x is not None else _("{n}+ months", n=workbook.settings.horizon_months)
    if kpi.kind == "rate":
        return fmt.percent(x) if x is not None else _("n/a")
    return fmt.money(x, workbook.settings.currency)


def card_tone(kpi: Kpi, x) -> str:
    """good/bad where the value alone says so: reaching a month (or never reaching it, when never is
    best); a negative amount that should be large."""
    if kpi.kind == "month":
        return _tone((x is None) == kpi.never_is_best)
    return "bad" if kpi.kind == "money" and kpi.better > 0 and (x or 0) < 0 else ""


def kpi_cards(k: dict, workbook: Workbook, scenario: str = BASE) -> list[Card]:
    """The KPIs of one scenario as cards, in the registry's (and the JSON's) order."""
    notes = card_notes(workbook, k, scenario)

    def note(kpi: Kpi) -> str:
        if kpi.name in notes:
            return notes[kpi.name]
        return _(kpi.null if k[kpi.name] is None and null_is_not_never(kpi) else kpi.description)

    def tone(kpi: Kpi) -> str:
        if kpi.name in PROFIT_MONTHS and k[kpi.name] is not None and not story.funded_and_profitable(k):
            return ""   # a break-even is good news only if the cash lasts and the profit holds
        return card_tone(kpi, k[kpi.name]) if kpi.toned and not (
            k[kpi.name] is None and null_is_not_never(kpi)) else ""

    return [Card(kpi.name, _(kpi.label), card_value(kpi, k[kpi.name], workbook), note(kpi), tone(kpi))
            for kpi in registry.KPIS]


def month_or_never(label: str | None) -> str:
    """A KPI month for a card: 'Mar 2025', or 'Never' within the horizon."""
    return fmt.month(label) if label else _("Never")


# ------------------------------------------------------------------------------------------------
# Assumptions for readers
# ------------------------------------------------------------------------------------------------
def quantity(row: Row, value: float | None) -> str:
    """An assumption's value with its unit, for readers: '$20/month', '1.0%', 'Jul 2025', '1B visits/month'."""
    if row.link is not None:
        return _("linked to {block}.{parameter}", block=row.link[0], parameter=row.link[1])
    if value is None:
        return ""
    dim = row.dimension
    if dim == "percent":
        return fmt.percent_exact(value)
    if dim == "rate":
        return fmt.percent_exact(value) + row.unit[1:]
    if dim == "months":
        return fmt.months(int(value)) if float(value).is_integer() else _("{n} months", n=format(value, "g"))
    if dim == "date":
        return fmt.month_of(ordinal_to_date(int(value)))
    if dim.startswith("money"):
        per = row.unit.partition("/")[2]
        cur = row.currency or row.unit
        return fmt.money_per(value, cur, per, 2) if per else fmt.money(value, cur, 2)
    return f"{fmt.number(value, 2)} {row.unit}"


def value_range(row: Row) -> str:
    """'500M – 1.5B visits/month' from low and high, or '' when neither is given."""
    if row.low is None and row.high is None:
        return ""
    low = quantity(row, row.low) if row.low is not None else "…"
    high = quantity(row, row.high) if row.high is not None else "…"
    return f"{_without_unit(low, high)} – {high}"


def scenario_value(row: Row, scenario: str) -> str:
    """What a scenario's cell gives a row: its value, or its own range ('15% – 20%, most likely 15%').

    The most likely figure is shown only when typed (``low..mode..high``)."""
    if scenario not in row.ranges:
        return quantity(row, row.overrides[scenario])
    low, high = (quantity(row, x) for x in row.ranges[scenario])
    mode = row.overrides[scenario]
    given = mode != (row.ranges[scenario][0] + row.ranges[scenario][1]) / 2
    return f"{_without_unit(low, high)} – {high}" + (_(", most likely {value}", value=quantity(row, mode))
                                                      if given else "")


def _without_unit(low: str, high: str) -> str:
    """``low`` without the unit it shares with ``high``: ('500M users', '1B users') → '500M'."""
    k = 0
    while k < min(len(low), len(high)) and low[-1 - k] == high[-1 - k]:
        k += 1
    common = low[len(low) - k:]
    cut = min((common.find(c) for c in " /" if c in common), default=-1)
    return low[: len(low) - len(common) + cut] if cut >= 0 else low


URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.I)
FILE_RE = re.compile(r"(?:file://)?(?:[\w.~-]+[/\\])*[\w-][\w.-]*\.(?:txt|md|pdf|html?|docx?|xlsx?|csv|json)\b",
                     re.I)
TRAILING = ".,;:!?)]}"


def text_parts(text: str) -> list[Part]:
    """Split source or notes text into plain text, links (http and https URLs) and article files
    (shown by file name, without their folders).

    >>> text_parts("see https://x.org/a. and articles/001.txt")
    [Part(kind='text', text='see ', href=None), Part(kind='link', text='https://x.org/a', href='https://x.org/a'), Part(kind='text', text='. and ', href=None), Part(kind='file', text='001.txt', href=None)]
    """
    parts: list[Part] = []
    pos = 0
    pattern = re.compile(f"{URL_RE.pattern}|{FILE_RE.pattern}", re.I)
    for m in pattern.finditer(text):
        token = m.group(0)
        if URL_RE.fullmatch(token):
            token = token.rstrip(TRAILING)
            kind, shown, href = "link", token, token
        else:
            kind, shown, href = "file", re.split(r"[/\\]", token)[-1], None
        if m.start() > pos:
            parts.append(Part("text", text[pos:m.start()]))
        parts.append(Part(kind, shown, href))
        pos = m.start() + len(token)
    if pos < len(text):
        parts.append(Part("text", text[pos:]))
    return parts


# ------------------------------------------------------------------------------------------------
# Docstrings as running text (the methodology section, reports/html/methodology.py, reads them)
# ------------------------------------------------------------------------------------------------
def clean_doc(doc: str) -> str:
    r"""A docstring without its indentation and surrounding blank lines (as ``help()`` shows it).

    >>> clean_doc('  First line.\n\n    Second, indented.\n    ')
    'First line.\n\nSecond, indented.'
    """
    first, _, rest = doc.expandtabs().partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


def code_parts(text: str) -> list[Part]:
    """Split reStructuredText ``literals`` from running text."""
    parts = []
    for k, piece in enumerate(re.split(r"``(.+?)``", text)):
        if piece:
            parts.append(Part("code" if k % 2 else "text", piece))
    return parts


def shape_notes(workbook: Workbook) -> list[tuple[str, str]]:
    """The time shapes the workbook uses: (row name, what it does)."""
    used = {r.modifier for r in workbook.rows if r.modifier}
    notes = [(f"<parameter>.{name}", doc) for name, (_dim, doc) in SHAPES.items() if name in used]
    kinds = {"<parameter>.growth@YEAR": "growth_y", "<parameter>@YEAR": "y"}
    notes += [(name, doc) for name, _dim, doc in YEARLY_SHAPES
              if any(m.startswith(kinds[name]) and m[len(kinds[name]):].isdigit() for m in used)]
    return notes
