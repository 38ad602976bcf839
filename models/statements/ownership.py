"""Ownership after each equity round (a cap table), from a funding block's ``pre_money`` or ``post_money``.

The share arithmetic the ``funding`` kind adds when its rounds state a valuation.

The rule (README "Ownership after each round"): a round sells shares at one price, fixed when it is
signed (its ``month``, or its first tranche if earlier): ``price = pre-money ÷ the shares held at the
end of the month before``. Each tranche (and the round's single amount, and in-kind credits, which are
also paid for with shares) buys ``received ÷ price`` shares in its own month. The founders and earlier
holders — everyone who held shares at the model's start — hold 1 share between them at the start, so
after a round of total ``T`` at post-money ``V = pre + T`` its investors own ``T ÷ V`` and everyone
before keeps ``pre ÷ V`` of what they had. Rounds are priced in the order they are signed (ties: in
workbook order), which must be the same in every scenario and sample (``check_valuations`` says so).

The cap table is computed only when every funding round states a valuation: the shares a round without
one sells are unknown, so every share after it would be a guess. Reports then name the rounds that lack
one; a workbook with no valuation anywhere has no cap table at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cashcast.models.engine.expr import Expr, If, LineRef, Max, MonthOfYear, MonthsSince, Num, Prev, Sum, Year
from cashcast.models.kinds.base import MONTHS_PER_YEAR, TRANCHE, BlockContext, Line

if TYPE_CHECKING:
    from cashcast.models.reading.data import Block, Workbook

VALUATIONS = ("pre_money", "post_money")
SHARES_CATEGORY = "shares_issued"   # a round's shares line: summed into ``shares_outstanding``
ROLE = "ownership"                  # the role of a round's ownership lines (their own report section)


def months_from(year: int, month: int) -> Expr:
    """Whole months from ``year``-``month`` to this month, from the month's own date (no literal date)."""
    return (Year() - year) * MONTHS_PER_YEAR + MonthOfYear() - month


def tranche_months(block: Block) -> list[tuple[int, int, object]]:
    """(year, month, row) of each ``amount@YYYY-MM`` row of a funding block, earliest first."""
    out = []
    for modifier, row in sorted(block.shapes.get("amount", {}).items()):
        if modifier.startswith(TRANCHE):
            code = modifier[len(TRANCHE):]
            out.append((int(code[:4]), int(code[4:]), row))
    return out


def signing_ordinal(block: Block) -> float:
    """The month a round is signed, in base (month ordinal): its ``month`` or its first tranche,
    whichever is earlier."""
    found = [y * MONTHS_PER_YEAR + m - 1 for y, m, _row in tranche_months(block)[:1]]
    if "month" in block.rows and block.rows["month"].value is not None:
        found.append(block.rows["month"].value)
    return min(found) if found else float("inf")


def valued(block: Block) -> bool:
    return any(name in block.rows for name in VALUATIONS)


def equity_rounds(blocks) -> list[Block]:
    """The funding blocks (equity rounds) in the order they are signed; ties in workbook order."""
    rounds = [b for b in blocks if b.kind == "funding"]
    return sorted(rounds, key=lambda b: (signing_ordinal(b), rounds.index(b)))


def has_cap_table(workbook: Workbook) -> bool:
    """Every equity round states a valuation (and there is at least one)."""
    rounds = equity_rounds(workbook.blocks.values())
    return bool(rounds) and all(valued(b) for b in rounds)


def months_since_signed(b: BlockContext) -> Expr:
    """Whole months since the round was signed (0 in that month, negative before)."""
    parts = [months_from(y, m) for y, m, _row in tranche_months(b.block)[:1]]
    if b.has("month"):
        parts.insert(0, MonthsSince(b.date("month")))
    return parts[0] if len(parts) == 1 else Max(*parts)


def round_total(b: BlockContext) -> Expr:
    """The round's total: its amount (with month) and every tranche, in the model's currency."""
    parts = [b.raw(b.block.rows["amount"])] if b.has("amount") and b.has("month") else []
    return Sum(parts + [b.raw(row) for _y, _m, row in tranche_months(b.block)])


def pre_money(b: BlockContext) -> Expr | None:
    """The stated pre-money, or post-money − total; None without a valuation."""
    from cashcast.models.kinds.funding import pre_from_post  # the kind imports this module
    if b.has("pre_money"):
        return b.raw(b.block.rows["pre_money"])
    return pre_from_post(b.raw(b.block.rows["post_money"]), round_total(b)) if b.has("post_money") else None


def post_money(b: BlockContext) -> Expr | None:
    """The stated post-money, or pre-money + total; None without a valuation."""
    if b.has("post_money"):
        return b.raw(b.block.rows["post_money"])
    return b.raw(b.block.rows["pre_money"]) + round_total(b) if b.has("pre_money") else None


def ownership_lines(b: BlockContext, received: str) -> list[Line]:
    """A valued round's lines when the workbook has a cap table (else none): the shares held before
    it is signed (frozen from then on), the shares it has bought so far, and its investors' share."""
    from cashcast.models.kinds.funding import shares_bought  # the kind imports this module
    if not has_cap_table(b.workbook):
        return []
    order = [r.slug for r in equity_rounds(b.workbook.blocks.values())]
    earlier = order[:order.index(b.slug)]
    before, shares = f"{b.slug}.shares_before", f"{b.slug}.shares"
    held = Sum([Num(1)] + [Prev(f"{slug}.shares", Num(0)) for slug in earlier])
    frozen = Prev(before, Num(1))
    return [
        b.line("shares_before", If(months_since_signed(b).gt(0), frozen, held),
               "shares held before the round (at its price)", "shares", ROLE, stock=True),
        b.line("shares", Prev(shares, Num(0)) + shares_bought(LineRef(received), LineRef(before), pre_money(b)),
               "shares bought", "shares", ROLE, stock=True, category=SHARES_CATEGORY),
        b.line("ownership", LineRef(shares) / LineRef("shares_outstanding"), "investors' share", "%", ROLE,
               stock=True),
    ]


@dataclass
class RoundTerms:
    """One equity round as the cap table shows it: expressions of assumptions only (no month), so each
    has a numpy value per scenario and an Excel formula. ``pre``, ``post`` are None without a valuation."""

    name: str
    signed_param: str | None  # the ``month`` row's name when it sets the signing month
    tranche: tuple[int, int] | None  # the first tranche's (year, month)
    start: int               # the model's first month (ordinal): a month row's value counts from it
    total: Expr
    pre: Expr | None
    post: Expr | None

    @property
    def new_share(self) -> Expr | None:
        from cashcast.models.kinds.funding import new_investors_share  # the kind imports this module
        return None if self.post is None else new_investors_share(self.total, self.post)

    @property
    def kept(self) -> Expr | None:
        """The share of the company the holders before the round keep of theirs: pre ÷ post."""
        return None if self.post is None else self.pre / self.post


def round_terms(workbook: Workbook) -> list[RoundTerms]:
    """Every equity round's terms, in signing order."""
    out = []
    for block in equity_rounds(workbook.blocks.values()):
        b = BlockContext(block, workbook, lambda row: Num(0))   # money rows cannot be links
        first = tranche_months(block)[:1]
        tranche = (first[0][0], first[0][1]) if first else None
        month = block.rows.get("month")
        out.append(RoundTerms(block.name, month.key if month is not None else None, tranche,
                              workbook.start_ordinal, round_total(b), pre_money(b), post_money(b)))
    return out


def start_holders_share(terms: list[RoundTerms]) -> list[Expr]:
    """The founders and earlier holders' share after each round: ``Π pre ÷ post`` of the rounds so far
    (rounds one after another; the monthly lines follow each tranche)."""
    out: list[Expr] = []
    for t in terms:
        out.append(t.kept if not out else out[-1] * t.kept)
    return out

