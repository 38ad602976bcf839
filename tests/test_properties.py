"""Reconciliations as properties over random valid workbooks (Hypothesis), through the file format.

* the cash identity: closing cash = previous closing cash (or opening cash) + net cash flow, every month;
* blocks add up to totals: revenue = Σ revenue blocks, costs = Σ cost blocks, funding = Σ rounds,
  operating cash flow = revenue − costs, net cash flow = operating cash flow + funding.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.excel.assumptions import AssumptionRow, write_assumption_workbook
from tests.helpers import examples, settings

money = st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2))
count = st.integers(min_value=0, max_value=10**7)
share = st.floats(min_value=0, max_value=1, allow_nan=False)
month = st.integers(min_value=0, max_value=30).map(lambda k: dt.date(2023 + k // 12, k % 12 + 1, 1))


def block_rows(kind: str, name: str):
    """A strategy for the rows of one valid block of the given kind."""
    R = AssumptionRow
    if kind == "subscription":
        return st.tuples(count, share, money, share).map(lambda v: [
            R(name, kind, "audience", v[0], "users"), R(name, kind, "conversion", v[1], "%"),
            R(name, kind, "price", v[2], "USD/month"), R(name, kind, "churn", v[3], "%")])
    if kind == "licensing":
        return st.tuples(count, money, month).map(lambda v: [
            R(name, kind, "customers", v[0], "platforms"), R(name, kind, "annual_fee", v[1], "USD/year"),
            R(name, kind, "start_month", v[2], "date")])
    if kind == "advertising":
        return st.tuples(money, share, st.integers(1, 48)).map(lambda v: [
            R(name, kind, "market_size", v[0], "USD/year"), R(name, kind, "share", v[1], "%"),
            R(name, kind, "share.ramp_months", v[2], "months")])
    if kind == "training":
        return st.tuples(st.integers(0, 12), money, st.floats(-0.5, 2.0)).map(lambda v: [
            R(name, kind, "runs_per_year", v[0], "runs"), R(name, kind, "cost_per_run", v[1], "USD/run"),
            R(name, kind, "cost_per_run.growth", v[2], "%/year")])
    if kind == "inference":
        return st.tuples(money, month).map(lambda v: [
            R(name, kind, "cost_per_day", v[0], "USD/day"), R(name, kind, "end_month", v[1], "date")])
    if kind == "hardware":
        return st.tuples(count, money, month, st.integers(1, 60)).map(lambda v: [
            R(name, kind, "units", v[0], "GPUs"), R(name, kind, "unit_price", v[1], "USD/GPU"),
            R(name, kind, "purchase_month", v[2], "date"), R(name, kind, "useful_life_months", v[3], "months")])
    if kind == "funding":
        return st.tuples(money, month).map(lambda v: [
            R(name, kind, "amount", v[0], "USD"), R(name, kind, "month", v[1], "date")])
    return st.tuples(money).map(lambda v: [R(name, "opex", "monthly_amount", v[0], "USD/month")])


KINDS = ["subscription", "licensing", "advertising", "training", "inference", "hardware", "funding", "opex"]


@st.composite
def workbooks(draw):
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=7))
    rows = []
    for i, kind in enumerate(kinds):
        rows += draw(block_rows(kind, f"{kind} {i}"))
    opening = draw(money)
    return rows, settings(opening_cash=opening, horizon_months=draw(st.integers(1, 60)))


@hsettings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
def test_cash_identity_and_blocks_add_up(spec):
    rows, settings_rows = spec
    with tempfile.TemporaryDirectory() as tmp:
        path = write_assumption_workbook(Path(tmp) / "random.xlsx", settings_rows, rows)
        run = run_file(path)
    r, lines = run.result, run.model.lines
    col = {name: r.column(name, 0) for name in lines}
    opening = run.workbook.settings.opening_cash
    previous = np.concatenate([[opening], col["closing_cash"][:-1]])
    scale = 1 + np.abs(col["closing_cash"]).max() + opening
    assert np.allclose(col["closing_cash"], previous + col["net_cash_flow"], rtol=0, atol=1e-9 * scale)

    def block_sum(role):
        parts = [col[n] for n, ln in lines.items() if ln.role == role]
        return np.sum(parts, axis=0) if parts else np.zeros(run.model.horizon)

    for total, role in (("revenue", "revenue"), ("costs", "cost"), ("funding", "funding")):
        assert np.allclose(col[total], block_sum(role), rtol=1e-12, atol=1e-6)
    assert np.allclose(col["operating_cash_flow"], col["revenue"] - col["costs"], rtol=1e-12, atol=1e-6)
    assert np.allclose(col["net_cash_flow"], col["operating_cash_flow"] + col["funding"], rtol=1e-12, atol=1e-6)
    # every block line is non-negative (costs are outflows by role, not by sign)
    for n, ln in lines.items():
        if ln.role in ("revenue", "cost", "funding"):
            assert (col[n] >= 0).all(), n
