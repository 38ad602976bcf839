"""JSON and CSV outputs (DESIGN.md, "Command line"); the CLI writes them atomically."""
from __future__ import annotations

import csv
import io
import json

from cashcast.models.analysis.scenarios import Run

from cashcast.reports.tables import monthly_rows, summary


def json_text(run: Run, extra: dict | None = None) -> str:
    data = summary(run)
    if extra:
        data.update(extra)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def csv_text(run: Run) -> str:
    """The base scenario's (first selected scenario's) monthly lines, one column per line."""
    header, rows = monthly_rows(run, 0)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[0]] + [repr(x) for x in row[1:]])
    return buf.getvalue()
