"""The Excel report's formulas, read back with openpyxl (no spreadsheet engine; see test_excel_parity).

* every primitive of models/expr.py renders the expected Excel text in the report's context;
* every projected cell is the formula its line's definition renders, with numpy's value cached;
* the report's sheets, names, inputs, validation, charts, panes and print set-up are there;
* text stays text, and the same inputs give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile

import pandas as pd
import pytest
from openpyxl.styles.colors import Color

from cashcast.models.engine.expr import (
    Between, DaysInMonth, Exp, If, LineRef, Max, Min, MonthIndex, MonthsSince, Num, Param, Prev, RollingSum,
    Sum, Year,
)
from cashcast.models.engine.constants import CONSTANTS, MONTHS_PER_YEAR, WORDS
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.models.statements.ownership import round_terms
from cashcast.reports.cli.main import main
from cashcast.reports.excel.report import excel_bytes
from cashcast.reports.excel.formulas import ExcelContext, KpiContext
from cashcast.reports.excel.layout import SINCE_KEY
from cashcast.models.analysis.kpis import KPIS
from tests.excel_checks import (
    EXAMPLE_NAMES, example_path, expectations, formula_cells, matches, open_report,
)
from tests.helpers import row

ROWS = {"a": 5, "b": 6, "c": 7}        # lines on sheet rows 6, 7, 8
NAMES = frozenset({"plus__price", "plus__start_month", "settings__opening_cash"})
CTX = ExcelContext(ROWS, NAMES, t=2)   # month 2: column F (months start in column D)

PRIMITIVES = [
    ("Num integer", Num(12), "12"),
    ("Num fraction", Num(0.125), "0.125"),
    ("Param", Param("plus__price"), "plus__price"),
    ("LineRef", LineRef("a"), "F6"),
    ("Prev", Prev("a", Num(0)), "E6"),
    ("BinOp +", LineRef("a") + LineRef("b"), "(F6+F7)"),
    ("BinOp -", LineRef("a") - 1, "(F6-1)"),
    ("BinOp *", LineRef("a") * Param("plus__price"), "(F6*plus__price)"),
    ("BinOp /", LineRef("a") / 12, "(F6/12)"),
    ("BinOp ^", (1 + LineRef("a")) ** 2, "((1+F6)^2)"),
    ("negation", -LineRef("a"), "(0-F6)"),
    ("BinOp >=", LineRef("a").ge(0), "((F6>=0)*1)"),
    ("BinOp >", LineRef("a").gt(0), "((F6>0)*1)"),
    ("BinOp <=", LineRef("a").le(LineRef("b")), "((F6<=F7)*1)"),
    ("BinOp <", LineRef("a").lt(1), "((F6<1)*1)"),
    ("If", If(LineRef("a").gt(0), LineRef("b"), Num(0)), "IF(((F6>0)*1)<>0,F7,0)"),
    ("Min", Min(LineRef("a"), 1), "MIN(F6,1)"),
    ("Max", Max(LineRef("a"), LineRef("b"), 0), "MAX(F6,F7,0)"),
    ("Exp", Exp(LineRef("a")), "EXP(F6)"),
    ("MonthIndex", MonthIndex(), "F$3"),
    ("Year", Year(), "YEAR(F$4)"),
    ("DaysInMonth", DaysInMonth(), "DAY(EOMONTH(F$4,0))"),
    ("MonthsSince", MonthsSince(Param("plus__start_month")),
     "((YEAR(F$4)-YEAR(plus__start_month))*MONTHS_PER_YEAR+MONTH(F$4)-MONTH(plus__start_month))"),
    ("MonthsSince helper row", MonthsSince(Param("plus__start_month")), "F9", {"plus__start_month": 8}),
    # a date that is not an assumption has no helper row, even where a row's key has its name
    ("MonthsSince of a line", MonthsSince(LineRef("b")),
     "((YEAR(F$4)-YEAR(F7))*MONTHS_PER_YEAR+MONTH(F$4)-MONTH(F7))", {"b": 8}),
    ("MonthsSince of a number", MonthsSince(Num(44927)),
     "((YEAR(F$4)-YEAR(44927))*MONTHS_PER_YEAR+MONTH(F$4)-MONTH(44927))"),
    ("Const", LineRef("a") / MONTHS_PER_YEAR, "(F6/MONTHS_PER_YEAR)"),
    ("Between", Between(MonthIndex(), Num(1), Num(3)), "(((F$3>=1)*1)*((F$3<=3)*1))"),
    ("RollingSum short", RollingSum("a", 12), "SUM(D6:F6)"),
    ("Sum", Sum([LineRef("a"), LineRef("b"), LineRef("c")]), "((F6+F7)+F8)"),
    ("Sum empty", Sum([]), "0"),
]


@pytest.mark.parametrize("expr, text, since", [(p[1], p[2], p[3] if len(p) > 3 else {}) for p in PRIMITIVES],
                         ids=[p[0] for p in PRIMITIVES])
def test_primitive_renders_excel_text(expr, text, since):
    """Each primitive's text; months since a date with a helper row for it is that row's cell."""
    assert expr.xl(ExcelContext(ROWS, NAMES, t=2, since=since)) == text


def test_prev_in_the_first_month_is_the_initial_value():
    first = CTX.at(0)
    assert Prev("a", Param("settings__opening_cash")).xl(first) == "settings__opening_cash"
    assert (Prev("a", Num(0)) + LineRef("b")).xl(first) == "(0+D7)"


def test_rolling_sum_window_trails_the_month():
    assert RollingSum("a", 12).xl(CTX.at(20)) == "SUM(M6:X6)"   # months 9..20 in columns M..X
    assert RollingSum("a", 1).xl(CTX.at(20)) == "SUM(X6:X6)"


def test_an_assumption_without_a_defined_name_is_refused():
    with pytest.raises(KeyError, match="plus__churn"):
        Param("plus__churn").xl(CTX)


# ------------------------------------------------------------------------------------------------
# The report of each example
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=EXAMPLE_NAMES)
def report(request, tmp_path_factory):
    """(run of every scenario, report bytes, formulas view, values view) of one example."""
    path = example_path(request.param, tmp_path_factory.mktemp("examples"))
    run = run_file(path)
    data = excel_bytes(run)
    return run, data, open_report(data), open_report(data, values=True)


def _model_sheets(wb):
    return [ws for ws in wb.worksheets if ws.title == "Monthly" or ws.title.startswith("Scenario ")]


def _sheet_rows(ws) -> dict[str, int]:
    """{key: 0-based row} read from the sheet's key column C."""
    return {r[2].value: r[2].row - 1 for r in ws.iter_rows(min_row=5) if r[2].value}


def test_every_line_cell_is_the_formula_its_definition_renders(report):
    run, _data, wb, _values = report
    names = frozenset(wb.defined_names)
    for ws in _model_sheets(wb):
        rows = _sheet_rows(ws)
        since = {k.removeprefix(SINCE_KEY): r for k, r in rows.items() if k.startswith(SINCE_KEY)}
        ctx = ExcelContext(rows, names, since=since)
        for name, line in run.model.lines.items():
            r = ctx.rows[name] + 1
            for t in range(run.model.horizon):
                got = ws.cell(r, 4 + t).value
                assert got == "=" + line.expr.xl(ctx.at(t)), (ws.title, name, t, got)
        for date, r in since.items():   # each helper row: the months since its date, written in full
            for t in range(run.model.horizon):
                want = "=((YEAR({0}$4)-YEAR({1}))*MONTHS_PER_YEAR+MONTH({0}$4)-MONTH({1}))".format(
                    ws.cell(1, 4 + t).column_letter, date)
                assert ws.cell(r + 1, 4 + t).value == want, (ws.title, date, t)


def test_no_projected_number_is_a_pasted_value(report):
    run, _data, wb, _values = report
    kpi_keys = {k.name for k in KPIS}
    constants = {c.name: c.value for c in CONSTANTS} | {w.name: w.text for w in WORDS}   # English words
    for ws in _model_sheets(wb) + [wb["Annual"]]:
        width = run.model.horizon if ws.title != "Annual" else len(run.years())
        for r in ws.iter_rows(min_row=5):
            key = r[2].value
            if not key:
                continue
            cells = [c for c in r[3:] if c.value is not None]
            if key in constants:   # the Constants block: a value each, named, on Monthly only
                assert ws.title == "Monthly" and [c.value for c in cells] == [constants[key]], key
                assert wb.defined_names[key].attr_text == f"Monthly!$D${r[2].row}", key
                continue
            assert cells and all(c.data_type == "f" for c in cells), (ws.title, key)
            if key in run.model.lines:
                assert len(cells) == width, (ws.title, key)
            elif key in kpi_keys:
                assert len(cells) == 1, (ws.title, key)
    summary = wb["Summary"]
    for i in range(len(KPIS)):
        for c in summary[8 + i][2:3 + len(run.scenarios)]:
            assert c.data_type == "f", c.coordinate


def test_each_formula_caches_numpys_value_for_the_starting_scenario(report):
    run, _data, wb, values = report
    exp = expectations(wb, run)
    assert not exp.unchecked
    assert len(exp.cells) > run.model.horizon * len(run.model.lines)
    wrong = [(k, values[k[0]][k[1]].value, v) for k, v in exp.cells.items()
             if not matches(values[k[0]][k[1]].value, v)]
    assert not wrong, wrong[:5]


def test_pandas_reads_numbers_not_zeros(report):
    run, data, _wb, _values = report
    monthly = pd.read_excel(io.BytesIO(data), sheet_name="Monthly", header=3, index_col=2)
    closing = monthly.loc["closing_cash"].iloc[2:2 + run.model.horizon].astype(float).to_numpy()
    assert closing == pytest.approx(run.result.column("closing_cash", 0), rel=1e-12)
    assert (closing != 0).any()


def test_defined_names_point_at_the_in_use_and_in_force_cells(report):
    run, _data, wb, _values = report
    ws = wb["Assumptions"]
    header = {c.value: c.column_letter for c in ws[5] if c.value}
    in_use = next(col for text, col in header.items() if text.startswith("In use"))
    row_of = {r[0].value: r[0].row for r in ws.iter_rows(min_row=6, min_col=ws[header["Defined name"] + "1"].column,
                                                         max_col=ws[header["Defined name"] + "1"].column)
              if r[0].value and "__" in r[0].value}
    params = set(run.workbook.param_values(["base"]))
    assert set(row_of) == params
    for key, r in row_of.items():
        assert wb.defined_names[key].attr_text == f"Assumptions!${in_use}${r}"
        for scenario in run.scenarios:
            local = wb[f"Scenario {scenario}"].defined_names[key]
            assert local.attr_text == f"Assumptions!${header['In force: ' + scenario]}${r}"
    for name in ("settings__opening_cash", "settings__minimum_cash", "settings__discount_rate"):
        assert name in row_of
    for code in run.workbook.settings.fx:
        assert f"fx__{code.lower()}" in row_of


def _is_blue(cell) -> bool:
    color = cell.font.color
    return isinstance(color, Color) and (color.rgb or "").upper().endswith("0000FF")


def test_inputs_are_blue_and_validated_from_low_and_high(report):
    run, _data, wb, _values = report
    ws = wb["Assumptions"]
    header = {c.value: c.column for c in ws[5] if c.value}
    validations = ws.data_validations.dataValidation
    by_key = {r.key: r for r in run.workbook.rows}
    for r in ws.iter_rows(min_row=6):
        key = r[header["Defined name"] - 1].value
        if key not in by_key and not key.startswith(("settings__", "fx__")):
            continue
        for scenario in run.workbook.scenario_names:
            assert _is_blue(r[header[scenario] - 1]), (key, scenario)
        assert not _is_blue(r[header["In force: base"] - 1])
        row = by_key.get(key)
        base = r[header["base"] - 1].coordinate
        covered = [v for v in validations if base in v.sqref]
        assert any(v.showInputMessage and v.prompt for v in covered), key   # its unit, range or an example
        covered = [v for v in covered if v.type not in (None, "none")]     # those that check what is typed
        if row is not None and (row.low is not None or row.high is not None):
            assert len(covered) == 1 and covered[0].errorStyle == "warning", key
            assert covered[0].type == ("date" if row.dimension == "date" else "decimal")
        else:
            assert not covered, key


def test_the_selector_lists_the_workbook_scenarios(report):
    run, _data, wb, _values = report
    ws = wb["Summary"]
    assert ws["C4"].value == run.scenarios[0] and ws["C4"].data_type == "s"
    (dv,) = [v for v in ws.data_validations.dataValidation if "C4" in v.sqref]
    assert dv.type == "list"
    first, last = re.fullmatch(r"\$A\$(\d+):\$A\$(\d+)", dv.formula1).groups()
    listed = [ws[f"A{r}"].value for r in range(int(first), int(last) + 1)]
    assert listed == run.workbook.scenario_names
    assert wb.defined_names["selected_scenario"].attr_text == "Summary!$C$4"


def test_sheets_charts_panes_and_print_set_up(report):
    run, data, wb, _values = report
    cap = ["Cap table"] if any(t.post is not None for t in round_terms(run.workbook)) else []
    statements = [f"Statements {s}" for s in run.scenarios]
    analyst = ["Analyst checks"] if run.workbook.checks else []   # the assumption workbook's own Checks sheet
    fixed = ["Summary", "Assumptions", "Monthly", "Annual", *statements, *cap, "Sources", "Checks", *analyst]
    assert wb.sheetnames[:len(fixed)] == fixed
    assert wb.sheetnames[len(fixed):] == [f"Scenario {s}" for s in run.scenarios]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        titles = [re.findall(r"<a:t>([^<]*)</a:t>", zf.read(n).decode())[0] for n in charts]
    assert [t.split(" (")[0] for t in titles] == ["Cash balance and funding rounds", "Revenue by block",
                                                  "Costs by block"]
    assert wb["Monthly"].freeze_panes == "D5" and wb["Annual"].freeze_panes == "D5"
    assert all(wb[name].freeze_panes == "D5" for name in statements)
    assert wb["Assumptions"].freeze_panes == "D6"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
    assert wb["Monthly"].print_title_rows == "$1:$4"
    assert wb["Monthly"].column_dimensions["A"].width > 40
    assert wb["Monthly"]["D7"].number_format.startswith("#,##0")


def test_summary_key_figures_have_units_in_their_formats(report):
    run, _data, wb, _values = report
    ws = wb["Summary"]
    formats = {ws[f"A{8 + i}"].value: ws[f"C{8 + i}"].number_format for i in range(len(KPIS))}
    labels = {k.name: k.title for k in KPIS}
    assert formats[labels["cash_out_month"]] == "mmm yyyy"
    assert "months" in formats[labels["runway_months"]]
    assert "%" in formats[labels["irr"]]
    currency = run.workbook.settings.currency
    unit = "M" if currency == "USD" else ("亿" if abs(run.kpis["npv"][0]) >= 1e8 else "万")  # RMB: 万 below 10^8
    assert {"USD": "$", "RMB": "¥"}[currency] in formats[labels["npv"]] and unit in formats[labels["npv"]]
    if currency == "RMB":
        assert abs(run.kpis["npv"][0]) >= 1e8   # the example's NPV reads in 亿


def test_same_inputs_give_identical_bytes(report):
    run, data, _wb, _values = report
    assert excel_bytes(run) == data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        core = zf.read("docProps/core.xml").decode()
    assert "2023-01-01T00:00:00Z" in core


def test_writing_raises_no_xlsxwriter_warning(report):
    run = report[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        excel_bytes(run)


# The writer's formula storage: the fast path must store what XlsxWriter's own preparation stores, with
# and without future functions, for a formula that needs no rewriting and for each kind that does
# (a dynamic-array function, a future function such as LET, array braces, XlsxWriter's \SINGLE\( pattern).
# test_speed.py compares the whole workbooks' bytes; this quick form runs under `make mutate`.
STORED = ["=SUM(B4:M4)*12", "{=MAX(A1:A3)}", "=SORT(A1:A3)", "=LET(x,1,x)", "=TINGLE(A1)", "=_xlfn.STDEV.S(A1:A9)",
          "=IF(A1<0,A1,0)"]


@pytest.mark.parametrize("future", [False, True])
def test_formulas_are_stored_as_xlsxwriter_stores_them(future):
    from xlsxwriter.worksheet import Worksheet

    from cashcast.reports.excel.worksheet import FinalFormulaWorksheet
    ours, theirs = FinalFormulaWorksheet(), Worksheet()
    ours.use_future_functions = theirs.use_future_functions = future
    assert [ours._prepare_formula(f) for f in STORED] == [theirs._prepare_formula(f) for f in STORED]
    assert [ours._prepare_formula(f, True) for f in STORED] == [theirs._prepare_formula(f, True) for f in STORED]
    assert ours._prepare_formula("{=MAX(A1:A3)}") == "MAX(A1:A3)"   # braces and "=" gone, nothing else


# ------------------------------------------------------------------------------------------------
# Text stays text; the command line; a subset of scenarios
# ------------------------------------------------------------------------------------------------
HOSTILE = ["=HYPERLINK(\"http://example.com\",\"x\")", "+1+2", "-3+4", "@SUM(A1:A2)", "=1+1"]


def test_labels_sources_and_notes_that_look_like_formulas_stay_text(make_workbook):
    rows = [
        row(HOSTILE[0], "subscription", "audience", 1000, "users", source=HOSTILE[1], notes=HOSTILE[2]),
        row(HOSTILE[0], "subscription", "conversion", 0.1, "%", source=HOSTILE[3], notes=HOSTILE[4],
            low=0.05, high=0.2, overrides={"=1+1": 0.2}),
        row(HOSTILE[0], "subscription", "price", 10, "USD/month"),
        row("-Team", "opex", "monthly_amount", 50, "USD/month", source="=cmd|' /C calc'!A0"),
    ]
    path = make_workbook(rows, scenarios=[("base", "@base"), ("=1+1", "=evil()")])
    run = run_file(path)
    data = excel_bytes(run, analyse(run, 200, 0))   # with the uncertainty sheets and comparison
    wb = open_report(data)
    texts = set(HOSTILE) | {"=cmd|' /C calc'!A0", "@base", "=evil()", "-Team"}
    seen = set()
    for ws in wb.worksheets:
        for r in ws.iter_rows():
            for c in r:
                if isinstance(c.value, str) and (c.value in texts or c.value.startswith(tuple(texts))):
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                    seen.add(c.value if c.value in texts else next(t for t in texts if c.value.startswith(t)))
    assert seen == texts
    for formula in formula_cells(wb).values():
        assert "HYPERLINK" not in formula and "cmd|" not in formula and "evil" not in formula
    assert wb["Summary"]["C4"].value == "base"


def test_cashcast_run_writes_the_excel_report(tmp_path, capsys):
    path = example_path("starter", tmp_path)
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--samples", "500", "--seed", "3"]) == 0
    written = (tmp_path / "out" / "starter.xlsx").read_bytes()
    run = run_file(path)
    assert written == excel_bytes(run, analyse(run, 500, 3))
    assert "starter.xlsx" in capsys.readouterr().out


def test_a_subset_of_scenarios_starts_the_selector_on_the_first(tmp_path):
    path = example_path("starter", tmp_path)
    run = run_file(path, ["downside"])
    wb = open_report(excel_bytes(run), values=True)
    assert wb["Summary"]["C4"].value == "downside"
    assert wb["Summary"]["C5"].value == 2
    assert [n for n in wb.sheetnames if n.startswith("Scenario ")] == ["Scenario downside"]
    closing = [c.value for c in wb["Monthly"][_sheet_rows(wb["Monthly"])["closing_cash"] + 1][3:]]
    assert closing == pytest.approx(list(run.result.column("closing_cash", 0)), rel=1e-12)


def test_a_date_assumption_is_a_real_date_in_the_report(tmp_path):
    path = example_path("starter", tmp_path)
    run = run_file(path)
    wb = open_report(excel_bytes(run), values=True)
    ws = wb["Assumptions"]
    header = {c.value: c.column - 1 for c in ws[5] if c.value}
    (r,) = [r for r in ws.iter_rows(min_row=6) if r[header["Defined name"]].value == "seed_round__month"]
    assert r[header["base"]].value == dt.datetime(2025, 7, 1)
    assert r[header["base"]].number_format == "yyyy-mm"


# The scenario comparison's formula builders, each branch in full (the doctests show one; the LibreOffice
# parity test checks what they compute, but only the whole report, too slowly for `make mutate`)
def test_comparison_formulas_in_each_branch():
    from cashcast.reports.excel import formulas as xf
    assert xf.difference("E8", "$D8", False) == '=IF(AND(ISNUMBER(E8),ISNUMBER($D8)),E8-$D8,NA_TEXT)'
    assert xf.difference("E8", "$D8", True) == ('=IF(AND(ISNUMBER(E8),ISNUMBER($D8)),(YEAR(E8)-YEAR($D8))'
                                                '*MONTHS_PER_YEAR+MONTH(E8)-MONTH($D8),NA_TEXT)')
    assert xf.rank_score("D8", 1, None) == '=IF(ISNUMBER(D8),D8,NA_TEXT)'
    assert xf.rank_score("D8", -1, "(LONGEST_MONTHS+1)") == "=IF(ISNUMBER(D8),-D8,-(LONGEST_MONTHS+1))"
    assert xf.rank_score("D8", 1, "(LONGEST_MONTHS+1)") == "=IF(ISNUMBER(D8),D8,(LONGEST_MONTHS+1))"
    assert xf.stable_rank("$D$40:$F$40", "D40", None) == (
        "=IF(ISNUMBER(D40),1+SUMPRODUCT(($D$40:$F$40>D40)*1)-(COLUMNS($D$40:$F$40)-COUNT($D$40:$F$40)),"
        "1+COUNT($D$40:$F$40))")


def test_a_flag_cell_is_its_comparison_times_one_and_a_product_of_comparisons_as_it_renders():
    from cashcast.models.analysis.reductions import Flag
    below = Flag("k", "a below the price", LineRef("a").lt(Param("plus__price")))
    window = Flag("w", "a ≥ 0 in a full window", LineRef("a").ge(0) * MonthIndex().ge(11), words="a ≥ 0, month ≥ 11")
    assert below.xl(CTX) == "=(F6<plus__price)*1"
    assert window.xl(CTX) == "=(((F6>=0)*1)*((F$3>=11)*1))"
    assert below.text == "a < plus__price" and window.text == "a ≥ 0, month ≥ 11"
    assert Flag("n", "b over 2.5", LineRef("b").gt(2.5)).text == "b > 2.5"


# The IRR search's helper rows (reports/excel/irr.py): each formula's text on a small layout worked out by
# hand (rows 21–32 in Excel's numbering, the search from column D, three months of flows in D11:F11), and
# numpy's cached values for flows −100, 0, 121, whose IRR is 10% a month exactly ((1 + r)² = 1.21)
def _search_cells():
    from cashcast.reports.excel.irr import ROWS as IRR_ROWS, SearchCells
    return SearchCells({key: 20 + i for i, key in enumerate(IRR_ROWS)}, 3, 10, 3, 5)


def test_the_irr_search_formulas():
    cells = _search_cells()
    f = cells.formulas()
    assert f["irr.sign"] == ["=SIGN(D11)", "=IF(E11<>0,SIGN(E11),D21)", "=IF(F11<>0,SIGN(F11),E21)"]
    assert f["irr.sign_changes"] == ["=SUMPRODUCT(($E$21:$F$21*$D$21:$E$21<0)*1)"]
    assert f["irr.trial"][:3] == ["=0", "=D23+1", "=E23+1"] and len(f["irr.trial"]) == 41
    assert f["irr.coarse_rate"][2] == "=EXP(IRR_COARSE_FROM+IRR_COARSE_STEP*F$23)-1" and len(f["irr.coarse_rate"]) == 41
    assert f["irr.coarse_npv"][1] == "=NPV(E24,$E$11:$F$11)+$D$11" and len(f["irr.coarse_npv"]) == 41
    assert f["irr.coarse_distance"][1] == ('=IF(SIGN(E25)*SIGN(F25)<=0,IFERROR(ABS(E24-E25*(F24-E24)/(F25-E25)),'
                                          'NONE_TEXT),NONE_TEXT)') and len(f["irr.coarse_distance"]) == 40
    assert f["irr.coarse_bracket"] == ["=IF(COUNT($D$26:$AQ$26)=0,1,MATCH(MIN($D$26:$AQ$26),$D$26:$AQ$26,0))"]
    assert f["irr.fine_rate"][1] == ("=INDEX($D$24:$AR$24,1,$D$27)+(INDEX($D$24:$AR$24,1,$D$27+1)"
                                     "-INDEX($D$24:$AR$24,1,$D$27))*E$23/IRR_FINE_STEPS") and len(f["irr.fine_rate"]) == 21
    assert f["irr.fine_npv"][0] == "=NPV(D28,$E$11:$F$11)+$D$11" and len(f["irr.fine_npv"]) == 21
    assert f["irr.fine_distance"][19] == ('=IF(SIGN(W29)*SIGN(X29)<=0,IFERROR(ABS(W28-W29*(X28-W28)/(X29-W29)),'
                                          'NONE_TEXT),NONE_TEXT)') and len(f["irr.fine_distance"]) == 20
    assert f["irr.fine_bracket"] == ["=IF(COUNT($D$30:$W$30)=0,1,MATCH(MIN($D$30:$W$30),$D$30:$W$30,0))"]
    assert f["irr.guess"] == ["=IFERROR(INDEX($D$28:$X$28,1,$D$31)-INDEX($D$29:$X$29,1,$D$31)*(INDEX($D$28:$X$28,1,"
                              "$D$31+1)-INDEX($D$28:$X$28,1,$D$31))/(INDEX($D$29:$X$29,1,$D$31+1)-INDEX($D$29:$X$29,1,"
                              "$D$31)),0)"]
    assert cells.irr() == ('=IF(OR($D$22<>1,COUNT($D$26:$AQ$26)=0),NA_TEXT,IFERROR((1+IRR($D$11:$F$11,$D$32))'
                           '^MONTHS_PER_YEAR-1,NA_TEXT))')


def test_the_irr_search_formulas_of_one_month():
    from cashcast.reports.excel.irr import ROWS as IRR_ROWS, SearchCells
    one = SearchCells({key: 20 + i for i, key in enumerate(IRR_ROWS)}, 3, 10, 3, 3)
    assert one.npv("D24") == "=$D$11" and one.sign_changes() == "=0" and one.formulas()["irr.sign"] == ["=SIGN(D11)"]


def test_the_irr_search_counts_sign_changes_over_two_months():
    # the shortest flows whose sign can change: one comparison, month 2's sign against month 1's
    from cashcast.reports.excel.irr import ROWS as IRR_ROWS, SearchCells
    two = SearchCells({key: 20 + i for i, key in enumerate(IRR_ROWS)}, 3, 10, 3, 4)
    assert two.sign_changes() == "=SUMPRODUCT(($E$21:$E$21*$D$21:$D$21<0)*1)"


def test_the_irr_search_values_find_ten_percent_a_month():
    import math

    import numpy as np

    from cashcast.reports.excel.irr import search_values
    v = search_values(np.array([-100.0, 0.0, 121.0]))
    coarse = [math.exp(-0.5 + 0.05 * k) - 1 for k in range(41)]   # −39.3% … +348.2% a month
    assert v["irr.trial"].tolist() == list(range(41))
    assert v["irr.coarse_rate"] == pytest.approx(coarse, abs=1e-15)
    assert v["irr.coarse_npv"][10] == 21.0                              # at 0%: −100 + 121
    assert v["irr.coarse_npv"][12] == pytest.approx(-100 + 121 / math.exp(0.2), abs=1e-12)   # (1 + r)² = e^0.2
    assert v["irr.sign"].tolist() == [-1, -1, 1] and v["irr.sign_changes"].tolist() == [1]
    # 10% lies between e^0.05 − 1 = 5.13% and e^0.10 − 1 = 10.52%: the 12th bracket, the only sign change
    assert np.flatnonzero(~np.isnan(v["irr.coarse_distance"])).tolist() == [11] and v["irr.coarse_bracket"][0] == 12
    fine = [coarse[11] + (coarse[12] - coarse[11]) * i / 20 for i in range(21)]
    assert v["irr.fine_rate"] == pytest.approx(fine, abs=1e-15)
    assert v["irr.fine_npv"] == pytest.approx([-100 + 121 / (1 + r) ** 2 for r in fine], abs=1e-9)
    # (10% − 5.13%) / 0.27% a step = 18.1 steps: between the 19th and 20th fine rates
    assert np.flatnonzero(~np.isnan(v["irr.fine_distance"])).tolist() == [18] and v["irr.fine_bracket"][0] == 19
    assert v["irr.fine_distance"][18] == pytest.approx(0.1, abs=1e-5)
    assert v["irr.guess"][0] == pytest.approx(0.1, abs=1e-5) and v["irr.guess"][0] != 0.1   # interpolated


# Every key figure's Excel formula on a small sheet (months in D:I, month numbers on row 3, dates on row 4;
# closing cash, cumulative operating cash flow, operating cash flow, its TTM on rows 11–14; the below-the-
# floor and break-even flags on rows 31–32; their running last-month rows on 41–43), each read against its
# reduction's docstring. The LibreOffice parity tests check what they compute, on the whole report, too
# slowly for `make mutate` to reach each mutant of the reductions' formulas.
KPI_FORMULAS = {
    "cash_out_month": '=IFERROR(INDEX($D$4:$I$4,1,MATCH(1,$D$31:$I$31,0)),NEVER_TEXT)',
    "cash_recovers_month": ('=IF(ISTEXT($I$41),NA_TEXT,IF($I$41>=MAX($D$3:$I$3),NEVER_TEXT,'
                            'INDEX($D$4:$I$4,1,MATCH($I$41+1,$D$3:$I$3,0))))'),
    "runway_months": '=IFERROR(MATCH(1,$D$31:$I$31,0)-1,NEVER_TEXT)',
    "cash_low": "=MIN($D$11:$I$11)",
    "cash_low_month": "=INDEX($D$4:$I$4,1,MATCH(MIN($D$11:$I$11),$D$11:$I$11,0))",
    "funding_gap": "=MAX(0,settings__minimum_cash-MIN($D$11:$I$11))",
    "raise_by_month": '=IFERROR(INDEX($D$4:$I$4,1,MATCH(1,$D$31:$I$31,0)),NEVER_TEXT)',
    "months_short": "=SUM($D$31:$I$31)",
    "runway_at_horizon_months": (
        '=IF((-AVERAGE($G$13:$I$13))>0,IF(INT(MAX(0,I11-settings__minimum_cash)/(-AVERAGE($G$13:$I$13)))'
        '>LONGEST_MONTHS,NEVER_TEXT,INT(MAX(0,I11-settings__minimum_cash)/(-AVERAGE($G$13:$I$13)))),NEVER_TEXT)'),
    "runway_at_horizon_month": (
        '=IF($I$31=1,IF(ISTEXT($I$42),INDEX($D$4:$I$4,1,1),INDEX($D$4:$I$4,1,MATCH($I$42+1,$D$3:$I$3,0))),'
        'IF((-AVERAGE($G$13:$I$13))>0,IF(INT(MAX(0,I11-settings__minimum_cash)/(-AVERAGE($G$13:$I$13)))'
        '>LONGEST_MONTHS,NEVER_TEXT,DATE(YEAR($I$4),MONTH($I$4)+1+INT(MAX(0,I11-settings__minimum_cash)'
        '/(-AVERAGE($G$13:$I$13))),1)),NEVER_TEXT))'),
    "break_even_month": '=IFERROR(INDEX($D$4:$I$4,1,MATCH(1,$D$32:$I$32,0)),NEVER_TEXT)',
    "sustained_break_even_month": ('=IF(ISTEXT($I$43),NA_TEXT,IF($I$43>=MAX($D$3:$I$3),NEVER_TEXT,'
                                   'INDEX($D$4:$I$4,1,MATCH($I$43+1,$D$3:$I$3,0))))'),
    "returns_to_loss_month": (
        '=IF(ISNA(MATCH(1,$D$32:$I$32,0)),NA_TEXT,IFERROR(INDEX($D$4:$I$4,1,MATCH(1,$D$32:$I$32,0)'
        '+MATCH(0,INDEX($D$32:$I$32,1,MATCH(1,$D$32:$I$32,0)+1):$I$32,0)),NEVER_TEXT))'),
    "peak_funding_need": "=MAX(0,-MIN($D$12:$I$12))",
    "npv": "=NPV(((1+settings__discount_rate)^(1/MONTHS_PER_YEAR)-1),$E$13:$I$13)+D13",
    "irr": "IRR_OF_operating_cash_flow",   # the cell of the IRR search of that line (irr.py, tested above)
    "ending_cash": "=I11",
}


def test_every_key_figure_s_formula_on_a_small_sheet():
    from cashcast.models.analysis.kpis import flags, marks, named
    rows = {"closing_cash": 10, "cumulative_operating_cash_flow": 11, "operating_cash_flow": 12,
            "ttm_operating_cash_flow": 13}
    flag_rows = {"flag.below_minimum_cash": 30, "flag.break_even": 31}
    mark_rows = {"flag.below_minimum_cash.last_1": 40, "flag.below_minimum_cash.last_0": 41,
                 "flag.break_even.last_0": 42}
    assert {f.key for f in flags()} == set(flag_rows) and {m.key for m in marks()} == set(mark_rows)
    ctx = KpiContext(rows, flag_rows, 3, 8, 3, lambda line: f"IRR_OF_{line}", mark_rows=mark_rows)
    assert {k.name: k.definition.xl(ctx) for k in KPIS} == KPI_FORMULAS
    one_month = KpiContext(rows, flag_rows, 3, 3, 3, lambda line: f"IRR_OF_{line}", mark_rows=mark_rows)
    assert named("npv").definition.xl(one_month) == "=D13"    # nothing to discount
    # a runway date without the below-the-floor flag is the date after the horizon alone
    from cashcast.models.analysis.reductions import RunwayAtHorizon
    date_only = RunwayAtHorizon("closing_cash", "operating_cash_flow", "settings__minimum_cash", True)
    assert date_only.xl(ctx) == (
        '=IF((-AVERAGE($G$13:$I$13))>0,IF(INT(MAX(0,I11-settings__minimum_cash)/(-AVERAGE($G$13:$I$13)))'
        '>LONGEST_MONTHS,NEVER_TEXT,DATE(YEAR($I$4),MONTH($I$4)+1+INT(MAX(0,I11-settings__minimum_cash)'
        '/(-AVERAGE($G$13:$I$13))),1)),NEVER_TEXT)')
