"""Benchmark: the Monte Carlo of every flagship scenario against the plain-numpy yardstick (issue 11, part 8).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_scenarios.py [--samples N] [--big N]``.

1. ``simulate_scenarios`` of ``assumptions/openai.xlsx``'s 5 scenarios × ``--samples`` (100,000) ×
   120 months with its Correlations sheet applied — drawing (Iman–Conover per block), the model in
   chunks of columns, KPIs, percentiles with their sampling error, fan charts and histograms — against
   the yardstick (:mod:`benchmarks.yardstick`, the flagship's lines written by hand in numpy, which
   computes lines only) run on each scenario's own draws in the simulation's chunks: 5 × the
   yardstick of one scenario. Interleaved, best of ``--repeat``; goal: at most 2×.
2. ``--big`` (1,000,000) samples per scenario, all 5 scenarios, with peak memory traced by
   tracemalloc (numpy reports its buffers to it) and the peak resident size from getrusage; goal:
   under 2 GiB.

Timings on a shared machine vary with its load; they are measurements, not test assertions.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_engine import best_of, yardstick_pass  # noqa: E402
from benchmarks.yardstick import Calendar  # noqa: E402
from cashcast.models.analysis.batch import scenario_params, with_columns  # noqa: E402
from cashcast.models.analysis.distributions import sample, uncertain_rows  # noqa: E402
from cashcast.models.analysis.simulation import chunk_size, simulate_scenarios  # noqa: E402
from cashcast.models.engine.model import build_model  # noqa: E402
from cashcast.models.reading.workbook import load_workbook  # noqa: E402

FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"
GIB = 1 << 30
GOAL = 2.0


def scenario_chunks(model, scenario: str, samples: int, seed: int) -> list[dict[str, np.ndarray]]:
    """One scenario's parameters per chunk of paths, drawn (with the correlations) as the simulation does."""
    wb = model.workbook
    varied = [u for u in uncertain_rows(wb, scenario) if u.varies]
    draws = sample(varied, samples, seed, correlations=wb.correlations)
    base = scenario_params(model, scenario)
    size = chunk_size(model.horizon)
    return [with_columns(base, {k: v[i:i + size] for k, v in draws.items()}) for i in range(0, samples, size)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--big", type=int, default=1_000_000, help="samples per scenario of the memory run (0: skip)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    model = build_model(load_workbook(FLAGSHIP))
    wb, n = model.workbook, args.samples
    names = wb.scenario_names
    print(f"{FLAGSHIP.name}: {len(names)} scenarios × {n:,} samples × {model.horizon} months, "
          f"{len(wb.correlations)} correlated pairs")
    cal = Calendar(wb.months())
    parts = {s: scenario_chunks(model, s, n, args.seed) for s in names}
    simulate_scenarios(model, names, 1_000, args.seed)  # warm-up
    sides = {"simulate_scenarios, all scenarios": lambda: simulate_scenarios(model, names, n, args.seed),
             "yardstick, one scenario (base)": lambda: yardstick_pass(cal, parts[names[0]]),
             "yardstick, each scenario's own draws": lambda: [yardstick_pass(cal, parts[s]) for s in names]}
    runs = {k: [] for k in sides}
    for _ in range(args.repeat):  # interleaved, so that a burst of load on the machine hits every side
        for k, fn in sides.items():
            runs[k].append(best_of(fn, 1))
    best = {k: min(v) for k, v in runs.items()}
    for k, (wall, cpu) in best.items():
        print(f"{k + ':':<40}{wall:.3f} s wall ({cpu:.3f} s CPU), best of {args.repeat}")
    (sw, sc), (yw, yc), (aw, ac) = best.values()
    k = len(names)
    verdict = "OK" if sw <= GOAL * k * yw else f"over the {GOAL:g}× goal"
    print(f"ratio simulation ÷ ({k} × yardstick): {sw / (k * yw):.2f}× wall, {sc / (k * yc):.2f}× CPU — {verdict}")
    print(f"ratio simulation ÷ yardstick of every scenario: {sw / aw:.2f}× wall, {sc / ac:.2f}× CPU")
    if args.big:
        big_run(model, names, args.big, args.seed)
    return 0


def big_run(model, names: list[str], samples: int, seed: int) -> None:
    """Every scenario at ``samples`` paths under tracemalloc; prints time and peak memory."""
    tracemalloc.start()
    w, c = time.perf_counter(), time.process_time()
    sims = simulate_scenarios(model, names, samples, seed)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    verdict = "OK" if max(peak, rss) < 2 * GIB else "over the 2 GiB goal"
    print(f"{len(names)} scenarios × {samples:,} samples: {wall:.1f} s wall ({cpu:.1f} s CPU, under "
          f"tracemalloc); peak traced memory {peak / GIB:.2f} GiB, peak resident size {rss / GIB:.2f} GiB "
          f"— {verdict}")
    for s, sim in sims.items():
        p = sim.percentiles["ending_cash"]
        print(f"  {s}: ending cash P10/P50/P90 {p.p10:,.0f} / {p.p50:,.0f} / {p.p90:,.0f}")


if __name__ == "__main__":
    sys.exit(main())
