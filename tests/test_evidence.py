"""Evidence weight (issue 16, item 3): how much of each headline figure's sensitivity swing rests on
the model's own estimates, worked by hand on a model of two uncertain assumptions.

Jan 2023, 24 months, $1M opening cash, no floor. Rent $100K a month — an estimate (low $90K, high
$125K); Sales 600,000 calls a month at $0.10, $60K a month — sourced (volume low 400,000, high
800,000). Closing cash after month t is $1M − net × (t + 1), net $40K a month as entered: it ends at
$40K and never runs out (month 24 of 24 would be exactly 0, not below it).

    Rent $90K:   net $30K, never out, ends  $280K, no gap
    Rent $125K:  net $65K, below 0 first at t + 1 = 16 (t = 15), ends −$560K, gap $560K
    Sales $40K:  net $60K, below 0 first at t + 1 = 17 (t = 16), ends −$440K, gap $440K
    Sales $80K:  net $20K, never out, ends  $520K, no gap

Swings ("never" counted as month 24): cash-out rent 24 − 15 = 9, sales 24 − 16 = 8; funding gap
$560K and $440K; ending cash $280K + $560K = $840K and $440K + $520K = $960K. The estimate's share:
cash-out 9/17, funding gap 560/1,000 = 56%, ending cash 840/1,800; both cash-out swings reach never.
"""
from __future__ import annotations

import html
import io
import json
import re

import openpyxl
import pytest

from cashcast.models.analysis import evidence
from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports.excel.assumptions import write_assumption_workbook
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.sheets import sensitivity as sheet
from cashcast.reports.html import story
from cashcast.reports.html.page import html_report
from cashcast.reports.outputs import json_text
from tests import shared_reports as shared
from tests.helpers import ROOT, row, settings

CENT = 0.005
RENT, SALES = "Rent.monthly_amount", "Sales.volume"


def hand_model(folder):
    rows = [
        row("Rent", "opex", "monthly_amount", 100_000, "USD/month", low=90_000, high=125_000,
            source="estimate (the model's own): a guess at the office"),
        row("Sales", "usage", "volume", 600_000, "calls/month", low=400_000, high=800_000,
            source="Article A, p. 3"),
        row("Sales", "usage", "unit_price", 0.10, "USD/call", source="Article A, p. 4"),
    ]
    path = folder / "evidence.xlsx"
    write_assumption_workbook(path, settings(), rows, [("base", "as entered")])
    return path


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    run = run_file(hand_model(tmp_path_factory.mktemp("evidence")))
    analysis = analyse(run, 0)
    outcome = Outcome(run, analysis)
    return run, analysis, json.loads(json_text(outcome)), html_report(outcome)


def test_each_rows_swings_of_the_headline_figures_are_the_hand_worked_ones(hand):
    _run, analysis, _data, _page = hand
    bars = {b.parameter: b for b in analysis.tornado.bars}
    assert set(bars) == {RENT, SALES}
    rent, sales = bars[RENT].headline, bars[SALES].headline
    assert (rent["cash_out_month"].high, rent["cash_out_month"].swing) == (15, 9)
    assert (sales["cash_out_month"].low, sales["cash_out_month"].swing) == (16, 8)
    assert rent["funding_gap"].swing == pytest.approx(560_000, abs=CENT)
    assert sales["funding_gap"].swing == pytest.approx(440_000, abs=CENT)
    assert (rent["ending_cash"].low, rent["ending_cash"].high) == pytest.approx((280_000, -560_000), abs=CENT)
    assert rent["ending_cash"].swing == pytest.approx(840_000, abs=CENT)
    assert sales["ending_cash"].swing == pytest.approx(960_000, abs=CENT)
    assert (bars[RENT].evidence, bars[SALES].evidence) == (evidence.ESTIMATE, evidence.SOURCED)


def test_the_estimates_share_of_each_figure_is_exact(hand):
    _run, analysis, data, _page = hand
    w = evidence.weights(analysis.tornado.bars)
    assert (w["cash_out_month"].total, w["cash_out_month"].estimate) == (17, 9)
    assert w["cash_out_month"].estimate_share == 9 / 17 and w["cash_out_month"].reaches_never
    assert w["funding_gap"].estimate_share == pytest.approx(0.56, abs=1e-12)
    assert w["ending_cash"].estimate_share == pytest.approx(840 / 1800, abs=1e-12)
    assert w["ending_cash"].sourced_share == pytest.approx(960 / 1800, abs=1e-12)
    assert not w["ending_cash"].reaches_never
    ev = data["evidence_weight"]["base"]
    assert ev["kpis"]["cash_out_month"] == {"swing": 17, "from_estimates": 9, "from_sourced": 8,
                                            "estimate_share": 9 / 17, "sourced_share": 8 / 17,
                                            "reaches_never": True}
    assert ev["kpis"]["funding_gap"]["from_estimates"] == pytest.approx(560_000, abs=CENT)
    assert ev["kpis"]["ending_cash"]["from_sourced"] == pytest.approx(960_000, abs=CENT)
    # the rent carries 9/17 + 0.56 + 0.467 of the three figures' swings, the sales 8/17 + 0.44 + 0.533
    assert [(x["parameter"], x["source_kind"]) for x in ev["largest"]] == [(RENT, "estimate"), (SALES, "sourced")]
    assert (ev["estimates"], ev["assumptions"]) == (1, 2)
    rows = {r["parameter"]: r["evidence"] for r in data["sensitivity"]["base"]}
    assert rows[SALES]["source_kind"] == "sourced"
    assert rows[SALES]["share"]["funding_gap"] == pytest.approx(0.44, abs=1e-12)


def test_a_figure_nothing_moves_has_no_share():
    s = evidence.Bar(evidence.ESTIMATE, {k: _swing(0.0) for k in evidence.HEADLINE})
    w = evidence.weigh([s, evidence.Bar(evidence.SOURCED, {k: _swing(0.0) for k in evidence.HEADLINE})],
                       "funding_gap")
    assert (w.total, w.estimate_share, w.sourced_share) == (0.0, None, None)
    assert story.estimate_shares({"kpis": {k: {"estimate_share": None} for k in evidence.HEADLINE}}) == (
        "Share of the sensitivity swing that rests on the model's own estimates: cash-out month n/a (no "
        "assumption moves it), funding gap n/a (no assumption moves it), ending cash n/a (no assumption "
        "moves it).")


def _swing(x):
    from cashcast.models.analysis.uncertainty import Swing
    return Swing(0.0, 0.0, x, x)


def test_is_estimate_is_the_one_classifier_and_settings_cite_in_their_notes(hand):
    run, _analysis, _data, _page = hand
    wb = run.workbook
    assert evidence.kind_of(wb, "rent__monthly_amount") == evidence.ESTIMATE
    assert evidence.kind_of(wb, "sales__volume") == evidence.SOURCED
    flagship = run_file(ROOT / "assumptions" / "openai.xlsx").workbook
    note = flagship.settings.notes["opening_cash"]
    assert note.startswith("estimate") and evidence.kind_of(flagship, "settings__opening_cash") == evidence.ESTIMATE
    # a setting's own source cell comes first: the start month cites A001, a sourced figure
    assert flagship.settings.sources["start_month"][0] == "A001"
    assert (evidence.source_kind(flagship, "settings__start_month"), evidence.kind_of(flagship, "settings__start_month")
            ) == (flagship.sources["A001"].kind, evidence.SOURCED) and flagship.sources["A001"].kind != "estimate"
    # without a source cell, the note: free text cites no register row (a sourced figure, unregistered); a
    # setting the sheet does not give has neither, so nothing backs it: an estimate
    assert flagship.settings.notes["horizon_months"] == "ten years, to December 2032"
    assert [evidence.source_kind(flagship, k) for k in ("settings__horizon_months", "settings__receivable_days")] == [
        "unregistered", ""]
    assert evidence.kind_of(flagship, "settings__receivable_days") == evidence.ESTIMATE


def test_the_answer_says_the_shares_and_the_largest_swings_of_the_json(hand):
    _run, _analysis, data, page = hand
    ev = data["evidence_weight"]["base"]
    text = story_text(page, "base")
    shares = [story.share_text(ev["kpis"][k]["estimate_share"]) for k in evidence.HEADLINE]
    assert shares == ["53%", "56%", "47%"]
    assert ("Share of the sensitivity swing that rests on the model's own estimates: cash-out month 53%, "
            "funding gap 56%, ending cash 47%. The largest swing, Rent.monthly_amount, rests on the model's "
            "own estimate; the second largest, Sales.volume, on a sourced figure.") in text


def story_text(page: str, scenario: str) -> str:
    found = re.search(rf'<p class="story headline" data-scenario="{scenario}">(.*?)</p>', page)
    return html.unescape(re.sub(r"<[^>]*>", "", found.group(1)))


SHARES = re.compile(r"rests on the model's own estimates: cash-out month (\S+?)(?: \(no assumption moves it\))?, "
                    r"funding gap (\S+?)(?: \(no assumption moves it\))?, ending cash (\S+?)"
                    r"(?: \(no assumption moves it\))?\.")


@pytest.mark.parametrize("example", ["openai", "xiaoice_rmb"])
def test_every_examples_evidence_sentence_states_the_jsons_facts(example, shared_reports):
    path = ROOT / "assumptions" / f"{example}.xlsx"
    outcome = shared.outcome(path, 0)
    run, data, page = outcome.run, json.loads(json_text(outcome)), shared_reports.html(path, 0)
    for name in run.scenarios:
        ev, text = data["evidence_weight"][name], story_text(page, name)
        said = SHARES.search(text)
        assert said, (name, text)
        assert list(said.groups()) == [story.share_text(ev["kpis"][k]["estimate_share"]) for k in evidence.HEADLINE]
        first, second = ev["largest"]
        if first["source_kind"] == second["source_kind"] == "estimate":
            want = (f"The two largest swings rest on the model's own estimates: {first['parameter']} and "
                    f"{second['parameter']}.")
        elif first["source_kind"] == second["source_kind"]:
            want = f"The two largest swings rest on sourced figures: {first['parameter']} and {second['parameter']}."
        else:
            kinds = {"estimate": "the model's own estimate", "sourced": "a sourced figure"}
            want = (f"The largest swing, {first['parameter']}, rests on {kinds[first['source_kind']]}; the second "
                    f"largest, {second['parameter']}, on {kinds[second['source_kind']]}.")
        assert text.endswith(want), (name, text)
    # the flagship's largest swing is its training-cost growth, one of the model's own estimates
    if example == "openai":
        top = data["evidence_weight"]["base"]["largest"][0]
        assert (top["parameter"], top["source_kind"]) == ("Frontier training.cost_per_run.growth", "estimate")


def test_the_tornado_marks_estimates_in_its_names_and_its_text_alternative(hand):
    _run, _analysis, _data, page = hand
    chart = re.search(r'<figure[^>]*id="sensitivity-1-tornado".*?</figure>', page, re.S)
    assert chart, "the sensitivity section has its tornado chart"
    body = html.unescape(chart.group(0))
    assert "Rent.monthly_amount — estimate" in body and "Sales.volume — estimate" not in body
    assert 'A name marked “estimate” rests on the model\'s own estimate' in body
    cells = [html.unescape(re.sub(r"<[^>]*>", "", c)) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", chart.group(0))]
    assert "Source" in cells
    assert cells[cells.index("Rent.monthly_amount") + 1] == "estimate"
    assert cells[cells.index("Sales.volume") + 1] == "sourced"


def test_the_sensitivity_table_has_the_evidence_column(hand):
    _run, _analysis, _data, page = hand
    table = re.search(r'<table class="sensitivity">.*?</table>', page, re.S).group(0)
    assert "share: cash-out · gap · ending cash" in table
    rent = re.search(r'<tr data-parameter="Rent.monthly_amount">.*?</tr>', table, re.S).group(0)
    cell = re.search(r'<td class="evidence" data-evidence="estimate">(.*?)</td>', rent).group(1)
    assert html.unescape(re.sub(r"<[^>]*>", " ", cell)).split() == ["estimate", "53%", "·", "56%", "·", "47%"]


def test_the_excel_sensitivity_sheet_has_the_kinds_swings_and_share_formulas(hand):
    run, analysis, _data, _page = hand
    wb = openpyxl.load_workbook(io.BytesIO(excel_bytes(run, analysis)))
    ws = wb["Sensitivity base"]
    e0, n = sheet.first_evidence() + 1, len(evidence.HEADLINE)      # 1-based column of the kind
    rows = {ws.cell(r, 2).value: r for r in range(sheet.T_HEADER_ROW + 2, sheet.T_HEADER_ROW + 4)}
    assert [ws.cell(rows[p], e0).value for p in (RENT, SALES)] == ["estimate", "sourced"]
    assert [ws.cell(rows[RENT], e0 + 1 + k).value for k in range(n)] == pytest.approx([9, 560_000, 840_000],
                                                                                       abs=CENT)
    col = openpyxl.utils.get_column_letter(e0 + 1 + n + 1)   # the funding gap's share
    swings = openpyxl.utils.get_column_letter(e0 + 2)
    first, last = sheet.T_HEADER_ROW + 2, sheet.T_HEADER_ROW + 3
    assert ws[f"{col}{rows[SALES]}"].value == (f'=IF(SUM({swings}${first}:{swings}${last})=0,NA_TEXT,'
                                               f'{swings}{rows[SALES]}/SUM({swings}${first}:{swings}${last}))')
    summary = ws.cell(sheet.T_BASE_ROW + 3, sheet.T_BASE + 1).value   # funding gap, from estimates
    kinds = openpyxl.utils.get_column_letter(e0)
    key = f"{openpyxl.utils.get_column_letter(sheet.T_BASE + 1)}${sheet.T_BASE_ROW + 1}"   # heading "estimate"
    assert ws[key.replace("$", "")].value == "estimate"
    assert summary == (f'=IF(SUM(${swings}${first}:${swings}${last})=0,NA_TEXT,SUMIF(${kinds}${first}:${kinds}${last},'
                       f'{key},${swings}${first}:${swings}${last})/SUM(${swings}${first}:${swings}${last}))')
    cached = openpyxl.load_workbook(io.BytesIO(excel_bytes(run, analysis)), data_only=True)["Sensitivity base"]
    assert cached.cell(sheet.T_BASE_ROW + 3, sheet.T_BASE + 1).value == pytest.approx(0.56, abs=1e-12)


def test_shares_and_never_below_one_unit():
    """Swings under one unit (a fraction of a month, of a currency unit) still share and still flag "never":
    0.3 of 0.75 is 40%; a half-month swing that reached never is a lower bound; the weight names its figure."""
    from cashcast.models.analysis.uncertainty import Swing

    assert evidence.share(0.3, 0.75) == pytest.approx(0.4, abs=1e-12)
    assert evidence.reaches_never(Swing(0.5, float("nan"), 0.0, 0.5))
    w = evidence.weigh([evidence.Bar(evidence.ESTIMATE, {"ending_cash": Swing(0.0, 0.0, 0.3, 0.3)}),
                        evidence.Bar(evidence.SOURCED, {"ending_cash": Swing(0.0, 0.0, 0.45, 0.45)})], "ending_cash")
    assert (w.kpi, w.total, w.estimate, w.estimate_share) == ("ending_cash", 0.75, 0.3, pytest.approx(0.4, abs=1e-12))


def test_an_exchange_rate_is_weighed_by_its_own_settings_row(make_workbook):
    """An exchange rate's key (``fx__usd``) finds its Settings row (``fx_USD``): a rate whose note names
    where it comes from is sourced, one whose note says estimate is an estimate."""
    from cashcast.models.reading.workbook import load_workbook

    rows = [row("Licence", "licensing", "customers", 20, "platforms"),
            row("Licence", "licensing", "annual_fee", 1_000_000, "USD/year")]
    for note, kind in (("PBoC 2023 average, 7.2 RMB per dollar", evidence.SOURCED),
                       ("estimate: a round 7.2", evidence.ESTIMATE)):
        base = [s for s in settings(currency="RMB") if s[0] != "fx_USD"]
        path = make_workbook(rows, [*base, ("fx_USD", 7.2, note)], name=f"{kind}.xlsx")
        wb = load_workbook(path)
        assert evidence.setting_of(wb, "fx__usd") == "fx_USD"
        assert evidence.kind_of(wb, "fx__usd") == kind, note
