"""Funding: a round's cash, received in one month or in tranches (``amount@YYYY-MM`` rows); or, with an
``in_kind`` row, credits received for equity and consumed by a named cost block (no cash moves). With a
``pre_money`` or ``post_money`` valuation, the shares it sells (:mod:`cashcast.models.statements.ownership`)."""
from __future__ import annotations

from cashcast.models.engine.expr import Between, Expr, LineRef, Max, MonthsSince, Num, Prev, Sum, lift
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P
from cashcast.models.statements.ownership import months_from, ownership_lines, tranche_months


def funding_inflow(amount, months_since_round):
    """``cash_t = amount`` in the round's month, else 0.

    Article 001: Microsoft's $10 billion in early 2023.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(funding_inflow(10e9, 0))
    10000000000.0
    """
    return amount * Between(lift(months_since_round), Num(0), Num(0))


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


def shares_bought(received, shares_before, pre_money):
    """``shares_t = received_t ÷ price``, ``price = pre-money ÷ shares held before the round``.

    Pre-money $90M, the founders' 1 share: a first tranche of $4M buys 4/90 of a share, and the new
    investors then own (4/90) ÷ (1 + 4/90) = 4/94; the second tranche of $6M at the same price brings
    them to (10/90) ÷ (1 + 10/90) = 10%. Counted in the founders' 3 million shares instead, the price is
    $30 a share and the $4M buys 133,333.33 shares.

    >>> from cashcast.models.engine.expr import scalar
    >>> a = scalar(shares_bought(4e6, 1, 90e6)); b = a + scalar(shares_bought(6e6, 1, 90e6))
    >>> round(a / (1 + a) - 4 / 94, 15), round(b / (1 + b), 15)
    (0.0, 0.1)
    >>> round(scalar(shares_bought(4e6, 3e6, 90e6)), 2)
    133333.33
    """
    return received * shares_before / pre_money


def pre_from_post(post_money, total):
    """``pre-money = post-money − the round's total`` (amount + tranches + in-kind credits).

    Articles 000 and 002: Microsoft's $10 billion took OpenAI to $29 billion, so $19 billion before it.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(pre_from_post(Num(29e9), 10e9))
    19000000000.0
    """
    return post_money - total


def new_investors_share(total, post_money):
    """``new investors' share = total ÷ post-money``; everyone before keeps ``pre ÷ post`` of theirs
    (their dilution is the same ``total ÷ post``).

    Articles 000 and 002: $10 billion of $29 billion is 34.48%; the earlier holders keep 65.52%.

    >>> from cashcast.models.engine.expr import scalar
    >>> round(scalar(new_investors_share(Num(10e9), 29e9)), 6), round(scalar(1 - Num(10e9) / 29e9), 6)
    (0.344828, 0.655172)
    """
    return total / post_money


def _received(b: BlockContext) -> Expr:
    """The round's amount in its month plus each tranche in its own month."""
    parts = []
    if b.has("amount") and b.has("month"):
        parts.append(funding_inflow(b.p("amount"), MonthsSince(b.date("month"))))
    for year, month, row in tranche_months(b.block):
        parts.append(funding_inflow(b.raw(row), months_from(year, month)))
    return Sum(parts)


def build(b: BlockContext) -> list[Line]:
    inflow = _received(b)
    if not b.has("in_kind"):
        return [b.line("funding", inflow, "funding received", b.money(), "funding"),
                *ownership_lines(b, f"{b.slug}.funding")]
    left = f"{b.slug}.credits_left"
    cost = Sum(LineRef(n) for n in b.cost_lines_of(b.text("in_kind", "")))
    before = Prev(left, Num(0))
    return [b.line("credits", inflow, "credits received (for equity, not cash)", b.money(), "memo",
                   category="credits_received"),
            b.line("credits_left", credits_left(before, inflow, cost), "credits left", b.money(""), "detail",
                   stock=True),
            b.line("credits_used", before + inflow - LineRef(left), "credits used (cost paid in kind)",
                   b.money(), "memo", category="credits_used"),
            *ownership_lines(b, f"{b.slug}.credits")]

KIND = KindSpec(
    name="funding", role="funding", category="equity",
    doc="a funding round: cash received in one month, or in tranches (`amount@YYYY-MM` rows); with `in_kind`, "
        "credits for equity that a named cost block consumes",
    params=(
        P("amount", "money", "cash received (with month); or give tranches as amount@YYYY-MM rows", False),
        P("month", "date", "month the cash arrives (with amount)", False),
        P("in_kind", "block", "the cost block (an expense, not hardware) whose cost the round pays in kind "
                              "(credits): no cash moves", False),
        P("pre_money", "money", "the company's value before the round (a value, not a flow); the round's "
                                "investors then own total ÷ (pre_money + total); give this or post_money", False),
        P("post_money", "money", "the company's value just after the round: pre_money + the round's total "
                                 "(amount, tranches and in-kind credits), so above the total; give this or "
                                 "pre_money", False),
    ),
    timed=False,
    build=build,
    formulas=(funding_inflow, credits_left, shares_bought, pre_from_post, new_investors_share),
)
