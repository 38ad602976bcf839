"""``cashcast check`` and ``cashcast run`` share one validation pass: on every problem workbook the suite
knows (tests/bad_workbooks.py) both exit 2 and list the same problems, and ``run`` writes nothing."""
from __future__ import annotations

import pytest

from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD

SUMMARY = "problem(s); nothing was written."


def problems_printed(capsys, argv: list[str]) -> tuple[int, list[str]]:
    """Exit status and the problem lines on stderr (the closing summary line checked and dropped)."""
    status = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert "Traceback" not in captured.err
    assert lines and lines[-1] == f"{len(lines) - 1} {SUMMARY}", captured.err
    return status, lines[:-1]


@pytest.mark.parametrize("case", sorted(BAD))
def test_check_and_run_report_the_same_problems(case, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    path = BAD[case](folder)
    out = tmp_path / "out"
    checked = problems_printed(capsys, ["check", str(path)])
    ran = problems_printed(capsys, ["run", str(path), "--out", str(out), "--samples", "50"])
    assert checked[0] == ran[0] == 2
    assert checked[1] == ran[1] and checked[1], (checked, ran)
    assert all(p.startswith(path.name + ":") for p in checked[1]), checked[1]
    assert not out.exists()


def test_the_registry_holds_the_cases_the_issue_names():
    """The lognormal low of 0 (once accepted by check), links and cycles beside bad cells."""
    assert {"lognormal with a low of 0", "link to unknown line and a bad cell", "cycle and a bad cell",
            "cycle, unknown line, lognormal and bad settings"} <= set(BAD)
