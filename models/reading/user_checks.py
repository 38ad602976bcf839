"""The optional Checks sheet: figures an analyst expects the model to produce, checked on every run.

One row per check: the ``line or KPI`` it reads (a model line such as ``closing_cash`` or
``ChatGPT Plus.revenue``, a key figure such as ``cash_out_month``, or a yearly key figure such as
``arr``), the ``period`` (a month ``YYYY-MM``, a year ``YYYY`` or blank), the ``expected`` value, its
``tolerance`` (absolute, in the figure's unit) and ``relative tolerance`` (a share of the expected
value), the ``scenario`` (blank: base) and a ``note`` (where the figure comes from).

:func:`read_checks` parses each cell, recording a problem at each bad one; :func:`check_user_checks`
(one of :data:`~cashcast.models.reading.checks.CHECKS`) reports those and what needs the model's
lines: a name that is no line or KPI, a period that does not fit what it names, a month or year
outside the projection. How a check is evaluated: :mod:`cashcast.models.analysis.checks_user`.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field

from cashcast.models.analysis.kpis import KPIS, YEARLY
from cashcast.models.engine.model import total_lines
from cashcast.models.kinds import block_lines_and_links
from cashcast.models.reading.cells import cell_text, parse_date, parse_number
from cashcast.models.reading.data import BASE, Block, Draft, Scenario, month_ordinal, ordinal_to_date, slugify
from cashcast.models.reading import wording
from cashcast.models.reading.opening import CellValue, SheetReader
from cashcast.models.reading.problems import Problem

COLUMNS = ("line or kpi", "period", "expected", "tolerance", "relative tolerance", "scenario", "note")
REQUIRED = ("line or kpi", "expected")
NEVER = "never"
LISTED = 12  # names listed in an "unknown name" message
KPI_KINDS = {k.name: k.kind for k in KPIS}
YEARLY_KINDS = {k.name: k.kind for k in YEARLY}


@dataclass
class UserCheck:
    """One row of the Checks sheet, parsed. ``name`` is the line or KPI as the model names it
    (``chatgpt_plus.revenue``); ``month`` a month ordinal (year × 12 + month − 1) or None, ``year``
    a year or None (at most one of them); ``expected`` NaN for ``never``, a month figure's expected
    value a month ordinal; ``tolerance`` and ``relative`` None when blank."""

    row: int
    target: str             # as typed, e.g. "ChatGPT Plus.revenue"
    name: str               # "chatgpt_plus.revenue", "cash_out_month", "arr"
    what: str               # "kpi", "yearly" or "line"
    month: int | None
    year: int | None
    expected: float
    tolerance: float | None
    relative: float | None
    scenario: str
    note: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # column → cell, e.g. {"expected": "C2"}

    @property
    def period(self) -> str:
        """The period as shown: '2024-03', '2024' or '' (the whole horizon, or a KPI).

        >>> UserCheck(2, "revenue", "revenue", "line", 2024 * 12 + 2, None, 1.0, None, None, BASE).period
        '2024-03'
        """
        if self.month is not None:
            return ordinal_to_date(self.month).strftime("%Y-%m")
        return "" if self.year is None else str(self.year)

    @property
    def where(self) -> str:
        """The cell the check is reported at: its ``line or KPI`` cell."""
        return self.cells.get("line or kpi", f"A{self.row}")


def model_name(target: str, blocks: dict[str, Block]) -> str:
    """The model's name for a line typed with its block's name: ``ChatGPT Plus.revenue`` →
    ``chatgpt_plus.revenue``; a total or a KPI stays as typed (lower case).

    >>> model_name("ChatGPT Plus . Revenue", {"chatgpt_plus": None}), model_name("Closing_Cash", {})
    ('chatgpt_plus.revenue', 'closing_cash')
    """
    text = re.sub(r"\s*\.\s*", ".", " ".join(target.split()))
    head, dot, tail = text.rpartition(".")
    if dot and slugify(head) in blocks:
        return f"{slugify(head)}.{tail.strip().lower()}"
    return text.lower()


def parse_period(v) -> tuple[int | None, int | None, str | None]:
    """(month ordinal, year, problem) of a period cell: a month (date cell or ``YYYY-MM``), a year
    (``2024``) or blank.

    >>> parse_period("2024"), parse_period("2024-03")[0] == 2024 * 12 + 2, parse_period(None)
    ((None, 2024, None), True, (None, None, None))
    """
    text = cell_text(v)
    if text == "":
        return None, None, None
    if re.fullmatch(r"\d{4}", text) and not isinstance(v, (dt.date, dt.datetime)):
        year = int(text)
        ok = 1900 <= year <= 2199
        return None, (year if ok else None), None if ok else f"year {year} is outside 1900..2199"
    ordinal, err = parse_date(v)
    if err is None:
        return int(ordinal), None, None
    return None, None, (f"'{text[:40]}' is not a period; type a month such as 2024-03, a year such as 2024, "
                        f"or leave it blank for a key figure or the whole projection")


def parse_expected(v, kind: str) -> tuple[float | None, str | None]:
    """The expected value of a figure of ``kind`` (a KPI's kind, or ``number`` for a line): a month
    figure reads ``YYYY-MM`` (as a month ordinal) or ``never`` (NaN); a count of months a number or
    ``never``; anything else a number, ``15%`` reading as 0.15.

    >>> parse_expected("never", "month"), parse_expected("2025-06", "month")[0] == 2025 * 12 + 5
    ((nan, None), True)
    >>> parse_expected("2.4e9", "money")
    (None, "text '2.4e9' is not the expected value; type a number such as 2400000000")
    """
    text = cell_text(v)
    if kind in ("month", "months") and text.lower() == NEVER:
        return math.nan, None
    if kind == "month":
        ordinal, err = parse_date(v)
        return (None, f"'{text[:40]}' is not the expected month; type a month such as 2025-06, or never"
                ) if err else (ordinal, None)
    x, err = parse_number(v, "rate")
    if err is not None:
        hint = "a number of months such as 24, or never" if kind == "months" else "a number such as 2400000000"
        what = f"text '{text[:40]}'" if isinstance(v, str) else "a date" if isinstance(v, dt.date) else repr(v)
        return None, f"{what} is not the expected value; type {hint}"
    return x, None


def read_checks(reader: SheetReader, blocks: dict[str, Block], scenarios: list[Scenario]) -> list[UserCheck]:
    """The checks whose every cell is good; each bad cell is a problem on the reader.

    Rule: ``line or KPI`` names something, ``expected`` holds a value of its kind, ``period`` is a
    month, a year or blank, the tolerances are numbers of 0 or more (the relative one at most 100%),
    and ``scenario`` is blank (base) or a scenario of the Scenarios sheet. An empty sheet is no checks.
    """
    table = reader.optional_table(COLUMNS, REQUIRED)
    if table is None:
        return []
    cols, records = table
    names = [s.name for s in scenarios]
    out = []
    for r, cells in records:
        at = {c: cells[i] if i < len(cells) else CellValue(f"A{r}", None) for c, i in cols.items()}
        got = _read_row(reader, r, at, blocks, names)
        if got is not None:
            out.append(got)
    return out


def _read_row(reader: SheetReader, r: int, at: dict[str, CellValue], blocks, scenarios: list[str]
              ) -> UserCheck | None:
    """One row's check, or None with a problem at each bad cell (every cell is looked at)."""
    def good(column: str) -> CellValue | None:
        cell = at.get(column)
        return None if cell is None or cell.ref in reader.flagged else cell

    ok = True
    target_cell = good("line or kpi")
    target = cell_text(target_cell.value) if target_cell else ""
    if target_cell is not None and not target:
        reader.problem(target_cell.ref, "no line or KPI named; type a line such as closing_cash or "
                                        "ChatGPT Plus.revenue, or a key figure such as cash_out_month")
    ok = bool(target) and not reader.odd(target_cell, "the line or KPI")
    name = model_name(target, blocks) if ok else ""
    kind = KPI_KINDS.get(name) or YEARLY_KINDS.get(name) or "number"
    month, year, err = parse_period(good("period").value) if good("period") else (None, None, None)
    if err:
        reader.problem(at["period"].ref, err)
        ok = False
    expected = _expected(reader, good("expected"), kind)
    tolerance = _tolerance(reader, good("tolerance"), "count", "tolerance", 1e18)
    relative = _tolerance(reader, good("relative tolerance"), "percent", "relative tolerance", 1.0)
    scenario = _scenario(reader, good("scenario"), scenarios)
    note = cell_text(at["note"].value) if "note" in at else ""
    if not ok or expected is None or scenario is None or _bad(tolerance) or _bad(relative):
        return None
    what = "kpi" if name in KPI_KINDS else "yearly" if name in YEARLY_KINDS else "line"
    return UserCheck(r, target, name, what, month, year, expected, tolerance, relative, scenario, note,
                     {c: cell.ref for c, cell in at.items()})


def _bad(tolerance: float | None) -> bool:
    return tolerance is not None and math.isnan(tolerance)


def _expected(reader: SheetReader, cell: CellValue | None, kind: str) -> float | None:
    if cell is None:
        return None
    if cell_text(cell.value) == "":
        reader.problem(cell.ref, "no expected value; type the figure the model should produce, e.g. "
                                 "2400000000, 45%, 2025-06 or never")
        return None
    x, err = parse_expected(cell.value, kind)
    if err:
        reader.problem(cell.ref, err)
    return x


def _tolerance(reader: SheetReader, cell: CellValue | None, dimension: str, what: str, most: float
               ) -> float | None:
    """A tolerance of 0 up to ``most`` (None when blank; NaN, with a problem, when bad)."""
    if cell is None or cell_text(cell.value) == "":
        return None
    x, err = parse_number(cell.value, dimension)
    if err is None and not 0 <= x <= most:
        shown = f"{x:.6g}" if dimension != "percent" else f"{x * 100:.6g}%"
        err = f"{what} {shown} is outside 0..{'100%' if dimension == 'percent' else f'{most:.6g}'}"
    if err:
        hint = "a share such as 1%" if dimension == "percent" else "an amount such as 1000000 (in the figure's unit)"
        reader.problem(cell.ref, f"{err}; the {what} is {hint}, or blank")
        return math.nan
    return x


def _scenario(reader: SheetReader, cell: CellValue | None, scenarios: list[str]) -> str | None:
    text = cell_text(cell.value) if cell is not None else ""
    if text == "":
        return BASE if cell is None or cell.ref not in reader.flagged else None
    if text not in scenarios:
        reader.problem(cell.ref, wording.no_scenario(text[:40], ", ".join(scenarios)))
        return None
    return text


# ------------------------------------------------------------------------------------------------
# The check: names and periods against the model's lines and horizon
# ------------------------------------------------------------------------------------------------
def check_user_checks(draft: Draft) -> list[Problem]:
    """Rule: every Checks cell parsed (see :func:`read_checks`); each check names a line or KPI of the
    model; a KPI has no period, a yearly KPI a year, a line a month, a year or none; and the month or
    year lies in the projection. A line of a block with problems of its own is not looked up."""
    out = list(draft.sheet_problems.get("checks", []))
    if not draft.checks:
        return out
    from cashcast.models.reading.checks import _buildable_workbook  # the module that lists this check

    workbook = _buildable_workbook(draft)
    block_lines, _links = block_lines_and_links(workbook)
    lines = [ln.name for ln in block_lines + total_lines(block_lines, draft.currency or "")]
    unbuilt = {slug for slug in draft.blocks if slug not in workbook.blocks}
    sheet = draft.sheet("Checks")
    for check in draft.checks:
        msg = _misfit(draft, check, lines, unbuilt)
        if msg:
            out.append(Problem(draft.name, sheet, msg[0], msg[1]))
    return out


def _misfit(draft: Draft, check: UserCheck, lines: list[str], unbuilt: set[str]) -> tuple[str, str] | None:
    """(cell, what is wrong) of a check whose name or period does not fit the model, else None."""
    period_cell = check.cells.get("period", check.where)
    if check.what == "kpi" and (check.month is not None or check.year is not None):
        return period_cell, f"'{check.name}' is one figure for the whole projection; leave the period blank"
    if check.what == "yearly" and check.year is None:
        return period_cell, f"'{check.name}' is a figure per year; type the year, e.g. 2025"
    if check.what == "line" and check.name not in lines:
        if check.name.partition(".")[0] in unbuilt:
            return None  # its block's own problems are reported on the Assumptions sheet
        valid = [k.name for k in KPIS] + [k.name for k in YEARLY] + lines
        near = difflib.get_close_matches(check.name, valid, n=3)
        hint = (f"did you mean {' or '.join(near)}? " if near else "") + "valid: " + ", ".join(valid[:LISTED])
        more = f" and {len(valid) - LISTED} more (the CSV's columns)" if len(valid) > LISTED else ""
        return check.where, f"'{check.target[:60]}' names no line or KPI; {hint}{more}"
    settings = draft.settings
    if settings is None or (check.month is None and check.year is None):
        return None
    first = month_ordinal(settings.start_month)
    last = first + settings.horizon_months - 1
    if (check.month is not None and not first <= check.month <= last) or (
            check.year is not None and not first // 12 <= check.year <= last // 12):
        return period_cell, (f"period {check.period} is outside the projection "
                             f"{ordinal_to_date(first):%Y-%m}..{ordinal_to_date(last):%Y-%m}")
    return None


__all__ = ["COLUMNS", "UserCheck", "check_user_checks", "model_name", "parse_expected", "parse_period",
           "read_checks"]
