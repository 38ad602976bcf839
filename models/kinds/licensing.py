"""Licensing: licensees × annual fee, received monthly."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, MONTHS_PER_YEAR, ParamSpec as P


def licensing_revenue(customers, annual_fee):
    """``revenue_t = customers × annual fee / 12`` (fees received monthly).

    Article 001: 200 platforms × $1M a year = $200M a year.

    >>> licensing_revenue(200, 1_000_000) * 12
    200000000.0
    """
    return customers * annual_fee / MONTHS_PER_YEAR


def build(b: BlockContext) -> list[Line]:
    return [b.line("revenue", licensing_revenue(b.p("customers"), b.p("annual_fee")) * b.active(),
                   "licensing revenue", b.money(), "revenue")]


KIND = KindSpec(
    name="licensing", role="revenue", category="revenue",
    doc="licensees × annual fee, received in twelve monthly instalments",
    params=(
        P("customers", "count", "platforms or companies licensing the model"),
        P("annual_fee", "money/year", "fee per licensee per year"),
    ),
    build=build,
    formulas=(licensing_revenue,),
)
