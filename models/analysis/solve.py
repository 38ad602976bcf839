"""Solve-for: the value of one assumption that makes a KPI reach a target.

``cashcast solve WORKBOOK --vary BLOCK.PARAMETER --target KPI=VALUE`` changes one assumption of one
scenario (base unless ``--scenario``) and reports the value at which the target starts to be met.
A target is met when the KPI is at least as good as the value given:

================== =================== ==================================================
KPI                VALUE               met when
================== =================== ==================================================
cash_out_month     YYYY-MM or never    cash runs out in that month or later, or never
runway_months      N or never          the runway is N months or more, or cash never runs out
break_even_month   YYYY-MM             break-even (trailing 12-month operating cash flow ≥ 0)
                                       in that month or earlier
peak_funding_need  amount (2.5B, 3e9)  the deepest cumulative operating deficit is at most that
npv                amount              the NPV is at least that
ending_cash        amount              closing cash in the last month is at least that
================== =================== ==================================================

The search range is the row's low..high; a missing bound (or both) comes from the default range:
a percentage 0%..100%; a date the model's first..last month; a growth rate −99%..max(200%, 10v);
a number of months 1..max(horizon, 10v); anything else (counts, money) 0..10v, where v is the larger
of the scenario's and the base value (v = 0 without low/high needs ``--range``). ``--range LOW
HIGH`` replaces the range.

Method, all vectorised: 257 evenly spaced candidates (the range's ends included) are evaluated as
the columns of one pass; wherever "met" changes between neighbours, the bracket is refined by passes
of 32 candidates inside each bracket (all brackets in the same pass) until it is narrower than
10⁻¹² of the range. Dates are searched over every whole month of the range in one pass. The
threshold nearest to the scenario's value is reported, rounded away from the threshold to 4
significant digits, or more when needed to still meet the target (checked by evaluating the rounded
candidates, again in one pass).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from cashcast.models.analysis import kpis
from cashcast.models.analysis.batch import evaluate_kpis, json_value, month_label, scenario_params, with_columns
from cashcast.models.engine.model import Model
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import BASE, Row, Workbook, parse_date

GRID = 256            # intervals of the first pass (GRID + 1 candidates)
REFINE = 32           # candidates per bracket in each refining pass
MAX_BRACKETS = 8      # brackets refined at once (the nearest to the scenario's value)
RELATIVE_TOLERANCE = 1e-12
NICE_DIGITS = 4       # the answer is rounded to 4 significant digits, more if needed to meet the target
SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}


# ------------------------------------------------------------------------------------------------
# Reading --vary and --target
# ------------------------------------------------------------------------------------------------
def solvable_rows(workbook: Workbook) -> list[Row]:
    """Rows a solve can vary: every assumption with a value (not a link to another block's line), and
    the settings a scenario may change (``settings.opening_cash``)."""
    return [r for r in workbook.rows if r.link is None] + workbook.setting_rows()


def find_row(workbook: Workbook, text: str) -> Row:
    """The row named ``BLOCK.PARAMETER`` (case and spaces around the dot ignored), or InputError."""
    def norm(s: str) -> str:
        return re.sub(r"\s*\.\s*", ".", " ".join(s.split())).lower()

    rows = solvable_rows(workbook)
    for r in rows:
        if norm(r.label) == norm(text):
            return r
    linked = [r for r in workbook.rows if r.link is not None and norm(r.label) == norm(text)]
    why = "is linked to a line, not a value" if linked else "names no assumption"
    raise InputError([Problem(workbook.name, "", "", f"--vary '{text}' {why}; valid: "
                                                     f"{', '.join(r.label for r in rows)}")])


def parse_amount(text: str) -> float | None:
    """'2.5B' → 2.5e9, '-3e8' → -3e8, '$1,200,000' → 1.2e6; None if it is not an amount.

    >>> parse_amount("2.5B"), parse_amount("-3e8"), parse_amount("$1,200,000"), parse_amount("x")
    (2500000000.0, -300000000.0, 1200000.0, None)
    """
    m = re.fullmatch(r"\s*([-+]?)\s*[$¥€£]?\s*([0-9][0-9,]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*",
                     text)
    if not m or (m[3] and m[3].lower() not in SUFFIXES):
        return None
    x = float(m[2].replace(",", "")) * (SUFFIXES[m[3].lower()] if m[3] else 1.0)
    return -x if m[1] == "-" else x


def direction(intervals, value: float | None, low: float, high: float) -> str | None:
    """'at least' when the met interval holding ``value`` runs to the range's high end (and not from
    its low end), 'at most' when it runs from the low end (and not to the high), None for a band, for
    a met set covering the whole range, or for no value.

    >>> direction([(3.0, 10.0)], 3.0, 0.0, 10.0), direction([(0.0, 4.0)], 4.0, 0.0, 10.0)
    ('at least', 'at most')
    """
    for a, b in intervals:
        if value is not None and a <= value <= b:
            if b >= high and a > low:
                return "at least"
            if a <= low and b < high:
                return "at most"
    return None


def input_json(x: float | None, dimension: str, months) -> float | str | None:
    """A value of the varied input as the JSON gives it: 'YYYY-MM' for a date, else a number; None
    for no value."""
    if x is None or not math.isfinite(x):
        return None
    return month_label(months, x) if dimension == "date" else float(x)


@dataclass(frozen=True)
class Target:
    """A KPI goal: met when the KPI is at least as good as ``goal`` (see the module docstring).

    ``goal`` is a month index from the model's start (inf = never) or an amount.
    """

    kpi: str
    value: str    # as typed after '='
    goal: float

    @property
    def text(self) -> str:
        return f"{self.kpi}={self.value}"

    def met(self, figures: dict[str, np.ndarray]) -> np.ndarray:
        """Which columns meet the target; "never" counts as later than every month."""
        x = np.asarray(figures[self.kpi], dtype=float)
        if kpis.named(self.kpi).is_month:
            x = np.where(np.isnan(x), np.inf, x)
        return x >= self.goal if kpis.named(self.kpi).better > 0 else x <= self.goal


def parse_target(workbook: Workbook, text: str) -> Target:
    """``KPI=VALUE`` → :class:`Target`, or InputError naming the valid KPIs and values."""
    def bad(msg):
        valid = "; ".join(f"{k.name} ({k.target})" for k in kpis.solvable())
        return InputError([Problem(workbook.name, "", "", f"--target '{text}': {msg}. Valid targets: "
                                                          f"{valid}")])

    kpi, sep, value = text.partition("=")
    kpi, value = kpi.strip().lower(), value.strip()
    solvable = {k.name: k for k in kpis.solvable()}
    if not sep or kpi not in solvable:
        raise bad("write KPI=VALUE with a KPI below" if not sep else f"unknown KPI '{kpi}'")
    figure = solvable[kpi]
    horizon = workbook.settings.horizon_months
    months = workbook.months()
    span = f"{months[0]:%Y-%m}..{months[-1]:%Y-%m}"
    if figure.never_is_best and value.lower() == "never":
        return Target(kpi, "never", math.inf)
    if figure.is_date:
        ordinal, err = parse_date(value)
        if err:
            raise bad(f"'{value}' is not a month; type YYYY-MM" + (" or never" if figure.never_is_best else ""))
        index = ordinal - workbook.start_ordinal
        if not 0 <= index < horizon:
            raise bad(f"{value} lies outside the model's months {span}")
        return Target(kpi, value, float(index))
    if figure.kind == "months":
        if not re.fullmatch(r"\d+", value) or not 0 <= int(value) < horizon:
            raise bad(f"'{value}' is not a whole number of months from 0 to {horizon - 1} (or never)")
        return Target(kpi, value, float(int(value)))
    amount = parse_amount(value)
    if amount is None:
        raise bad(f"'{value}' is not an amount such as 2500000000 or 2.5B")
    return Target(kpi, value, amount)


def search_range(workbook: Workbook, row: Row, scenario: str,
                 given: tuple[float, float] | None = None) -> tuple[float, float, str]:
    """(low, high, where they come from) in engine units; see the module docstring."""
    if given is not None:
        lo, hi = sorted(workbook.model_value(row, x) for x in given)
        return lo, hi, "--range"
    v = max(abs(workbook.row_value(row, scenario)), abs(workbook.row_value(row, BASE)))
    horizon = workbook.settings.horizon_months
    default = {
        "percent": (0.0, 1.0),
        "date": (0.0, float(horizon - 1)),
        "rate": (-0.99, max(2.0, 10 * v)),
        "months": (1.0, max(float(horizon), 10 * v)),
        "days": (0.0, 365.0),
    }.get(row.dimension, (0.0, 10 * v))
    lo = workbook.model_value(row, row.low) if row.low is not None else default[0]
    hi = workbook.model_value(row, row.high) if row.high is not None else default[1]
    source = ("low..high" if row.low is not None and row.high is not None
              else "default range" if row.low is None and row.high is None
              else "low..high and the default range")
    if hi <= lo:
        raise InputError([Problem(workbook.name, "Assumptions", row.cells.get("value", ""),
                                  f"{row.label}: cannot search from {lo:.6g} to {hi:.6g}; give a "
                                  f"range with --range LOW HIGH")])
    return lo, hi, source


def parse_range(workbook: Workbook, row: Row, texts: list[str]) -> tuple[float, float]:
    """``--range LOW HIGH`` in the row's own units (15% or 0.15, 2024-03, 2.5B)."""
    out = []
    for t in texts:
        if row.dimension == "date":
            x, err = parse_date(t)
        elif row.dimension in ("percent", "rate") and t.strip().endswith("%"):
            x, err = parse_amount(t.strip()[:-1]), None
            x = None if x is None else x / 100.0
        else:
            x, err = parse_amount(t), None
        if x is None or err:
            raise InputError([Problem(workbook.name, "", "", f"--range '{t}' is not a value for "
                                                             f"{row.label} ({row.unit})")])
        out.append(x)
    return out[0], out[1]


# ------------------------------------------------------------------------------------------------
# The search
# ------------------------------------------------------------------------------------------------
@dataclass
class Solution:
    """What ``solve`` found. Values in engine units (percentages as fractions, dates as month
    indices from the model's start); KPI values as :mod:`cashcast.models.analysis.kpi` gives them (NaN = never)."""

    parameter: str
    unit: str
    dimension: str
    scenario: str
    target: Target
    low: float                       # the range searched
    high: float
    range_source: str
    current: float                   # the scenario's value
    current_kpi: float
    current_meets: bool
    value: float | None = None       # the value to type: the threshold nearest the current value
    exact: float | None = None       # that threshold before rounding (met side of the last bracket)
    kpi_at_value: float | None = None
    intervals: list[tuple[float, float]] = field(default_factory=list)  # where the target is met
    best: float = math.nan           # the candidate with the best KPI (for "not reachable")
    best_kpi: float = math.nan
    passes: int = 0
    candidates: int = 0

    @property
    def found(self) -> bool:
        return bool(self.intervals)

    @property
    def direction(self) -> str | None:
        """'at least' if values above ``value`` (to the range's end) also meet the target, 'at most'
        if values below do, None if ``value`` is the current value or the met set is a band."""
        if self.current_meets:
            return None
        return direction(self.intervals, self.value, self.low, self.high)


    def to_json(self, months) -> dict:
        """JSON-ready: parameter values in the row's units (dates 'YYYY-MM'), KPIs as in the report."""
        def value(x):
            return input_json(x, self.dimension, months)

        def kpi(x):
            return None if x is None else json_value(kpis.named(self.target.kpi), x, months)

        return {"parameter": self.parameter, "unit": self.unit, "scenario": self.scenario,
                "target": self.target.text, "found": self.found, "value": value(self.value),
                "direction": self.direction, "exact": value(self.exact),
                "kpi_at_value": kpi(self.kpi_at_value), "current": value(self.current),
                "current_kpi": kpi(self.current_kpi), "current_meets": self.current_meets,
                "range": [value(self.low), value(self.high)], "range_source": self.range_source,
                "met_intervals": [[value(a), value(b)] for a, b in self.intervals],
                "best": value(self.best), "best_kpi": kpi(self.best_kpi),
                "passes": self.passes, "candidates": self.candidates}


class _Evaluator:
    """Evaluates candidate values of one parameter as columns, counting passes and candidates."""

    def __init__(self, model: Model, scenario: str, key: str, target: Target):
        self.model, self.key, self.target = model, key, target
        self.base = scenario_params(model, scenario)
        self.passes = self.candidates = 0

    def __call__(self, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(met, KPI) per candidate."""
        xs = np.asarray(xs, dtype=float)
        figures, _ = evaluate_kpis(self.model, with_columns(self.base, {self.key: xs}))
        self.passes += 1
        self.candidates += len(xs)
        kpi = np.broadcast_to(np.asarray(figures[self.target.kpi], dtype=float), xs.shape)
        met = np.broadcast_to(self.target.met(figures), xs.shape)
        return met.copy(), kpi.copy()


def refine(evaluate: _Evaluator, brackets: list[tuple[float, float, bool]], tol: float,
           max_passes: int = 12) -> list[tuple[float, float, bool]]:
    """Narrow brackets ``(a, b, met_at_b)`` (met differs at a and b) until narrower than ``tol``.

    Each pass evaluates REFINE interior candidates of every bracket in one call, and keeps the
    first sub-interval where "met" changes.
    """
    for _ in range(max_passes):
        if all(b - a <= tol for a, b, _ in brackets):
            break
        inner = [np.linspace(a, b, REFINE + 2) for a, b, _ in brackets]
        met, _ = evaluate(np.concatenate([x[1:-1] for x in inner]))
        out = []
        for i, (xs, (a, b, met_b)) in enumerate(zip(inner, brackets)):
            flags = np.concatenate([[not met_b], met[i * REFINE:(i + 1) * REFINE], [met_b]])
            j = int(np.flatnonzero(flags[1:] != flags[:-1])[0])
            out.append((float(xs[j]), float(xs[j + 1]), bool(flags[j + 1])))
        brackets = out
    return brackets


def nice_candidates(x: float, upward: bool, fewest: int = NICE_DIGITS) -> np.ndarray:
    """x rounded to ``fewest``..15 significant digits, up (or down) so the result stays on x's side.

    >>> nice_candidates(0.01371234, True)[:3]
    array([0.01372  , 0.013713 , 0.0137124])
    """
    if x == 0 or not math.isfinite(x):
        return np.array([x])
    out = []
    for digits in range(fewest, 16):
        scale = 10.0 ** (digits - 1 - math.floor(math.log10(abs(x))))
        y = (math.ceil if upward else math.floor)(x * scale) / scale
        out.append(float(f"{y:.{digits}g}"))
    return np.array(out)


def met_intervals(xs: np.ndarray, met: np.ndarray, edges: dict[int, float]) -> list[tuple[float, float]]:
    """Runs of met grid points as (from, to), with refined boundaries where known (``edges[i]`` is
    the refined met-side end of the bracket between grid points i and i + 1)."""
    out, start = [], None
    for i, m in enumerate(met):
        if m and start is None:
            start = edges.get(i - 1, float(xs[i])) if i > 0 else float(xs[0])
        if not m and start is not None:
            out.append((start, edges.get(i - 1, float(xs[i - 1]))))
            start = None
    if start is not None:
        out.append((start, float(xs[-1])))
    return out


def solve(model: Model, scenario: str, row: Row, target: Target,
          given_range: tuple[float, float] | None = None) -> Solution:
    """Find the value of ``row`` nearest to the scenario's value that meets ``target``."""
    wb = model.workbook
    lo, hi, source = search_range(wb, row, scenario, given_range)
    evaluate = _Evaluator(model, scenario, row.key, target)
    current = wb.row_value(row, scenario)
    if row.dimension == "date":
        xs = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=float)
    else:
        xs = np.linspace(lo, hi, GRID + 1)
    met, kpi = evaluate(np.concatenate([[current], xs]))
    (current_meets, met), (current_kpi, kpi) = (met[0], met[1:]), (kpi[0], kpi[1:])
    figure = kpis.named(target.kpi)
    ranked = (np.where(np.isnan(kpi), math.inf, kpi) if figure.is_month else kpi) * figure.better
    best = int(np.argmax(ranked))
    sol = Solution(row.label, row.unit, row.dimension, scenario, target, lo, hi, source, current,
                   float(current_kpi), bool(current_meets), best=float(xs[best]), best_kpi=float(kpi[best]))

    flips = np.flatnonzero(met[1:] != met[:-1])
    edges: dict[int, float] = {}
    if len(flips) and row.dimension != "date":
        order = sorted(flips, key=lambda i: abs(xs[i] - current))[:MAX_BRACKETS]
        brackets = refine(evaluate, [(float(xs[i]), float(xs[i + 1]), bool(met[i + 1])) for i in order],
                          RELATIVE_TOLERANCE * (hi - lo))
        edges = {i: (b if met_b else a) for i, (a, b, met_b) in zip(order, brackets)}
    sol.intervals = met_intervals(xs, met, edges)
    if sol.intervals:
        _choose_value(sol, evaluate, current)
    sol.passes, sol.candidates = evaluate.passes, evaluate.candidates
    return sol


def _choose_value(sol: Solution, evaluate: _Evaluator, current: float) -> None:
    """The met value nearest the scenario's value (itself when it meets), rounded if still met."""
    if sol.current_meets:
        sol.value = sol.exact = current
        sol.kpi_at_value = sol.current_kpi
        return
    ends = [(abs(x - current), x, (a, b)) for a, b in sol.intervals for x in (a, b)]
    _, exact, (a, b) = min(ends)
    sol.exact = exact
    if sol.dimension == "date":
        sol.value, sol.kpi_at_value = exact, float(evaluate(np.array([exact]))[1][0])
        return
    upward = exact == a and b > a or (a == b and exact > current)
    nice = [x for x in nice_candidates(exact, upward) if a <= x <= b] + [exact]
    met, kpi = evaluate(np.array(nice))
    i = int(np.flatnonzero(met)[0]) if met.any() else len(nice) - 1
    sol.value, sol.kpi_at_value = float(nice[i]), float(kpi[i])


__all__ = ["Solution", "Target", "find_row", "parse_range", "parse_target", "solve"]
