"""Bad input: every problem is reported at once as WORKBOOK:SHEET!CELL, exit 2, nothing written."""
from __future__ import annotations

import hashlib
import zipfile

import pytest

from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD, GOOD, assumptions_with
from tests.helpers import problems_when_run, row


def one_problem(path, where: str, *words: str) -> str:
    """Exactly one problem, located at `where` (e.g. 'Assumptions!D3'), mentioning every word."""
    found = problems_when_run(path)
    assert len(found) == 1, found
    text = found[0]
    assert text.startswith(f"{path.name}:{where}: "), text
    for w in words:
        assert w in text, (w, text)
    return text


# -- cell-level problems --------------------------------------------------------------------------
def test_text_where_a_number_belongs(tmp_path):
    path = BAD["text where a number belongs"](tmp_path)
    one_problem(path, "Assumptions!D4", "text 'twenty' where a number belongs")


def test_blank_required_value_and_blank_block(tmp_path):
    path = BAD["blank value and blank block"](tmp_path)
    found = problems_when_run(path)
    assert any(p.startswith("model.xlsx:Assumptions!D3: the value is blank") for p in found), found
    assert any(p.startswith("model.xlsx:Assumptions!A5: the block is blank") for p in found), found


@pytest.mark.parametrize("value", [1.5, -0.01, "150%"])
def test_percentage_outside_0_to_100(tmp_path, value):
    path = BAD[f"percentage {value} outside 0..100%"](tmp_path)
    one_problem(path, "Assumptions!D3", "outside 0%–100%")


@pytest.mark.parametrize("param,unit", [("price", "USD/month"), ("audience", "visits/month")])
def test_negative_prices_and_counts(tmp_path, param, unit):
    where = {"audience": "D2", "price": "D4"}[param]
    one_problem(BAD[f"negative {param}"](tmp_path), f"Assumptions!{where}", "negative")


def test_negative_cost(tmp_path):
    path = BAD["negative cost"](tmp_path)
    one_problem(path, "Assumptions!D2", "negative")


def test_unknown_kind_lists_the_valid_ones(tmp_path):
    path = BAD["unknown kind"](tmp_path)
    text = one_problem(path, "Assumptions!B2", "unknown kind 'subscriptoin'")
    assert "subscription" in text and "funding" in text


def test_unknown_parameter_lists_the_valid_ones(tmp_path):
    path = BAD["unknown parameter"](tmp_path)
    one_problem(path, "Assumptions!C5", "unknown parameter 'prise'", "audience, conversion, price, churn")


def test_unknown_time_shape(tmp_path):
    path = BAD["unknown time shape"](tmp_path)
    one_problem(path, "Assumptions!C5", "unknown time shape '.grow'", ".growth")


def test_duplicate_rows(tmp_path):
    path = BAD["duplicate rows"](tmp_path)
    one_problem(path, "Assumptions!C5", "duplicate row", "already given at C4")


def test_dates_that_are_not_dates(tmp_path):
    path = BAD["date that is not a date"](tmp_path)
    one_problem(path, "Assumptions!D3", "'early 2023' is not a date")


def test_wrong_unit(tmp_path):
    path = BAD["wrong unit"](tmp_path)
    one_problem(path, "Assumptions!E4", "unit 'USD/week' does not fit", "USD/month (or USD/year, USD/day)")


def test_currency_without_exchange_rate(tmp_path):
    path = BAD["currency without exchange rate"](tmp_path)
    one_problem(path, "Assumptions!E4", "fx_EUR")


def test_a_rate_for_the_model_s_own_currency_is_a_problem_not_ignored(tmp_path):
    """fx_USD = 7.2 in a USD model: USD amounts are never converted, so the rate would be silently ignored
    (an analyst who switched the model from RMB to USD would think it applied)."""
    path = BAD["a rate for the model's own currency"](tmp_path)
    assert one_problem(path, "Settings!B7", "fx_USD") == (
        "model.xlsx:Settings!B7: fx_USD is a rate for USD, the model's own currency (currency on Settings), whose "
        "amounts are never converted, so it would be ignored; remove the row")


def test_missing_required_parameter_and_mixed_modes(tmp_path):
    path = BAD["missing required parameter and mixed modes"](tmp_path)
    found = problems_when_run(path)
    assert any(p.startswith("model.xlsx:Assumptions!C2:") and "'conversion'" in p for p in found), found
    assert any(p.startswith("model.xlsx:Assumptions!C4:") and "exactly one of" in p for p in found), found


def test_low_above_high_and_value_outside_range(tmp_path):
    path = BAD["low above high and value outside range"](tmp_path)
    found = problems_when_run(path)
    assert any(p.startswith("model.xlsx:Assumptions!D3:") and "outside low..high" in p for p in found)
    assert any(p.startswith("model.xlsx:Assumptions!F4:") and "above high" in p for p in found)


def test_formula_with_an_error(tmp_path):
    path = BAD["formula with an error"](tmp_path)
    found = problems_when_run(path)
    assert any(p.startswith("bad.xlsx:Assumptions!D2: the formula gives the error #DIV/0!") for p in found)


def test_formula_without_a_cached_value(tmp_path):
    path = BAD["formula without a cached value"](tmp_path)
    one_problem(path, "Assumptions!D4", "a formula without a calculated value")


def test_formula_with_a_cached_value_is_read(tmp_path):
    path = assumptions_with(tmp_path,
                            ["Plus", "subscription", "audience", ("=10^9", 1e9), "users"],
                            ["Plus", "subscription", "conversion", 0.01, "%"],
                            ["Plus", "subscription", "price", 20, "USD/month"])
    assert run_file(path).result.column("plus.revenue", 0)[0] == 200_000_000


def test_circular_reference_between_lines(tmp_path):
    path = BAD["circular reference"](tmp_path)
    text = one_problem(path, "Assumptions!D2", "circular reference")
    assert "plus.audience" in text and "plus.subscribers" in text


def test_link_to_unknown_block_or_line(tmp_path):
    found = problems_when_run(BAD["link to unknown block and unknown line"](tmp_path))
    # both links are reported in the same run: the unknown block and the unknown line of a known block
    assert found == ["model.xlsx:Assumptions!D5: link to unknown block 'Nope'; blocks: Plus, Serve, Serve2",
                     "model.xlsx:Assumptions!D7: block 'Plus' has no line 'viewers'; its lines: audience, "
                     "subscribers, gross_adds, revenue, arpu, gross_margin_per_payer"], found
    one_problem(BAD["link to unknown line"](tmp_path), "Assumptions!D5", "no line 'viewers'", "subscribers")


def test_link_to_a_money_line(tmp_path):
    one_problem(BAD["link to a money line"](tmp_path), "Assumptions!D5", "'Plus.revenue' is money, not a count")


def test_a_lognormal_low_of_0_is_bad_input(tmp_path):
    one_problem(BAD["lognormal with a low of 0"](tmp_path), "Assumptions!F4", "Plus.price",
                "lognormal distribution needs a low above 0")


def test_link_and_cell_problems_in_one_run(tmp_path):
    found = problems_when_run(BAD["link to unknown line and a bad cell"](tmp_path))
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Assumptions!D4", "model.xlsx:Assumptions!D5"], found
    assert "text 'twenty'" in found[0] and "no line 'viewers'" in found[1]


def test_cycle_and_cell_problems_in_one_run(tmp_path):
    found = problems_when_run(BAD["cycle and a bad cell"](tmp_path))
    assert found == ["model.xlsx:Assumptions!D5: value -5 is negative; prices, counts and costs are 0 or more",
                     "model.xlsx:Assumptions!D2: circular reference between lines: plus.audience → "
                     "plus.subscribers → plus.audience; a line cannot depend on itself in the same month"], found


def test_settings_links_cycles_and_distributions_in_one_run(tmp_path):
    found = problems_when_run(BAD["cycle, unknown line, lognormal and bad settings"](tmp_path))
    where = [p.split(": ")[0].split(":", 1)[1] for p in found]
    assert where == ["Settings!B3", "Assumptions!D5", "Assumptions!D2", "Assumptions!F3"], found
    assert ["1 to 600" in found[0], "no line 'viewers'" in found[1], "circular reference" in found[2],
            "lognormal" in found[3]] == [True] * 4, found


# -- sheet-level problems ---------------------------------------------------------------------------
def test_missing_sheet(tmp_path):
    path = BAD["missing sheet"](tmp_path)
    one_problem(path, "Settings!A1", "missing sheet 'Settings'")


def test_missing_columns(tmp_path):
    path = BAD["missing columns"](tmp_path)
    one_problem(path, "Assumptions!E1", "missing column(s) unit, low, high, source, notes")


def test_unknown_column_is_not_a_silent_scenario(tmp_path):
    path = BAD["unknown column"](tmp_path)
    one_problem(path, "Assumptions!K1", "unknown column 'upside'", "Scenarios sheet")


def test_scenario_override_is_checked(tmp_path):
    path = BAD["scenario override is checked"](tmp_path)
    one_problem(path, "Assumptions!K3", "text 'lots'")


def test_scenario_ranges_are_checked_cell_by_cell(tmp_path):
    path = BAD["scenario ranges are checked"](tmp_path)
    found = problems_when_run(path)
    expected = [("K3", "range 20%..15%: low 0.2 is above high 0.15"),
                ("L3", "range 10%..30%..20%: the middle figure 0.3 lies outside low..high"),
                ("M3", "range 5%..150%: '150%' 1.5 is outside 0%–100%"),
                ("N3", "range '1%..2%..3%..4%' is not low..high or low..mode..high (e.g. 15%..20%"),
                ("O3", "range 1%..lots: text 'lots' where a number belongs")]
    assert len(found) == len(expected), found
    for (cell, words), text in zip(expected, found):
        assert text.startswith(f"model.xlsx:Assumptions!{cell}: {words}"), (cell, text)


def test_a_scenario_range_is_checked_like_a_value(tmp_path):
    one_problem(BAD["a scenario range of growth compounds too far"](tmp_path), "Assumptions!K6",
                "growth 1e+14%/year compounds past")
    one_problem(BAD["a lognormal scenario range from zero"](tmp_path), "Assumptions!K3",
                "a lognormal distribution needs a low above 0")


def test_settings_unknown_missing_and_bad(tmp_path):
    path = BAD["settings unknown, missing and bad"](tmp_path)
    found = problems_when_run(path)
    assert any(p.startswith("model.xlsx:Settings!A") and "unknown setting 'horizn'" in p and "start_month" in p
               for p in found), found
    assert any(p.startswith("model.xlsx:Settings!B") and "1 to 600" in p for p in found), found
    assert any("required setting 'currency' is missing" in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path):
    path = BAD["every problem at once"](tmp_path)
    cells = sorted(p.split(":")[1] for p in problems_when_run(path))
    assert cells == ["Assumptions!B5", "Assumptions!D2", "Assumptions!D3", "Assumptions!D4"]


# -- file-level problems ----------------------------------------------------------------------------
def test_empty_file(tmp_path):
    path = BAD["empty file"](tmp_path)
    assert problems_when_run(path) == ["empty.xlsx: the file is empty; expected an .xlsx workbook"]


def test_not_an_xlsx(tmp_path):
    path = BAD["not an xlsx"](tmp_path)
    assert "not an .xlsx workbook" in problems_when_run(path)[0]


def test_encrypted_file(tmp_path):
    assert problems_when_run(BAD["encrypted"](tmp_path)) == [
        "locked.xlsx: the file is encrypted (password-protected) or a legacy .xls; save it as an unencrypted .xlsx"]


def test_xml_bomb_is_refused(tmp_path):
    text = problems_when_run(BAD["xml bomb"](tmp_path))[0]
    assert text.startswith("bomb.xlsx: refused") and "entities" in text


def test_zip_bomb_is_refused(tmp_path):
    assert "zip bomb" in problems_when_run(BAD["zip bomb"](tmp_path))[0]


def test_values_past_the_row_limit_are_refused_whatever_the_dimension_tag(tmp_path):
    path = BAD["absurd dimensions with a value beyond"](tmp_path)
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert problems_when_run(path) == ["huge.xlsx:Assumptions!A5005: a value in row 5,005; at most 5,000 rows are "
                                 "read (an assumption sheet is shorter); delete the rows below"]


def test_values_past_the_column_limit_are_refused(tmp_path):
    assert problems_when_run(BAD["a value past the column limit"](tmp_path)) == [
        "wide.xlsx:Assumptions!BN2: a value in column BN; at most 60 columns are read; delete the columns to "
        "the right"]


# -- the command line -------------------------------------------------------------------------------
def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["run", "check"])
def test_cli_exit_2_lists_every_problem_writes_nothing_touches_nothing(tmp_path, capsys, command):
    path = BAD["two bad cells"](tmp_path)
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
    assert main(["check", str(BAD["missing file"](tmp_path))]) == 2
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
