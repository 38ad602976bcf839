"""Benchmark: ``cashcast sweep`` throughput on one process and on a 2-worker LocalCluster (issue 14).

Run with ``.venv/bin/python benchmarks/bench_sweep.py [--combos N] [--samples N] [--small-chunk N]``.

A sweep of the flagship's base scenario over a grid of ``--combos`` opening-cash values (every
combination a full Monte Carlo of ``--samples`` paths × the horizon), KPIs only:

1. **one process**: Dask's threaded scheduler with one thread (``workers=1``);
2. **local**: the threaded scheduler with its default threads (one per core), what ``cashcast sweep``
   runs without ``--scheduler``;
3. **2-worker LocalCluster**: ``distributed.LocalCluster(n_workers=2, threads_per_worker=1,
   processes=True)``, what ``--scheduler tcp://…`` runs; its start-up is timed apart, and each
   worker's peak resident memory is read with ``getrusage`` in the worker;
4. **per-task overhead**: the same sweep cut into tasks of ``--small-chunk`` samples against tasks of
   the whole ``--samples``: (extra time) / (extra tasks), on both schedulers.

Also printed: what one task ships (the workbook, pickled, once per worker; a chunk task's arguments)
and what it returns (a chunk's KPIs; a partition's table). Path-months/s = combinations × samples ×
months / wall seconds. Timings on a shared machine vary with its load (printed); they are
measurements, not test assertions.
"""
from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cashcast.models.analysis.sweep import combination_seed  # noqa: E402
from cashcast.reports.sweep import engine  # noqa: E402
from cashcast.reports.sweep.spec import plan, read_spec  # noqa: E402

FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"


def spec_file(folder: Path, combos: int, samples: int, chunk: int) -> Path:
    values = ", ".join(f'"{1 + i}B"' for i in range(combos))
    path = folder / f"bench-{chunk}.toml"
    path.write_text(f'workbooks = ["{FLAGSHIP.as_posix()}"]\nscenarios = ["base"]\nsamples = {samples}\n'
                    f'seed = 1\nchunk = {chunk}\n[grid]\n"settings.opening_cash" = [{values}]\n', encoding="utf-8")
    return path


def timed(folder: Path, combos: int, samples: int, chunk: int, **kw) -> tuple[float, int, float]:
    """(wall seconds, chunk tasks, path-months) of one fresh sweep."""
    spec = read_spec(spec_file(folder, combos, samples, chunk))
    books, cs = plan(spec)
    out = Path(tempfile.mkdtemp(dir=folder))
    t = time.perf_counter()
    report = engine.sweep(spec, books, cs, out, **kw)
    wall = time.perf_counter() - t
    months = books["openai"].settings.horizon_months
    return wall, report.chunks, len(cs) * samples * months


def shipped(folder: Path, samples: int) -> dict[str, int]:
    """Bytes of what a task ships and returns."""
    spec = read_spec(spec_file(folder, 1, samples, samples))
    books, cs = plan(spec)
    wb, c = books["openai"], cs[0]
    args = (c.overrides, c.scenario, samples, combination_seed(1, 0), 0, samples, False)
    block = engine.chunk_task(wb, *args)
    summary = engine.combine_task(wb, c.overrides, c.scenario, block)
    table = engine.partition_task(wb, [c], [], summary)
    return {"workbook (once a worker)": len(pickle.dumps(wb)), "chunk task arguments": len(pickle.dumps(args)),
            f"chunk result ({samples:,} samples)": len(pickle.dumps(block)),
            "partition result (1 combination)": len(pickle.dumps(table))}


def worker_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--combos", type=int, default=8)
    p.add_argument("--samples", type=int, default=8192)
    p.add_argument("--small-chunk", type=int, default=256)
    a = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    print(f"load average before: {os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs")
    for what, n in shipped(folder, a.samples).items():
        print(f"  bytes, {what}: {n:,}")
    big = a.samples
    rows = []
    for label, kw in (("one process (1 thread)", {"workers": 1}), ("local threads", {})):
        wall, tasks, pm = timed(folder, a.combos, a.samples, big, **kw)
        small, stasks, _ = timed(folder, a.combos, a.samples, a.small_chunk, **kw)
        rows.append((label, wall, tasks, pm, (small - wall) / max(1, stasks - tasks)))
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        start = time.perf_counter() - t
        kw = {"scheduler": cluster.scheduler_address}
        timed(folder, 1, 256, 256, **kw)  # warm the workers (imports)
        wall, tasks, pm = timed(folder, a.combos, a.samples, big, **kw)
        small, stasks, _ = timed(folder, a.combos, a.samples, a.small_chunk, **kw)
        rows.append(("2-worker LocalCluster", wall, tasks, pm, (small - wall) / max(1, stasks - tasks)))
        with Client(cluster) as client:
            peaks = client.run(worker_peak)
    for label, wall, tasks, pm, overhead in rows:
        print(f"{label:24s} {wall:7.2f} s  {tasks:4d} tasks  {pm / wall / 1e6:7.2f} M path-months/s  "
              f"per-task overhead {overhead * 1e3:6.1f} ms")
    print(f"cluster start-up {start:.1f} s; worker peak RSS: "
          + ", ".join(f"{v / 2**20:.0f} MiB" for v in peaks.values()))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
