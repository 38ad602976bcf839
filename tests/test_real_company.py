"""A real company modelled by editing cells only (issue 10's "done when"): OpenAI in 2024–2025 from
figures reported in the press, typed into the starter that ``cashcast new`` writes, with openpyxl and
no Python model code; then ``cashcast check`` and ``cashcast run``, and the statements against
figures worked out by hand from the rows below (closed forms, not the code under test).

The figures were not re-checked against the original reports (no internet where this was written);
each source cell says so, and what the model guesses says "estimate (the model's own)".
"""
from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD
from tests.helpers import ROOT, row, settings

CENT = 0.005
NYT, INFO, ROUND, SOFTBANK = "NYT", "INFO", "ROUND", "SOFTBANK"   # ids of the Sources sheet typed below
EST = "estimate (the model's own)"
UNCHECKED = "not re-checked against the original report"
# (id, title, title_en, author, publisher, date, location, kind, note): the Sources rows the analyst types in
# place of the starter's example row. The headlines were not recorded where this was written, so the titles
# say what each report is rather than quote it.
REGISTER = [
    (NYT, "report of OpenAI's financial documents (headline not recorded here)", "", "", "The New York Times",
     "2024-09", "", "press report", UNCHECKED),
    (INFO, "reckoning of OpenAI's costs from internal figures (headline not recorded here)", "", "",
     "The Information", "2024-07", "", "press report", UNCHECKED),
    (ROUND, "OpenAI's announcement of its funding round", "", "", "OpenAI", "2024-10", "", "company statement",
     "and the press reports of it; " + UNCHECKED),
    (SOFTBANK, "reports of the SoftBank-led round", "", "", "CNBC; Reuters", "2025-03-31", "", "press report",
     UNCHECKED),
]

# (block, kind, parameter, value, unit, source, notes): what an analyst types, row by row.
ROWS = [
    ("ChatGPT and API", "revenue", "amount@2024", 3.7e9, "USD/year", NYT, f"2024 revenue; {UNCHECKED}"),
    ("ChatGPT and API", "revenue", "amount@2025", 11.6e9, "USD/year", NYT,
     f"OpenAI's own 2025 projection in the same documents; {UNCHECKED}"),
    ("Inference", "cost", "amount", 4e9, "USD/year", INFO, f"servers rented from Microsoft to run the models; {UNCHECKED}"),
    ("Inference", "cost", "category", "cost_of_revenue", "", INFO, "serving is the cost of revenue"),
    ("Inference", "cost", "amount.growth@2025", 1.0, "%/year", EST,
     "serving grows more slowly than revenue (x3.1) as the price of compute falls; a guess"),
    ("Training", "cost", "amount", 3e9, "USD/year", INFO, f"training compute; {UNCHECKED}"),
    ("Training", "cost", "category", "research_development", "", INFO, ""),
    ("Training", "cost", "amount.growth@2025", 0.5, "%/year", EST, "as the flagship's +50% a year of training"),
    ("Staff", "headcount", "employees", 1500, "people", INFO, f"about 1,500 staff in mid-2024; {UNCHECKED}"),
    ("Staff", "headcount", "employees@2025", 3000, "people", EST, "headcount doubling in 2025; a guess"),
    ("Staff", "headcount", "cost_per_employee", 400_000, "USD/year", EST,
     "The Information put staff at about $1.5B for 2024 ($1M a head); the split cash/stock is a guess"),
    ("Staff", "headcount", "stock_per_employee", 600_000, "USD/year", EST, "the rest of the $1M a head, in stock"),
    ("Staff", "headcount", "category", "research_development", "", EST, "mostly researchers and engineers"),
    ("Azure credits", "funding", "amount", 1.5e9, "USD", EST,
     "Microsoft's 2023 investment was reported to be largely Azure credits (Semafor, 2023-03); the part "
     "left at the start of 2024 is a guess, received in the first month"),
    ("Azure credits", "funding", "month", "2024-01", "date", EST, ""),
    ("Azure credits", "funding", "in_kind", "Inference", "", EST, "the credits pay for serving"),
    ("October 2024 round", "funding", "amount", 6.6e9, "USD", ROUND, f"$6.6B at a $157B valuation; {UNCHECKED}"),
    ("October 2024 round", "funding", "month", "2024-10", "date", ROUND, ""),
    ("October 2024 round", "funding", "post_money", 157e9, "USD", ROUND, f"the $157B valuation; {UNCHECKED}"),
    ("SoftBank round", "funding", "amount@2025-04", 10e9, "USD", SOFTBANK,
     f"$40B at a $300B valuation, $10B first; {UNCHECKED}"),
    ("SoftBank round", "funding", "amount@2025-12", 30e9, "USD", SOFTBANK,
     f"the other $30B by the end of 2025 (read as December); {UNCHECKED}"),
    ("SoftBank round", "funding", "post_money", 300e9, "USD", SOFTBANK,
     f"the $300B valuation, read as post-money (with the $40B in); {UNCHECKED}"),
    ("Servers and offices", "hardware", "units", 400, "servers", EST, "OpenAI mostly rents; a small own fleet"),
    ("Servers and offices", "hardware", "unit_price", 300_000, "USD", EST, ""),
    ("Servers and offices", "hardware", "purchase_month", "2024-01", "date", EST, ""),
    ("Servers and offices", "hardware", "useful_life_months", 60, "months", EST, ""),
]
SETTINGS = {"start_month": "2024-01", "horizon_months": 24, "opening_cash": 5e9, "minimum_cash": 0,
            "receivable_days": 30, "company": "OpenAI (press figures)"}


def type_into_starter(path):
    """Edit the starter as a user would in Excel: clear its example rows and its 'downside' scenario,
    type the rows above, change and add settings. Cells only."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    ws.delete_rows(2, ws.max_row)
    header = [c.value for c in ws[1]]
    ws.delete_cols(header.index("downside") + 1)
    for block, kind, parameter, value, unit, source, notes in ROWS:
        ws.append([block, kind, parameter, value, unit, None, None, None, source, notes])
    settings_sheet = wb["Settings"]
    typed = dict(SETTINGS)
    for cells in settings_sheet.iter_rows(min_row=2):
        if cells[0].value in typed:
            cells[1].value = typed.pop(cells[0].value)
    for name, value in typed.items():
        settings_sheet.append([name, value, EST])
    scenarios = wb["Scenarios"]
    scenarios.delete_rows(3, scenarios.max_row)
    sources = wb["Sources"]
    sources.delete_rows(2, sources.max_row)
    for entry in REGISTER:
        sources.append(list(entry))
    wb.save(path)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """(JSON, monthly CSV rows, printed summary) of ``run`` on the typed workbook."""
    folder = tmp_path_factory.mktemp("real")
    assert main(["new", "openai_press", "--dir", str(folder)]) == 0
    path = folder / "openai_press.xlsx"
    type_into_starter(path)
    assert main(["check", str(path)]) == 0
    assert main(["run", str(path), "--out", str(folder / "out"), "--samples", "0"]) == 0
    data = json.loads((folder / "out" / "openai_press.json").read_text())
    with open(folder / "out" / "openai_press.csv", newline="") as f:
        monthly = list(csv.DictReader(f))
    return data["scenarios"]["base"], monthly


def geometric_year(first_month: float, growth: float) -> float:
    """Twelve months growing at ``growth`` a year from ``first_month``: first × (g − 1) / (g^(1/12) − 1)."""
    g = 1 + growth
    return first_month * (g - 1) / (g ** (1 / 12) - 1)


# By hand, from the rows: 2024 is level; 2025 grows inference 100% and training 50% a year from January.
REVENUE = [3.7e9, 11.6e9]
INFERENCE = [4e9, geometric_year(4e9 / 12, 1.0)]
TRAINING = [3e9, geometric_year(3e9 / 12, 0.5)]
STAFF_CASH = [1500 * 400_000, 3000 * 400_000]
STOCK = [1500 * 600_000, 3000 * 600_000]
DEPRECIATION = [400 * 300_000 / 60 * 12] * 2                       # $2M a month, well inside 60 months
CREDITS_USED = [1.5e9, 0.0]                                          # gone by May 2024 at $333M a month
RECEIVABLES_DEC = [3.7e9 / 12 * 30 / 31, 11.6e9 / 12 * 30 / 31]     # 30 days of December's revenue
CHANGE_IN_WC = [RECEIVABLES_DEC[0], RECEIVABLES_DEC[1] - RECEIVABLES_DEC[0]]


def test_yearly_revenue_is_the_reported_totals(outputs):
    base, _monthly = outputs
    income = base["statements"]["income_statement"]
    assert income["chatgpt_and_api.revenue"] == pytest.approx(REVENUE, abs=CENT)
    assert income["revenue"] == pytest.approx(REVENUE, abs=CENT)


def test_net_loss_by_hand_and_research_holds_training_and_staff(outputs):
    base, _monthly = outputs
    income = base["statements"]["income_statement"]
    net = [REVENUE[y] - INFERENCE[y] - TRAINING[y] - STAFF_CASH[y] - STOCK[y] - DEPRECIATION[y] for y in (0, 1)]
    assert net[0] == pytest.approx(-4_824_000_000.00, abs=CENT)       # a loss of $4.8B in 2024
    assert income["net_income"] == pytest.approx(net, abs=CENT)
    assert income["research_development"] == pytest.approx([TRAINING[y] + STAFF_CASH[y] for y in (0, 1)], abs=CENT)
    assert income["cost_of_revenue"] == pytest.approx(INFERENCE, abs=CENT)
    assert income["general_administrative"] == [0.0, 0.0]


def test_loss_and_burn_differ_by_exactly_the_non_cash_items(outputs):
    base, _monthly = outputs
    cash = base["statements"]["cash_flow_statement"]
    net = base["statements"]["income_statement"]["net_income"]
    non_cash = [STOCK[y] + CREDITS_USED[y] + DEPRECIATION[y] - CHANGE_IN_WC[y] for y in (0, 1)]
    assert non_cash[0] == pytest.approx(2_125_612_903.23, abs=CENT)
    for y in (0, 1):
        assert cash["cash_from_operations"][y] - net[y] == pytest.approx(non_cash[y], abs=CENT)
    burn_2024 = -cash["cash_from_operations"][0]                      # reported as a loss of $4.8B …
    assert burn_2024 == pytest.approx(4_824_000_000 - non_cash[0], abs=CENT)  # … it burns $2.7B
    assert cash["credits_used"] == pytest.approx(CREDITS_USED, abs=CENT)
    assert cash["change_in_working_capital"] == pytest.approx(CHANGE_IN_WC, abs=CENT)


def test_the_credits_run_out_in_may_2024(outputs):
    _base, monthly = outputs
    used = [float(m["azure_credits.credits_used"]) for m in monthly]
    assert used[:4] == pytest.approx([4e9 / 12] * 4, abs=CENT)
    assert used[4] == pytest.approx(1.5e9 - 4 * 4e9 / 12, abs=CENT)  # $166,666,666.67, the last of them
    assert used[5:] == [0.0] * 19


def test_the_tranches_arrive_in_their_months(outputs):
    _base, monthly = outputs
    months = [m["month"] for m in monthly]
    tranches = {months[i]: float(m["softbank_round.funding"]) for i, m in enumerate(monthly)
                if float(m["softbank_round.funding"])}
    assert tranches == {"2025-04": 10e9, "2025-12": 30e9}
    october = {months[i] for i, m in enumerate(monthly) if float(m["october_2024_round.funding"])}
    assert october == {"2024-10"}


def test_closing_cash_by_hand_and_the_balance_sheet_balances(outputs):
    base, _monthly = outputs
    balance, cash = base["statements"]["balance_sheet"], base["statements"]["cash_flow_statement"]
    operations = [REVENUE[y] - INFERENCE[y] - TRAINING[y] - STAFF_CASH[y] + CREDITS_USED[y] - CHANGE_IN_WC[y]
                  for y in (0, 1)]
    closing_2024 = 5e9 + operations[0] - 120e6 + 6.6e9
    assert balance["closing_cash"] == pytest.approx([closing_2024, closing_2024 + operations[1] + 40e9], abs=CENT)
    assert cash["equity_raised"] == pytest.approx([6.6e9, 40e9], abs=CENT)
    assert balance["paid_in_capital"][0] == pytest.approx(5e9 + 6.6e9 + 1.5e9 + STOCK[0], abs=CENT)
    assert base["statements"]["checks"]["check_balance"]["holds"] is True
    assert base["statements"]["checks"]["check_cash"]["holds"] is True
    for y in (0, 1):
        assert balance["total_assets"][y] == pytest.approx(balance["total_liabilities_and_equity"][y], abs=CENT)


def test_each_valued_round_gives_its_investors_amount_over_post_money(outputs):
    """October: 6.6 / 157 = 4.2038% for $6.6B, pre-money $150.4B. SoftBank: 40 / 300 = 13.333% in two
    tranches, pre-money $260B. The Azure credits (for equity, received in the model's first month) state
    no valuation, so no cumulative ownership is computed and the note names them."""
    table = outputs[0]["cap_table"]
    rounds = {r["round"]: r for r in table["rounds"]}
    october, softbank = rounds["October 2024 round"], rounds["SoftBank round"]
    assert (october["month_signed"], softbank["month_signed"]) == ("2024-10", "2025-04")
    assert october["pre_money"] == pytest.approx(150.4e9, abs=CENT)
    assert october["new_investors_share"] == pytest.approx(6.6 / 157, abs=1e-12)
    assert softbank["amount"] == pytest.approx(40e9, abs=CENT)
    assert softbank["pre_money"] == pytest.approx(260e9, abs=CENT)
    assert [softbank["new_investors_share"], softbank["dilution"]] == pytest.approx([40 / 300, 40 / 300], abs=1e-12)
    assert "Azure credits" in table["note"] and "SoftBank" not in table["note"]


def test_cash_is_lowest_in_september_2024_before_the_round(outputs):
    """Nine months of 2024's monthly flows, the credits, the servers and September's receivables (30
    days of a 30-day month: a whole month's revenue)."""
    base, _monthly = outputs
    month = (REVENUE[0] - INFERENCE[0] - TRAINING[0] - STAFF_CASH[0]) / 12
    low = 5e9 + 9 * month + 1.5e9 - 120e6 - REVENUE[0] / 12
    assert low == pytest.approx(3_146_666_666.67, abs=CENT)
    assert (base["kpis"]["cash_low"], base["kpis"]["cash_low_month"]) == (pytest.approx(low, abs=CENT), "2024-09")


# -- what was awkward while typing it, now fixed ----------------------------------------------------
def _printed(capsys, path):
    status = main(["check", str(path)])
    return status, capsys.readouterr().err.splitlines()


def test_yearly_figures_alone_start_at_their_first_year(tmp_path, capsys):
    status, lines = _printed(capsys, BAD["yearly figures start after the block's start"](tmp_path))
    assert status == 2 and lines[0] == (
        "model.xlsx:Assumptions!C2: 'amount' is given by year from 2024 (amount@2024), but block 'Sales' "
        "starts in 2023: add a row amount@2023 (or a plain amount row) for the months before")
    assert len(lines) == 2  # one problem, not also "lacks the required parameter"


def test_a_mistyped_tranche_says_how_to_type_one(tmp_path, capsys):
    status, lines = _printed(capsys, BAD["tranche typed without its month's zero"](tmp_path))
    assert status == 2
    assert lines[0].startswith("model.xlsx:Assumptions!C2: 'amount@2023-4' is not a dated row: ")
    assert "a funding tranche amount@YYYY-MM (amount@2025-04)" in lines[0]
    assert lines[1] == ("model.xlsx:Assumptions!C3: 'amount@2023-13': month 13 is not a month; a tranche "
                        "is amount@YYYY-MM, MM from 01 to 12")


def test_a_tranche_outside_the_horizon_is_a_warning(make_workbook, capsys):
    path = make_workbook([row("Round", "funding", "amount@2022-12", 5e6, "USD"),
                          row("Round", "funding", "amount@2023-03", 7e6, "USD"),
                          row("Round", "funding", "amount@2025-01", 9e6, "USD")], settings(horizon_months=24))
    status, lines = _printed(capsys, path)
    assert status == 0
    assert lines == [
        "model.xlsx:Assumptions!C2: warning: Round.amount@2022-12: the tranche is outside the horizon "
        "(2023-01 to 2024-12) and is not received in the model; count it in opening_cash if it was received",
        "model.xlsx:Assumptions!C4: warning: Round.amount@2025-01: the tranche is outside the horizon "
        "(2023-01 to 2024-12) and is not received in the model; it changes nothing"]


def test_the_summary_does_not_simulate_nothing(tmp_path, capsys, make_workbook):
    path = make_workbook([row("Sales", "revenue", "amount", 1e6, "USD/month")])
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "200"]) == 0
    printed = capsys.readouterr().out
    assert "no assumption has a low or high, so every path is the base case" in printed
    assert "P10/P50/P90" not in printed


def _cell_text(value, unit: str) -> str:
    if isinstance(value, str):
        return value
    if unit.startswith("%"):
        return f"{value:.0%}"
    return f"{value:.0f}" if value == int(value) else str(value)


def rows_markdown() -> str:
    """The README's table of the rows typed above (README, "Modelling a real company")."""
    out = ["| block | kind | parameter | value | unit | source |", "|---|---|---|---|---|---|"]
    out += [f"| {b} | {k} | `{p}` | {_cell_text(v, u)} | {u} | {s.split(';')[0]} |" for b, k, p, v, u, s, _n in ROWS]
    settings_text = ", ".join(f"`{k}` {_cell_text(v, '')}" for k, v in SETTINGS.items())
    register = "; ".join(f"`{i}` {publisher}, {date} ({kind})" for i, _t, _e, _a, publisher, date, _l, kind, _n
                         in REGISTER)
    return "\n".join(out) + f"\n\nSettings: {settings_text}.\n\nSources sheet: {register}.\n"


def test_the_readme_shows_the_rows_typed():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- real-company:start -->\n", "<!-- real-company:end -->"
    assert readme[readme.index(start) + len(start): readme.index(end)] == rows_markdown()
