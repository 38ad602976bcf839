"""Headcount: employees × annual cost per employee, paid monthly."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, MONTHS_PER_YEAR, ParamSpec as P


def payroll(employees, cost_per_employee):
    """``cost_t = employees × annual cost per employee / 12``.

    Article 002: about 500 staff; at $300K a year each (the model's own estimate) $12.5M a month.

    >>> payroll(500, 300_000)
    12500000.0
    """
    return employees * cost_per_employee / MONTHS_PER_YEAR


def build(b: BlockContext) -> list[Line]:
    return [b.line("cost", payroll(b.p("employees"), b.p("cost_per_employee")) * b.active(),
                   "staff cost", b.money(), "cost")]


KIND = KindSpec(
    name="headcount", role="cost", category="general_administrative",
    doc="employees × annual cost per employee, in monthly twelfths",
    params=(
        P("employees", "count", "people employed"),
        P("cost_per_employee", "money/year", "fully loaded cost per person per year"),
    ),
    build=build,
    formulas=(payroll,),
)
