"""The JSON/CSV contract of DESIGN.md and the command line's behaviour."""
from __future__ import annotations

import csv
import json
import os

import pytest

from cashcast.reports.cli import run as cli_run
from cashcast.reports.cli.main import main
from tests.helpers import ROOT, row, settings

FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"
KPIS = {"cash_out_month", "runway_months", "break_even_month", "peak_funding_need", "npv", "irr", "ending_cash"}


@pytest.fixture(scope="module")
def flagship_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(FLAGSHIP), "--out", str(out)]) == 0
    return out


def test_json_has_every_kpi_and_annual_totals_per_scenario(flagship_outputs):
    data = json.loads((flagship_outputs / "openai.json").read_text())
    assert list(data["scenarios"])[:3] == ["base", "seed-001", "claim-004"]
    for name, scen in data["scenarios"].items():
        assert set(scen["kpis"]) >= KPIS, name
        for key in ("cash_out_month", "break_even_month"):
            v = scen["kpis"][key]
            assert v is None or (len(v) == 7 and v[4] == "-"), (key, v)
        years = scen["annual"]["years"]
        assert years[0] == 2023 and len(years) == 10
        for line in ("revenue", "costs", "operating_cash_flow", "net_cash_flow", "closing_cash",
                     "chatgpt_plus.revenue", "serving_chatgpt.cost"):
            assert len(scen["annual"]["lines"][line]) == len(years), line


def test_runway_counts_months_from_the_start_to_cash_out(flagship_outputs):
    k = json.loads((flagship_outputs / "openai.json").read_text())["scenarios"]["claim-004"]["kpis"]
    year, month = map(int, k["cash_out_month"].split("-"))
    assert k["runway_months"] == (year - 2023) * 12 + month - 1


def test_annual_closing_cash_is_the_year_end_balance(flagship_outputs):
    data = json.loads((flagship_outputs / "openai.json").read_text())
    rows = list(csv.DictReader(open(flagship_outputs / "openai.csv")))
    base = data["scenarios"]["base"]["annual"]["lines"]
    december_2023 = next(r for r in rows if r["month"] == "2023-12")
    assert base["closing_cash"][0] == pytest.approx(float(december_2023["closing_cash"]), abs=0.005)
    assert base["revenue"][0] == pytest.approx(sum(float(r["revenue"]) for r in rows[:12]), abs=0.005)


def test_csv_columns_are_named_after_the_lines(flagship_outputs):
    with open(flagship_outputs / "openai.csv") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        body = list(reader)
    assert header[0] == "month"
    assert {"revenue", "costs", "operating_cash_flow", "funding", "net_cash_flow", "closing_cash",
            "chatgpt_plus.revenue", "api_licensing.revenue", "frontier_training.cost"} <= set(header)
    assert len(body) == 120 and body[0][0] == "2023-01" and body[-1][0] == "2032-12"


def test_ending_cash_matches_the_last_closing_cash(flagship_outputs):
    data = json.loads((flagship_outputs / "openai.json").read_text())
    rows = list(csv.DictReader(open(flagship_outputs / "openai.csv")))
    assert data["scenarios"]["base"]["kpis"]["ending_cash"] == pytest.approx(float(rows[-1]["closing_cash"]))


def test_cash_out_respects_minimum_cash(make_workbook, tmp_path):
    rows = [row("Rent", "opex", "monthly_amount", 100, "USD/month")]
    for floor, expected in ((None, "2023-11"), (500, "2023-06")):
        path = make_workbook(rows, settings(opening_cash=1000, minimum_cash=floor), name=f"m{floor}.xlsx")
        assert main(["run", str(path), "--out", str(tmp_path)]) == 0
        k = json.loads((tmp_path / f"m{floor}.json").read_text())["scenarios"]["base"]["kpis"]
        # 1000 − 100·(t+1) < 0 first at t=10 (Nov); < 500 first at t=5 (June)
        assert k["cash_out_month"] == expected


def test_kpis_null_when_never(make_workbook, tmp_path):
    path = make_workbook([row("Rent", "opex", "monthly_amount", 1, "USD/month")])
    assert main(["run", str(path), "--out", str(tmp_path)]) == 0
    k = json.loads((tmp_path / "model.json").read_text())["scenarios"]["base"]["kpis"]
    assert k["cash_out_month"] is None and k["runway_months"] is None and k["break_even_month"] is None
    assert k["irr"] is None and k["peak_funding_need"] == pytest.approx(24.0)


def test_scenario_selection(tmp_path):
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path), "--scenario", "seed-001"]) == 0
    data = json.loads((tmp_path / "openai.json").read_text())
    assert list(data["scenarios"]) == ["seed-001"]


def test_a_failed_write_leaves_earlier_reports_intact(tmp_path, monkeypatch, capsys):
    (tmp_path / "openai.json").write_text("earlier")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(cli_run, "csv_text", broken)
    assert main(["run", str(FLAGSHIP), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: disk full" in err and "Traceback" not in err
    assert (tmp_path / "openai.json").read_text() == "earlier"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_check_and_new(tmp_path, capsys):
    assert main(["new", "startup", "--dir", str(tmp_path)]) == 0
    assert main(["check", str(tmp_path / "startup.xlsx")]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["new", "startup", "--dir", str(tmp_path)]) == 2  # never overwrites
    assert main(["run", str(tmp_path / "startup.xlsx"), "--out", str(tmp_path / "o")]) == 0


def test_outputs_are_ordinary_files_not_private(tmp_path):
    from cashcast.reports.files import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r.json", "{}")
    finally:
        os.umask(old)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644


def test_irr_of_degenerate_flows_is_their_one_root_not_a_crash():
    """−1e9, then 119 months of 2.2e-311 (found by Hypothesis: npf.irr raised LinAlgError). The flows
    change sign once, so there is one root: 2.2e-311 × x^119 ≈ 1e9 with x = 1/(1 + m) gives
    x ≈ e^6.2, a monthly rate near −99.8%, and (1 + m)^12 − 1 is −100% to a double's precision."""
    import numpy as np
    from cashcast.models.analysis.kpi import irr

    flows = np.zeros((120, 1))
    flows[0, 0], flows[1:, 0] = -1e9, 2.2e-311
    assert irr(flows)[0] == -1.0
    flows[1:, 0] = 0.0                       # no sign change left: undefined
    assert np.isnan(irr(flows)[0])
