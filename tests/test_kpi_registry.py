"""The KPI registry: one record per KPI, and a record added to it reaches every output by itself."""
from __future__ import annotations

import json

import numpy as np
import openpyxl
from openpyxl.utils import get_column_letter
import pytest

from cashcast.models.analysis import kpi as numpy_kpi
from cashcast.models.analysis import kpis
from cashcast.models.analysis.reductions import Last
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports.cli.main import main
from tests.report_fixtures import known_workbook

# A KPI that exists only in this test: revenue in the last month. The known workbook sells
# 1.5M calls a month at $0.10 from Jul 2023, so base ends at $150K a month and no-sales at 0.
DUMMY = kpis.Kpi("ending_revenue", "Ending revenue", "revenue in the last month", "money", +1,
                 Last("revenue"), simulated=7, target="an amount: revenue in the last month of at least that")


def test_names_are_unique_and_each_subset_is_an_attribute():
    names = [k.name for k in kpis.KPIS]
    assert len(set(names)) == len(names)
    assert [k.name for k in kpis.simulated()] == ["cash_out_month", "runway_months", "break_even_month",
                                                 "peak_funding_need", "ending_cash", "npv"]
    assert [k.name for k in kpis.swung()] == ["runway_months", "cash_out_month", "break_even_month", "npv"]
    assert [k.name for k in kpis.sort_keys()] == ["runway_months", "break_even_month", "npv"]
    assert "irr" not in {k.name for k in kpis.solvable()} and not kpis.named("irr").batch
    assert kpis.batch_lines() == {"closing_cash", "operating_cash_flow", "ttm_operating_cash_flow",
                                  "cumulative_operating_cash_flow"}


def test_each_definition_gives_the_numpy_functions_values(tmp_path):
    """The registry's definitions agree with kpi.py's functions and with the hand-worked workbook."""
    run = run_file(known_workbook(tmp_path), ["base", "no-sales"])
    r = run.result
    assert run.kpis["cash_out_month"].tolist()[1] == 10.0 and np.isnan(run.kpis["cash_out_month"][0])
    assert run.kpis["break_even_month"][0] == 13.0          # Feb 2024
    np.testing.assert_array_equal(run.kpis["peak_funding_need"],
                                  numpy_kpi.peak_funding_need(r["cumulative_operating_cash_flow"]))
    np.testing.assert_array_equal(run.kpis["npv"], numpy_kpi.npv(r["operating_cash_flow"],
                                                                 run.workbook.settings.discount_rate))
    np.testing.assert_array_equal(run.kpis["ending_cash"], r["closing_cash"][-1])
    assert run.kpis["ending_cash"][0] == pytest.approx(1_300_000, abs=1e-6)


def test_a_kpi_added_to_the_registry_reaches_json_excel_and_html(tmp_path, monkeypatch):
    monkeypatch.setattr(kpis, "KPIS", kpis.KPIS + (DUMMY,))
    out = tmp_path / "out"
    assert main(["run", str(known_workbook(tmp_path)), "--out", str(out), "--samples", "50"]) == 0

    data = json.loads((out / "known.json").read_text())
    assert data["scenarios"]["base"]["kpis"]["ending_revenue"] == pytest.approx(150_000, abs=1e-6)
    assert data["scenarios"]["no-sales"]["kpis"]["ending_revenue"] == 0
    assert data["scenario_comparison"]["ranking"]["ending_revenue"] == ["base", "no-sales"]
    assert data["scenario_comparison"]["difference_from_baseline"]["no-sales"]["ending_revenue"] == (
        pytest.approx(-150_000, abs=1e-6))
    assert data["simulation"]["base"]["kpis"]["ending_revenue"]["p50"] == pytest.approx(150_000, abs=1e-6)
    assert data["simulation"]["no-sales"]["kpis"]["ending_revenue"]["p50"] == 0

    wb = openpyxl.load_workbook(out / "known.xlsx")
    summary = [[c.value for c in row] for row in wb["Summary"].iter_rows(max_col=5)]
    row = next(r for r in summary if r[0] == DUMMY.title)
    assert row[1] == "USD" and row[2].startswith("=")          # a live reference to the scenario sheet
    monthly = wb["Monthly"]
    keyed = {r[2].value: r for r in monthly.iter_rows() if r[2].value}
    revenue_last = f"{get_column_letter(4 + data['horizon_months'] - 1)}{keyed['revenue'][0].row}"  # D = month 0
    assert keyed["ending_revenue"][3].value == f"={revenue_last}"
    cached = openpyxl.load_workbook(out / "known.xlsx", data_only=True)["Monthly"]
    assert cached[keyed["ending_revenue"][3].coordinate].value == pytest.approx(150_000, abs=1e-6)

    html = (out / "known.html").read_text()
    assert 'data-kpi="ending_revenue"' in html and "Ending revenue" in html
