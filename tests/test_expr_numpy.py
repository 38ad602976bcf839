"""The numpy side of each expression primitive, on a tiny workbook (months × scenarios)."""
from __future__ import annotations

import datetime as dt
import functools
import operator
import warnings

import numpy as np
import pytest

from cashcast.models.engine.model import NumpyContext
from cashcast.models.engine.expr import (BinOp, Const, DaysInMonth, Expr, If, LineRef, Max, Min, MonthIndex, MonthsSince,
                                         MonthOfYear, Num, Param, Prev, RollingSum, Sum, Year, Exp, scalar)
from cashcast.models.reading.workbook import load_workbook
from tests.helpers import row, settings


@pytest.fixture
def ctx(make_workbook):
    wb = load_workbook(make_workbook([row("Rent", "opex", "monthly_amount", 1, "USD/month")],
                                     settings(start_month=dt.date(2023, 11, 1), horizon_months=4)))
    c = NumpyContext(wb, {"a": np.array([2.0, 3.0]), "d": np.array([1.0, 2.0])}, 2)
    c.values["x"] = np.array([[1.0], [2.0], [3.0], [4.0]])
    return c


def test_arithmetic_and_params_broadcast_months_by_scenarios(ctx):
    v = (Param("a") * LineRef("x") + Num(1)).np(ctx)
    assert v.shape == (4, 2) and v[:, 1].tolist() == [4, 7, 10, 13]


def test_comparisons_are_one_or_zero(ctx):
    assert LineRef("x").ge(3).np(ctx).ravel().tolist() == [0, 0, 1, 1]


def test_if_min_max_exp(ctx):
    assert If(LineRef("x").gt(2), Num(10), Num(20)).np(ctx).ravel().tolist() == [20, 20, 10, 10]
    assert Min(LineRef("x"), 2).np(ctx).ravel().tolist() == [1, 2, 2, 2]
    assert Max(LineRef("x"), 2).np(ctx).ravel().tolist() == [2, 2, 3, 4]
    assert scalar(Exp(0)) == 1.0


def test_time_primitives(ctx):
    assert MonthIndex().np(ctx).ravel().tolist() == [0, 1, 2, 3]
    assert Year().np(ctx).ravel().tolist() == [2023, 2023, 2024, 2024]
    assert DaysInMonth().np(ctx).ravel().tolist() == [30, 31, 31, 29]  # Nov, Dec, Jan, Feb 2024
    assert MonthsSince(Param("d")).np(ctx)[:, 1].tolist() == [-2, -1, 0, 1]


@pytest.mark.parametrize("node, factors", [(Year(), 6), (MonthOfYear(), 18), (DaysInMonth(), 13), (MonthIndex(), 40)])
def test_calendar_values_are_floats_so_a_product_of_them_does_not_wrap_around(ctx, node, factors):
    """A calendar value multiplied by itself past 2^63 (the year 2023 six times, 6.9e19; December 12
    eighteen times) is the float product, as in Excel, not a 64-bit integer that wrapped around."""
    values = node.np(ctx).ravel().tolist()
    product = functools.reduce(operator.mul, [node] * factors).np(ctx).ravel().tolist()
    assert product == [functools.reduce(operator.mul, [float(v)] * factors) for v in values]
    assert max(product) > 2.0 ** 63


def test_time_primitives_one_month_at_a_time(ctx):
    # the month-by-month mode (explain, a recurrence's loop): month 3 is Feb 2024, not the first month's
    ctx.row = 3
    assert (MonthIndex().np(ctx), Year().np(ctx), MonthOfYear().np(ctx), DaysInMonth().np(ctx)) == (3, 2024, 2, 29)
    ctx.row = 1
    assert (Year().np(ctx), MonthOfYear().np(ctx), DaysInMonth().np(ctx)) == (2023, 12, 31)


def test_lines_last_month_and_parameters_one_month_at_a_time(ctx):
    # month 2 of x = 1, 2, 3, 4: this month's 3, last month's 2; in the first month, the initial value
    ctx.row = 2
    assert LineRef("x").np(ctx).tolist() == [3.0] and Prev("x", Num(9)).np(ctx).tolist() == [2.0]
    assert RollingSum("x", 2).np(ctx).tolist() == [5.0] and Param("a").np(ctx).tolist() == [2.0, 3.0]
    ctx.values["w"] = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])   # a line per scenario
    assert RollingSum("w", 2).np(ctx).tolist() == [5.0, 50.0]
    ctx.row = 0
    assert Prev("x", Param("d")).np(ctx).tolist() == [1.0, 2.0] and LineRef("x").np(ctx).tolist() == [1.0]
    assert RollingSum("w", 2).np(ctx).tolist() == [1.0, 10.0]   # the window cut at the first month


def test_prev_and_rolling_sum(ctx):
    assert Prev("x", Num(9)).np(ctx).ravel().tolist() == [9, 1, 2, 3]
    assert RollingSum("x", 2).np(ctx).ravel().tolist() == [1, 3, 5, 7]
    assert Sum([]).np(ctx) == 0 and Sum([LineRef("x"), 1]).np(ctx).ravel().tolist() == [2, 3, 4, 5]


def test_a_recurrence_over_a_rolling_sum_is_evaluated_month_by_month(ctx):
    # y_t = max(y_{t-1} × 0.5, x_{t-1} + x_t), y_{-1} = 10: the rolling sum (a node with a whole-number
    # field, its window) stays inside the month loop: max(5, 1), max(2.5, 3), max(1.5, 5), max(2.5, 7)
    ctx.compute("y", Max(Prev("y", Num(10)) * 0.5, RollingSum("x", 2)))
    assert ctx.values["y"][:, 0].tolist() == [5, 3, 5, 7]


def test_a_line_read_only_as_last_month_s_value_is_kept_until_it_is_read(make_workbook):
    # evaluate(keep=...) frees a line once no later line reads it; c reads a's previous month only
    # (after b, a's last plain reader), so a must live until c: c = a_{t-1}, starting at 100
    from cashcast.models.engine.model import Model
    from cashcast.models.kinds import Line
    lines = {"a": Line("a", Param("a") * 10, "a", "USD/month", "detail"),
             "b": Line("b", LineRef("a") + 1, "b", "USD/month", "detail"),
             "c": Line("c", Prev("a", Num(100)), "c", "USD/month", "detail")}
    wb = load_workbook(make_workbook([row("Rent", "opex", "monthly_amount", 1, "USD/month")],
                                     settings(start_month=dt.date(2023, 11, 1), horizon_months=4)))
    model = Model(wb, lines, ["a", "b", "c"])
    got = model.evaluate({"a": np.array([2.0, 3.0])}, keep={"c"})
    assert list(got.values) == ["c"] and got.values["c"].tolist() == [[100, 100], [20, 30], [20, 30], [20, 30]]


def test_every_line_is_stored_months_by_columns_even_when_columns_equal_months(make_workbook):
    # four months and four columns: a line of parameters only, (1, 4), is stored as (4, 4), as is one of
    # the months only, (4, 1) → (4, 1), and a constant (4, 1)
    wb = load_workbook(make_workbook([row("Rent", "opex", "monthly_amount", 1, "USD/month")],
                                     settings(start_month=dt.date(2023, 11, 1), horizon_months=4)))
    c = NumpyContext(wb, {"a": np.array([1.0, 2.0, 3.0, 4.0])}, 4)
    c.compute("p", Param("a") * 2)
    c.compute("m", MonthIndex() + 1)
    c.compute("k", Num(7))
    assert c.values["p"].shape == (4, 4) and c.values["p"][3].tolist() == [2, 4, 6, 8]
    assert c.values["m"].shape == (4, 1) and c.values["k"].tolist() == [[7.0]] * 4
    c.compute("r", Prev("r", Num(10)) + Num(5))   # a running sum of a constant: one column, 15 … 30
    assert c.values["r"].tolist() == [[15.0], [20.0], [25.0], [30.0]]


def test_self_recurrence_in_month_loop(ctx):
    # y_t = max(x_t, y_{t-1} * 0.5) * a  — evaluated month by month, per scenario
    expr = Max(LineRef("x"), Prev("y", Num(0)) * 0.5) * Param("a")
    ctx.compute("y", expr)
    assert ctx.values["y"][:, 0].tolist() == [2, 4, 6, 8]
    ctx.compute("z", Prev("z", Param("a")) + LineRef("x"))  # running sum: the cumsum path
    assert ctx.values["z"][:, 1].tolist() == [4, 6, 9, 13]


# A named constant's operators (expr._folded): plain arithmetic on its value against a plain number, on
# either side, and a node against a node. A constant of 8 against 3 (or 4 where a quotient should be
# whole) tells every operand order and operator apart: 8 − 3 ≠ 3 − 8, 8 / 4 ≠ 4 / 8, 8 ** 2 ≠ 2 ** 8.
EIGHT = Const("EIGHT", 8)
FOLDED = [
    (lambda: EIGHT + 3, 11), (lambda: 3 + EIGHT, 11), (lambda: EIGHT - 3, 5), (lambda: 3 - EIGHT, -5),
    (lambda: EIGHT * 3, 24), (lambda: 3 * EIGHT, 24), (lambda: EIGHT / 4, 2), (lambda: 4 / EIGHT, 0.5),
    (lambda: EIGHT ** 2, 64),
]


@pytest.mark.parametrize("number, expected", FOLDED, ids=["+", "r+", "-", "r-", "*", "r*", "/", "r/", "**"])
def test_a_constant_folds_against_a_plain_number(number, expected):
    value = number()
    assert not isinstance(value, Expr) and value == expected


def test_a_constant_against_a_node_builds_the_node(ctx):
    x = LineRef("x")       # 1, 2, 3, 4
    nodes = [EIGHT + x, EIGHT - x, EIGHT * x, EIGHT / x, EIGHT ** Num(0.5)]
    assert [(n.op, n.a) for n in nodes] == [(op, EIGHT) for op in ("+", "-", "*", "/", "^")]
    assert [n.np(ctx).ravel().tolist() for n in nodes[:4]] == [[9, 10, 11, 12], [7, 6, 5, 4], [8, 16, 24, 32],
                                                               [8, 4, 8 / 3, 2]]
    assert float(nodes[4].np(ctx)) == pytest.approx(8 ** 0.5, abs=1e-12)


def test_a_number_over_a_node(ctx):
    node = 12 / LineRef("x")
    assert isinstance(node, BinOp) and node.op == "/" and isinstance(node.a, Num) and node.b.name == "x"
    assert node.np(ctx).ravel().tolist() == [12, 6, 4, 3]


def test_scalar_evaluates_plain_numbers_at_month_zero_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # the unchosen branch divides by zero: no warning either
        assert scalar(If(MonthIndex().gt(0), Num(1) / Num(0), Num(5) * MonthIndex() + 7)) == 7.0
    with pytest.raises(KeyError, match=r"scalar\(\) cannot evaluate assumption 'plus__price'"):
        scalar(Param("plus__price") * 2)


def test_a_running_last_month_row(ctx):
    """reductions.LastMonth: the last month so far whose flag equals the value (NaN before the first),
    the helper row's cached value; x is 1, 2, 3, 4, so x ≥ 3 holds from month 2."""
    from cashcast.models.analysis.reductions import NONE, Flag, LastMonth
    flag = Flag("flag.big", "x at least 3", LineRef("x").ge(3))
    ones, zeros = LastMonth(flag, 1), LastMonth(flag, 0)
    assert ones.np(ctx).shape == (4, 1)
    assert np.array_equal(ones.np(ctx).ravel(), [np.nan, np.nan, 2, 3], equal_nan=True)
    assert zeros.np(ctx).ravel().tolist() == [0, 1, 1, 1]
    assert ones.key == "flag.big.last_1" and zeros.label == f"Last month number so far with flag.big = 0 ({NONE}: not yet)"
    assert ones.xl("D88", "D$3", "C91") == "=IF(D88=1,D$3,C91)"
    assert zeros.xl("D88", "D$3", None) == "=IF(D88=0,D$3,NONE_TEXT)"


def test_lines_are_ordered_after_what_they_read_and_each_cycle_is_named():
    """``order_lines``: every line after the lines it reads (a line reading itself, through ``Prev``,
    does not count), lines read by no one in the workbook's order, and each cycle as its path."""
    from cashcast.models.engine.model import order_lines
    from cashcast.models.kinds.base import Line

    def lines(**reads):
        return {n: Line(n, Sum(LineRef(d) for d in ds) if ds else Num(1), n, "USD", "detail", "B")
                for n, ds in reads.items()}

    # cash reads revenue, revenue reads users and price (visited in name order), users reads growth
    order, cycles = order_lines(lines(cash=["revenue"], revenue=["users", "price"], users=["growth"],
                                      growth=[], price=[], other=[]))
    assert order == ["price", "growth", "users", "revenue", "cash", "other"] and cycles == []
    with_prev = lines(users=["growth"], growth=[])
    with_prev["users"] = Line("users", Prev("users", Num(0)) + LineRef("growth"), "users", "", "detail", "B")
    assert order_lines(with_prev) == (["growth", "users"], [])
    # a → b → c → a, and d → b: the cycle once, from where it closes; every line still ordered once
    order, cycles = order_lines(lines(a=["b"], b=["c"], c=["a"], d=["b"], e=["d"]))
    assert cycles == [["a", "b", "c", "a"]]
    assert sorted(order) == ["a", "b", "c", "d", "e"] and order.index("d") < order.index("e")
    assert order_lines(lines(x=["y"], y=["x"], z=["z2"], z2=["z"])) == (["y", "x", "z2", "z"],
                                                                       [["x", "y", "x"], ["z", "z2", "z"]])
