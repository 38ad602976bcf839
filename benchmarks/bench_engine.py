"""Benchmark: the line engine against plain numpy, on every line of the flagship (issue 10, part 8).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_engine.py [--samples N] [--repeat R]``.

Both sides compute every line of ``assumptions/openai.xlsx``'s model (its blocks' lines, the totals,
the three statements and the checks) for the base scenario with its uncertain assumptions drawn as
the simulation draws them (100,000 samples × 120 months), in the chunks of paths the simulation uses
(``simulation.chunk_size``: 4,369 paths a chunk at 120 months, 23 chunks), every line of a chunk
kept until the chunk is done:

* the engine: ``Model.evaluate(params)`` (:mod:`cashcast.models.engine.model`), which walks each
  line's expression tree;
* the yardstick: :mod:`benchmarks.yardstick`, the same lines written by hand in numpy.

It checks that the two agree on every line of every chunk as the LibreOffice parity tests do (1e-9
relative, 1e-6 absolute near zero), then prints each side's best of ``--repeat`` (wall-clock and
CPU) and the ratio, against the goal of at most 2×. Timings on a shared machine vary with its load;
they are measurements, not test assertions.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.yardstick import Calendar, compound, flagship_lines, running_product  # noqa: E402
from cashcast.models.analysis.batch import scenario_params, with_columns  # noqa: E402
from cashcast.models.analysis.distributions import sample, uncertain_rows  # noqa: E402
from cashcast.models.analysis.simulation import chunk_size  # noqa: E402
from cashcast.models.engine.model import build_model  # noqa: E402
from cashcast.models.reading.workbook import load_workbook  # noqa: E402

FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"
REL_TOL, ABS_TOL = 1e-9, 1e-6  # as tests/excel_checks.py
GOAL = 2.0


def chunks(model, samples: int, seed: int, chunk: int | None = None) -> list[dict[str, np.ndarray]]:
    """The base scenario's parameters for each chunk of paths, the varied ones drawn as simulate() does."""
    wb = model.workbook
    scenario = wb.scenario_names[0]
    draws = sample([u for u in uncertain_rows(wb, scenario) if u.varies], samples, seed)
    base = scenario_params(model, scenario)
    size = chunk or chunk_size(model.horizon)
    return [with_columns(base, {k: v[i:i + size] for k, v in draws.items()}) for i in range(0, samples, size)]


def by_hand(cal: Calendar, params: dict[str, np.ndarray], growth=compound) -> dict[str, np.ndarray]:
    """The yardstick on one chunk (parameters reshaped to rows, as the engine does)."""
    return flagship_lines({k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in params.items()}, cal, growth)


def engine_pass(model, parts) -> None:
    for params in parts:
        model.evaluate(params)


def yardstick_pass(cal, parts, growth=compound) -> None:
    for params in parts:
        by_hand(cal, params, growth)


def compare(model, cal: Calendar, parts, growth=compound) -> tuple[float, list[str]]:
    """The largest relative difference between engine and yardstick over every line of every chunk
    (where the yardstick's value is above 1,000, the scale at which 1e-9 relative is 1e-6), and the
    problems: lines only one side has, lines with values outside the parity tolerance."""
    worst, problems = 0.0, {}
    for params in parts:
        ours, theirs = model.evaluate(params), by_hand(cal, params, growth)
        missing = sorted(set(ours.values) ^ set(theirs))
        if missing:
            return worst, [f"lines on one side only: {', '.join(missing)}"]
        for name in model.order:
            a = ours[name]
            b = np.broadcast_to(theirs[name], a.shape)
            diff = np.abs(a - b)
            bad = diff > np.maximum(REL_TOL * np.abs(b), ABS_TOL)
            if bad.any():
                count, largest = problems.get(name, (0, 0.0))
                problems[name] = (count + int(bad.sum()), max(largest, float(diff.max())))
            big = np.abs(b) > ABS_TOL / REL_TOL
            if big.any():
                worst = max(worst, float((diff[big] / np.abs(b[big])).max()))
    return worst, [f"{n}: {c:,} values, largest difference {d:.3g}" for n, (c, d) in problems.items()]


def best_of(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock seconds of ``repeat`` calls, and that call's CPU seconds."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        best = min(best, (wall, cpu))
    return best


def agreement(model, cal, parts, growth, label: str) -> bool:
    """Print whether the yardstick with ``growth`` agrees with the engine on every line."""
    worst, problems = compare(model, cal, parts, growth)
    print(f"agreement with the engine, {label}: {'yes' if not problems else 'NO'} (largest relative "
          f"difference {worst:.1e}; tolerance {REL_TOL:g} relative, {ABS_TOL:g} absolute)")
    for p in problems:
        print(f"    outside the tolerance: {p}")
    return not problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=0, help="paths per evaluate (0: the simulation's)")
    args = ap.parse_args(argv)
    model = build_model(load_workbook(FLAGSHIP))
    cal = Calendar(model.workbook.months())
    parts = chunks(model, args.samples, args.seed, args.chunk or None)
    width = max(len(v) for v in parts[0].values())
    print(f"{FLAGSHIP.name}: {len(model.lines)} lines, {args.samples:,} samples × {model.horizon} months "
          f"in {len(parts)} chunks of {width:,} paths")
    same = agreement(model, cal, parts, compound, "growth as a power per month (as the engine, as Excel)")
    agreement(model, cal, parts, running_product, "growth as running products")
    engine_pass(model, parts[:2])  # warm-up: the caches of the expression helpers
    sides = {"line engine": lambda: engine_pass(model, parts),
             "plain-numpy yardstick": lambda: yardstick_pass(cal, parts),
             "yardstick, growth as running products": lambda: yardstick_pass(cal, parts, running_product)}
    runs = {k: [] for k in sides}
    for _ in range(args.repeat):  # interleaved, so that a burst of load on the machine hits every side
        for k, fn in sides.items():
            runs[k].append(best_of(fn, 1))
    best = {k: min(v) for k, v in runs.items()}
    for k, (wall, cpu) in best.items():
        print(f"{k + ':':<40}{wall:.3f} s wall ({cpu:.3f} s CPU), best of {args.repeat}")
    (ew, ec), (yw, yc) = best["line engine"], best["plain-numpy yardstick"]
    verdict = "OK" if ew <= GOAL * yw else f"over the {GOAL:g}× goal"
    print(f"ratio engine ÷ yardstick: {ew / yw:.2f}× wall, {ec / yc:.2f}× CPU — {verdict}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
