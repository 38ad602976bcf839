"""How a line folds into a calendar year: one record per way, in :data:`AGGREGATIONS`.

A flow (revenue, a cost, a funding round) is **summed** over the year's months; a balance (closing
cash, subscribers) is its **year-end** value; a level or rate that is neither (a monthly audience,
a margin, a headcount read as an average) is the **average** of the year's months. Summing a
level would count the same people twelve times: a monthly audience of 100M is not 1.2B "users".

Each line says which it is (:attr:`cashcast.models.kinds.Line.annual`); each record gives the numpy
value over the year's months and the Excel formula over the same cells, so the JSON, the CSV, the
HTML tables and the Annual sheet agree by construction.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy

SUM, END, MEAN = "sum", "end", "mean"


@dataclass(frozen=True)
class Aggregation:
    """One way to fold a year's months: its key, its JSON word, the label suffix the reports add,
    the numpy fold and the Excel function (None: the last month's cell itself)."""

    key: str
    json: str
    suffix: str
    excel: str | None

    def np(self, months: numpy.ndarray) -> numpy.ndarray:
        """The year's figure from its months (axis 0).

        >>> [AGGREGATIONS[k].np(numpy.array([1.0, 2.0, 6.0])).item() for k in (SUM, END, MEAN)]
        [9.0, 6.0, 3.0]
        """
        if self.key == SUM:
            return months.sum(axis=0)
        if self.key == END:
            return months[-1]
        return months.mean(axis=0)

    def xl(self, first: str, last: str) -> str:
        """The formula over a year's cells, e.g. ``=AVERAGE(Monthly!D9:O9)``.

        >>> AGGREGATIONS[END].xl("Monthly!D9", "Monthly!O9"), AGGREGATIONS[SUM].xl("A1", "L1")
        ('=Monthly!O9', '=SUM(A1:L1)')
        """
        if self.excel is None:
            return f"={last}"
        sheet, _, cell = last.rpartition("!")
        return f"={self.excel}({first}:{cell if sheet else last})"


AGGREGATIONS: dict[str, Aggregation] = {
    SUM: Aggregation(SUM, "sum", "", "SUM"),
    END: Aggregation(END, "year-end", " (year-end)", None),
    MEAN: Aggregation(MEAN, "average", " (monthly average)", "AVERAGE"),
}


def of(annual: str) -> Aggregation:
    """The record of a line's ``annual`` key; ValueError naming the valid ones otherwise."""
    if annual not in AGGREGATIONS:
        raise ValueError(f"annual aggregation {annual!r}: valid are {', '.join(AGGREGATIONS)}")
    return AGGREGATIONS[annual]


def year_spans(months: list) -> list[tuple[int, int, int]]:
    """(year, first month index, last month index) for each calendar year of the horizon.

    >>> import datetime as dt
    >>> year_spans([dt.date(2023, 11, 1), dt.date(2023, 12, 1), dt.date(2024, 1, 1)])
    [(2023, 0, 1), (2024, 2, 2)]
    """
    spans: list[tuple[int, int, int]] = []
    for t, m in enumerate(months):
        if spans and spans[-1][0] == m.year:
            spans[-1] = (m.year, spans[-1][1], t)
        else:
            spans.append((m.year, t, t))
    return spans
