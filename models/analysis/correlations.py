"""Correlated inputs: rank correlations between uncertain assumptions, applied by Iman–Conover.

For the README (the ``Correlations`` sheet):

    A pair of uncertain assumptions (``first``, ``second``, named ``BLOCK.PARAMETER`` as ``solve
    --vary`` names them) and a target **rank (Spearman) correlation** ρ from −1 to 1. Pairs linked by
    shared assumptions form a group; within a group a pair not listed counts as 0, and the group's
    matrix must be positive semi-definite (a set of variables can have those correlations at all).

    Method (Iman & Conover 1982, with van der Waerden scores): the independent draws of each
    assumption are made first, exactly as without correlations; then, block by block of 8,192
    samples (the last block shorter), each group's draws are **reordered** (never changed) so that
    their ranks follow scores with the target correlation:

    1. each variable gets the scores Φ⁻¹(i/(m+1)), i = 1..m, in a random order (m the block's
       length);
    2. the scores S are made exactly uncorrelated in the block (S·F⁻ᵀ, F the Cholesky factor of
       their sample correlation), then given the correlation R = P·Pᵀ (·Pᵀ), where
       R = 2·sin(π·ρ/6) converts the rank correlation to the normal scores' correlation (exact for a
       Gaussian copula; a matrix that conversion makes slightly indefinite has its negative
       eigenvalues set to 0);
    3. each variable's draws are sorted and placed in the rank order of its column of scores.

    What it guarantees: each assumption's marginal distribution is exactly the one it has without
    correlations (the same numbers, in another order: sorted, the samples are identical); the
    achieved rank correlation is the target up to sampling error (about 1/√n); assumptions in no
    pair keep their draws; the result depends on the seed and on the number of samples, never on
    how the samples are split into chunks for evaluation (blocks are fixed by sample index, and each
    block's random order comes from its own stream, keyed by the seed, the group's names and the
    block's index). Ties (dates rounded to months, draws clipped at a bound) lower the achieved rank
    correlation a little.
"""
from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

PSD_TOLERANCE = 1e-10  # an eigenvalue above −this counts as ≥ 0 (rounding of a singular matrix)


def normal_correlation(rank: np.ndarray | float) -> np.ndarray | float:
    """The normal scores' correlation that gives a rank correlation ρ: ``2·sin(π·ρ/6)``.

    The inverse of Spearman's ρ of a bivariate normal, (6/π)·arcsin(r/2); 0, ±1 and ½·(…) map to
    themselves at the ends:

    >>> [round(float(normal_correlation(x)), 6) for x in (0.0, 0.5, 1.0, -1.0)]
    [0.0, 0.517638, 1.0, -1.0]
    """
    return 2.0 * np.sin(np.pi * np.asarray(rank, dtype=float) / 6.0)


def smallest_eigenvalue(matrix: np.ndarray) -> float:
    """The smallest eigenvalue of a symmetric matrix (≥ 0 iff it is positive semi-definite).

    >>> round(smallest_eigenvalue(np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.9], [0.0, 0.9, 1.0]])), 4)
    -0.2728
    """
    return float(np.linalg.eigvalsh(matrix)[0])


def is_psd(matrix: np.ndarray) -> bool:
    """Positive semi-definite, up to rounding: ρ = 1 between two variables is allowed.

    >>> is_psd(np.array([[1.0, 1.0], [1.0, 1.0]])), is_psd(np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9],
    ...                                                                 [-0.9, 0.9, 1.0]]))
    (True, False)
    """
    return smallest_eigenvalue(matrix) >= -PSD_TOLERANCE


def minimal_inconsistent(matrix: np.ndarray) -> list[int]:
    """Indices of a smallest-by-removal set of variables whose correlations cannot hold together.

    Drops each variable in turn while the rest still fail :func:`is_psd`; what is left fails and
    fails without any one of its variables. [] for a PSD matrix. Here 0–1 at 0.9 and 1–2 at 0.9
    with 0–2 at 0 cannot hold; variable 3 is not involved:

    >>> m = np.eye(4); m[0, 1] = m[1, 0] = m[1, 2] = m[2, 1] = 0.9; m[2, 3] = m[3, 2] = 0.1
    >>> minimal_inconsistent(m)
    [0, 1, 2]
    """
    if is_psd(matrix):
        return []
    keep = list(range(len(matrix)))
    for i in list(keep):
        rest = [j for j in keep if j != i]
        if len(rest) >= 2 and not is_psd(matrix[np.ix_(rest, rest)]):
            keep = rest
    return keep


def psd_factor(matrix: np.ndarray) -> np.ndarray:
    """P with P·Pᵀ = the matrix with negative eigenvalues set to 0 and its diagonal rescaled to 1.

    >>> p = psd_factor(np.array([[1.0, 0.6], [0.6, 1.0]])); np.round(p @ p.T, 12).tolist()
    [[1.0, 0.6], [0.6, 1.0]]
    """
    values, vectors = np.linalg.eigh(matrix)
    p = vectors * np.sqrt(np.clip(values, 0.0, None))
    norm = np.sqrt((p * p).sum(axis=1))
    return p / norm[:, None]


@lru_cache(maxsize=8)
def van_der_waerden(m: int) -> np.ndarray:
    """The scores Φ⁻¹(i/(m+1)), i = 1..m (read-only, cached per length).

    >>> van_der_waerden(3).round(4).tolist()
    [-0.6745, 0.0, 0.6745]
    """
    inv = NormalDist().inv_cdf
    out = np.array([inv(i / (m + 1)) for i in range(1, m + 1)])
    out.flags.writeable = False
    return out


def target_scores(m: int, factor: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """m rows of scores whose columns have the sample correlation ``factor·factorᵀ`` (Iman–Conover).

    Each column is the van der Waerden scores in a random order; they are decorrelated with the
    Cholesky factor of their own sample correlation (skipped when the block is too short for it),
    then multiplied by ``factorᵀ``.
    """
    k = factor.shape[0]
    base = van_der_waerden(m)
    scores = np.column_stack([base[rng.permutation(m)] for _ in range(k)])
    if m > 2 * k + 2:
        try:
            chol = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
            scores = np.linalg.solve(chol, scores.T).T
        except np.linalg.LinAlgError:
            pass  # the scores happen to be collinear: use them as drawn
    return scores @ factor.T


def reorder(draws: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each column of ``draws`` sorted and placed in the rank order of the same column of ``scores``.

    The values are untouched, only their order changes:

    >>> reorder(np.array([[3.0], [1.0], [2.0]]), np.array([[0.1], [0.9], [-0.5]])).ravel().tolist()
    [2.0, 3.0, 1.0]
    """
    out = np.empty_like(draws)
    for j in range(draws.shape[1]):
        out[np.argsort(scores[:, j]), j] = np.sort(draws[:, j])
    return out


def rank_matrix(keys: list[str], pairs: list[tuple[str, str, float]]) -> np.ndarray:
    """The rank correlation matrix of ``keys`` (in that order): 1 on the diagonal, the listed pairs,
    0 for a pair not listed.

    >>> rank_matrix(["a", "b", "c"], [("c", "a", -0.5)]).tolist()
    [[1.0, 0.0, -0.5], [0.0, 1.0, 0.0], [-0.5, 0.0, 1.0]]
    """
    index = {k: i for i, k in enumerate(keys)}
    out = np.eye(len(keys))
    for a, b, rho in pairs:
        out[index[a], index[b]] = out[index[b], index[a]] = rho
    return out


def groups(pairs: list[tuple[str, str, float]]) -> list[list[str]]:
    """The connected groups of correlated keys, each in first-seen order, in order of first pair.

    >>> groups([("a", "b", 0.5), ("c", "d", 0.1), ("b", "e", 0.2)])
    [['a', 'b', 'e'], ['c', 'd']]
    """
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b, _rho in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        parent[root(b)] = root(a)
    out: dict[str, list[str]] = {}
    for k in parent:
        out.setdefault(root(k), []).append(k)
    return list(out.values())


def correlate_block(draws: dict[str, np.ndarray], pairs: list[tuple[str, str, float]],
                    stream) -> dict[str, np.ndarray]:
    """One block's draws with each group of ``pairs`` reordered to its rank correlations.

    ``stream(name)`` gives the block's random generator for a group (``name`` is the group's keys
    joined); keys missing from ``draws`` (not varying) have their pairs ignored.
    """
    live = [(a, b, rho) for a, b, rho in pairs if a in draws and b in draws]
    out = dict(draws)
    for keys in groups(live):
        m = len(draws[keys[0]])
        if m < 2:
            continue
        mine = [p for p in live if p[0] in keys]
        factor = psd_factor(normal_correlation(rank_matrix(keys, mine)))
        scores = target_scores(m, factor, stream("\x1f".join(keys)))
        placed = reorder(np.column_stack([draws[k] for k in keys]), scores)
        out.update({k: placed[:, j].copy() for j, k in enumerate(keys)})
    return out


def applied(pairs: list, varied: list) -> list:
    """The pairs (records with ``first_key`` and ``second_key``) whose two assumptions both vary.

    >>> from types import SimpleNamespace as Record
    >>> pairs = [Record(first_key="price", second_key="churn"), Record(first_key="price", second_key="cac")]
    >>> [(p.first_key, p.second_key) for p in applied(pairs, [Record(key="price"), Record(key="churn")])]
    [('price', 'churn')]
    """
    keys = {u.key for u in varied}
    return [p for p in pairs if p.first_key in keys and p.second_key in keys]


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties): the Pearson correlation of the ranks.

    >>> round(spearman(np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 30.0, 20.0, 40.0])), 12)
    0.8
    """
    def ranks(v):
        order = np.argsort(v, kind="stable")
        r = np.empty(len(v))
        r[order] = np.arange(len(v), dtype=float)
        _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
        sums = np.bincount(inverse, weights=r)
        return (sums / counts)[inverse]

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


def standard_error(rho: float, n: int) -> float:
    """A sampling standard error of a rank correlation from n independent pairs: (1 − ρ²)/√(n − 1)
    (the normal-theory figure; Spearman's is close to it, at most about 1.06 × for |ρ| ≤ 0.9).

    >>> round(standard_error(0.5, 10_001), 6)
    0.0075
    """
    return (1.0 - rho * rho) / math.sqrt(max(n - 1, 1))


__all__ = ["applied", "correlate_block", "groups", "is_psd", "minimal_inconsistent", "normal_correlation",
           "psd_factor", "rank_matrix", "reorder", "smallest_eigenvalue", "spearman", "standard_error",
           "target_scores", "van_der_waerden"]
