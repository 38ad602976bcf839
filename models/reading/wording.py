"""The words of the reader's most common problems, as functions, so the editing aids say the same.

The assumption workbook's dropdowns (their error messages) and its live ``check`` column
(:mod:`cashcast.reports.excel.editing`) build their texts by calling these with the typed value, or
with an Excel expression in its place, so a typo is named in the sheet in the words ``cashcast check``
prints for it.
"""
from __future__ import annotations


def unknown_kind(name: str, kinds) -> str:
    """>>> unknown_kind("licencing", ["subscription", "licensing"])
    "unknown kind 'licencing'; valid kinds: subscription, licensing"
    """
    return f"unknown kind '{name}'; valid kinds: {', '.join(kinds)}"


def unknown_parameter(name: str, kind: str, valid: str) -> str:
    """>>> unknown_parameter("prize", "subscription", "price, churn")
    "unknown parameter 'prize' for kind 'subscription'; valid: price, churn"
    """
    return f"unknown parameter '{name}' for kind '{kind}'; valid: {valid}"


def unknown_distribution(name: str, valid) -> str:
    """>>> unknown_distribution("beta", ["pert", "uniform"])
    "unknown distribution 'beta'; valid: pert, uniform"
    """
    return f"unknown distribution '{name}'; valid: {', '.join(valid)}"


def low_above_high(low: str, high: str) -> str:
    """``low`` and ``high`` as the reader prints them (``:.6g``).

    >>> low_above_high(f"{0.4:.6g}", f"{0.25:.6g}")
    'low 0.4 is above high 0.25'
    """
    return f"low {low} is above high {high}"


def outside_low_high(value: str, low: str, high: str) -> str:
    """>>> outside_low_high("0.5", "0.1", "0.3")
    'value 0.5 lies outside low..high (0.1..0.3)'
    """
    return f"value {value} lies outside low..high ({low}..{high})"


def duplicate_row(block: str, parameter: str, first: str) -> str:
    """>>> duplicate_row("Pro plan", "price", "C5")
    'duplicate row: Pro plan.price is already given at C5; keep one'
    """
    return f"duplicate row: {block}.{parameter} is already given at {first}; keep one"


def unit_misfit(unit: str, expected: str) -> str:
    """>>> unit_misfit("USD/mo", "e.g. USD/month (or USD/year, USD/day)")
    "unit 'USD/mo' does not fit; expected e.g. USD/month (or USD/year, USD/day)"
    """
    return f"unit '{unit}' does not fit; expected {expected}"


def unknown_setting(name: str, valid: str) -> str:
    """>>> unknown_setting("horizon", "start_month, horizon_months")
    "unknown setting 'horizon'; valid settings: start_month, horizon_months"
    """
    return f"unknown setting '{name}'; valid settings: {valid}"


def setting_twice(name: str, first: str) -> str:
    """>>> setting_twice("currency", "A4")
    "setting 'currency' is given twice (first at A4); keep one"
    """
    return f"setting '{name}' is given twice (first at {first}); keep one"


def not_a_currency(text: str) -> str:
    """>>> not_a_currency("dollars")
    "'dollars' is not a currency code; type e.g. USD or RMB"
    """
    return f"'{text}' is not a currency code; type e.g. USD or RMB"


def source_id_twice(ident: str, first: str) -> str:
    """>>> source_id_twice("A001", "A2")
    "source id 'A001' is given twice (first at A2); keep one or rename it"
    """
    return f"source id '{ident}' is given twice (first at {first}); keep one or rename it"


def source_kind_problem(what: str, ident: str, valid) -> str:
    """>>> source_kind_problem("unknown kind 'blog'", "A001", ["article", "filing"])
    "unknown kind 'blog' for source 'A001'; valid: article, filing"
    """
    return f"{what} for source '{ident}'; valid: {', '.join(valid)}"


def unknown_column(header: str, declared: str) -> str:
    """The Assumptions sheet's column that is neither a reader's column nor a declared scenario.

    >>> unknown_column("upside", "downside")[:60]
    "unknown column 'upside'; valid columns are block, kind, para"
    """
    from cashcast.models.reading.specs import ASSUMPTION_COLUMNS

    return (f"unknown column '{header}'; valid columns are {', '.join(ASSUMPTION_COLUMNS)} and scenario columns "
            f"declared on the Scenarios sheet ({declared})")


def no_scenario(name: str, valid: str) -> str:
    """A Checks row's scenario that the Scenarios sheet does not list.

    >>> no_scenario("upside", "base, downside")
    "no scenario named 'upside'; valid: base, downside (blank: base)"
    """
    return f"no scenario named '{name}'; valid: {valid} (blank: base)"
