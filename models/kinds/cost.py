"""Cost: a plain amount per period in a statement category, for a figure reported as a run-rate or as
a yearly total (R&D spending, a marketing budget, general and administrative costs)."""
from __future__ import annotations

from cashcast.models.kinds.base import COST_CATEGORIES, BlockContext, KindSpec, Line, ParamSpec as P

DEFAULT_CATEGORY = "general_administrative"


def plain_cost(amount_per_month):
    """``cost_t = amount per month`` (an amount typed per year or day is converted first).

    Article 001: Baidu's R&D "over 22 billion RMB" in 2022 is 1,833,333,333.33 RMB a month.

    >>> round(plain_cost(22e9 / 12), 2)
    1833333333.33
    """
    return amount_per_month


def build(b: BlockContext) -> list[Line]:
    category = b.text("category", DEFAULT_CATEGORY)
    return [b.line("cost", plain_cost(b.p("amount")) * b.active(), category.replace("_", " ") + " cost",
                   b.money(), "cost", category=category)]


KIND = KindSpec(
    name="cost", category="general_administrative", role="cost",
    doc="a plain amount of cost per period (per month, year or day) in a statement category, for a "
        "figure reported as a run-rate or a yearly total",
    params=(
        P("amount", "money/month", "cost per period (USD/month, USD/year or USD/day)"),
        P("category", "category", f"statement category, as text: {', '.join(COST_CATEGORIES)} (default "
                                  f"{DEFAULT_CATEGORY})", False),
    ),
    build=build,
    formulas=(plain_cost,),
)
