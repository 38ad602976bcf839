"""A live starting point for the report's IRR: the root of NPV(rate) = 0 nearest zero, bracketed.

Spreadsheet IRR is Newton's method from a guess, 20 steps; on 120 monthly flows its basin around a
root is narrow (about 1/T wide), so a fixed guess fails, or finds another root than numpy-financial,
as soon as an investor edits an input or picks another scenario. The report therefore searches live:

1. **coarse**: NPV at 41 trial monthly rates, ``EXP(IRR_COARSE_FROM + IRR_COARSE_STEP·k) − 1``
   (−39% to +348% a month; k from the trial-number row); where NPV changes sign between neighbours,
   the linearly interpolated root ("none" where it does not); the bracket whose root estimate is
   nearest zero wins (numpy-financial returns the root nearest zero);
2. **fine**: the same on 21 rates spread across that bracket (``IRR_FINE_STEPS`` steps);
3. ``IRR(flows, guess)`` from the fine estimate, which converges in a couple of steps.

First of all, a helper row carries the sign of the last non-zero flow so far and a cell counts its
changes: unless the flows change sign exactly once (one root, by Descartes' rule) the IRR is "n/a",
as numpy's is NaN (:func:`cashcast.models.analysis.kpi.irr`); with one change the search below
finds that one root.
Each helper row is a formula; :func:`search_values` is its numpy mirror, for the cached values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cashcast.models.analysis.kpi import carried_sign, sign_changes
from cashcast.models.engine.constants import (
    IRR_COARSE_FROM, IRR_COARSE_STEP, IRR_FINE_STEPS, MONTHS_PER_YEAR, NA_TEXT, NONE_TEXT,
)
from cashcast.reports.excel.formulas import cell

COARSE_POINTS, FINE_POINTS = 41, IRR_FINE_STEPS.value + 1
COARSE_FROM, COARSE_STEP = IRR_COARSE_FROM.value, IRR_COARSE_STEP.value
NO_ROOT = NONE_TEXT.text   # the distance where NPV does not change sign (MIN, COUNT and MATCH skip text)
TRIALS = "irr.trial"    # the row of trial numbers 0, 1, 2, ... (each the one before + 1)

ROWS = ("irr.sign", "irr.sign_changes", TRIALS, "irr.coarse_rate", "irr.coarse_npv", "irr.coarse_distance", "irr.coarse_bracket",
        "irr.fine_rate", "irr.fine_npv", "irr.fine_distance", "irr.fine_bracket", "irr.guess")
LABELS = {
    "irr.sign": "IRR: sign of the last non-zero flow so far",
    "irr.sign_changes": "IRR: how many times the flows change sign (IRR only where exactly 1)",
    TRIALS: "IRR search: trial number",
    "irr.coarse_rate": "IRR search, coarse: trial monthly rate",
    "irr.coarse_npv": "IRR search, coarse: NPV at that rate",
    "irr.coarse_distance": "IRR search, coarse: |root| where NPV changes sign (none: no change)",
    "irr.coarse_bracket": "IRR search, coarse: bracket with the root nearest zero",
    "irr.fine_rate": "IRR search, fine: trial monthly rate",
    "irr.fine_npv": "IRR search, fine: NPV at that rate",
    "irr.fine_distance": "IRR search, fine: |root| where NPV changes sign (none: no change)",
    "irr.fine_bracket": "IRR search, fine: bracket with the root nearest zero",
    "irr.guess": "IRR search: monthly rate given to IRR as its guess",
}


def _a1(row: int, col: int, absolute: bool = True) -> str:
    return cell(row, col, absolute, absolute)


@dataclass(frozen=True)
class SearchCells:
    """Where the search sits: its rows (0-based), its first column, and the flows' row and columns."""

    rows: dict[str, int]
    first_col: int
    flows_row: int
    flows_first: int
    flows_last: int

    def span(self, key: str, points: int) -> str:
        r = self.rows[key]
        return f"{_a1(r, self.first_col)}:{_a1(r, self.first_col + points - 1)}"

    def npv(self, rate_cell: str) -> str:
        """NPV of the flows at a rate, the first month undiscounted."""
        first = _a1(self.flows_row, self.flows_first)
        if self.flows_last == self.flows_first:
            return f"={first}"
        rest = f"{_a1(self.flows_row, self.flows_first + 1)}:{_a1(self.flows_row, self.flows_last)}"
        return f"=NPV({rate_cell},{rest})+{first}"

    def distance(self, kind: str, i: int) -> str:
        """|interpolated root| between trial points i and i+1 if NPV changes sign there, else "none"."""
        rate, npv = self.rows[f"irr.{kind}_rate"], self.rows[f"irr.{kind}_npv"]
        c = self.first_col + i
        r0, r1 = _a1(rate, c, False), _a1(rate, c + 1, False)
        n0, n1 = _a1(npv, c, False), _a1(npv, c + 1, False)
        return (f'=IF(SIGN({n0})*SIGN({n1})<=0,IFERROR(ABS({r0}-{n0}*({r1}-{r0})/({n1}-{n0})),'
                f"{NONE_TEXT.name}),{NONE_TEXT.name})")

    def sign(self, i: int) -> str:
        """The sign of the last non-zero flow up to month i."""
        flow = _a1(self.flows_row, self.flows_first + i, False)
        if i == 0:
            return f"=SIGN({flow})"
        before = _a1(self.rows["irr.sign"], self.first_col + i - 1, False)
        return f"=IF({flow}<>0,SIGN({flow}),{before})"

    def sign_changes(self) -> str:
        """Months whose carried sign is opposite to the month before's."""
        months = self.flows_last - self.flows_first + 1
        if months < 2:
            return "=0"
        r = self.rows["irr.sign"]
        now = f"{_a1(r, self.first_col + 1)}:{_a1(r, self.first_col + months - 1)}"
        before = f"{_a1(r, self.first_col)}:{_a1(r, self.first_col + months - 2)}"
        return f"=SUMPRODUCT(({now}*{before}<0)*1)"

    def bracket(self, kind: str, points: int) -> str:
        """The position of the smallest distance; the first bracket where no trial changes sign."""
        d = self.span(f"irr.{kind}_distance", points - 1)
        return f"=IF(COUNT({d})=0,1,MATCH(MIN({d}),{d},0))"

    def count(self, i: int) -> str:
        """Trial i's number: 0 in the first column, then the one before + 1."""
        return "=0" if i == 0 else f"={cell(self.rows[TRIALS], self.first_col + i - 1)}+1"

    def trial(self, i: int) -> str:
        """Trial i's number, from the trial-number row (relative column, fixed row)."""
        return cell(self.rows[TRIALS], self.first_col + i, abs_row=True)

    def coarse_rate(self, i: int) -> str:
        return f"=EXP({IRR_COARSE_FROM.name}+{IRR_COARSE_STEP.name}*{self.trial(i)})-1"

    def fine_rate(self, i: int) -> str:
        rates, k = self.span("irr.coarse_rate", COARSE_POINTS), _a1(self.rows["irr.coarse_bracket"], self.first_col)
        low, high = f"INDEX({rates},1,{k})", f"INDEX({rates},1,{k}+1)"
        return f"={low}+({high}-{low})*{self.trial(i)}/{IRR_FINE_STEPS.name}"

    def guess(self) -> str:
        """The fine bracket's interpolated root (0 where there is none)."""
        rates, npvs = self.span("irr.fine_rate", FINE_POINTS), self.span("irr.fine_npv", FINE_POINTS)
        m = _a1(self.rows["irr.fine_bracket"], self.first_col)
        r0, r1 = f"INDEX({rates},1,{m})", f"INDEX({rates},1,{m}+1)"
        n0, n1 = f"INDEX({npvs},1,{m})", f"INDEX({npvs},1,{m}+1)"
        return f"=IFERROR({r0}-{n0}*({r1}-{r0})/({n1}-{n0}),0)"

    def irr(self) -> str:
        """Annualised IRR from the searched guess; "n/a" unless the flows change sign exactly once,
        or without a bracket or convergence."""
        flows = f"{_a1(self.flows_row, self.flows_first)}:{_a1(self.flows_row, self.flows_last)}"
        changes = _a1(self.rows["irr.sign_changes"], self.first_col)
        none = f"COUNT({self.span('irr.coarse_distance', COARSE_POINTS - 1)})=0"
        guess = _a1(self.rows["irr.guess"], self.first_col)
        return (f"=IF(OR({changes}<>1,{none}),{NA_TEXT.name},"
                f"IFERROR((1+IRR({flows},{guess}))^{MONTHS_PER_YEAR.name}-1,{NA_TEXT.name}))")

    def formulas(self) -> dict[str, list[str]]:
        """Every helper row's formulas, left to right."""
        months = self.flows_last - self.flows_first + 1
        return {
            "irr.sign": [self.sign(i) for i in range(months)],
            "irr.sign_changes": [self.sign_changes()],
            TRIALS: [self.count(i) for i in range(COARSE_POINTS)],
            "irr.coarse_rate": [self.coarse_rate(i) for i in range(COARSE_POINTS)],
            "irr.coarse_npv": [self.npv(_a1(self.rows["irr.coarse_rate"], self.first_col + i, False))
                               for i in range(COARSE_POINTS)],
            "irr.coarse_distance": [self.distance("coarse", i) for i in range(COARSE_POINTS - 1)],
            "irr.coarse_bracket": [self.bracket("coarse", COARSE_POINTS)],
            "irr.fine_rate": [self.fine_rate(i) for i in range(FINE_POINTS)],
            "irr.fine_npv": [self.npv(_a1(self.rows["irr.fine_rate"], self.first_col + i, False))
                             for i in range(FINE_POINTS)],
            "irr.fine_distance": [self.distance("fine", i) for i in range(FINE_POINTS - 1)],
            "irr.fine_bracket": [self.bracket("fine", FINE_POINTS)],
            "irr.guess": [self.guess()],
        }


def _npv(flows: np.ndarray, rates: np.ndarray) -> np.ndarray:
    t = np.arange(len(flows), dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return flows[0] + (flows[1:, None] / (1.0 + rates[None, :]) ** t[1:, None]).sum(axis=0)


def _distances(rates: np.ndarray, npvs: np.ndarray) -> np.ndarray:
    r0, r1, n0, n1 = rates[:-1], rates[1:], npvs[:-1], npvs[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.abs(r0 - n0 * (r1 - r0) / (n1 - n0))
    change = np.sign(n0) * np.sign(n1) <= 0
    return np.where(change & np.isfinite(est), est, np.nan)


def _nearest(distances: np.ndarray) -> int:
    """The position of the smallest distance (NaN: no sign change), the first where there is none."""
    return int(np.argmin(np.where(np.isnan(distances), np.inf, distances)))


def search_values(flows: np.ndarray) -> dict[str, np.ndarray]:
    """numpy's value of every helper cell for one path's monthly flows (the cached values); a distance
    is NaN where NPV does not change sign (the cell shows "none")."""
    flows = np.asarray(flows, dtype=float)
    coarse = np.exp(COARSE_FROM + COARSE_STEP * np.arange(COARSE_POINTS)) - 1
    coarse_npv = _npv(flows, coarse)
    coarse_dist = _distances(coarse, coarse_npv)
    k = _nearest(coarse_dist)
    fine = coarse[k] + (coarse[k + 1] - coarse[k]) * np.arange(FINE_POINTS) / (FINE_POINTS - 1)
    fine_npv = _npv(flows, fine)
    fine_dist = _distances(fine, fine_npv)
    m = _nearest(fine_dist)
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = fine[m] - fine_npv[m] * (fine[m + 1] - fine[m]) / (fine_npv[m + 1] - fine_npv[m])
    return {
        "irr.sign": carried_sign(flows[:, None])[:, 0], "irr.sign_changes": np.array([float(sign_changes(flows[:, None])[0])]),
        TRIALS: np.arange(COARSE_POINTS, dtype=float), "irr.coarse_rate": coarse, "irr.coarse_npv": coarse_npv, "irr.coarse_distance": coarse_dist,
        "irr.coarse_bracket": np.array([k + 1.0]), "irr.fine_rate": fine, "irr.fine_npv": fine_npv,
        "irr.fine_distance": fine_dist, "irr.fine_bracket": np.array([m + 1.0]),
        "irr.guess": np.array([guess if np.isfinite(guess) else 0.0]),
    }
