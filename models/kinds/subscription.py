"""A subscription: paying subscribers × monthly price; churn acts every month and gross adds bring
the subscribers back toward audience × conversion; acquisition cost per gross add and unit economics."""
from __future__ import annotations

from cashcast.models.engine import constants
from cashcast.models.engine.annual import MEAN
from cashcast.models.engine.expr import If, LineRef, Max, Num, Prev, lift
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec as P


def gross_adds(target, previous, churn):
    """New paying subscribers this month: ``gross adds_t = MAX(0, target_t − subscribers_{t−1} × (1 − churn))``
    with ``target_t = audience_t × conversion_t``: churn takes its share of last month's payers, and new
    ones are signed until the payers are back at the target (none when they are above it).

    Article 001: 10 million payers at 5% churn lose 500,000 a month, and 500,000 are signed again.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(gross_adds(10_000_000, 10_000_000, 0.05))
    500000.0
    >>> scalar(gross_adds(5_000_000, 10_000_000, 0.05))  # the audience halved: no one is signed
    0.0
    """
    return Max(0, target - previous * (1 - churn))


def subscribers(target, previous, churn):
    """Paying subscribers this month: ``subscribers_t = subscribers_{t−1} × (1 − churn) + gross adds_t``,
    which with the gross adds above is ``MAX(target_t, subscribers_{t−1} × (1 − churn))``.

    Article 001: 1 billion visits × 1% conversion = 10 million payers.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(subscribers(1e9 * 0.01, 0.0, 0.0))
    10000000.0
    >>> scalar(subscribers(0.5e9 * 0.01, 10_000_000, 0.10))  # audience halves: 10% of payers leave
    9000000.0
    """
    return Max(target, previous * (1 - churn))


def subscription_revenue(subscribers_now, price):
    """``revenue_t = subscribers_t × price_t``.

    Article 001: 10 million payers × $20/month = $200M a month, $2.4B a year.

    >>> subscription_revenue(10_000_000, 20.0) * 12
    2400000000.0
    """
    return subscribers_now * price


def arpu(revenue, payers):
    """``ARPU_t = revenue_t ÷ subscribers_t`` (average revenue per paying user per month; 0 without payers).

    Article 001: $200M a month from 10 million payers is $20.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(arpu(200_000_000, 10_000_000)), scalar(arpu(0, 0))
    (20.0, 0.0)
    """
    return If(lift(payers).gt(0), lift(revenue) / payers, Num(0))


LONGEST_MONTHS = constants.LONGEST_MONTHS  # 1,200: the longest span cashcast accepts (README "Bounds"): a payer's lifetime at most


def ltv(margin_per_payer, churn):
    """``LTV = ARPU × gross margin ÷ churn`` = gross margin per payer per month ÷ MAX(churn, 1/1,200): a
    payer's expected lifetime, 1 ÷ churn months, is taken as at most 1,200 (so zero churn stays finite).

    Article 001's $20 with no cost of revenue known, at 5% churn: $400; at no churn, 1,200 months.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(ltv(20.0, 0.05)), scalar(ltv(20.0, 0.0))
    (400.0, 24000.0)
    """
    return lift(margin_per_payer) / Max(churn, Num(1) / LONGEST_MONTHS)


def cac_payback_months(cac, margin_per_payer):
    """``payback = CAC ÷ gross margin per payer per month``: months to earn back one gross add's cost,
    at most 1,200 (shown where it is never earned back: a margin of 0 or below).

    An estimate: $60 to win a payer of article 001's $20 plan is 3 months.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(cac_payback_months(60.0, 20.0)), scalar(cac_payback_months(60.0, 0.0))
    (3.0, 1200.0)
    """
    margin = lift(margin_per_payer)
    return If((margin * LONGEST_MONTHS).gt(cac), lift(cac) / margin, LONGEST_MONTHS)


def build(b: BlockContext) -> list[Line]:
    subs_name, name = f"{b.slug}.subscribers", (lambda item: LineRef(f"{b.slug}.{item}"))
    churn = b.p("churn") if b.has("churn") else Num(0)
    target = name("audience") * b.p("conversion")
    previous = Prev(subs_name, Num(0))
    per_payer = b.money("/month")
    lines = [
        b.line("audience", b.p("audience") * b.active(), "audience", b.block.rows["audience"].unit, "detail",
               annual=MEAN),
        b.line("subscribers", subscribers(target, previous, churn) * b.active(), "paying subscribers",
               "subscribers", "detail", stock=True),
        b.line("gross_adds", gross_adds(target, previous, churn) * b.active(), "gross adds (new payers)",
               "subscribers", "detail"),
        b.line("revenue", subscription_revenue(name("subscribers"), b.p("price")), "subscription revenue",
               b.money(), "revenue"),
        b.line("arpu", arpu(name("revenue"), name("subscribers")), "ARPU (revenue per payer)", per_payer,
               "detail", stock=True),
    ]
    margin = name("arpu")
    if b.has("cost_per_subscriber"):
        lines.append(b.line("serving_cost", name("subscribers") * b.p("cost_per_subscriber"),
                            "cost of revenue (per payer)", b.money(), "cost", category="cost_of_revenue"))
        margin = If(name("subscribers").gt(0), name("arpu") - b.p("cost_per_subscriber"), Num(0))
        label = "gross margin per payer"
    else:
        label = "gross margin per payer (no cost of revenue given: equals ARPU)"
    lines.append(b.line("gross_margin_per_payer", margin, label, per_payer, "detail", stock=True))
    if b.has("churn"):
        lines.append(b.line("ltv", ltv(name("gross_margin_per_payer"), churn), "LTV (margin ÷ churn)",
                            b.money(""), "detail", stock=True))
    if b.has("cac"):
        lines.append(b.line("acquisition_cost", name("gross_adds") * b.p("cac"), "acquisition cost (CAC × "
                            "gross adds)", b.money(), "cost", category="sales_marketing"))
        lines.append(b.line("cac_payback_months", cac_payback_months(b.p("cac"), name("gross_margin_per_payer")),
                            "CAC payback", "months", "detail", stock=True))
    return lines


KIND = KindSpec(
    name="subscription", role="revenue", category="revenue",
    doc="paying subscribers × monthly price; each month churn takes its share of last month's payers and "
        "gross adds sign new ones up to audience × conversion; CAC per gross add is a sales & marketing "
        "cost; ARPU, gross margin per payer, LTV and CAC payback are lines",
    params=(
        P("audience", "count", "people (or monthly visits) the offer reaches"),
        P("conversion", "percent", "share of the audience that pays", plausible=(None, 0.10)),
        P("price", "money/month", "subscription price per month"),
        P("churn", "percent", "share of subscribers who cancel each month", False, plausible=(None, 0.30)),
        P("cac", "money/unit", "acquisition cost per gross add (a sales & marketing cost), e.g. USD/subscriber",
          False),
        P("cost_per_subscriber", "money/unit", "cost of revenue per paying subscriber per month (serving), "
          "e.g. USD/subscriber/month; without it gross margin per payer equals ARPU", False),
    ),
    build=build,
    formulas=(subscribers, gross_adds, subscription_revenue, arpu, ltv, cac_payback_months),
)
