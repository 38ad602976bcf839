"""Benchmark: writing the flagship's Excel report (assumptions/openai.xlsx, every scenario).

Run with ``.venv/bin/python benchmarks/bench_excel.py [--repeat N] [--samples S] [WORKBOOK]``. Prints
the time to load and evaluate the workbook and to analyse its uncertainty (S Monte Carlo samples, as
``cashcast run``; 0: no simulation), then the best of N writes of the report (``excel_bytes(run,
analysis)``, with the Sensitivity and Simulation sheets), with the number of formula cells and the
size of the file. Timings on a shared machine vary with its load;
they are measurements, not assertions.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cashcast.models.analysis.scenarios import run_file  # noqa: E402
from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED  # noqa: E402
from cashcast.models.analysis.uncertainty import analyse  # noqa: E402
from cashcast.reports.excel.report import excel_bytes  # noqa: E402


def best_of(fn, repeat: int):
    """(result, best wall-clock seconds) of ``repeat`` calls."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


def formula_count(data: bytes) -> int:
    """Formula cells in an .xlsx (``<f>`` elements of its worksheets)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(zf.read(n).count(b"<f>") for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workbook", nargs="?", default=str(ROOT / "assumptions" / "openai.xlsx"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    args = p.parse_args()
    run, t_run = best_of(lambda: run_file(args.workbook), 1)
    analysis, t_analyse = best_of(lambda: analyse(run, args.samples, DEFAULT_SEED), 1)
    data, t_write = best_of(lambda: excel_bytes(run, analysis), args.repeat)
    print(f"{Path(args.workbook).name}: {len(run.scenarios)} scenarios × {run.model.horizon} months, "
          f"{len(run.model.lines)} lines")
    print(f"  load + evaluate:            {t_run:.3f} s")
    label = f"uncertainty ({args.samples:,} samples):"
    print(f"  {label:<30}{t_analyse:.3f} s (not part of the write)")
    print(f"  write Excel report:         {t_write:.3f} s (best of {args.repeat})")
    print(f"  formula cells:              {formula_count(data):,}")
    print(f"  report size:                {len(data) / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
