"""Numbers for readers: $2.4B, $700K, 1.0%, 'Mar 2025'; in RMB, ¥ with 万 and 亿."""
from __future__ import annotations

import datetime as dt
import math

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "RMB": "¥", "CNY": "¥", "JPY": "¥"}


def money(x: float | None, currency: str = "USD", digits: int = 1) -> str:
    """A compact amount: ``money(2.4e9) == '$2.4B'``, ``money(7e5) == '$700K'``,
    ``money(3e8, 'RMB') == '¥3亿'``, ``money(-5.4e8) == '−$540M'``."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    sign = "−" if x < 0 else ""
    a = abs(x)
    sym = SYMBOLS.get(currency, currency + " ")
    if currency in ("RMB", "CNY"):
        steps = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
    else:
        steps = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
    for size, suffix in steps:
        if a >= size:
            return f"{sign}{sym}{_trim(a / size, digits)}{suffix}"
    return f"{sign}{sym}{_trim(a, 0 if a >= 100 else 2)}"


def _trim(v: float, digits: int) -> str:
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(x: float | None, digits: int = 1) -> str:
    """``percent(0.01) == '1.0%'``."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x * 100:.{digits}f}%"


def month(label: str | None) -> str:
    """'2025-03' → 'Mar 2025'; None → 'never'."""
    if not label:
        return "never"
    d = dt.date(int(label[:4]), int(label[5:7]), 1)
    return d.strftime("%b %Y")
