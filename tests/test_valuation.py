"""Valuations of funding rounds (issue 10, part 2): pre_money / post_money → ownership after each round.

Worked by hand. Model from Jan 2023. Seed: pre-money $90M, $4M in Mar 2023 and $6M in Jun 2023, signed
in Mar at one price: 4/90 of the founders' 1 share for the first tranche (the seed investors then hold
4/94), 10/90 after both (10%). Series A: post-money $150M, $30M in Sep 2023 ($120M pre; 20%): the
earlier holders keep 80% of theirs, the founders 0.9 × 0.8 = 72%, the seed investors 0.1 × 0.8 = 8%.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from cashcast.models.analysis.cap_table import missing_note
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.problems import InputError
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from cashcast.reports.excel.assumptions import write_assumption_workbook
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.html.ownership import sentence
from tests.bad_workbooks import BAD, model
from tests.helpers import row, settings
from tests.helpers import problems_when_run

TEAM = row("Team", "opex", "monthly_amount", 1e6, "USD/month")
SEED = [row("Seed", "funding", "amount@2023-03", 4e6, "USD"), row("Seed", "funding", "amount@2023-06", 6e6, "USD"),
        row("Seed", "funding", "pre_money", 90e6, "USD", overrides={"rich": 190e6})]
SERIES_A = [row("Series A", "funding", "amount", 30e6, "USD"),
            row("Series A", "funding", "month", dt.date(2023, 9, 1), "date"),
            row("Series A", "funding", "post_money", 150e6, "USD")]
SCENARIOS = [("rich", "a seed priced at $190M")]
MAR, MAY, JUN, AUG, SEP = 2, 4, 5, 7, 8   # month indices from Jan 2023


@pytest.fixture
def run(make_workbook):
    return run_file(make_workbook([TEAM, *SEED, *SERIES_A], scenarios=SCENARIOS))


def column(run, name, j=0):
    return run.result.column(name, j)


def test_a_round_in_two_tranches_sells_at_one_price(run):
    seed = column(run, "seed.ownership")
    assert seed[MAR - 1] == 0
    assert seed[MAR] == pytest.approx(4 / 94, abs=1e-12)
    assert seed[MAY] == pytest.approx(4 / 94, abs=1e-12)
    assert seed[JUN] == pytest.approx(0.10, abs=1e-12)
    assert column(run, "seed.shares")[JUN] == pytest.approx(10 / 90, abs=1e-12)
    assert column(run, "earlier_holders_share")[JUN] == pytest.approx(0.90, abs=1e-12)


def test_a_later_round_dilutes_every_earlier_holder(run):
    a = column(run, "series_a.ownership")
    assert a[AUG] == 0 and a[SEP] == pytest.approx(0.20, abs=1e-12)
    assert column(run, "series_a.shares_before")[SEP] == pytest.approx(1 + 10 / 90, abs=1e-12)
    assert column(run, "series_a.shares_before")[-1] == pytest.approx(1 + 10 / 90, abs=1e-12)
    assert column(run, "earlier_holders_share")[SEP] == pytest.approx(0.72, abs=1e-12)
    assert column(run, "seed.ownership")[SEP] == pytest.approx(0.08, abs=1e-12)
    assert column(run, "shares_outstanding")[-1] == pytest.approx((1 + 10 / 90) / 0.8, abs=1e-12)


def test_a_scenario_value_of_the_valuation_changes_the_shares(run):
    """Pre-money $190M: the seed holds 4/194 after the first tranche, 10/200 = 5% after both, and the
    founders 0.95 × 0.8 = 76% after the Series A."""
    assert column(run, "seed.ownership", 1)[MAR] == pytest.approx(4 / 194, abs=1e-12)
    assert column(run, "seed.ownership", 1)[JUN] == pytest.approx(0.05, abs=1e-12)
    assert column(run, "earlier_holders_share", 1)[SEP] == pytest.approx(0.76, abs=1e-12)


def test_the_cap_table_to_the_cent(make_workbook, tmp_path, capsys):
    path = make_workbook([TEAM, *SEED, *SERIES_A], scenarios=SCENARIOS)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "0"]) == 0
    data = json.loads((tmp_path / "out" / "model.json").read_text())
    seed, a = data["scenarios"]["base"]["cap_table"]["rounds"]
    assert data["scenarios"]["base"]["cap_table"]["note"] is None
    assert (seed["round"], seed["month_signed"], a["round"], a["month_signed"]) == ("Seed", "2023-03", "Series A",
                                                                                      "2023-09")
    assert seed["amount"] == pytest.approx(10e6, abs=0.005)
    assert seed["post_money"] == pytest.approx(100e6, abs=0.005)
    assert a["pre_money"] == pytest.approx(120e6, abs=0.005)
    assert [seed["new_investors_share"], seed["earlier_holders_share"], seed["dilution"]] == pytest.approx(
        [0.1, 0.9, 0.1], abs=1e-12)
    assert [a["new_investors_share"], a["earlier_holders_share"], a["start_holders_share"]] == pytest.approx(
        [0.2, 0.8, 0.72], abs=1e-12)
    rich = data["scenarios"]["rich"]["cap_table"]["rounds"][0]
    assert rich["post_money"] == pytest.approx(200e6, abs=0.005) and rich["new_investors_share"] == 0.05


def test_in_kind_credits_also_buy_shares(make_workbook):
    """$1M of credits in Feb 2023 at a post-money of $4M: the provider owns 25%."""
    rows = [TEAM, row("Cloud", "funding", "amount@2023-02", 1e6, "USD"), row("Cloud", "funding", "in_kind", "Team", ""),
            row("Cloud", "funding", "post_money", 4e6, "USD")]
    run = run_file(make_workbook(rows))
    assert column(run, "cloud.ownership")[0] == 0
    assert column(run, "cloud.ownership")[1] == pytest.approx(0.25, abs=1e-12)


def test_a_round_without_a_valuation_is_named_not_guessed(make_workbook, tmp_path):
    rows = [TEAM, *SEED, row("Bridge", "funding", "amount", 5e6, "USD"),
            row("Bridge", "funding", "month", dt.date(2023, 12, 1), "date")]
    path = make_workbook(rows)
    run = run_file(path)
    assert not [n for n in run.model.lines if n.endswith(".ownership") or n == "earlier_holders_share"]
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "0"]) == 0
    table = json.loads((tmp_path / "out" / "model.json").read_text())["scenarios"]["base"]["cap_table"]
    seed, bridge = table["rounds"]
    assert "Bridge" in table["note"] and "Seed" not in table["note"]
    assert seed["new_investors_share"] == pytest.approx(0.1, abs=1e-12) and seed["start_holders_share"] is None
    assert bridge["pre_money"] is None and bridge["new_investors_share"] is None
    page = (tmp_path / "out" / "model.html").read_text()
    assert "Cap table not computed: no pre_money or post_money for: Bridge" in page
    book = openpyxl.load_workbook(tmp_path / "out" / "model.xlsx")
    assert any(str(c.value).startswith("Not computed: no pre_money or post_money for: Bridge;")
               for c in book["Cap table"]["A"])


def test_no_valuation_anywhere_changes_nothing(make_workbook, tmp_path):
    path = make_workbook([TEAM, row("Seed", "funding", "amount", 5e6, "USD"),
                          row("Seed", "funding", "month", dt.date(2023, 3, 1), "date")])
    run = run_file(path)
    assert all(ln.role != "ownership" for ln in run.model.lines.values())
    assert "Cap table" not in openpyxl.load_workbook(io.BytesIO(excel_bytes(run))).sheetnames
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "0"]) == 0
    assert "cap_table" not in json.loads((tmp_path / "out" / "model.json").read_text())["scenarios"]["base"]
    assert 'id="ownership"' not in (tmp_path / "out" / "model.html").read_text()


def test_the_report_says_what_the_round_left_the_earlier_holders(run, tmp_path):
    assert sentence({"round": "Series A", "new_investors_share": 0.2, "earlier_holders_share": 0.8,
                     "start_holders_share": 0.72, "post_money": 150e6}) == (
        "After the Series A round the earlier holders own 80.0% (its investors 20.0%); the founders and "
        "earlier holders of the model's start hold 72.0%.")


def test_the_cap_table_sheet_refers_to_the_assumptions(run):
    ws = openpyxl.load_workbook(io.BytesIO(excel_bytes(run)))["Cap table"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value in ("Seed", "Series A")}
    assert rows["Seed"][3].value == "=seed__pre_money"
    assert rows["Seed"][2].value == "=(seed__amount__t202303+seed__amount__t202306)"
    assert rows["Series A"][3].value == "=(series_a__post_money-series_a__amount)"
    assert rows["Series A"][1].value == "=series_a__month"


def test_a_round_is_signed_at_its_first_tranche_when_that_comes_before_its_month(make_workbook):
    """Seed: $4M in Mar 2023 and $6M in Feb 2024 at a $90M pre-money. Series A: a first tranche of $10M in
    Nov 2023 and $20M with its month, Mar 2024, at a $120M pre-money: signed in Nov 2023, the earlier of
    the two, so the shares it prices on are frozen then (1 + 4/90) — not 1 + 10/90 after Seed's February
    tranche — and both its purchases buy at that one price, across the turn of the year."""
    run = run_file(make_workbook([
        TEAM, row("Seed", "funding", "amount@2023-03", 4e6, "USD"), row("Seed", "funding", "amount@2024-02", 6e6, "USD"),
        row("Seed", "funding", "pre_money", 90e6, "USD"),
        row("Series A", "funding", "amount@2023-11", 10e6, "USD"), row("Series A", "funding", "amount", 20e6, "USD"),
        row("Series A", "funding", "month", dt.date(2024, 3, 1), "date"),
        row("Series A", "funding", "pre_money", 120e6, "USD")]))
    oct23, nov23, feb24, mar24 = 9, 10, 13, 14
    before = column(run, "series_a.shares_before")
    assert before[oct23] == pytest.approx(94 / 90, abs=1e-12) and before[mar24] == pytest.approx(94 / 90, abs=1e-12)
    a = column(run, "series_a.shares")
    assert a[oct23] == 0 and a[nov23] == pytest.approx(10 / 120 * 94 / 90, abs=1e-12)
    assert a[feb24] == a[nov23] and a[mar24] == pytest.approx(30 / 120 * 94 / 90, abs=1e-12)
    assert column(run, "seed.shares")[mar24] == pytest.approx(10 / 90, abs=1e-12)


def test_two_rounds_signed_in_the_model_s_first_month_both_price_on_the_one_share_held_at_its_start(make_workbook):
    """Seed ($10M at $90M pre) and Series A ($30M at $120M pre), both in Jan 2023, the model's first
    month: each prices on the shares held at the end of the month before — the founders' 1 share, as
    nothing was bought before the model — so Series A buys 30/120 = 0.25 shares, not fewer."""
    jan = dt.date(2023, 1, 1)
    run = run_file(make_workbook([
        TEAM, row("Seed", "funding", "amount", 10e6, "USD"), row("Seed", "funding", "month", jan, "date"),
        row("Seed", "funding", "pre_money", 90e6, "USD"),
        row("Series A", "funding", "amount", 30e6, "USD"), row("Series A", "funding", "month", jan, "date"),
        row("Series A", "funding", "pre_money", 120e6, "USD")]))
    assert (column(run, "series_a.shares_before") == 1).all()
    assert column(run, "series_a.shares")[0] == pytest.approx(0.25, abs=1e-12)
    assert column(run, "series_a.ownership")[0] == pytest.approx(0.25 / (1 + 10 / 90 + 0.25), abs=1e-12)


def test_a_round_signed_before_the_model_starts_is_among_the_holders_of_the_one_share(make_workbook):
    """A seed signed in Nov 2022, before the model's Jan 2023 start: its money is not in the model, so its
    investors are among everyone who held shares at the start (the 1 share); it buys none in the model,
    and the Series A of Mar 2023 prices on that 1 share."""
    run = run_file(make_workbook([
        TEAM, row("Seed", "funding", "amount", 10e6, "USD"), row("Seed", "funding", "month", dt.date(2022, 11, 1), "date"),
        row("Seed", "funding", "pre_money", 90e6, "USD"), *SERIES_A]))
    assert (column(run, "seed.shares_before") == 1).all() and (column(run, "seed.shares") == 0).all()
    assert (column(run, "series_a.shares_before") == 1).all()
    assert column(run, "series_a.ownership")[SEP] == pytest.approx(0.20, abs=1e-12)


def test_shares_bought_by_an_earlier_round_in_the_month_a_round_is_signed_do_not_change_its_price(make_workbook):
    """Seed's second tranche ($6M) comes in Jun 2023, the month Series A is signed: Series A prices on the
    shares held at the end of May (1 + 4/90), and keeps that price in July and after, when Seed's June
    shares (1 + 10/90 in all) are held."""
    run = run_file(make_workbook([
        TEAM, *SEED, row("Series A", "funding", "amount", 30e6, "USD"),
        row("Series A", "funding", "month", dt.date(2023, 6, 1), "date"), row("Series A", "funding", "pre_money", 120e6, "USD")]))
    before = column(run, "series_a.shares_before")
    assert before[JUN] == pytest.approx(94 / 90, abs=1e-12)
    assert before[JUN + 1] == pytest.approx(94 / 90, abs=1e-12) and before[-1] == pytest.approx(94 / 90, abs=1e-12)
    assert column(run, "series_a.shares")[JUN + 1] == pytest.approx(30 / 120 * 94 / 90, abs=1e-12)


def test_a_round_with_neither_month_nor_tranche_is_signed_never_and_priced_last():
    """Such a round is a problem at its cell (check_funding); until that is reported, the order of the
    rounds puts it last (its signing month is +inf), rather than failing."""
    from types import SimpleNamespace
    from cashcast.models.statements.ownership import equity_rounds, signing_ordinal
    bare = SimpleNamespace(kind="funding", shapes={}, rows={})
    dated = SimpleNamespace(kind="funding", shapes={}, rows={"month": SimpleNamespace(value=5)})
    assert signing_ordinal(bare) == float("inf") and signing_ordinal(dated) == 5
    assert equity_rounds([bare, dated]) == [dated, bare]


def _problems(path) -> list[str]:
    try:
        load_workbook(path)
    except InputError as err:
        return [str(p) for p in err.problems]
    return []


def _order_problems_of(tmp_path, seed_month, later_rows, scenarios=()):
    """The problems of Seed (a $4M round at a $90M pre-money, its ``month`` row given as keyword arguments of
    ``row``) and Series A (``later_rows``, valued at $150M post-money), both valued."""
    value, kw = seed_month
    return _problems(model(tmp_path, [TEAM, row("Seed", "funding", "amount", 4e6, "USD"),
                                        row("Seed", "funding", "month", value, "date", **kw),
                                        row("Seed", "funding", "pre_money", 90e6, "USD"), *later_rows,
                                        row("Series A", "funding", "post_money", 150e6, "USD")], scenarios=scenarios))


def test_the_order_problem_names_the_cell_that_signs_the_earlier_round_latest(tmp_path):
    """Seed signs in Mar 2023, in Aug in scenario "late", at the latest in Dec (its high): Series A, a
    single tranche in Oct, may then come first. The latest month is the high's (G3), not the scenario's
    (K3), although the scenario's cell comes later in the row."""
    found = _order_problems_of(tmp_path, (dt.date(2023, 3, 1), dict(low=dt.date(2023, 2, 1), high=dt.date(2023, 12, 1),
                                                                     overrides={"late": dt.date(2023, 8, 1)})),
                               [row("Series A", "funding", "amount@2023-10", 30e6, "USD")], [("late", "")])
    assert found == ["model.xlsx:Assumptions!G4: round 'Seed' may be signed as late as 2023-12 but 'Series A' as "
                     "early as 2023-10; with valuations the rounds must be signed in the same order in every "
                     "scenario and at every low and high"]


def test_rounds_signed_in_the_same_month_keep_their_order_and_a_tie_names_the_value_cell(tmp_path):
    """Seed at the latest in Oct 2023 (its month and its high) and Series A in Oct (its month and its
    first tranche, the same month): no problem. With A's low in Sep, the problem is at A's low (F8)."""
    a_rows = [row("Series A", "funding", "amount@2023-10", 10e6, "USD"), row("Series A", "funding", "amount", 20e6, "USD")]
    october = dt.date(2023, 10, 1)
    assert _order_problems_of(tmp_path, (october, dict(high=october)),
                              [*a_rows, row("Series A", "funding", "month", october, "date")]) == []
    found = _order_problems_of(tmp_path, (october, dict(high=october)),
                               [*a_rows, row("Series A", "funding", "month", october, "date", low=dt.date(2023, 9, 1))])
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Assumptions!F8"]
    # the earlier round's own tie, its month and its first tranche in the same month: no problem either
    seed_tranche = row("Seed", "funding", "amount@2023-10", 1e6, "USD")
    assert _problems(model(tmp_path, [TEAM, seed_tranche, row("Seed", "funding", "amount", 4e6, "USD"),
                                        row("Seed", "funding", "month", october, "date"),
                                        row("Seed", "funding", "pre_money", 90e6, "USD"),
                                        row("Series A", "funding", "amount", 30e6, "USD"),
                                        row("Series A", "funding", "month", dt.date(2023, 11, 1), "date"),
                                        row("Series A", "funding", "post_money", 150e6, "USD")], name="tie.xlsx")) == []


# -- bad input ---------------------------------------------------------------------------------------
def test_both_valuations_are_an_error_at_both_cells(tmp_path):
    found = problems_when_run(BAD["round with both pre_money and post_money"](tmp_path))
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Assumptions!D7", "model.xlsx:Assumptions!D8"]
    assert all("gives both pre_money (D7) and post_money (D8)" in p for p in found)


def test_a_post_money_not_above_the_round_is_an_error_in_base_scenario_and_low(tmp_path):
    found = problems_when_run(BAD["post_money not above the round"](tmp_path))
    assert [p.split(": ")[0].split("!")[1] for p in found] == ["D7", "K7", "F7"]
    assert "post_money is 9,000,000.00, not above the round's total 10,000,000.00" in found[0]
    assert "in scenario 'up' is 10,000,000.00" in found[1] and "at its low is 5,000,000.00" in found[2]


def test_a_pre_money_of_0_is_an_error(tmp_path):
    found = problems_when_run(BAD["pre_money of 0"](tmp_path))
    assert found == ["model.xlsx:Assumptions!D7: pre_money is 0.00; a round's pre-money valuation is above 0"]


def test_valued_rounds_keep_one_order_in_every_scenario(tmp_path):
    found = problems_when_run(BAD["valued rounds signed in another order by a scenario"](tmp_path))
    assert len(found) == 1 and found[0].startswith("model.xlsx:Assumptions!K9: round 'Seed' may be signed as "
                                                   "late as 2023-03 but 'A' as early as 2023-02")


def test_a_round_s_total_counts_its_amount_tranches_currency_scenario_and_highs(tmp_path):
    """Seed: €10M with its month (€12M at its high, $1.10 a euro) and a $5M tranche ($8M in scenario
    "big"), at a post-money of $16M ($19M in "big", $14M at its low). Its total is $16M in base
    (11 + 5), $19M in "big" (11 + 8) and $18.2M at the amounts' highs (13.2 + 5): the post-money is not
    above it in any of the three, each a problem at its own cell. A: a pre-money of $0.50 (above 0,
    fine) but $0 in "big" (at A's scenario cell). A valued round's amount may not be drawn from a normal
    distribution (at the amount's distribution cell)."""
    found = _problems(model(tmp_path, [
        TEAM,
        row("Seed", "funding", "amount", 10e6, "EUR", high=12e6, distribution="uniform"),
        row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
        row("Seed", "funding", "amount@2023-06", 5e6, "USD", overrides={"big": 8e6}),
        row("Seed", "funding", "post_money", 16e6, "USD", low=14e6, high=20e6, overrides={"big": 19e6}),
        row("A", "funding", "amount", 30e6, "USD", low=20e6, high=40e6, distribution="normal"),
        row("A", "funding", "month", dt.date(2023, 9, 1), "date", low=dt.date(2023, 8, 1), high=dt.date(2023, 10, 1),
            distribution="normal"),
        row("A", "funding", "pre_money", 0.5, "USD", overrides={"big": 0}),
        row("Seed", "funding", "amount@2023-09", 0, "USD")],
        settings(fx_EUR=1.1), scenarios=[("big", "a bigger tranche")]))
    total = "(amount, tranches and in-kind credits); post-money = pre-money + the total"
    assert found == [
        f"model.xlsx:Assumptions!D6: post_money is 16,000,000.00, not above the round's total 16,000,000.00 {total}",
        f"model.xlsx:Assumptions!K6: post_money in scenario 'big' is 19,000,000.00, not above the round's total "
        f"19,000,000.00 {total}",
        f"model.xlsx:Assumptions!F6: post_money at its low is 14,000,000.00, not above the round's total "
        f"18,200,000.00 {total}",
        "model.xlsx:Assumptions!K9: pre_money in scenario 'big' is 0.00; a round's pre-money valuation is above 0",
        *(f"model.xlsx:Assumptions!H{r}: {name} of a round with a valuation cannot use a normal distribution (its "
          "draws go beyond low and high, so the valuation could fall below the round); use pert, triangular or "
          "uniform" for r, name in ((7, "amount"), (8, "month")))]


def test_a_round_s_total_without_its_rate_or_its_settings_is_taken_as_typed(tmp_path):
    """A round in euros without an fx_EUR rate, or in a workbook whose Settings lack the currency: each is
    a problem of its own, and the round's total is then taken as typed (€10M as 10M), not lost."""
    rows = [TEAM, row("Seed", "funding", "amount", 10e6, "EUR"), row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
            row("Seed", "funding", "post_money", 10e6, "USD")]
    not_above = ("model.xlsx:Assumptions!D5: post_money is 10,000,000.00, not above the round's total 10,000,000.00 "
                 "(amount, tranches and in-kind credits); post-money = pre-money + the total")
    without_rate = _problems(model(tmp_path, rows))
    assert not_above in without_rate and any("fx_EUR" in p for p in without_rate)
    rows[1] = row("Seed", "funding", "amount", 10e6, "USD")
    without_currency = _problems(model(tmp_path, rows, settings(currency=None)))
    assert not_above in without_currency and any("Settings!" in p for p in without_currency)
    # a rate for the model's own currency is a problem of its own, and does not convert its own amounts:
    # $5M is below a post-money of €5M ($5.5M), not $10M (no other problem)
    assert _problems(model(tmp_path, [TEAM, row("Seed", "funding", "amount", 5e6, "USD"),
                                      row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
                                      row("Seed", "funding", "post_money", 5e6, "EUR")],
                           settings(fx_USD=2.0, fx_EUR=1.1))) == [
        "model.xlsx:Settings!B7: fx_USD is a rate for USD, the model's own currency (currency on Settings), whose "
        "amounts are never converted, so it would be ignored; remove the row"]
    # a month without an amount (a problem of its own): the total is the tranches'
    found = _problems(model(tmp_path, [TEAM, row("Seed", "funding", "amount@2023-06", 5e6, "USD"),
                                       row("Seed", "funding", "month", dt.date(2023, 3, 1), "date"),
                                       row("Seed", "funding", "post_money", 5e6, "USD")]))
    assert found[0].startswith("model.xlsx:Assumptions!C4: funding block 'Seed' needs amount and month together")
    assert found[1].startswith("model.xlsx:Assumptions!D5: post_money is 5,000,000.00, not above the round's "
                               "total 5,000,000.00 ") and len(found) == 2


def test_a_valuation_is_not_sampled_beyond_its_range(tmp_path):
    found = problems_when_run(BAD["valuation sampled from a normal distribution"](tmp_path))
    assert found == ["model.xlsx:Assumptions!H7: post_money of a round with a valuation cannot use a normal "
                     "distribution (its draws go beyond low and high, so the valuation could fall below the "
                     "round); use pert, triangular or uniform"]


# -- properties over random rounds ---------------------------------------------------------------------
@st.composite
def valued_rounds(draw):
    """2–4 rounds of one amount each, in distinct months of a 36-month model, each with a pre-money."""
    months = sorted(draw(st.sets(st.integers(0, 35), min_size=2, max_size=4)))
    amounts = [draw(st.floats(0, 1e9).map(lambda x: round(x, 2))) for _ in months]
    pres = [draw(st.floats(1e3, 1e10).map(lambda x: round(x, 2))) for _ in months]
    return list(zip(months, amounts, pres))


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valued_rounds())
def test_shares_add_to_one_and_each_round_dilutes_by_its_terms(rounds):
    rows = [TEAM]
    for k, (m, amount, pre) in enumerate(rounds):
        name = f"R{k}"
        rows += [row(name, "funding", "amount", amount, "USD"),
                 row(name, "funding", "month", dt.date(2023 + m // 12, m % 12 + 1, 1), "date"),
                 row(name, "funding", "pre_money", pre, "USD")]
    with tempfile.TemporaryDirectory() as tmp:
        run = run_file(write_assumption_workbook(Path(tmp) / "r.xlsx", settings(horizon_months=36), rows))
    owned = [column(run, f"r{k}.ownership") for k in range(len(rounds))]
    assert np.allclose(np.sum(owned, axis=0) + column(run, "earlier_holders_share"), 1, rtol=0, atol=1e-12)
    kept = [pre / (pre + amount) for _m, amount, pre in rounds]
    assert column(run, "earlier_holders_share")[-1] == pytest.approx(np.prod(kept), rel=1e-12, abs=1e-15)
    for k, (m, amount, pre) in enumerate(rounds):
        later = np.prod(kept[k + 1:])
        assert owned[k][-1] == pytest.approx(amount / (pre + amount) * later, rel=1e-9, abs=1e-15)
        assert (owned[k][:m] == 0).all()


def test_the_note_names_every_round_without_a_valuation_in_the_plural():
    """Two rounds without a valuation: both named, comma-separated, and "they" / "them"."""
    assert missing_note(["Seed", "Series A"]) == (
        "no pre_money or post_money for: Seed, Series A; the shares they sold are unknown, so the ownership "
        "after them is not computed (no guess is made)")


def test_a_round_s_first_tranche_caps_how_late_it_is_signed(tmp_path):
    """Seed's month is May, December in a scenario, but its first tranche (August) signs it earlier: as
    late as 2023-08, a month after A's July."""
    found = problems_when_run(BAD["a round's first tranche caps how late a scenario signs it"](tmp_path))
    assert found == ["model.xlsx:Assumptions!D10: round 'Seed' may be signed as late as 2023-08 but 'A' as early "
                     "as 2023-07; with valuations the rounds must be signed in the same order in every scenario "
                     "and at every low and high"]


def test_a_round_s_low_month_is_named_at_its_low_cell(tmp_path):
    """A's month may be as early as its low, February, before Seed's only tranche in March: the problem
    sits at A's low cell (F8)."""
    found = problems_when_run(BAD["a round's low month signs it before the earlier round"](tmp_path))
    assert found == ["model.xlsx:Assumptions!F8: round 'Seed' may be signed as late as 2023-03 but 'A' as early "
                     "as 2023-02; with valuations the rounds must be signed in the same order in every scenario "
                     "and at every low and high"]
