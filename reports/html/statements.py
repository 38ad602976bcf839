"""The HTML report's statements section: every scenario's income statement, cash flow statement and
balance sheet per year, a sentence on the two checks, and the unit economics of each block that has
them (a subscription's ARPU, gross margin per payer, LTV and CAC payback, at each year's end).

Figures come from the JSON's table (``statements`` and ``annual`` of the scenario, :func:`cashcast.
reports.tables.summary`); nothing is recomputed here.
"""
from __future__ import annotations

from cashcast.models.analysis.scenarios import Run
from cashcast.models.kinds.subscription import LONGEST_MONTHS
from cashcast.models.statements.lines import CHECKS, JSON_KEYS

from cashcast.reports import fmt
from cashcast.reports.i18n import _

# Lines drawn as totals (bold, ruled) and as key results
TOTALS = {"revenue", "gross_profit", "operating_expenses", "cash_from_operations", "cash_from_investing",
          "cash_from_financing", "total_assets", "total_liabilities", "total_equity"}
KEYS = {"ebitda", "operating_income", "net_income", "net_change_in_cash", "closing_cash",
        "total_liabilities_and_equity"}
# The unit-economics lines a block may have (the part of the line's name after the block's slug), in
# the order shown, with how each is read
UNIT_ECONOMICS = {"arpu": "ARPU (revenue per payer per month)",
                  "gross_margin_per_payer": "Gross margin per payer per month",
                  "ltv": "LTV (gross margin per payer ÷ monthly churn)",
                  "cac_payback_months": "CAC payback (months of gross margin to earn back one CAC)"}
CHECK_WORDS = {"check_balance": "assets = liabilities + equity",
               "check_cash": "closing cash = previous closing cash + net change in cash"}


def statement_rows(run: Run, statements: dict, currency: str) -> list[tuple[str, list[str], str, list[bool]]]:
    """(label, per-year texts, style, negative flags) of every statement line, a heading (style
    group) per statement."""
    rows: list[tuple[str, list[str], str, list[bool]]] = []
    titles = {key: title for title, key in JSON_KEYS.items()}
    for key, lines in statements.items():
        if titles[key] == CHECKS:
            continue
        rows.append((_(titles[key]), [], "group", []))
        for name, values in lines.items():
            line = run.model.lines[name]
            label = f"  {line.block}" if line.block else _(line.label)
            style = "key" if name in KEYS else "total" if name in TOTALS else "item"
            if line.role == "ratio":
                rows.append((label, [fmt.percent(v) for v in values], style, [v < 0 for v in values]))
            else:
                rows.append((label, [fmt.money(v, currency) for v in values], style, [v < 0 for v in values]))
    return rows


def checks_sentence(checks: dict, currency: str) -> tuple[bool, str]:
    """Whether every check holds, and a sentence saying so with the largest absolute difference.

    >>> checks_sentence({"check_balance": {"largest_difference": 1.5e-05, "holds": True},
    ...                  "check_cash": {"largest_difference": 0.0, "holds": True}}, "USD")[1]
    'Both checks hold in every month: assets = liabilities + equity (largest difference USD 0.00); closing cash = previous closing cash + net change in cash (largest difference USD 0.00).'
    """
    holds = all(c["holds"] for c in checks.values())
    parts = [_("{check} (largest difference {currency} {amount}{fails})", check=_(CHECK_WORDS[name]),
               currency=currency, amount=format(c['largest_difference'], ',.2f'),
               fails="" if c["holds"] else _(": DOES NOT HOLD")) for name, c in checks.items()]
    lead = _("Both checks hold in every month") if holds else _("A check fails")
    return holds, _("{lead}: {parts}.", lead=lead, parts=_("; ").join(parts))


def unit_economics_text(item: str, x: float, currency: str) -> str:
    """One unit-economics figure for readers: money per month, money, or months (a payback that never
    comes within the longest span cashcast accepts says so).

    >>> unit_economics_text("arpu", 19.5, "USD"), unit_economics_text("ltv", 390.0, "USD")
    ('$19.5/month', '$390')
    >>> unit_economics_text("cac_payback_months", 3.26, "USD"), unit_economics_text("cac_payback_months", 1200, "USD")
    ('3.3 months', 'never')
    """
    if item == "cac_payback_months":
        return _("never") if x >= LONGEST_MONTHS.value else _("{n} months", n=format(x, ",.1f"))
    if item == "ltv":
        return fmt.money(x, currency)
    return fmt.money_per(x, currency, _("month"), 2)


def unit_economics_rows(run: Run, annual: dict, currency: str) -> list[tuple[str, list[str], str, list[bool]]]:
    """(label, per-year texts, style, negative flags): a heading per block that has unit-economics lines,
    then those lines at each year's end; no rows when no block has them."""
    rows: list[tuple[str, list[str], str, list[bool]]] = []
    by_block: dict[str, list] = {}
    for name, line in run.model.lines.items():
        item = name.rsplit(".", 1)[-1]
        if line.block and item in UNIT_ECONOMICS and name in annual["lines"]:
            by_block.setdefault(line.block, []).append((list(UNIT_ECONOMICS).index(item), item, name))
    for block, items in by_block.items():
        rows.append((block, [], "group", []))
        for _order, item, name in sorted(items):
            values = annual["lines"][name]
            rows.append((_(UNIT_ECONOMICS[item]), [unit_economics_text(item, v, currency) for v in values], "item",
                         [v < 0 for v in values]))
    return rows
