"""Advertising: a share of an annual ad market, received monthly."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, MONTHS_PER_YEAR, ParamSpec as P


def advertising_revenue(market_size, share):
    """``revenue_t = annual market × share / 12``.

    Article 001: 15–20% of Google's $220–300B a year is $33–60B a year.

    >>> advertising_revenue(220e9, 0.15) * 12, advertising_revenue(300e9, 0.20) * 12
    (33000000000.0, 60000000000.0)
    """
    return market_size * share / MONTHS_PER_YEAR


def build(b: BlockContext) -> list[Line]:
    return [b.line("revenue", advertising_revenue(b.p("market_size"), b.p("share")) * b.active(),
                   "advertising revenue", b.money(), "revenue")]


KIND = KindSpec(
    name="advertising", role="revenue", category="revenue",
    doc="annual ad market × share captured, in monthly twelfths",
    params=(
        P("market_size", "money/year", "the advertising market, per year"),
        P("share", "percent", "share of that market captured", plausible=(None, 0.5)),
    ),
    build=build,
    formulas=(advertising_revenue,),
)
