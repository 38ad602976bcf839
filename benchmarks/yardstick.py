"""The flagship's lines written by hand in plain numpy: the yardstick the line engine is timed against.

Every line of ``assumptions/openai.xlsx``'s model (the blocks' lines, the totals and the three
statements) computed directly from the same parameters the engine reads (each ``(1, S)``, or ``(1, 1)``
when shared by every column; a date as its month index from the model start), laid out months × paths
like the engine's values, with no expression trees, no dependency order and no engine code: what a
numpy programmer would write for this one model, using the fast idioms measured on this machine
(running balances as in-place row additions, shared subexpressions computed once, lines that do not
vary by path left ``(T, 1)``, lines known to be zero left out of the sums). Growth is a power per
month, as the engine and the Excel formula compute it; :func:`running_product` is the faster variant
the benchmark also measures, to show what it would gain and what it costs in agreement.

It is specific to the flagship: a block added to or removed from that workbook must be added here too,
which ``tests/test_bench_engine.py`` checks (every line of the model, equal to 1e-9).
"""
from __future__ import annotations

import calendar

import numpy as np


class Calendar:
    """The model's months as ``(T, 1)`` columns: month index and days in the month."""

    def __init__(self, months):
        self.T = len(months)
        self.t = np.arange(self.T, dtype=float).reshape(-1, 1)
        self.days = np.array([calendar.monthrange(m.year, m.month)[1] for m in months],
                             dtype=float).reshape(-1, 1)


def running(flow: np.ndarray, start) -> np.ndarray:
    """``x_t = x_{t−1} + flow_t`` from ``x_{−1} = start``, as in-place row additions."""
    flow = np.atleast_2d(flow)
    start = np.asarray(start, dtype=float).reshape(1, -1)
    out = np.empty((flow.shape[0], max(flow.shape[1], start.shape[1])))
    np.add(start[0], flow[0], out=out[0])
    for t in range(1, flow.shape[0]):
        np.add(out[t - 1], flow[t], out=out[t])
    return out


def compound(rate: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(1 + rate)^(t / 12)``: the growth factor as the Excel formula computes it (a power per month)."""
    return (1 + rate) ** (t / 12)


def running_product(rate: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(1 + rate)^(t / 12)`` as a running product of the monthly factor (row multiplications):
    faster than a power per month, but rounded differently (about one part in 1e14 after 120 months),
    which a difference of nearly equal figures magnifies beyond the 1e-9 parity tolerance."""
    T = len(t)
    step = (1 + rate) ** (1 / 12)
    out = np.empty((T, step.shape[1]))
    out[0] = 1.0
    for i in range(1, T):  # t = 0, 1, ..., T−1: the model's month index
        np.multiply(out[i - 1], step[0], out=out[i])
    return out


def previous(x: np.ndarray, start=0.0) -> np.ndarray:
    """Last month's value of ``x``, ``start`` in the first month."""
    out = np.empty_like(x)
    out[0] = start
    out[1:] = x[:-1]
    return out


def ramp(p, key: str, months_in: np.ndarray, start) -> np.ndarray:
    """A parameter ramping linearly from ``start`` to its value over ``<key>__ramp_months``."""
    progress = np.clip(months_in / p[key + "__ramp_months"], 0.0, 1.0)
    return start + (p[key] - start) * progress


def subscription(p, cal: Calendar) -> dict[str, np.ndarray]:
    """ChatGPT Plus: audience ramp, subscribers with churn (a month loop: a running maximum)."""
    k = "chatgpt_plus__"
    since = cal.t - p[k + "start_month"]
    active = (since >= 0).astype(float)
    audience = ramp(p, k + "audience", since, p[k + "audience__ramp_from"]) * active
    target = audience * p[k + "conversion"]
    keep = 1 - p[k + "churn"]
    subs = np.empty((cal.T, max(target.shape[1], keep.shape[1])))
    last = np.zeros(subs.shape[1])
    for t in range(cal.T):
        np.maximum(target[t], last * keep[0], out=subs[t])
        subs[t] *= active[t]
        last = subs[t]
    adds = np.maximum(0.0, target - previous(subs) * keep) * active
    revenue = subs * p[k + "price"]
    with np.errstate(all="ignore"):
        arpu = np.where(subs > 0, revenue / subs, 0.0)
    return {"chatgpt_plus.audience": audience, "chatgpt_plus.subscribers": subs,
            "chatgpt_plus.gross_adds": adds, "chatgpt_plus.revenue": revenue, "chatgpt_plus.arpu": arpu,
            "chatgpt_plus.gross_margin_per_payer": arpu,
            "chatgpt_plus.ltv": arpu / np.maximum(p[k + "churn"], 1 / 1200)}


def blocks(p, cal: Calendar, growth) -> dict[str, np.ndarray]:
    """Every block's lines: revenue, costs and funding; ``growth(rate, t)`` is the growth factor."""
    out = subscription(p, cal)
    since = cal.t - p["api_licensing__start_month"]
    customers = ramp(p, "api_licensing__customers", since, p["api_licensing__customers__ramp_from"])
    out["api_licensing.revenue"] = customers * p["api_licensing__annual_fee"] / 12 * (since >= 0)
    since = cal.t - p["advertising__start_month"]
    share = ramp(p, "advertising__share", since, 0.0)
    out["advertising.revenue"] = p["advertising__market_size"] * share / 12 * (since >= 0)
    out["serving_chatgpt.cost"] = p["serving_chatgpt__cost_per_day"] * cal.days
    run_cost = p["frontier_training__cost_per_run"] * growth(p["frontier_training__cost_per_run__growth"], cal.t)
    out["frontier_training.cost"] = p["frontier_training__runs_per_year"] * run_cost / 12
    employees = p["staff__employees"] * growth(p["staff__employees__growth"], cal.t)
    out["staff.cost"] = employees * p["staff__cost_per_employee"] / 12
    out["staff.stock_pay"] = employees * (p["staff__stock_share"] * p["staff__cost_per_employee"]) / 12
    for round_ in ("microsoft_2023", "april_2023_round"):
        out[f"{round_}.funding"] = p[f"{round_}__amount"] * (cal.t == p[f"{round_}__month"])
    return out


def income_and_cash(v: dict[str, np.ndarray], p, cal: Calendar) -> None:
    """The totals, the income statement and the cash flow statement, added to ``v``."""
    zero = np.zeros((cal.T, 1))
    v["revenue"] = v["chatgpt_plus.revenue"] + v["api_licensing.revenue"] + v["advertising.revenue"]
    v["cost_of_revenue"] = v["serving_chatgpt.cost"]
    v["research_development"] = v["frontier_training.cost"]
    v["general_administrative"] = v["staff.cost"]
    v["sales_marketing"] = zero
    v["operating_expenses"] = v["research_development"] + v["general_administrative"]
    v["costs"] = v["serving_chatgpt.cost"] + v["frontier_training.cost"] + v["staff.cost"]  # the blocks' order
    v["payables"] = (v["cost_of_revenue"] + v["operating_expenses"]) * p["settings__payable_days"] / cal.days
    v["receivables"] = v["revenue"] * p["settings__receivable_days"] / cal.days
    v["change_in_working_capital"] = ((v["receivables"] - previous(v["receivables"]))
                                      - (v["payables"] - previous(v["payables"])))
    for name in ("credits_used", "credits_received", "depreciation", "interest", "capital_expenditure",
                 "debt_drawn", "debt_repaid", "cash_from_investing"):
        v[name] = zero
    v["operating_cash_flow"] = v["revenue"] - v["costs"] - v["change_in_working_capital"]
    v["equity_raised"] = v["microsoft_2023.funding"] + v["april_2023_round.funding"]
    v["funding"] = v["equity_raised"]
    v["net_cash_flow"] = v["operating_cash_flow"] + v["funding"]
    v["closing_cash"] = running(v["net_cash_flow"], p["settings__opening_cash"])
    v["cumulative_operating_cash_flow"] = running(v["operating_cash_flow"], 0.0)
    v["ttm_operating_cash_flow"] = trailing(v["cumulative_operating_cash_flow"], 12)
    v["gross_profit"] = v["revenue"] - v["cost_of_revenue"]
    sold = v["revenue"] > 0.005
    with np.errstate(all="ignore"):
        v["gross_margin"] = np.where(sold, v["gross_profit"] / np.where(sold, v["revenue"], 1.0), 0.0)
    v["ebitda"] = v["gross_profit"] - v["operating_expenses"]
    v["stock_based_compensation"] = v["staff.stock_pay"]
    v["operating_income"] = v["ebitda"] - v["stock_based_compensation"]
    v["net_income"] = v["operating_income"]
    v["cash_from_operations"] = (v["net_income"] + v["stock_based_compensation"]
                                 - v["change_in_working_capital"])
    v["cash_from_financing"] = v["equity_raised"]
    v["net_change_in_cash"] = v["cash_from_operations"] + v["cash_from_financing"]


def trailing(total: np.ndarray, months: int) -> np.ndarray:
    """Trailing ``months``-month sums from a running total (fewer months at the start)."""
    out = total.copy()
    out[months:] -= total[:-months]
    return out


def balance_sheet(v: dict[str, np.ndarray], p, cal: Calendar) -> None:
    """The balance sheet and the two checks, added to ``v``."""
    zero = np.zeros((cal.T, 1))
    v["unused_credits"] = v["property_equipment_net"] = v["debt"] = zero
    v["total_assets"] = v["closing_cash"] + v["receivables"]
    v["total_liabilities"] = v["payables"]
    v["paid_in_capital"] = running(v["equity_raised"] + v["stock_based_compensation"], p["settings__opening_cash"])
    v["retained_earnings"] = running(v["net_income"], 0.0)
    v["total_equity"] = v["paid_in_capital"] + v["retained_earnings"]
    v["total_liabilities_and_equity"] = v["total_liabilities"] + v["total_equity"]
    v["check_balance"] = v["total_assets"] - v["total_liabilities_and_equity"]
    v["check_cash"] = v["closing_cash"] - (previous(v["closing_cash"], p["settings__opening_cash"][0])
                                           + v["net_change_in_cash"])


def flagship_lines(p: dict[str, np.ndarray], cal: Calendar, growth=compound) -> dict[str, np.ndarray]:
    """Every line of the flagship's model, by hand; ``p`` holds each parameter as ``(1, S)`` or ``(1, 1)``.
    ``growth``: :func:`compound` (as the engine and Excel) or :func:`running_product`."""
    v = blocks(p, cal, growth)
    income_and_cash(v, p, cal)
    balance_sheet(v, p, cal)
    return v
