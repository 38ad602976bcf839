"""Warnings (issue 10, part 5): valid input that is probably mistyped is reported like an error, with
``WORKBOOK:SHEET!CELL``, listed under ``warnings`` in the JSON; the command exits 0, or 2 under
``--strict``; ``check`` and ``run`` print the same warnings."""
from __future__ import annotations

import json

import pytest

from cashcast.models.kinds import KINDS
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from tests.bad_workbooks import GOOD, model
from tests.helpers import EXAMPLES, row, settings

PLUS = [r for r in GOOD if r.parameter != "conversion"]


def warnings_of(path) -> list[str]:
    return [str(w) for w in load_workbook(path).warnings]


def test_the_examples_have_no_warnings():
    for path in EXAMPLES:
        assert load_workbook(path).warnings == [], path.name


def test_conversion_typed_as_a_number_names_both_readings(tmp_path):
    path = model(tmp_path, PLUS + [row("Plus", "subscription", "conversion", 0.21, "%")])
    [text] = warnings_of(path)
    assert text.startswith("model.xlsx:Assumptions!D")
    assert ": warning: Plus.conversion reads as 21% (0.21 typed as a fraction)" in text
    assert "up to 10%" in text and "if 0.21% was meant, type 0.21%" in text


def test_a_plausible_conversion_and_churn_are_quiet(tmp_path):
    path = model(tmp_path, PLUS + [row("Plus", "subscription", "conversion", 0.1, "%"),
                                   row("Plus", "subscription", "churn", 0.3, "%")])
    assert warnings_of(path) == []


def test_churn_above_30_percent_a_month(tmp_path):
    """45% is past 30%, and 0.45% would be plausible: both readings are named."""
    path = model(tmp_path, GOOD + [row("Plus", "subscription", "churn", 0.45, "%")])
    [text] = warnings_of(path)
    assert "Plus.churn reads as 45%" in text and "up to 30%" in text and "if 0.45% was meant" in text


def test_a_scenario_value_is_checked_at_its_own_cell(tmp_path):
    path = model(tmp_path, PLUS + [row("Plus", "subscription", "conversion", 0.01, "%",
                                       overrides={"bull": 0.5})], scenarios=[("bull", "")])
    [text] = warnings_of(path)
    assert "reads as 50%" in text
    wb = load_workbook(path)
    cell = wb.warnings[0].cell
    conv = next(r for r in wb.rows if r.parameter == "conversion")
    assert cell == conv.cells["scenario:bull"] != conv.cells["value"]


def test_growth_typed_30_for_30_percent(tmp_path):
    path = model(tmp_path, GOOD + [row("Plus", "subscription", "audience.growth", 30, "%/year")])
    [text] = warnings_of(path)
    assert "Plus.audience.growth: growth reads as 3,000% a year (30 typed as a fraction)" in text
    assert "from -90% to 300% a year" in text and "if 30% was meant, type 30%" in text


def test_monthly_growth_is_judged_compounded_to_a_year(tmp_path):
    """15%/month is 435% a year: implausible; 10%/month (214% a year) is not."""
    high = model(tmp_path, GOOD + [row("Plus", "subscription", "audience.growth", 0.15, "%/month")], name="a.xlsx")
    ok = model(tmp_path, GOOD + [row("Plus", "subscription", "audience.growth", 0.10, "%/month")], name="b.xlsx")
    [text] = warnings_of(high)
    assert "compounded: 435" in text
    assert warnings_of(ok) == []


def test_years_outside_the_horizon(tmp_path):
    """The horizon is 2023–2024 (24 months from January 2023)."""
    path = model(tmp_path, GOOD + [row("Plus", "subscription", "price@2020", 25, "USD/month"),
                                   row("Plus", "subscription", "price@2024", 25, "USD/month"),
                                   row("Plus", "subscription", "price@2030", 30, "USD/month")])
    texts = warnings_of(path)
    assert len(texts) == 2, texts
    assert "Plus.price@2020: 2020 is outside the horizon (2023–2024): it replaces the plain row" in texts[0]
    assert "Plus.price@2030: 2030 is outside the horizon (2023–2024): it changes nothing" in texts[1]


def test_a_block_zero_over_the_horizon(tmp_path):
    path = model(tmp_path, GOOD + [row("Later", "opex", "monthly_amount", 1000, "USD/month"),
                                   row("Later", "opex", "start_month", "2030-01", "date")])
    [text] = warnings_of(path)
    assert "block 'Later' (opex) is zero in every month of the horizon in every scenario" in text


def test_a_block_zero_in_base_but_not_in_a_scenario_is_quiet(tmp_path):
    path = model(tmp_path, GOOD + [row("Ads", "opex", "monthly_amount", 0, "USD/month",
                                       overrides={"ads": 1000})], scenarios=[("ads", "")])
    assert warnings_of(path) == []


def test_ranges_are_stated_in_the_specs():
    sub = KINDS["subscription"]
    assert sub.param("conversion").plausible == (None, 0.10)
    assert sub.param("churn").plausible == (None, 0.30)
    assert "plausible: up to 10%" in sub.param("conversion").plausible_doc()


def _mistyped(tmp_path):
    return model(tmp_path, PLUS + [row("Plus", "subscription", "conversion", 0.21, "%")])


def test_check_and_run_print_the_same_warning_and_exit_0(tmp_path, capsys):
    path = _mistyped(tmp_path)
    assert main(["check", str(path)]) == 0
    checked = capsys.readouterr()
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "0"]) == 0
    ran = capsys.readouterr()
    warned = [ln for ln in checked.err.splitlines() if ": warning: " in ln]
    assert len(warned) == 1 and warned == [ln for ln in ran.err.splitlines() if ": warning: " in ln]
    assert "1 warning(s)" in checked.out
    data = json.loads((tmp_path / "out" / "model.json").read_text())
    assert [w["text"] for w in data["warnings"]] == warned
    assert data["warnings"][0]["sheet"] == "Assumptions"


@pytest.mark.parametrize("command", ["check", "run"])
def test_strict_makes_warnings_errors(tmp_path, capsys, command):
    path = _mistyped(tmp_path)
    out = tmp_path / "out"
    extra = ["--out", str(out), "--samples", "0"] if command == "run" else []
    assert main([command, str(path), "--strict", *extra]) == 2
    err = capsys.readouterr().err.splitlines()
    assert ": warning: Plus.conversion reads as 21%" in err[0]
    assert err[-1] == "1 problem(s); nothing was written."
    assert not out.exists()
    with pytest.raises(InputError):
        load_workbook(path, strict=True)


def test_the_examples_json_lists_no_warnings(tmp_path):
    assert main(["run", str(EXAMPLES[0]), "--out", str(tmp_path), "--samples", "0"]) == 0
    assert json.loads((tmp_path / f"{EXAMPLES[0].stem}.json").read_text())["warnings"] == []


def test_one_reading_only_when_the_percent_reading_is_implausible_too():
    from cashcast.models.reading.warning_checks import percent_message
    text = percent_message("growth", 500, (-0.9, 3.0), " a year")
    assert "reads as 50,000% a year" in text and "was meant" not in text
    assert "was meant" in percent_message("growth", 50, (-0.9, 3.0), " a year")


def test_settings_helper_is_valid(tmp_path):
    """The workbooks above differ from a quiet one only in the row under test."""
    assert warnings_of(model(tmp_path, GOOD, settings())) == []
