"""A subscription: paying subscribers × monthly price, with churn when the audience shrinks."""
from __future__ import annotations

from cashcast.models.engine.annual import MEAN
from cashcast.models.engine.expr import LineRef, Max, Num, Prev
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def subscribers(audience, conversion, previous, churn):
    """Paying subscribers this month.

    ``subscribers_t = MAX(audience_t × conversion_t, subscribers_{t−1} × (1 − churn))``: the service
    signs up payers until they are ``conversion`` of the audience; when the audience shrinks, payers
    leave at the monthly churn rate rather than all at once.

    Article 001: 1 billion visits × 1% conversion = 10 million payers.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(subscribers(1e9, 0.01, 0.0, 0.0))
    10000000.0
    >>> scalar(subscribers(0.5e9, 0.01, 10_000_000, 0.10))  # audience halves: 10% of payers leave
    9000000.0
    """
    return Max(audience * conversion, previous * (1 - churn))


def subscription_revenue(subscribers_now, price):
    """``revenue_t = subscribers_t × price_t``.

    Article 001: 10 million payers × $20/month = $200M a month, $2.4B a year.

    >>> subscription_revenue(10_000_000, 20.0) * 12
    2400000000.0
    """
    return subscribers_now * price


def build(b: BlockContext) -> list[Line]:
    name = f"{b.slug}.subscribers"
    churn = b.p("churn") if b.has("churn") else Num(0)
    audience = LineRef(f"{b.slug}.audience")
    subs = subscribers(audience, b.p("conversion"), Prev(name, Num(0)), churn) * b.active()
    return [
        b.line("audience", b.p("audience") * b.active(), "audience", b.block.rows["audience"].unit,
               "detail", annual=MEAN),
        b.line("subscribers", subs, "paying subscribers", "subscribers", "detail", stock=True),
        b.line("revenue", subscription_revenue(LineRef(name), b.p("price")), "subscription revenue",
               b.money(), "revenue"),
    ]


KIND = KindSpec(
    name="subscription", role="revenue", category="revenue",
    doc="paying subscribers × monthly price; subscribers = audience × conversion, and when the "
        "audience shrinks they leave at the churn rate rather than all at once",
    params=(
        P("audience", "count", "people (or monthly visits) the offer reaches"),
        P("conversion", "percent", "share of the audience that pays"),
        P("price", "money/month", "subscription price per month"),
        P("churn", "percent", "share of subscribers who cancel each month", False),
    ),
    build=build,
    formulas=(subscribers, subscription_revenue),
)
