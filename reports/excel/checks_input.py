"""The Checks sheet of an assumption workbook, as written by ``make_examples.py`` and the tests: one
row per figure the analyst expects (read back by :mod:`cashcast.models.reading.user_checks`)."""
from __future__ import annotations

from dataclasses import dataclass

from cashcast.models.reading.user_checks import COLUMNS

HEADERS = ("line or KPI", "period", "expected", "tolerance", "relative tolerance", "scenario", "note")
assert tuple(h.lower() for h in HEADERS) == COLUMNS
CHECKS_EXAMPLE = ("Example: line or KPI = ChatGPT Plus.revenue, period = 2025, expected = 2400000000, "
                  "scenario = seed-001. A line (its CSV column name, or BLOCK.line) takes a month YYYY-MM, a "
                  "year YYYY or no period (the whole projection); a KPI (cash_out_month, runway_months, "
                  "ending_cash, …) no period; a yearly KPI (arr, net_burn, …) a year. `cashcast test` "
                  "evaluates them.")


@dataclass
class CheckRow:
    """A row of the Checks sheet, each cell as typed (a period as text 'YYYY-MM' or 'YYYY')."""

    target: str
    period: object
    expected: object
    tolerance: object = None
    relative: object = None
    scenario: str = ""
    note: str = ""


def checks_sheet(ws, bold, number_format, rows: list[CheckRow]) -> None:
    """Write the header and the rows (``number_format`` for the expected value and the tolerances)."""
    for c, h in enumerate(HEADERS):
        ws.write_string(0, c, h, bold)
    ws.write_comment("A1", CHECKS_EXAMPLE, {"x_scale": 3, "y_scale": 2})
    for r, row in enumerate(rows, start=1):
        values = (row.target, row.period, row.expected, row.tolerance, row.relative, row.scenario, row.note)
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool) and c != 1:
                ws.write_number(r, c, v, number_format)
            else:
                ws.write_string(r, c, str(v))
    for c, width in enumerate([28, 10, 18, 12, 12, 12, 100]):
        ws.set_column(c, c, width)
