"""The XlsxWriter worksheet the Excel report writes with: formulas stored as written, without 29
regular expressions each.

XlsxWriter prepares every formula (``Worksheet._prepare_formula``) by running one ``re.sub`` per
dynamic-array function it knows (``FILTER(`` → ``_xlfn._xlws.FILTER(``, ``SORT(``, ``XLOOKUP(`` …)
over the formula text. cashcast writes its formulas in final form, with none of those functions, so
for the flagship's tens of thousands of formula cells that work changes nothing but costs about a
quarter of the report's time. :class:`FinalFormulaWorksheet` looks for all those names with one
combined search instead, and only a formula that has one of them goes through XlsxWriter's own
preparation; every other formula is stored exactly as XlsxWriter would store it (the leading ``=``
and any array braces removed). The workbook bytes are the same (a test compares them for every
example workbook).

XlsxWriter's own list holds one pattern without its word boundary (``\\SINGLE\\(``: any character
but a space before ``INGLE(``); the combined search keeps that pattern as it is, so a formula it
would have rewritten still goes to XlsxWriter.

>>> ws = FinalFormulaWorksheet()
>>> ws._prepare_formula("=SUM(B4:M4)*12")
'SUM(B4:M4)*12'
>>> ws._prepare_formula("=SORT(A1:A3)")
'_xlfn._xlws.SORT(A1:A3)'
>>> ws._prepare_formula("{=MAX(A1:A3)}")
'MAX(A1:A3)'
"""
from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

# Every name XlsxWriter's _prepare_formula rewrites when future functions are off (its first list),
# in the form of its own patterns; "\SINGLE\(" is XlsxWriter's, kept as written.
DYNAMIC_FUNCTIONS = (
    "ANCHORARRAY", "BYCOL", "BYROW", "CHOOSECOLS", "CHOOSEROWS", "DROP", "EXPAND", "FILTER", "HSTACK",
    "LAMBDA", "MAKEARRAY", "MAP", "RANDARRAY", "REDUCE", "SCAN", "SEQUENCE", "SORT", "SORTBY", "SWITCH",
    "TAKE", "TEXTSPLIT", "TOCOL", "TOROW", "UNIQUE", "VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP",
)
REWRITTEN = re.compile(r"\b(?:" + "|".join(DYNAMIC_FUNCTIONS) + r")\(|\SINGLE\(|_xlfn\.")


class FinalFormulaWorksheet(Worksheet):
    """A worksheet that stores a formula with no function XlsxWriter would rename as it is written."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        """The formula without its ``=`` and array braces, as XlsxWriter's own preparation leaves a
        formula it does not rewrite; XlsxWriter's preparation for any other formula."""
        if self.use_future_functions or expand_future_functions or REWRITTEN.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula
