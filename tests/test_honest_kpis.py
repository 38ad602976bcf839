"""The honest KPIs (issue 10, part 3), worked by hand on tests/excel_checks.py's rounds() workbook,
and IRR against numpy-financial.

rounds(): Jan 2023, 24 months, $300K opening cash, $100K a month of costs, a $500K round in Jul 2023.

* base: sales of $120K a month from Jul 2023, so operating cash flow is −$100K for six months, then
  +$20K. Closing cash: 200K, 100K, 0, −100K, −200K, −300K, then −300K − 100K + 120K + 500K = 220K and
  +20K a month to 560K. Below zero in Apr–Jun 2023 (3 months), back from Jul 2023; the lowest is
  −$300K in Jun 2023, so the gap is $300K. A full trailing year holds k months of −100K and 12 − k of
  +20K from Dec 2023 (k = 17 − t): 240K − 120K·k ≥ 0 first at k = 2, t = 15: Apr 2024, for good.
* fade: $150K a month of sales from Jul 2023 to Jun 2024 (+$50K), then −$100K. Trailing year
  ≥ 0 from k ≤ 4: t = 13, Feb 2024; after the sales stop, 11 × 50K − 100K = 450K, 300K, 150K, 0,
  then 7 × 50K − 5 × 100K = −150K in Nov 2024: a return to losses, never sustained. Cash: 250K in
  Jul 2023, 800K in Jun 2024, 200K in Dec 2024, burning 100K a month: 2 more months, so it would
  run out in Mar 2025. Its flows change sign twice: no single IRR.
* no-round: base without the round: −300K in Jun 2023, then +20K a month, back to 0 (not below)
  in Sep 2024: 17 months short.
"""
from __future__ import annotations

import csv
import html
import json
import re
import warnings

import numpy as np
import numpy_financial as npf
import openpyxl
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from cashcast.models.analysis.kpi import (_flow_months, first_after, funding_gap, irr, irr_note, peak_funding_need,
                                          runway_at_horizon, sign_changes)
from cashcast.reports.cli.main import main
from cashcast.reports.excel.assumptions import write_assumption_workbook
from tests.excel_checks import rounds
from tests.helpers import examples, row, settings

EXPECTED = {
    "base": {"cash_out_month": "2023-04", "cash_recovers_month": "2023-07", "runway_months": 3,
             "cash_low": -300_000.0, "cash_low_month": "2023-06", "funding_gap": 300_000.0,
             "raise_by_month": "2023-04", "months_short": 3, "runway_at_horizon_months": None,
             "runway_at_horizon_month": None, "break_even_month": "2024-04",
             "sustained_break_even_month": "2024-04", "returns_to_loss_month": None,
             "ending_cash": 560_000.0},
    "fade": {"cash_out_month": "2023-04", "cash_recovers_month": "2023-07", "cash_low": -300_000.0,
             "months_short": 3, "runway_at_horizon_months": 2, "runway_at_horizon_month": "2025-03",
             "break_even_month": "2024-02", "sustained_break_even_month": None,
             "returns_to_loss_month": "2024-11", "irr": None, "ending_cash": 200_000.0},
    "no-round": {"cash_out_month": "2023-04", "cash_recovers_month": "2024-09", "months_short": 17,
                 "funding_gap": 300_000.0, "ending_cash": 60_000.0},
}
FLOWS = {"base": [-100_000.0] * 6 + [20_000.0] * 18,
         "fade": [-100_000.0] * 6 + [50_000.0] * 12 + [-100_000.0] * 6}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rounds")
    path = folder / "rounds.xlsx"
    write_assumption_workbook(path, *rounds())
    assert main(["run", str(path), "--out", str(folder / "out"), "--samples", "0"]) == 0
    return folder / "out"


def test_every_honest_kpi_equals_the_hand_worked_value(outputs):
    data = json.loads((outputs / "rounds.json").read_text())["scenarios"]
    for scenario, expected in EXPECTED.items():
        kpis = data[scenario]["kpis"]
        assert {k: kpis[k] for k in expected} == expected, scenario


def test_irr_is_numpy_financials_where_the_flows_change_sign_once_and_null_with_a_note_where_not(outputs):
    kpis = json.loads((outputs / "rounds.json").read_text())["scenarios"]
    monthly = npf.irr(FLOWS["base"])
    kpis = {name: scenario["kpis"] for name, scenario in kpis.items()}
    assert kpis["base"]["irr"] == pytest.approx((1 + monthly) ** 12 - 1, rel=1e-9)
    assert kpis["base"]["irr_note"] is None
    assert kpis["fade"]["irr"] is None
    assert kpis["fade"]["irr_note"] == ("undefined: the operating cash flows change sign 2 times, so more "
                                        "than one rate can make their NPV zero")


def test_sign_changes_skip_zeros():
    flows = np.array([[0.0, 1.0], [-1.0, 0.0], [0.0, 0.0], [2.0, -3.0], [0.0, 4.0]])
    assert sign_changes(flows).tolist() == [1, 2]


@hyp_settings(max_examples=examples(200), deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.floats(0.01, 1e6), st.floats(0.01, 1e6),
       st.integers(0, 1))
def test_irr_matches_numpy_financial_on_one_sign_change(before, after, out, back, borrowing):
    """Outflows then inflows (or the reverse, a borrowing): one root, which both find."""
    flows = np.array([-out] * before + [back] * after) * (-1 if borrowing else 1)
    expected = npf.irr(flows)
    got = irr(flows[:, None])[0]
    if not np.isfinite(expected):     # numpy-financial found no root: ours lies outside its search
        return
    assert got == pytest.approx((1 + expected) ** 12 - 1, rel=1e-8, abs=1e-12)
    assert (irr_note(flows) is None) == (not borrowing)


def test_months_without_flows_before_or_after_do_not_change_the_irr():
    # $100 out, $60 back in each of the next two months: 30.66% a month (336.5% a year) — also within
    # a 10-year horizon whose other 117 months have no flow, at its start or at its end (the search's
    # scaling once let those months push every flow's term to zero: no IRR, and a note blaming the rate)
    flows = np.array([-100.0, 60.0, 60.0])
    alone = irr(flows[:, None])[0]
    assert alone == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, rel=1e-9) and alone == pytest.approx(3.36511145, abs=1e-8)
    quiet = np.zeros(117)
    padded = np.stack([np.concatenate([flows, quiet]), np.concatenate([quiet, flows]),
                       np.concatenate([quiet[:50], flows, quiet[50:]])], axis=1)
    assert irr(padded) == pytest.approx([alone] * 3, rel=1e-9)
    assert [irr_note(padded[:, j]) for j in range(3)] == [None] * 3
    # a borrowing, the same: $100 in, $60 out twice, then nothing
    assert irr(-padded[:, :1])[0] == pytest.approx(alone, rel=1e-9)


def test_flow_months_are_each_path_s_first_and_last_month_with_a_flow():
    # six months, four paths: flows in months 1-2; in month 0 only; none (0 and 0); in months 3 and 5,
    # the horizon's last month (six months and four paths, so a count of paths cannot pass for months)
    flows = np.zeros((6, 4))
    flows[1, 0], flows[2, 0], flows[0, 1], flows[3, 3], flows[5, 3] = 5.0, -3.0, -2.0, -4.0, 9.0
    first, last = _flow_months(flows)
    assert first.tolist() == [1, 0, 0, 3] and last.tolist() == [2, 0, 0, 5]


def test_irr_of_flows_near_the_largest_float_is_right_and_non_finite_flows_give_none_silently():
    # the fuzz tests type 1e308 into cells. $1.5e308 out twice, $1.7e308 back twice is the IRR of
    # $1.5, $1.5, $1.7, $1.7 (111.9% a year); summed as they are, the two outflows overflowed to -inf and
    # the search went the wrong way (-91.7%). Flows that are already inf or NaN give no IRR and no
    # RuntimeWarning on the user's terminal
    small = np.array([-1.5, -1.5, 1.7, 1.7])
    assert irr((small * 1e308)[:, None])[0] == pytest.approx((1 + npf.irr(small)) ** 12 - 1, rel=1e-9)
    assert irr((small * 1e308)[:, None])[0] == pytest.approx(1.11907327, abs=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = irr(np.array([[-1.0, -1.0, -np.inf], [np.inf, np.nan, np.inf]]))
    assert np.isnan(got).all()
    # each path is divided by its own largest flow: beside those, the 30.66% a month of 100 out and 60
    # back twice, in units of 1e-12, keeps its precision (one scale for all paths would make them
    # subnormal, with a few bits left)
    both = np.zeros((4, 2))
    both[:, 0], both[:3, 1] = small * 1e308, np.array([-100.0, 60.0, 60.0]) * 1e-12
    assert irr(both) == pytest.approx([1.11907327, 3.36511145], abs=1e-8)


def test_first_after_is_each_path_s_own():
    # path 1 starts in month 0, path 2 in month 2, path 3 never: the condition (always true) first holds
    # after that in months 1, 3 and never
    condition = np.ones((4, 3))
    start = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert np.array_equal(first_after(condition, start), [1.0, 3.0, np.nan], equal_nan=True)


def test_runway_at_horizon_and_funding_gap_by_their_defaults():
    # no minimum cash, the last three months' burn: $10M left, burning $2M, $3M, $4M (of $1M, $2M, $3M,
    # $4M) → $3M a month → 3 whole months (four months' $2.5M would give 4); $9M at $3M → exactly 3
    cash, flows = np.array([[20e6], [10e6]]), np.array([[-1e6], [-2e6], [-3e6], [-4e6]])
    assert runway_at_horizon(cash, flows).tolist() == [3.0]
    assert runway_at_horizon(np.array([[9e6]]), np.array([[-3e6]] * 3)).tolist() == [3.0]
    # above a $4M minimum, $6M of the $10M lasts 2 months at $3M; cash at the floor lasts none, even
    # at a burn of 50 cents a month
    assert runway_at_horizon(cash, flows, 4e6).tolist() == [2.0]
    assert runway_at_horizon(np.array([[0.0]]), np.array([[-0.5]] * 3)).tolist() == [0.0]
    # a business whose cumulative flow never dips below zero needs no funding
    assert peak_funding_need(np.array([[0.0], [3.0], [1.0]])).tolist() == [0.0]
    # $2 short of zero in the second month: $2 of funding (a $1 minimum would make it $3)
    assert funding_gap(np.array([[5.0], [-2.0], [1.0]])).tolist() == [2.0]
    # a path that does not burn at the end (nothing left, or $5 left, without flows) has no runway, quietly
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = runway_at_horizon(np.array([[0.0, 5.0]]), np.zeros((3, 2)))
    assert np.isnan(got).all()


def test_each_irr_note_word_for_word():
    # the first non-zero flow decides a borrowing (months without flows before it do not count)
    assert irr_note(np.array([0.0, 0.0, -5.0, 6.0])) is None
    borrowing = "the flows are positive first and negative later: a borrowing, whose IRR is the rate paid (lower is better)"
    assert irr_note(np.array([0.0, 5.0, -6.0])) == borrowing
    assert irr_note(np.array([0.5, -0.6])) == borrowing   # 50 cents borrowed: positive, if under a dollar
    # $1 out, $1e20 back a month later: 1e20 − 1 a month, past the search's e^30 − 1
    assert irr_note(np.array([-1.0, 1e20])) == "undefined: the rate lies outside e^±30 − 1 a month"
    assert irr_note(np.zeros(4)) == "undefined: there are no operating cash flows"
    assert irr_note(np.array([5.0, 0.0, 1.0])) == "undefined: the operating cash flows never change sign (always positive)"
    assert irr_note(np.array([0.0, -5.0, 0.0])) == "undefined: the operating cash flows never change sign (always negative)"
    assert irr_note(np.array([-5.0, 8.0, -1.0])) == ("undefined: the operating cash flows change sign 2 times, so more "
                                                     "than one rate can make their NPV zero")


@hyp_settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.floats(-1e6, 1e6).filter(lambda x: abs(x) > 1e-3), min_size=3, max_size=40))
def test_irr_is_null_unless_exactly_one_sign_change(values):
    flows = np.array(values)[:, None]
    changes = int(sign_changes(flows)[0])
    if changes != 1:
        assert np.isnan(irr(flows)[0]) and irr_note(flows[:, 0]).startswith("undefined")


def test_irr_is_vectorised_over_paths():
    flows = np.array([FLOWS["base"], FLOWS["fade"], [v * 2 for v in FLOWS["base"]]]).T
    got = irr(flows)
    assert np.isnan(got[1]) and got[0] == got[2]


def test_the_excel_irr_says_n_a_unless_the_live_sign_change_count_is_one(outputs):
    wb = openpyxl.load_workbook(outputs / "rounds.xlsx")
    ws = wb["Monthly"]
    keyed = {r[2].value: r for r in ws.iter_rows() if r[2].value}
    changes = keyed["irr.sign_changes"][3].coordinate
    assert keyed["irr"][3].value.startswith(f'=IF(OR({changes.replace("D", "$D$")}<>1,')
    cached = openpyxl.load_workbook(outputs / "rounds.xlsx", data_only=True)
    fade = cached["Scenario fade"]
    keyed = {r[2].value: r for r in fade.iter_rows() if r[2].value}
    assert keyed["irr.sign_changes"][3].value == 2 and keyed["irr"][3].value == "n/a"


# ------------------------------------------------------------------------------------------------
# Annual figures by kind of line (part 4): summed, year-end, averaged — in every output
# ------------------------------------------------------------------------------------------------
# An audience ramping from 0 to 1,200 over 12 months (t/12 × 1,200), 10% of it paying $10 a month:
# 2023: audience average 1,200 × 66/144 = 550 (year end 1,100; summed it would be 6,600),
# subscribers at the year end 110, revenue 10 × 0.1 × 6,600 = $6,600; closing cash $1,006,600.
# 2024: 1,200 on average and at the year end, 120 subscribers, $14,400; closing cash $1,021,000.
# Net burn per year: −6,600/12 = −$550 and −$1,200 a month.
ANNUAL = {"plus.audience": ("average", [550.0, 1200.0]), "plus.subscribers": ("year-end", [110.0, 120.0]),
          "plus.revenue": ("sum", [6600.0, 14400.0]), "closing_cash": ("year-end", [1_006_600.0, 1_021_000.0])}
NET_BURN = [-550.0, -1200.0]


@pytest.fixture(scope="module")
def ramp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ramp")
    rows = [row("Plus", "subscription", "audience", 1200, "users"),
            row("Plus", "subscription", "audience.ramp_months", 12, "months"),
            row("Plus", "subscription", "conversion", 0.10, "%"),
            row("Plus", "subscription", "price", 10, "USD/month")]
    write_assumption_workbook(folder / "ramp.xlsx", settings(), rows, [("base", "")])
    assert main(["run", str(folder / "ramp.xlsx"), "--out", str(folder / "out"), "--samples", "0"]) == 0
    return folder / "out"


def test_json_annual_folds_each_line_by_its_kind(ramp):
    data = json.loads((ramp / "ramp.json").read_text())
    annual = data["scenarios"]["base"]["annual"]
    for name, (word, values) in ANNUAL.items():
        assert data["lines"][name]["annual"] == word
        assert annual["lines"][name] == pytest.approx(values, abs=0.005), name
    assert annual["kpis"]["net_burn"] == pytest.approx(NET_BURN, abs=0.005)


def test_annual_csv_folds_each_line_by_its_kind(ramp):
    rows = {r["year"]: r for r in csv.DictReader(open(ramp / "ramp.annual.csv"))}
    assert list(rows) == ["2023", "2024"]
    for name, (_word, values) in ANNUAL.items():
        assert [float(rows[y][name]) for y in rows] == pytest.approx(values, abs=0.005), name
    assert [float(rows[y]["net_burn"]) for y in rows] == pytest.approx(NET_BURN, abs=0.005)


def test_excel_annual_sheet_uses_average_year_end_and_sum_formulas(ramp):
    wb = openpyxl.load_workbook(ramp / "ramp.xlsx")
    values = openpyxl.load_workbook(ramp / "ramp.xlsx", data_only=True)["Annual"]
    keyed = {r[2].value: r for r in wb["Annual"].iter_rows() if r[2].value}
    monthly = {r[2].value: r[0].row for r in wb["Monthly"].iter_rows() if r[2].value}
    formulas = {"average": "=AVERAGE(Monthly!D{r}:O{r})", "year-end": "=Monthly!O{r}", "sum": "=SUM(Monthly!D{r}:O{r})"}
    for name, (word, expected) in ANNUAL.items():
        first = keyed[name][3]
        assert first.value == formulas[word].format(r=monthly[name]), name
        assert [values[c.coordinate].value for c in keyed[name][3:5]] == pytest.approx(expected, abs=0.005)
    assert keyed["plus.audience"][0].value.endswith("(monthly average)")
    assert keyed["net_burn"][3].value == f"=-AVERAGE(Monthly!D{monthly['operating_cash_flow']}:O{monthly['operating_cash_flow']})"


def html_rows(page: str) -> dict[str, list[str]]:
    """{row label: its cells} of the HTML report's tables (the first table holding a label wins)."""
    out: dict[str, list[str]] = {}
    for label, cells in re.findall(r'<th scope="row">([^<]*)</th>((?:<td[^>]*>[^<]*</td>)+)', page):
        out.setdefault(label, re.findall(r"<td[^>]*>([^<]*)</td>", cells))
    return out


def test_html_annual_table_labels_and_folds_each_line_by_its_kind(ramp):
    rows = html_rows((ramp / "ramp.html").read_text())
    assert rows["Plus: audience (monthly average)"] == ["550", "1.2K"]        # summed: 6.6K
    assert rows["Plus: paying subscribers (year-end)"] == ["110", "120"]
    assert rows["Plus"] == ["$6.6K", "$14.4K"]
    assert rows["Closing cash (year end)"] == ["$1M", "$1M"]
    assert rows["Net burn (average a month; negative: cash generated)"] == ["−$550", "−$1.2K"]


def test_not_burning_at_the_horizon_ranks_best_not_at_the_horizon(outputs):
    """fade would run out in Mar 2025, after the horizon; base and no-round do not burn at its end:
    their "never" ranks past every month, where a cash-out month's "never" ranks at the horizon."""
    ranking = json.loads((outputs / "rounds.json").read_text())["scenario_comparison"]["ranking"]
    assert ranking["runway_at_horizon_month"] == ["base", "no-round", "fade"]
    assert ranking["runway_at_horizon_months"] == ["base", "no-round", "fade"]


def cards(page: str, scenario_index: int) -> dict[str, tuple[str, str]]:
    """{KPI: (value, note)} of one scenario's cards in the HTML report (scenarios in order)."""
    found = re.findall(r'<div class="kpi[^"]*" data-kpi="(\w+)">\s*<dt>[^<]*</dt>\s*<dd class="value">([^<]*)</dd>'
                       r'\s*<dd class="note">([^<]*)</dd>', page)
    per = len(found) // 3
    return {k: (v, html.unescape(n)) for k, v, n in found[scenario_index * per:(scenario_index + 1) * per]}


def test_html_cards_say_what_a_null_means(outputs):
    page = (outputs / "rounds.html").read_text()
    base, fade = cards(page, 0), cards(page, 1)
    assert base["cash_recovers_month"][0] == "Jul 2023" and fade["returns_to_loss_month"][0] == "Nov 2024"
    assert base["runway_at_horizon_months"] == (
        "—", "not burning cash over the last three months, or lasting over 1200 months more")
    assert fade["runway_at_horizon_month"][0] == "Mar 2025"
    assert fade["sustained_break_even_month"][0] == "Never"
    assert fade["irr"] == ("n/a", "undefined: the operating cash flows change sign 2 times, so more than "
                                  "one rate can make their NPV zero")


def test_a_line_says_how_it_folds_and_stock_alone_still_means_year_end():
    from cashcast.models.engine.expr import Num
    from cashcast.models.kinds import Line

    def line(**kw):
        return Line("x", Num(1), "x", "users", "detail", **kw)

    assert [line().annual, line(stock=True).annual, line(annual="mean").annual] == ["sum", "end", "mean"]
    with pytest.raises(ValueError, match="valid are sum, end, mean"):
        line(annual="median")


@pytest.mark.parametrize("opening, expected", [
    # Jan 600, Feb 200, Mar −200 (below), Apr +700 round → 100, May −300, Jun −700: below since May
    (1_000, "2023-05"),
    # below the floor from the first month on (−300, −700, …, a round of 700 in April only narrows it)
    (100, "2023-01"),
])
def test_cash_already_out_at_the_horizon_is_dated_when_it_last_fell_below_not_after_the_horizon(
        make_workbook, tmp_path, opening, expected):
    """Six months, rent 400 a month, a round of 700 in April. A company below the floor in its last
    month has no month 'after the horizon' to run out in: the date is the start of its last run below
    the floor, and the months of runway left are 0."""
    rows = [row("Rent", "opex", "monthly_amount", 400, "USD/month"),
            row("Round", "funding", "amount", 700, "USD"), row("Round", "funding", "month", "2023-04", "date")]
    path = make_workbook(rows, settings(horizon_months=6, opening_cash=opening))
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "0"]) == 0
    k = json.loads((tmp_path / "out" / "model.json").read_text())["scenarios"]["base"]["kpis"]
    assert (k["runway_at_horizon_month"], k["runway_at_horizon_months"]) == (expected, 0)
    assert k["cash_out_month"] == ("2023-03" if opening == 1_000 else "2023-01")
