"""Probability and percentile targets of a solve: ``P(KPI OP VALUE) OP PCT%`` and ``pQ.KPI OP VALUE``.

``cashcast solve --target`` takes, besides ``KPI=VALUE`` (one deterministic scenario, see
:mod:`cashcast.models.analysis.solve`), a target on the scenario's Monte Carlo:

* **a probability**: ``P(cash_out_month <= 2026-12) <= 10%`` — the share of the samples whose KPI
  satisfies the inner comparison, compared with a percentage (0%..100%, the ``%`` is required);
* **a percentile**: ``p90.runway_months >= 24``, ``p50.break_even_month <= 2027-06`` — the KPI's
  q-th percentile (q a whole number 1..99) as the simulation computes it (month figures: the earliest
  month by which at least q% of the paths got there, "never" last; money: numpy's linear
  percentile), compared with a value.

KPIs: those the simulation summarises (:func:`cashcast.models.analysis.kpis.simulated`). A value is
what the KPI is: a month ``YYYY-MM`` within the model's months, a whole number of months 0..horizon,
or an amount (``2.5B``, ``3e9``, ``-1,000,000``). Comparisons: ``<=``, ``<``, ``>=``, ``>``. "Never"
(cash never runs out, no break-even) counts as later than every month, so it satisfies ``>=`` and
``>`` and fails ``<=`` and ``<``. A probability is compared exactly: with k of n samples,
``k/n <= 10%`` is ``k <= ⌊0.1·n⌋`` (no rounding of the share).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from cashcast.models.analysis import kpis
from cashcast.models.analysis.batch import json_value
from cashcast.models.analysis.sampling_error import percentile_intervals, wilson
from cashcast.models.analysis.solve import parse_amount
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import Workbook, parse_date

OPS = ("<=", ">=", "<", ">")
_OP = r"(<=|>=|<|>)"
_PROBABILITY = re.compile(rf"[pP]\s*\(\s*([A-Za-z_]+)\s*{_OP}\s*([^()]*?)\s*\)\s*{_OP}\s*(.*?)\s*")
_PERCENTILE = re.compile(rf"[pP](\d+)\s*\.\s*([A-Za-z_]+)\s*{_OP}\s*(.*?)\s*")
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%")


def compare(x: np.ndarray, op: str, y: float) -> np.ndarray:
    """``x OP y`` element by element; NaN in ``x`` is "never", later than every month.

    >>> compare(np.array([3.0, 5.0, np.nan]), "<=", 5.0).tolist(), compare(np.array([np.nan]), ">", 5.0).tolist()
    ([True, True, False], [True])
    """
    x = np.where(np.isnan(x), np.inf, x)
    return {"<=": x <= y, "<": x < y, ">=": x >= y, ">": x > y}[op]


def count_meets(k: np.ndarray, op: str, share: Fraction, n: int) -> np.ndarray:
    """Whether k of n samples is ``OP share`` of them, in exact arithmetic: ``k OP share·n``.

    10% of 10,000 is 1,000: 1,000 meets ``<= 10%``, not ``< 10%``; 1,001 meets neither.

    >>> count_meets(np.array([999, 1000, 1001]), "<=", Fraction(1, 10), 10_000).tolist()
    [True, True, False]
    >>> count_meets(np.array([999, 1000, 1001]), "<", Fraction(1, 10), 10_000).tolist()
    [True, False, False]
    >>> count_meets(np.array([1, 2]), ">", Fraction(1, 3), 4).tolist()  # 4/3 of a sample
    [False, True]
    """
    t = share * n
    floor, ceil = math.floor(t), math.ceil(t)
    return {"<=": k <= floor, "<": k <= ceil - 1, ">=": k >= ceil, ">": k >= floor + 1}[op]


def percentiles_of(values: np.ndarray, q: int, is_month: bool) -> np.ndarray:
    """The q-th percentile of each row of ``values`` (candidates × samples), as the simulation
    computes it: months by numpy's ``inverted_cdf`` with NaN (never) last (NaN when it falls on
    never), money by numpy's default linear interpolation.

    >>> percentiles_of(np.array([[1.0, 2.0, 3.0, np.nan, np.nan]]), 50, True).tolist()  # 3 of 5 by month 3
    [3.0]
    >>> percentiles_of(np.array([[0.0, 10.0, 20.0, 30.0, 40.0]]), 90, False).tolist()  # h = 4·0.9 = 3.6
    [36.0]
    >>> percentiles_of(np.array([[1.0, 2.0, np.nan, np.nan]]), 75, True).tolist()  # falls on never
    [nan]
    """
    if not is_month:
        return np.percentile(values, q, axis=1)
    x = np.where(np.isnan(values), np.inf, values)
    out = np.percentile(x, q, axis=1, method="inverted_cdf")
    return np.where(np.isinf(out), np.nan, out)


@dataclass(frozen=True)
class ChanceTarget:
    """A probability (``share`` set) or percentile (``q`` set) target; ``goal`` is the value compared
    in engine units (a month index from the model's start, a number of months or an amount)."""

    text: str       # as typed
    kpi: str
    op: str         # the inner comparison (probability) or the percentile's comparison
    value: str      # the value as typed
    goal: float
    share: Fraction | None = None   # a probability target: P(...) OP share
    share_op: str = ""
    q: int | None = None            # a percentile target: pQ.KPI OP goal

    @property
    def is_probability(self) -> bool:
        return self.share is not None

    @property
    def figure(self) -> kpis.Kpi:
        return kpis.named(self.kpi)

    def statistic(self, values: np.ndarray) -> np.ndarray:
        """The figure the target constrains, per candidate (a row of ``values``, samples along
        axis 1): the share of samples meeting the inner comparison, or the percentile."""
        if self.is_probability:
            return compare(values, self.op, self.goal).mean(axis=1)
        return percentiles_of(values, self.q, self.figure.is_month)

    def met(self, values: np.ndarray) -> np.ndarray:
        """Which candidates (rows) meet the target."""
        if self.is_probability:
            k = compare(values, self.op, self.goal).sum(axis=1)
            return count_meets(k, self.share_op, self.share, values.shape[1])
        return compare(self.statistic(values), self.op, self.goal)

    def better(self) -> int:
        """+1 when a larger statistic is closer to meeting the target, −1 when a smaller is."""
        op = self.share_op if self.is_probability else self.op
        return 1 if op.startswith(">") else -1

    def interval(self, values: np.ndarray) -> tuple[float, float]:
        """The 95% sampling-error interval of the statistic of one candidate's samples (1-D):
        Wilson's for a probability, the order-statistic interval for a percentile."""
        if self.is_probability:
            return wilson(float(compare(values, self.op, self.goal).mean()), values.size)
        return percentile_intervals(values, (self.q,))[0]

    def json_statistic(self, x: float | None, months) -> float | str | int | None:
        """A statistic as the JSON holds it: a probability as a fraction, a percentile as its KPI."""
        if x is None:
            return None
        if self.is_probability:
            return round(float(x), 6)
        return json_value(self.figure, x, months)


def looks_like_chance(text: str) -> bool:
    """A target on the simulation (``P(...)`` or ``pQ.``) rather than ``KPI=VALUE``.

    >>> looks_like_chance("P(cash_out_month <= 2026-12) <= 10%"), looks_like_chance("p90.npv >= 0")
    (True, True)
    >>> looks_like_chance("cash_out_month=never")
    False
    """
    return bool(re.match(r"\s*[pP]\s*(\(|\d)", text))


def _value(wb: Workbook, figure: kpis.Kpi, text: str) -> tuple[float | None, str]:
    """A KPI value in engine units, or (None, why not)."""
    horizon = wb.settings.horizon_months
    if figure.is_date:
        ordinal, err = parse_date(text)
        months = wb.months()
        span = f"{months[0]:%Y-%m}..{months[-1]:%Y-%m}"
        if err:
            return None, f"'{text}' is not a month; type YYYY-MM within {span}"
        index = ordinal - wb.start_ordinal
        return (float(index), "") if 0 <= index < horizon else (None, f"{text} lies outside the model's months {span}")
    if figure.kind == "months":
        if re.fullmatch(r"\d+", text) and int(text) <= horizon:
            return float(int(text)), ""
        return None, f"'{text}' is not a whole number of months from 0 to {horizon}"
    amount = parse_amount(text)
    return (amount, "") if amount is not None else (None, f"'{text}' is not an amount such as 2500000000 or 2.5B")


def parse_chance_target(wb: Workbook, text: str) -> ChanceTarget:
    """``P(KPI OP VALUE) OP PCT%`` or ``pQ.KPI OP VALUE`` → :class:`ChanceTarget`; InputError otherwise."""
    names = [k.name for k in kpis.simulated()]

    def bad(msg: str) -> InputError:
        return InputError([Problem(wb.name, "", "", f"--target '{text}': {msg}. Write a probability such as "
                                   f"'P(cash_out_month <= 2026-12) <= 10%' or a percentile such as "
                                   f"'p90.runway_months >= 24' (KPIs: {', '.join(names)}; comparisons "
                                   f"<=, <, >=, >)")])

    prob, pct = _PROBABILITY.fullmatch(text), _PERCENTILE.fullmatch(text)
    if prob is None and pct is None:
        return _bad_shape(text, bad)
    kpi, op, value = (prob[1], prob[2], prob[3]) if prob else (pct[2], pct[3], pct[4])
    if kpi.lower() not in names:
        raise bad(f"unknown KPI '{kpi}'")
    figure = kpis.named(kpi.lower())
    goal, why = _value(wb, figure, value)
    if goal is None:
        raise bad(why)
    if pct:
        q = int(pct[1])
        if not 1 <= q <= 99:
            raise bad(f"p{pct[1]} is not a percentile; use p1 to p99")
        return ChanceTarget(text, figure.name, op, value, goal, q=q)
    share = _PERCENT.fullmatch(prob[5])
    if share is None or Fraction(share[1]) > 100:
        raise bad(f"'{prob[5]}' is not a probability; write a percentage from 0% to 100% such as 10%")
    return ChanceTarget(text, figure.name, op, value, goal, Fraction(share[1]) / 100, prob[4])


def _bad_shape(text: str, bad) -> ChanceTarget:
    """Say what is wrong with a target that matches neither form."""
    if re.match(r"\s*[pP]\s*\(", text):
        if text.count("(") != 1 or text.count(")") != 1:
            raise bad("a probability has one pair of brackets: P(KPI OP VALUE) OP PCT%")
        if not re.search(rf"\)\s*{_OP}", text):
            raise bad("compare the probability with <=, <, >= or > and a percentage after the bracket")
        raise bad("inside P( ) write KPI OP VALUE, e.g. cash_out_month <= 2026-12")
    raise bad("a percentile is written pQ.KPI OP VALUE, e.g. p10.cash_out_month >= 2027-06")


__all__ = ["ChanceTarget", "OPS", "compare", "count_meets", "looks_like_chance", "parse_chance_target",
           "percentiles_of"]
