"""JSON and CSV outputs (DESIGN.md, "Command line"), written atomically."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from models.scenarios import Run

from .files import write_atomic
from .tables import monthly_rows, summary


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


def write_json_csv(run: Run, out_dir: Path, stem: str, extra: dict | None = None) -> list[Path]:
    paths = [out_dir / f"{stem}.json", out_dir / f"{stem}.csv"]
    texts = [json_text(run, extra), csv_text(run)]  # render everything before writing anything
    for path, text in zip(paths, texts):
        write_atomic(path, text)
    return paths
