"""Solve for a probability: the value of one input that makes a Monte Carlo target hold.

``cashcast solve WORKBOOK --vary BLOCK.PARAMETER --target "P(cash_out_month <= 2026-12) <= 10%"``
(or a percentile target, :mod:`cashcast.models.analysis.chance`) searches the input's range
(:func:`cashcast.models.analysis.solve.search_range`, or ``--range``) for the values at which the
scenario's simulation meets the target.

**Common random numbers.** The scenario's uncertain rows, except the one varied, are drawn once
(:func:`cashcast.models.analysis.distributions.sample`, the same seed, streams and correlations as
``cashcast run``); every candidate value is evaluated against those same draws. The varied input
is fixed at the candidate in every sample (not drawn, even where the row has a range). So the
figure is a deterministic function of the candidate: the search cannot be misled by a fresh
sampling error at each step, and the same seed gives the same answer.

**Vectorised and chunked.** Candidates × samples are the columns of the model's evaluation, about
``chunk_size(horizon)`` columns a call (as the simulation), so memory stays bounded; only the
target KPI of each column is kept (8 bytes per candidate × sample).

**Search.** 17 evenly spaced candidates (the range's ends included; dates: at most 17 whole
months) in one pass; wherever "met" changes between neighbours, the bracket is refined by passes of
8 candidates inside it (the 4 brackets nearest the current value, all in the same pass) until it
is narrower than 10⁻⁶ of the range (dates: one month). The answer is the threshold nearest to the
scenario's value: where the current value fails, the nearest value that meets; where it meets,
the end of its met interval inside the range (how far the input may move and still meet), or none
when the whole range meets. It is rounded away from the threshold to 4 significant digits, or more
when needed to still meet (checked with the same draws). The achieved probability or percentile at
the answer and at the current value carry their 95% sampling-error intervals
(:mod:`cashcast.models.analysis.sampling_error`): they say how far the figure may be from the one
infinitely many samples give, which the common draws do not remove.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cashcast.models.analysis.batch import evaluate_kpis, scenario_params
from cashcast.models.analysis.chance import ChanceTarget
from cashcast.models.analysis.distributions import sample, uncertain_rows
from cashcast.models.analysis.simulation import chunk_size
from cashcast.models.analysis.solve import (direction, input_json, met_intervals, nice_candidates,
                                            search_range)
from cashcast.models.engine.model import Model
from cashcast.models.reading.workbook import Row

GRID = 16             # intervals of the first pass (GRID + 1 candidates)
REFINE = 8            # candidates per bracket in each refining pass
MAX_BRACKETS = 4      # brackets refined at once (the nearest to the scenario's value)
RELATIVE_TOLERANCE = 1e-6
NICE_DIGITS = (4, 8)  # the answer rounded to 4..7 significant digits, the first that still meets


class CommonDraws:
    """The scenario's draws, made once, and the target's figure for any candidate values of one input.

    ``__call__(xs)`` evaluates every candidate against every sample: columns candidate-major
    (column ``c·n + i`` is candidate c with sample i), in chunks of ``chunk`` columns.
    """

    def __init__(self, model: Model, scenario: str, key: str, target: ChanceTarget | None, samples: int,
                 seed: int, chunk: int | None = None):
        if samples < 1:
            raise ValueError("samples must be 1 or more")
        wb = model.workbook
        self.model, self.key, self.target, self.samples = model, key, target, samples
        self.varied = [u for u in uncertain_rows(wb, scenario) if u.varies and u.key != key]
        self.draws = sample(self.varied, samples, seed, correlations=wb.correlations)
        self.base = scenario_params(model, scenario)
        self.chunk = chunk or chunk_size(model.horizon)
        self.passes = self.candidates = 0

    def values(self, xs: np.ndarray, kpi: str | None = None) -> np.ndarray:
        """The target KPI (or ``kpi``) of every candidate × sample: (len(xs), samples), NaN = never."""
        xs = np.asarray(xs, dtype=float)
        kpi = kpi or self.target.kpi
        n, total = self.samples, len(xs) * self.samples
        out = np.empty(total)
        for start in range(0, total, self.chunk):
            cols = np.arange(start, min(start + self.chunk, total))
            params = dict(self.base)
            params.update({k: v[cols % n] for k, v in self.draws.items()})
            params[self.key] = xs[cols // n]
            figures, _ = evaluate_kpis(self.model, params)
            out[start:start + len(cols)] = np.broadcast_to(figures[kpi], cols.shape)
        self.passes += 1
        self.candidates += len(xs)
        return out.reshape(len(xs), n)

    def __call__(self, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(met, the probability or percentile) per candidate."""
        values = self.values(xs)
        return self.target.met(values), self.target.statistic(values)


@dataclass
class ChanceSolution:
    """What a probability solve found; values in engine units (dates as month indices)."""

    parameter: str
    unit: str
    dimension: str
    scenario: str
    target: ChanceTarget
    samples: int
    seed: int
    low: float
    high: float
    range_source: str
    current: float
    current_stat: float
    current_meets: bool
    current_ci: tuple[float, float] = (math.nan, math.nan)
    value: float | None = None       # the answer (rounded), None when not found or all of the range meets
    exact: float | None = None       # the threshold before rounding
    stat_at_value: float | None = None
    ci_at_value: tuple[float, float] | None = None
    intervals: list[tuple[float, float]] = field(default_factory=list)  # where the target is met
    best: float = math.nan           # the candidate closest to meeting (for "not found")
    best_stat: float = math.nan
    drawn: list[str] = field(default_factory=list)  # the assumptions drawn (labels)
    passes: int = 0
    candidates: int = 0

    @property
    def found(self) -> bool:
        return bool(self.intervals)

    @property
    def direction(self) -> str | None:
        """'at least' when values from the answer up to the range's end meet, 'at most' when values
        down to its start do, None for a band or no answer."""
        return direction(self.intervals, self.value, self.low, self.high)

    def to_json(self, months) -> dict:
        """JSON-ready: the input in its units (dates 'YYYY-MM'), probabilities as fractions."""
        def value(x):
            return input_json(x, self.dimension, months)

        def stat(x):
            return self.target.json_statistic(x, months)

        def ci(pair):
            return None if pair is None else [stat(x) if math.isfinite(x) else None for x in pair]

        return {"parameter": self.parameter, "unit": self.unit, "scenario": self.scenario,
                "target": self.target.text, "samples": self.samples, "seed": self.seed,
                "found": self.found, "value": value(self.value), "direction": self.direction,
                "exact": value(self.exact), "at_value": stat(self.stat_at_value),
                "at_value_ci95": ci(self.ci_at_value), "current": value(self.current),
                "at_current": stat(self.current_stat), "at_current_ci95": ci(self.current_ci),
                "current_meets": self.current_meets, "range": [value(self.low), value(self.high)],
                "range_source": self.range_source,
                "met_intervals": [[value(a), value(b)] for a, b in self.intervals],
                "best": value(self.best), "at_best": stat(self.best_stat), "drawn": self.drawn,
                "passes": self.passes, "candidates": self.candidates}


def grid(lo: float, hi: float, integer: bool, count: int = GRID + 1) -> np.ndarray:
    """``count`` evenly spaced candidates from lo to hi; whole numbers only, each once, for dates.

    >>> grid(0.0, 119.0, True).tolist()[:4], grid(0.0, 3.0, True).tolist(), grid(0.0, 1.0, False, 3).tolist()
    ([0.0, 7.0, 15.0, 22.0], [0.0, 1.0, 2.0, 3.0], [0.0, 0.5, 1.0])
    """
    if integer:
        return np.unique(np.round(np.linspace(math.ceil(lo), math.floor(hi), count)))
    return np.linspace(lo, hi, count)


def refine(evaluate: CommonDraws, brackets: list[tuple[float, float, bool]], tol: float,
           integer: bool) -> list[tuple[float, float, bool]]:
    """Narrow brackets ``(a, b, met_at_b)`` until narrower than ``tol`` (whole numbers: adjacent),
    REFINE interior candidates of every bracket per pass, all brackets in one evaluation."""
    def done(a, b):
        return b - a <= (1.0 if integer else tol)

    for _ in range(64):
        todo = [i for i, (a, b, _) in enumerate(brackets) if not done(a, b)]
        if not todo:
            break
        inner = {i: grid(brackets[i][0], brackets[i][1], integer, REFINE + 2)[1:-1] for i in todo}
        met, _ = evaluate(np.concatenate(list(inner.values())))
        at = 0
        for i, xs in inner.items():
            a, b, met_b = brackets[i]
            flags = np.concatenate([[not met_b], met[at:at + len(xs)], [met_b]])
            points = np.concatenate([[a], xs, [b]])
            at += len(xs)
            j = int(np.flatnonzero(flags[1:] != flags[:-1])[0])
            brackets[i] = (float(points[j]), float(points[j + 1]), bool(flags[j + 1]))
    return brackets


def solve_chance(model: Model, scenario: str, row: Row, target: ChanceTarget, samples: int, seed: int,
                 given_range: tuple[float, float] | None = None, chunk: int | None = None) -> ChanceSolution:
    """Search ``row``'s range for the values at which ``target`` holds (module docstring)."""
    wb = model.workbook
    lo, hi, source = search_range(wb, row, scenario, given_range)
    evaluate = CommonDraws(model, scenario, row.key, target, samples, seed, chunk)
    integer = row.dimension == "date"
    current = wb.row_value(row, scenario)
    xs = grid(lo, hi, integer)
    met, stat = evaluate(np.concatenate([[current], xs]))
    (current_meets, met), (current_stat, stat) = (bool(met[0]), met[1:]), (float(stat[0]), stat[1:])
    ranked = np.where(np.isnan(stat), math.inf, stat) * target.better()
    best = int(np.argmax(ranked))
    sol = ChanceSolution(row.label, row.unit, row.dimension, scenario, target, samples, seed, lo, hi, source,
                         current, current_stat, current_meets, best=float(xs[best]),
                         best_stat=float(stat[best]), drawn=[u.label for u in evaluate.varied])
    flips = np.flatnonzero(met[1:] != met[:-1])
    order = sorted(flips, key=lambda i: abs(xs[i] - current))[:MAX_BRACKETS]
    brackets = refine(evaluate, [(float(xs[i]), float(xs[i + 1]), bool(met[i + 1])) for i in order],
                      RELATIVE_TOLERANCE * (hi - lo), integer)
    edges = {i: (b if met_b else a) for i, (a, b, met_b) in zip(order, brackets)}
    sol.intervals = met_intervals(xs, met, edges)
    if sol.intervals:
        _choose_value(sol, evaluate, integer)
    _intervals_at(sol, evaluate)
    sol.passes, sol.candidates = evaluate.passes, evaluate.candidates
    return sol


def _threshold(sol: ChanceSolution) -> tuple[float, tuple[float, float]] | None:
    """The met interval's end to report, with its interval (module docstring), or None."""
    inside = lambda a, b: [x for x, edge in ((a, sol.low), (b, sol.high)) if x != edge]  # noqa: E731
    if sol.current_meets:
        here = [(a, b) for a, b in sol.intervals if a <= sol.current <= b]
        if not here or not inside(*here[0]):
            return None
        a, b = here[0]
        return min(inside(a, b), key=lambda x: abs(x - sol.current)), (a, b)
    ends = [(abs(x - sol.current), x, (a, b)) for a, b in sol.intervals for x in (a, b)]
    _, x, ab = min(ends)
    return x, ab


def _choose_value(sol: ChanceSolution, evaluate: CommonDraws, integer: bool) -> None:
    """The reported value: the threshold, rounded to the fewest digits that still meet."""
    chosen = _threshold(sol)
    if chosen is None:
        return
    exact, (a, b) = chosen
    sol.exact = exact
    if integer:
        sol.value = exact
        return
    upward = exact == a and b > a
    nice = [x for x in nice_candidates(exact, upward)[:NICE_DIGITS[1] - NICE_DIGITS[0]] if a <= x <= b]
    met, _ = evaluate(np.array(nice + [exact]))
    sol.value = float(([*nice, exact])[int(np.flatnonzero(met)[0])] if met.any() else exact)


def _intervals_at(sol: ChanceSolution, evaluate: CommonDraws) -> None:
    """The statistic and its 95% interval at the current value and at the answer (one pass)."""
    xs = [sol.current] + ([sol.value] if sol.value is not None else [])
    values = evaluate.values(np.array(xs))
    sol.current_ci = evaluate.target.interval(values[0])
    if sol.value is not None:
        sol.stat_at_value = float(evaluate.target.statistic(values[1:2])[0])
        sol.ci_at_value = evaluate.target.interval(values[1])


__all__ = ["ChanceSolution", "CommonDraws", "solve_chance"]
