"""Headcount: employees × annual cost per employee, paid monthly; stock-based pay on top, an expense
that no cash pays."""
from __future__ import annotations

from cashcast.models.engine.expr import Num
from cashcast.models.kinds.base import COST_CATEGORIES, BlockContext, KindSpec, Line, MONTHS_PER_YEAR, ParamSpec as P

DEFAULT_CATEGORY = "general_administrative"


def payroll(employees, cost_per_employee):
    """``cost_t = employees × annual cost per employee / 12``.

    Article 002: about 500 staff; at $300K a year each (the model's own estimate) $12.5M a month.

    >>> payroll(500, 300_000)
    12500000.0
    """
    return employees * cost_per_employee / MONTHS_PER_YEAR


def stock_pay(employees, cost_per_employee, stock_share, stock_per_employee):
    """``stock_t = employees × (stock share × cost per employee + stock per employee) / 12``: stock-based
    pay, on top of the cash pay; an expense in the income statement, added back in cash from operations.

    Article 002's 500 staff at $300K a year, with stock worth half their pay: $6.25M a month; with a
    $100K grant each instead: $4,166,666.67 a month.

    >>> stock_pay(500, 300_000, 0.5, 0)
    6250000.0
    >>> round(stock_pay(500, 300_000, 0, 100_000), 2)
    4166666.67
    """
    return employees * (stock_share * cost_per_employee + stock_per_employee) / MONTHS_PER_YEAR


def build(b: BlockContext) -> list[Line]:
    employees, cost = b.p("employees"), b.p("cost_per_employee")
    category = b.text("category", DEFAULT_CATEGORY)  # the staff's function: researchers are R&D
    lines = [b.line("cost", payroll(employees, cost) * b.active(), "staff cost", b.money(), "cost",
                    category=category)]
    if b.has("stock_share") or b.has("stock_per_employee"):
        share = b.p("stock_share") if b.has("stock_share") else Num(0)
        per_employee = b.p("stock_per_employee") if b.has("stock_per_employee") else Num(0)
        lines.append(b.line("stock_pay", stock_pay(employees, cost, share, per_employee) * b.active(),
                            "stock-based pay (not cash)", b.money(), "memo", category="stock_compensation"))
    return lines


KIND = KindSpec(
    name="headcount", role="cost", category=DEFAULT_CATEGORY,
    doc="employees × annual cost per employee, in monthly twelfths; optional stock-based pay on top (not cash)",
    params=(
        P("employees", "count", "people employed"),
        P("cost_per_employee", "money/year", "fully loaded cash cost per person per year"),
        P("stock_share", "percent", "stock-based pay as a share of the cash cost, on top of it (not cash)", False),
        P("stock_per_employee", "money/year", "stock-based pay per person per year, on top (not cash)", False),
        P("category", "category", f"the staff's function, as text: {', '.join(COST_CATEGORIES)} (default "
                                  f"{DEFAULT_CATEGORY}); researchers are research_development", False),
    ),
    build=build,
    formulas=(payroll, stock_pay),
)
