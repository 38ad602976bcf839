"""Debt: a loan drawn in one month, repaid over its term (all at the end, or in equal monthly parts),
paying interest on the balance owed.

The cash drawn is financing (``debt_drawn``), each repayment is financing (``debt_repaid``), the
interest is a cash cost below operating income (``interest``), and the balance is the balance sheet's
debt. A loan drawn before the model's start is not in the model (as a round before it is not): its
cash is part of the opening cash.
"""
from __future__ import annotations

from cashcast.models.engine.expr import Between, Max, Min, MonthIndex, MonthsSince, lift
from cashcast.models.kinds.base import MONTHS_PER_YEAR, REPAYMENTS, BlockContext, KindSpec, Line, ParamSpec as P

DEFAULT_REPAYMENT = "bullet"


def loan_balance(amount, months_since_draw, term_months, linear):
    """The balance owed at the end of a month, ``m`` = months since the draw (0 in the draw month).

    ``balance = amount × (1 − min(m, term) / term)`` for a linear loan, ``amount`` while ``m < term``
    for a bullet loan; 0 before the draw.

    Article 001's $10 billion, as if lent for 60 months: a year on, $8 billion is owed on a linear
    loan and all of it on a bullet loan; nothing after 60 months.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(loan_balance(10e9, 12, 60, True)), scalar(loan_balance(10e9, 12, 60, False))
    (8000000000.0, 10000000000.0)
    >>> scalar(loan_balance(10e9, 60, 60, False)), scalar(loan_balance(10e9, -1, 60, True))
    (0.0, 0.0)
    """
    m = lift(months_since_draw)
    if linear:
        return amount * m.ge(0) * (1 - Min(Max(m, 0), term_months) / term_months)
    return amount * m.ge(0) * m.lt(term_months)


def loan_repayment(amount, months_since_draw, term_months, linear):
    """``repaid_m = drawn_m + balance_{m−1} − balance_m``: what the balance fell by in the month.

    Article 001's $10 billion over 60 months: $166,666,666.67 a month on a linear loan; a bullet
    loan repays all of it in month 60 and nothing before.

    >>> from cashcast.models.engine.expr import scalar
    >>> round(scalar(loan_repayment(10e9, 1, 60, True)), 2), scalar(loan_repayment(10e9, 0, 60, True))
    (166666666.67, 0.0)
    >>> scalar(loan_repayment(10e9, 59, 60, False)), scalar(loan_repayment(10e9, 60, 60, False))
    (0.0, 10000000000.0)
    """
    m = lift(months_since_draw)
    return (amount * Between(m, 0, 0) + loan_balance(amount, m - 1, term_months, linear)
            - loan_balance(amount, m, term_months, linear))


def loan_interest(yearly_rate, balance):
    """``interest_t = yearly rate / 12 × balance owed at the month's end``.

    Article 001's $10 billion at 5% a year: $41,666,666.67 in a month it is all owed.

    >>> round(loan_interest(0.05, 10e9), 2)
    41666666.67
    """
    return yearly_rate / MONTHS_PER_YEAR * balance


def build(b: BlockContext) -> list[Line]:
    m = MonthsSince(b.date("draw_month"))
    in_model = (MonthIndex() - m).ge(0)  # drawn in or after the model's first month
    amount, term = b.p("amount") * in_model, b.p("term_months")
    linear = b.text("repayment", DEFAULT_REPAYMENT) == "linear"
    balance = loan_balance(amount, m, term, linear)
    return [b.line("drawn", amount * Between(m, 0, 0), "debt drawn", b.money(), "funding"),
            b.line("repaid", loan_repayment(amount, m, term, linear), "debt repaid", b.money(), "repayment",
                   category="debt_repaid"),
            b.line("balance", balance, "debt owed", b.money(""), "detail", stock=True),
            b.line("interest", loan_interest(b.p("interest_rate"), balance), "interest", b.money(), "cost",
                   category="interest")]


KIND = KindSpec(
    name="debt", role="funding", category="debt_drawn",
    doc="a loan: cash drawn in one month, repaid over its term (bullet or linear), interest on the balance",
    params=(
        P("amount", "money", "cash borrowed"),
        P("draw_month", "date", "month the cash arrives (in the model's months; one before is not modelled)"),
        P("interest_rate", "percent", "interest a year on the balance owed, paid monthly"),
        P("term_months", "months", "months from the draw to the last repayment"),
        P("repayment", "repayment", f"how it is repaid, as text: {', '.join(REPAYMENTS)} (bullet: all at the "
                                    f"term's end; linear: equal parts each month; default {DEFAULT_REPAYMENT})",
          False),
    ),
    timed=False,
    build=build,
    formulas=(loan_balance, loan_repayment, loan_interest),
)
