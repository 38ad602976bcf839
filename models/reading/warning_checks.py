"""Warnings: input that is valid but probably mistyped, found by checks of the one list ``CHECKS``.

Each check here is ``check_x(draft) -> list[Problem]`` like the error checks of
:mod:`~cashcast.models.reading.checks`, and returns :func:`~cashcast.models.reading.problems.warning`
records: a value outside its parameter's plausible range (``ParamSpec.plausible``, and
``GROWTH_PLAUSIBLE`` for growth rates), naming both readings where a percentage was probably typed
without its % sign; ``@YEAR`` rows outside the horizon; a block that is zero over the whole horizon in
every scenario. A check marked :func:`needs_valid` runs only on a workbook without errors.
"""
from __future__ import annotations

import numpy as np

from cashcast.models.kinds import KINDS
from cashcast.models.kinds.base import GROWTH_YEAR, TRANCHE
from cashcast.models.reading.bounds import is_growth
from cashcast.models.reading.data import Draft, Row, month_ordinal
from cashcast.models.reading.problems import Problem, warning
from cashcast.models.reading.specs import GROWTH_PLAUSIBLE

CASH_ROLES = ("revenue", "cost", "funding")  # the lines that make a block's cash


def needs_valid(check):
    """Mark a check that needs a workbook without errors (it builds and evaluates the model)."""
    check.needs_valid = True
    return check


def _given(row: Row) -> list[tuple[str, float]]:
    """(column, value) of a row's value and scenario values, the figures the model uses."""
    out = [("value", row.value)] if row.value is not None else []
    out += [(f"scenario:{name}", x) for name, x in row.overrides.items() if name not in row.ranges]
    return out + [(f"scenario:{name}", x) for name, r in row.ranges.items() for x in r]


def _pct(x: float) -> str:
    return f"{x * 100:,.6g}%"


def _outside(x: float, plausible: tuple[float | None, float | None]) -> bool:
    lo, hi = plausible
    return (lo is not None and x < lo) or (hi is not None and x > hi)


def _range_text(plausible: tuple[float | None, float | None], per: str) -> str:
    lo, hi = plausible
    if lo is None:
        return f"up to {_pct(hi)}{per}"
    return f"from {_pct(lo)} to {_pct(hi)}{per}" if hi is not None else f"at least {_pct(lo)}{per}"


def percent_message(what: str, x: float, plausible, per: str = "", yearly=lambda g: g) -> str:
    """Why a percentage is implausible, naming both readings when the number typed was probably meant
    as a percentage (``yearly`` turns a rate into the figure the range is stated in).

    >>> percent_message("conversion", 0.21, (None, 0.1))
    'conversion reads as 21% (0.21 typed as a fraction), outside the plausible range up to 10%; if 0.21% was meant, type 0.21%'
    >>> percent_message("growth", 500, (-0.9, 3.0), " a year")  # 500% would be implausible too
    'growth reads as 50,000% a year (500 typed as a fraction), outside the plausible range from -90% to 300% a year'
    """
    text = (f"{what} reads as {_pct(x)}{per} ({x:g} typed as a fraction), outside the plausible range "
            f"{_range_text(plausible, per)}")
    if not _outside(yearly(x / 100), plausible):
        text += f"; if {x:g}% was meant, type {x:g}%"
    return text


def _row_warnings(draft: Draft, row: Row) -> list[Problem]:
    """The implausible figures of one row: a parameter's value against its spec, a growth rate against
    :data:`GROWTH_PLAUSIBLE` (a %/month rate compounded to a year)."""
    sheet = draft.sheet("Assumptions")
    if is_growth(row.modifier):
        monthly = row.unit == "%/month"

        def yearly(g):
            return (1 + g) ** 12 - 1 if monthly and g > -1 else g
        found = [(col, x) for col, x in _given(row) if _outside(yearly(x), GROWTH_PLAUSIBLE)]
        per = " a month" if monthly else " a year"
        return [warning(draft.name, sheet, row.cells.get(col, row.cells["value"]),
                        f"{row.label}: " + percent_message("growth", x, GROWTH_PLAUSIBLE, per, yearly)
                        + (f" (compounded: {_pct(yearly(x))} a year)" if monthly else ""))
                for col, x in found]
    if row.modifier is not None and row.modifier != "ramp_from" and not row.modifier.startswith("y"):
        return []
    spec = KINDS[row.kind].param(row.base_param)
    if spec is None or spec.plausible is None:
        return []
    out = []
    for col, x in _given(row):
        if _outside(x, spec.plausible):
            msg = (percent_message(row.label, x, spec.plausible) if spec.dimension == "percent" else
                   f"{row.label} is {x:,g}, outside the plausible range {spec.plausible_doc()}")
            out.append(warning(draft.name, sheet, row.cells.get(col, row.cells["value"]), msg))
    return out


def check_plausible(draft: Draft) -> list[Problem]:
    """Warning: a value or scenario value outside its parameter's plausible range (stated in the kind's
    spec), or a growth rate outside :data:`GROWTH_PLAUSIBLE` a year."""
    return [p for row in draft.rows if row.link is None and row.kind in KINDS for p in _row_warnings(draft, row)]


def _year_of(modifier: str | None) -> int | None:
    """The year of an ``@YEAR`` or ``.growth@YEAR`` row's modifier (``y2025``, ``growth_y2026``)."""
    if modifier is None:
        return None
    digits = modifier[len(GROWTH_YEAR):] if modifier.startswith(GROWTH_YEAR) else (
        modifier[1:] if modifier.startswith("y") else "")
    return int(digits) if digits.isdigit() else None


def check_years_in_horizon(draft: Draft) -> list[Problem]:
    """Warning: a funding tranche outside the horizon, or an ``@YEAR`` or ``.growth@YEAR`` row whose
    year lies wholly before the model's start (it replaces the plain row in every month) or after its
    last month (it changes nothing)."""
    if draft.settings is None:
        return []
    first = draft.settings.start_month
    last = month_ordinal(first) + draft.settings.horizon_months - 1
    first_year, last_year = first.year, last // 12
    out = _tranches_outside(draft, month_ordinal(first), last)
    for row in draft.rows:
        year = _year_of(row.modifier)
        if year is None or first_year <= year <= last_year:
            continue
        what = ("it replaces the plain row in every month" if year < first_year and not is_growth(row.modifier)
                else "its rate applies from the start" if year < first_year else "it changes nothing")
        out.append(warning(draft.name, draft.sheet("Assumptions"), row.cells["parameter"],
                           f"{row.label}: {year} is outside the horizon ({first_year}–{last_year}): {what}"))
    return out


def _tranches_outside(draft: Draft, first: int, last: int) -> list[Problem]:
    """A tranche (``amount@YYYY-MM``) outside the horizon is never received in the model: before the
    start it belongs in the opening cash, after the end it changes nothing."""
    out = []
    for row in draft.rows:
        if row.modifier is None or not row.modifier.startswith(TRANCHE):
            continue
        month = int(row.modifier[len(TRANCHE):][:4]) * 12 + int(row.modifier[len(TRANCHE):][4:]) - 1
        if not first <= month <= last:
            what = ("count it in opening_cash if it was received" if month < first else "it changes nothing")
            out.append(warning(draft.name, draft.sheet("Assumptions"), row.cells["parameter"],
                               f"{row.label}: the tranche is outside the horizon ({_ym(first)} to {_ym(last)}) "
                               f"and is not received in the model; {what}"))
    return out


def _ym(ordinal: int) -> str:
    return f"{ordinal // 12}-{ordinal % 12 + 1:02d}"


@needs_valid
def check_zero_blocks(draft: Draft) -> list[Problem]:
    """Warning: a block whose revenue, cost or funding is zero in every month of the horizon in every
    scenario (a block zero only in some scenarios is a scenario's choice). Evaluates the model."""
    from cashcast.models.engine.model import build_model  # the engine imports the reading layer

    workbook = draft.workbook()
    model = build_model(workbook)
    with np.errstate(all="ignore"):
        result = model.evaluate(workbook.param_values(workbook.scenario_names))
    out = []
    for block in draft.blocks.values():
        names = [n for n, ln in model.lines.items() if ln.block == block.name and ln.role in CASH_ROLES]
        if names and all(not np.any(result[n]) for n in names):
            out.append(warning(draft.name, draft.sheet("Assumptions"), block.first_row.cells["parameter"],
                               f"block '{block.name}' ({block.kind}) is zero in every month of the horizon "
                               f"in every scenario; check its values and its start and end months"))
    return out


WARNING_CHECKS = (check_plausible, check_years_in_horizon, check_zero_blocks)
