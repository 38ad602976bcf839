"""Workbooks for the HTML report tests: the examples, one with hand-computed KPIs, one hostile."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cashcast.reports.excel.assumptions import write_assumption_workbook
from tests.helpers import ROOT, row, settings

# The two example workbooks of the repository; a missing one fails the tests rather than shrinking them.
EXAMPLES = [ROOT / "assumptions" / "openai.xlsx", ROOT / "assumptions" / "xiaoice_rmb.xlsx"]
EXAMPLE_IDS = [p.stem for p in EXAMPLES]

SCRIPT_NOTE = "<script>window.__pwned = 1</script>"
IMG_SOURCE = '<img src=x onerror="window.__pwned = 2">'
JS_LINK = "javascript:window.__pwned=3"
HOSTILE_BLOCK = "<svg onload=alert(1)>Plan"
HOSTILE_ROUND = '"><b onmouseover="window.__pwned=4">Seed</b>'


def known_workbook(folder: Path) -> Path:
    """A workbook whose KPIs are worked out by hand.

    Jan 2023 start, 24 months, $1M opening cash, $100K a month of costs; sales of 1.5M calls a month
    at $0.10 from Jul 2023 (+$150K a month).

    base: cash bottoms at $400K after June, then gains $50K a month: $1.3M at Dec 2024. Trailing
    twelve-month operating cash flow first reaches 0 in Feb 2024 (4 × −$100K + 8 × $50K).
    no-sales: cash is $1M − $100K × (t + 1), first negative in month 10: Nov 2023, 10 months in.
    """
    rows = [
        row("Team", "opex", "monthly_amount", 100_000, "USD/month"),
        row("API", "usage", "volume", 1_500_000, "calls/month", overrides={"no-sales": 0}),
        row("API", "usage", "unit_price", 0.10, "USD/call", source="https://example.com/pricing.",
            notes="list price, see articles/004_price.txt"),
        row("API", "usage", "start_month", dt.date(2023, 7, 1), "date"),
    ]
    path = folder / "known.xlsx"
    write_assumption_workbook(path, settings(), rows, [("base", "as planned"), ("no-sales", "nothing sells")])
    return path


KNOWN_HEADLINES = [
    "Base case: cash lasts the whole 24-month horizon, ending at $1.3M in Dec 2024; "
    "operating cash flow breaks even in Feb 2024.",
    "no-sales: cash runs out in Nov 2023, 10 months after the start; "
    "operating cash flow does not break even by Dec 2024.",
]


def hostile_workbook(folder: Path) -> Path:
    """A valid workbook whose texts (notes, sources, block names, descriptions) are markup."""
    rows = [
        row(HOSTILE_BLOCK, "opex", "monthly_amount", 10_000, "USD/month", low=5_000, high=20_000,
            notes=SCRIPT_NOTE, source=IMG_SOURCE),
        row(HOSTILE_ROUND, "funding", "amount", 50_000, "USD", source=JS_LINK,
            notes="<iframe src=https://example.com></iframe>"),
        row(HOSTILE_ROUND, "funding", "month", dt.date(2023, 3, 1), "date",
            notes="$1 and $2 are not TeX"),
    ]
    s = settings(opening_cash=100_000.0)
    s = [(k, v, SCRIPT_NOTE if k == "opening_cash" else n) for k, v, n in s]
    path = folder / "hostile.xlsx"
    write_assumption_workbook(path, s, rows, [("base", f"base {SCRIPT_NOTE}"),
                                              ("worse", f"{IMG_SOURCE} worse")])
    return path


def uncertain_workbook(folder: Path, conversion: float = 0.01, name: str = "uncertain") -> Path:
    """A workbook with ranges, for the sensitivity, simulation and solve-for parts of the report.

    Jan 2023 start, 24 months, $1M opening cash; Team costs $100K a month (low $80K, high $150K);
    Plus sells to 1M users at 1% conversion (0.5%–20%) for $5 a month: $50K a month.

    base: cash falls by $50K a month and runs out in Sep 2024 (month 20); no break-even. Break-even
    by Dec 2024 needs revenue of $100K a month: a conversion of at least 2%.
    cheap ($0.10 a month): even 20% conversion brings $20K a month: no break-even in the range.
    pricey ($20 a month): $200K a month, break-even in the first twelve months: no clause.
    """
    rows = [
        row("Team", "opex", "monthly_amount", 100_000, "USD/month", low=80_000, high=150_000),
        row("Plus", "subscription", "audience", 1_000_000, "users", low=500_000, high=1_500_000),
        row("Plus", "subscription", "conversion", conversion, "%", low=0.005, high=0.20),
        row("Plus", "subscription", "price", 5, "USD/month", overrides={"cheap": 0.10, "pricey": 20}),
    ]
    path = folder / f"{name}.xlsx"
    write_assumption_workbook(path, settings(), rows, [("base", "as planned"), ("cheap", "a token price"),
                                                       ("pricey", "a premium price")])
    return path
