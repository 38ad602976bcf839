"""Parsing one cell into a typed value by its dimension; each parser returns ``(value, problem text)``.

Pure functions: no sheet, no workbook. A percentage is a fraction in 0..1 however it was typed; a date
is a month ordinal (``year * 12 + month - 1``).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np

from cashcast.models.kinds.base import PERIODS as MONEY_PERIODS
from cashcast.models.reading.data import month_ordinal
from cashcast.models.reading.specs import BOUNDS
from cashcast.models.reading.wording import unit_misfit

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
            what = "NaN (not a number)" if np.isnan(f) else "an infinity" if f > 0 else "a negative infinity"
            return None, f"{what} where a number belongs; type {DIMENSIONS_HINT[dimension]}"
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
        return _in_years(v)
    text = cell_text(v)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if m:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
            return _in_years(d)
        except ValueError:
            pass
    shown = text[:40] if text else repr(v)
    return None, f"'{shown}' is not a date; type a date cell or text such as 2024-03"


def _in_years(d: dt.date) -> tuple[float | None, str | None]:
    """A date as a month ordinal when its year is within BOUNDS["years"], else why not."""
    first, last = BOUNDS["years"]
    if not first <= d.year <= last:
        return None, f"{d:%Y-%m} is outside {first}-01..{last}-12; type a month in that range"
    return float(month_ordinal(d)), None


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
    "category": "a category such as research_development",
    "repayment": "a repayment such as linear",
    "recurring": "yes or no",
    "block": "a block name such as Compute",
}


def parse_value(v, dimension: str) -> tuple[float | None, str | None]:
    """A cell as its dimension reads it: a date for ``date``, else a number."""
    if dimension == "date":
        return parse_date(v)
    return parse_number(v, dimension)


RANGE_SEPARATOR = ".."
_NUMBER_RE = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def is_range_text(v) -> bool:
    """Whether a cell holds a range typed as text, ``low..high`` or ``low..mode..high``.

    >>> is_range_text("15%..20%"), is_range_text("15%"), is_range_text(0.15)
    (True, False, False)
    """
    return isinstance(v, str) and RANGE_SEPARATOR in v


def parse_range(v, dimension: str) -> tuple[tuple[float, float | None, float] | None, str | None]:
    """A range cell ``low..high`` or ``low..mode..high`` as (low, mode or None, high), or an error text.

    Each part is read as the dimension reads a value (``15%``, ``2024-06``, ``1e9``); low ≤ mode ≤ high.

    >>> parse_range("15%..20%", "percent")
    ((0.15, None, 0.2), None)
    >>> parse_range("1e9..2e9..3e9", "count")
    ((1000000000.0, 2000000000.0, 3000000000.0), None)
    >>> parse_range("20%..15%", "percent")[1]
    'range 20%..15%: low 0.2 is above high 0.15'
    """
    text = cell_text(v)
    parts = [p.strip() for p in text.split(RANGE_SEPARATOR)]
    example = "e.g. 15%..20% or 15%..18%..20%" if dimension in ("percent", "rate") else "e.g. 100..300 or 100..200..300"
    if len(parts) not in (2, 3) or not all(parts):
        return None, f"range '{text[:40]}' is not low..high or low..mode..high ({example})"
    values = []
    for part in parts:
        if dimension != "date" and _NUMBER_RE.fullmatch(part.replace(",", "")):
            x, err = float(part.replace(",", "")), None
        else:
            x, err = parse_value(part, dimension)
        if err is None and dimension != "date":
            err = range_problem(x, dimension, f"'{part}'")
        if err:
            return None, f"range {text[:40]}: {err}"
        values.append(x)
    low, high = values[0], values[-1]
    mode = values[1] if len(values) == 3 else None
    if low > high:
        return None, f"range {text[:40]}: low {low:.6g} is above high {high:.6g}"
    if mode is not None and not low <= mode <= high:
        return None, f"range {text[:40]}: the middle figure {mode:.6g} lies outside low..high"
    return (low, mode, high), None


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
    return magnitude_problem(x, dimension, what)


def magnitude_problem(x: float, dimension: str, what: str) -> str | None:
    """Why a number is beyond the bounds that keep every projection finite (README "Bounds"), or None.

    >>> magnitude_problem(1e308, "money/month", "value")
    'value 1e+308 is above the largest amount of money cashcast accepts, 1e+18; type at most 1e+18'
    """
    if dimension == "months":
        lo, hi = BOUNDS["months"]
        if not lo <= x <= hi:
            return f"{what} {x:.6g} months is outside {lo:g}..{hi:,.0f} months; type a number in that range"
        return None
    key = "money" if dimension.startswith("money") else dimension
    if key in ("money", "count") and x > BOUNDS[key]:
        noun = "amount of money" if key == "money" else "count"
        return (f"{what} {x:.6g} is above the largest {noun} cashcast accepts, {BOUNDS[key]:g}; type at most "
                f"{BOUNDS[key]:g}")
    return None


def unit_problem(unit: str, dimension: str) -> tuple[str | None, str | None]:
    """Check a unit against a dimension; return (currency code or None, problem or None)."""
    expected = {
        "percent": "%", "rate": "%/year or %/month", "months": "months", "date": "date",
        "money": "a currency code, e.g. USD", "money/month": "e.g. USD/month (or USD/year, USD/day)",
        "money/year": "e.g. USD/year (or USD/month, USD/day)", "money/day": "e.g. USD/day (or USD/month, "
        "USD/year)", "money/unit": "e.g. USD/run",
        "count": "a count unit, e.g. users",
    }[dimension]
    u = unit.strip()
    if not u:
        return None, f"the unit is blank; expected {expected}"
    if dimension.startswith("money"):
        code, _, per = u.partition("/")
        flow = per in MONEY_PERIODS  # a money flow may be typed per month, year or day: it converts
        ok = CURRENCY_RE.match(code) and {
            "money": per == "", "money/month": flow, "money/year": flow, "money/day": flow, "money/unit": True,
        }[dimension]
        return (code, None) if ok else (None, unit_misfit(u, expected))
    ok = {
        "percent": u == "%", "rate": u in ("%/year", "%/month"), "months": u in ("months", "month"),
        "date": u == "date",
        "count": not (u.startswith("%") or u == "date" or CURRENCY_RE.match(u.partition("/")[0])),
    }[dimension]
    return None, (None if ok else unit_misfit(u, expected))



# ------------------------------------------------------------------------------------------------
# Invisible and look-alike characters in names
# ------------------------------------------------------------------------------------------------
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}  # controls, format (zero-width, bidi), separators
_CONTROL_NAMES = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}
_LOOK_ALIKE_SCRIPTS = ("CYRILLIC", "GREEK")


def _char_name(ch: str) -> str:
    return _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "CONTROL CHARACTER")


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0] if ch.isalpha() else ""


def _visible(v: str) -> str:
    """The text with each invisible character written as its escape, shortened to 60 characters."""
    out = "".join(f"\\u{ord(ch):04x}" if _invisible(ch) else ch for ch in v)
    return out if len(out) <= 60 else out[:57] + "..."


def _invisible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in _INVISIBLE or (cat == "Zs" and ch != " ")


def without_invisible(v):
    """The cell's text without its invisible characters (other values as they are).

    >>> without_invisible("C\u200bhatGPT\u00a0Plus")
    'ChatGPTPlus'
    """
    return "".join(ch for ch in v if not _invisible(ch)) if isinstance(v, str) else v


def _first_odd(v: str) -> tuple[int, bool] | None:
    """(index, invisible?) of the first invisible character, or of a Cyrillic or Greek letter in a word
    that also has Latin letters; None when there is neither."""
    hidden = next((i for i, ch in enumerate(v) if _invisible(ch)), None)
    if hidden is not None:
        return hidden, True
    for word in re.finditer(r"[^\W\d_]+", v):
        scripts = [_script(ch) for ch in word[0]]
        if "LATIN" in scripts:
            k = next((k for k, s in enumerate(scripts) if s in _LOOK_ALIKE_SCRIPTS), None)
            if k is not None:
                return word.start() + k, False
    return None


def odd_character(v, what: str) -> str | None:
    """Why a name cell holds a character that cannot be seen or that imitates another, or None.

    Invisible: control characters, zero-width and bidirectional controls, separators other than the
    plain space (such as NO-BREAK SPACE). Look-alike: a Cyrillic or Greek letter inside a word of Latin
    letters. Positions count characters of the cell as typed, from 1.

    >>> print(odd_character("C\u200bhatGPT Plus", "the block"))
    the block 'C\\u200bhatGPT Plus' contains U+200B ZERO WIDTH SPACE (an invisible character) at position 2, after 'C'; delete it and retype the name
    >>> print(odd_character("Ch\u0430tGPT", "the block"))
    the block 'ChаtGPT' contains U+0430 CYRILLIC SMALL LETTER A at position 3, after 'Ch', a letter that looks like a Latin one inside a Latin word; retype it
    >>> odd_character("ChatGPT Plus", "the block") is None, odd_character("小冰 Entry", "the block") is None
    (True, True)
    """
    found = _first_odd(v) if isinstance(v, str) else None
    if found is None:
        return None
    i, hidden = found
    ch = v[i]
    after = f", after '{_visible(v[max(0, i - 20):i])}'" if i else " (the first character)"
    where = f"{what} '{_visible(v)}' contains U+{ord(ch):04X} {_char_name(ch)}"
    if hidden:
        return f"{where} (an invisible character) at position {i + 1}{after}; delete it and retype the name"
    return f"{where} at position {i + 1}{after}, a letter that looks like a Latin one inside a Latin word; retype it"
