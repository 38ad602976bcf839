"""Building blocks: the revenue, cost and funding lines each kind of block contributes.

Each formula is a small pure function written once. It works on plain numbers (so its docstring can
run the articles' arithmetic as a doctest) and on line expressions (so the same function defines the
numpy evaluation and the Excel formula). The ``build_*`` functions only wire a block's assumptions
into those formulas and name the resulting lines.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from cashcast.models.engine.expr import Between, Exp, Expr, If, LineRef, Max, Min, MonthIndex, MonthsSince, Num, Param, Prev, \
    DaysInMonth, Year, lift
from cashcast.models.reading.data import Block, Row, Workbook

MONTHS_PER_YEAR = 12
S_CURVE_SPREAD = 2 * math.log(9)  # logistic steepness that spans 10%→90% over one "width"


@dataclass
class Line:
    """One model line: its definition and how reports should present it.

    ``role`` is revenue, cost or funding for a block's cash line (these add up to the totals), detail
    for a block's intermediate line (subscribers, ...), memo for non-cash lines (depreciation) and
    total for the model's totals. ``stock`` lines are balances: their annual figure is the year-end
    value rather than the sum of the months.
    """

    name: str
    expr: Expr
    label: str
    unit: str
    role: str
    block: str | None = None
    stock: bool = False


# ------------------------------------------------------------------------------------------------
# The formulas (pure; numbers or expressions)
# ------------------------------------------------------------------------------------------------
def subscribers(audience, conversion, previous, churn):
    """Paying subscribers this month.

    ``subscribers_t = MAX(audience_t × conversion_t, subscribers_{t−1} × (1 − churn))``: the service
    signs up payers until they are ``conversion`` of the audience; when the audience shrinks, payers
    leave at the monthly churn rate rather than all at once.

    Article 001: 1 billion visits × 1% conversion = 10 million payers.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(subscribers(1e9, 0.01, 0.0, 0.0))
    10000000.0
    >>> scalar(subscribers(0.5e9, 0.01, 10_000_000, 0.10))  # audience halves: 10% of payers leave
    9000000.0
    """
    return Max(audience * conversion, previous * (1 - churn))


def subscription_revenue(subscribers_now, price):
    """``revenue_t = subscribers_t × price_t``.

    Article 001: 10 million payers × $20/month = $200M a month, $2.4B a year.

    >>> subscription_revenue(10_000_000, 20.0) * 12
    2400000000.0
    """
    return subscribers_now * price


def licensing_revenue(customers, annual_fee):
    """``revenue_t = customers × annual fee / 12`` (fees received monthly).

    Article 001: 200 platforms × $1M a year = $200M a year.

    >>> licensing_revenue(200, 1_000_000) * 12
    200000000.0
    """
    return customers * annual_fee / MONTHS_PER_YEAR


def advertising_revenue(market_size, share):
    """``revenue_t = annual market × share / 12``.

    Article 001: 15–20% of Google's $220–300B a year is $33–60B a year.

    >>> advertising_revenue(220e9, 0.15) * 12, advertising_revenue(300e9, 0.20) * 12
    (33000000000.0, 60000000000.0)
    """
    return market_size * share / MONTHS_PER_YEAR


def usage_revenue(volume, unit_price):
    """``revenue_t = volume_t × unit price``.

    Example (the model's own): 1 billion calls a month at $0.002 a call.

    >>> round(usage_revenue(1e9, 0.002), 2)
    2000000.0
    """
    return volume * unit_price


def training_cost(runs_per_year, cost_per_run):
    """``cost_t = runs per year × cost per run / 12`` (spread evenly over the months).

    Article 002: one GPT-3 run costs $4.6M; four runs a year cost $18.4M, $1.5333M a month.

    >>> round(training_cost(4, 4.6e6), 2)
    1533333.33
    """
    return runs_per_year * cost_per_run / MONTHS_PER_YEAR


def gpu_run_cost(gpus, months_per_run, gpu_month_price):
    """``cost per run = GPUs × months per run × price per GPU-month``.

    Article 002: a 10B+ parameter model needs 1,000 GPU-months; at a rented 5,000 RMB per GPU-month
    (the model's own estimate) one run costs 5 million RMB.

    >>> gpu_run_cost(1000, 1, 5000.0)
    5000000.0
    """
    return gpus * months_per_run * gpu_month_price


def serving_cost_per_day(cost_per_day, days_in_month):
    """``cost_t = cost per day × days in month t``.

    Article 004: $700K a day is $21.7M in a 31-day month.

    >>> serving_cost_per_day(700_000, 31)
    21700000
    """
    return cost_per_day * days_in_month


def per_unit_cost(units, cost_per_unit):
    """``cost_t = units × cost per unit per month`` (active users or servers).

    Example (the model's own): 100 million active users at $0.05 each a month.

    >>> round(per_unit_cost(100e6, 0.05), 2)
    5000000.0
    """
    return units * cost_per_unit


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


def payroll(employees, cost_per_employee):
    """``cost_t = employees × annual cost per employee / 12``.

    Article 002: about 500 staff; at $300K a year each (the model's own estimate) $12.5M a month.

    >>> payroll(500, 300_000)
    12500000.0
    """
    return employees * cost_per_employee / MONTHS_PER_YEAR


def funding_inflow(amount, months_since_round):
    """``cash_t = amount`` in the round's month, else 0.

    Article 001: Microsoft's $10 billion in early 2023.

    >>> from cashcast.models.engine.expr import scalar
    >>> scalar(funding_inflow(10e9, 0))
    10000000000.0
    """
    return amount * Between(lift(months_since_round), Num(0), Num(0))


# ------------------------------------------------------------------------------------------------
# Wiring a block's rows into the formulas
# ------------------------------------------------------------------------------------------------
class BlockContext:
    """What a builder needs: parameters as expressions (time shape and FX applied) and activity."""

    def __init__(self, block: Block, workbook: Workbook, link_line):
        self.block, self.workbook, self._link_line = block, workbook, link_line
        self.slug = block.slug

    def has(self, name: str) -> bool:
        return name in self.block.rows

    def _raw(self, row: Row) -> Expr:
        if row.link is not None:
            return self._link_line(row)
        expr: Expr = Param(row.key)
        if row.currency and row.currency != self.workbook.settings.currency:
            expr = expr * Param(f"fx__{row.currency.lower()}")
        return expr

    def months_in(self) -> Expr:
        """Months since the block's start (or the model's start): the clock time shapes run on."""
        start = self.block.rows.get("start_month")
        return MonthsSince(Param(start.key)) if start else MonthIndex()

    def p(self, name: str) -> Expr:
        """A parameter, shaped over time: growth, ramp, S-curve or a value per year."""
        row = self.block.rows[name]
        value = self._raw(row)
        shapes = self.block.shapes.get(name, {})
        if not shapes:
            return value
        m = self.months_in()
        if "growth" in shapes:
            g = shapes["growth"]
            per = 1 if g.unit == "%/month" else MONTHS_PER_YEAR
            return value * (1 + Param(g.key)) ** (m / per)
        if "ramp_months" in shapes:
            start = self._raw(shapes["ramp_from"]) if "ramp_from" in shapes else Num(0)
            progress = Min(1, Max(0, m / Param(shapes["ramp_months"].key)))
            return start + (value - start) * progress
        if "s_curve_midpoint" in shapes:
            mid, width = Param(shapes["s_curve_midpoint"].key), Param(shapes["s_curve_width"].key)
            return value / (1 + Exp(Num(-S_CURVE_SPREAD) / width * (m - mid)))
        years = sorted((int(k[1:]), r) for k, r in shapes.items())
        out = value
        for year, r in years:
            out = If(Year().ge(year), self._raw(r), out)
        return out

    def date(self, name: str) -> Expr:
        return Param(self.block.rows[name].key)

    def active(self) -> Expr:
        """1 in the months from start_month to end_month (inclusive), else 0."""
        start = self.block.rows.get("start_month")
        end = self.block.rows.get("end_month")
        if start is None and end is None:
            return Num(1)
        # Whole months since each date, not the month index against the date: numpy holds a date as
        # months since the model start but Excel holds a real date, and MonthsSince is right in both.
        flags = []
        if start:
            flags.append(MonthsSince(Param(start.key)).ge(0))
        if end:
            flags.append(MonthsSince(Param(end.key)).le(0))
        return flags[0] if len(flags) == 1 else flags[0] * flags[1]

    def line(self, item: str, expr: Expr, label: str, unit: str, role: str, stock=False) -> Line:
        return Line(f"{self.slug}.{item}", expr, f"{self.block.name}: {label}", unit, role,
                    self.block.name, stock)


def _money(ctx: BlockContext, per: str = "/month") -> str:
    return ctx.workbook.settings.currency + per


def build_subscription(b: BlockContext) -> list[Line]:
    name = f"{b.slug}.subscribers"
    churn = b.p("churn") if b.has("churn") else Num(0)
    audience = LineRef(f"{b.slug}.audience")
    subs = subscribers(audience, b.p("conversion"), Prev(name, Num(0)), churn) * b.active()
    return [
        b.line("audience", b.p("audience") * b.active(), "audience", b.block.rows["audience"].unit,
               "detail"),
        b.line("subscribers", subs, "paying subscribers", "subscribers", "detail", stock=True),
        b.line("revenue", subscription_revenue(LineRef(name), b.p("price")), "subscription revenue",
               _money(b), "revenue"),
    ]


def build_licensing(b: BlockContext) -> list[Line]:
    return [b.line("revenue", licensing_revenue(b.p("customers"), b.p("annual_fee")) * b.active(),
                   "licensing revenue", _money(b), "revenue")]


def build_advertising(b: BlockContext) -> list[Line]:
    return [b.line("revenue", advertising_revenue(b.p("market_size"), b.p("share")) * b.active(),
                   "advertising revenue", _money(b), "revenue")]


def build_usage(b: BlockContext) -> list[Line]:
    return [b.line("revenue", usage_revenue(b.p("volume"), b.p("unit_price")) * b.active(),
                   "usage revenue", _money(b), "revenue")]


def build_training(b: BlockContext) -> list[Line]:
    per_run = b.p("cost_per_run") if b.has("cost_per_run") else \
        gpu_run_cost(b.p("gpus"), b.p("months_per_run"), b.p("gpu_month_price"))
    return [b.line("cost", training_cost(b.p("runs_per_year"), per_run) * b.active(),
                   "training cost", _money(b), "cost")]


def build_inference(b: BlockContext) -> list[Line]:
    if b.has("cost_per_day"):
        cost = serving_cost_per_day(b.p("cost_per_day"), DaysInMonth())
    elif b.has("active_users"):
        cost = per_unit_cost(b.p("active_users"), b.p("cost_per_user"))
    else:
        cost = per_unit_cost(b.p("servers"), b.p("cost_per_server"))
    return [b.line("cost", cost * b.active(), "serving cost", _money(b), "cost")]


def build_hardware(b: BlockContext) -> list[Line]:
    since = MonthsSince(b.date("purchase_month"))
    units, price = b.p("units"), b.p("unit_price")
    return [
        b.line("cost", hardware_payment(units, price, since), "hardware purchases", _money(b), "cost"),
        b.line("depreciation", straight_line_depreciation(units, price, b.p("useful_life_months"), since),
               "depreciation (not cash)", _money(b), "memo"),
    ]


def build_headcount(b: BlockContext) -> list[Line]:
    return [b.line("cost", payroll(b.p("employees"), b.p("cost_per_employee")) * b.active(),
                   "staff cost", _money(b), "cost")]


def build_opex(b: BlockContext) -> list[Line]:
    return [b.line("cost", b.p("monthly_amount") * b.active(), "operating cost", _money(b), "cost")]


def build_funding(b: BlockContext) -> list[Line]:
    return [b.line("funding", funding_inflow(b.p("amount"), MonthsSince(b.date("month"))),
                   "funding received", _money(b), "funding")]


BUILDERS = {
    "subscription": build_subscription, "licensing": build_licensing, "advertising": build_advertising,
    "usage": build_usage, "training": build_training, "inference": build_inference,
    "hardware": build_hardware, "headcount": build_headcount, "opex": build_opex,
    "funding": build_funding,
}


def block_lines_and_links(workbook: Workbook) -> tuple[list[Line], list[tuple[Row, str | None]]]:
    """Every block's lines, in workbook order, and each link as (row, the line name it refers to); the
    name is None when the link names no block of ``workbook``. Checking the links is
    :func:`cashcast.models.reading.checks.check_link_lines`'s job."""
    by_name = {b.name.lower(): b for b in workbook.blocks.values()}
    links: list[tuple[Row, str | None]] = []

    def link_line(row: Row) -> Expr:
        target = by_name.get(row.link[0].lower())
        name = f"{target.slug}.{row.link[1]}" if target is not None else None
        links.append((row, name))
        return LineRef(name if name is not None else f"?{row.link[0]}.{row.link[1]}")

    lines: list[Line] = []
    for block in workbook.blocks.values():
        lines.extend(BUILDERS[block.kind](BlockContext(block, workbook, link_line)))
    return lines, links


def build_block_lines(workbook: Workbook) -> list[Line]:
    """Every block's lines, in workbook order, with links between blocks resolved (``validate`` has
    checked that each names an existing count line)."""
    lines, links = block_lines_and_links(workbook)
    known = {ln.name for ln in lines}
    assert all(name in known for _row, name in links), "links are checked by validate() before building"
    return lines
