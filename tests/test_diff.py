"""``cashcast diff``: changes with their cells, a KPI bridge whose steps are hand-computable and add up
exactly to the total, the textconv form through a real ``git diff``, and bad input exiting 2."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cashcast.models.analysis.diff import Change, bridges, changes
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.main import main
from tests.bad_workbooks import BAD
from tests.helpers import EXAMPLES

OPENAI, RMB = EXAMPLES[0], EXAMPLES[1]
MONEY = ("funding_gap", "ending_cash", "npv")


def edited(src: Path, dst: Path, cells: dict[tuple[str, str], object]) -> Path:
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    wb.save(dst)
    return dst


def flagship_edit(tmp_path) -> Path:
    """Price $20 → $25 (D6), conversion 1% → 2% (D5), opening cash $1B → $2B (Settings B8)."""
    return edited(OPENAI, tmp_path / "new.xlsx", {("Assumptions", "D6"): 25, ("Assumptions", "D5"): 0.02,
                                                  ("Settings", "B8"): 2_000_000_000})


def test_changes_name_cells_values_and_sources(tmp_path):
    new = load_workbook(flagship_edit(tmp_path))
    assert changes(load_workbook(OPENAI), new) == [
        Change("changed", "Settings", "settings.opening_cash", "value", "Settings!B8", 1e9, 2e9, "USD"),
        Change("changed", "Assumptions", "ChatGPT Plus.conversion", "value", "Assumptions!D5", 0.01, 0.02, "%",
               "A001"),
        Change("changed", "Assumptions", "ChatGPT Plus.price", "value", "Assumptions!D6", 20.0, 25.0, "USD/month",
               "A001")]


def test_seed_bridge_by_hand(tmp_path):
    """seed-001 holds 10 million payers (1 billion visits × 1%) in all 120 months, and every cent of
    revenue is cash (no receivable days), so in ending cash, in cents:
    price +$5 alone: 10M × 5 × 120 = $6B; conversion 1% → 2% alone: 10M more payers × $20 × 120 = $24B;
    both together: 20M × $25 × 120 − 10M × $20 × 120 = $36B, so the interaction is $6B (10M × $5 × 120);
    opening cash +$1B moves ending cash by $1B and the NPV of operating flows not at all."""
    old, new = load_workbook(OPENAI), load_workbook(flagship_edit(tmp_path))
    seed = {b.scenario: b for b in bridges(old, new)}["seed-001"]
    steps = {s.name: s for s in seed.steps}
    assert [s.name for s in seed.steps] == ["settings.opening_cash", "ChatGPT Plus.conversion", "ChatGPT Plus.price"]
    assert steps["settings.opening_cash"].deltas == {"cash_out_month": 0, "funding_gap": 0,
                                                     "ending_cash": 1_000_000_000_00, "npv": 0}
    assert steps["ChatGPT Plus.price"].deltas["ending_cash"] == 10_000_000 * 5 * 120 * 100
    assert steps["ChatGPT Plus.conversion"].deltas["ending_cash"] == 10_000_000 * 20 * 120 * 100
    assert seed.remainder["ending_cash"] == 10_000_000 * 5 * 120 * 100
    assert seed.total["ending_cash"] == (20_000_000 * 25 - 10_000_000 * 20) * 120 * 100 + 1_000_000_000_00
    assert (steps["ChatGPT Plus.price"].cell, steps["ChatGPT Plus.price"].old, steps["ChatGPT Plus.price"].new) == (
        "Assumptions!D6", 20.0, 25.0)


def test_bridges_add_up_exactly_to_independent_runs(tmp_path):
    """Every scenario: Σ steps + remainder = total, and the total is new − old of two separate runs."""
    path = flagship_edit(tmp_path)
    old_run, new_run = run_file(OPENAI), run_file(path)
    for j, b in enumerate(bridges(old_run.workbook, new_run.workbook)):
        assert b.scenario == new_run.scenarios[j]
        for k in ("cash_out_month",) + MONEY:
            assert sum(s.deltas[k] for s in b.steps) + b.remainder[k] == b.total[k]
        for k in MONEY:
            expected = round(new_run.kpis[k][j] * 100) - round(old_run.kpis[k][j] * 100)
            assert b.total[k] == expected, (b.scenario, k)
    claim = {b.scenario: b for b in bridges(old_run.workbook, new_run.workbook)}["claim-004"]
    assert (claim.old["cash_out_month"], claim.new["cash_out_month"]) == ("2025-06", "2028-07")
    assert claim.total["cash_out_month"] == 37   # 2025-06 → 2028-07
    assert claim.remainder["cash_out_month"] == 37 - sum(s.deltas["cash_out_month"] for s in claim.steps) != 0


def test_rmb_scenario_columns_and_the_exchange_rate(tmp_path):
    """Entry ticket $50M → $60M (D2) moves every scenario but ticket-100m, which gives its own $100M:
    +$10M × 7.2 = +72M RMB of ending cash. A second rival-scale lot in rival-hardware's own column
    (M8) is one more $1B × 7.2 = 7.2B RMB paid, only in that scenario."""
    new = edited(RMB, tmp_path / "new.xlsx", {("Assumptions", "D2"): 60_000_000, ("Assumptions", "M8"): 2})
    found = {b.scenario: b for b in bridges(load_workbook(RMB), load_workbook(new))}
    assert found["ticket-100m"].steps == [] and found["ticket-100m"].total == dict.fromkeys(found["base"].total, 0)
    for name in ("base", "xiaoice-scale", "rival-hardware"):
        ticket = found[name].steps[0]
        assert (ticket.name, ticket.cell, ticket.old, ticket.new) == ("Entry ticket.amount", "Assumptions!D2",
                                                                      50_000_000.0, 60_000_000.0)
        assert ticket.deltas["ending_cash"] == 10_000_000 * 72 // 10 * 100
    lot = found["rival-hardware"].steps[1]
    assert (lot.name, lot.cell, lot.old, lot.new) == ("Rival-scale hardware.units", "Assumptions!M8", 1.0, 2.0)
    assert lot.deltas["ending_cash"] == -1_000_000_000 * 72 // 10 * 100
    assert len(found["base"].steps) == 1


def test_rows_and_scenarios_added_are_structural(tmp_path):
    path = tmp_path / "new.xlsx"
    shutil.copy(OPENAI, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]  # typed in the first rows below the data (the check column's formulas run on)
    first = next(r for r in range(2, ws.max_row + 2) if ws.cell(r, 1).value is None)
    for r, values in enumerate((("Series X", "funding", "amount", 500_000_000, "USD"),
                                ("Series X", "funding", "month", "2025-03", "date")), start=first):
        for c, v in enumerate(list(values) + [None, None, None, "estimate", ""], start=1):
            ws.cell(r, c, v)
    wb["Scenarios"].append(["lean", "a new scenario"])
    wb.save(path)
    old, new = load_workbook(OPENAI), load_workbook(path)
    found = changes(old, new)
    assert [(c.what, c.name, c.cell, c.new) for c in found if c.what == "added"] == [
        ("added", "scenario lean", "", "a new scenario"),
        ("added", "Series X.amount", "Assumptions!D31", 500_000_000.0),
        ("added", "Series X.month", "Assumptions!D32", "2025-03")]
    bridged = bridges(old, new)
    assert [b.scenario for b in bridged] == old.scenario_names     # lean is new: no bridge
    base = bridged[0]
    assert base.steps == [] and base.structural == ["added Series X.amount", "added Series X.month"]
    assert base.remainder["ending_cash"] == base.total["ending_cash"] == 500_000_000_00


def test_cli_text_json_and_identical(tmp_path, capsys):
    path = flagship_edit(tmp_path)
    assert main(["diff", str(OPENAI), str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:6] == [
        "Settings:", "  changed  settings.opening_cash (Settings!B8): 1,000,000,000 USD → 2,000,000,000 USD",
        "Assumptions:",
        "  changed  ChatGPT Plus.conversion (Assumptions!D5): 1% → 2%  source: A001",
        "  changed  ChatGPT Plus.price (Assumptions!D6): 20 USD/month → 25 USD/month  source: A001"]
    assert out[6:8] == ["Sources:", "  A001  为什么大模型接下来要看中国? (Why large models should look to China next)"]
    claim = out.index("scenario claim-004 (USD)          cash-out month        funding gap         ending cash"
                      "                NPV")
    assert [[c.strip() for c in ln.split("  ") if c] for ln in out[claim + 1: claim + 7]] == [
        ["old", "2025-06", "20,148,002,529.71", "-20,148,002,529.71", "-9,493,787,096.97"],
        ["+ settings.opening_cash (B8)", "+17 months", "-1,000,000,000.00", "+1,000,000,000.00", "0"],
        ["+ ChatGPT Plus.conversion (D5)", "+15 months", "-2,380,000,000.00", "+2,380,000,000.00", "+1,422,671,209.48"],
        ["+ ChatGPT Plus.price (D6)", "+4 months", "-595,000,000.00", "+595,000,000.00", "+355,667,802.37"],
        ["+ interaction remainder", "+1 month", "-595,000,000.00", "+595,000,000.00", "+355,667,802.37"],
        ["= new", "2028-07", "15,578,002,529.71", "-15,578,002,529.71", "-7,359,780,282.75"]]
    assert main(["diff", str(OPENAI), str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["scenario"] for b in data["bridges"]] == ["base", "seed-001", "claim-004", "ads-15pct", "ads-20pct"]
    assert data["bridges"][1]["remainder"]["ending_cash"] == 600_000_000_000
    assert data["sources"] == {"A001": {"title": "为什么大模型接下来要看中国?", "location": "001_e96a8ceb7138aefa.txt",
                                        "title_en": "Why large models should look to China next"}}
    for example in (OPENAI, RMB):
        assert main(["diff", str(example), str(example), "--json"]) == 0
        same = json.loads(capsys.readouterr().out)
        assert same["changes"] == [] and same["sources"] == {} and all(b["steps"] == [] and set(b["total"].values()) == {0}
                                             for b in same["bridges"])


def test_bad_input_exits_2_with_both_workbooks_problems(tmp_path, capsys):
    bad = BAD["cycle and a bad cell"](tmp_path)
    assert main(["check", str(bad)]) == 2
    checked = capsys.readouterr().err.splitlines()[:-1]
    assert main(["diff", str(OPENAI), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.splitlines()[:-1] == checked
    assert main(["diff", str(bad), str(bad)]) == 2
    assert capsys.readouterr().err.splitlines()[:-1] == checked + checked
    assert main(["diff", str(OPENAI)]) == 2
    assert "give two workbooks" in capsys.readouterr().err
    assert main(["diff", "--textconv", str(bad)]) == 2


def test_git_diff_through_the_textconv_driver(tmp_path):
    """The README's set-up: .gitattributes + diff.cashcast.textconv; git diff shows the changed row."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("config", "diff.cashcast.textconv", f"{sys.executable} -m cashcast diff --textconv")
    (repo / ".gitattributes").write_text("*.xlsx diff=cashcast\n")
    shutil.copy(RMB, repo / "model.xlsx")
    git("add", ".")
    git("commit", "-qm", "first")
    edited(RMB, repo / "model.xlsx", {("Assumptions", "D2"): 60_000_000})
    diff = git("diff")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert len(changed) == 2 and all("D2 Entry ticket.amount (funding): value=" in ln for ln in changed)
    assert changed[0].startswith("-D2 Entry ticket.amount (funding): value=50000000.0  unit='USD'")
    assert changed[1].startswith("+D2 Entry ticket.amount (funding): value=60000000.0  unit='USD'")


def test_the_bridge_is_one_evaluation_of_each_workbook(tmp_path, monkeypatch):
    """Every scenario's steps are columns of one pass over the old model; the new one runs once."""
    from cashcast.models.engine import model as engine

    widths, evaluate = [], engine.Model.evaluate

    def counted(self, params, keep=None):
        widths.append(max(len(v) for v in params.values()))
        return evaluate(self, params, keep)

    old, new = load_workbook(OPENAI), load_workbook(flagship_edit(tmp_path))  # loading evaluates too
    monkeypatch.setattr(engine.Model, "evaluate", counted)
    bridges(old, new)
    assert widths == [5 + 5 * 3, 5]   # 5 scenarios, each its base column and 3 steps; then the new workbook


def test_settings_changes_by_scenario_and_exchange_rate(tmp_path):
    """RMB example: fx 7.2 → 7.0 (Settings B10), and an opening cash in ticket-100m's own column (E, after source)."""
    src = edited(RMB, tmp_path / "src.xlsx", {("Settings", "E1"): "ticket-100m"})
    new = edited(src, tmp_path / "new.xlsx", {("Settings", "B10"): 7.0, ("Settings", "E8"): 5_000_000})
    found = changes(load_workbook(src), load_workbook(new))
    assert found == [
        Change("changed", "Settings", "settings.fx_USD", "value", "Settings!B10", 7.2, 7.0, "RMB/USD"),
        Change("added", "Settings", "settings.opening_cash", "scenario:ticket-100m", "Settings!E8", None,
               5_000_000.0, "RMB")]
    ticket = {b.scenario: b for b in bridges(load_workbook(src), load_workbook(new))}["ticket-100m"]
    assert [(s.name, s.cell) for s in ticket.steps] == [("settings.opening_cash", "Settings!E8"),
                                                         ("settings.fx_USD", "Settings!B10")]
    # 5M RMB more at the start; the $100M ticket converted at 0.2 RMB less per dollar: −20M RMB
    assert ticket.steps[0].deltas["ending_cash"] == 5_000_000 * 100
    assert ticket.steps[1].deltas["ending_cash"] == -100_000_000 * 2 // 10 * 100   # no rival lot in ticket-100m


def test_correlations_changed(tmp_path):
    """A rank correlation moved (C2) is a change; it moves no KPI of a scenario (no step)."""
    new = edited(OPENAI, tmp_path / "new.xlsx", {("Correlations", "C2"): 0.3})
    old_wb, new_wb = load_workbook(OPENAI), load_workbook(new)
    assert changes(old_wb, new_wb) == [
        Change("changed", "Correlations", "Serving ChatGPT.cost_per_day ~ ChatGPT Plus.audience", "rank correlation",
               "Correlations!C2", 0.6, 0.3, "", "estimate (the model's own)")]
    assert all(b.steps == [] and set(b.total.values()) == {0} for b in bridges(old_wb, new_wb))


def test_a_moved_start_month_is_structural_and_dates_keep_their_calendar_month(tmp_path):
    """The flagship started a month earlier (2022-12): every date row names the same calendar month, so
    no date is a step (the engine holds dates as months since the start: each would differ by one
    unless put on the old clock); the whole change is the remainder."""
    import datetime as dt

    new = edited(OPENAI, tmp_path / "new.xlsx", {("Settings", "B4"): dt.datetime(2022, 12, 1)})
    old_wb, new_wb = load_workbook(OPENAI), load_workbook(new)
    assert [(c.name, c.old, c.new) for c in changes(old_wb, new_wb)] == [("settings.start_month", "2023-01", "2022-12")]
    for b in bridges(old_wb, new_wb):
        assert b.steps == [] and b.structural == ["settings.start_month 2023-01 → 2022-12"]
        assert b.remainder == b.total


def test_every_kind_of_change_on_a_small_model(tmp_path):
    """A row removed (rent), a row's low, distribution, source and notes changed, a scenario's own value
    changed, settings added, changed and removed, scenarios added, described differently and removed —
    each a Change compared whole. The bridge: the rent row removed is structural, its $41,000 × 24
    months = $984,000 of ending cash the remainder; dear's conversion 5% → 6% alone adds
    3.7M × 1% × $23 × 24 = $20,424,000."""
    from tests.bad_workbooks import model
    from tests.helpers import row, settings

    audience = dict(low=3e6, high=4.5e6, distribution="pert", source="A1 p. 2")
    old = model(tmp_path, [row("Plus", "subscription", "audience", 3.7e6, "visits/month", **audience),
                           row("Plus", "subscription", "conversion", 0.07, "%", overrides={"dear": 0.05}),
                           row("Plus", "subscription", "price", 23, "USD/month"),
                           row("Rent", "opex", "monthly_amount", 41_000, "USD/month")],
                settings_rows=settings(minimum_cash=5000), scenarios=[("dear", "dearer rent"), ("gone", "to go")],
                name="old.xlsx")
    audience.update(low=3.1e6, distribution="triangular", source="estimate (ours)", notes="a guess")
    new = model(tmp_path, [row("Plus", "subscription", "audience", 3.7e6, "visits/month", **audience),
                           row("Plus", "subscription", "conversion", 0.07, "%", overrides={"dear": 0.06}),
                           row("Plus", "subscription", "price", 23, "USD/month")],
                settings_rows=settings(company="Acme", discount_rate=0.12),
                scenarios=[("dear", "dearest rent"), ("fresh", "new")], name="new.xlsx")
    old_wb, new_wb = load_workbook(old), load_workbook(new)
    aud = ("Assumptions", "Plus.audience")
    assert changes(old_wb, new_wb) == [
        Change("added", "Settings", "settings.company", "value", "Settings!B7", None, "Acme"),
        Change("changed", "Settings", "settings.discount_rate", "value", "Settings!B5", 0.1, 0.12, "%/year"),
        Change("removed", "Settings", "settings.minimum_cash", "value", "Settings!B7", 5000.0, None, "USD"),
        Change("changed", "Scenarios", "scenario dear", "description", "", "dearer rent", "dearest rent"),
        Change("added", "Scenarios", "scenario fresh", "description", "", None, "new"),
        Change("removed", "Scenarios", "scenario gone", "description", "", "to go", None),
        Change("removed", "Assumptions", "Rent.monthly_amount", "value", "Assumptions!D5", 41_000.0, None,
               "USD/month"),
        Change("changed", *aud, "low", "Assumptions!F2", 3e6, 3.1e6, "visits/month", "estimate (ours)"),
        Change("changed", *aud, "distribution", "Assumptions!H2", "pert", "triangular", "visits/month",
               "estimate (ours)"),
        Change("changed", *aud, "source", "Assumptions!I2", "A1 p. 2", "estimate (ours)", "visits/month",
               "estimate (ours)"),
        Change("changed", *aud, "notes", "Assumptions!J2", "", "a guess", "visits/month", "estimate (ours)"),
        Change("changed", "Assumptions", "Plus.conversion", "scenario:dear", "Assumptions!K3", 0.05, 0.06, "%")]
    found = {b.scenario: b for b in bridges(old_wb, new_wb)}
    assert list(found) == ["base", "dear"]
    dear = found["dear"]
    assert dear.structural == ["removed Rent.monthly_amount"]
    assert [(s.name, s.cell, s.old, s.new) for s in dear.steps] == [
        ("settings.minimum_cash", "", 5000.0, 0.0), ("settings.discount_rate", "Settings!B5", 0.1, 0.12),
        ("Plus.conversion", "Assumptions!K3", 0.05, 0.06)]
    assert [s.deltas["ending_cash"] for s in dear.steps] == [0, 0, 3_700_000 * 23 * 24]
    assert dear.remainder["ending_cash"] == 41_000 * 24 * 100
    assert dear.total["ending_cash"] == (41_000 + 3_700_000 // 100 * 23) * 24 * 100
    assert dear.new["ending_cash"] - dear.old["ending_cash"] == pytest.approx(dear.total["ending_cash"] / 100,
                                                                              abs=0.005)


def test_a_removed_exchange_rate_and_a_removed_scenario_value_of_a_setting(tmp_path):
    """An exchange rate only the old workbook has is removed, with no unit (the new workbook has no such
    currency) and structural; a setting's own value in a scenario that the new workbook drops is removed
    with no cell (the new workbook has none for it)."""
    from tests.bad_workbooks import model
    from tests.helpers import row, settings

    rows = [row("Rent", "opex", "monthly_amount", 41_000, "USD/month")]
    old = model(tmp_path, rows, settings_rows=settings(fx_EUR=1.1), name="old.xlsx")
    new = model(tmp_path, rows, name="new.xlsx")
    old_wb, new_wb = load_workbook(old), load_workbook(new)
    assert changes(old_wb, new_wb) == [
        Change("removed", "Settings", "settings.fx_EUR", "value", "Settings!B7", 1.1, None, "")]
    assert [b.structural for b in bridges(old_wb, new_wb)] == [["removed settings.fx_EUR"]]
    assert [b.structural for b in bridges(new_wb, old_wb)] == [["added settings.fx_EUR"]]
    # a rate moved down a row by a setting added above it: the change is at the new workbook's cell
    moved = model(tmp_path, rows, settings_rows=settings(minimum_cash=5000, fx_EUR=1.2), name="moved.xlsx")
    assert changes(old_wb, load_workbook(moved)) == [
        Change("added", "Settings", "settings.minimum_cash", "value", "Settings!B7", None, 5000.0, "USD"),
        Change("changed", "Settings", "settings.fx_EUR", "value", "Settings!B8", 1.1, 1.2, "USD/EUR")]
    src = edited(RMB, tmp_path / "src.xlsx", {("Settings", "E1"): "ticket-100m"})
    with_value = edited(src, tmp_path / "with.xlsx", {("Settings", "E8"): 5_000_000})
    assert changes(load_workbook(with_value), load_workbook(src)) == [
        Change("removed", "Settings", "settings.opening_cash", "scenario:ticket-100m", "", 5_000_000.0, None, "RMB")]
    more = edited(src, tmp_path / "more.xlsx", {("Settings", "E8"): 6_000_000})
    assert changes(load_workbook(with_value), load_workbook(more)) == [
        Change("changed", "Settings", "settings.opening_cash", "scenario:ticket-100m", "Settings!E8", 5_000_000.0,
               6_000_000.0, "RMB")]


def test_a_setting_removed_with_its_scenario_value(tmp_path):
    """A minimum cash of $5,000 with lean's own $7,000, both gone from the new workbook: two removals, the
    scenario value's with no cell (the new workbook types nothing for the setting)."""
    from tests.bad_workbooks import model
    from tests.helpers import row, settings

    rows, lean = [row("Rent", "opex", "monthly_amount", 41_000, "USD/month")], [("lean", "less")]
    old = model(tmp_path, rows, settings_rows=settings() + [("minimum_cash", 5000, "", {"lean": 7000})],
                scenarios=lean, name="old.xlsx")
    new = model(tmp_path, rows, scenarios=lean, name="new.xlsx")
    assert changes(load_workbook(old), load_workbook(new)) == [
        Change("removed", "Settings", "settings.minimum_cash", "value", "Settings!B7", 5000.0, None, "USD"),
        Change("removed", "Settings", "settings.minimum_cash", "scenario:lean", "", 7000.0, None, "USD")]


def test_a_correlation_removed_and_added(tmp_path):
    """The flagship's last pair (C4) deleted from the Correlations sheet is removed (its rank correlation
    only: a pair's source and notes are compared only while both workbooks have it); put back, it is
    added."""
    path = tmp_path / "new.xlsx"
    shutil.copy(OPENAI, path)
    wb = openpyxl.load_workbook(path)
    assert wb["Correlations"].max_row == 4
    wb["Correlations"].delete_rows(4)
    wb.save(path)
    old_wb, new_wb = load_workbook(OPENAI), load_workbook(path)
    pair, source = "API licensing.customers ~ API licensing.annual_fee", "estimate (the model's own)"
    assert changes(old_wb, new_wb) == [
        Change("removed", "Correlations", pair, "rank correlation", "Correlations!C4", -0.5, None, "", source)]
    assert changes(new_wb, old_wb) == [
        Change("added", "Correlations", pair, "rank correlation", "Correlations!C4", None, -0.5, "", source)]
