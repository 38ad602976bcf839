"""Hardware: paid in cash in the purchase month, depreciated straight-line (a memo line)."""
from __future__ import annotations

from cashcast.models.engine.expr import Between, MonthsSince, Num, lift
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def hardware_payment(units, unit_price, months_since_purchase):
    """``cash_t = units × unit price`` in the purchase month, else 0.

    Article 002: 1,000 GPUs at 50,000 RMB = 50 million RMB, paid in one month.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(hardware_payment(1000, 50_000.0, 0)), scalar(hardware_payment(1000, 50_000.0, 1))
    (50000000.0, 0.0)
    """
    in_month = Between(lift(months_since_purchase), Num(0), Num(0))
    return units * unit_price * in_month


def straight_line_depreciation(units, unit_price, life_months, months_since_purchase):
    """``depreciation_t = units × unit price / life`` for the ``life`` months from purchase.

    Article 002: 50 million RMB of GPUs over 36 months is 1,388,888.89 RMB a month.

    >>> from cashcast.models.engine.expr import scalar
    >>> round(scalar(straight_line_depreciation(1000, 50_000.0, 36, 0)), 2)
    1388888.89
    >>> scalar(straight_line_depreciation(1000, 50_000.0, 36, 36))
    0.0
    """
    m = lift(months_since_purchase)
    return units * unit_price / life_months * Between(m, Num(0), None) * m.lt(life_months)


def build(b: BlockContext) -> list[Line]:
    since = MonthsSince(b.date("purchase_month"))
    units, price = b.p("units"), b.p("unit_price")
    return [
        b.line("cost", hardware_payment(units, price, since), "hardware purchases", b.money(), "cost"),
        b.line("depreciation", straight_line_depreciation(units, price, b.p("useful_life_months"), since),
               "depreciation (not cash)", b.money(), "memo", category="depreciation"),
    ]


KIND = KindSpec(
    name="hardware", role="cost", category="capital_expenditure",
    doc="units × unit price paid in cash in the purchase month; depreciated straight-line over "
        "the useful life (a memo line, not cash)",
    params=(
        P("units", "count", "units bought (GPUs, servers; 1 for a lump sum)"),
        P("unit_price", "money/unit", "price per unit"),
        P("purchase_month", "date", "month the purchase is paid"),
        P("useful_life_months", "months", "months over which it is depreciated"),
    ),
    timed=False,
    build=build,
    formulas=(hardware_payment, straight_line_depreciation),
)
