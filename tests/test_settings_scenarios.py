"""Settings by scenario (issue 10, part 2): a column per scenario on the Settings sheet changes opening
cash, minimum cash, discount rate or working-capital days in that scenario; ``low``/``high`` give a
range; ``solve`` and the sensitivity vary them as ``settings.<name>``."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from cashcast.models.analysis.distributions import uncertain_rows
from cashcast.models.analysis.pipeline import compute, solve_target
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.specs import BOUNDS
from cashcast.models.reading.workbook import load_workbook
from tests.bad_workbooks import HEADER, raw_workbook

ROWS = [HEADER, ["Team", "opex", "monthly_amount", 100, "USD/month"]]
SCENARIOS = [["scenario", "description"], ["lean", "less cash"], ["rich", ""]]


def workbook(tmp_path, extra_header=(), rows=None, name="s.xlsx"):
    """Opex of 100 a month over 24 months from January 2023; opening cash 1,000 (lean: 500)."""
    header = ["setting", "value", "notes", *extra_header]
    settings = rows or [["start_month", dt.date(2023, 1, 1)], ["horizon_months", 24], ["currency", "USD"],
                        ["discount_rate", 0.1, "", 0.2], ["opening_cash", 1000, "", 500, None, 200, 3000],
                        ["minimum_cash", 0, "", 100]]
    return raw_workbook(tmp_path / name, {"Assumptions": ROWS, "Settings": [header, *settings],
                                          "Scenarios": SCENARIOS})


def test_a_scenario_column_changes_the_settings_in_that_scenario(tmp_path):
    path = workbook(tmp_path, ("lean", "rich", "low", "high"))
    run = run_file(path)
    cash = {name: run.result["closing_cash"][:, j] for j, name in enumerate(run.scenarios)}
    assert cash["base"][0] == 900 and cash["lean"][0] == 400 and cash["rich"][0] == 900
    # lean: 500 − 100 a month closes at 0 in month 4 (May 2023), below its floor of 100; base at −100 in month 10
    out = {name: run.kpis["cash_out_month"][j] for j, name in enumerate(run.scenarios)}
    assert out["base"] == 10 and out["lean"] == 4 and out["rich"] == 10
    # the lean discount rate is 20% a year: its NPV of −100 a month is less negative than base's
    npv = run.kpis["npv"]
    assert npv[1] > npv[0] and npv[2] == npv[0]
    m = (1.2) ** (1 / 12) - 1
    assert npv[1] == pytest.approx(-100 * sum((1 + m) ** -t for t in range(24)), rel=1e-12)


def test_a_ranged_setting_is_uncertain_and_a_discount_rate_is_drawn_within_its_bounds(tmp_path):
    """A discount rate with a low and a high is drawn between them and never outside the rates a
    discount rate may take (-50% to 1,000% a year); opening cash has no bounds of its own beyond money's."""
    rows = [["start_month", dt.date(2023, 1, 1)], ["horizon_months", 24], ["currency", "USD"],
            ["discount_rate", 0.1, "", 0.2, None, 0.05, 0.3], ["opening_cash", 1000, "", 500, None, 200, 3000]]
    wb = load_workbook(workbook(tmp_path, ("lean", "rich", "low", "high"), rows))
    cash, rate = uncertain_rows(wb, "rich")   # in the order of the settings that may vary
    assert (rate.key, rate.low, rate.mode, rate.high, rate.domain) == (
        "settings__discount_rate", 0.05, 0.1, 0.3, BOUNDS["discount_rate"]) and BOUNDS["discount_rate"] == (-0.5, 10.0)
    assert (cash.key, cash.low, cash.mode, cash.high, cash.domain) == ("settings__opening_cash", 200, 1000, 3000, None)
    assert uncertain_rows(wb, "lean") == []   # both fixed by the lean column


def test_only_the_scenario_settings_may_have_a_scenario_value(tmp_path):
    rows = [["start_month", dt.date(2023, 1, 1), "", dt.date(2024, 1, 1)], ["currency", "USD"],
            ["discount_rate", 0.1], ["opening_cash", 1000, "", "lots"]]
    path = workbook(tmp_path, ("lean",), rows)
    with pytest.raises(InputError) as err:
        load_workbook(path)
    texts = [str(p) for p in err.value.problems]
    assert any("Settings!D2: setting 'start_month' cannot differ by scenario" in t for t in texts), texts
    assert any("Settings!D5:" in t for t in texts), texts


def test_an_undeclared_column_on_the_settings_sheet_is_a_problem(tmp_path):
    path = workbook(tmp_path, ("bull",), [["start_month", dt.date(2023, 1, 1)], ["currency", "USD"],
                                          ["discount_rate", 0.1], ["opening_cash", 1000, "", 5]])
    with pytest.raises(InputError) as err:
        load_workbook(path)
    assert "unknown column 'bull'" in str(err.value) and "lean, rich" in str(err.value)


def test_a_value_outside_its_low_and_high_is_a_problem(tmp_path):
    rows = [["start_month", dt.date(2023, 1, 1)], ["currency", "USD"], ["discount_rate", 0.1],
            ["opening_cash", 1000, "", 2000, 3000]]
    with pytest.raises(InputError, match="outside its low..high"):
        load_workbook(workbook(tmp_path, ("low", "high"), rows))


def test_solve_varies_the_opening_cash(tmp_path):
    """Burning 100 a month with no floor, cash lasts the 24 months with an opening cash of 2,400."""
    path = workbook(tmp_path, ("lean", "rich", "low", "high"))
    solved = solve_target(path, "settings.opening_cash", "cash_out_month=never", "rich",
                          ("0", "10000"))
    assert solved.solution.value == pytest.approx(2400, abs=1)


def test_the_sensitivity_varies_a_setting_with_a_range(tmp_path):
    path = workbook(tmp_path, ("lean", "rich", "low", "high"))
    outcome = compute(path, samples=200, seed=1)
    bars = {b.parameter: b for b in outcome.analysis.tornado.bars}
    assert "settings.opening_cash" in bars
    bar = bars["settings.opening_cash"]
    assert (bar.low, bar.high) == (200, 3000)
    varied = outcome.analysis.simulation.varied
    assert any("opening_cash" in str(v) for v in varied)


def test_excel_assumptions_hold_the_settings_scenario_values(tmp_path):
    from cashcast.reports.excel.layout import input_rows
    wb = load_workbook(workbook(tmp_path, ("lean", "rich", "low", "high")))
    rows = {r.parameter: r for r in input_rows(wb) if r.block == "Settings"}
    assert rows["opening_cash"].value("lean") == 500 and rows["opening_cash"].value("rich") == 1000
    assert rows["minimum_cash"].value("lean") == 100 and rows["minimum_cash"].value("base") == 0
    assert np.isclose(rows["discount_rate"].value("lean"), 0.2)


# -- each scenario's settings in the outputs -------------------------------------------------------------
BY_SCENARIO = [["start_month", dt.date(2023, 1, 1)], ["horizon_months", 24], ["currency", "USD"],
               ["discount_rate", 0.1, "", 0.2], ["opening_cash", 1000, "", 500], ["minimum_cash", 0, "", 100],
               ["payable_days", 0, "", None, 15]]


@pytest.fixture
def by_scenario(tmp_path):
    """lean: opening cash 500, a floor of 100, 20% a year; rich: 15 payable days; base: as typed."""
    from cashcast.models.analysis.outcome import Outcome
    return Outcome(run_file(workbook(tmp_path, ("lean", "rich"), BY_SCENARIO)))


def test_the_json_gives_each_scenario_its_own_settings_and_the_base_at_the_top(by_scenario):
    import json

    from cashcast.reports.outputs import json_text
    data = json.loads(json_text(by_scenario))
    assert [data[k] for k in ("opening_cash", "minimum_cash", "discount_rate", "receivable_days", "payable_days")] \
        == [1000, 0, 0.1, 0, 0]
    got = {name: s["settings"] for name, s in data["scenarios"].items()}
    assert got == {
        "base": {"opening_cash": 1000, "minimum_cash": 0, "discount_rate": 0.1, "receivable_days": 0, "payable_days": 0},
        "lean": {"opening_cash": 500, "minimum_cash": 100, "discount_rate": 0.2, "receivable_days": 0, "payable_days": 0},
        "rich": {"opening_cash": 1000, "minimum_cash": 0, "discount_rate": 0.1, "receivable_days": 0, "payable_days": 15},
    }
    # and the figures use them: rich owes 100 × 15 ÷ 31 of January's opex at its end, so keeps 48.39 more
    cash = {name: s["annual"]["lines"]["closing_cash"][0] for name, s in data["scenarios"].items()}
    january = by_scenario.run.result["closing_cash"][0]
    assert list(january) == pytest.approx([900, 400, 948.39], abs=0.005)
    assert cash["base"] == pytest.approx(1000 - 1200, abs=0.005)   # no payables at a December's end either
    assert cash["rich"] == pytest.approx(1000 - 1200 + 100 * 15 / 31, abs=0.005)


def test_the_html_shows_the_settings_of_each_scenario_that_changes_one(by_scenario):
    from cashcast.reports.html.page import html_report
    from tests.test_html_report import text_of
    page = html_report(by_scenario)
    table = page[page.index('<table class="settings">'):]
    table = table[:table.index("</table>")]
    header = table[:table.index("</thead>")]
    assert [h for h in ("lean", "rich") if f'class="scenario-setting">{h}</th>' in header] == ["lean", "rich"]

    def cells(setting):
        tr = table[table.index(f'<tr data-setting="{setting}">'):]
        return [c.split(">", 1)[1] for c in tr[:tr.index("</tr>")].split("<td")[1:-1]]
    assert cells("opening_cash") == ["$1K</td>", "<strong>$500</strong></td>", "$1K</td>"]
    assert cells("discount_rate") == ["10.0% a year</td>", "<strong>20.0% a year</strong></td>", "10.0% a year</td>"]
    assert cells("minimum_cash") == ["none</td>", "<strong>$100</strong></td>", "none</td>"]
    assert cells("payable_days") == ["0 days</td>", "0 days</td>", "<strong>15 days</strong></td>"]
    assert cells("start_month") == ["Jan 2023</td>", "</td>", "</td>"]   # the same in every scenario
    text = text_of(page)
    assert ("Settings in this scenario: opening_cash $500 (base $1K); minimum_cash $100 (base none); "
            "discount_rate 20.0% a year (base 10.0% a year).") in text
    assert "Settings in this scenario: payable_days 15 days (base 0 days)." in text
    # lean's answer and cards use lean's floor and discount rate, base's its own
    assert "lean: cash falls below the $100 minimum in May 2023" in text
    assert "Base case: cash runs out in Nov 2023" in text
    assert "operating cash flows at 20.0% a year" in text and "operating cash flows at 10.0% a year" in text
