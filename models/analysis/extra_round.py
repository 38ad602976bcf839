"""``--vary funding``: an extra funding round, added to the workbook in memory, to answer "how much,
by when".

``cashcast solve WORKBOOK --vary funding --month 2026-01 --target ...`` adds a round named
``Extra round`` (kind funding: its amount in cash in its month, see
:mod:`cashcast.models.kinds.funding`) and searches its **amount**, from 0 (no round: the value
the answer is compared with) upwards: the smallest amount that meets the target.
``--vary funding --amount 5B`` searches its **month** instead: the latest month that still meets
the target with that amount (the round is assumed in the last month, and the answer is the met
month nearest it). The round is never drawn; it is the same in every sample.

Default ranges (``--range LOW HIGH`` replaces them): the amount from 0 to the most a round could
have to cover, rounded up to 2 significant digits: the largest peak funding need (the deepest
cumulative operating deficit, which ignores every other round and the opening cash) among the
samples (a ``KPI=VALUE`` target: of the scenario) plus the minimum cash, and at least the opening
cash; a round that size covers every path from its month on. The month: the model's first to last
month. The workbook file is not touched; a workbook whose rounds all state a
valuation loses its cap table in this in-memory copy (the extra round has none), which no cash
figure reads.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from cashcast.models.analysis.batch import evaluate_kpis, scenario_params
from cashcast.models.engine.model import build_model
from cashcast.models.engine.names import param_name
from cashcast.models.reading.data import Block, Row, Workbook, slugify
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import parse_date
from cashcast.models.analysis.solve import parse_amount

NAME = "Extra round"
SHORTHAND = "funding"
SOURCE = "--vary funding"  # the source cell of the extra round's rows


def is_shorthand(vary: str) -> bool:
    """``--vary funding`` (any case).

    >>> is_shorthand(" Funding "), is_shorthand("Series A.amount")
    (True, False)
    """
    return vary.strip().lower() == SHORTHAND


def round_name(wb: Workbook) -> str:
    """``Extra round``, or ``Extra round 2``, 3 … when the workbook already has a block of that name."""
    name, n = NAME, 1
    while slugify(name) in wb.blocks:
        n += 1
        name = f"{NAME} {n}"
    return name


def with_extra_round(wb: Workbook, amount: float, month_ordinal: float) -> tuple[Workbook, Row, Row]:
    """A copy of ``wb`` with an extra funding round of ``amount`` (the model's currency) in the
    month ``month_ordinal`` (year·12 + month − 1); the copy and the round's amount and month rows."""
    name = round_name(wb)
    slug = slugify(name)
    currency = wb.settings.currency

    def new_row(parameter: str, dimension: str, unit: str, value: float) -> Row:
        return Row(0, name, "funding", parameter, parameter, None, dimension, unit,
                   currency if dimension == "money" else None, float(value), None, None, None, None,
                   SOURCE, "the extra round a solve searches", key=param_name(slug, parameter))

    amount_row = new_row("amount", "money", currency, amount)
    month_row = new_row("month", "date", "date", month_ordinal)
    block = Block(name, slug, "funding", {"amount": amount_row, "month": month_row})
    copy = dataclasses.replace(wb, rows=[*wb.rows, amount_row, month_row], blocks={**wb.blocks, slug: block})
    return copy, amount_row, month_row


def _problem(wb: Workbook, message: str) -> InputError:
    return InputError([Problem(wb.name, "", "", message)])


def default_amount_range(wb: Workbook, scenario: str, row: Row, samples: int, seed: int) -> tuple[float, float]:
    """0 to the most the round could have to cover (module docstring), to 2 significant digits up."""
    model = build_model(wb)
    if samples > 0:
        from cashcast.models.analysis.solve_chance import CommonDraws  # it imports the solver
        need = CommonDraws(model, scenario, row.key, None, samples, seed).values(np.zeros(1), "peak_funding_need")
    else:
        figures, _ = evaluate_kpis(model, scenario_params(model, scenario))
        need = np.asarray(figures["peak_funding_need"])
    top = max(float(np.max(need)) + wb.settings.value("minimum_cash", scenario),
              wb.settings.value("opening_cash", scenario), 1.0)
    return 0.0, round_up(top)


def round_up(x: float, digits: int = 2) -> float:
    """x rounded up to ``digits`` significant digits.

    >>> round_up(123_456_789.0), round_up(1.0), round_up(9_960.0)
    (130000000.0, 1.0, 10000.0)
    """
    scale = 10.0 ** (digits - 1 - math.floor(math.log10(x)))
    return float(f"{math.ceil(x * scale - 1e-9) / scale:.{digits + 1}g}")


def extra_round(wb: Workbook, scenario: str, month: str | None, amount: str | None,
                samples: int = 0, seed: int = 0) -> tuple[Workbook, Row, tuple[float, float]]:
    """The workbook with the extra round, the row to search and its default range (raw: money, or
    month ordinals); InputError unless exactly one of ``--month`` and ``--amount`` is given and valid."""
    if (month is None) == (amount is None):
        raise _problem(wb, "--vary funding needs --month YYYY-MM (to search the amount) or --amount AMOUNT "
                           "(to search the month), not " + ("both" if month else "neither"))
    first, last = wb.start_ordinal, wb.start_ordinal + wb.settings.horizon_months - 1
    if month is not None:
        ordinal, err = parse_date(month)
        if err or not first <= ordinal <= last:
            months = wb.months()
            raise _problem(wb, f"--month '{month}' is not a month of the model "
                               f"({months[0]:%Y-%m}..{months[-1]:%Y-%m}); type YYYY-MM")
        copy, row, _ = with_extra_round(wb, 0.0, ordinal)
        return copy, row, default_amount_range(copy, scenario, row, samples, seed)
    x = parse_amount(amount)
    if x is None or x <= 0:
        raise _problem(wb, f"--amount '{amount}' is not an amount above 0 such as 2500000000 or 2.5B")
    copy, _, row = with_extra_round(wb, x, last)
    return copy, row, (float(first), float(last))


__all__ = ["NAME", "SOURCE", "extra_round", "is_shorthand", "round_name", "with_extra_round"]
