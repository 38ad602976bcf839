"""Funding: a round's cash, received in one month."""
from __future__ import annotations

from cashcast.models.engine.expr import Between, MonthsSince, Num, lift
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def funding_inflow(amount, months_since_round):
    """``cash_t = amount`` in the round's month, else 0.

    Article 001: Microsoft's $10 billion in early 2023.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(funding_inflow(10e9, 0))
    10000000000.0
    """
    return amount * Between(lift(months_since_round), Num(0), Num(0))


def build(b: BlockContext) -> list[Line]:
    return [b.line("funding", funding_inflow(b.p("amount"), MonthsSince(b.date("month"))),
                   "funding received", b.money(), "funding")]


KIND = KindSpec(
    name="funding", role="funding", category="equity",
    doc="a funding round: cash received in one month",
    params=(
        P("amount", "money", "cash received"),
        P("month", "date", "month the cash arrives"),
    ),
    timed=False,
    build=build,
    formulas=(funding_inflow,),
)
