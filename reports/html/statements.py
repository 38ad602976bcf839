"""The HTML report's statements section: the base scenario's income statement, cash flow statement
and balance sheet per year, and a sentence on the two checks.

Figures come from the JSON's table (``statements`` of the scenario, :func:`cashcast.reports.tables.
statements_table`); nothing is recomputed here.
"""
from __future__ import annotations

from cashcast.models.analysis.scenarios import Run
from cashcast.models.statements.lines import CHECKS, JSON_KEYS

from cashcast.reports import fmt
from cashcast.reports.i18n import _

# Lines drawn as totals (bold, ruled) and as key results
TOTALS = {"revenue", "gross_profit", "operating_expenses", "cash_from_operations", "cash_from_investing",
          "cash_from_financing", "total_assets", "total_liabilities", "total_equity"}
KEYS = {"ebitda", "operating_income", "net_income", "net_change_in_cash", "closing_cash",
        "total_liabilities_and_equity"}
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
