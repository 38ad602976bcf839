"""Evidence weight: how much of a scenario's sensitivity rests on sourced figures and how much on the
model's own estimates (issue 16, item 3).

Every assumption the tornado swings (:mod:`cashcast.models.analysis.sensitivity`) is classified by
ONE function, :func:`is_estimate`, as an **estimate** or as **sourced**, from its source kind
(:func:`cashcast.models.reading.sources.source_kind`): a source cell that says ``estimate …``, or
cites a Sources row whose kind is ``estimate``, is an estimate, and so is a blank one (nothing backs the
figure); every other kind (article, filing, press report, …, or free text not in a register) is
sourced. A setting's source is its Settings ``source`` cell, or its note where that is blank.

**Share of the swing.** For each headline figure k (:data:`HEADLINE`: the cash-out month, the
funding gap and the ending cash) and each swung assumption i, the tornado gives the swing
``s_ik = max − min`` of k with i at its low, at the scenario's value and at its high. Then::

    share_ik          = s_ik / Σ_j s_jk               (no share when Σ_j s_jk = 0: nothing moves k)
    estimate share_k  = Σ_{i estimate} s_ik / Σ_j s_jk,   sourced share_k = 1 − estimate share_k

The swings are one at a time, so the shares apportion the sum of the separate swings, not the
spread of all assumptions moved together (swings do not add up where assumptions interact). A
cash-out that never comes within the horizon counts as the horizon's month count, as in the
tornado: a swing that reaches "never" is a lower bound, so that assumption's share is understated
and the others' overstated; ``reaches_never`` says when that happened.

The **largest swings** are the :data:`LARGEST` assumptions with the largest share summed over the
three figures (ties: the tornado's order), each named with its kind of source.

Worked example: opening cash $1M; rent $100K a month (an estimate, low $90K, high $125K) and sales
$60K a month (sourced, low $40K, high $80K), over 24 months: ending cash $1M − 24 × $40K = $40K.
It swings by 24 × $35K = $840K with the rent and by 24 × $40K = $960K with the sales: the estimate carries
840 / 1,800 = 46.67% of the ending cash's swing.

>>> from cashcast.models.analysis.sensitivity import Swing
>>> w = weigh([Bar(ESTIMATE, {"ending_cash": Swing(280e3, 40e3, -560e3, 840e3)}),
...            Bar(SOURCED, {"ending_cash": Swing(-440e3, 40e3, 520e3, 960e3)})], "ending_cash")
>>> (w.total, w.estimate, round(w.estimate_share, 4), round(w.sourced_share, 4))
(1800000.0, 840000.0, 0.4667, 0.5333)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Protocol

from cashcast.models.reading import sources

ESTIMATE, SOURCED = "estimate", "sourced"
HEADLINE = ("cash_out_month", "funding_gap", "ending_cash")
LARGEST = 2


def is_estimate(kind: str) -> bool:
    """The row rests on the model's own estimate: its source kind is ``estimate`` or blank (nothing backs
    it). The one place the kind of source is decided.

    >>> is_estimate("estimate"), is_estimate(""), is_estimate("article"), is_estimate("unregistered")
    (True, True, False, False)
    """
    return kind in (ESTIMATE, "")


def source_kind(workbook, key: str) -> str:
    """The source kind of a swung row: an assumption's (read with the workbook), or a setting's from its
    Settings ``source`` cell, or its note where that is blank (``settings.opening_cash``)."""
    row = workbook.row_by_key().get(key)
    if row is not None:
        return row.source_kind
    name = setting_of(workbook, key)
    text = workbook.settings.sources.get(name, ("", ""))[0] or workbook.settings.notes.get(name, "")
    return sources.source_kind(text, workbook.sources)


def setting_of(workbook, key: str) -> str:
    """The Settings row of a setting's or an exchange rate's parameter key, as the sheet names it:
    ``settings__opening_cash`` → ``opening_cash``; ``fx__usd`` → ``fx_USD`` (the rate's key is lower case,
    the sheet's name as typed)."""
    prefix, _, rest = key.partition("__")
    if prefix != "fx":
        return rest
    typed = {n.lower(): n for n in (*workbook.settings.notes, *workbook.settings.sources)}
    return typed.get(f"fx_{rest}", f"fx_{rest.upper()}")


def kind_of(workbook, key: str) -> str:
    """:data:`ESTIMATE` or :data:`SOURCED` for a parameter key (see :func:`is_estimate`)."""
    return ESTIMATE if is_estimate(source_kind(workbook, key)) else SOURCED


class Weighed(Protocol):
    """A tornado bar as the evidence weight reads it: its kind of source and its headline swings."""

    evidence: str
    headline: dict


@dataclass(frozen=True)
class Bar:
    """A stand-in bar for examples and tests: a kind of source and swings by KPI."""

    evidence: str
    headline: dict = field(default_factory=dict)


def share(part: float, total: float) -> float | None:
    """``part / total``; None when nothing swings (total 0).

    >>> share(30.0, 40.0), share(0.0, 0.0)
    (0.75, None)
    """
    return part / total if total > 0 else None


def reaches_never(s) -> bool:
    """A swing that counted "never" (NaN) as the horizon at one end but not at all three: a lower
    bound.

    >>> from cashcast.models.analysis.sensitivity import Swing
    >>> reaches_never(Swing(30.0, float("nan"), 20.0, 100.0)), reaches_never(Swing(*[float("nan")] * 3, 0.0))
    (True, False)
    """
    return s.swing > 0 and any(math.isnan(x) for x in (s.low, s.base, s.high))


@dataclass(frozen=True)
class Weight:
    """One figure's swing split by kind of source: ``total`` = Σ swings, ``estimate`` the estimates'
    part of it (months for the cash-out month, money otherwise)."""

    kpi: str
    total: float
    estimate: float
    reaches_never: bool

    @property
    def sourced(self) -> float:
        return self.total - self.estimate

    @property
    def estimate_share(self) -> float | None:
        return share(self.estimate, self.total)

    @property
    def sourced_share(self) -> float | None:
        return share(self.sourced, self.total)


def weigh(bars: Iterable[Weighed], kpi: str) -> Weight:
    """The swing of ``kpi`` over all bars, and the estimates' part of it (module docstring)."""
    bars = list(bars)
    total = float(sum(b.headline[kpi].swing for b in bars))
    estimate = float(sum(b.headline[kpi].swing for b in bars if b.evidence == ESTIMATE))
    return Weight(kpi, total, estimate, any(reaches_never(b.headline[kpi]) for b in bars))


def weights(bars: Iterable[Weighed]) -> dict[str, Weight]:
    """:func:`weigh` of every headline figure."""
    bars = list(bars)
    return {k: weigh(bars, k) for k in HEADLINE}


def bar_shares(bar: Weighed, by_kpi: dict[str, Weight]) -> dict[str, float | None]:
    """One bar's share of each headline figure's swing (None where nothing moves the figure)."""
    return {k: share(bar.headline[k].swing, w.total) for k, w in by_kpi.items()}


def largest(bars: list[Weighed], most: int = LARGEST) -> list[Weighed]:
    """The ``most`` bars with the largest share summed over the headline figures (bars that move
    none of them left out); ties keep the given (tornado) order.

    >>> from cashcast.models.analysis.sensitivity import Swing
    >>> s = lambda x: Swing(0.0, 0.0, x, x)
    >>> bars = [Bar(SOURCED, {k: s(1.0) for k in HEADLINE}), Bar(ESTIMATE, {k: s(3.0) for k in HEADLINE}),
    ...         Bar(ESTIMATE, {k: s(0.0) for k in HEADLINE})]
    >>> [b.evidence for b in largest(bars, 5)]
    ['estimate', 'sourced']
    """
    by_kpi = weights(bars)
    weight = [sum(x or 0.0 for x in bar_shares(b, by_kpi).values()) for b in bars]
    order = sorted(range(len(bars)), key=lambda i: -weight[i])
    return [bars[i] for i in order if weight[i] > 0][:most]
