"""A small evaluator of the report's year formulas, for tests that must be fast (`make mutate` runs
them once per mutant) where the LibreOffice parity test takes a minute.

It knows only what the Annual sheet's formulas use — cell and range references (``Monthly!D9``,
``Monthly!D9:O9``), numbers, text in quotes, ``+ - * /``, comparisons, parentheses, ``SUM``,
``AVERAGE`` and ``IF``, and the named constants and words of :mod:`cashcast.models.engine.constants` — and refuses anything else, so a formula it cannot read fails the test
rather than passing it. A reference reads the referenced cell's cached value (cashcast caches
numpy's value in every formula cell; tests/test_excel_formulas.py checks those caches), so one
formula is evaluated at a time, over its inputs as written.

>>> cells = {("Monthly", "D9"): 2.0, ("Monthly", "E9"): 6.0, ("Monthly", "E10"): 0.0}
>>> evaluate('=IF(SUM(Monthly!D9:E9)>0.005,-AVERAGE(Monthly!D9:E9)/2,"n/a")', "Annual", cells)
-2.0
>>> evaluate('=IF(Monthly!E10>HALF_CENT,1/Monthly!E10,NA_TEXT)', "Annual", cells)
'n/a'
"""
from __future__ import annotations

import re

import numpy
from openpyxl.utils import column_index_from_string, get_column_letter

from cashcast.models.engine.constants import CONSTANTS, WORDS

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<text>"[^"]*")
  | (?P<range>(?:(?P<rsheet>[A-Za-z_]\w*)!)?\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+):\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))
  | (?P<cell>(?:(?P<sheet>[A-Za-z_]\w*)!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)(?![\w(]))
  | (?P<function>(?:SUM|AVERAGE|IF)(?=\())
  | (?P<constant>[A-Z][A-Z_]*[A-Z](?![\w(!]))
  | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<operator><>|>=|<=|[-+*/(),<>=])
""", re.VERBOSE)
PYTHON_OPERATOR = {"<>": "!=", "=": "=="}
CONSTANT_VALUES = {c.name: c.value for c in CONSTANTS} | {w.name: w.text for w in WORDS}   # an English report's


def _if(condition, yes, no):
    return yes if condition else no


FUNCTIONS = {"SUM": lambda values: numpy.float64(sum(values)),
             "AVERAGE": lambda values: numpy.float64(sum(values) / len(values)),
             "IF": _if}


def _value(cells: dict, sheet: str, coordinate: str):
    value = cells[(sheet, coordinate)]
    if value is None:
        raise KeyError(f"{sheet}!{coordinate} is empty")
    return numpy.float64(value) if isinstance(value, (int, float)) else value


def _cells_of_range(match, sheet: str) -> list[str]:
    first, last = column_index_from_string(match["c1"]), column_index_from_string(match["c2"])
    rows = range(int(match["r1"]), int(match["r2"]) + 1)
    return [f"{get_column_letter(c)}{r}" for r in rows for c in range(first, last + 1)]


def python_text(formula: str, sheet: str) -> tuple[str, list]:
    """The formula as a Python expression over ``_refs[i]`` (each reference's (sheet, cells))."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    out, refs, at = [], [], 1
    while at < len(formula):
        match = TOKEN.match(formula, at)
        if match is None:
            raise ValueError(f"cannot read {formula[at:]!r} in {formula!r}")
        at = match.end()
        kind = match.lastgroup if match.lastgroup in ("space", "text", "function", "number", "operator",
                                                      "constant") else \
            ("range" if match["range"] else "cell")
        if kind == "range":
            refs.append((match["rsheet"] or sheet, _cells_of_range(match, sheet)))
            out.append(f"_range({len(refs) - 1})")
        elif kind == "cell":
            refs.append((match["sheet"] or sheet, [f"{match['col']}{match['row']}"]))
            out.append(f"_cell({len(refs) - 1})")
        elif kind == "function":
            out.append(f"_functions[{match[0]!r}]")
        elif kind == "constant":
            value = CONSTANT_VALUES[match[0]]   # a word (NA_TEXT) is its English text
            out.append(repr(value) if isinstance(value, str) else f"numpy.float64({value!r})")
        elif kind == "operator":
            out.append(PYTHON_OPERATOR.get(match[0], match[0]))
        elif kind != "space":
            out.append(match[0])
    return "".join(out), refs


def evaluate(formula: str, sheet: str, cells: dict):
    """The value of ``formula`` written on ``sheet``, over ``cells`` {(sheet, coordinate): value}."""
    text, refs = python_text(formula, sheet)
    scope = {
        "numpy": numpy,
        "_functions": FUNCTIONS,
        "_range": lambda i: [_value(cells, refs[i][0], c) for c in refs[i][1]],
        "_cell": lambda i: _value(cells, refs[i][0], refs[i][1][0]),
    }
    with numpy.errstate(all="ignore"):
        value = eval(text, {"__builtins__": {}}, scope)   # noqa: S307 - our own token stream
    return float(value) if isinstance(value, numpy.floating) else value
