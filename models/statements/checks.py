"""The checks of the three statements, reduced to one figure each for the reports.

Each check line (``check_balance``, ``check_cash``; :data:`cashcast.models.statements.lines.CHECKS`)
is 0 every month when its identity holds. A report states the **largest absolute difference** over
the months, and that the identity holds when it is within half a cent or a millionth of a
millionth of the balance it checks (floating-point sums of figures in the billions leave
differences of about 1e-5, never a cent).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HALF_CENT = 0.005
RELATIVE = 1e-12
# The balances each check compares, whose size sets the rounding a check may show
TERMS = {"check_balance": ("total_assets", "total_liabilities_and_equity"),
         "check_cash": ("closing_cash", "net_change_in_cash")}


@dataclass(frozen=True)
class CheckResult:
    """One check over a scenario's months: the largest absolute difference and whether it holds."""

    name: str
    largest_difference: float
    holds: bool


def largest_difference(values: np.ndarray) -> float:
    """``max |x_t|`` over the months (0 for no months).

    >>> largest_difference(np.array([0.0, -0.25, 0.1]))
    0.25
    """
    return float(np.abs(values).max()) if values.size else 0.0


def within_rounding(difference: float, scale: float) -> bool:
    """Whether a difference is rounding: at most half a cent, or 1e-12 of the balances it compares.

    >>> within_rounding(1.2e-5, 4.7e11), within_rounding(0.02, 1e6)
    (True, False)
    """
    return difference <= max(HALF_CENT, RELATIVE * scale)


def check_results(column) -> list[CheckResult]:
    """Each check of one scenario; ``column(name)`` gives a line's months as a 1-D array."""
    out = []
    for name, terms in TERMS.items():
        largest = largest_difference(column(name))
        scale = max(largest_difference(column(t)) for t in terms)
        out.append(CheckResult(name, largest, within_rounding(largest, scale)))
    return out
