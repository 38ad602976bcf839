"""The statement-line registry: the model's totals and cash lines, each one record in :data:`STATEMENT_LINES`.

Block kinds give the lines of each block (revenue, costs, funding, memo, details); a statement line
adds them up or carries a balance. Each record holds the line's name (its key in every output), its
label, whether it is a flow (a currency per month, summed over a year) or a stock (a balance, shown
at the year end), the section of the report it sits in, and its **one definition**, an expression of
the line engine (:mod:`cashcast.models.engine.expr`) that gives both its numpy value and its Excel
formula:

``revenue = Σ revenue lines``, ``costs = Σ cost lines`` (hardware paid in cash included),
``operating_cash_flow = revenue − costs``, ``funding = Σ funding lines``,
``net_cash_flow = operating_cash_flow + funding``,
``closing_cash_t = closing_cash_{t−1} + net_cash_flow_t`` from the opening cash,
``cumulative_operating_cash_flow_t = cumulative_{t−1} + operating_cash_flow_t`` from 0,
``ttm_operating_cash_flow`` = the trailing twelve months' operating cash flow, and
``depreciation = Σ memo lines`` when the model has any.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cashcast.models.engine.expr import Expr, LineRef, Num, Param, Prev, RollingSum, Sum
from cashcast.models.engine.names import setting_name
from cashcast.models.kinds import Line


def sum_of(role: str) -> Callable[[list[Line]], Expr]:
    """The definition ``Σ`` of the block lines with a role (an empty sum is 0)."""
    def definition(block_lines: list[Line]) -> Expr:
        return Sum(LineRef(ln.name) for ln in block_lines if ln.role == role)
    return definition


def fixed(expr: Expr) -> Callable[[list[Line]], Expr]:
    """A definition that does not depend on which block lines exist."""
    return lambda _block_lines: expr


@dataclass(frozen=True)
class StatementLine:
    """One statement line; see the module docstring. ``only_with``: the line exists only when some
    block line has that role (depreciation only with memo lines)."""

    name: str
    label: str
    stock: bool
    section: str
    definition: Callable[[list[Line]], Expr]
    role: str = "total"
    only_with: str | None = None
    annual: str = ""   # how the line folds into a year; "" = year-end for a stock, else summed

    def unit(self, currency: str) -> str:
        """``USD/month`` for a flow, ``USD`` for a stock."""
        return currency if self.stock else f"{currency}/month"

    def applies(self, block_lines: list[Line]) -> bool:
        return self.only_with is None or any(ln.role == self.only_with for ln in block_lines)

    def line(self, block_lines: list[Line], currency: str) -> Line:
        """The model line of this record for a model with these block lines."""
        return Line(self.name, self.definition(block_lines), self.label, self.unit(currency), self.role,
                    stock=self.stock, annual=self.annual)


CASH = "Cash"
STATEMENT_LINES: tuple[StatementLine, ...] = (
    StatementLine("revenue", "Revenue", False, "Revenue", sum_of("revenue")),
    StatementLine("costs", "Costs", False, "Costs", sum_of("cost")),
    StatementLine("operating_cash_flow", "Operating cash flow", False, CASH,
                  fixed(LineRef("revenue") - LineRef("costs"))),
    StatementLine("funding", "Funding received", False, "Funding", sum_of("funding")),
    StatementLine("net_cash_flow", "Net cash flow", False, CASH,
                  fixed(LineRef("operating_cash_flow") + LineRef("funding"))),
    StatementLine("closing_cash", "Closing cash", True, CASH,
                  fixed(Prev("closing_cash", Param(setting_name("opening_cash"))) + LineRef("net_cash_flow"))),
    StatementLine("cumulative_operating_cash_flow", "Cumulative operating cash flow", True, CASH,
                  fixed(Prev("cumulative_operating_cash_flow", Num(0)) + LineRef("operating_cash_flow"))),
    StatementLine("ttm_operating_cash_flow", "Operating cash flow, trailing 12 months", True, CASH,
                  fixed(RollingSum("operating_cash_flow", 12))),
    StatementLine("depreciation", "Depreciation (not cash)", False, "Memo (not cash)", sum_of("memo"),
                  role="memo", only_with="memo"),
)
BY_NAME: dict[str, StatementLine] = {s.name: s for s in STATEMENT_LINES}


def statement_lines(block_lines: list[Line], currency: str) -> list[Line]:
    """The model lines of every statement record that applies to these block lines, in order.

    >>> [ln.name for ln in statement_lines([], "USD")][:3]
    ['revenue', 'costs', 'operating_cash_flow']
    >>> BY_NAME["closing_cash"].line([], "USD").unit
    'USD'
    """
    return [s.line(block_lines, currency) for s in STATEMENT_LINES if s.applies(block_lines)]
