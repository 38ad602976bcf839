"""Monte Carlo sampling error: how far a simulated figure may be from what infinitely many samples give.

Three formulas, each a 95% interval (z = 1.959964, the standard normal's 97.5th percentile):

* **a probability** p̂ = k/n (a share of paths, e.g. "cash runs out by 2032"): the Wilson score
  interval ``(p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)``, and the standard error
  ``√(p̂(1 − p̂)/n)``. Wilson's interval stays inside 0..1 and is not empty when p̂ is 0 or 1,
  where the plain ``p̂ ± z·se`` collapses to a point.
* **a percentile** q (P10, P50, P90): the distribution-free order-statistic interval. The number of
  samples below the true q-quantile is Binomial(n, q), so the sorted samples ``x₍ₗ₎ .. x₍ᵤ₎`` with
  ``l = ⌊nq − z√(nq(1 − q))⌋`` and ``u = ⌈nq + z√(nq(1 − q))⌉`` (1-based ranks, kept within 1..n) cover
  it with about 95% probability, whatever the distribution — also for months, where "never" sorts
  last and an interval end may be "never".
* **a mean**: ``x̄ ± z·s/√n`` (s the sample standard deviation).
"""
from __future__ import annotations

import math

import numpy as np

Z975 = 1.959963984540054  # Φ⁻¹(0.975): a two-sided 95% interval


def binomial_se(p: float, n: int) -> float:
    """The standard error of a share p̂ of n samples: √(p̂(1 − p̂)/n).

    >>> binomial_se(0.055, 10_000)  # √(0.055 × 0.945 / 10,000)
    0.0022798026230355993
    """
    return math.sqrt(p * (1.0 - p) / n)


def wilson(p: float, n: int, z: float = Z975) -> tuple[float, float]:
    """The Wilson score interval of a share p̂ of n samples.

    Worked example, p̂ = 0.055, n = 10,000: z²/n = 3.8415e-4, centre (0.055 + 1.9207e-4)/1.00038415 =
    0.0551709, half-width 1.959964 × √(5.1975e-6 + 9.604e-9)/1.00038415 = 0.0044707.

    >>> [round(x, 6) for x in wilson(0.055, 10_000)]
    [0.0507, 0.059642]
    >>> [round(x, 6) for x in wilson(0.0, 100)]  # no path ran out: still a width
    [0.0, 0.036993]
    """
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / (1.0 + z2n)
    return max(0.0, centre - half), min(1.0, centre + half)


def order_ranks(q: float, n: int, z: float = Z975) -> tuple[int, int]:
    """0-based ranks (l − 1, u − 1) of the order statistics bracketing the q-quantile (see above).

    n = 10,000, q = 0.1: nq = 1,000, √(nq(1 − q)) = 30, so l = ⌊1,000 − 58.8⌋ = 941, u = ⌈1,058.8⌉ = 1,059.

    >>> order_ranks(0.10, 10_000)
    (940, 1058)
    >>> order_ranks(0.5, 3)  # too few samples: the whole range
    (0, 2)
    >>> order_ranks(0.001, 10)  # nq = 0.01: both ends at the smallest sample
    (0, 0)
    """
    centre, spread = n * q, z * math.sqrt(n * q * (1.0 - q))
    low = min(max(math.floor(centre - spread), 1), n)
    high = min(max(math.ceil(centre + spread), 1), n)
    return low - 1, high - 1


def percentile_intervals(values: np.ndarray, qs) -> list[tuple[float, float]]:
    """The 95% order-statistic interval of each percentile in ``qs`` (in %) of ``values``.

    NaN (a month that never comes) sorts after every number, as numpy's partition puts it last, so an
    interval end at it is NaN: "never".

    >>> percentile_intervals(np.arange(1.0, 101.0), (10, 50))  # n = 100, q = 0.1: 10 ± 1.96 × 3 → ranks 4..16
    [(4.0, 16.0), (40.0, 60.0)]
    >>> percentile_intervals(np.r_[np.arange(1.0, 51.0), [np.nan] * 50], (50, 90))  # half never
    [(40.0, nan), (nan, nan)]
    >>> percentile_intervals(np.r_[np.arange(1.0, 51.0), [np.inf] * 50], (50, 90))  # never as infinity
    [(40.0, nan), (nan, nan)]
    """
    x = np.asarray(values, dtype=float)
    ranks = [order_ranks(q / 100.0, x.size) for q in qs]
    kth = sorted({r for pair in ranks for r in pair})
    part = np.partition(x, kth)
    out = []
    for lo, hi in ranks:
        a, b = float(part[lo]), float(part[hi])
        out.append((math.nan if np.isinf(a) else a, math.nan if np.isinf(b) else b))
    return out


def mean_interval(values: np.ndarray, z: float = Z975) -> tuple[float, float]:
    """x̄ ± z·s/√n.

    >>> mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))  # x̄ 2.5, s √(5/3) = 1.29099, s/√n 0.645497
    (1.23484868811834, 3.76515131188166)
    >>> mean_interval(np.array([1.0, 3.0]))  # x̄ 2, s √2, s/√n 1: 2 ± 1.96
    (0.04003601545994595, 3.959963984540054)
    >>> mean_interval(np.array([5.0]))  # one sample: no spread to estimate, the interval is the value
    (5.0, 5.0)
    """
    n = values.size
    m = float(values.mean())
    half = z * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return m - half, m + half


__all__ = ["Z975", "binomial_se", "wilson", "order_ranks", "percentile_intervals", "mean_interval"]
