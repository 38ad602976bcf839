"""``cashcast.testing`` itself: right formulas pass in numpy, LibreOffice and Gnumeric; a wrong figure,
or an Excel rendering that disagrees with numpy, fails with the month, the engine and both numbers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cashcast import testing
from cashcast.models.engine.expr import DaysInMonth, Expr, LineRef, Max, MonthsSince, Param, Prev, RollingSum


@dataclass(frozen=True, eq=False)
class Twice(Expr):
    """A primitive whose Excel rendering is wrong: numpy doubles, Excel triples."""

    arg: Expr

    def children(self):
        return (self.arg,)

    def np(self, ctx):
        return self.arg.np(ctx) * 2

    def xl(self, ctx):
        return f"({self.arg.xl(ctx)}*3)"


CASES = [
    # Article 004's $700K a day: 31 days in January, 28 in February 2023, 29 in February 2024
    testing.Case("per day", Param("serve__cost_per_day") * DaysInMonth(), {"serve__cost_per_day": 700_000},
                 {"2023-01": 21_700_000.00, "2023-02": 19_600_000.00, "2024-02": 20_300_000.00},
                 months=14),
    # cash: 250 at the start, +1.5 then −4 a month alternately; its trailing 3-month sum
    testing.Case("recurrence", {"cash": Prev("cash", Param("open")) + LineRef("flow"),
                                "ttm": RollingSum("flow", 3)},
                 {"open": 250, "flow": [1.5, -4.0] * 3},
                 {"cash": {0: 251.50, 1: 247.50, 5: 257.50 - 15.0}, "ttm": {0: 1.50, 1: -2.50, 2: -1.00, 5: -6.50}},
                 months=6),
    # a date assumption: months since March 2023 (negative before), floored at 0
    testing.Case("since", Max(MonthsSince(Param("start")), 0), {"start": dt.date(2023, 3, 1)},
                 {0: 0.0, 2: 0.0, 3: 1.0, 13: 11.0}, start="2023-01", months=14),
    testing.Case("wrong figure", Param("a") * 7, {"a": 3}, {0: 21.01, 1: 21.00}, months=2),
    testing.Case("wrong rendering", Twice(Param("a")), {"a": 3}, 6.0, months=2),
]


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    return testing.Bench(CASES).recalculate(tmp_path_factory.mktemp("testing"))


@pytest.mark.parametrize("name", ["per day", "recurrence", "since"])
def test_right_formulas_pass_in_numpy_and_both_engines(bench, name):
    bench.assert_case(name)


def test_a_figure_off_by_a_cent_fails_in_numpy_and_in_each_engine(bench):
    failures = bench.failures("wrong figure")
    assert failures == [
        "wrong figure: wrong figure in 2023-01: numpy 21.0, expected 21.01",
        "wrong figure: wrong figure in 2023-01: libreoffice 21, expected 21.01",
        "wrong figure: wrong figure in 2023-01: gnumeric 21, expected 21.01",
    ]
    with pytest.raises(AssertionError, match="numpy 21.0, expected 21.01"):
        bench.assert_case("wrong figure")


def test_an_excel_rendering_that_disagrees_with_numpy_fails_in_each_engine(bench):
    """numpy gives the expected 6 (so the numpy check passes); both engines compute 9."""
    assert bench.failures("wrong rendering") == [
        f"wrong rendering: wrong rendering in 2023-0{m}: {engine} 9, expected 6.0"
        for engine in ("libreoffice", "gnumeric") for m in (1, 2)]


def test_a_missing_engine_fails_rather_than_skips(monkeypatch, tmp_path):
    monkeypatch.setattr(testing.shutil, "which", lambda name: None)
    with pytest.raises(AssertionError, match="Gnumeric is not installed"):
        testing.Bench(CASES[:1], engines=("gnumeric",)).recalculate(tmp_path)


def test_bad_benches_are_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        testing.Bench(CASES, engines=("excel",))
    with pytest.raises(ValueError, match="same name"):
        testing.Bench([CASES[0], CASES[0]])
    with pytest.raises(ValueError, match="has 2 months, not 3"):
        testing.Case("short", LineRef("x") * 2, {"x": [1.0, 2.0]}, 0.0, months=3)
    with pytest.raises(RuntimeError, match="recalculate"):
        testing.Bench(CASES[:1]).failures("per day")


def test_assert_formula_checks_one_formula_in_one_engine_run():
    testing.assert_formula(Param("price") * Param("payers"), {"price": 20, "payers": 10_000_000},
                           200_000_000.00, months=2, engines=("gnumeric",))
    with pytest.raises(AssertionError, match="gnumeric 200000000, expected 200000000.01"):
        testing.assert_formula(Param("price") * Param("payers"), {"price": 20, "payers": 10_000_000},
                               {1: 200_000_000.01}, months=2, engines=("gnumeric",))
