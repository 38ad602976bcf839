"""Numbers for readers: $2.4B, $700K/day, 1.0%, 'Mar 2025'; in RMB, ¥ with 万 and 亿.

Percentages and months are Babel's, in the locale of the language being rendered
(:mod:`cashcast.reports.i18n`), and so are a Chinese report's compact amounts: it writes US$24亿, 5000万,
2025年3月 and 26个月. English amounts keep their K/M/B/T rounding (:func:`_western`).
"""
from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_percent, format_scientific

from cashcast.reports import i18n
from cashcast.reports.i18n import _, ngettext

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "RMB": "¥", "CNY": "¥", "JPY": "¥"}
CHINESE_UNITS = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
WESTERN_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
MINUS = "−"
YI_DIGITS = 2   # 亿 to 0.01亿 (¥5.51亿): what the Excel report's 亿 format shows (a format scales by thousands only)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def money(x: float | None, currency: str = "USD", digits: int = 1) -> str:
    """A compact amount: ``money(2.4e9) == '$2.4B'``, ``money(7e5) == '$700K'``,
    ``money(3e8, 'RMB') == '¥3亿'``, ``money(-5.4e8) == '−$540M'``.

    >>> money(0.002), money(20), money(5e7, 'RMB'), money(None), money(5.514e8, 'RMB'), money(5.5e8, 'RMB')
    ('$0.002', '$20', '¥5,000万', '—', '¥5.51亿', '¥5.5亿')
    """
    if _missing(x):
        return "—"
    sign = MINUS if x < 0 else ""
    a = abs(x)
    sym = symbol(currency)
    if currency in ("RMB", "CNY") and 1e8 <= a < 1e12:
        digits = max(digits, YI_DIGITS)
    if i18n.current() == "en" and currency in ("RMB", "CNY"):
        for size, suffix in CHINESE_UNITS:
            if a >= size:
                return f"{sign}{sym}{_trim(a / size, digits)}{suffix}"
        return f"{sign}{sym}{_small(a)}"
    return f"{sign}{sym}{_compact(a, digits)}"


def symbol(currency: str) -> str:
    """The currency's sign: '$', '¥'; in Chinese a dollar is 'US$' (Babel's), so it is not a yuan."""
    if i18n.current() == "zh" and currency == "USD":
        return "US$"
    return SYMBOLS.get(currency, currency + " ")


def _compact(a: float, digits: int) -> str:
    """A positive amount in compact form: in Chinese Babel's (24亿, 70万), in English :func:`_western`'s;
    below the first unit (a thousand, or in Chinese ten thousand) as :func:`_small` writes it.

    >>> _compact(2.4e9, 1), _compact(999.6e3, 1), _compact(12.5, 1), _compact(3.3e15, 0)
    ('2.4B', '999.6K', '12.5', '3,300T')
    >>> with i18n.language("zh"):
    ...     _compact(2.4e9, 1), _compact(5e7, 1), _compact(1.5e12, 1), _compact(1234, 1)
    ('24亿', '5000万', '1.5万亿', '1,234')
    """
    if a < (1e4 if i18n.current() == "zh" else 1e3):
        return _small(a)
    if i18n.current() == "en":
        return _western(a, digits)
    if a >= 1e15:  # past Babel's largest unit (and its decimal range): trillions with separators
        return _trim(a / 1e12, digits) + ("万亿" if i18n.current() == "zh" else "T")
    return format_compact_decimal(a, format_type="short", locale=i18n.locale(), fraction_digits=digits)


def _western(a: float, digits: int) -> str:
    """An amount of a thousand or more in K, M, B or T, rounded as Python rounds the float (1.05M is
    1.1M, as the English reports have always written it; Babel's decimal rounding would write 1M); an
    amount that rounds up to a thousand of one unit takes the next ($999,960 is $1M).

    >>> _western(1.05e6, 1), _western(999_960, 1), _western(2.5e13, 0)
    ('1.1M', '1M', '25T')
    """
    for k, (size, suffix) in enumerate(WESTERN_UNITS):
        if a >= size:
            text = _trim(a / size, digits)
            if k and float(text.replace(",", "")) >= 1000:
                size, suffix = WESTERN_UNITS[k - 1]
                text = _trim(a / size, digits)
            return text + suffix
    return _small(a)


def _small(a: float) -> str:
    """An amount below a thousand: whole from 100, cents below, significant digits below 1."""
    if a == 0:
        return "0"
    if a >= 100:
        return _trim(a, 0)
    if a >= 1:
        return _trim(a, 2)
    return _trim(a, -math.floor(math.log10(a)) + 1)


def _trim(v: float, digits: int) -> str:
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money_per(x: float | None, currency: str, per: str, digits: int = 1) -> str:
    """An amount per something: ``money_per(7e5, 'USD', 'day') == '$700K/day'``."""
    text = money(x, currency, digits)
    return text if text == "—" else f"{text}/{per}"


def number(x: float | None, digits: int = 1) -> str:
    """A compact count: ``number(1e9) == '1B'``, ``number(2e5) == '200K'``, ``number(12) == '12'``."""
    if _missing(x):
        return "—"
    sign = MINUS if x < 0 else ""
    return f"{sign}{_compact(abs(x), digits)}"


HUGE_PERCENT = 1e6   # 100,000,000%: beyond it a ratio is written in powers of ten (Babel's rounding to
# the digit overflows its 28-digit decimals from about 1e25, and 30 digits of percent say nothing more)


def percent(x: float | None, digits: int = 1) -> str:
    """``percent(0.01) == '1.0%'``, ``percent(-0.046) == '−4.6%'``, ``percent(75.26) == '7,526.0%'``; a
    ratio of a million or more in powers of ten: ``percent(-1.2e25) == '−1.2E27%'``."""
    if _missing(x):
        return "—"
    if abs(x) >= HUGE_PERCENT:
        return format_scientific(x * 100, "0.0E0", locale=i18n.locale()).replace("-", MINUS) + "%"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(x, pattern, locale=i18n.locale()).replace("-", MINUS)


def percent_exact(x: float | None, digits: int = 1, most: int = 3) -> str:
    """A percentage with at least ``digits`` decimals and as many more (up to ``most``) as it needs:
    ``percent_exact(0.01) == '1.0%'``, ``percent_exact(0.0025) == '0.25%'``."""
    if _missing(x):
        return "—"
    for d in range(digits, most + 1):
        if abs(round(x * 100, d) - x * 100) < 1e-9:
            return percent(x, d)
    return percent(x, most)


def month(label: str | None) -> str:
    """'2025-03' → 'Mar 2025' (in Chinese '2025年3月'); None → 'never'."""
    if not label:
        return _("never")
    return month_of(dt.date(int(label[:4]), int(label[5:7]), 1))


def month_of(d: dt.date) -> str:
    """A date's month for readers, Babel's year-and-short-month skeleton: ``month_of(date(2025, 3, 1))
    == 'Mar 2025'``, in Chinese '2025年3月'.

    >>> with i18n.language("zh"):
    ...     month_of(dt.date(2025, 3, 1))
    '2025年3月'
    """
    return format_skeleton("yMMM", d, locale=i18n.locale())


def month_short(d: dt.date) -> str:
    """A date's month without its year: 'Mar', in Chinese '3月'."""
    return format_skeleton("MMM", d, locale=i18n.locale())


def months(n: int | None) -> str:
    """A count of months: '26 months', '1 month'."""
    if n is None:
        return "—"
    return ngettext("{n} month", "{n} months", n)


def share_pm(p: float | None, ci95: tuple[float, float]) -> str:
    """A simulated share with its sampling error: the larger side of its 95% interval.

    >>> share_pm(0.055, (0.0507, 0.0596))
    '5.5% ± 0.5%'
    >>> share_pm(0.0, (0.0, 0.0004))
    '0.0% ± <0.1%'
    """
    if _missing(p):
        return "—"
    half = max(p - ci95[0], ci95[1] - p)
    return f"{percent(p)} ± {percent(half) if half >= 0.0005 else '<' + percent(0.001)}"
