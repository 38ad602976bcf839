"""Inference (serving): per day, per active user or per server."""
from __future__ import annotations

from cashcast.models.engine.expr import DaysInMonth
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def serving_cost_per_day(cost_per_day, days_in_month):
    """``cost_t = cost per day × days in month t``.

    Article 004: $700K a day is $21.7M in a 31-day month.

    >>> serving_cost_per_day(700_000, 31)
    21700000
    """
    return cost_per_day * days_in_month


def per_unit_cost(units, cost_per_unit):
    """``cost_t = units × cost per unit per month`` (active users or servers).

    Example (the model's own): 100 million active users at $0.05 each a month.

    >>> round(per_unit_cost(100e6, 0.05), 2)
    5000000.0
    """
    return units * cost_per_unit


def build(b: BlockContext) -> list[Line]:
    if b.has("cost_per_day"):
        cost = serving_cost_per_day(b.p("cost_per_day"), DaysInMonth())
    elif b.has("active_users"):
        cost = per_unit_cost(b.p("active_users"), b.p("cost_per_user"))
    else:
        cost = per_unit_cost(b.p("servers"), b.p("cost_per_server"))
    return [b.line("cost", cost * b.active(), "serving cost", b.money(), "cost")]


KIND = KindSpec(
    name="inference", role="cost", category="cost_of_revenue",
    doc="serving cost: a cost per day × days in the month, or active users × cost per user per "
        "month, or servers × cost per server per month",
    params=(
        P("cost_per_day", "money/day", "running cost per day", False),
        P("active_users", "count", "monthly active users served", False),
        P("cost_per_user", "money/unit", "serving cost per active user per month", False),
        P("servers", "count", "servers running", False),
        P("cost_per_server", "money/unit", "cost per server per month", False),
    ),
    modes=(("cost_per_day",), ("active_users", "cost_per_user"), ("servers", "cost_per_server")),
    build=build,
    formulas=(serving_cost_per_day, per_unit_cost),
)
