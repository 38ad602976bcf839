"""What an assumption's low, value and high mean when it is swung or sampled.

For the README (Monte Carlo, ``cashcast run --samples N --seed S``):

    Every assumption row uncertain in the simulated scenario is drawn; every other row keeps that
    scenario's value. A missing bound is taken to be the value, and a row whose low equals its high
    stays fixed. Each simulated scenario draws the rows uncertain in it (README "A scenario decides
    what is uncertain in it"): "the value" below is that scenario's value, and low and high its own
    range when its cell gives one. The distribution column chooses how the row is sampled, with
    a = low, m = the value and b = high:

    - pert (the default): Beta-PERT with the value as the most likely figure:
      x = a + (b − a)·Beta(α, β), α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a);
      mean (a + 4m + b)/6.
    - triangular: a triangle from a to b peaking at m; mean (a + m + b)/3.
    - uniform: every value from a to b equally likely (the value is not used); mean (a + b)/2.
    - normal: low and high are the 5th and 95th percentiles: mean (a + b)/2,
      σ = (b − a)/(2 × 1.6449) (the value is not used).
    - lognormal: low and high are the 5th and 95th percentiles, so ln x is normal with mean
      (ln a + ln b)/2 and σ = (ln b − ln a)/(2 × 1.6449); the median is √(ab); low must be above 0.

    Normal and
    lognormal draws are clipped to what the parameter can be: a share to 0–100%, counts and money to
    0 or more, a growth rate above −100%, a number of months above 0. Dates are sampled as months from
    the model's start and rounded to whole months.

    Random streams: the samples are cut into fixed blocks of 8,192 (by sample index: block b holds
    samples 8,192·b to 8,192·(b + 1) − 1; the last block is shorter), and each row's draws in each
    block come from their own stream, ``numpy.random.SeedSequence(seed, spawn_key=(the row's name
    hashed, b))``. So the same seed gives identical results whatever the evaluation's chunk size or
    number of workers (any part of the samples can be drawn on its own), and adding a row does not
    change the others' draws. Assumptions are sampled independently unless the Correlations sheet
    pairs them (see :mod:`cashcast.models.analysis.correlations`).

Values here are in the engine's units (:meth:`cashcast.models.reading.workbook.Workbook.model_value`): percentages as
fractions, dates as month indices from the model's start.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from cashcast.models.analysis.correlations import correlate_block
from cashcast.models.reading.bounds import growth_limits, is_growth
from cashcast.models.engine.names import setting_name
from cashcast.models.reading.data import Workbook, slugify
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import BOUNDS, DEFAULT_DISTRIBUTION

BLOCK = 8192  # samples per block of random streams (and of correlation reordering)
Z95 = 1.6448536269514722  # the standard normal's 95th percentile: Φ⁻¹(0.95)

# What a sampled value may be, by dimension: (lowest, highest); dates are rounded instead.
DOMAIN = {
    "percent": (0.0, 1.0),
    "rate": (-1.0 + 1e-9, math.inf),  # and within the row's growth limits (``Uncertain.domain``)
    "months": BOUNDS["months"],
    "count": (0.0, BOUNDS["count"]),
    "days": (0.0, 365.0),
}
NONNEGATIVE = (0.0, BOUNDS["money"])  # money of every kind


@dataclass(frozen=True)
class Uncertain:
    """One assumption row with a range: ``low ≤ mode ≤ high`` in engine units."""

    key: str            # parameter key, e.g. "chatgpt_plus__conversion"
    label: str          # "ChatGPT Plus.conversion"
    dimension: str
    unit: str
    distribution: str   # one of cashcast.models.reading.specs.DISTRIBUTIONS
    low: float
    mode: float         # the scenario's value, moved into low..high
    high: float
    value: float        # the scenario's value as written (may lie outside low..high)
    cells: dict         # the row's cell references, for problems
    domain: tuple[float, float] | None = None  # narrower than DOMAIN: a growth rate's limits

    @property
    def varies(self) -> bool:
        return self.high > self.low


def uncertain_rows(workbook: Workbook, scenario: str) -> list[Uncertain]:
    """Every row uncertain in ``scenario`` (:meth:`~cashcast.models.reading.data.Workbook.scenario_range`:
    a low or a high, not fixed by the scenario, or the scenario's own range), in workbook order, then
    the settings with one (``settings.opening_cash``), with the scenario's value as the mode."""
    out = []
    for row in workbook.rows + workbook.setting_rows():
        given = workbook.scenario_range(row, scenario) if row.link is None else None
        if given is None:
            continue
        value = workbook.row_value(row, scenario)
        low = workbook.model_value(row, given[0]) if given[0] is not None else value
        high = workbook.model_value(row, given[1]) if given[1] is not None else value
        cells = row.cells
        if scenario in row.ranges:  # the scenario's own range: its cell holds low and high
            cells = {**cells, "low": cells.get(f"scenario:{scenario}", ""),
                     "high": cells.get(f"scenario:{scenario}", "")}
        low, high = min(low, high), max(low, high)
        block = workbook.blocks.get(slugify(row.block))
        domain = growth_limits(workbook.settings, block, row) if is_growth(row.modifier) and block else None
        if row.key == setting_name("discount_rate"):
            domain = BOUNDS["discount_rate"]
        out.append(Uncertain(row.key, row.label, row.dimension, row.unit,
                             row.distribution or DEFAULT_DISTRIBUTION, low,
                             min(max(value, low), high), high, value, cells, domain))
    return out


def lognormal_problems(workbook: Workbook, rows: list[Uncertain]) -> list[Problem]:
    """Ranges a distribution cannot use: a lognormal needs a low above 0 (its logarithm is sampled).

    :func:`cashcast.models.reading.checks.check_distributions` reports these for every scenario.
    """
    return [Problem(workbook.name, "Assumptions", r.cells.get("low", ""),
                    f"{r.label}: a lognormal distribution needs a low above 0 (it is "
                    f"{r.low:.6g}); raise the low or choose pert, triangular, uniform or normal")
            for r in rows if r.distribution == "lognormal" and r.varies and r.low <= 0]


# ------------------------------------------------------------------------------------------------
# The distributions (pure: a generator in, n draws out)
# ------------------------------------------------------------------------------------------------
def uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``U(low, high)``; P(x ≤ q) = (q − low)/(high − low)."""
    return rng.uniform(low, high, n)


def triangular(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    """The triangle from low to high peaking at mode; mean (low + mode + high)/3."""
    return rng.triangular(low, mode, high, n)


def pert_shape(low: float, mode: float, high: float) -> tuple[float, float]:
    """Beta-PERT's α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a).

    >>> pert_shape(0.0, 0.25, 1.0)
    (2.0, 4.0)
    """
    span = high - low
    return 1.0 + 4.0 * (mode - low) / span, 1.0 + 4.0 * (high - mode) / span


def pert(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    """``low + (high − low)·Beta(α, β)`` (see :func:`pert_shape`); mean (low + 4·mode + high)/6."""
    alpha, beta = pert_shape(low, mode, high)
    return low + (high - low) * rng.beta(alpha, beta, n)


def normal_from_p5_p95(low: float, high: float) -> tuple[float, float]:
    """Mean and σ of the normal whose 5th and 95th percentiles are low and high.

    >>> normal_from_p5_p95(-Z95, Z95)
    (0.0, 1.0)
    """
    return (low + high) / 2.0, (high - low) / (2.0 * Z95)


def normal(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``N(μ, σ²)`` with P5 = low and P95 = high."""
    mu, sigma = normal_from_p5_p95(low, high)
    return rng.normal(mu, sigma, n)


def lognormal(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """``exp(N(μ, σ²))`` with P5 = low and P95 = high: μ, σ from ln low and ln high; median √(low·high)."""
    mu, sigma = normal_from_p5_p95(math.log(low), math.log(high))
    return rng.lognormal(mu, sigma, n)


def draw(u: Uncertain, rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws of one row, clipped to its dimension's domain; dates rounded to whole months."""
    if not u.varies:
        x = np.full(n, u.mode)
    elif u.distribution == "uniform":
        x = uniform(rng, u.low, u.high, n)
    elif u.distribution == "triangular":
        x = triangular(rng, u.low, u.mode, u.high, n)
    elif u.distribution == "normal":
        x = normal(rng, u.low, u.high, n)
    elif u.distribution == "lognormal":
        x = lognormal(rng, u.low, u.high, n)
    else:
        x = pert(rng, u.low, u.mode, u.high, n)
    if u.dimension == "date":
        return np.rint(x)
    lo, hi = DOMAIN.get(u.dimension, NONNEGATIVE)
    if u.domain is not None:
        lo, hi = max(lo, u.domain[0]), min(hi, u.domain[1])
    return np.clip(x, lo, hi, out=x)


def stream_key(name: str) -> tuple[int, ...]:
    """A stable key for a name's stream: the first 128 bits of its SHA-256, as four 32-bit words
    (the same in every run and on every machine, unlike Python's ``hash``).

    >>> stream_key("a")
    (310482890, 3401391050, 3006382842, 1306272666)
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))


def row_stream(seed: int, key: str, block: int = 0) -> np.random.Generator:
    """The random stream of one row in one block of samples: ``SeedSequence(seed, spawn_key=(hash of
    the key, block))``."""
    entropy = int(seed) & 0xFFFFFFFFFFFFFFFF
    seq = np.random.SeedSequence(entropy, spawn_key=(*stream_key(key), int(block)))
    return np.random.Generator(np.random.PCG64(seq))


def blocks(n: int, start: int, stop: int, size: int = BLOCK) -> list[tuple[int, int, int]]:
    """The blocks of a run of n samples that samples ``start..stop − 1`` touch, as
    ``(block index, its first sample, its length)``.

    >>> blocks(20_000, 8_000, 17_000)
    [(0, 0, 8192), (1, 8192, 8192), (2, 16384, 3616)]
    """
    if stop <= start:
        return []
    return [(b, b * size, min(size, n - b * size)) for b in range(start // size, (stop - 1) // size + 1)]


def sample(rows: list[Uncertain], n: int, seed: int, *, start: int = 0, stop: int | None = None,
           correlations=()) -> dict[str, np.ndarray]:
    """Draws of every varying row for samples ``start..stop − 1`` (all n by default) of a run of n
    samples: {parameter key: array (stop − start,)}; same seed, same draws, however the run is cut.

    ``correlations`` are pairs (records with ``first_key``, ``second_key`` and ``rho``, or tuples
    ``(first key, second key, rho)``) applied block by block by
    :func:`cashcast.models.analysis.correlations.correlate_block`; a pair with a row that does not
    vary is ignored.
    """
    stop = n if stop is None else stop
    if not 0 <= start <= stop <= n:
        raise ValueError(f"samples {start}..{stop} are not within 0..{n}")
    varying = [u for u in rows if u.varies]
    pairs = [p if isinstance(p, tuple) else (p.first_key, p.second_key, p.rho) for p in correlations]
    parts: dict[str, list[np.ndarray]] = {u.key: [] for u in varying}
    for b, first, length in blocks(n, start, stop):
        drawn = {u.key: draw(u, row_stream(seed, u.key, b), length) for u in varying}
        if pairs:
            drawn = correlate_block(drawn, pairs,
                                    lambda name, b=b: row_stream(seed, "correlation:" + name, b))
        lo, hi = max(start - first, 0), min(stop - first, length)
        for k, x in drawn.items():
            parts[k].append(x[lo:hi])
    return {k: np.concatenate(v) if v else np.empty(0) for k, v in parts.items()}
