"""``cashcast upgrade OLD NEW`` and the schema version: every earlier example (tests/fixtures/old_workbooks,
see its README) upgrades with every cell kept, runs to the same KPIs, and prints each change; NEW never
overwrites OLD; ``cashcast check`` on an old workbook says to upgrade."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from cashcast.api import run
from cashcast.models.reading.known_sources import KNOWN_SOURCES
from cashcast.models.reading.opening import is_aid_formula
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.sources import SOURCE_COLUMNS
from cashcast.models.reading.specs import SCHEMA_VERSION
from cashcast.models.reading.upgrading import plan_upgrade
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from cashcast.reports.excel.assumptions import starter
from tests.helpers import ROOT, settings

OLD = ROOT / "tests" / "fixtures" / "old_workbooks"
FIXTURES = sorted(OLD.glob("*.xlsx"))
SHEETS = ("Assumptions", "Settings", "Scenarios", "Correlations", "Checks", "Sources")
F001, F000, F002 = "001_e96a8ceb7138aefa.txt", "000_1743f66b7ddf36b8.txt", "002_32ea07d386792081.txt"


def upgraded(src: Path, folder: Path, *extra) -> tuple[Path, int]:
    new = folder / f"{src.stem}_new.xlsx"
    return new, main(["upgrade", str(src), str(new), *extra])


def table(path: Path, sheet: str) -> list[dict[str, object]]:
    """A sheet's rows as {header: value} (openpyxl, as a user's program would read it)."""
    wb = openpyxl.load_workbook(path)
    if sheet not in wb.sheetnames:
        return []
    # the editing aids' formulas (the live check column, its header) are not data: read as blanks
    rows = [[None if is_aid_formula(v) else v for v in r] for r in wb[sheet].iter_rows(values_only=True)]
    head = [str(h) for h in rows[0]]
    blank = lambda v: None if v == "" else v  # noqa: E731 (an empty text cell is a blank cell to cashcast)
    return [{h: blank(v) for h, v in zip(head, r) if h != "None"} for r in rows[1:] if any(v is not None for v in r)]


def source_map(fixture: Path, new: Path) -> dict[str, str]:
    """Each register id of NEW by the location it names (the file an old free-text source named)."""
    return {r["location"]: r["id"] for r in table(new, "Sources") if r["location"]}


def expected_source(text, ids: dict[str, str]):
    """What a source cell of an old (schema 1) workbook becomes: each file name its register id."""
    if not text or str(text).startswith("estimate") or not str(text).endswith(".txt"):
        return text
    return "; ".join(ids[p.strip()] for p in str(text).split(","))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_every_cell_is_kept(fixture, tmp_path):
    new, status = upgraded(fixture, tmp_path)
    assert status == 0
    ids = source_map(fixture, new)
    for sheet in SHEETS:
        before, after = table(fixture, sheet), table(new, sheet)
        if sheet == "Sources" and not before:  # the new register, checked through the source cells
            continue
        if sheet == "Settings":  # the one row added, checked below
            after = [r for r in after if r["setting"] != "schema_version"]
        assert len(before) == len(after), sheet
        for r, (old_row, new_row) in enumerate(zip(before, after), start=2):
            for header, value in old_row.items():
                want = expected_source(value, ids) if header == "source" and sheet != "Sources" else value
                if sheet == "Sources" and isinstance(value, dt.datetime):
                    want = value.strftime("%Y-%m-%d")
                assert new_row.get(header) == want, (sheet, r, header)
    added = [r for r in table(new, "Settings") if r["setting"] == "schema_version"]
    assert [r["value"] for r in added] == [SCHEMA_VERSION]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_the_upgraded_workbook_runs_to_the_same_kpis(fixture, tmp_path):
    new, status = upgraded(fixture, tmp_path)
    assert status == 0
    before, after = load_workbook(fixture), load_workbook(new)
    assert [(r.key, r.value, r.low, r.high, r.overrides, r.notes, r.unit) for r in before.rows] == \
        [(r.key, r.value, r.low, r.high, r.overrides, r.notes, r.unit) for r in after.rows]
    assert all(r.source_kind in ("article", "press report", "estimate", "") for r in after.rows)
    old_kpis, new_kpis = run(fixture, samples=0).kpis(), run(new, samples=0).kpis()
    assert old_kpis.equals(new_kpis), (old_kpis, new_kpis)
    assert not [w for w in after.warnings if "schema" in w.message]


def test_printed_changes_name_the_old_cells(tmp_path, capsys):
    fixture = OLD / "openai_schema1.xlsx"
    new, status = upgraded(fixture, tmp_path)
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0] == f"openai_schema1.xlsx:Assumptions!I2: source '{F001}' → A001 (new Sources row 2)"
    assert out[1] == (f"openai_schema1.xlsx:Assumptions!I3: source '{F001}, {F000}' → A001; A000 "
                      f"(A001: Sources row 2; A000: new Sources row 3)")
    assert f"openai_schema1.xlsx:Assumptions!I22: source '{F002}' → A002 (new Sources row 5)" in out
    assert out[-3] == "openai_schema1.xlsx:Sources: new sheet: a register of the 4 sources the free-text source " \
                      "cells named"
    assert out[-2].startswith("openai_schema1.xlsx:Settings!A10: schema_version 3 added in a new row (the "
                              "workbook was in schema 1")
    assert out[-1] == f"wrote {new}: schema 3 (was 1), {len(out) - 1} change(s); check it with cashcast check {new}"
    register = table(new, "Sources")
    assert [r["id"] for r in register] == ["A001", "A000", "A004", "A002"]  # in order of first citation
    assert register[0]["title_en"] == "Why large models should look to China next"
    today = {r["id"]: r for r in table(ROOT / "assumptions" / "openai.xlsx", "Sources")}
    assert register == [today[r["id"]] for r in register]  # the rows today's flagship has for those articles


def test_known_sources_are_the_examples_registers():
    # the example workbooks as committed (make_examples.py writes their Sources sheets from KNOWN_SOURCES)
    for name in ("openai", "xiaoice_rmb", "ai_writer"):
        register = table(ROOT / "assumptions" / f"{name}.xlsx", "Sources")
        assert register and all({k: r.get(k) or "" for k in SOURCE_COLUMNS} == KNOWN_SOURCES[r["location"]]
                                for r in register), name


def test_check_on_an_old_workbook_says_to_upgrade(capsys):
    assert main(["check", str(OLD / "openai_schema1.xlsx")]) == 0
    err = capsys.readouterr()
    text = err.out + err.err
    assert ("openai_schema1.xlsx:Settings!A10: warning: the workbook is in schema 1 of 3 (free-text sources and no "
            "Sources sheet); run cashcast upgrade openai_schema1.xlsx NEW.xlsx to write it in schema 3") in text
    assert main(["check", str(OLD / "openai_schema2.xlsx")]) == 0
    text = "".join(capsys.readouterr())
    assert "openai_schema2.xlsx:Settings!A10: warning: the workbook is in schema 2 of 3 (a Sources sheet" in text


def test_a_written_workbook_is_current_and_upgrades_to_nothing(tmp_path, capsys):
    new, _ = upgraded(OLD / "xiaoice_rmb_schema1.xlsx", tmp_path)
    again = tmp_path / "again.xlsx"
    capsys.readouterr()
    assert main(["upgrade", str(new), str(again)]) == 0
    assert capsys.readouterr().out == f"{new}: already current (schema 3); nothing to upgrade, nothing written\n"
    assert not again.exists()
    assert not [w for w in load_workbook(new).warnings if "schema" in w.message]


def test_never_writes_over_its_input(tmp_path, capsys):
    old = shutil.copy(OLD / "openai_schema1.xlsx", tmp_path / "old.xlsx")
    before = Path(old).read_bytes()
    (tmp_path / "link.xlsx").symlink_to(old)
    for new in (old, tmp_path / "." / "old.xlsx", tmp_path / "link.xlsx"):
        assert main(["upgrade", str(old), str(new), "--force"]) == 2
        assert "upgrade never writes over its input" in capsys.readouterr().err
    assert Path(old).read_bytes() == before
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"keep me")
    assert main(["upgrade", str(old), str(taken)]) == 2
    assert f"{taken} already exists; give another file name, or --force to replace it" in capsys.readouterr().err
    assert taken.read_bytes() == b"keep me"
    assert main(["upgrade", str(old), str(taken), "--force"]) == 0
    assert load_workbook(taken).settings.schema_version == SCHEMA_VERSION


def test_bad_input_writes_nothing(tmp_path, capsys):
    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("hello")
    new = tmp_path / "new.xlsx"
    assert main(["upgrade", str(not_xlsx), str(new)]) == 2
    assert "notes.xlsx: not an .xlsx workbook (it is not a zip package)" in capsys.readouterr().err
    wb = openpyxl.Workbook()
    wb.active.title = "Assumptions"
    wb["Assumptions"].append(["block", "kind", "parameter", "value"])
    wb["Assumptions"]["A2"] = "=1/0"
    wb.save(tmp_path / "bare.xlsx")
    assert main(["upgrade", str(tmp_path / "bare.xlsx"), str(new)]) == 2
    err = capsys.readouterr().err
    assert "bare.xlsx:Settings!A1: missing sheet 'Settings'" in err
    assert not new.exists()


def recalculated(path: Path) -> None:
    """Open and save ``path`` in LibreOffice, so its formulas carry their values."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        "xlsx", "--outdir", tmp, str(path)], check=True, capture_output=True, timeout=300)
        shutil.copy(Path(tmp) / path.name, path)


def test_extra_columns_and_other_free_text_are_kept(tmp_path, capsys):
    src = tmp_path / "mine.xlsx"
    wb = openpyxl.load_workbook(OLD / "openai_first.xlsx")
    a, s = wb["Assumptions"], wb["Settings"]
    a.cell(1, a.max_column + 1, "reviewer")
    a.cell(3, a.max_column, "Li")
    a["I4"] = "OpenAI pricing page, March 2023"
    wb.create_sheet("My notes")["A1"] = "to do"
    a["D5"] = "=10*2"  # the price, typed as a formula (openpyxl saves no value: cashcast reads none)
    s.cell(1, 4, "low")
    s.cell(1, 5, "checked on")
    for r in range(2, s.max_row + 1):
        if s.cell(r, 1).value == "opening_cash":
            s.cell(r, 4, 500_000_000)
            s.cell(r, 5, dt.datetime(2023, 5, 1))
    wb.save(src)
    new, status = upgraded(src, tmp_path)
    assert status == 2  # a formula without a calculated value cannot be carried over
    assert capsys.readouterr().err.startswith("mine.xlsx:Assumptions!D5: a formula without a calculated value")
    assert not new.exists()
    recalculated(src)
    new, status = upgraded(src, tmp_path)
    assert status == 0
    out = capsys.readouterr().out
    assert "mine.xlsx:Assumptions!D5: formula =10*2 written as its value" in out
    assert table(new, "Assumptions")[3]["value"] == 20
    assert "mine.xlsx:Assumptions!I4: source 'OpenAI pricing page, March 2023' → S003 (new Sources row 4)" in out
    assert "mine.xlsx:My notes: sheet not copied (cashcast does not read it); copy it by hand if you need it" in out
    assert "mine.xlsx:Assumptions!O1: column 'reviewer' kept after the scenario columns (cashcast reports it as " \
           "unknown until it is removed)" in out
    rows = table(new, "Assumptions")
    assert [r["reviewer"] for r in rows[:3]] == [None, "Li", None]
    cash = next(r for r in table(new, "Settings") if r["setting"] == "opening_cash")
    assert (cash["low"], cash["checked on"]) == (500_000_000, dt.datetime(2023, 5, 1))
    register = {r["id"]: r for r in table(new, "Sources")}
    assert register["S003"]["title"] == "OpenAI pricing page, March 2023" and register["S003"]["location"] is None


def test_a_register_keeps_free_text_an_error(tmp_path):
    """With a register (schema 2), a free-text source is an error of check today; upgrade keeps it as typed."""
    src = shutil.copy(OLD / "openai_schema2.xlsx", tmp_path / "reg.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Assumptions"]["I2"] = F001
    wb.save(src)
    plan = plan_upgrade(src)
    assert plan.rows[0]["source"] == F001 and plan.version == 2
    assert [str(c) for c in plan.changes] == ["Settings!A10: schema_version 3 added in a new row (the workbook was "
                                              "in schema 2: a Sources sheet but no schema_version setting)"]
    with pytest.raises(InputError) as caught:
        load_workbook(src)
    assert [str(p) for p in caught.value.problems if not p.is_warning] == [
        f"reg.xlsx:Assumptions!I2: unknown source '{F001}'; the Sources sheet has A000, A001, A002, A003, A004; type "
        f"one of them, or estimate with the reasoning in notes"]


def test_current_schema_without_a_register_keeps_free_text_a_warning(make_workbook):
    _settings, rows, _scenarios = starter("t")
    rows[0].source = F001
    warned = [str(w) for w in load_workbook(make_workbook(rows)).warnings if "Assumptions!I2" in str(w) or "schema" in str(w)]
    assert warned == [f"model.xlsx:Assumptions!I2: warning: free-text source '{F001}'; add a Sources sheet (columns "
                      f"id, title, author, publisher, date, location, kind) with a row for it, and type its id here "
                      f"(e.g. A001)"]


def test_schema_version_setting(make_workbook, tmp_path):
    _settings, rows, _scenarios = starter("t")
    good = load_workbook(make_workbook(rows))
    assert good.settings.schema_version == SCHEMA_VERSION
    newer = make_workbook(rows,
                          settings_rows=settings() + [("schema_version", SCHEMA_VERSION + 1, "")], name="newer.xlsx")
    with pytest.raises(InputError) as caught:
        load_workbook(newer)
    assert [str(p) for p in caught.value.problems if not p.is_warning] == [
        "newer.xlsx:Settings!B7: schema_version 4 is newer than this cashcast reads (1 to 3); update cashcast"]
    assert main(["upgrade", str(newer), str(tmp_path / "down.xlsx")]) == 2
    assert not (tmp_path / "down.xlsx").exists()
