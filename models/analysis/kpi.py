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


def first_after(condition: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The first month after the first ``start`` month in which ``condition`` holds; NaN where
    ``start`` never holds or ``condition`` does not hold after it (a return to losses after
    break-even).

    >>> first_after(np.array([[1, 1], [0, 0], [1, 0]]), np.array([[0, 0], [1, 1], [0, 0]]))
    array([ 2., nan])
    """
    begun = np.maximum.accumulate(start.astype(bool), axis=0)
    after = np.zeros_like(begun)
    after[1:] = begun[:-1]
    return first_month(condition.astype(bool) & after)


def after_last(condition: np.ndarray) -> np.ndarray:
    """The month after the last month ``condition`` holds: from it on, it holds no more (cash stays
    above the floor, the trailing twelve months stay ≥ 0). NaN where it never holds or still holds
    in the last month.

    >>> after_last(np.array([[1, 0, 1], [1, 0, 0], [0, 0, 1]]))
    array([ 2., nan, nan])
    """
    held = condition.astype(bool)
    months = held.shape[0]
    last = months - 1 - held[::-1].argmax(axis=0)  # the final month too where it never holds
    return np.where(last < months - 1, last + 1.0, np.nan)


def start_of_last_run(condition: np.ndarray) -> np.ndarray:
    """The first month of the final run of months in which ``condition`` holds (0 when it holds from
    the start): the month after the last month it does not hold.

    Cash below the floor in months 2, 4 and 5 of six: its last run below began in month 4.

    >>> start_of_last_run(np.array([[0, 1], [0, 1], [1, 1], [0, 1], [1, 1], [1, 1]]))
    array([4., 0.])
    """
    held = condition.astype(bool)
    months = held.shape[0]
    missed = ~held
    last_missed = months - 1 - missed[::-1].argmax(axis=0)
    return np.where(missed.any(axis=0), last_missed + 1.0, 0.0)


def lowest_month(line: np.ndarray) -> np.ndarray:
    """The first month in which a line is at its lowest.

    >>> lowest_month(np.array([[5.0], [1.0], [1.0], [3.0]]))
    array([1.])
    """
    return line.argmin(axis=0).astype(float)


def funding_gap(closing_cash: np.ndarray, minimum_cash: float = 0.0) -> np.ndarray:
    """The least extra cash that keeps closing cash at or above the minimum in every month:
    ``max(0, minimum − min_t closing_cash_t)``. Cash added in any month up to the first shortfall
    lifts every later balance by the same amount, so this amount, no less, is enough.

    >>> funding_gap(np.array([[5.0, 5.0], [-2.5, 7.0], [1.0, 9.0]]), 1.0)
    array([3.5, 0. ])
    """
    return np.maximum(0.0, minimum_cash - closing_cash.min(axis=0))


def runway_at_horizon(closing_cash: np.ndarray, flows: np.ndarray, minimum_cash: float = 0.0,
                      window: int = 3) -> np.ndarray:
    """Whole months the cash above the minimum lasts after the horizon at the horizon's burn:
    ``floor(max(0, cash_T − minimum) / burn)`` with ``burn = −mean(flows of the last 3 months)``;
    NaN where the last three months do not burn cash (burn ≤ 0).

    $10.5M left, burning $2M, $3M and $4M a month at the end: 3 more months.

    >>> runway_at_horizon(np.array([[20e6], [15e6], [10.5e6]]), np.array([[-2e6], [-3e6], [-4e6]]))
    array([3.])
    """
    burn = -flows[-window:].mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.floor(np.maximum(0.0, closing_cash[-1] - minimum_cash) / burn)
    return np.where(burn > 0, months, np.nan)


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
    if np.ndim(annual_rate):  # a rate per path: each path's discount factors (1 + m)^−t
        factors = (1.0 + monthly_rate(np.asarray(annual_rate)))[None, :] ** -np.arange(months)[:, None]
        return np.einsum("ts,ts->s", factors, operating_cash_flow)
    # numpy-financial's npv takes one series; the NPV of each unit series e_t is the discount factor
    # of month t, so its definition (month 0 undiscounted) is applied to every path by one product.
    factors = npf.npv(monthly_rate(annual_rate), np.eye(months))
    # einsum rather than a matrix product: BLAS would start threads that spin between calls, which
    # doubles the CPU time of a chunked simulation on a busy two-core machine.
    return np.einsum("t,ts->s", factors, operating_cash_flow)


IRR_BRACKET = 30.0   # the search spans ln(1 + monthly rate) in ±30: −100% + 1e-13 to 1e13 a month
IRR_STEPS = 80       # halvings of the bracket: 60/2^80 is far below a double's precision


def carried_sign(flows: np.ndarray) -> np.ndarray:
    """Each month, the sign of the last non-zero flow so far (0 before the first one).

    >>> carried_sign(np.array([[0.0], [-5.0], [0.0], [3.0]]))[:, 0].tolist()
    [0.0, -1.0, -1.0, 1.0]
    """
    s = np.sign(flows)
    t = np.arange(flows.shape[0])[:, None]
    last = np.maximum.accumulate(np.where(s != 0, t, -1), axis=0)
    return np.where(last >= 0, np.take_along_axis(s, np.maximum(last, 0), axis=0), 0.0)


def sign_changes(flows: np.ndarray) -> np.ndarray:
    """How many times each path's flows change sign, zeros skipped (+, 0, − is one change).

    Each month carries the sign of the last non-zero flow so far; a change is a month whose carried
    sign is opposite to the month before's.

    >>> sign_changes(np.array([[-5.0, 1.0, -1.0], [0.0, 2.0, 0.0], [3.0, 3.0, 0.0], [-1.0, 4.0, 0.0]]))
    array([2, 0, 0])
    """
    carried = carried_sign(flows)
    return (carried[1:] * carried[:-1] < 0).sum(axis=0)


def _flow_months(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each path's first and last month with a non-zero flow (0 and 0 for a path without any).

    >>> _flow_months(np.array([[0.0, 5.0], [-3.0, 0.0], [2.0, 0.0], [0.0, 0.0]]))
    (array([1, 0]), array([2, 0]))
    """
    live = flows != 0
    last = np.where(live.any(axis=0), flows.shape[0] - 1 - live[::-1].argmax(axis=0), 0)
    return live.argmax(axis=0), last


def _npv_sign(flows: np.ndarray, u: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The sign of Σ_t flows_t·e^(−u·t) per path, each path's terms scaled so that the largest factor of
    a month with a flow is 1: at month ``first`` when u ≥ 0, ``last`` when u < 0 (−u·t is linear in t).
    The sign is all the bisection needs, and the scaling keeps e^(−u·t) finite at 600 months; scaling
    by the largest factor of any month instead would let months without flows (at the start when u > 0,
    at the end when u < 0) push every flow's term below the smallest float, and the sign to 0."""
    t = np.arange(flows.shape[0], dtype=float)[:, None]
    top = -u * np.where(u >= 0, first, last)
    return np.sign((flows * np.exp(np.minimum(-u[None, :] * t - top, 0.0))).sum(axis=0))


def irr(operating_cash_flow: np.ndarray) -> np.ndarray:
    """Annualised internal rate of return of the monthly operating cash flows, where it is unique;
    NaN where it is not.

    The monthly IRR m solves ``Σ_t OCF_t / (1 + m)^t = 0``. In x = 1/(1 + m) the left side is a
    polynomial whose coefficients are the flows, so by Descartes' rule it has exactly one root
    m > −1 when the flows change sign exactly once, and none or possibly several otherwise (NaN:
    :func:`irr_note` says why). The root is found by bisection on u = ln(1 + m), every path at once:
    NPV's sign at u → +∞ is the first non-zero flow's, at u → −∞ the last one's, and each of the
    80 halvings costs one pass over the months, so the time is linear in the horizon. Annualised:
    ``(1 + m)^12 − 1 = e^(12u) − 1``. Each path's flows are divided by its largest first (the NPV's sign
    does not change), so flows near the largest float cannot overflow a sum to ±inf and flip its sign.

    >>> round(float(irr(np.array([[-100.0], [110.0]]))[0]), 6)  # 10% a month
    2.138428
    >>> irr(np.array([[-100.0], [230.0], [-132.0]]))            # two sign changes: 10% and 20% a month
    array([nan])
    """
    flows = np.asarray(operating_cash_flow, dtype=float)
    unique = sign_changes(flows) == 1
    lo = np.full(flows.shape[1], -IRR_BRACKET)
    hi = np.full(flows.shape[1], IRR_BRACKET)
    first, last = _flow_months(flows)
    with np.errstate(all="ignore"):  # non-finite flows (an overflowing model) give NaN, silently
        size = np.abs(flows).max(axis=0)
        flows = flows / np.where(size > 0, size, 1.0)  # largest flow ±1: no NPV's sum can overflow
        sign_lo = _npv_sign(flows, lo, first, last)
        found = unique & (sign_lo * _npv_sign(flows, hi, first, last) < 0)
        for _ in range(IRR_STEPS):
            mid = (lo + hi) / 2
            same = _npv_sign(flows, mid, first, last) == sign_lo
            lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
        return np.where(found, np.expm1(12.0 * (lo + hi) / 2), np.nan)


def irr_note(flows: np.ndarray) -> str | None:
    """Why one path's IRR is undefined, in words; None where it is defined (one sign change) and
    reads as usual. Flows that come in first and go out later are a borrowing: their IRR is the
    rate paid, where lower is better, and the note says so.

    >>> irr_note(np.array([5.0, -6.0]))
    'the flows are positive first and negative later: a borrowing, whose IRR is the rate paid (lower is better)'
    >>> irr_note(np.array([-5.0, -1.0]))
    'undefined: the operating cash flows never change sign (always negative)'
    >>> irr_note(np.array([-5.0, 8.0, -1.0, 2.0]))
    'undefined: the operating cash flows change sign 3 times, so more than one rate can make their NPV zero'
    """
    flows = np.asarray(flows, dtype=float)
    changes = int(sign_changes(flows[:, None])[0])
    if changes == 1:
        if np.isfinite(irr(flows[:, None])[0]):
            first = flows[np.flatnonzero(flows)[0]]
            return None if first < 0 else ("the flows are positive first and negative later: a "
                                            "borrowing, whose IRR is the rate paid (lower is better)")
        return f"undefined: the rate lies outside e^±{IRR_BRACKET:g} − 1 a month"
    if changes > 1:
        return (f"undefined: the operating cash flows change sign {changes} times, so more than one "
                "rate can make their NPV zero")
    if not flows.any():
        return "undefined: there are no operating cash flows"
    return ("undefined: the operating cash flows never change sign "
            f"(always {'negative' if flows.min() < 0 else 'positive'})")
