"""The numpy functions of the key figures, computed from evaluated lines for every path at once.

Each KPI's definition (:data:`cashcast.models.analysis.kpis.KPIS`) is a reduction that calls one
of these for its numpy value and renders the matching Excel formula.

Arrays are months × paths, shape (T, S). Month results are 0-based month indices (0 = the start
month) with NaN for "never within the horizon".
"""
from __future__ import annotations

import numpy as np
import numpy_financial as npf



def first_month(condition: np.ndarray) -> np.ndarray:
    """Index of the first month where ``condition`` holds, per path; NaN where it never does.

    >>> first_month(np.array([[False, False], [True, False], [True, False]]))
    array([ 1., nan])
    """
    hit = condition.any(axis=0)
    return np.where(hit, condition.argmax(axis=0).astype(float), np.nan)


def cash_out_month(closing_cash: np.ndarray, minimum_cash: np.ndarray | float = 0.0) -> np.ndarray:
    """First month whose closing cash falls below zero, or below the minimum cash when one is set.

    >>> cash_out_month(np.array([[5.0], [1.0], [-2.0]]))
    array([2.])
    >>> cash_out_month(np.array([[5.0], [0.5], [0.0], [-2.0]]))  # exactly 0 is not below 0
    array([3.])
    >>> cash_out_month(np.array([[5.0, 5.0], [2.0, 2.0]]), np.array([0.0, 3.0]))  # a floor per path
    array([nan,  1.])
    """
    return first_month(closing_cash < np.reshape(minimum_cash, (1, -1)))


def runway_months(cash_out: np.ndarray) -> np.ndarray:
    """Months from the start to the cash-out month: Jan 2023 → Mar 2025 is 26. NaN if never."""
    return cash_out


def break_even_month(ttm_operating_cash_flow: np.ndarray) -> np.ndarray:
    """First month whose trailing-twelve-month operating cash flow is 0 or more.

    >>> break_even_month(np.array([[-3.0], [-1.0], [0.0]]))
    array([2.])
    >>> break_even_month(np.array([[-3.0], [-0.5], [2.0]]))
    array([2.])
    """
    return first_month(ttm_operating_cash_flow >= 0)


def peak_funding_need(cumulative_operating_cash_flow: np.ndarray) -> np.ndarray:
    """The deepest cumulative operating deficit (0 if the business never burns cash).

    >>> peak_funding_need(np.array([[-5.0], [-8.0], [-2.0]]))
    array([8.])
    """
    return np.maximum(0.0, -cumulative_operating_cash_flow.min(axis=0))


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate equivalent to an annual one: (1 + r)^(1/12) − 1; 10% a year ≈ 0.797% a month."""
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def npv(operating_cash_flow: np.ndarray, annual_rate: float) -> np.ndarray:
    """Net present value of the monthly operating cash flows, the first month undiscounted.

    ``NPV = Σ_t OCF_t / (1 + m)^t`` with m the monthly equivalent of the annual discount rate.

    >>> abs(float(npv(np.array([[-100.0], [110.0]]), (1.1 ** 12) - 1)[0])) < 1e-9  # 10% a month
    True
    >>> round(float(npv(np.array([[-100.0], [60.0], [72.6]]), (1.1 ** 12) - 1)[0]), 2)  # −100 + 60/1.1 + 72.6/1.21
    14.55
    """
    months = operating_cash_flow.shape[0]
    # numpy-financial's npv takes one series; the NPV of each unit series e_t is the discount factor
    # of month t, so its definition (month 0 undiscounted) is applied to every path by one product.
    factors = npf.npv(monthly_rate(annual_rate), np.eye(months))
    # einsum rather than a matrix product: BLAS would start threads that spin between calls, which
    # doubles the CPU time of a chunked simulation on a busy two-core machine.
    return np.einsum("t,ts->s", factors, operating_cash_flow)


def irr(operating_cash_flow: np.ndarray) -> np.ndarray:
    """Annualised internal rate of return of the monthly operating cash flows; NaN where undefined.

    ``(1 + monthly IRR)^12 − 1``; undefined when the flows never change sign.

    >>> round(float(irr(np.array([[-100.0], [110.0]]))[0]), 6)  # 10% a month
    2.138428
    """
    out = []
    for flows in operating_cash_flow.T:
        if not (flows.min() < 0 < flows.max()):
            out.append(np.nan)
            continue
        try:
            with np.errstate(all="ignore"):
                m = npf.irr(flows)
        except np.linalg.LinAlgError:  # degenerate flows (e.g. 1e-300 against 1e9): no defined root
            m = np.nan
        out.append((1.0 + m) ** 12 - 1.0 if np.isfinite(m) and m > -1 else np.nan)
    return np.array(out)
