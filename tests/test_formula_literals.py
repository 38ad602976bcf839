"""Excel modelling practice in the report's formulas: no bare numbers, no sentinels, INDEX by (row, column).

Every formula of every example report (assumptions/*.xlsx, with the uncertainty sheets) is read back
and tokenised: text in quotes, quoted sheet names, defined names, functions and cell references are
left out, and what remains may hold no number other than 0 and 1. Anything else is a named constant
(the Constants block on Monthly, :mod:`cashcast.models.engine.constants`), a helper row (months since
each date, trial numbers, the running last month of a flag) or a reference to the timeline. A sentinel
(9E+99, -1E+300) is such a number too. ``INDEX`` of a range always takes a row and a column index:
``INDEX(one row, k)`` is ``#REF!`` in Gnumeric (tests/test_gnumeric_parity.py recalculates there).
"""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from cashcast.models.engine.constants import CONSTANTS, WORDS
from tests.helpers import EXAMPLES

TOKEN = re.compile(r"""
    "(?:[^"]|"")*"                              # text
  | '(?:[^']|'')*'!                             # a quoted sheet name
  | [A-Za-z_$\\][A-Za-z0-9_$.]*                 # a function, defined name, cell reference or sheet
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | .
""", re.VERBOSE | re.DOTALL)
ALLOWED = (0.0, 1.0)


def literals(formula: str) -> list[str]:
    """The numbers written in a formula other than 0 and 1.

    >>> literals("=(D7/MONTHS_PER_YEAR)*12+'Scenario 2024'!$D$9+1")
    ['12']
    >>> literals('=IF(D9>9E+99,"12 months",-1E+300)'), literals("=IF(B2>HALF_CENT,E$3+1,0)")
    (['9E+99', '1E+300'], [])
    """
    return [m["number"] for m in TOKEN.finditer(formula[1:]) if m["number"] and float(m["number"]) not in ALLOWED]


def index_calls(formula: str) -> list[tuple[int, str]]:
    """(argument count, text) of each INDEX call in a formula.

    >>> index_calls("=INDEX($D$4:$O$4,1,MATCH(1,$D$9:$O$9,0))+INDEX(A1:C1,2)")
    [(3, 'INDEX($D$4:$O$4,1,MATCH(1,$D$9:$O$9,0))'), (2, 'INDEX(A1:C1,2)')]
    """
    found, at = [], 0
    while (at := formula.find("INDEX(", at)) >= 0:
        depth, args, end, quoted = 0, 1, at + len("INDEX("), False
        while end < len(formula) and (quoted or depth or formula[end] != ")"):
            ch = formula[end]
            quoted = quoted != (ch == '"')
            if not quoted:
                depth += (ch == "(") - (ch == ")")
                args += ch == "," and depth == 0
            end += 1
        found.append((args, formula[at:end + 1]))
        at += len("INDEX(")
    return found


def formulas(data: bytes) -> dict[str, str]:
    """{'Sheet!A1': formula} of every formula cell of a report."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {f"{ws.title}!{c.coordinate}": getattr(c.value, "text", c.value) for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"}   # an array formula's text


@pytest.fixture(scope="module")
def every_formula(example_reports) -> dict[str, dict[str, str]]:
    return {stem: formulas(data) for stem, (_run, data) in example_reports.items()}


def test_every_example_report_is_scanned(every_formula):
    """Both examples and ai_writer (every workbook of assumptions/), each with thousands of formulas."""
    assert {"openai", "xiaoice_rmb", "ai_writer"} <= set(every_formula) == {p.stem for p in EXAMPLES}
    assert all(len(cells) > 10_000 for cells in every_formula.values())


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_no_formula_holds_a_number_other_than_0_and_1(every_formula, example):
    """Not 12, not 0.005, not a column index, not a date serial, not a sentinel such as 9E+99."""
    found = {where: literals(text) for where, text in every_formula[example].items()}
    written = {where: (numbers, every_formula[example][where][:120]) for where, numbers in found.items() if numbers}
    assert not written, (len(written), list(written.items())[:5])


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_every_index_takes_a_row_and_a_column(every_formula, example):
    calls = [(where, text) for where, formula in every_formula[example].items()
             for args, text in index_calls(formula) if args != 3]
    assert not calls, calls[:5]


def test_the_formulas_name_the_constants_they_use(every_formula, example_reports):
    """The constants are named where they are used (a scan that found no names would pass vacuously;
    the S-curve is the RMB example's) and each name points at its value on Monthly's Constants block."""
    text = "\n".join(f for cells in every_formula.values() for f in cells.values())
    for const in CONSTANTS:
        assert const.name in text, const.name
    wb = openpyxl.load_workbook(io.BytesIO(example_reports["openai"][1]))
    for const in CONSTANTS:
        sheet, ref = next(iter(wb.defined_names[const.name].destinations))
        assert sheet == "Monthly" and wb[sheet][ref].value == const.value, const.name


def quoted_words(formula: str) -> list[str]:
    """The texts in quotes in a formula other than the empty text (a blank test such as ``F6=""``).

    >>> quoted_words('=IF(F6="",$E6,F6)'), quoted_words('=IFERROR(MATCH(1,D9:O9,0)-1,"never")')
    ([], ['never'])
    """
    return [t for t in re.findall(r'"((?:[^"]|"")*)"', formula) if t]


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_no_formula_holds_a_word(every_formula, example):
    """A word a formula shows ("never", "n/a", "none") is a named text of the Constants block
    (NEVER_TEXT, …), written in the report's language; in quotes it would stay English in a Chinese report."""
    found = {where: text[:120] for where, text in every_formula[example].items() if quoted_words(text)}
    assert not found, (len(found), list(found.items())[:5])


def test_the_formulas_name_the_words_they_show(every_formula, example_reports):
    """Each word is used (a scan that found none would pass vacuously) and its name points at its
    English text on Monthly's Constants block (tests/test_i18n.py checks the Chinese report's)."""
    text = "\n".join(f for cells in every_formula.values() for f in cells.values())
    wb = openpyxl.load_workbook(io.BytesIO(example_reports["openai"][1]))
    for word in WORDS:
        assert re.search(rf"[(,]{word.name}[),]", text), word.name
        sheet, ref = next(iter(wb.defined_names[word.name].destinations))
        assert sheet == "Monthly" and wb[sheet][ref].value == word.text, word.name
