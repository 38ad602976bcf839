"""The rules of a round's valuation (``pre_money`` / ``post_money``), one check in ``CHECKS``.

See :mod:`cashcast.models.statements.ownership` for what a valuation does. A round states at most one
of the two; a pre-money is above 0 and a post-money above the round's total (amount, tranches and
in-kind credits), in base, in every scenario and at its low; a valued round's figures are not sampled beyond their
low and high (no normal or lognormal); and when every round is valued, the
rounds are signed in the same order in every scenario and sample (the price of each is fixed on the
shares of the rounds signed before it).
"""
from __future__ import annotations

from cashcast.models.reading.data import Block, Draft, Row, ordinal_to_date
from cashcast.models.reading.problems import Problem
from cashcast.models.statements.ownership import (VALUATIONS, equity_rounds, signing_ordinal, tranche_months,
                                                  valued)


def _cases(row: Row) -> list[tuple[str, str, float]]:
    """(what, cell key, value) of a row: base, each scenario's value, and its low."""
    out = [("", "value", row.value)]
    out += [(f" in scenario '{s}'", f"scenario:{s}", v) for s, v in row.overrides.items()]
    if row.low is not None:
        out.append((" at its low", "low", row.low))
    return out


def _in_model_currency(draft: Draft, row: Row, value: float) -> float:
    settings = draft.settings
    if settings is None or not row.currency or row.currency == settings.currency:
        return value
    return value * settings.fx.get(row.currency, 1.0)


def _total(draft: Draft, block: Block, scenario: str | None, high: bool = False) -> float:
    """The round's total in the model's currency: in base (or ``scenario``), or at the amounts' highs."""
    rows = [r for _y, _m, r in tranche_months(block)]
    if "amount" in block.rows and "month" in block.rows:
        rows.append(block.rows["amount"])
    total = 0.0
    for r in rows:
        v = r.high if high and r.high is not None else r.overrides.get(scenario, r.value) if scenario else r.value
        total += _in_model_currency(draft, r, v or 0.0)
    return total


def _block_problems(draft: Draft, block: Block) -> list[tuple[str, str]]:
    given = [block.rows[name] for name in VALUATIONS if name in block.rows]
    if len(given) == 2:
        pre, post = given
        return [(r.cells["value"], f"round '{block.name}' gives both pre_money ({pre.cells['value']}) and "
                                   f"post_money ({post.cells['value']}); give one: post-money = pre-money + "
                                   f"the round's total") for r in given]
    out = []
    for row in given:
        for what, key, value in _cases(row):
            v = _in_model_currency(draft, row, value or 0.0)
            if row.parameter == "pre_money" and v <= 0:
                out.append((row.cells.get(key, row.cells["value"]),
                            f"pre_money{what} is {v:,.2f}; a round's pre-money valuation is above 0"))
            scenario = key[len("scenario:"):] if key.startswith("scenario:") else None
            total = _total(draft, block, scenario, high=key == "low")
            if row.parameter == "post_money" and v <= total:
                out.append((row.cells.get(key, row.cells["value"]),
                            f"post_money{what} is {v:,.2f}, not above the round's total {total:,.2f} "
                            f"(amount, tranches and in-kind credits); post-money = pre-money + the total"))
    return out


UNBOUNDED = ("normal", "lognormal")   # draws beyond low..high: a valuation could fall below its round


def _unbounded(block: Block) -> list[tuple[str, str]]:
    """A valued round's figures must stay within low..high when sampled."""
    rows = [r for name, r in block.rows.items() if name in ("amount", "month", *VALUATIONS)]
    rows += [r for _y, _m, r in tranche_months(block)]
    return [(r.cells.get("distribution", r.cells["value"]),
             f"{r.parameter} of a round with a valuation cannot use a {r.distribution} distribution (its draws "
             f"go beyond low and high, so the valuation could fall below the round); use pert, triangular "
             f"or uniform") for r in rows if r.distribution in UNBOUNDED]


def _signing_range(block: Block) -> tuple[tuple[float, str | None], tuple[float, str | None]]:
    """The earliest and latest month (ordinal) a round may be signed in any scenario or sample, each
    with the cell that gives it (None: a tranche's fixed month, or the block's first row)."""
    row = block.rows.get("month")
    literal = [(y * 12 + m - 1, None) for y, m, _r in tranche_months(block)[:1]]
    if row is None or row.value is None:
        month = signing_ordinal(block)
        return (month, None), (month, None)
    keys = [("value", row.value), *((f"scenario:{s}", v) for s, v in row.overrides.items()),
            *((k, v) for k, v in (("low", row.low), ("high", row.high)) if v is not None)]
    values = [(v, row.cells.get(k)) for k, v in keys]
    soonest = min([min(values, key=lambda x: x[0])] + literal, key=lambda x: x[0])
    latest = min([max(values, key=lambda x: x[0])] + literal, key=lambda x: x[0])
    return soonest, latest


def _order_problems(draft: Draft, rounds: list[Block]) -> list[tuple[str, str]]:
    out = []
    for earlier, later in zip(rounds, rounds[1:]):
        _soonest, (latest, late_cell) = _signing_range(earlier)
        (soonest, soon_cell), _latest = _signing_range(later)
        if latest > soonest:
            where = soon_cell or late_cell or later.first_row.cells["parameter"]
            out.append((where, f"round '{earlier.name}' may be signed as late as "
                               f"{ordinal_to_date(int(latest)):%Y-%m} but '{later.name}' as early as "
                               f"{ordinal_to_date(int(soonest)):%Y-%m}; with valuations the rounds must be "
                               f"signed in the same order in every scenario and at every low and high"))
    return out


def check_valuations(draft: Draft) -> list[Problem]:
    """Rule: a round gives pre_money or post_money, not both; a pre-money is above 0 and a post-money
    above the round's total; with every round valued, the rounds keep one signing order."""
    blocks = [b for b in draft.blocks.values() if b.kind == "funding" and b.rows]
    found = [p for b in blocks for p in _block_problems(draft, b)]
    found += [p for b in blocks if valued(b) for p in _unbounded(b)]
    rounds = equity_rounds(blocks)
    if rounds and all(valued(b) for b in rounds):
        found += _order_problems(draft, rounds)
    return [Problem(draft.name, draft.sheet("Assumptions"), cell, msg) for cell, msg in found]
