"""Usage-priced revenue (an API): monthly volume × unit price."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def usage_revenue(volume, unit_price):
    """``revenue_t = volume_t × unit price``.

    Example (the model's own): 1 billion calls a month at $0.002 a call.

    >>> round(usage_revenue(1e9, 0.002), 2)
    2000000.0
    """
    return volume * unit_price


def build(b: BlockContext) -> list[Line]:
    return [b.line("revenue", usage_revenue(b.p("volume"), b.p("unit_price")) * b.active(),
                   "usage revenue", b.money(), "revenue")]


KIND = KindSpec(
    name="usage", role="revenue", category="revenue",
    doc="monthly volume × unit price (a usage-priced API)",
    params=(
        P("volume", "count", "units sold per month (calls, million tokens, ...)"),
        P("unit_price", "money/unit", "price per unit"),
    ),
    build=build,
    formulas=(usage_revenue,),
)
