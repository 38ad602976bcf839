"""``cashcast explain``: the formula is the line engine's, every value in the tree is the engine's value
of that line in that month, the tree reaches the input cells, and bad names exit 2 listing what exists."""
from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from cashcast.models.analysis.explain import explain
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD, model
from tests.helpers import EXAMPLES, ROOT, row

OPENAI, RMB = EXAMPLES[0], EXAMPLES[1]


def nodes(node):
    yield node
    for child in node.depends_on:
        yield from nodes(child)


def test_subscription_revenue_traced_to_the_article_cells():
    """Article 001 (seed-001): 1 billion visits × 1% × $20 a month = $200M in the first month."""
    e = explain(load_workbook(OPENAI), "ChatGPT Plus.revenue", "2023-01", "seed-001")
    assert (e.workbook, e.scenario, e.month) == ("openai.xlsx", "seed-001", "2023-01")
    top = e.line
    assert (top.name, top.value, top.unit) == ("chatgpt_plus.revenue", 200_000_000.0, "USD/month")
    assert top.formula == "chatgpt_plus.subscribers*chatgpt_plus__price"
    inputs = {n.name: (n.value, n.unit, n.cell, n.source) for n in top.leaves()}
    assert inputs["chatgpt_plus__price"] == (20.0, "USD/month", "Assumptions!D6", "A001")
    assert inputs["chatgpt_plus__conversion"] == (0.01, "%", "Assumptions!D5", "A001")
    # seed-001 gives the ramp's start and the start month in its own column (K): the cells it reads
    assert inputs["chatgpt_plus__audience__ramp_from"][2] == "Assumptions!K3"
    assert inputs["chatgpt_plus__start_month"][:3] == ("2023-01", "date", "Assumptions!K8")
    base = explain(load_workbook(OPENAI), "chatgpt_plus.revenue", "2023-01", "base")
    assert {n.name: n.cell for n in base.line.leaves()}["chatgpt_plus__audience__ramp_from"] == "Assumptions!D3"


@pytest.mark.parametrize("path, line, month, scenario", [
    (OPENAI, "closing_cash", "2024-06", "claim-004"),
    (OPENAI, "operating_income", "2032-12", "ads-15pct"),
    (RMB, "operating_cash_flow", "2024-03", "rival-hardware"),
    (RMB, "ttm_operating_cash_flow", "2025-05", "base"),
])
def test_every_value_in_the_tree_is_the_engines(path, line, month, scenario):
    run = run_file(path, [scenario])
    t = [m.strftime("%Y-%m") for m in run.months].index(month)
    e = explain(run.workbook, line, month, scenario)
    checked = 0
    for node in nodes(e.line):
        if node.kind in ("line", "previous"):
            at = t - 1 if node.kind == "previous" else t
            assert node.value == run.result.column(node.name, 0)[at], node.name
            checked += 1
        if node.kind in ("assumption", "setting"):
            given = node.cell and node.cell.split("!")[0] in ("Assumptions", "Settings")
            assert given or node.source == "the default: the Settings sheet does not give it", node
    assert checked > 5 and e.line.leaves()


def test_a_recurrence_in_its_first_month_reads_its_initial_value():
    """closing_cash's first month is opening cash + net cash flow; later months read last month's cell."""
    wb = load_workbook(OPENAI)
    first = explain(wb, "closing_cash", "2023-01", "claim-004").line
    assert first.formula == "settings__opening_cash+net_cash_flow"
    opening = first.depends_on[0]
    assert (opening.kind, opening.name, opening.value, opening.cell) == (
        "setting", "settings__opening_cash", 1_000_000_000.0, "Settings!B8")
    later = explain(wb, "closing_cash", "2024-06", "claim-004").line
    assert later.formula == "closing_cash[2024-05]+net_cash_flow"
    prev, flow = later.depends_on
    assert prev.kind == "previous" and prev.month == "2024-05" and "--month 2024-05" in prev.note
    assert later.value == prev.value + flow.value


def test_rmb_example_reaches_the_exchange_rate():
    e = explain(load_workbook(RMB), "rival_scale_hardware.cost", "2024-01", "rival-hardware")
    assert e.line.value == 1 * 1_000_000_000 * 7.2   # one lot at $1B, at 7.2 RMB per dollar
    fx = {n.name: n for n in e.line.leaves()}["fx__usd"]
    assert (fx.value, fx.unit, fx.cell) == (7.2, "RMB/USD", "Settings!B10")


def test_cli_text_and_json(capsys):
    assert main(["explain", str(OPENAI), "chatgpt_plus.revenue", "--month", "2023-01", "--scenario",
                 "seed-001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["openai.xlsx, scenario seed-001, 2023-01",
                         "chatgpt_plus.revenue = 200,000,000 USD/month  (ChatGPT Plus: subscription revenue, 2023-01)",
                         "│  = chatgpt_plus.subscribers*chatgpt_plus__price"]
    # the tree, then what its source ids stand for (each cited register row once, in the order first met)
    assert lines[-5] == ("└─ chatgpt_plus__price = 20 USD/month  (ChatGPT Plus.price)  Assumptions!D6  "
                         "source: A001")
    assert lines[-4:] == ["Sources:", "  A001  为什么大模型接下来要看中国? (Why large models should look to China next)",
                          "  A000  按ChatGPT模式做AI,我們一天成本要3億 (Doing AI the ChatGPT way would cost us 300 million a day)",
                          "  A003  2023年開年,ChatGPT迅速火遍全球,短短兩個月時間月活突破一億,成為被載入史冊的應用之一。 (At the "
                          "start of 2023 ChatGPT swept the world, passing 100 million monthly active users in two months)"]
    assert main(["explain", str(RMB), "closing_cash", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["scenario"], data["month"], data["line"]["formula"]) == (
        "base", "2033-05", "closing_cash[2033-04]+net_cash_flow")
    assert data["line"]["value"] == run_file(RMB, ["base"]).result.column("closing_cash", 0)[-1]
    assert data["sources"]["A001"] == {"title": "为什么大模型接下来要看中国?",
                                       "title_en": "Why large models should look to China next",
                                       "location": "001_e96a8ceb7138aefa.txt"}


def test_unknown_line_month_and_scenario_all_reported(capsys):
    status = main(["explain", str(OPENAI), "closign_cash", "--month", "2040-01", "--scenario", "bust"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert err.splitlines() == [
        "openai.xlsx: no line named 'closign_cash'; close matches: operating_cash_flow, closing_cash, "
        "net_change_in_cash, check_cash",
        "openai.xlsx:Settings!B4: --month '2040-01' lies outside the horizon; the model runs from 2023-01 to 2032-12",
        "openai.xlsx:Scenarios!A1: no scenario named 'bust'; valid: base, seed-001, claim-004, ads-15pct, ads-20pct",
        "3 problem(s); nothing was written."]
    assert main(["explain", str(OPENAI), "Closing cash", "--month", "June"]) == 2
    assert "--month 'June' is not a month (write YYYY-MM)" in capsys.readouterr().err


def test_a_bad_workbook_exits_2_with_the_problems_check_reports(tmp_path, capsys):
    case = "cycle and a bad cell"
    path = BAD[case](tmp_path)
    assert main(["check", str(path)]) == 2
    checked = capsys.readouterr().err
    assert main(["explain", str(path), "closing_cash"]) == 2
    assert capsys.readouterr().err == checked


def test_an_added_row_shows_in_the_tree(tmp_path):
    """A second funding round added as rows is a leaf of the funding line, at its own cells."""
    path = tmp_path / "openai.xlsx"
    shutil.copy(OPENAI, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    for values in (("Series X", "funding", "amount", 500_000_000, "USD"),
                   ("Series X", "funding", "month", "2025-03", "date")):
        ws.append(list(values) + [None, None, None, "estimate", ""])
    last = ws.max_row
    wb.save(path)
    e = explain(load_workbook(path), "funding", "2025-03")
    leaves = {n.name: (n.value, n.cell) for n in e.line.leaves()}
    assert leaves["series_x__amount"] == (500_000_000.0, f"Assumptions!D{last - 1}")
    assert leaves["series_x__month"] == ("2025-03", f"Assumptions!D{last}")
    assert ROOT.exists()


@pytest.mark.parametrize("path", [OPENAI, RMB])
def test_every_line_of_both_examples(path):
    """Each line, in the first month (recurrences read their initial value) and in month 13: its
    value is the engine's, its formula names every line it reads, its inputs have cells."""
    from cashcast.models.analysis.explain import _Explainer

    run = run_file(path, ["base"])
    explainer = _Explainer(run.model, "base")
    for t in (0, 12):
        for name, line in run.model.lines.items():
            explainer.seen.clear()
            node = explainer.line(name, t)
            assert node.value == run.result.column(name, 0)[t], (name, t)
            assert all(ref in node.formula for ref in line.expr.line_refs()), (name, node.formula)
            for leaf in node.leaves():
                assert leaf.cell or leaf.source.startswith("the default"), leaf


def test_the_json_of_a_node_field_by_field(tmp_path):
    """Closing cash in February with $1M at the start and $250,000 of rent a month: 1M − 250K = 750K in
    January (the month before: not expanded, its note says how to explain it), 750K − 250K = 500K. The
    JSON compared whole: its keys are what a script reads."""
    path = model(tmp_path, [row("Rent", "opex", "monthly_amount", 250_000, "USD/month")])
    data = explain(load_workbook(path), "closing_cash", "2023-02").to_json()
    line = data.pop("line")
    assert data == {"workbook": "model.xlsx", "scenario": "base", "month": "2023-02", "sources": {}}
    previous, flow = line.pop("depends_on")
    assert line == {"kind": "line", "name": "closing_cash", "label": "Closing cash", "value": 500_000.0,
                    "unit": "USD", "source": "model line", "month": "2023-02",
                    "formula": "closing_cash[2023-01]+net_cash_flow"}
    assert previous == {"kind": "previous", "name": "closing_cash", "label": "Closing cash, the month before",
                        "value": 750_000.0, "unit": "USD", "source": "model line", "month": "2023-01",
                        "formula": "closing_cash[2023-01]",
                        "note": "the previous month: explain it with --month 2023-01", "depends_on": []}
    rent = [n for n in nodes(explain(load_workbook(path), "closing_cash", "2023-02").line)
            if n.kind == "assumption"]
    assert [n.to_json() for n in rent] == [
        {"kind": "assumption", "name": "rent__monthly_amount", "label": "Rent.monthly_amount",
         "value": 250_000.0, "unit": "USD/month", "source": "", "cell": "Assumptions!D2", "depends_on": []}]
    assert flow["value"] == -250_000.0 and "note" not in flow
    days = [n.to_json() for n in nodes(explain(load_workbook(path), "closing_cash", "2023-02").line)
            if n.name == "settings__receivable_days"]
    cash = [n.to_json() for n in nodes(explain(load_workbook(path), "closing_cash", "2023-01").line)
            if n.name == "settings__opening_cash"]
    assert cash == [{"kind": "setting", "name": "settings__opening_cash", "label": "settings.opening_cash",
                     "value": 1_000_000.0, "unit": "USD", "source": "Settings sheet", "cell": "Settings!B6",
                     "depends_on": []}]
    assert days == [{"kind": "setting", "name": "settings__receivable_days", "label": "settings.receivable_days",
                     "value": 0.0, "unit": "days", "source": "the default: the Settings sheet does not give it",
                     "depends_on": []}]


def test_a_block_name_with_a_dot_is_found_by_its_last_dot(tmp_path):
    """"Rent v2.1.cost": the block is everything before the last dot (Rent v2.1 → rent_v2_1)."""
    path = model(tmp_path, [row("Rent v2.1", "opex", "monthly_amount", 37_000, "USD/month")])
    e = explain(load_workbook(path), "Rent v2.1.cost", "2023-02")
    assert (e.line.name, e.line.value) == ("rent_v2_1.cost", 37_000.0)


def test_a_line_by_its_label_and_the_messages_for_a_name_it_lacks(tmp_path):
    """A label finds its line ("Net cash flow", whose name is net_cash_flow); a name the model lacks is one
    Problem of the workbook with no sheet or cell: the six closest names (nine are close to
    "operating_cash"), in the model's order, or, with none close, every line."""
    from cashcast.models.engine.model import build_model
    from cashcast.models.reading.problems import InputError, Problem

    path = model(tmp_path, [row("Rent", "opex", "monthly_amount", 37_000, "USD/month")])
    wb = load_workbook(path)
    assert explain(wb, "Net cash flow", "2023-02").line.name == "net_cash_flow"
    with pytest.raises(InputError) as info:
        explain(wb, "operating_cash", "2023-02")
    assert info.value.problems == [Problem("model.xlsx", "", "", (
        "no line named 'operating_cash'; close matches: operating_cash_flow, closing_cash, "
        "cumulative_operating_cash_flow, ttm_operating_cash_flow, operating_expenses, operating_income"))]
    with pytest.raises(InputError) as info:
        explain(wb, "zzz", "2023-02")
    every = ", ".join(build_model(wb).lines)
    assert every.startswith("rent.cost, revenue, costs, ") and every.endswith(", check_balance, check_cash")
    assert info.value.problems == [Problem("model.xlsx", "", "", f"no line named 'zzz'; lines: {every}")]


def test_a_settings_own_value_in_a_scenario_points_at_its_column(tmp_path):
    """The RMB example with a ticket-100m column on the Settings sheet (E) giving that scenario an opening
    cash of 5M RMB (E8): its node reads 5M at E8 in ticket-100m, and the base's 0 at the setting's row (A8)."""
    from tests.test_diff import edited

    path = edited(RMB, tmp_path / "rmb.xlsx", {("Settings", "E1"): "ticket-100m", ("Settings", "E8"): 5_000_000})
    wb = load_workbook(path)
    found = {}
    for scenario in ("base", "ticket-100m"):
        leaves = {n.name: n for n in explain(wb, "closing_cash", "2023-06", scenario).line.leaves()}
        cash = leaves["settings__opening_cash"]
        found[scenario] = (cash.kind, cash.label, cash.value, cash.cell, cash.source)
    note = "the founders' money arrives as the first funding round"   # its Settings note
    assert found == {"base": ("setting", "settings.opening_cash", 0.0, "Settings!B8", note),
                     "ticket-100m": ("setting", "settings.opening_cash", 5_000_000.0, "Settings!E8", note)}
