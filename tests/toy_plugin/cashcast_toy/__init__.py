"""A toy block kind from outside cashcast: royalties on the units a partner sells.

``pyproject.toml`` registers :data:`KIND` under the entry point group ``cashcast.blocks``; once the
package is installed, a workbook row of kind ``royalty`` works like a built-in kind.
"""
from __future__ import annotations

from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def royalty_revenue(units, unit_price, royalty_rate):
    """``revenue_t = units_t × unit price × royalty rate``.

    Example (the model's own): 40,000 units a month at $25, a 6% royalty: $60,000 a month.

    >>> round(royalty_revenue(40_000, 25, 0.06), 2)
    60000.0
    """
    return units * unit_price * royalty_rate


def build(b: BlockContext) -> list[Line]:
    revenue = royalty_revenue(b.p("units"), b.p("unit_price"), b.p("royalty_rate")) * b.active()
    return [b.line("revenue", revenue, "royalty revenue", b.money(), "revenue")]


KIND = KindSpec(
    name="royalty", role="revenue", category="revenue",
    doc="royalties: units a partner sells × unit price × royalty rate",
    params=(
        P("units", "count", "units the partner sells per month"),
        P("unit_price", "money/unit", "the partner's price per unit"),
        P("royalty_rate", "percent", "the share of the price paid to us"),
    ),
    build=build,
    formulas=(royalty_revenue,),
)
