"""``--quiet`` and ``--json`` of ``run`` and ``check`` (the README's "Command-line manners")."""
from __future__ import annotations

import json

import pytest

from cashcast.reports.cli.main import main
from cashcast.reports.cli.manners import SCHEMA
from tests.bad_workbooks import BAD
from tests.helpers import EXAMPLES

FLAGSHIP = EXAMPLES[0]


def test_quiet_run_prints_nothing_and_writes_every_report(tmp_path, capsys):
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path), "--samples", "0", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert {p.name for p in tmp_path.glob("openai.*")} == {
        "openai.xlsx", "openai.html", "openai.json", "openai.csv", "openai.annual.csv"}


def test_quiet_check_prints_nothing_and_exits_0(capsys):
    assert main(["check", str(FLAGSHIP), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_run_json_is_the_reports_kpis_and_simulation(tmp_path, capsys):
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path), "--samples", "200", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    saved = json.loads((tmp_path / "openai.json").read_text(encoding="utf-8"))
    assert (summary["schema"], summary["command"], summary["status"], summary["exit"]) == (SCHEMA, "run", "ok", 0)
    assert summary["outputs"] == [str(tmp_path / f"openai{s}") for s in
                                  (".json", ".csv", ".annual.csv", ".xlsx", ".html")]
    assert summary["scenarios"] == {name: s["kpis"] for name, s in saved["scenarios"].items()}
    simulated = summary["simulation"]["base"]
    assert (simulated["samples"], simulated["seed"]) == (200, saved["simulation"]["base"]["seed"])
    assert simulated["percentiles"]["ending_cash"] == {
        q: saved["simulation"]["base"]["kpis"]["ending_cash"][q] for q in ("p10", "p50", "p90")}


def test_check_json_says_what_the_workbook_holds(capsys):
    assert main(["check", str(FLAGSHIP), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "ok" and summary["workbook"] == "openai.xlsx"
    assert summary["scenarios"][0] == "base" and summary["blocks"] == 8 and summary["warnings"] == []


@pytest.mark.parametrize("command", ["check", "run"])
def test_bad_input_under_json_lists_every_problem_as_stderr_does(command, tmp_path, capsys):
    path = BAD["cycle, unknown line, lognormal and bad settings"](tmp_path)
    extra = ["--out", str(tmp_path / "out")] if command == "run" else []
    assert main([command, str(path), "--json", *extra]) == 2
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert (summary["status"], summary["exit"], summary["command"]) == ("bad input", 2, command)
    assert [p["text"] for p in summary["problems"]] == captured.err.splitlines()[:-1]
    assert len(summary["problems"]) >= 4 and not (tmp_path / "out").exists()


def test_quiet_and_json_together_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(FLAGSHIP), "--quiet", "--json"])
    assert stopped.value.code == 2 and "not allowed with" in capsys.readouterr().err
