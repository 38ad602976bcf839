"""The named constants of the model: every number a formula needs other than 0 and 1.

Each is a :class:`~cashcast.models.engine.expr.Const`: numpy uses its value, the Excel report its
defined name, which points at the report's Constants block (on the Monthly sheet), so a modeller sees
``amount/MONTHS_PER_YEAR`` rather than ``amount/12`` and can read every constant in one place.
:data:`CONSTANTS` lists them in the order the block shows them.

>>> [c.name for c in CONSTANTS][:3]
['MONTHS_PER_YEAR', 'LONGEST_MONTHS', 'HALF_CENT']
>>> round(S_CURVE_SPREAD.value, 6)   # 2 ln 9: the logistic goes from 10% to 90% over one width
4.394449

The words a formula shows where a figure has no number ("never", "n/a") are named too, as
:class:`Word` objects (:data:`WORDS`): the formula text is the same in every language and the Constants
block holds the word in the report's language.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from cashcast.models.engine.expr import Const

MONTHS_PER_YEAR = Const("MONTHS_PER_YEAR", 12, "months in a year: per year ÷ 12 is per month")
LONGEST_MONTHS = Const("LONGEST_MONTHS", 1200, "the longest span counted, in months (a payer's lifetime, "
                                               "a runway after the horizon); longer is never")
HALF_CENT = Const("HALF_CENT", 0.005, "a denominator at most this (revenue, new ARR) gives no ratio")
S_CURVE_SPREAD = Const("S_CURVE_SPREAD", 2 * math.log(9), "2 ln 9: an S-curve rises from 10% to 90% "
                                                           "of its value over one width")
IRR_COARSE_FROM = Const("IRR_COARSE_FROM", -0.5, "IRR search: the first coarse trial rate is "
                                                 "EXP(this) − 1 a month")
IRR_COARSE_STEP = Const("IRR_COARSE_STEP", 0.05, "IRR search: each coarse trial adds this to the exponent")
IRR_FINE_STEPS = Const("IRR_FINE_STEPS", 20, "IRR search: steps of the fine trials across the coarse "
                                             "bracket")

CONSTANTS: tuple[Const, ...] = (MONTHS_PER_YEAR, LONGEST_MONTHS, HALF_CENT, S_CURVE_SPREAD, IRR_COARSE_FROM,
                                IRR_COARSE_STEP, IRR_FINE_STEPS)


@dataclass(frozen=True)
class Word:
    """A named text a formula shows where a figure has no number, e.g. the "never" of a cash-out month
    that does not come. numpy has NaN there; Excel: its defined name, which points at a cell of the
    Constants block holding ``text`` in the report's language (the reports translate it), so a formula
    reads ``IFERROR(MATCH(1,flags,0)-1,NEVER_TEXT)`` in every language and shows 从不 in Chinese.

    >>> NEVER_TEXT.xl(None), NEVER_TEXT.text
    ('NEVER_TEXT', 'never')
    """

    name: str
    text: str      # in English; the report shows it in its own language
    meaning: str

    def xl(self, ctx) -> str:
        return self.name


NEVER_TEXT = Word("NEVER_TEXT", "never", "shown for a month (or months) that does not come within the range counted")
NA_TEXT = Word("NA_TEXT", "n/a", "shown for a figure without a value (an IRR of flows that do not change "
                                 "sign exactly once, a ratio over nothing)")
NONE_TEXT = Word("NONE_TEXT", "none", "shown in a helper row before its first month (text: MAX, COUNT and "
                                      "MATCH skip it)")

WORDS: tuple[Word, ...] = (NEVER_TEXT, NA_TEXT, NONE_TEXT)
