"""Benchmark: Monte Carlo of the flagship workbook, vectorised vs a per-sample Python loop.

Run with ``make bench`` or ``.venv/bin/python benchmarks/run.py [--samples N] [--big N]``. Prints:

1. ``simulate()`` of assumptions/openai.xlsx's base scenario alone (``bench_scenarios.py`` runs all
   five) at 100,000 samples × 120 months, with its correlations — sampling, the model
   in chunks of paths, KPIs, percentiles, fan chart and histograms — best of three, wall-clock and
   CPU time (goal: at most 1 s);
2. the same work as a Python loop over samples (``evaluate`` + KPIs once per sample), measured on
   a subset of 200 samples and extrapolated linearly to 100,000, and the speed-up ratio; the
   subset's KPIs are checked to equal the vectorised ones;
3. 1,000,000 samples in chunks, with peak memory traced by tracemalloc (numpy reports its buffers to
   it) and the process's peak resident size from getrusage (goal: under 2 GiB);
4. IRR of the flagship's 5 scenarios over 600 months (the horizon stretched to 50 years): the
   vectorised bisection of :func:`cashcast.models.analysis.kpi.irr`, best of five (goal: under
   0.1 s), beside numpy-financial's ``np.roots`` per scenario, and whether the two agree wherever
   the flows change sign once.

Timings on a shared machine vary with its load; the numbers are measurements, not test assertions.
"""
from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy_financial as npf  # noqa: E402

from cashcast.models.analysis import kpis  # noqa: E402
from cashcast.models.analysis.batch import scenario_params, with_columns  # noqa: E402
from cashcast.models.analysis.distributions import sample, uncertain_rows  # noqa: E402
from cashcast.models.analysis.kpi import irr, sign_changes  # noqa: E402
from cashcast.models.analysis.scenarios import run_workbook  # noqa: E402
from cashcast.models.engine.model import build_model  # noqa: E402
from cashcast.models.analysis.simulation import simulate  # noqa: E402
from cashcast.models.reading.workbook import load_workbook  # noqa: E402

GIB = 1 << 30
SIM_KPIS = [k.name for k in kpis.simulated()]
IRR_MONTHS = 600


def timed(fn, repeat: int = 1):
    """(result, best wall seconds, CPU seconds of that run)."""
    best = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        if best is None or wall < best[1]:
            best = (out, wall, cpu)
    return best


def loop_per_sample(model, scenario: str, samples: int, seed: int, total: int) -> dict[str, np.ndarray]:
    """The baseline: one evaluate() + KPIs per sample for the first ``samples`` of a run of ``total``,
    the draws identical to simulate()'s."""
    wb = model.workbook
    varied = [u for u in uncertain_rows(wb, scenario) if u.varies]
    draws = sample(varied, total, seed, stop=samples, correlations=wb.correlations)
    base = scenario_params(model, scenario)
    out = {k: np.empty(samples) for k in SIM_KPIS}
    for i in range(samples):
        params = with_columns(base, {k: v[i:i + 1] for k, v in draws.items()})
        figures = kpis.evaluate(model.evaluate(params, keep=set(kpis.batch_lines())), batch_only=True)
        for k in SIM_KPIS:
            out[k][i] = figures[k][0]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workbook", default=str(ROOT / "assumptions" / "openai.xlsx"))
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--loop-samples", type=int, default=200)
    ap.add_argument("--big", type=int, default=1_000_000, help="samples of the memory run (0: skip)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    wb = load_workbook(args.workbook)
    model = build_model(wb)
    scenario = wb.scenario_names[0]
    n, T = args.samples, model.horizon
    varied = [u for u in uncertain_rows(wb, scenario) if u.varies]
    print(f"{wb.name}: scenario {scenario}, {T} months, {len(model.lines)} lines, "
          f"{len(varied)} assumptions varied")
    simulate(model, scenario, 1_000, args.seed)  # warm-up (imports, caches)

    sim, wall, cpu = timed(lambda: simulate(model, scenario, n, args.seed), repeat=3)
    verdict = "OK" if wall <= 1.0 else "over the 1 s goal"
    print(f"vectorised: {n:,} samples × {T} months in {wall:.3f} s wall ({cpu:.3f} s CPU), "
          f"best of 3 — {verdict}")

    m = min(args.loop_samples, n)
    loop, lwall, lcpu = timed(lambda: loop_per_sample(model, scenario, m, args.seed, n))
    estimate = lwall / m * n
    agree = all(np.allclose(loop[k], sim.values[k][:m], rtol=1e-12, atol=1e-6, equal_nan=True)
                for k in SIM_KPIS)
    print(f"per-sample Python loop: {m} samples in {lwall:.3f} s ({lwall / m * 1e3:.2f} ms each); "
          f"extrapolated to {n:,}: {estimate:.1f} s")
    print(f"speed-up: {estimate / wall:,.0f}× (the loop's {m} samples give the same KPIs: {agree})")

    if args.big:
        tracemalloc.start()
        big, bwall, bcpu = timed(lambda: simulate(model, scenario, args.big, args.seed))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
        verdict = "OK" if max(peak, rss) < 2 * GIB else "over the 2 GiB goal"
        print(f"{args.big:,} samples in chunks of paths: {bwall:.2f} s wall ({bcpu:.2f} s CPU, under "
              f"tracemalloc); peak traced memory {peak / GIB:.2f} GiB, peak resident size "
              f"{rss / GIB:.2f} GiB — {verdict}")
        p = big.percentiles["ending_cash"]
        print(f"  ending cash P10/P50/P90: {p.p10:,.0f} / {p.p50:,.0f} / {p.p90:,.0f}")
    irr_benchmark(wb)
    return 0


def irr_benchmark(wb) -> None:
    """IRR of every scenario at 600 months: the vectorised bisection against np.roots per scenario."""
    longer = dataclasses.replace(wb, settings=dataclasses.replace(wb.settings, horizon_months=IRR_MONTHS))
    flows = np.asarray(run_workbook(longer).result["operating_cash_flow"], dtype=float)
    ours, wall, _cpu = timed(lambda: irr(flows), repeat=5)
    verdict = "OK" if wall < 0.1 else "over the 0.1 s goal"
    print(f"IRR, {flows.shape[1]} scenarios × {IRR_MONTHS} months: {wall * 1e3:.1f} ms, best of 5 — {verdict}")
    roots, rwall, _ = timed(lambda: [npf.irr(f) for f in flows.T])
    once = sign_changes(flows) == 1
    theirs = np.array([(1 + m) ** 12 - 1 for m in roots])
    agree = np.allclose(ours[once], theirs[once], rtol=1e-8) and bool(np.isnan(ours[~once]).all())
    print(f"  numpy-financial (np.roots per scenario): {rwall:.2f} s; sign changes "
          f"{sign_changes(flows).tolist()}; equal where there is one, null elsewhere: {agree}")


if __name__ == "__main__":
    sys.exit(main())
