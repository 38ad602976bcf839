"""The pytest plugin (entry point ``pytest11``): ``pytest --cashcast FOLDER`` collects each row of the
workbooks' Checks sheets as a test item; nothing is collected unless asked. Run with pytester, in
process, so the installed entry point is what loads the plugin."""
from __future__ import annotations

import pytest

from tests.bad_workbooks import BAD, model
from tests.test_user_checks import EARNING

pytest_plugins = ["pytester"]


@pytest.fixture
def books(pytester):
    """A folder of workbooks: one passing and one failing check, one workbook without checks, a test file."""
    folder = pytester.path / "books"
    folder.mkdir()
    model(folder, EARNING, name="plus.xlsx", checks=[("Plus.revenue", "2023", 71_484_000),
                                                     ("Plus.revenue", "2023", 71_484_000.01)])
    model(folder, EARNING, name="plain.xlsx")
    pytester.makepyfile(test_other="def test_other():\n    assert True\n")
    return folder


def test_each_check_is_an_item_and_a_failure_says_what_cashcast_test_says(pytester, books):
    result = pytester.runpytest("--cashcast", str(books), "-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(passed=1, failed=1)   # test_other.py is not run: --cashcast alone
    result.stdout.fnmatch_lines([
        "*plus.xlsx:Checks!A3: FAIL: Plus.revenue 2023 (base): $71.484M, expected $71.484M (off by −$0.01, "
        "tolerance $0.005)*"])
    listed = pytester.runpytest("--cashcast", str(books), "--collect-only", "-q", "-p", "no:cacheprovider")
    listed.stdout.fnmatch_lines(["books/plus.xlsx::Checks!A2", "books/plus.xlsx::Checks!A3"])
    assert "plain.xlsx::" not in listed.stdout.str()


def test_with_test_paths_both_run(pytester, books):
    result = pytester.runpytest("test_other.py", "--cashcast", str(books), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)


def test_without_the_option_no_workbook_is_collected(pytester, books):
    result = pytester.runpytest(str(pytester.path), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert ".xlsx" not in result.stdout.str()


def test_the_ini_option_names_the_folders(pytester, books):
    pytester.makeini("[pytest]\ncashcast_paths = books\ntestpaths = books test_other.py\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)


def test_a_bad_workbook_is_a_collection_error_listing_every_problem(pytester):
    folder = pytester.path / "bad"
    folder.mkdir()
    BAD["checks: unknown names, a KPI with a period, an unknown scenario, no expected value"](folder)
    result = pytester.runpytest("--cashcast", str(folder), "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*model.xlsx:Checks!F4: no scenario named 'leen'*",
                                 "*model.xlsx:Checks!B3: 'cash_out_month' is one figure*"])
