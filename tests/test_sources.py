"""The Sources sheet: each validation case at its cell, rows' citations and source kinds, and citations
that resolve in the HTML (every [n] links to a References entry), the Excel report (each source cell
links to its register row, which holds that id) and the JSON; no internal file name in running text."""
from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.reading.sources import _unknown
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.excel.assumptions import SourceRow
from cashcast.reports.cli.main import main
from cashcast.reports.outputs import json_text
from tests.bad_workbooks import BAD, REGISTER, cited, model
from tests.helpers import ROOT, problems_when_loaded, row

FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
EXAMPLES = [ROOT / "assumptions" / "openai.xlsx", ROOT / "assumptions" / "xiaoice_rmb.xlsx"]
HAS = "the Sources sheet has A001, A002; type one of them, or estimate with the reasoning in notes"


@pytest.mark.parametrize("case,expected", [
    ("source id typed wrong",
     [f"model.xlsx:Assumptions!I3: unknown source 'A01' (did you mean A001?); {HAS}"]),
    ("blank source beside a Sources sheet",
     ["model.xlsx:Assumptions!I3: the source is blank; type the id of its row on the Sources sheet, with an "
      "optional locator (A001 §3; several separated by ;), or estimate with the reasoning in notes"]),
    ("source id given twice",
     ["model.xlsx:Sources!A4: source id 'A001' is given twice (first at A2); keep one or rename it"]),
    ("source with a bad kind and date",
     ["model.xlsx:Sources!H3: unknown kind 'blog' for source 'A002'; valid: article, filing, company statement, "
      "press report, estimate, internal",
      "model.xlsx:Sources!F3: 'Feb 2023' is not a date; type YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-02-19), or "
      "leave it blank when the source gives none"]),
    ("source id that is not an id, and a title missing",
     ["model.xlsx:Sources!A4: the source id '3 x' is not an id; type a letter then letters, digits, _ or - "
      "(e.g. A001), up to 40 characters",
      "model.xlsx:Sources!B5: source 'B1' has no title; type it as the source gives it",
      "model.xlsx:Sources!A5: warning: source 'B1' is cited by no assumption, setting or scenario; cite it or "
      "delete its row"]),
    ("scenario and setting citing unknown sources",
     [f"model.xlsx:Settings!D6: unknown source 'A003' (did you mean A002?); {HAS}",
      f"model.xlsx:Scenarios!C2: unknown source 'Z9'; {HAS}"]),
])
def test_each_source_problem_is_reported_at_its_cell(tmp_path, case, expected):
    assert problems_when_loaded(BAD[case](tmp_path)) == expected


def test_every_source_problem_at_once(tmp_path):
    path = model(tmp_path, cited("A01", "", "A002"),
                 sources=[*REGISTER, SourceRow("A002", "again"), SourceRow("B1", "t", kind="blog")])
    found = problems_when_loaded(path)
    assert [p.split(": ")[0] for p in found] == ["model.xlsx:Sources!A4", "model.xlsx:Sources!H5",
                                                 "model.xlsx:Assumptions!I2", "model.xlsx:Assumptions!I3",
                                                 "model.xlsx:Sources!A2", "model.xlsx:Sources!A5"], found


def test_rows_carry_their_citations_and_source_kind(tmp_path):
    rows = [row("Plus", "subscription", "audience", 1e9, "visits/month", source="A001 §3; A002"),
            row("Plus", "subscription", "conversion", 0.01, "%", source="A002 p. 2"),
            row("Plus", "subscription", "price", 20, "USD/month", source="estimate (the model's own)",
                notes="as ChatGPT Plus")]
    wb = load_workbook(model(tmp_path, rows, sources=REGISTER))
    got = {r.parameter: ([(c.id, c.locator) for c in r.citations], r.source_kind) for r in wb.rows}
    assert got == {"audience": ([("A001", "§3"), ("A002", "")], "article"),
                   "conversion": ([("A002", "p. 2")], "press report"),
                   "price": ([], "estimate")}
    assert list(wb.sources) == ["A001", "A002"] and wb.sources["A002"].date == "2023-02-19"
    assert wb.warnings == []


def test_warnings_estimate_without_reasoning_and_uncited_source(tmp_path):
    rows = cited("A001", "estimate", "A001")
    wb = load_workbook(model(tmp_path, rows, sources=REGISTER))
    assert [str(p) for p in wb.warnings] == [
        "model.xlsx:Assumptions!J3: warning: an estimate without its reasoning; say in notes how the figure "
        "was reached",
        "model.xlsx:Sources!A3: warning: source 'A002' is cited by no assumption, setting or scenario; cite it "
        "or delete its row"]


def test_without_a_sources_sheet_each_free_text_source_is_one_warning(tmp_path):
    wb = load_workbook(model(tmp_path, cited("my notes.txt", "estimate", "my notes.txt")))
    assert [str(p) for p in wb.warnings] == [
        "model.xlsx:Assumptions!I2: warning: free-text source 'my notes.txt' (cited 2 times); add a Sources sheet "
        "(columns id, title, author, publisher, date, location, kind) with a row for it, and type its id here "
        "(e.g. A001)"]
    assert [r.source_kind for r in wb.rows] == ["unregistered", "estimate", "unregistered"]


@pytest.fixture(scope="module")
def example_outputs(shared_reports):
    """Example name → (run, html, Excel bytes, JSON) without the analysis (the shared renderings)."""
    out = {}
    for path in EXAMPLES:
        run = run_file(path)
        out[path.stem] = (run, shared_reports.html(path), shared_reports.excel(path),
                          json.loads(json_text(Outcome(run))))
    return out


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_html_citations_resolve_and_running_text_has_no_file_names(example_outputs, stem):
    run, html, _xlsx, _data = example_outputs[stem]
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    cites = re.findall(r'<a class="cite" href="#([^"]+)">\[(\d+)\]</a>', html)
    assert len(cites) >= 10 and {h for h, _n in cites} <= ids, cites
    numbers = dict(re.findall(r'<li id="(ref-[^"]+)" value="(\d+)"', html))
    assert numbers == {f"ref-{s}": str(k) for k, s in enumerate(run.workbook.sources, start=1)}
    assert all(numbers[h] == n for h, n in cites)
    assert len(numbers) == 5
    references = re.search(r'<ol class="references">.*?</ol>', html, re.S).group(0)
    assert FILE_NAME.search(references)  # the location is listed there, and only there
    assert FILE_NAME.findall(html.replace(references, "")) == []
    assert "张津京 (Zhang Jinjing)" in references and "Why large models should look to China next" in references


def test_a_correlation_s_source_is_a_numbered_citation_and_the_reference_names_the_pair(tmp_path, capsys):
    """A Correlations row citing the register reads like an assumption's source: ``[3] §2`` linking to
    the References entry, whose "Cited for" names the pair; an id in its notes is a citation too."""
    wb = openpyxl.load_workbook(ROOT / "assumptions" / "openai.xlsx")
    wb["Correlations"]["D2"], wb["Correlations"]["E2"] = "A002 §2", "usage and serving, as A001 reports"
    wb.save(tmp_path / "cited.xlsx")
    assert main(["run", str(tmp_path / "cited.xlsx"), "--out", str(tmp_path / "out"), "--samples", "50",
                 "--jobs", "1", "-q"]) == 0
    html = (tmp_path / "out" / "cited.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="correlations">.*?</table>', html, re.S).group(0)
    row = re.sub(r"\s+", " ", table.split("<tr>")[2])
    assert '<a class="cite" href="#ref-A002">[3]</a> §2' in row
    assert 'as <a class="cite" href="#ref-A001">[2]</a> reports' in row
    entry = re.search(r'<li id="ref-A002".*?</li>', html, re.S).group(0)
    assert "Serving ChatGPT.cost_per_day ~ ChatGPT Plus.audience" in entry


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_excel_source_cells_link_to_their_register_rows(example_outputs, stem):
    run, _html, xlsx, _data = example_outputs[stem]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    links = [(c.value, c.hyperlink.location) for r in wb["Assumptions"].iter_rows() for c in r
             if c.hyperlink is not None and c.hyperlink.location]
    assert len(links) >= 10
    for text, location in links:
        sheet, cell = location.rsplit("!", 1)
        assert sheet.strip("'") == "Sources"
        assert wb["Sources"][cell].value == text.split(";")[0].split()[0], (text, location)
    ids = [r[0] for r in wb["Sources"].iter_rows(min_row=5, max_row=9, max_col=1, values_only=True)]
    assert ids == list(run.workbook.sources)


@pytest.mark.parametrize("stem", [p.stem for p in EXAMPLES])
def test_json_lists_sources_and_each_assumptions_ids(example_outputs, stem):
    run, _html, _xlsx, data = example_outputs[stem]
    assert [s["id"] for s in data["sources"]] == ["A000", "A001", "A002", "A003", "A004"]
    registered = {s["id"] for s in data["sources"]}
    by_name = {a["assumption"]: a for a in data["assumption_sources"]}
    assert len(by_name) == len(run.workbook.rows)
    assert all(set(a["ids"]) <= registered for a in by_name.values())
    assert all((a["source_kind"] == "estimate") == a["source"].startswith("estimate") for a in by_name.values())
    assert all(a["ids"] or a["source_kind"] == "estimate" for a in by_name.values())


def test_openai_cites_with_locators_in_json():
    wb = load_workbook(EXAMPLES[0])
    ramp = next(r for r in wb.rows if r.label == "ChatGPT Plus.audience.ramp_from")
    assert [(c.id, c.locator) for c in ramp.citations] == [("A001", ""), ("A000", ""), ("A003", "¶1")]
    assert wb.sources["A002"].date == "2023-02-19" and wb.sources["A001"].date == ""


def test_an_unknown_id_lists_at_most_twelve_of_the_register():
    """Twelve ids are listed whole; a thirteenth is left out with an ellipsis; an empty register says so.
    The nearest id is suggested only when it is close (Z9 is close to none of them; A01 to A001)."""
    twelve = {f"B{k:03d}": None for k in range(12)}
    listed = ", ".join(twelve)
    tail = "; type one of them, or estimate with the reasoning in notes"
    assert _unknown("Z9", twelve) == f"unknown source 'Z9'; the Sources sheet has {listed}{tail}"
    assert _unknown("Z9", {**twelve, "B012": None}) == f"unknown source 'Z9'; the Sources sheet has {listed}, …{tail}"
    assert _unknown("Z9", {}) == f"unknown source 'Z9'; the Sources sheet has no rows{tail}"
    assert _unknown("A01", {"B002": None, "A001": None}) == (
        f"unknown source 'A01' (did you mean A001?); the Sources sheet has B002, A001{tail}")
