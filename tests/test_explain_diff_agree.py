"""``explain`` and ``diff`` read a workbook as ``check`` does: on every problem workbook the suite knows
(tests/bad_workbooks.py) they exit 2 with exactly the problems ``check`` lists, and no traceback."""
from __future__ import annotations

import pytest

from tests.bad_workbooks import BAD
from tests.helpers import EXAMPLES
from tests.test_check_run_agree import problems_printed


@pytest.mark.parametrize("case", sorted(BAD))
def test_explain_and_diff_report_what_check_reports(case, tmp_path, capsys):
    path = BAD[case](tmp_path)
    status, checked = problems_printed(capsys, ["check", str(path)])
    assert status == 2 and checked
    assert problems_printed(capsys, ["explain", str(path), "closing_cash"]) == (2, checked)
    assert problems_printed(capsys, ["diff", str(EXAMPLES[0]), str(path)]) == (2, checked)
    assert problems_printed(capsys, ["diff", str(path), str(EXAMPLES[1]), "--json"]) == (2, checked)
    assert problems_printed(capsys, ["diff", "--textconv", str(path)]) == (2, checked)
