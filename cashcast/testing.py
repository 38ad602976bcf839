"""Formula tests for modellers: a formula's numpy value and its Excel rendering, recalculated by a
real spreadsheet engine, must both equal the figures you worked out by hand, to the cent.

A :class:`Case` is one or more lines of the line engine (:mod:`cashcast.models.engine.expr`) with
their inputs — assumptions by name (a number, or a ``datetime.date`` for a date assumption) and
other lines by name (a value per month) — and the expected figures (a number for every month, a list
per month, or ``{month: value}`` with a month index or ``"YYYY-MM"``). :meth:`Case.from_model` takes
the lines of a model (a block kind's, your own plugin's) and their assumptions from a workbook.

A :class:`Bench` checks numpy at once and renders every case into one workbook (a sheet per case,
each line a row of monthly formulas, as in the Excel report), which each engine recalculates in
one run — LibreOffice is slow to start, so batch your cases in one Bench per test module::

    from cashcast import testing
    from cashcast.models.engine.expr import DaysInMonth, Param

    CASES = [testing.Case("serving", Param("serve__cost_per_day") * DaysInMonth(),
                          {"serve__cost_per_day": 700_000}, {"2023-01": 21_700_000.00,
                                                             "2023-02": 19_600_000.00})]

    @pytest.fixture(scope="module")
    def bench(tmp_path_factory):
        return testing.Bench(CASES).recalculate(tmp_path_factory.mktemp("bench"))

    def test_serving(bench):
        bench.assert_case("serving")

:func:`assert_formula` does all of that for one formula (one engine run per call). An engine that is
not installed fails the check: a test that cannot run the spreadsheet does not pass.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, Mapping, Sequence

import numpy as np

from cashcast.models.engine.constants import CONSTANTS
from cashcast.models.engine.expr import Expr, Param
from cashcast.models.engine.model import NumpyContext, order_lines

ENGINES = ("libreoffice", "gnumeric")
CENT = 0.005           # "to the cent": within half a cent of the hand-computed figure
RELATIVE = 1e-9        # an engine against numpy, relative to the line's largest size
FIRST_COL, INDEX_ROW, DATE_ROW, FIRST_LINE_ROW = 3, 2, 3, 5   # the Excel report's model-sheet layout
FORCE_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def months_from(start: str | dt.date, count: int) -> list[dt.date]:
    """``count`` first-of-month dates from ``start`` (``"2023-11"`` or a date).

    >>> [f"{m:%Y-%m}" for m in months_from("2023-11", 3)]
    ['2023-11', '2023-12', '2024-01']
    """
    first = dt.date.fromisoformat(f"{start}-01") if isinstance(start, str) else start.replace(day=1)
    n = first.year * 12 + first.month - 1
    return [dt.date((n + k) // 12, (n + k) % 12 + 1, 1) for k in range(count)]


def _month_index(months: list[dt.date], key) -> int:
    """A month given as an index (0: the first) or ``"YYYY-MM"``."""
    if isinstance(key, str):
        return [f"{m:%Y-%m}" for m in months].index(key)
    return int(key)


def _dependencies(exprs: Mapping[str, Expr], wanted: Iterable[str]) -> list[str]:
    """The lines ``wanted`` and every line they read (same month, last month, rolling sums)."""
    seen: list[str] = []
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in seen or name not in exprs:
            continue
        seen.append(name)
        todo.extend(exprs[name].line_refs() | exprs[name].prev_refs())
    return seen


@dataclass
class Case:
    """Lines (``formula``: one expression, named ``name``, or ``{line: expression}``) over ``inputs``
    ({assumption or input line: value}), and the ``expected`` figures ({line: expectation}; with one
    formula, just its expectation), over ``months`` months from ``start``."""

    name: str
    formula: Expr | Mapping[str, Expr]
    inputs: Mapping[str, object] = field(default_factory=dict)
    expected: object = None
    start: str | dt.date = "2023-01"
    months: int = 12

    def __post_init__(self):
        if isinstance(self.formula, Expr):
            self.formula, self.expected = {self.name: self.formula}, {self.name: self.expected}
        self.month_dates = months_from(self.start, self.months)
        self.params, self.dates, self.given = {}, {}, {}
        for key, value in self.inputs.items():
            if isinstance(value, dt.date):
                self.dates[key] = value.replace(day=1)
            elif isinstance(value, (int, float, np.floating, np.integer)):
                self.params[key] = float(value)
            else:
                self.given[key] = np.asarray(value, dtype=float).reshape(-1)
        self.order = [n for n in order_lines({k: SimpleNamespace(expr=e) for k, e in self.formula.items()})[0]
                      if n in self.formula]
        self.values = self._numpy()

    @classmethod
    def from_model(cls, name: str, model, expected: Mapping[str, object], scenario: str = "base") -> "Case":
        """The lines ``expected`` names, and every line they read, of a built model (``run.model``),
        with the assumptions of ``scenario`` as the workbook gives them."""
        wb = model.workbook
        lines = {k: model.lines[k].expr for k in _dependencies({k: ln.expr for k, ln in model.lines.items()},
                                                              expected)}
        used = {n.name for e in lines.values() for n in e.walk() if isinstance(n, Param)}
        values = {k: float(v[0]) for k, v in wb.param_values([scenario]).items() if k in used}
        rows = wb.row_by_key()
        months = wb.months()
        inputs = {k: _shift(months[0], int(v)) if k in rows and rows[k].dimension == "date" else v
                  for k, v in values.items()}
        return cls(name, lines, inputs, dict(expected), months[0], len(months))

    def _numpy(self) -> dict[str, np.ndarray]:
        """Every line's numpy value, (months,), through the model's own evaluation context."""
        calendar = SimpleNamespace(months=lambda: self.month_dates)
        params = {k: np.array([v]) for k, v in self.params.items()}
        params.update({k: np.array([float((d.year - self.month_dates[0].year) * 12 + d.month
                                          - self.month_dates[0].month)]) for k, d in self.dates.items()})
        ctx = NumpyContext(calendar, params, 1)
        for key, values in self.given.items():
            if len(values) != self.months:
                raise ValueError(f"case {self.name}: input line {key} has {len(values)} months, not {self.months}")
            ctx.values[key] = values.reshape(-1, 1)
        with np.errstate(all="ignore"):
            for name in self.order:
                ctx.compute(name, self.formula[name])
        return {name: np.broadcast_to(ctx.values[name], (self.months, 1))[:, 0].copy() for name in self.order}

    def expectations(self) -> dict[str, dict[int, float]]:
        """{line: {month index: expected value}} from however the figures were given."""
        out = {}
        for line, want in self.expected.items():
            if isinstance(want, Mapping):
                out[line] = {_month_index(self.month_dates, k): float(v) for k, v in want.items()}
            elif isinstance(want, (int, float)):
                out[line] = {t: float(want) for t in range(self.months)}
            else:
                out[line] = {t: float(v) for t, v in enumerate(want)}
        return out

    def numpy_failures(self) -> list[str]:
        """Where numpy misses the expected figures by more than half a cent."""
        return [f"{self.name}: {line} in {self.month_dates[t]:%Y-%m}: numpy {float(self.values[line][t])!r}, "
                f"expected {want!r}"
                for line, wants in self.expectations().items() for t, want in wants.items()
                if not abs(self.values[line][t] - want) <= CENT]


def _shift(start: dt.date, offset: int) -> dt.date:
    """The month ``offset`` months after (before, when negative) ``start``.

    >>> _shift(dt.date(2023, 1, 1), -1), _shift(dt.date(2023, 1, 1), 14)
    (datetime.date(2022, 12, 1), datetime.date(2024, 3, 1))
    """
    n = start.year * 12 + start.month - 1 + offset
    return dt.date(n // 12, n % 12 + 1, 1)


def _excel_context():
    """The Excel report's formula context, with assumptions read from cells of the case's sheet."""
    from cashcast.reports.excel.formulas import ExcelContext

    @dataclass(frozen=True)
    class CaseContext(ExcelContext):
        cells: Mapping[str, str] = field(default_factory=dict)

        def param(self, name: str) -> str:
            if name not in self.cells:
                raise KeyError(f"assumption {name!r} is not among the case's inputs")
            return self.cells[name]
    return CaseContext


class Bench:
    """Cases checked together: numpy at once, each engine in one run over all of them."""

    def __init__(self, cases: Sequence[Case], engines: Sequence[str] = ENGINES):
        unknown = [e for e in engines if e not in ENGINES]
        if unknown:
            raise ValueError(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
        self.cases = {c.name: c for c in cases}
        if len(self.cases) != len(cases):
            raise ValueError("two cases have the same name")
        self.engines = tuple(engines)
        self.recalculated: dict[str, dict[str, dict[str, list]]] = {}   # engine → case → line → months

    def recalculate(self, folder: str | Path | None = None) -> "Bench":
        """Write every case into one workbook and recalculate it with each engine (one run each)."""
        folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="cashcast-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        written = folder / "cases.xlsx"
        rows = write_cases(list(self.cases.values()), written)
        for engine in self.engines:
            target = folder / engine / "cases.xlsx"
            target.parent.mkdir(parents=True, exist_ok=True)
            RECALCULATE[engine](written, target)
            self.recalculated[engine] = read_cases(target, list(self.cases.values()), rows)
        return self

    def failures(self, name: str) -> list[str]:
        """Everything wrong with case ``name``: numpy against the figures, then each engine against
        the figures (half a cent) and against numpy (every month of every line, 1e-9 relative)."""
        case = self.cases[name]
        out = case.numpy_failures()
        wants = case.expectations()
        for engine in self.engines:
            if engine not in self.recalculated:
                raise RuntimeError("call Bench.recalculate() before checking the engines")
            got = self.recalculated[engine][name]
            for line in case.order:
                out += _engine_failures(case, engine, line, got[line], wants.get(line, {}))
        return out

    def assert_case(self, name: str) -> None:
        """Raise AssertionError listing every failure of case ``name``."""
        failed = self.failures(name)
        assert not failed, "\n".join(failed)

    def assert_all(self) -> None:
        failed = [f for name in self.cases for f in self.failures(name)]
        assert not failed, "\n".join(failed)


def _engine_failures(case: Case, engine: str, line: str, got: list, wants: dict[int, float]) -> list[str]:
    """One line of one case in one engine: error cells, misses of the figures and of numpy."""
    out = []
    mine = case.values[line]
    size = max(1.0, float(np.max(np.abs(mine))))
    for t, value in enumerate(got):
        where = f"{case.name}: {line} in {case.month_dates[t]:%Y-%m}: {engine}"
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out.append(f"{where} gives {value!r}, not a number")
        elif t in wants and not abs(value - wants[t]) <= CENT:
            out.append(f"{where} {value!r}, expected {wants[t]!r}")
        elif not abs(value - mine[t]) <= RELATIVE * size:
            out.append(f"{where} {value!r}, numpy {float(mine[t])!r}")
    return out


def assert_formula(formula: Expr | Mapping[str, Expr], inputs: Mapping[str, object], expected,
                   start: str | dt.date = "2023-01", months: int = 12, engines: Sequence[str] = ENGINES) -> None:
    """Check one formula at once: numpy and each engine (one run each) against ``expected``."""
    Bench([Case("formula", formula, inputs, expected, start, months)], engines).recalculate().assert_all()


# ------------------------------------------------------------------------------------------------
# The workbook the engines recalculate
# ------------------------------------------------------------------------------------------------
def write_cases(cases: list[Case], path: Path) -> dict[str, dict[str, int]]:
    """One sheet per case (``c1``, ``c2``, …) laid out as the report's model sheet — month numbers on
    row 3, dates on row 4, a line per row from row 6 (input lines as values, computed lines as their
    formulas), the case's assumptions below — and the named constants; {case: {line: 0-based row}}."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    constants = book.add_worksheet("Constants")
    for i, const in enumerate(CONSTANTS):
        constants.write_string(i, 0, const.name)
        constants.write_number(i, 1, const.value)
        book.define_name(const.name, f"=Constants!$B${i + 1}")
    placed = {}
    for k, case in enumerate(cases, start=1):
        placed[case.name] = _write_case(book.add_worksheet(f"c{k}"), case, date_format)
    book.close()
    return placed


def _write_case(ws, case: Case, date_format) -> dict[str, int]:
    from cashcast.reports.excel.formulas import cell

    ws.write_string(0, 0, case.name)
    names = list(case.given) + case.order
    rows = {name: FIRST_LINE_ROW + i for i, name in enumerate(names)}
    first_input = FIRST_LINE_ROW + len(names) + 1
    cells = {}
    for i, (key, value) in enumerate([*case.params.items(), *case.dates.items()]):
        r = first_input + i
        ws.write_string(r, 0, key)
        if isinstance(value, dt.date):
            ws.write_datetime(r, 1, dt.datetime(value.year, value.month, value.day), date_format)
        else:
            ws.write_number(r, 1, value)
        cells[key] = cell(r, 1, True, True)
    context = _excel_context()(rows, frozenset(cells), cells=cells)
    for t, month in enumerate(case.month_dates):
        ws.write_number(INDEX_ROW, FIRST_COL + t, t)
        ws.write_datetime(DATE_ROW, FIRST_COL + t, dt.datetime(month.year, month.month, 1), date_format)
    for name, r in rows.items():
        ws.write_string(r, 0, name)
        for t in range(case.months):
            if name in case.given:
                ws.write_number(r, FIRST_COL + t, float(case.given[name][t]))
            else:
                ws.write_formula(r, FIRST_COL + t, "=" + case.formula[name].xl(context.at(t)))
    return rows


def read_cases(path: Path, cases: list[Case], rows: dict[str, dict[str, int]]) -> dict[str, dict[str, list]]:
    """The recalculated values of every computed line of every case: {case: {line: [per month]}}."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():  # Gnumeric's files have no default style; openpyxl says so
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    out = {}
    for k, case in enumerate(cases, start=1):
        grid = list(book[f"c{k}"].iter_rows(values_only=True))
        out[case.name] = {line: [grid[rows[case.name][line]][FIRST_COL + t] for t in range(case.months)]
                          for line in case.order}
    book.close()
    return out


def libreoffice(source: Path, target: Path) -> None:
    """Recalculate with headless LibreOffice (recalculation forced on load by a fresh profile)."""
    soffice = _program("soffice", "LibreOffice", "libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="cashcast-lo-") as home:
        profile = Path(home) / "profile" / "user"
        profile.mkdir(parents=True)
        (profile / "registrymodifications.xcu").write_text(FORCE_RECALC, encoding="utf-8")
        out = Path(home) / "out"
        subprocess.run([soffice, f"-env:UserInstallation={(Path(home) / 'profile').as_uri()}", "--headless",
                        "--norestore", "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                        "--outdir", str(out), str(source)], env={**os.environ, "HOME": home},
                       capture_output=True, timeout=600)
        if not (out / source.name).exists():  # soffice exits 0 even when it fails
            raise AssertionError(f"LibreOffice wrote no recalculated {source.name}")
        shutil.move(str(out / source.name), target)


def gnumeric(source: Path, target: Path) -> None:
    """Recalculate with Gnumeric's ``ssconvert --recalc``."""
    ssconvert = _program("ssconvert", "Gnumeric", "gnumeric")
    done = subprocess.run([ssconvert, "--recalc", str(source), str(target)], capture_output=True, text=True,
                          timeout=600)
    if not target.exists():
        raise AssertionError(f"ssconvert wrote no {target.name}: {done.stderr[-2000:]}")


def _program(name: str, engine: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AssertionError(f"{engine} is not installed ({name} not on PATH; Debian package {package}): "
                             "the formula cannot be checked in it")
    return found


RECALCULATE = {"libreoffice": libreoffice, "gnumeric": gnumeric}
