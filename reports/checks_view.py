"""The analyst's checks as readers see them: each value formatted by its kind (money, months, a
month, a rate), shared by ``cashcast test``, the HTML report's section and the Excel report."""
from __future__ import annotations

import math

from cashcast.models.analysis.checks_user import FAIL, NOT_RUN, PASS, CheckResult
from cashcast.models.reading.data import ordinal_to_date
from cashcast.reports import fmt
from cashcast.reports.i18n import _


def value_text(result: CheckResult, x: float, currency: str) -> str:
    """A figure of a check as shown: '$2.4B', 'Jun 2025', '29 months', '45.0%', '1.50×', 'never'.

    >>> from cashcast.models.reading.user_checks import UserCheck
    >>> c = UserCheck(2, "x", "x", "kpi", None, None, 2025 * 12 + 5, None, None, "base")
    >>> value_text(CheckResult(c, 2025 * 12 + 5, "month", "", 0.0, PASS), 2025 * 12 + 5, "USD")
    'Jun 2025'
    >>> value_text(CheckResult(c, 2.4e9, "money", "USD/month", 0.005, PASS), 2.4e9, "USD")
    '$2.4B'
    """
    if x is None or math.isnan(x):
        return _("never") if result.kind in ("month", "months") else "—"
    kind = result.kind
    if kind == "money":
        return fmt.money(x, currency, 3)
    if kind == "month":
        return fmt.month_of(ordinal_to_date(int(round(x))))
    if kind == "months":
        return fmt.months(int(round(x))) if float(x).is_integer() else f"{x:,.2f}"
    if kind == "rate":
        return fmt.percent_exact(x, 1, 4)
    if kind == "multiple":
        return f"{x:,.2f}×"
    unit = result.unit
    return f"{fmt.number(x, 3)} {unit}".strip()


def difference_text(result: CheckResult, currency: str) -> str:
    """How far a failed check is off, exactly: '+$1,234.56', '−6 months'; '' when either is never.

    >>> from cashcast.models.reading.user_checks import UserCheck
    >>> c = UserCheck(2, "x", "x", "line", None, 2023, 2.4e9, None, None, "base")
    >>> difference_text(CheckResult(c, 2.4e9 + 1234.56, "money", "USD/month", 0.005, FAIL), "USD")
    '+$1,234.56'
    """
    d = result.difference
    if math.isnan(d):
        return ""
    sign = "+" if d >= 0 else fmt.MINUS
    if result.kind == "money":
        return f"{sign}{fmt.symbol(currency)}{abs(d):,.2f}"
    if result.kind in ("month", "months"):
        return f"{sign}{fmt.months(int(round(abs(d))))}"
    if result.kind in ("rate",):
        return f"{sign}{abs(d) * 100:,.4g} pp"
    return f"{sign}{abs(d):,.4g}"


def tolerance_text(result: CheckResult, currency: str) -> str:
    """The difference a check allows, in its unit ('$0.005', '0 months', '0.005 pp')."""
    if result.kind in ("month", "months"):
        return fmt.months(int(result.allowed)) if float(result.allowed).is_integer() else f"{result.allowed:g}"
    if result.kind == "money":
        return f"{fmt.symbol(currency)}{result.allowed:,.3f}".rstrip("0").rstrip(".")
    if result.kind == "rate":
        return f"{result.allowed * 100:g} pp"
    return f"{result.allowed:,.6g}"


def status_text(result: CheckResult) -> str:
    """The status in the reader's language: pass, fail, not run."""
    return {PASS: _("pass"), FAIL: _("fail"), NOT_RUN: _("not run")}[result.status]


def subject(result: CheckResult) -> str:
    """What a check reads, as typed, with its period: 'ChatGPT Plus.revenue 2023'."""
    check = result.check
    return f"{check.target} {check.period}".strip()
