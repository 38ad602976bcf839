"""Growth rates that keep every projection finite: the compound factor ``(1 + growth)^(m / per)`` over
every month ``m`` of the projection, counted from the block's start (negative before it), stays within
``1 / BOUNDS["growth_factor"] .. BOUNDS["growth_factor"]``.

The span depends on the horizon and on the block's start month, so this is a check over the whole
draft (in :data:`~cashcast.models.reading.checks.CHECKS`), and the simulation clips sampled growth
rates to the same limits (:func:`growth_limits`).
"""
from __future__ import annotations

import math

from cashcast.models.kinds.base import GROWTH_YEAR
from cashcast.models.reading.data import Block, Draft, Row, Settings, month_ordinal
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import BOUNDS


def _span(settings: Settings, block: Block) -> int:
    """The most months between the block's start (any value its start_month row may take) and a month
    of the projection."""
    first = month_ordinal(settings.start_month)
    last = first + settings.horizon_months - 1
    row = block.rows.get("start_month")
    starts = [] if row is None else [x for x in (row.value, row.low, row.high, *row.overrides.values(),
                                                 *(x for r in row.ranges.values() for x in r)) if x is not None]
    return max(abs(m - s) for m in (first, last) for s in (starts or [first]))


def is_growth(modifier: str | None) -> bool:
    """Whether a row's modifier makes it a growth rate: ``.growth`` or ``.growth@YEAR``.

    >>> is_growth("growth"), is_growth("growth_y2026"), is_growth("y2026"), is_growth(None)
    (True, True, False, False)
    """
    return modifier is not None and (modifier == "growth" or modifier.startswith(GROWTH_YEAR))


def growth_limits(settings: Settings, block: Block, row: Row) -> tuple[float, float]:
    """The lowest and highest growth rate of ``row`` (a ``.growth`` row of ``block``) that keep its
    factor within the bound.

    >>> import datetime as dt
    >>> s = Settings(dt.date(2023, 1, 1), 120, "USD", 0.1, 0.0, None, {}, {})
    >>> r = Row(2, "B", "opex", "monthly_amount.growth", "monthly_amount", "growth", "rate", "%/month",
    ...         None, 0.1, None, None, None, None, "", "", {}, {})
    >>> [round(x, 4) for x in growth_limits(s, Block("B", "b", "opex"), r)]  # 1e20 over 119 months
    [-0.3209, 0.4725]
    """
    periods = _span(settings, block) / (1 if row.unit == "%/month" else 12)
    if periods == 0:
        return -1.0, math.inf
    room = math.log(BOUNDS["growth_factor"]) / periods
    return math.expm1(-room), math.expm1(room)


def _pct(x: float) -> str:
    """A fraction as a percentage, rounded toward zero so the figure shown itself works: 0.47256 → 47.25%."""
    return f"{math.trunc(x * 1e4) / 100:g}%" if abs(x) < 1e12 else f"{x * 100:.6g}%"


def _growth_rows(draft: Draft):
    for block in draft.blocks.values():
        for shapes in block.shapes.values():
            for modifier, row in shapes.items():
                if is_growth(modifier):
                    yield block, row


def check_growth(draft: Draft) -> list[Problem]:
    """Rule: every growth rate (value, low, high and scenario values) keeps its compound factor within
    the bound over the projection. Checked when the settings (start month, horizon) parsed."""
    if draft.settings is None:
        return []
    out = []
    for block, row in _growth_rows(draft):
        lo, hi = growth_limits(draft.settings, block, row)
        given = [("value", row.value), ("low", row.low), ("high", row.high)]
        given += [(f"scenario:{name}", x) for name, x in row.overrides.items() if name not in row.ranges]
        given += [(f"scenario:{name}", x) for name, r in row.ranges.items() for x in r]
        for col, x in given:
            if x is not None and not lo <= x <= hi and col in row.cells:
                out.append(Problem(draft.name, draft.sheet("Assumptions"), row.cells[col],
                                   f"growth {_pct(x)}{row.unit[1:]} compounds past {BOUNDS['growth_factor']:g}× "
                                   f"(or below 1/{BOUNDS['growth_factor']:g}) over the months projected; the "
                                   f"largest growth that works here is {_pct(hi)}{row.unit[1:]}, the smallest "
                                   f"{_pct(lo)}{row.unit[1:]}"))
    return out
