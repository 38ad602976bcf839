"""Funding: a round's cash, received in one month or in tranches (``amount@YYYY-MM`` rows); or, with an
``in_kind`` row, credits received for equity and consumed by a named cost block (no cash moves)."""
from __future__ import annotations

from cashcast.models.engine.expr import (Between, Expr, LineRef, Max, MonthOfYear, MonthsSince, Num, Prev,
                                         Sum, Year, lift)
from cashcast.models.kinds.base import (MONTHS_PER_YEAR, TRANCHE, BlockContext, KindSpec, Line,
                                        ParamSpec as P)


def funding_inflow(amount, months_since_round):
    """``cash_t = amount`` in the round's month, else 0.

    Article 001: Microsoft's $10 billion in early 2023.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(funding_inflow(10e9, 0))
    10000000000.0
    """
    return amount * Between(lift(months_since_round), Num(0), Num(0))


def _months_from(year: int, month: int) -> Expr:
    """Whole months from ``year``-``month`` to this month, from the month's own date (no literal date)."""
    return (Year() - year) * MONTHS_PER_YEAR + MonthOfYear() - month


def credits_left(credits_left_before, received, cost):
    """``left_t = max(0, left_{t−1} + received_t − cost_t)``; the credits used are then ``left_{t−1} +
    received_t − left_t = min(cost_t, left_{t−1} + received_t)``: the consuming block's cost paid with
    credits while they last. The cost stays in the income statement; no cash pays it.

    Article 001's $10 billion received as compute credits, against $700K a day of serving (31 days):
    $9,978,300,000 is left after the month; with $5M left, nothing is and only $5M of the cost is paid so.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(credits_left(0, 10e9, 21.7e6)), scalar(credits_left(5e6, 0, 21.7e6))
    (9978300000.0, 0.0)
    """
    return Max(0, lift(credits_left_before) + received - cost)


def _received(b: BlockContext) -> Expr:
    """The round's amount in its month plus each tranche in its own month."""
    parts = []
    if b.has("amount") and b.has("month"):
        parts.append(funding_inflow(b.p("amount"), MonthsSince(b.date("month"))))
    for modifier, row in sorted(b.block.shapes.get("amount", {}).items()):
        if modifier.startswith(TRANCHE):
            year, month = int(modifier[len(TRANCHE):][:4]), int(modifier[len(TRANCHE):][4:])
            parts.append(funding_inflow(b.raw(row), _months_from(year, month)))
    return Sum(parts)


def build(b: BlockContext) -> list[Line]:
    inflow = _received(b)
    if not b.has("in_kind"):
        return [b.line("funding", inflow, "funding received", b.money(), "funding")]
    left = f"{b.slug}.credits_left"
    cost = Sum(LineRef(n) for n in b.cost_lines_of(b.text("in_kind", "")))
    before = Prev(left, Num(0))
    return [b.line("credits", inflow, "credits received (for equity, not cash)", b.money(), "memo",
                   category="credits_received"),
            b.line("credits_left", credits_left(before, inflow, cost), "credits left", b.money(""), "detail",
                   stock=True),
            b.line("credits_used", before + inflow - LineRef(left), "credits used (cost paid in kind)",
                   b.money(), "memo", category="credits_used")]

KIND = KindSpec(
    name="funding", role="funding", category="equity",
    doc="a funding round: cash received in one month, or in tranches (`amount@YYYY-MM` rows); with `in_kind`, "
        "credits for equity that a named cost block consumes",
    params=(
        P("amount", "money", "cash received (with month); or give tranches as amount@YYYY-MM rows", False),
        P("month", "date", "month the cash arrives (with amount)", False),
        P("in_kind", "block", "the cost block (an expense, not hardware) whose cost the round pays in kind "
                              "(credits): no cash moves", False),
    ),
    timed=False,
    build=build,
    formulas=(funding_inflow, credits_left),
)
