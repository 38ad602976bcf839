"""The whole story of one scenario in words: the answer's paragraph, one small pure function per fact.

Every function reads a scenario's JSON entry (its ``kpis`` and ``annual`` figures, see
:func:`cashcast.reports.tables.summary`) and a :class:`Frame` (currency, cash floor, last month), and
returns a sentence, or '' when the fact does not apply; nothing is recomputed here, so every number
and month in the paragraph is one of the JSON's (tests/test_story.py parses them back).

The paragraph is the scenario's one-sentence answer (:func:`cashcast.reports.html.narrative.headline`:
cash-out, recovery, break-even, a return to losses) followed by the facts that sentence leaves out:
the cash low point, what must be raised and by when, cash already out at the horizon, profit to the
horizon, the burn at the start and at the end, the runway at the horizon, and — only when the scenario
truly stays funded and profitable to the horizon — that it does.

With an analysis, two sentences close the paragraph: how much of the sensitivity swing of the
headline figures rests on the model's own estimates, and the kind of source of the largest swings
(:func:`evidence_sentences`, from the JSON's ``evidence_weight`` entry of the scenario).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cashcast.reports import fmt, i18n
from cashcast.reports.i18n import _, _noop


@dataclass(frozen=True)
class Frame:
    """What the sentences need besides the KPIs: the currency, the scenario's cash floor
    (``minimum_cash``; 0 for none) and the horizon's last month."""

    currency: str
    floor: float
    last: dt.date


def floor_words(f: Frame) -> str:
    """The cash floor in words.

    >>> floor_words(Frame("RMB", 1e7, dt.date(2033, 12, 1))), floor_words(Frame("USD", 0, dt.date(2032, 12, 1)))
    ('the ¥1,000万 minimum', 'zero')
    """
    return _("the {amount} minimum", amount=fmt.money(f.floor, f.currency)) if f.floor else _("zero")


def funded_and_profitable(k: dict) -> bool:
    """The scenario stays funded (cash never falls below the floor) and profitable (the trailing
    twelve months stay ≥ 0 from break-even to the horizon): the only case an answer is all good.

    >>> funded_and_profitable({"cash_out_month": None, "sustained_break_even_month": "2023-12"})
    True
    >>> funded_and_profitable({"cash_out_month": "2026-07", "sustained_break_even_month": "2028-08"})
    False
    """
    return k["cash_out_month"] is None and k["sustained_break_even_month"] is not None


def already_out(k: dict) -> bool:
    """Cash is below the floor in the horizon's last month (out, and never back above it)."""
    return k["cash_out_month"] is not None and k["cash_recovers_month"] is None


def low_point(k: dict, f: Frame) -> str:
    """Where cash bottoms out.

    >>> low_point({"cash_low": -191_364_831.07, "cash_low_month": "2028-01"}, Frame("RMB", 1e7, dt.date(2033, 12, 1)))
    'Cash is lowest in Jan 2028, at −¥1.91亿.'
    """
    return _("Cash is lowest in {month}, at {amount}.", month=fmt.month(k["cash_low_month"]),
             amount=fmt.money(k["cash_low"], f.currency))


def raise_need(k: dict, f: Frame) -> str:
    """How much must be raised, and by when (the funding gap is always given with its month).

    >>> raise_need({"funding_gap": 201_364_831.07, "raise_by_month": "2026-07"}, Frame("RMB", 1e7, dt.date(2033, 12, 1)))
    'To stay above the ¥1,000万 minimum it must raise ¥2.01亿 by Jul 2026.'
    >>> raise_need({"funding_gap": 0.0, "raise_by_month": None}, Frame("USD", 0, dt.date(2032, 12, 1)))
    'It needs no new money: cash stays at or above zero throughout.'
    """
    if not k["funding_gap"]:
        return _("It needs no new money: cash stays at or above {floor} throughout.", floor=floor_words(f))
    return _("To stay above {floor} it must raise {amount} by {month}.", floor=floor_words(f),
             amount=fmt.money(k["funding_gap"], f.currency), month=fmt.month(k["raise_by_month"]))


def shortfall(k: dict, f: Frame) -> str:
    """Without the raise: how long cash is short, and — when it is still out at the horizon — since
    when (the start of its last run below the floor, the JSON's ``runway_at_horizon_month``).

    $1M opening cash, $100K a month of costs and nothing else, over 24 months: out from Nov 2023.

    >>> shortfall({"cash_out_month": "2023-11", "cash_recovers_month": None, "months_short": 14,
    ...            "runway_at_horizon_month": "2023-11", "ending_cash": -1_400_000.0},
    ...           Frame("USD", 0, dt.date(2024, 12, 1)))
    'Without that raise it is out of cash from Nov 2023 to the end of the horizon: 14 months short, ending Dec 2024 at −$1.4M.'
    """
    if k["cash_out_month"] is None:
        return ""
    if already_out(k):
        return _("Without that raise it is out of cash from {since} to the end of the horizon: {months} short, "
                 "ending {last} at {amount}.", since=fmt.month(k["runway_at_horizon_month"]),
                 months=fmt.months(k["months_short"]), last=fmt.month_of(f.last),
                 amount=fmt.money(k["ending_cash"], f.currency))
    return _("Without that raise cash is below {floor} for {months} in all.", floor=floor_words(f),
             months=fmt.months(k["months_short"]))


def profit_to_horizon(k: dict) -> str:
    """Whether profit lasts once reached: to the horizon, back for good after losses return, or not.

    >>> profit_to_horizon({"break_even_month": "2023-12", "returns_to_loss_month": "2030-03",
    ...                    "sustained_break_even_month": None})
    'The losses last to the end of the horizon.'
    >>> profit_to_horizon({"break_even_month": "2023-12", "returns_to_loss_month": "2025-05",
    ...                    "sustained_break_even_month": "2026-02"})
    'It is profitable again for good from Feb 2026.'
    """
    if k["break_even_month"] is None:
        return ""
    if k["returns_to_loss_month"] is None:
        return _("It stays at break-even or better to the end of the horizon.")
    if k["sustained_break_even_month"] is None:
        return _("The losses last to the end of the horizon.")
    return _("It is profitable again for good from {month}.", month=fmt.month(k["sustained_break_even_month"]))


def burn_words(x: float, currency: str) -> str:
    """A year's average net burn a month as a verb phrase; a negative burn is cash generated.

    >>> burn_words(9.5e6, "USD"), burn_words(-7.6e6, "RMB"), burn_words(0.0, "USD")
    ('burns $9.5M a month', 'generates ¥760万 a month', 'neither burns nor generates cash')
    """
    if x > 0:
        return _("burns {amount} a month", amount=fmt.money(x, currency))
    if x < 0:
        return _("generates {amount} a month", amount=fmt.money(-x, currency))
    return _("neither burns nor generates cash")


def burn_now_and_at_horizon(annual: dict, f: Frame) -> str:
    """The burn in the first and in the last year of the horizon (the JSON's ``annual.kpis.net_burn``,
    an average a month).

    >>> burn_now_and_at_horizon({"years": [2023, 2024], "kpis": {"net_burn": [100_000.0, -50_000.0]}},
    ...                         Frame("USD", 0, dt.date(2024, 12, 1)))
    'On average it burns $100K a month in 2023 and generates $50K a month in 2024.'
    """
    years, burn = annual["years"], annual["kpis"]["net_burn"]
    if len(years) == 1:
        return _("On average it {burn} in {year}.", burn=burn_words(burn[0], f.currency), year=years[0])
    return _("On average it {burn} in {year} and {last_burn} in {last_year}.", burn=burn_words(burn[0], f.currency),
             year=years[0], last_burn=burn_words(burn[-1], f.currency), last_year=years[-1])


def horizon_runway(k: dict, f: Frame) -> str:
    """How long the cash left at the horizon lasts at the last three months' burn (nothing when the
    cash is already out: :func:`shortfall` says so).

    >>> horizon_runway({"cash_out_month": None, "cash_recovers_month": None, "runway_at_horizon_months": 52,
    ...                 "runway_at_horizon_month": "2037-05", "ending_cash": 22.18e9}, Frame("USD", 0, dt.date(2032, 12, 1)))
    "At the last three months' burn the $22.2B left at the horizon lasts another 52 months and runs out in May 2037."
    """
    if already_out(k):
        return ""
    if k["runway_at_horizon_months"] is None:
        return _("At the last three months' rate its cash does not run out within a century of the horizon.")
    return _("At the last three months' burn the {amount} left at the horizon lasts another {months} and runs "
             "out in {month}.", amount=fmt.money(k["ending_cash"], f.currency),
             months=fmt.months(k["runway_at_horizon_months"]), month=fmt.month(k["runway_at_horizon_month"]))


def verdict(k: dict) -> str:
    """The all-clear, said only when it is true (:func:`funded_and_profitable`)."""
    return _("It stays funded and profitable to the end of the horizon.") if funded_and_profitable(k) else ""


def facts(entry: dict, f: Frame) -> list[str]:
    """The sentences after the answer sentence, in reading order, the ones that apply."""
    k = entry["kpis"]
    said = [low_point(k, f), raise_need(k, f), shortfall(k, f), profit_to_horizon(k),
            burn_now_and_at_horizon(entry["annual"], f), horizon_runway(k, f), verdict(k)]
    return [s for s in said if s]


def share_text(x: float | None) -> str:
    """A share of a swing as a whole percentage that never rounds a part to none or to all.

    >>> share_text(0.6234), share_text(0.003), share_text(0.9971), share_text(1.0), share_text(None)
    ('62%', '<1%', '>99%', '100%', 'n/a')
    """
    if x is None:
        return _("n/a")
    if 0 < x < 0.005:
        return "<1%"
    if 0.995 <= x < 1:
        return ">99%"
    return f"{round(100 * x):d}%"


FIGURES = {"cash_out_month": _noop("cash-out month"), "funding_gap": _noop("funding gap"),
           "ending_cash": _noop("ending cash")}


def estimate_shares(ev: dict) -> str:
    """The estimates' share of each headline figure's swing (the JSON's ``evidence_weight`` entry).

    >>> estimate_shares({"kpis": {"cash_out_month": {"estimate_share": 0.75}, "funding_gap":
    ...     {"estimate_share": 0.4}, "ending_cash": {"estimate_share": None}}, "largest": []})
    "Share of the sensitivity swing that rests on the model's own estimates: cash-out month 75%, funding gap 40%, ending cash n/a (no assumption moves it)."
    """
    parts = []
    for key, figure in FIGURES.items():
        x = ev["kpis"][key]["estimate_share"]
        parts.append(_("{figure} {share}", figure=_(figure), share=share_text(x)) if x is not None else
                     _("{figure} n/a (no assumption moves it)", figure=_(figure)))
    return _("Share of the sensitivity swing that rests on the model's own estimates: {shares}.",
             shares=_(", ").join(parts))


def kind_words(kind: str) -> str:
    return _("the model's own estimate") if kind == "estimate" else _("a sourced figure")


def largest_swings(ev: dict) -> str:
    """The largest swings with their kind of source ('' when no assumption moves the figures).

    >>> largest_swings({"largest": [{"parameter": "Rent.amount", "source_kind": "estimate"},
    ...                             {"parameter": "Sales.volume", "source_kind": "estimate"}]})
    "The two largest swings rest on the model's own estimates: Rent.amount and Sales.volume."
    >>> largest_swings({"largest": [{"parameter": "Sales.volume", "source_kind": "sourced"},
    ...                             {"parameter": "Rent.amount", "source_kind": "estimate"}]})
    "The largest swing, Sales.volume, rests on a sourced figure; the second largest, Rent.amount, on the model's own estimate."
    """
    top = ev["largest"]
    if not top:
        return ""
    if len(top) == 1:
        return _("The only swing, {name}, rests on {kind}.", name=top[0]["parameter"],
                 kind=kind_words(top[0]["source_kind"]))
    first, second = top[:2]
    if first["source_kind"] == second["source_kind"]:
        names = {"first": first["parameter"], "second": second["parameter"]}
        if first["source_kind"] == "estimate":
            return _("The two largest swings rest on the model's own estimates: {first} and {second}.", **names)
        return _("The two largest swings rest on sourced figures: {first} and {second}.", **names)
    return _("The largest swing, {first}, rests on {kind}; the second largest, {second}, on {kind2}.",
             first=first["parameter"], kind=kind_words(first["source_kind"]), second=second["parameter"],
             kind2=kind_words(second["source_kind"]))


def evidence_sentences(ev: dict | None) -> list[str]:
    """How much of the answer rests on estimates (nothing without an analysis or a swung assumption)."""
    if not ev or not ev["assumptions"]:
        return []
    return [s for s in (estimate_shares(ev), largest_swings(ev)) if s]


def paragraph(headline: str, entry: dict, f: Frame, evidence: dict | None = None) -> str:
    """The whole story of one scenario: its answer sentence, then :func:`facts`, then (with an
    analysis) :func:`evidence_sentences` (Chinese sentences follow each other without a space)."""
    return ("" if i18n.current() == "zh" else " ").join([headline, *facts(entry, f),
                                                         *evidence_sentences(evidence)])
