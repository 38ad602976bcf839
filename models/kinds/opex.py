"""Any other operating cost: an amount per month."""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def build(b: BlockContext) -> list[Line]:
    return [b.line("cost", b.p("monthly_amount") * b.active(), "operating cost", b.money(), "cost")]


KIND = KindSpec(
    name="opex", role="cost", category="general_administrative",
    doc="any other operating cost, an amount per month",
    params=(P("monthly_amount", "money/month", "cost per month"),),
    build=build,
    formulas=(),
)
