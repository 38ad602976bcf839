"""Sensitivity: each assumption swung to its low and to its high, one at a time (a tornado).

For P assumptions uncertain in a scenario, its tornado takes 1 + 2P columns: the scenario as it is,
then each assumption at its low and at its high with every other assumption at the scenario's
value. A missing bound is the value (that side does not move). Every scenario of a run has its own
tornado, all computed in one ``evaluate`` call (:func:`tornadoes`).

For each assumption and each KPI (runway, cash-out month, break-even month, NPV)::

    swing = max(f_low, f_base, f_high) − min(f_low, f_base, f_high)

where "never" (no cash-out or no break-even within the horizon) counts as the horizon in months —
a finite stand-in, so a swing that reaches "never" is a lower bound. The JSON keeps such months as
null. The tornado is sorted largest first by the runway swing, ties broken by the break-even swing,
then by the NPV swing, then by name; :meth:`Tornado.sorted_by` sorts by any one KPI.

Each bar also holds the swings of the headline figures (:data:`cashcast.models.analysis.evidence.HEADLINE`:
cash-out month, funding gap, ending cash) and its kind of source, from which
:mod:`cashcast.models.analysis.evidence` splits each figure's swing into the part that rests on
sourced assumptions and the part that rests on the model's own estimates (the JSON's
``evidence_weight``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from cashcast.models.analysis import evidence, kpis
from cashcast.models.analysis.batch import evaluate_kpis, json_number, json_value, month_label, never_as_horizon
from cashcast.models.analysis.distributions import Uncertain, uncertain_rows
from cashcast.models.engine.model import Model



@dataclass(frozen=True)
class Swing:
    """One KPI at the assumption's low, at the scenario's value and at its high.

    Month KPIs are month indices from the model's start (NaN = never); NPV is money.
    ``swing`` is the spread of the three with never counted as the horizon.
    """

    low: float
    base: float
    high: float
    swing: float


@dataclass(frozen=True)
class TornadoBar:
    """One assumption's row of the tornado. Values in engine units: percentages as fractions,
    dates as month indices (``Tornado.label`` turns them into 'YYYY-MM')."""

    parameter: str          # "ChatGPT Plus.conversion"
    key: str
    unit: str
    dimension: str
    value: float            # the scenario's value
    low: float
    high: float
    swings: dict[str, Swing]  # by KPI name, the registry's swung KPIs (kpis.swung())
    headline: dict[str, Swing] = field(default_factory=dict)  # by KPI name, evidence.HEADLINE
    evidence: str = evidence.SOURCED   # evidence.ESTIMATE or SOURCED: the row's kind of source


@dataclass
class Tornado:
    """The tornado of one scenario: ``bars`` sorted largest first (see the module docstring)."""

    scenario: str
    months: list[dt.date]
    base: dict[str, float]      # the scenario's KPIs (month indices, NaN = never)
    bars: list[TornadoBar]

    @property
    def horizon(self) -> int:
        return len(self.months)

    def sorted_by(self, kpi: str) -> list[TornadoBar]:
        """The bars sorted by one KPI's swing, largest first (then by name)."""
        return sorted(self.bars, key=lambda b: (-b.swings[kpi].swing, b.parameter))

    def label(self, index: float) -> str | None:
        return month_label(self.months, index)

    def kpi_json(self, kpi: str, x: float):
        return json_value(kpis.named(kpi), x, self.months)

    def value_json(self, bar: TornadoBar, x: float):
        return self.label(x) if bar.dimension == "date" else json_number(x)

    def to_json(self) -> list[dict]:
        """The JSON "sensitivity" list, in tornado order."""
        out, weights = [], evidence.weights(self.bars)
        for b in self.bars:
            out.append({
                "parameter": b.parameter, "unit": b.unit, "scenario": self.scenario,
                "value": self.value_json(b, b.value), "low": self.value_json(b, b.low),
                "high": self.value_json(b, b.high),
                "swing": {k: (int(s.swing) if kpis.named(k).is_month else json_number(s.swing))
                          for k, s in b.swings.items()},
                "at_low": {k: self.kpi_json(k, s.low) for k, s in b.swings.items()},
                "at_high": {k: self.kpi_json(k, s.high) for k, s in b.swings.items()},
                "evidence": self.bar_evidence_json(b, weights),
            })
        return out

    def swing_json(self, kpi: str, x: float):
        return int(x) if kpis.named(kpi).is_month else json_number(x)

    def bar_evidence_json(self, b: TornadoBar, weights: dict) -> dict:
        """One bar's kind of source, its headline swings and its share of each."""
        return {"source_kind": b.evidence, "swing": {k: self.swing_json(k, s.swing) for k, s in b.headline.items()},
                "share": evidence.bar_shares(b, weights)}

    def evidence_json(self) -> dict:
        """The JSON "evidence_weight" of this scenario: each headline figure's swing, the part of it
        that rests on estimates and on sourced rows, their shares (null when nothing moves the
        figure), and the largest swings with their kind of source
        (:mod:`cashcast.models.analysis.evidence`)."""
        weights = evidence.weights(self.bars)
        figures = {k: {"swing": self.swing_json(k, w.total), "from_estimates": self.swing_json(k, w.estimate),
                       "from_sourced": self.swing_json(k, w.sourced), "estimate_share": w.estimate_share,
                       "sourced_share": w.sourced_share, "reaches_never": w.reaches_never}
                   for k, w in weights.items()}
        largest = [{"parameter": b.parameter, "source_kind": b.evidence,
                    "share": evidence.bar_shares(b, weights)} for b in evidence.largest(self.bars)]
        return {"scenario": self.scenario, "kpis": figures, "largest": largest,
                "estimates": sum(b.evidence == evidence.ESTIMATE for b in self.bars), "assumptions": len(self.bars)}


def swing_columns(rows: list[Uncertain]) -> dict[str, np.ndarray]:
    """Column 0 is the scenario; columns 1 + 2i and 2 + 2i put row i at its low and its high.

    >>> u = Uncertain("a", "A.a", "count", "x", "pert", 1.0, 2.0, 4.0, 2.0, {})
    >>> swing_columns([u])["a"]
    array([2., 1., 4.])
    """
    size = 1 + 2 * len(rows)
    out: dict[str, np.ndarray] = {}
    for i, u in enumerate(rows):
        col = out.setdefault(u.key, np.full(size, u.value))
        col[1 + 2 * i], col[2 + 2 * i] = u.low, u.high
    return out


def spread(low: float, base: float, high: float, horizon: int | None) -> float:
    """max − min of the three; months with never (NaN) counted as the horizon.

    >>> spread(10.0, float("nan"), 30.0, 120)
    110.0
    """
    values = np.array([low, base, high])
    if horizon is not None:
        values = never_as_horizon(values, horizon)
    return float(values.max() - values.min())


def sort_key(bar: TornadoBar):
    return tuple(-bar.swings[k.name].swing for k in kpis.sort_keys()) + (bar.parameter,)


def tornado(model: Model, scenario: str) -> Tornado:
    """The tornado of one scenario (:func:`tornadoes` of it alone)."""
    return tornadoes(model, [scenario])[scenario]


def tornadoes(model: Model, scenarios: list[str]) -> dict[str, Tornado]:
    """The tornado of every scenario, all in one evaluate call: scenario j's block of columns is its
    own value then each row uncertain in it (:func:`~cashcast.models.analysis.distributions.
    uncertain_rows`, the rule that decides its simulation) at its low and at its high."""
    wb = model.workbook
    rows = {s: uncertain_rows(wb, s) for s in scenarios}
    base = wb.param_values(scenarios)
    widths = [1 + 2 * len(rows[s]) for s in scenarios]
    params = {k: np.repeat(np.broadcast_to(np.asarray(v, dtype=float), (len(scenarios),)), widths)
              for k, v in base.items()}
    first = np.cumsum([0] + widths[:-1])
    for j, s in enumerate(scenarios):
        for k, col in swing_columns(rows[s]).items():
            params[k][first[j]:first[j] + widths[j]] = col
    figures, _ = evaluate_kpis(model, params)
    names = [k.name for k in kpis.swung()] + list(evidence.HEADLINE)
    col = {k: np.broadcast_to(np.asarray(figures[k], dtype=float), (sum(widths),)) for k in names}
    return {s: _tornado(model, s, rows[s], {k: v[first[j]:first[j] + widths[j]] for k, v in col.items()})
            for j, s in enumerate(scenarios)}


def _tornado(model: Model, scenario: str, rows: list[Uncertain], col: dict[str, np.ndarray]) -> Tornado:
    """One scenario's tornado from its block of columns (see :func:`swing_columns`)."""
    horizon = model.horizon
    swung = kpis.swung()
    bars = []

    def swing(kpi: str, i: int) -> Swing:
        lo, base, hi = col[kpi][1 + 2 * i], col[kpi][0], col[kpi][2 + 2 * i]
        return Swing(float(lo), float(base), float(hi), spread(lo, base, hi, horizon if kpis.named(kpi).is_month else None))

    for i, u in enumerate(rows):
        bars.append(TornadoBar(u.label, u.key, u.unit, u.dimension, u.value, u.low, u.high,
                               {k.name: swing(k.name, i) for k in swung}, {k: swing(k, i) for k in evidence.HEADLINE},
                               evidence.kind_of(model.workbook, u.key)))
    base = {k.name: float(col[k.name][0]) for k in swung}
    return Tornado(scenario, model.workbook.months(), base, sorted(bars, key=sort_key))
