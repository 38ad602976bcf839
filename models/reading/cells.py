"""Parsing one cell into a typed value by its dimension; each parser returns ``(value, problem text)``.

Pure functions: no sheet, no workbook. A percentage is a fraction in 0..1 however it was typed; a date
is a month ordinal (``year * 12 + month - 1``).
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np

from cashcast.models.reading.data import month_ordinal

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def cell_text(v) -> str:
    """A cell as trimmed text; a whole float shows without its ``.0``.

    >>> cell_text(None), cell_text(12.0), cell_text("  Plus ")
    ('', '12', 'Plus')
    """
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_number(v, dimension: str) -> tuple[float | None, str | None]:
    """A cell's number, or an error text. Percent text like '15%' is read as 0.15."""
    if isinstance(v, bool):
        return None, f"TRUE/FALSE where a number belongs ({DIMENSIONS_HINT[dimension]})"
    if isinstance(v, (int, float)):
        f = float(v)
        if not np.isfinite(f):
            return None, "not a finite number"
        return f, None
    if isinstance(v, (dt.datetime, dt.date)):
        return None, f"a date where a number belongs ({DIMENSIONS_HINT[dimension]})"
    text = cell_text(v)
    if dimension in ("percent", "rate") and re.fullmatch(r"[-+]?\d+(\.\d+)?\s*%", text):
        return float(text.rstrip("%").strip()) / 100.0, None
    return None, f"text '{text[:40]}' where a number belongs ({DIMENSIONS_HINT[dimension]})"


def parse_date(v) -> tuple[float | None, str | None]:
    """A month as an ordinal (year*12 + month-1), from a date cell or text YYYY-MM[-DD]."""
    if isinstance(v, (dt.datetime, dt.date)):
        return float(month_ordinal(v)), None
    text = cell_text(v)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if m:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            return float(month_ordinal(d)), None
        except ValueError:
            pass
    shown = text[:40] if text else repr(v)
    return None, f"'{shown}' is not a date; type a date cell or text such as 2024-03"


DIMENSIONS_HINT = {
    "count": "a count such as 200",
    "percent": "a percentage such as 1% or 0.01",
    "rate": "a rate such as 5% or -2%",
    "months": "a number of months such as 12",
    "date": "a date such as 2024-03",
    "money": "an amount such as 1000000",
    "money/month": "an amount per month such as 20",
    "money/year": "an amount per year such as 1000000",
    "money/day": "an amount per day such as 700000",
    "money/unit": "a price per unit such as 4600000",
    "currency": "a currency code such as USD",
}


def parse_value(v, dimension: str) -> tuple[float | None, str | None]:
    """A cell as its dimension reads it: a date for ``date``, else a number."""
    if dimension == "date":
        return parse_date(v)
    return parse_number(v, dimension)


def range_problem(x: float, dimension: str, what: str) -> str | None:
    """Why a parsed number is out of range for its dimension, or None."""
    if dimension == "percent" and not 0.0 <= x <= 1.0:
        return f"{what} {x:.6g} is outside 0%–100%; type a share such as 1% or 0.01"
    if dimension == "rate" and x <= -1.0:
        return f"{what} {x:.6g} is -100% or less; a growth rate must be above -100%"
    if dimension == "months" and x <= 0:
        return f"{what} {x:.6g} months must be more than 0"
    if (dimension == "count" or dimension.startswith("money")) and x < 0:
        return f"{what} {x:.6g} is negative; prices, counts and costs are 0 or more"
    return None


def unit_problem(unit: str, dimension: str) -> tuple[str | None, str | None]:
    """Check a unit against a dimension; return (currency code or None, problem or None)."""
    expected = {
        "percent": "%", "rate": "%/year or %/month", "months": "months", "date": "date",
        "money": "a currency code, e.g. USD", "money/month": "e.g. USD/month",
        "money/year": "e.g. USD/year", "money/day": "e.g. USD/day", "money/unit": "e.g. USD/run",
        "count": "a count unit, e.g. users",
    }[dimension]
    u = unit.strip()
    if not u:
        return None, f"the unit is blank; expected {expected}"
    if dimension.startswith("money"):
        code, _, per = u.partition("/")
        ok = CURRENCY_RE.match(code) and {
            "money": per == "", "money/month": per == "month", "money/year": per == "year",
            "money/day": per == "day", "money/unit": True,
        }[dimension]
        return (code, None) if ok else (None, f"unit '{u}' does not fit; expected {expected}")
    ok = {
        "percent": u == "%", "rate": u in ("%/year", "%/month"), "months": u in ("months", "month"),
        "date": u == "date",
        "count": not (u.startswith("%") or u == "date" or CURRENCY_RE.match(u.partition("/")[0])),
    }[dimension]
    return None, (None if ok else f"unit '{u}' does not fit; expected {expected}")

