"""Random and extreme cell values in the example workbooks end as exit 0 or 2 — never 1 — and every
problem of a 2 names its cell (issue 15, items 1 and 10)."""
from __future__ import annotations

import random
import re
import warnings

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cashcast.reports.cli.main import main
from tests.helpers import examples
from tests.report_fixtures import EXAMPLES

EXTREMES = [1e308, -1e308, 1e300, 1e200, 1e19, 1e18, 1.0000001e18, 1e16, 1e15, 1e-300, 5e-324, 0.0, -0.0,
            -1.0, -0.9999999, 1200.0, 1200.5, 0.01, 0.001, 1e6, 2e6, 2 ** 63, -(2 ** 63)]
MUTATIONS = EXTREMES + ["", " ", "1e999", "-1e999", "NaN", "inf", "100%", "-150%", "2199-12", "2200-01",
                        "1899-12", "0001-01", "C\u200bhatGPT", "\u202eUSD", "USD\u00a0", "=1/0", "line: X.y",
                        "line: ChatGPT Plus.subscribers", "é", "x" * 300, True, None]
CELL = re.compile(r"^[^:]+:[A-Za-z]+![A-Z]{1,3}\d+: ")


def numeric_cells(path) -> list[tuple[str, str]]:
    """(sheet, cell) of every number in the Assumptions and Settings sheets."""
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate) for ws in (wb["Assumptions"], wb["Settings"]) for row in ws.iter_rows()
            for c in row if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]


def all_cells(path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, f"{openpyxl.utils.get_column_letter(c)}{r}") for ws in wb.worksheets
            for r in range(1, ws.max_row + 2) for c in range(1, ws.max_column + 2)]


def mutated(example, dst, changes: dict[tuple[str, str], object]):
    wb = openpyxl.load_workbook(example)
    for (sheet, ref), value in changes.items():
        wb[sheet][ref] = value
    wb.save(dst)
    return dst


def ends_cleanly(capsys, argv) -> int:
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        status = main(argv)
    err = capsys.readouterr().err
    assert not [str(w.message) for w in warned if "cashcast" in w.filename or "numpy" in w.filename
                or "openpyxl" in w.filename], [str(w.message) for w in warned]
    assert status in (0, 2), err
    assert "Traceback" not in err and "Warning" not in err, err
    if status == 2:
        problems = err.splitlines()[:-1]
        assert problems and all(CELL.match(p) for p in problems), err
    return status


NUMERIC = {p.stem: numeric_cells(p) for p in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_extreme_magnitudes_of_every_numeric_field(example, data, tmp_path, capsys):
    cells = NUMERIC[example.stem]
    chosen = data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=4, unique=True))
    values = data.draw(st.lists(st.one_of(st.sampled_from(EXTREMES),
                                          st.floats(allow_nan=False, allow_infinity=False)),
                                min_size=len(chosen), max_size=len(chosen)))
    path = mutated(example, tmp_path / example.name, dict(zip(chosen, values)))
    ends_cleanly(capsys, ["run", str(path), "--out", str(tmp_path / "out"), "--samples", "20"])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_seeded_random_cell_mutations(example, tmp_path, capsys):
    """100 mutations per example (200 in all): ``check`` on each, ``run`` on every tenth."""
    rng = random.Random(15)
    cells = all_cells(example)
    statuses = []
    for i in range(100):
        changes = {rng.choice(cells): rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))}
        path = mutated(example, tmp_path / example.name, changes)
        statuses.append(ends_cleanly(capsys, ["check", str(path)]))
        if i % 10 == 0:
            ends_cleanly(capsys, ["run", str(path), "--out", str(tmp_path / "out"), "--samples", "20"])
    assert 0 in statuses and 2 in statuses
