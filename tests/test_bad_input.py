"""Bad input: every problem is reported at once as WORKBOOK:SHEET!CELL, exit 2, nothing written."""
from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import openpyxl
import pytest
import xlsxwriter

from cashcast.models.reading.problems import InputError
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.cli.main import main
from tests.helpers import row, settings

GOOD = [
    row("Plus", "subscription", "audience", 1e9, "visits/month"),
    row("Plus", "subscription", "conversion", 0.01, "%"),
    row("Plus", "subscription", "price", 20, "USD/month"),
]


def problems_of(path) -> list[str]:
    with pytest.raises(InputError) as info:
        run_file(path)
    return [str(p) for p in info.value.problems]


def one_problem(path, where: str, *words: str) -> str:
    """Exactly one problem, located at `where` (e.g. 'Assumptions!D3'), mentioning every word."""
    found = problems_of(path)
    assert len(found) == 1, found
    text = found[0]
    assert text.startswith(f"{path.name}:{where}: "), text
    for w in words:
        assert w in text, (w, text)
    return text


def raw_workbook(path, sheets: dict[str, list[list]]):
    """Write sheets cell by cell; a ('=FORMULA', cached) tuple is a formula with a cached value."""
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                if isinstance(v, tuple):
                    ws.write_formula(r, c, v[0], None, v[1])
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day),
                                      wb.add_format({"num_format": "yyyy-mm-dd"}))
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return path


HEADER = ["block", "kind", "parameter", "value", "unit", "low", "high", "distribution", "source", "notes"]
SETTINGS_ROWS = [["setting", "value", "notes"], ["start_month", dt.date(2023, 1, 1)], ["currency", "USD"],
                 ["discount_rate", 0.1], ["opening_cash", 1000]]


def assumptions_with(tmp_path, *rows, name="bad.xlsx"):
    return raw_workbook(tmp_path / name, {"Assumptions": [HEADER, *rows], "Settings": SETTINGS_ROWS})


# -- cell-level problems --------------------------------------------------------------------------
def test_text_where_a_number_belongs(make_workbook):
    path = make_workbook([GOOD[0], GOOD[1], row("Plus", "subscription", "price", "twenty", "USD/month")])
    one_problem(path, "Assumptions!D4", "text 'twenty' where a number belongs")


def test_blank_required_value_and_blank_block(make_workbook):
    path = make_workbook([GOOD[0], row("Plus", "subscription", "conversion", None, "%"), GOOD[2],
                          row("", "opex", "monthly_amount", 5, "USD/month")])
    found = problems_of(path)
    assert any(p.startswith("model.xlsx:Assumptions!D3: the value is blank") for p in found), found
    assert any(p.startswith("model.xlsx:Assumptions!A5: the block is blank") for p in found), found


@pytest.mark.parametrize("value", [1.5, -0.01, "150%"])
def test_percentage_outside_0_to_100(make_workbook, value):
    path = make_workbook([GOOD[0], row("Plus", "subscription", "conversion", value, "%"), GOOD[2]])
    one_problem(path, "Assumptions!D3", "outside 0%–100%")


@pytest.mark.parametrize("param,unit", [("price", "USD/month"), ("audience", "visits/month")])
def test_negative_prices_and_counts(make_workbook, param, unit):
    rows = [row("Plus", "subscription", r.parameter, -5 if r.parameter == param else r.value, r.unit)
            for r in GOOD]
    where = {"audience": "D2", "price": "D4"}[param]
    one_problem(make_workbook(rows), f"Assumptions!{where}", "negative")


def test_negative_cost(make_workbook):
    path = make_workbook([row("Serve", "inference", "cost_per_day", -700_000, "USD/day")])
    one_problem(path, "Assumptions!D2", "negative")


def test_unknown_kind_lists_the_valid_ones(make_workbook):
    path = make_workbook([row("Plus", "subscriptoin", "price", 20, "USD/month")])
    text = one_problem(path, "Assumptions!B2", "unknown kind 'subscriptoin'")
    assert "subscription" in text and "funding" in text


def test_unknown_parameter_lists_the_valid_ones(make_workbook):
    path = make_workbook(GOOD + [row("Plus", "subscription", "prise", 20, "USD/month")])
    one_problem(path, "Assumptions!C5", "unknown parameter 'prise'", "audience, conversion, price, churn")


def test_unknown_time_shape(make_workbook):
    path = make_workbook(GOOD + [row("Plus", "subscription", "audience.grow", 0.1, "%/year")])
    one_problem(path, "Assumptions!C5", "unknown time shape '.grow'", ".growth")


def test_duplicate_rows(make_workbook):
    path = make_workbook(GOOD + [row("Plus", "subscription", "price", 25, "USD/month")])
    one_problem(path, "Assumptions!C5", "duplicate row", "Assumptions!C4" if False else "C4")


def test_dates_that_are_not_dates(make_workbook):
    path = make_workbook([row("MS", "funding", "amount", 10e9, "USD"),
                          row("MS", "funding", "month", "early 2023", "date")])
    one_problem(path, "Assumptions!D3", "'early 2023' is not a date")


def test_wrong_unit(make_workbook):
    path = make_workbook([GOOD[0], GOOD[1], row("Plus", "subscription", "price", 20, "USD/year")])
    one_problem(path, "Assumptions!E4", "unit 'USD/year' does not fit", "USD/month")


def test_currency_without_exchange_rate(make_workbook):
    path = make_workbook([GOOD[0], GOOD[1], row("Plus", "subscription", "price", 20, "EUR/month")])
    one_problem(path, "Assumptions!E4", "fx_EUR")


def test_missing_required_parameter_and_mixed_modes(make_workbook):
    path = make_workbook([GOOD[0], GOOD[2],
                          row("Serve", "inference", "cost_per_day", 1, "USD/day"),
                          row("Serve", "inference", "servers", 1, "servers")])
    found = problems_of(path)
    assert any(p.startswith("model.xlsx:Assumptions!C2:") and "'conversion'" in p for p in found), found
    assert any(p.startswith("model.xlsx:Assumptions!C4:") and "exactly one of" in p for p in found), found


def test_low_above_high_and_value_outside_range(make_workbook):
    path = make_workbook([GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", low=0.02, high=0.05),
                          row("Plus", "subscription", "price", 20, "USD/month", low=30, high=10)])
    found = problems_of(path)
    assert any(p.startswith("model.xlsx:Assumptions!D3:") and "outside low..high" in p for p in found)
    assert any(p.startswith("model.xlsx:Assumptions!F4:") and "above high" in p for p in found)


def test_formula_with_an_error(tmp_path):
    path = assumptions_with(tmp_path,
                            ["Plus", "subscription", "audience", ("=1/0", "#DIV/0!"), "users"],
                            ["Plus", "subscription", "conversion", 0.01, "%"],
                            ["Plus", "subscription", "price", 20, "USD/month"])
    found = problems_of(path)
    assert any(p.startswith("bad.xlsx:Assumptions!D2: the formula gives the error #DIV/0!") for p in found)


def test_formula_without_a_cached_value(tmp_path, make_workbook):
    path = make_workbook(GOOD)
    wb = openpyxl.load_workbook(path)
    wb["Assumptions"]["D4"] = "=10*2"  # openpyxl stores no calculated value
    wb.save(path)
    one_problem(path, "Assumptions!D4", "a formula without a calculated value")


def test_formula_with_a_cached_value_is_read(tmp_path):
    path = assumptions_with(tmp_path,
                            ["Plus", "subscription", "audience", ("=10^9", 1e9), "users"],
                            ["Plus", "subscription", "conversion", 0.01, "%"],
                            ["Plus", "subscription", "price", 20, "USD/month"])
    assert run_file(path).result.column("plus.revenue", 0)[0] == 200_000_000


def test_circular_reference_between_lines(make_workbook):
    path = make_workbook([row("Plus", "subscription", "audience", "line: Plus.subscribers", "users"),
                          GOOD[1], GOOD[2]])
    text = one_problem(path, "Assumptions!D2", "circular reference")
    assert "plus.audience" in text and "plus.subscribers" in text


def test_link_to_unknown_block_or_line(make_workbook):
    path = make_workbook(GOOD + [row("Serve", "inference", "active_users", "line: Nope.audience", "users"),
                                 row("Serve", "inference", "cost_per_user", 1, "USD/user/month"),
                                 row("Serve2", "inference", "active_users", "line: Plus.viewers", "users"),
                                 row("Serve2", "inference", "cost_per_user", 1, "USD/user/month")])
    found = problems_of(path)
    assert any(p.startswith("model.xlsx:Assumptions!D5: link to unknown block 'Nope'") for p in found), found
    # the unknown line is reported once the blocks are known (a second stage)
    path2 = make_workbook(GOOD + [row("Serve2", "inference", "active_users", "line: Plus.viewers", "users"),
                                  row("Serve2", "inference", "cost_per_user", 1, "USD/user/month")], name="m2.xlsx")
    one_problem(path2, "Assumptions!D5", "no line 'viewers'", "subscribers")


# -- sheet-level problems ---------------------------------------------------------------------------
def test_missing_sheet(tmp_path):
    path = raw_workbook(tmp_path / "nosettings.xlsx", {"Assumptions": [HEADER, ["A", "opex", "monthly_amount", 1, "USD/month"]]})
    one_problem(path, "Settings!A1", "missing sheet 'Settings'")


def test_missing_columns(tmp_path):
    path = raw_workbook(tmp_path / "cols.xlsx", {"Assumptions": [HEADER[:4], ["A", "opex", "monthly_amount", 1]],
                                                 "Settings": SETTINGS_ROWS})
    one_problem(path, "Assumptions!E1", "missing column(s) unit, low, high, source, notes")


def test_unknown_column_is_not_a_silent_scenario(make_workbook, tmp_path):
    path = raw_workbook(tmp_path / "col.xlsx", {"Assumptions": [HEADER + ["upside"], ["A", "opex", "monthly_amount", 1, "USD/month"]],
                                                "Settings": SETTINGS_ROWS})
    one_problem(path, "Assumptions!K1", "unknown column 'upside'", "Scenarios sheet")


def test_scenario_override_is_checked(make_workbook):
    rows = [GOOD[0], row("Plus", "subscription", "conversion", 0.01, "%", overrides={"up": "lots"}), GOOD[2]]
    path = make_workbook(rows, scenarios=[("base", ""), ("up", "more")])
    one_problem(path, "Assumptions!K3", "text 'lots'")


def test_settings_unknown_missing_and_bad(make_workbook):
    path = make_workbook(GOOD, settings(currency=None, horizn=12, horizon_months=0))
    found = problems_of(path)
    assert any(p.startswith("model.xlsx:Settings!A") and "unknown setting 'horizn'" in p and "start_month" in p
               for p in found), found
    assert any(p.startswith("model.xlsx:Settings!B") and "1 to 600" in p for p in found), found
    assert any("required setting 'currency' is missing" in p for p in found), found


def test_every_problem_is_reported_at_once(make_workbook):
    path = make_workbook([row("Plus", "subscription", "audience", "many", "users"),
                          row("Plus", "subscription", "conversion", 2, "%"),
                          row("Plus", "subscription", "price", -1, "USD/month"),
                          row("MS", "fundng", "amount", 1, "USD")])
    cells = sorted(p.split(":")[1] for p in problems_of(path))
    assert cells == ["Assumptions!B5", "Assumptions!D2", "Assumptions!D3", "Assumptions!D4"]


# -- file-level problems ----------------------------------------------------------------------------
def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert problems_of(path) == ["empty.xlsx: the file is empty; expected an .xlsx workbook"]


def test_not_an_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("block,kind\n")
    assert "not an .xlsx workbook" in problems_of(path)[0]


def test_encrypted_file(tmp_path, make_workbook):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_workbook(GOOD)
    path = tmp_path / "locked.xlsx"
    with open(plain, "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)  # a real password-protected workbook, as Excel writes
    assert problems_of(path) == ["locked.xlsx: the file is encrypted (password-protected) or a legacy "
                                 ".xls; save it as an unencrypted .xlsx"]


def _rewrite(src, dst, member, transform):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, transform(data) if info.filename == member else data)
    return dst


def test_xml_bomb_is_refused(tmp_path, make_workbook):
    good = make_workbook(GOOD)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "&lol%s;&lol%s;&lol%s;&lol%s;">' % (i, b"" if i == 1 else str(i - 1).encode(),
                                                                                 b"" if i == 1 else str(i - 1).encode(),
                                                                                 b"" if i == 1 else str(i - 1).encode(),
                                                                                 b"" if i == 1 else str(i - 1).encode())
                       for i in range(1, 10)) + b"]>")
    path = _rewrite(good, tmp_path / "bomb.xlsx", "xl/sharedStrings.xml",
                    lambda d: bomb + d.split(b"?>", 1)[1])
    text = problems_of(path)[0]
    assert text.startswith("bomb.xlsx: refused") and "entities" in text


def test_zip_bomb_is_refused(tmp_path, make_workbook):
    good = make_workbook(GOOD)
    path = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    assert "zip bomb" in problems_of(path)[0]


def test_absurd_dimensions_are_refused(tmp_path, make_workbook):
    good = make_workbook(GOOD)
    path = _rewrite(good, tmp_path / "huge.xlsx", "xl/worksheets/sheet1.xml",
                    lambda d: d.replace(b'<dimension ref="A1:J4"/>', b'<dimension ref="A1:XFD1048576"/>'))
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    found = problems_of(path)
    assert any(p.startswith("huge.xlsx:Assumptions!A1:") and "1,048,576 rows" in p for p in found), found


# -- the command line -------------------------------------------------------------------------------
def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["run", "check"])
def test_cli_exit_2_lists_every_problem_writes_nothing_touches_nothing(make_workbook, tmp_path, capsys, command):
    path = make_workbook([row("Plus", "subscription", "audience", "many", "users"),
                          row("Plus", "subscription", "conversion", 2, "%"),
                          row("Plus", "subscription", "price", 20, "USD/month")])
    before, mtime = _digest(path), path.stat().st_mtime_ns
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("earlier report")
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "model.xlsx:Assumptions!D2: text 'many'" in err and "model.xlsx:Assumptions!D3:" in err
    assert sorted(p.name for p in out.iterdir()) == ["model.json"]
    assert (out / "model.json").read_text() == "earlier report"
    assert _digest(path) == before and path.stat().st_mtime_ns == mtime


def test_cli_missing_file_is_bad_input(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.xlsx")]) == 2
    assert "nope.xlsx: no such file" in capsys.readouterr().err


def test_cli_unknown_scenario_is_bad_input(make_workbook, tmp_path, capsys):
    path = make_workbook(GOOD)
    assert main(["run", str(path), "--out", str(tmp_path / "o"), "--scenario", "upside"]) == 2
    assert "no scenario named 'upside'; valid: base" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_formula_text_in_a_label_stays_text(make_workbook):
    path = make_workbook([row("=HYPERLINK(\"http://x\")", "opex", "monthly_amount", 5, "USD/month",
                              notes="=1+1", source="@SUM(A1)")])
    run = run_file(path)
    r = run.workbook.rows[0]
    assert (r.block, r.notes, r.source) == ('=HYPERLINK("http://x")', "=1+1", "@SUM(A1)")
