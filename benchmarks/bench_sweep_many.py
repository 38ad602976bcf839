"""Benchmark: issue 14's done-when — a sweep of many generated workbooks on the local scheduler.

Run with ``.venv/bin/python benchmarks/bench_sweep_many.py [--workbooks 300] [--samples 10000]``.

Generates ``--workbooks`` variants of the three examples in ``assumptions/`` (taken in turn; variant
*i* is its example with ``opening_cash`` raised by *i* million in the workbook's currency, typed into
the Settings sheet with openpyxl as a user would), writes a spec sweeping every variant's base
scenario with ``--samples`` Monte Carlo paths, and runs ``cashcast sweep`` on it as a separate process
(Dask's local threaded scheduler, no ``--scheduler``). Prints the wall time, the path-months per
second and the process's peak resident memory (``getrusage`` of the child), with the load average:
memory bounded means the peak does not grow with the number of workbooks (compare two sizes).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "assumptions").glob("*.xlsx"))
CASHCAST = Path(sys.executable).with_name("cashcast")


def variant(example: Path, i: int, folder: Path) -> int:
    """Write the example with its opening cash raised by i million as a new workbook; its horizon in
    months."""
    wb = openpyxl.load_workbook(example)
    ws = wb["Settings"]
    months = 0
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "opening_cash":
            row[1].value = (row[1].value or 0) + i * 1_000_000
        if row[0].value == "horizon_months":
            months = int(row[1].value)
    wb.save(folder / f"{example.stem}_{i:03d}.xlsx")
    return months


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--workbooks", type=int, default=300)
    p.add_argument("--samples", type=int, default=10_000)
    a = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-many-"))
    books = folder / "books"
    books.mkdir()
    path_months = sum(variant(EXAMPLES[i % len(EXAMPLES)], i, books) * a.samples for i in range(a.workbooks))
    spec = folder / "many.toml"
    spec.write_text(f'workbooks = ["books/*.xlsx"]\nscenarios = ["base"]\nsamples = {a.samples}\nseed = 1\n',
                    encoding="utf-8")
    print(f"{a.workbooks} workbooks × {a.samples:,} samples; load average before "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    t = time.perf_counter()
    subprocess.run([str(CASHCAST), "sweep", str(spec), "--out", str(folder / "out"), "--quiet"], check=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    parts = len(list((folder / "out" / "kpis").glob("workbook=*/scenario=*/part-0.parquet")))
    print(f"wall {wall:.1f} s; {parts} partitions written; "
          f"{path_months / wall / 1e6:.2f} M path-months/s; "
          f"peak resident memory of the sweep process {peak:.0f} MiB; load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
