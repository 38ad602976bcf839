"""Correlated inputs (issue 11, part 3) and random streams that do not depend on how a run is cut (part 4).

Tolerances come from theory: the standard error of a rank correlation from n pairs is about
(1 − ρ²)/√(n − 1) (:func:`cashcast.models.analysis.correlations.standard_error`); the achieved value
must lie within 4 of those of the target. Iman–Conover only reorders draws, so marginals are compared
exactly, not within a tolerance.
"""
from __future__ import annotations

import numpy as np
import pytest

from cashcast.models.analysis.correlations import (PSD_TOLERANCE, correlate_block, is_psd, psd_factor, spearman,
                                                   standard_error, target_scores, van_der_waerden)
from cashcast.models.analysis.distributions import BLOCK, Uncertain, sample, uncertain_rows
from cashcast.models.analysis.simulation import simulate
from cashcast.models.engine.model import build_model
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.excel.assumptions import starter, write_assumption_workbook
from tests.bad_workbooks import BAD, model
from tests.helpers import ROOT, problems_when_loaded, row, settings

A = Uncertain("a", "A.a", "count", "x", "pert", 0.0, 1.0, 4.0, 1.0, {})
B = Uncertain("b", "B.b", "count", "x", "lognormal", 1.0, 2.0, 10.0, 2.0, {})
C = Uncertain("c", "C.c", "count", "x", "uniform", 0.0, 1.0, 2.0, 1.0, {})
D = Uncertain("d", "D.d", "count", "x", "triangular", 3.0, 4.0, 9.0, 4.0, {})
PAIRS = [("a", "b", 0.6), ("b", "c", -0.4)]


# ------------------------------------------------------------------------------------------------
# Bad input: each problem at its cell, all at once (check and run agree: tests/bad_workbooks.py)
# ------------------------------------------------------------------------------------------------
def test_unknown_names_and_names_without_a_range(tmp_path):
    found = problems_when_loaded(BAD["correlation of an unknown name and of a fixed one"](tmp_path))
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Correlations!A2", "model.xlsx:Correlations!A3"]
    assert "'Plus.audeince' names no assumption" in found[0]
    assert "Plus.audience, Plus.conversion, Rent.monthly_amount" in found[0]  # the names it could be
    assert "'Plus.price' has no low or high" in found[1]


def test_a_correlation_outside_minus_1_to_1_and_a_self_pair(tmp_path):
    found = problems_when_loaded(BAD["correlation outside -1..1 and a self-pair"](tmp_path))
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Correlations!C2", "model.xlsx:Correlations!B3"]
    assert "1.5 is outside -1..1" in found[0] and "paired with itself" in found[1]


def test_a_pair_given_twice_in_either_order(tmp_path):
    (found,) = problems_when_loaded(BAD["correlation pair given twice"](tmp_path))
    assert found.startswith("model.xlsx:Correlations!B3: ") and "given twice (first on row 2)" in found


def test_correlations_that_cannot_hold_together_name_their_cells(tmp_path):
    (found,) = problems_when_loaded(BAD["correlations that cannot hold together"](tmp_path))
    assert found.startswith("model.xlsx:Correlations!C2: ")
    for cell in ("0.9 at C2", "0.9 at C3", "-0.5 at C4"):
        assert cell in found
    assert "not positive semi-definite" in found and "not listed" not in found  # every pair is listed


def test_a_pair_not_listed_counts_as_0(tmp_path):
    rows = [row("Plus", "subscription", "audience", 1e9, "users", low=5e8, high=2e9),
            row("Plus", "subscription", "conversion", 0.01, "%", low=0.005, high=0.02),
            row("Plus", "subscription", "price", 20, "USD/month", low=10, high=30),
            row("Rent", "opex", "monthly_amount", 5_000, "USD/month", low=4_000, high=8_000)]
    # audience–conversion 0.9 and conversion–price 0.9 force audience–price near 0.62, not 0; rent is
    # in the group (conversion–rent 0.1) but not to blame, so its cell is not named
    path = model(tmp_path, rows, correlations=[("Plus.audience", "Plus.conversion", 0.9),
                                               ("Plus.conversion", "Rent.monthly_amount", 0.1),
                                               ("Plus.conversion", "Plus.price", 0.9)])
    (found,) = problems_when_loaded(path)
    assert found.startswith("model.xlsx:Correlations!C2: ") and "C4" in found and "C3" not in found
    assert "a pair not listed counts as 0" in found
    ok = model(tmp_path, rows, name="ok.xlsx", correlations=[("Plus.audience", "Plus.conversion", 0.9),
                                                             ("Plus.conversion", "Plus.price", 0.9),
                                                             ("Plus.price", "Plus.audience", 0.7)])
    assert [c.rho for c in load_workbook(ok).correlations] == [0.9, 0.9, 0.7]


def test_every_correlation_problem_beside_a_bad_assumption_cell(tmp_path):
    found = problems_when_loaded(BAD["correlation problems beside bad cells"](tmp_path))
    assert [p.split(": ")[0] for p in found] == [
        "corr_cells.xlsx:Assumptions!D3", "corr_cells.xlsx:Correlations!D1", "corr_cells.xlsx:Correlations!C2",
        "corr_cells.xlsx:Correlations!A3", "corr_cells.xlsx:Correlations!C3"]


# ------------------------------------------------------------------------------------------------
# The examples and the starter
# ------------------------------------------------------------------------------------------------
def test_the_flagship_correlates_the_pairs_the_issue_names():
    wb = load_workbook(ROOT / "assumptions" / "openai.xlsx")
    got = {(c.first, c.second): c.rho for c in wb.correlations}
    assert got == {("Serving ChatGPT.cost_per_day", "ChatGPT Plus.audience"): 0.6,
                   ("Frontier training.cost_per_run", "Serving ChatGPT.cost_per_day"): 0.4,
                   ("API licensing.customers", "API licensing.annual_fee"): -0.5}
    assert all(c.source == "estimate (the model's own)" and c.notes for c in wb.correlations)
    sim = simulate(build_model(wb), "base", 2_000, seed=3)
    listed = sim.to_json()["correlations"]
    assert {(c["first"], c["second"]) for c in listed} == set(got)


def test_the_starter_has_an_empty_correlations_sheet(tmp_path):
    import openpyxl

    path = write_assumption_workbook(tmp_path / "s.xlsx", *starter("s"), guide=True)
    ws = openpyxl.load_workbook(path)["Correlations"]
    assert [c.value for c in ws[1]] == ["first", "second", "rank correlation", "source", "notes"]
    assert ws.max_row == 1 and "Example" in ws["A1"].comment.text
    assert load_workbook(path).correlations == []


# ------------------------------------------------------------------------------------------------
# Iman–Conover: the target rank correlation, the same marginals
# ------------------------------------------------------------------------------------------------
def test_achieved_rank_correlation_is_the_target_within_sampling_error():
    n = 5 * BLOCK + 1_234  # several blocks and a short last one
    d = sample([A, B, C, D], n, seed=11, correlations=PAIRS)
    for x, y, target in PAIRS + [("a", "c", 0.0), ("a", "d", 0.0)]:  # a pair not listed: 0
        got = spearman(d[x], d[y])
        assert abs(got - target) < 4 * standard_error(target, n), (x, y, got, target)


def test_the_marginals_are_the_uncorrelated_draws_reordered():
    n = 2 * BLOCK + 500
    plain = sample([A, B, C, D], n, seed=5)
    corr = sample([A, B, C, D], n, seed=5, correlations=PAIRS)
    for k in "abc":
        assert np.array_equal(np.sort(corr[k]), np.sort(plain[k])) and not np.array_equal(corr[k], plain[k])
        for start in (0, BLOCK, 2 * BLOCK):  # reordered within each block, never across
            stop = min(start + BLOCK, n)
            assert np.array_equal(np.sort(corr[k][start:stop]), np.sort(plain[k][start:stop]))
    assert np.array_equal(corr["d"], plain["d"])  # in no pair: untouched


def test_a_negative_correlation_reverses_the_order():
    d = sample([A, C], 3_000, seed=2, correlations=[("a", "c", -1.0)])
    assert spearman(d["a"], d["c"]) == pytest.approx(-1.0, abs=1e-12)


def test_pairs_with_a_fixed_row_are_ignored():
    fixed = Uncertain("f", "F.f", "count", "x", "pert", 2.0, 2.0, 2.0, 2.0, {})
    plain = sample([A, fixed], 1_000, seed=4)
    assert np.array_equal(sample([A, fixed], 1_000, seed=4, correlations=[("a", "f", 0.7)])["a"], plain["a"])


def test_another_group_does_not_change_a_groups_draws():
    one = sample([A, B, C, D], 9_000, seed=8, correlations=[("a", "b", 0.6)])
    two = sample([A, B, C, D], 9_000, seed=8, correlations=[("a", "b", 0.6), ("c", "d", 0.5)])
    assert np.array_equal(one["a"], two["a"]) and np.array_equal(one["b"], two["b"])
    assert not np.array_equal(one["c"], two["c"])


# ------------------------------------------------------------------------------------------------
# Determinism and partitioning
# ------------------------------------------------------------------------------------------------
def test_same_seed_same_draws_other_seed_other_draws():
    one = sample([A, B, C], 10_000, seed=9, correlations=PAIRS)
    again = sample([A, B, C], 10_000, seed=9, correlations=PAIRS)
    other = sample([A, B, C], 10_000, seed=10, correlations=PAIRS)
    assert all(np.array_equal(one[k], again[k]) for k in one)
    assert not any(np.array_equal(one[k], other[k]) for k in one)


@pytest.mark.parametrize("cuts", [(0, 1, 4_369, 8_191, 8_192, 20_000), (0, 7_000, 14_000, 20_000)])
def test_any_part_of_the_samples_drawn_alone_equals_the_same_part_of_the_whole(cuts):
    whole = sample([A, B, C, D], 20_000, seed=3, correlations=PAIRS)
    for start, stop in zip(cuts, cuts[1:]):
        part = sample([A, B, C, D], 20_000, seed=3, start=start, stop=stop, correlations=PAIRS)
        assert all(np.array_equal(part[k], whole[k][start:stop]) for k in whole), (start, stop)


def revenue_workbook(tmp_path, rho: float | None):
    """Revenue = volume × price for 12 months, nothing else: ending cash = 1,000,000 + 12·v·p."""
    rows = [row("Sales", "usage", "volume", 1_000, "units/month", low=500, high=1_500, distribution="uniform"),
            row("Sales", "usage", "unit_price", 10, "USD/unit", low=5, high=15, distribution="uniform")]
    pairs = None if rho is None else [("Sales.volume", "Sales.unit_price", rho)]
    return load_workbook(model(tmp_path, rows, settings(horizon_months=12, discount_rate=0.0),
                               name=f"rev{rho}.xlsx", correlations=pairs))


def test_two_chunk_sizes_give_identical_results_with_correlations(tmp_path):
    m = build_model(revenue_workbook(tmp_path, 0.7))
    # 257: two windows of draws (8,192 samples, then 1,808) in calls of 257 samples; 10,000: one window, one call
    small, large = (simulate(m, "base", 10_000, seed=4, chunk=c) for c in (257, 10_000))
    assert all(np.array_equal(small.values[k], large.values[k], equal_nan=True) for k in small.values)
    assert small.to_json() == large.to_json()


def test_a_correlated_pair_of_revenue_factors_widens_or_narrows_the_spread(tmp_path):
    """Ending cash = 1,000,000 + 12·v·p, v ~ U(500, 1,500), p ~ U(5, 15). Linearised about the means,
    sd(v·p) ≈ √(p̄²σv² + v̄²σp² + 2·v̄·p̄·ρ·σv·σp) = √(16.7e6·(1 + ρ)) a month (both terms 8.33e6), so
    the P10–P90 spread scales as about √(1 + ρ): ×1.34 at ρ = 0.8, ×0.45 at ρ = −0.8 (the product's
    curvature adds a little; measured within 10%)."""
    n, seed, spread = 20_000, 6, {}
    for rho in (None, 0.8, -0.8):
        wb = revenue_workbook(tmp_path, rho)
        sim = simulate(build_model(wb), "base", n, seed=seed)
        d = sample(uncertain_rows(wb, "base"), n, seed, correlations=wb.correlations)
        ending = 1_000_000 + 12 * d["sales__volume"] * d["sales__unit_price"]  # by hand, from the draws
        p = sim.percentiles["ending_cash"]
        assert (p.p10, p.p90) == (pytest.approx(np.percentile(ending, 10), abs=0.01),
                                  pytest.approx(np.percentile(ending, 90), abs=0.01))
        spread[rho] = p.p90 - p.p10
    assert spread[0.8] / spread[None] == pytest.approx(np.sqrt(1.8), rel=0.1)
    assert spread[-0.8] / spread[None] == pytest.approx(np.sqrt(0.2), rel=0.1)


def test_spearman_averages_the_ranks_of_ties_by_hand():
    """x = 1, 2, 2, 3, 7 ranks 0, 1.5, 1.5, 3, 4 and y = 4, 1, 6, 6, 9 ranks 1, 0, 2.5, 2.5, 4 (ties take
    the mean of their ranks); about the mean rank 2 the cross products sum to 7.25 and each side's squares
    to 9.5, so ρ = 7.25 / 9.5."""
    x = np.array([1.0, 2.0, 2.0, 3.0, 7.0])
    y = np.array([4.0, 1.0, 6.0, 6.0, 9.0])
    assert spearman(x, y) == pytest.approx(7.25 / 9.5, abs=1e-12)


def test_the_standard_error_of_a_rank_correlation_by_hand():
    """(1 − ρ²)/√(n − 1): 0.64/3 for ρ = 0.6 from 10 pairs; with 2 pairs (or 1) the divisor is √1."""
    assert standard_error(0.6, 10) == pytest.approx(0.64 / 3, abs=1e-15)
    assert standard_error(-0.5, 2) == standard_error(0.5, 1) == pytest.approx(0.75, abs=1e-15)


def test_target_scores_hit_the_target_exactly_from_one_row_past_the_cut():
    """Iman–Conover: k = 3 columns of van der Waerden scores, each in its own random order, are whitened
    with the Cholesky factor of their own sample correlation and multiplied by factorᵀ, so their sample
    correlation is factor·factorᵀ exactly — from m = 2k + 3 = 9 rows on. At m = 2k + 2 = 8 the block is
    too short to whiten: the scores are the permuted columns times factorᵀ, as drawn here by hand."""
    target = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    factor = psd_factor(target)
    got = target_scores(9, factor, np.random.default_rng(11))
    assert np.allclose(np.corrcoef(got, rowvar=False), target, rtol=0, atol=1e-12)
    rng = np.random.default_rng(11)
    drawn = np.column_stack([van_der_waerden(8)[rng.permutation(8)] for _ in range(3)])
    assert np.array_equal(target_scores(8, factor, np.random.default_rng(11)), drawn @ factor.T)
    assert not np.allclose(np.corrcoef(drawn @ factor.T, rowvar=False), target, rtol=0, atol=1e-3)


def test_two_samples_are_already_reordered_and_the_group_s_stream_is_named_by_its_keys():
    """A block of m = 2 draws is correlated too (only m < 2 is skipped): drawn in opposite orders, a and b
    at ρ = 1 come out in the same order. The group draws its scores from the stream named by its keys
    joined with the unit separator, so another group never shifts them."""
    names = []

    def stream(name):
        names.append(name)
        return np.random.default_rng(3)

    out = correlate_block({"a": np.array([1.0, 2.0]), "b": np.array([5.0, 3.0])}, [("a", "b", 1.0)], stream)
    assert names == ["a\x1fb"]
    assert sorted(out["a"]) == [1.0, 2.0] and sorted(out["b"]) == [3.0, 5.0]
    assert (out["a"][0] < out["a"][1]) == (out["b"][0] < out["b"][1])


def test_psd_at_exactly_the_tolerance_and_a_factor_of_a_matrix_that_cannot_hold():
    """An eigenvalue of exactly −1e-10 still counts as ≥ 0, −2e-10 does not. The factor of a matrix
    whose smallest eigenvalue is −0.8 (0–1 and 1–2 at 0.9, 0–2 at −0.9) has that eigenvalue set to 0 and
    every row rescaled to length 1, so P·Pᵀ has a diagonal of exactly 1 and no NaN."""
    assert is_psd(np.diag([1.0, -PSD_TOLERANCE])) and not is_psd(np.diag([1.0, -2 * PSD_TOLERANCE]))
    m = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    p = psd_factor(m)
    assert np.allclose(np.diag(p @ p.T), 1.0, rtol=0, atol=1e-12)
    assert np.linalg.eigvalsh(p @ p.T)[0] > -1e-12   # now holds together
