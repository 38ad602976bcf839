"""The statement-line registry: the model's totals, the three statements and their checks, each one
record in :data:`STATEMENT_LINES`.

Block kinds give the lines of each block (revenue, costs, funding, memo, details), each with a
statement **category** (:data:`cashcast.models.kinds.base.CATEGORIES`); a statement line adds block
lines up by role or by category, combines other statement lines, or carries a balance. Each record
holds the line's name (its key in every output), its label, whether it is a flow (a currency per
month, summed over a year) or a stock (a balance or a rate, shown at the year end), the section of
the report it sits in, and its **one definition**, an expression of the line engine
(:mod:`cashcast.models.engine.expr`) that gives both its numpy value and its Excel formula.

The cash lines (unchanged from v1; KPIs read them)::

    revenue = Σ revenue lines                   costs = Σ cost lines (hardware paid in cash included)
    operating_cash_flow = revenue − costs + credits_used − change_in_working_capital
    funding = Σ funding lines − Σ repayment lines
    net_cash_flow = operating_cash_flow + funding
    closing_cash_t = closing_cash_{t−1} + net_cash_flow_t, from the opening cash

``operating_cash_flow`` keeps its v1 meaning, the cash flow before financing: it equals cash from
operations + cash from investing (what the statements call free cash flow). With the default 0
receivable and payable days and no credits it is exactly ``revenue − costs``, as before.

The three statements follow, monthly, each line a sum over block lines by category or of other
statement lines (``d`` = days in the month; receivable and payable days are settings, 0 by default):

*Income statement* — ``gross_profit = revenue − cost_of_revenue``; ``gross_margin = gross_profit /
revenue`` (0 without revenue); ``operating_expenses = research_development + sales_marketing +
general_administrative``; ``ebitda = gross_profit − operating_expenses``; ``operating_income =
ebitda − depreciation − stock_based_compensation``; ``net_income = operating_income − interest``.

*Cash flow statement* — ``receivables = revenue × receivable_days / d``; ``payables =
(cost_of_revenue + operating_expenses − credits_used) × payable_days / d`` (a cost paid with credits
is owed to no supplier); ``change_in_working_capital =
Δreceivables − Δpayables``; ``cash_from_operations = net_income + depreciation +
stock_based_compensation + credits_used − change_in_working_capital``; ``cash_from_investing =
−capital_expenditure``; ``cash_from_financing = equity_raised + debt_drawn − debt_repaid``;
``net_change_in_cash`` = the three added.

*Balance sheet* — ``total_assets = closing_cash + receivables + unused_credits +
property_equipment_net`` (``property_equipment_net_t = previous + capital_expenditure −
depreciation``, from 0); ``total_liabilities = payables + debt``; ``total_equity = paid_in_capital
+ retained_earnings`` (paid-in capital starts at the opening cash and grows by equity raised,
credits received and stock-based compensation; retained earnings is the running net income).

*Checks* — ``check_balance = total_assets − (total_liabilities + total_equity)`` and
``check_cash = closing_cash − (previous closing cash + net_change_in_cash)``: 0 every month when
the statements tie out. Neither is true by construction: the cash lines add block lines by role,
the statements by category, and the balance sheet carries its own running balances.

A worked month (opening cash 100; revenue 50; serving 10; training 20; staff 5; a GPU bought for
36 and depreciated 1 a month; no working-capital days): gross profit 40, EBITDA 15, operating and
net income 14; cash from operations 15, investing −36, net change −21, closing cash 79 = 100 + 50 −
(10 + 20 + 5 + 36); assets 79 + 35 (PP&E) = 114 = paid-in 100 + retained 14.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cashcast.models.engine.constants import HALF_CENT
from cashcast.models.engine.expr import DaysInMonth, Expr, If, LineRef, Num, Param, Prev, RollingSum, Sum
from cashcast.models.engine.names import setting_name
from cashcast.models.kinds import Line


def sum_of(role: str) -> Callable[[list[Line]], Expr]:
    """The definition ``Σ`` of the block lines with a role (an empty sum is 0)."""
    def definition(block_lines: list[Line]) -> Expr:
        return Sum(LineRef(ln.name) for ln in block_lines if ln.role == role)
    return definition


def sum_of_category(category: str) -> Callable[[list[Line]], Expr]:
    """The definition ``Σ`` of the block lines of a statement category (an empty sum is 0)."""
    def definition(block_lines: list[Line]) -> Expr:
        return Sum(LineRef(ln.name) for ln in block_lines if ln.category == category)
    return definition


def fixed(expr: Expr) -> Callable[[list[Line]], Expr]:
    """A definition that does not depend on which block lines exist."""
    return lambda _block_lines: expr


def total(*names: str, minus: tuple[str, ...] = ()) -> Callable[[list[Line]], Expr]:
    """The definition ``Σ names − Σ minus`` over other statement lines."""
    expr = Sum(LineRef(n) for n in names)
    for n in minus:
        expr = expr - LineRef(n)
    return fixed(expr)


def balance(name: str, inflow: Expr, opening: Expr = Num(0)) -> Callable[[list[Line]], Expr]:
    """A balance: ``x_t = x_{t−1} + inflow_t``, from ``opening`` before the first month."""
    return fixed(Prev(name, opening) + inflow)


@dataclass(frozen=True)
class StatementLine:
    """One statement line; see the module docstring. ``only_with``: the line exists only when some
    block line has that role."""

    name: str
    label: str
    stock: bool
    section: str
    definition: Callable[[list[Line]], Expr]
    role: str = "total"
    only_with: str | None = None
    annual: str = ""   # how the line folds into a year; "" = year-end for a stock, else summed
    units: str = ""    # a unit that is not money (shares); "" = by role, as below

    def unit(self, currency: str) -> str:
        """``USD/month`` for a flow, ``USD`` for a stock, ``%`` for a ratio (or ``units`` when given)."""
        if self.units:
            return self.units
        if self.role == "ratio":
            return "%"
        return currency if self.stock else f"{currency}/month"

    def applies(self, block_lines: list[Line]) -> bool:
        return self.only_with is None or any(ln.role == self.only_with for ln in block_lines)

    def line(self, block_lines: list[Line], currency: str) -> Line:
        """The model line of this record for a model with these block lines."""
        return Line(self.name, self.definition(block_lines), self.label, self.unit(currency), self.role,
                    stock=self.stock, annual=self.annual)


CASH = "Cash"
CASH_LINES: tuple[StatementLine, ...] = (
    StatementLine("revenue", "Revenue", False, "Revenue", sum_of("revenue")),
    StatementLine("costs", "Costs", False, "Costs", sum_of("cost")),
    StatementLine("operating_cash_flow", "Operating cash flow (before financing)", False, CASH,
                  total("revenue", "credits_used", minus=("costs", "change_in_working_capital"))),
    StatementLine("funding", "Funding received", False, "Funding",
                  lambda lines: sum_of("funding")(lines) - sum_of("repayment")(lines)),
    StatementLine("net_cash_flow", "Net cash flow", False, CASH, total("operating_cash_flow", "funding")),
    StatementLine("closing_cash", "Closing cash", True, CASH,
                  balance("closing_cash", LineRef("net_cash_flow"), Param(setting_name("opening_cash")))),
    StatementLine("cumulative_operating_cash_flow", "Cumulative operating cash flow", True, CASH,
                  balance("cumulative_operating_cash_flow", LineRef("operating_cash_flow"))),
    StatementLine("ttm_operating_cash_flow", "Operating cash flow, trailing 12 months", True, CASH,
                  fixed(RollingSum("operating_cash_flow", 12))),
)


# Sections of the three statements and of the checks, in reading order
INCOME, CASH_FLOW, BALANCE, CHECKS = "Income statement", "Cash flow statement", "Balance sheet", "Checks"
# Each statement's key in the JSON (snake_case, like every other key there), by its title.
JSON_KEYS = {INCOME: "income_statement", CASH_FLOW: "cash_flow_statement", BALANCE: "balance_sheet",
             CHECKS: "checks"}
STATEMENTS: tuple[str, ...] = (INCOME, CASH_FLOW, BALANCE, CHECKS)
_DAYS = DaysInMonth()


def _s(name: str, label: str, section: str, definition, stock: bool = False, role: str = "total"):
    return StatementLine(name, label, stock, section, definition, role)


# Gross margin is a ratio to revenue: below half a cent of revenue it is shown as 0 rather than a quotient
# that can overflow (a loss of billions over a revenue of 1e-300) and means nothing.
MEANINGFUL_REVENUE = LineRef("revenue").gt(HALF_CENT)

INCOME_LINES: tuple[StatementLine, ...] = (
    _s("cost_of_revenue", "Cost of revenue", INCOME, sum_of_category("cost_of_revenue")),
    _s("gross_profit", "Gross profit", INCOME, total("revenue", minus=("cost_of_revenue",))),
    _s("gross_margin", "Gross margin (gross profit ÷ revenue)", INCOME,
       fixed(If(MEANINGFUL_REVENUE, LineRef("gross_profit") / If(MEANINGFUL_REVENUE, LineRef("revenue"), Num(1)),
                Num(0))), stock=True, role="ratio"),
    _s("research_development", "Research & development", INCOME, sum_of_category("research_development")),
    _s("sales_marketing", "Sales & marketing", INCOME, sum_of_category("sales_marketing")),
    _s("general_administrative", "General & administrative", INCOME, sum_of_category("general_administrative")),
    _s("operating_expenses", "Operating expenses", INCOME,
       total("research_development", "sales_marketing", "general_administrative")),
    _s("ebitda", "EBITDA", INCOME, total("gross_profit", minus=("operating_expenses",))),
    _s("depreciation", "Depreciation (not cash)", INCOME, sum_of_category("depreciation")),
    _s("stock_based_compensation", "Stock-based compensation (not cash)", INCOME,
       sum_of_category("stock_compensation")),
    _s("operating_income", "Operating income", INCOME,
       total("ebitda", minus=("depreciation", "stock_based_compensation"))),
    _s("interest", "Interest", INCOME, sum_of_category("interest")),
    _s("net_income", "Net income (loss)", INCOME, total("operating_income", minus=("interest",))),
)

CASH_FLOW_LINES: tuple[StatementLine, ...] = (
    _s("credits_used", "Costs paid with in-kind credits (not cash)", CASH_FLOW, sum_of_category("credits_used")),
    _s("receivables", "Receivables", BALANCE,
       fixed(LineRef("revenue") * Param(setting_name("receivable_days")) / _DAYS), stock=True),
    _s("payables", "Payables", BALANCE,
       fixed((LineRef("cost_of_revenue") + LineRef("operating_expenses") - LineRef("credits_used"))
             * Param(setting_name("payable_days")) / _DAYS), stock=True),
    _s("change_in_working_capital", "Change in working capital (receivables − payables)", CASH_FLOW,
       fixed(LineRef("receivables") - Prev("receivables", Num(0))
             - (LineRef("payables") - Prev("payables", Num(0))))),
    _s("cash_from_operations", "Cash from operations", CASH_FLOW,
       total("net_income", "depreciation", "stock_based_compensation", "credits_used",
             minus=("change_in_working_capital",))),
    _s("capital_expenditure", "Capital expenditure", CASH_FLOW, sum_of_category("capital_expenditure")),
    _s("cash_from_investing", "Cash from investing", CASH_FLOW, fixed(Num(0) - LineRef("capital_expenditure"))),
    _s("equity_raised", "Equity raised", CASH_FLOW, sum_of_category("equity")),
    _s("debt_drawn", "Debt drawn", CASH_FLOW, sum_of_category("debt_drawn")),
    _s("debt_repaid", "Debt repaid", CASH_FLOW, sum_of_category("debt_repaid")),
    _s("cash_from_financing", "Cash from financing", CASH_FLOW,
       total("equity_raised", "debt_drawn", minus=("debt_repaid",))),
    _s("net_change_in_cash", "Net change in cash", CASH_FLOW,
       total("cash_from_operations", "cash_from_investing", "cash_from_financing")),
)

BALANCE_LINES: tuple[StatementLine, ...] = (
    _s("credits_received", "In-kind credits received", BALANCE, sum_of_category("credits_received")),
    _s("unused_credits", "Unused credits", BALANCE,
       balance("unused_credits", LineRef("credits_received") - LineRef("credits_used")), stock=True),
    _s("property_equipment_net", "Property & equipment, net", BALANCE,
       balance("property_equipment_net", LineRef("capital_expenditure") - LineRef("depreciation")), stock=True),
    _s("total_assets", "Total assets (cash, receivables, credits, property)", BALANCE,
       total("closing_cash", "receivables", "unused_credits", "property_equipment_net"), stock=True),
    _s("debt", "Debt", BALANCE, balance("debt", LineRef("debt_drawn") - LineRef("debt_repaid")), stock=True),
    _s("total_liabilities", "Total liabilities (payables, debt)", BALANCE, total("payables", "debt"), stock=True),
    _s("paid_in_capital", "Paid-in capital (opening cash, rounds, credits, stock pay)", BALANCE,
       balance("paid_in_capital",
               LineRef("equity_raised") + LineRef("credits_received") + LineRef("stock_based_compensation"),
               Param(setting_name("opening_cash"))), stock=True),
    _s("retained_earnings", "Retained earnings (accumulated deficit)", BALANCE,
       balance("retained_earnings", LineRef("net_income")), stock=True),
    _s("total_equity", "Total equity", BALANCE, total("paid_in_capital", "retained_earnings"), stock=True),
    _s("total_liabilities_and_equity", "Total liabilities and equity", BALANCE,
       total("total_liabilities", "total_equity"), stock=True),
)

CHECK_LINES: tuple[StatementLine, ...] = (
    _s("check_balance", "Assets − (liabilities + equity): 0 when it holds", CHECKS,
       total("total_assets", minus=("total_liabilities_and_equity",)), stock=True, role="check"),
    _s("check_cash", "Closing cash − (previous + net change in cash): 0 when it holds", CHECKS,
       fixed(LineRef("closing_cash") - (Prev("closing_cash", Param(setting_name("opening_cash")))
                                        + LineRef("net_change_in_cash"))), stock=True, role="check"),
)

# Ownership (a cap table), only in a model whose every equity round states a valuation (its rounds then
# have lines of role ``ownership``; :mod:`cashcast.models.statements.ownership`): the founders and earlier
# holders hold 1 share at the start, each round's investors the shares they bought.
OWNERSHIP = "Ownership"
OWNERSHIP_LINES: tuple[StatementLine, ...] = (
    StatementLine("shares_outstanding", "Shares outstanding (founders and earlier holders: 1 at the start)", True,
                  OWNERSHIP, lambda lines: Num(1) + sum_of_category("shares_issued")(lines), role="ownership",
                  only_with="ownership", units="shares"),
    StatementLine("earlier_holders_share", "Founders and earlier holders' share", True, OWNERSHIP,
                  fixed(Num(1) / LineRef("shares_outstanding")), role="ownership", only_with="ownership",
                  units="%"),
)

STATEMENT_LINES: tuple[StatementLine, ...] = (CASH_LINES + INCOME_LINES + CASH_FLOW_LINES + BALANCE_LINES
                                              + CHECK_LINES + OWNERSHIP_LINES)
BY_NAME: dict[str, StatementLine] = {s.name: s for s in STATEMENT_LINES}


def statement_lines(block_lines: list[Line], currency: str) -> list[Line]:
    """The model lines of every statement record that applies to these block lines, in order.

    >>> [ln.name for ln in statement_lines([], "USD")][:3]
    ['revenue', 'costs', 'operating_cash_flow']
    >>> BY_NAME["closing_cash"].line([], "USD").unit
    'USD'
    >>> [s.name for s in STATEMENT_LINES if s.section == CHECKS]
    ['check_balance', 'check_cash']
    """
    return [s.line(block_lines, currency) for s in STATEMENT_LINES if s.applies(block_lines)]


# What each statement shows, in order; a category total is preceded by its block lines (revenue by
# block, costs by function and block). A line may show in two statements (net income, closing cash).
VIEWS: dict[str, tuple[str, ...]] = {
    INCOME: ("revenue", "cost_of_revenue", "gross_profit", "gross_margin", "research_development",
             "sales_marketing", "general_administrative", "operating_expenses", "ebitda", "depreciation",
             "stock_based_compensation", "operating_income", "interest", "net_income"),
    CASH_FLOW: ("net_income", "depreciation", "stock_based_compensation", "credits_used",
                "change_in_working_capital", "cash_from_operations", "capital_expenditure",
                "cash_from_investing", "equity_raised", "debt_drawn", "debt_repaid", "cash_from_financing",
                "net_change_in_cash", "closing_cash"),
    BALANCE: ("closing_cash", "receivables", "unused_credits", "property_equipment_net", "total_assets",
              "payables", "debt", "total_liabilities", "paid_in_capital", "retained_earnings", "total_equity",
              "total_liabilities_and_equity"),
    CHECKS: ("check_balance", "check_cash"),
}
# The category whose block lines a statement line sums: shown above it in the income statement
BY_CATEGORY = {"revenue": "revenue", "cost_of_revenue": "cost_of_revenue",
               "research_development": "research_development", "sales_marketing": "sales_marketing",
               "general_administrative": "general_administrative"}


def statement_views(lines: dict[str, Line]) -> dict[str, list[str]]:
    """The lines each statement shows, in order, block lines included, for a model's lines.

    >>> rev = Line("plus.revenue", Num(0), "Plus: revenue", "USD/month", "revenue", "Plus", category="revenue")
    >>> statement_views({"plus.revenue": rev})["Income statement"][:3]
    ['plus.revenue', 'revenue', 'cost_of_revenue']
    """
    out: dict[str, list[str]] = {}
    for section, names in VIEWS.items():
        shown: list[str] = []
        for name in names:
            if section == INCOME and name in BY_CATEGORY:
                shown += [n for n, ln in lines.items() if ln.block and ln.category == BY_CATEGORY[name]
                          and ln.role != "detail"]
            shown.append(name)
        out[section] = shown
    return out
