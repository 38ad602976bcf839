"""Reliability of reading (issue 15): odd files, damaged packages and formatting end as bad input (exit 2,
the workbook named) or are read as data; none is an internal error, a hang or a traceback. Each case runs
on both example workbooks."""
from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import threading
import zipfile

import pytest

from cashcast.models.reading import opening
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD, formatted_far, rewrite
from tests.report_fixtures import EXAMPLES

SHEET = "xl/worksheets/sheet1.xml"  # the Assumptions sheet of both examples


def check(capsys, path) -> tuple[int, str]:
    status = main(["check", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return status, err


def copy(example, folder):
    return shutil.copy(example, folder / example.name)


# -- only regular files are read ----------------------------------------------------------------------
def test_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "w.xlsx").mkdir()
    assert check(capsys, tmp_path / "w.xlsx") == (2, "w.xlsx: is a folder, not an .xlsx workbook; give the "
                                                     "path of a workbook file\n1 problem(s); nothing was written.\n")


def test_a_named_pipe_is_refused_without_waiting(tmp_path, capsys):
    pipe = tmp_path / "p.xlsx"
    os.mkfifo(pipe)
    result = []
    worker = threading.Thread(target=lambda: result.append(main(["check", str(pipe)])), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(pipe, "wb"):
            pass
        pytest.fail("check waited on a named pipe")
    assert result == [2]
    assert "p.xlsx: is a named pipe, not an .xlsx workbook" in capsys.readouterr().err


@pytest.mark.parametrize("target,what", [("/dev/zero", "is a device"), ("/dev/null", "is a device")])
def test_a_link_to_a_device_is_refused(tmp_path, capsys, target, what):
    link = tmp_path / "d.xlsx"
    link.symlink_to(target)
    status, err = check(capsys, link)
    assert status == 2 and err.startswith(f"d.xlsx: {what}, not an .xlsx workbook"), err


def test_a_socket_is_refused(tmp_path, capsys):
    path = tmp_path / "s.xlsx"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        status, err = check(capsys, path)
    assert status == 2 and err.startswith("s.xlsx: is a socket, not an .xlsx workbook"), err


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_an_unreadable_file_says_so(example, tmp_path, capsys, monkeypatch):
    path = copy(example, tmp_path)
    real_open = os.open

    def denied(p, *a, **k):  # the tests run as root, who may read anything: simulate the refusal
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **k)

    monkeypatch.setattr(opening.os, "open", denied)
    status, err = check(capsys, path)
    assert status == 2
    assert err.startswith(f"{example.name}: cannot be read: permission denied; check that you may read the file")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_file_over_the_size_bound_is_refused(example, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(opening.LIMITS, "file_bytes", 1000)
    status, err = check(capsys, copy(example, tmp_path))
    assert status == 2 and re.match(rf"{example.name}: refused: the file is [\d,]+ bytes; an assumption "
                                    rf"workbook is at most 1,000\n", err), err


def _flip(path, member, at: float, out):
    """A copy of ``path`` with two bytes of ``member``'s compressed data inverted at fraction ``at``."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    k = start + int(info.compress_size * at)
    data[k] ^= 0xFF
    data[k + 1] ^= 0x55
    out.write_bytes(bytes(data))
    return out


def _broken_stream(path, member, out):
    """A copy whose ``member`` has its deflate stream's first byte set to 0xFF: a final block of type 3,
    which does not exist (zlib's Error -3, "invalid block type")."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)] = 0xFF
    out.write_bytes(bytes(data))
    return out


def _wrong_crc(path, member, out):
    """A copy whose ``member`` decompresses whole but to bytes whose CRC-32 is not the one its headers
    state (both headers' CRC fields inverted): the check a flipped bit inside a stored block meets."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    crc = struct.pack("<I", info.CRC)
    end = data.rindex(b"PK\x05\x06")   # the end record gives where the central directory starts
    central = struct.unpack("<I", data[end + 16:end + 20])[0]
    for at in (info.header_offset + 14, data.index(crc, central)):
        assert data[at:at + 4] == crc
        data[at:at + 4] = bytes(b ^ 0xFF for b in crc)
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_damaged_member_names_the_workbook(example, tmp_path, capsys):
    seen = set()
    for damage in (_broken_stream, _wrong_crc):
        status, err = check(capsys, damage(example, SHEET, tmp_path / example.name))
        assert status == 2 and err.startswith(f"{example.name}: the workbook is damaged ("), err
        seen.add("Error -3" if "Error -3" in err else "CRC" if "CRC" in err else err)
    for at in [i / 20 for i in range(1, 19)]:  # and flips anywhere in the stream: either, or nothing noticed
        status, err = check(capsys, _flip(example, SHEET, at, tmp_path / example.name))
        assert status in (0, 2), err
        if status == 2 and "damaged" in err:
            assert err.startswith(f"{example.name}: the workbook is damaged ("), err
    assert seen == {"Error -3", "CRC"}, seen


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_truncated_package_is_damaged(example, tmp_path, capsys):
    path = tmp_path / example.name
    path.write_bytes(example.read_bytes()[:-200])
    status, err = check(capsys, path)
    assert status == 2 and err.startswith(f"{example.name}: "), err


# -- formatting is not data ---------------------------------------------------------------------------
def _formatted(example, folder):
    """The example with a styled, empty cell at GR6000 and a dimension tag claiming A1:GR6000."""
    def add(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:GR6000"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="6000"><c r="GR6000" s="1"/></row></sheetData>')
    return rewrite(example, folder / example.name, SHEET, add)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_formatting_far_out_is_not_data(example, tmp_path, capsys):
    path = _formatted(example, tmp_path)
    assert b"GR6000" in zipfile.ZipFile(path).read(SHEET)
    assert check(capsys, path)[0] == 0
    before, after = run_file(example, ["base"]), run_file(path, ["base"])
    assert before.result.column("closing_cash", 0).tolist() == after.result.column("closing_cash", 0).tolist()


def test_formatted_rows_and_columns_written_by_a_spreadsheet_are_ignored(tmp_path, capsys):
    path = formatted_far(tmp_path)
    assert check(capsys, path)[0] == 0


# -- nothing ignored in silence -----------------------------------------------------------------------
def problems(path) -> list[str]:
    from cashcast.models.reading.workbook import read_workbook, validate
    return [str(p) for p in validate(read_workbook(path))]


def test_a_scenario_column_twice_names_both_cells(tmp_path):
    assert problems(BAD["scenario column twice"](tmp_path)) == [
        "twice.xlsx:Assumptions!L1: column 'up' appears twice, at K1 and L1; keep one"]


def test_an_undeclared_scenario_column_on_settings_is_an_error(tmp_path):
    """A column named after a declared scenario gives its settings (tests/test_settings_scenarios.py);
    any other is a problem that lists the scenarios."""
    assert problems(BAD["undeclared scenario column on the Settings sheet"](tmp_path)) == [
        "settings_col.xlsx:Settings!D1: unknown column 'bull' on the Settings sheet; valid columns: setting, value, "
        "notes, low, high, source and a column per scenario declared on the Scenarios sheet (up)"]


def test_an_unknown_column_on_scenarios_is_an_error(tmp_path):
    assert problems(BAD["unknown column on the Scenarios sheet"](tmp_path)) == [
        "scen_col.xlsx:Scenarios!C1: unknown column 'owner' on the Scenarios sheet; valid columns: scenario, "
        "description, source"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_duplicated_scenario_column_in_an_example(example, tmp_path):
    """The last scenario column of each example's Assumptions sheet (the one before the live check
    column) copied to the right of the sheet."""
    import openpyxl
    path = copy(example, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    last = max(c.column for c in ws[1] if c.value and not str(c.value).startswith("=IF("))
    right = ws.max_column + 1
    for r in range(1, ws.max_row + 1):
        ws.cell(r, right, ws.cell(r, last).value)
    wb.save(path)
    found = problems(path)
    assert len(found) == 1 and "appears twice" in found[0], found


# -- invisible and look-alike characters in names -----------------------------------------------------
def test_each_invisible_character_is_named_at_its_cell(tmp_path):
    found = problems(BAD["invisible characters in names"](tmp_path))
    expected = {
        "Assumptions!A2": "the block 'C\\u200bhatGPT Plus' contains U+200B ZERO WIDTH SPACE (an invisible character) "
                          "at position 2, after 'C'",
        "Assumptions!B3": "U+202E RIGHT-TO-LEFT OVERRIDE (an invisible character) at position 7, after 'subscr'",
        "Assumptions!E4": "the unit 'USD\\u00a0/month' contains U+00A0 NO-BREAK SPACE (an invisible character) at "
                          "position 4",
        "Assumptions!C5": "U+0009 CHARACTER TABULATION (an invisible character) at position 8",
        "Settings!A3": "the setting 'curr\\u0009ency' contains U+0009 CHARACTER TABULATION (an invisible character)",
        "Scenarios!A2": "the scenario name 'up\\u2060' contains U+2060 WORD JOINER (an invisible character) at "
                        "position 3, after 'up'",
    }
    for cell, words in expected.items():
        assert any(p.startswith(f"hidden.xlsx:{cell}: ") and words in p for p in found), (cell, found)
    assert not any("lacks the required parameter" in p for p in found), found


def test_a_look_alike_letter_is_named(tmp_path):
    found = problems(BAD["look-alike letter in a block name"](tmp_path))
    assert found == ["model.xlsx:Assumptions!A6: the block 'Rеnt' contains U+0435 CYRILLIC SMALL LETTER IE at "
                     "position 2, after 'R', a letter that looks like a Latin one inside a Latin word; retype it"]


@pytest.mark.parametrize("char", ["\u200b", "\u200f", "\u00a0", "\t", "\ufeff"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_an_invisible_character_in_an_example_block_name(example, char, tmp_path):
    import openpyxl
    path = copy(example, tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb["Assumptions"]["A3"]
    cell.value = cell.value[:1] + char + cell.value[1:]
    wb.save(path)
    found = problems(path)
    assert found and found[0].startswith(f"{example.name}:Assumptions!A3: the block ") and \
        f"U+{ord(char):04X}" in found[0] and "at position 2" in found[0], found


# -- every number finite or refused -------------------------------------------------------------------
def test_huge_values_are_refused_with_the_largest_that_works(tmp_path):
    assert problems(BAD["revenue of 1e308"](tmp_path)) == [
        "model.xlsx:Assumptions!D4: value 1e+308 is above the largest amount of money cashcast accepts, 1e+18; "
        "type at most 1e+18"]
    assert problems(BAD["opening cash of 1e308"](tmp_path)) == [
        "model.xlsx:Settings!B6: opening_cash 1e+308 is above the largest amount of money cashcast accepts, "
        "1e+18; type at most 1e+18"]
    (found,) = problems(BAD["growth of 1e300"](tmp_path))
    assert found.startswith("model.xlsx:Assumptions!D5: growth 1e+302%/year compounds past 1e+20×") and \
        "the largest growth that works here is 2.72134e+12%/year, the smallest -99.99%/year" in found, found


def test_nan_and_infinity_are_named(tmp_path):
    """openpyxl reads 1E400 as an infinity; a NaN cannot come through it from a file (it writes NaN as a
    blank), so the parser is asked directly."""
    from cashcast.models.reading.cells import parse_number
    assert problems(BAD["infinity in value cells"](tmp_path)) == [
        "nan2.xlsx:Assumptions!D2: a negative infinity where a number belongs; type a count such as 200",
        "nan2.xlsx:Assumptions!D4: an infinity where a number belongs; type an amount per month such as 20"]
    assert parse_number(float("nan"), "money") == (
        None, "NaN (not a number) where a number belongs; type an amount such as 1000000")


def test_the_largest_values_that_work_run_finite(tmp_path, make_workbook, capsys, recwarn):
    """Every bound at once, in one block per kind of product: the run ends 0 with finite figures."""
    from tests.helpers import row, settings
    top = dict(low=None, high=None)
    rows = [row("T", "training", "runs_per_year", 1e15, "runs"), row("T", "training", "gpus", 1e15, "GPUs"),
            row("T", "training", "months_per_run", 1200, "months"),
            row("T", "training", "gpu_month_price", 1e18, "EUR/GPU-month"),
            row("T", "training", "gpus.growth", 0.4725, "%/month"),
            row("H", "hardware", "units", 1e15, "GPUs"), row("H", "hardware", "unit_price", 1e18, "USD/GPU"),
            row("H", "hardware", "purchase_month", "2023-01", "date"),
            row("H", "hardware", "useful_life_months", 0.01, "months"),
            row("P", "subscription", "audience", 1e15, "users", **top),
            row("P", "subscription", "conversion", 1, "%"), row("P", "subscription", "price", 1e18, "USD/month"),
            row("P", "subscription", "price.growth", 0.4725, "%/month", low=-0.32, high=0.4725,
                distribution="normal")]
    path = make_workbook(rows, settings(horizon_months=120, opening_cash=1e18, discount_rate=-0.5, fx_EUR=1e6))
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--samples", "200"]) == 0, capsys.readouterr().err
    assert not [w for w in recwarn if "overflow" in str(w.message) or "invalid" in str(w.message)]
    import json
    kpis = json.loads((tmp_path / "o" / "model.json").read_text())
    assert "Infinity" not in json.dumps(kpis) and "NaN" not in json.dumps(kpis)
