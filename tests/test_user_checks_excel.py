"""The Analyst checks sheet of the Excel report, recalculated by LibreOffice: each check's actual value
is a live formula that equals numpy's, and the pass/fail cells say what ``cashcast test`` says, for
every kind of figure (a month, a year's sum, year-end and average, the whole projection, a money,
month and months KPI, never, a yearly KPI) and both tolerances."""
from __future__ import annotations

import openpyxl
import pytest

from cashcast.models.analysis.checks_user import PASS, evaluate_checks
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.sheets.analyst_checks import TITLE
from tests.bad_workbooks import model
from tests.excel_checks import error_cells, mismatches, open_report
from tests.helpers import row
from tests.test_excel_parity import recalculate, zero_cached_values

# openpyxl does not read the charts LibreOffice writes back; the cells are what is checked
pytestmark = pytest.mark.filterwarnings("ignore:Unable to read chart:UserWarning")

# 3.7M visits × 7% × $23 = $5,957,000 a month; rent $41,000 (base) or $6,248,000 (dear: −$291,000 a
# month, so $1M lasts until April 2023: 709K, 418K, 127K, −164K)
ROWS = [row("Plus", "subscription", "audience", 3.7e6, "visits/month"),
        row("Plus", "subscription", "conversion", 0.07, "%"),
        row("Plus", "subscription", "price", 23, "USD/month"),
        row("Rent", "opex", "monthly_amount", 41_000, "USD/month", overrides={"dear": 6_248_000})]
CHECKS = [
    ("Plus.revenue", "2023-01", 5_957_000),
    ("Plus.revenue", "2023", 71_484_000),
    ("closing_cash", "2023", 71_992_000),                 # 1M + 12 × 5,916,000
    ("Plus.audience", "2024", 3_700_000),                  # a level: the average of the months
    ("revenue", "", 142_968_000),
    ("ending_cash", "", 142_984_000),
    ("cash_out_month", "", "never"),
    ("cash_out_month", "", "2023-04", None, None, "dear"),
    ("runway_months", "", 3, None, None, "dear"),
    ("arr", "2023", 71_484_000),
    ("Plus.revenue", "2023", 71_484_000.01),               # a cent off: fails
    ("cash_out_month", "", "2023-06", 1, None, "dear"),    # two months off, one allowed: fails
    ("Plus.revenue", "2023", 72_000_000, None, "1%"),      # 516,000 off, 720,000 allowed: passes
]
PASSES = [True] * 10 + [False, False, True]


def test_the_analyst_checks_sheet_recalculates_to_numpy(tmp_path):
    path = model(tmp_path, ROWS, scenarios=[("dear", "dear rent")], checks=CHECKS)
    run = run_file(path)
    assert [r.status == PASS for r in evaluate_checks(run)] == PASSES
    data = excel_bytes(run)
    report = tmp_path / "report.xlsx"
    report.write_bytes(zero_cached_values(data))
    recalculated = openpyxl.load_workbook(recalculate([report], tmp_path)[report], data_only=True)
    formulas = open_report(data)
    assert mismatches(recalculated, formulas, run) == []
    assert error_cells(recalculated) == []
    ws = recalculated[TITLE]
    assert [ws.cell(6 + i, 9).value for i in range(len(CHECKS))] == PASSES
    assert ws["I3"].value is False
    assert [ws.cell(6 + i, 10).value for i in (0, 12)] == ["Checks!A2", "Checks!A14"]
