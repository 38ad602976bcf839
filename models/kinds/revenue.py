"""Revenue: a plain amount per period, for a figure reported as a run-rate or as a yearly total."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def plain_revenue(amount_per_month):
    """``revenue_t = amount per month`` (an amount typed per year or day is converted first: a year's
    total is a twelfth each month, a daily run-rate × the month's days).

    Article 001: licensing reported as "about $200 million a year" is $16,666,666.67 a month.

    >>> round(plain_revenue(200_000_000 / 12), 2)
    16666666.67
    """
    return amount_per_month


def build(b: BlockContext) -> list[Line]:
    return [b.line("revenue", plain_revenue(b.p("amount")) * b.active(), "revenue", b.money(), "revenue")]


KIND = KindSpec(
    name="revenue", category="revenue", role="revenue",
    doc="a plain amount of revenue per period (per month, year or day), for a figure reported as a "
        "run-rate or a yearly total",
    params=(P("amount", "money/month", "revenue per period (USD/month, USD/year or USD/day)"),
            P("recurring", "recurring", "yes when customers pay it again every month or year under a standing "
                                        "agreement (a run-rate of subscriptions or contracts): it then counts "
                                        "in ARR; default no", False)),
    build=build,
    formulas=(plain_revenue,),
)
