"""The Python API (``cashcast.load``, ``cashcast.run`` → Result): pandas objects with figures worked
out by hand, the CLI's files byte for byte, one exception carrying every problem, a cheap import,
and the README's notebook example run as written."""
from __future__ import annotations

import doctest
import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import cashcast
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD
from tests.helpers import EXAMPLES, ROOT, row, settings

FLAGSHIP = EXAMPLES[0]
SAMPLES = 200


@pytest.fixture
def plus(make_workbook):
    """1bn visits × 1% × $20 a month = $200M of revenue a month from January 2023, no costs; $1M opening
    cash; 24 months. Scenario ``double``: $40, so $400M a month."""
    price = row("Plus", "subscription", "price", 20, "USD/month")
    price.overrides = {"double": 40}
    return make_workbook([
        row("Plus", "subscription", "audience", 1e9, "visits/month"),
        row("Plus", "subscription", "conversion", 0.01, "%"),
        price,
    ], settings(), scenarios=[("base", "as planned"), ("double", "twice the price")])


def test_monthly_is_a_frame_of_every_line_by_month_named_as_the_report_names_them(plus):
    result = cashcast.run(plus, samples=0)
    frame = result.monthly()
    assert isinstance(frame.index, pd.PeriodIndex) and frame.index.freqstr == "M"
    assert (str(frame.index[0]), str(frame.index[-1]), len(frame)) == ("2023-01", "2024-12", 24)
    assert frame["Plus: subscription revenue"].iloc[0] == 200_000_000.00
    assert frame.loc[pd.Period("2023-02", "M"), "Closing cash"] == 401_000_000.00   # 1M + 2 × 200M
    double = result.monthly("double", names="key")
    assert double["plus.revenue"].iloc[23] == 400_000_000.00
    assert list(double.columns) == list(result.run.model.lines)
    with pytest.raises(KeyError, match="no scenario 'triple'"):
        result.monthly("triple")


def test_annual_statements_and_kpis(plus):
    result = cashcast.run(plus, samples=0)
    annual = result.annual()
    assert [str(p) for p in annual.index] == ["2023", "2024"]
    assert annual["Revenue"].tolist() == [2_400_000_000.00, 2_400_000_000.00]
    assert annual["Closing cash"].tolist() == [2_401_000_000.00, 4_801_000_000.00]   # a balance: year end
    statements = result.statements("double")
    assert list(statements) == ["Income statement", "Cash flow statement", "Balance sheet"]
    assert statements["Income statement"].loc["Revenue"].tolist() == [4_800_000_000.00, 4_800_000_000.00]
    assert statements["Balance sheet"].loc["Closing cash", pd.Period("2024", "Y")] == 9_601_000_000.00
    kpis = result.kpis()
    assert list(kpis.index) == ["base", "double"]
    assert kpis.loc["double", "ending_cash"] == 9_601_000_000.00
    assert kpis.loc["base", "break_even_month"] == pd.Period("2023-12", "M")   # the first full trailing year
    assert pd.isna(kpis.loc["base", "cash_out_month"]) and str(kpis["cash_out_month"].dtype) == "period[M]"


def test_load_then_run_is_run_of_the_path(plus):
    workbook = cashcast.load(plus)
    assert workbook.scenario_names == ["base", "double"]
    by_path, by_workbook = cashcast.run(plus, samples=0), cashcast.run(workbook, scenarios="double", samples=0)
    assert by_workbook.scenarios == ["double"]
    pd.testing.assert_frame_equal(by_path.monthly("double"), by_workbook.monthly())


def test_percentiles_are_the_simulation_the_json_reports(tmp_path):
    result = cashcast.run(FLAGSHIP, samples=SAMPLES, seed=7)
    table = result.percentiles()
    saved = json.loads(result.to_json(tmp_path / "r.json").read_text(encoding="utf-8"))
    simulated = saved["simulation"]["base"]["kpis"]
    assert list(table.columns) == ["p10", "p50", "p90"]
    assert table.loc["ending_cash", "p50"] == simulated["ending_cash"]["p50"]
    month = table.loc["break_even_month", "p10"]
    assert str(month) == simulated["break_even_month"]["p10"]
    with pytest.raises(ValueError, match="no simulation"):
        cashcast.run(FLAGSHIP, samples=0).percentiles()


def test_every_file_is_byte_for_byte_what_the_cli_writes(tmp_path):
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path / "cli"), "--samples", str(SAMPLES), "--quiet"]) == 0
    result = cashcast.run(FLAGSHIP, samples=SAMPLES)
    stem = FLAGSHIP.stem
    written = {".xlsx": result.to_excel(tmp_path / "a.xlsx"), ".html": result.to_html(tmp_path / "a.html"),
               ".json": result.to_json(tmp_path / "a.json"), ".csv": result.to_csv(tmp_path / "a.csv"),
               ".annual.csv": result.to_csv(tmp_path / "a.annual.csv", annual=True)}
    for suffix, path in written.items():
        assert path.read_bytes() == (tmp_path / "cli" / f"{stem}{suffix}").read_bytes(), suffix
    saved = result.save(tmp_path / "saved", jobs=1)
    assert sorted(p.name for p in saved) == sorted(f"{stem}{s}" for s in written)
    assert all(p.read_bytes() == (tmp_path / "cli" / p.name).read_bytes() for p in saved)


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_workbook_raises_one_error_with_every_problem_check_prints(case, tmp_path, capsys):
    path = BAD[case](tmp_path)
    assert main(["check", str(path)]) == 2
    printed = capsys.readouterr().err.splitlines()[:-1]
    with pytest.raises(cashcast.InputError) as raised:
        cashcast.run(path, samples=50)
    assert [str(p) for p in raised.value.problems] == printed
    assert all(isinstance(p, cashcast.Problem) for p in raised.value.problems)


def test_an_unknown_scenario_is_bad_input(plus):
    with pytest.raises(cashcast.InputError, match="no scenario named 'triple'; valid: base, double"):
        cashcast.run(plus, scenarios=["triple"], samples=0)


def test_the_notebook_view_shows_the_workbook_and_the_kpis(plus):
    result = cashcast.run(plus, samples=0)
    page = result._repr_html_()
    assert page.startswith("<p><strong>model.xlsx</strong>: 24 months from Jan 2023")
    assert "<table" in page and "ending_cash" in page and "double" in page
    assert "model.xlsx: 2 scenario(s), 24 months" in repr(result)


def test_importing_cashcast_and_the_version_import_neither_pandas_nor_numpy():
    code = ("import sys, cashcast; cashcast.__version__; from cashcast.reports.cli.main import main; "
            "main(['--version']); print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert "run" in dir(cashcast) and cashcast.run is cashcast.api.run


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- api-example:start -->\n```python\n(.*?)```\n<!-- api-example:end -->", text, re.S)
    assert block, "the README's Python API example is missing its markers"
    return block.group(1)


def test_the_readme_api_example_runs_as_a_doctest(monkeypatch, tmp_path):
    (tmp_path / "assumptions").mkdir()
    shutil.copy(FLAGSHIP, tmp_path / "assumptions" / FLAGSHIP.name)
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(readme_example(), {}, "README api-example", "README.md", 0)
    assert len(test.examples) >= 6
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (tmp_path / "openai-report.xlsx").read_bytes()[:2] == b"PK"
