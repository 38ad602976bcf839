"""JSON and CSV outputs (DESIGN.md, "Command line"); the CLI writes them atomically."""
from __future__ import annotations

import csv
import io
import json

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.reading.sources import provenance_json

from cashcast.reports.tables import annual_rows, monthly_rows, summary


def json_text(outcome: Outcome, table: dict | None = None) -> str:
    """The machine-readable result: ``table`` (:func:`cashcast.reports.tables.summary` of the run,
    built once per render by the caller and shared with the HTML; None builds it here) and, when the
    run was analysed, the analysis's sections."""
    data = dict(summary(outcome.run) if table is None else table)  # a copy: the caller's table is shared
    if outcome.analysis is not None:
        data.update(outcome.analysis.to_json())
    data.update(provenance_json(outcome.run.workbook))
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def annual_csv_text(outcome: Outcome) -> str:
    """The base scenario's (first selected scenario's) figures per calendar year, a row per year:
    each line folded as it says (flows summed, balances at the year end, levels averaged), then
    the yearly KPIs (blank where undefined)."""
    header, rows = annual_rows(outcome.run, 0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[0]] + ["" if x is None else repr(x) for x in row[1:]])
    return buf.getvalue()


def csv_text(outcome: Outcome) -> str:
    """The base scenario's (first selected scenario's) monthly lines, one column per line."""
    header, rows = monthly_rows(outcome.run, 0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[0]] + [repr(x) for x in row[1:]])
    return buf.getvalue()
