"""The dropdowns (data validation, list type) of an assumption workbook, with input and error messages.

Each error message is the one ``cashcast check`` prints for that mistake (:mod:`cashcast.models.reading.wording`,
with ``…`` for the typed value). A closed list (kind, distribution, a source's kind, a Checks row's
scenario) refuses anything else; an open one warns and lets the user keep what they typed: a parameter
(``audience.growth`` and ``amount@2025`` are valid and not listed), a unit (any count unit, any currency;
a written row's dropdown offers the units of its parameter, ``lists.units_of``; a spare row's, every unit),
a setting (``fx_<CODE>``), a currency, and a source cell (``A001 §3; A002`` cites with locators).
"""
from __future__ import annotations

from cashcast.models.kinds import KINDS
from cashcast.models.kinds.base import TEXT_CHOICES
from cashcast.models.reading import wording
from cashcast.models.reading.cells import unit_problem
from cashcast.models.reading.sources import HOW_TO_CITE, SOURCE_KINDS, _unknown
from cashcast.models.reading.specs import DISTRIBUTIONS, SETTINGS, SHAPES
from cashcast.reports.excel.editing.lists import CURRENCIES, PREFIX, units_of

TYPED = "…"  # stands for the typed value in an error message
# An example value of each dimension, for the input messages (the model's own illustrations).
EXAMPLES = {"count": "200000", "percent": "2% (typed 2% or 0.02)", "rate": "30% (growth a year)", "months": "12",
            "date": "2025-07 (a date cell or YYYY-MM)", "money": "3000000", "money/month": "20",
            "money/year": "150000", "money/day": "500", "money/unit": "0.05", "category": "cost_of_revenue",
            "repayment": "bullet", "recurring": "yes", "block": "the name of another block"}


def fit(text: str, most: int = 255) -> str:
    """``text`` cut to ``most`` characters (Excel's limit for a validation message; 32 for a title).

    >>> fit("abcdef", 4)
    'abc…'
    """
    return text if len(text) <= most else text[:most - 1] + "…"


def expected_unit(dimension: str) -> str:
    """The units a dimension takes, in the reader's words.

    >>> expected_unit("money/month"), expected_unit("category")
    ('e.g. USD/month (or USD/year, USD/day)', 'blank or category')
    """
    if dimension in TEXT_CHOICES:
        return f"blank or {dimension}"
    return unit_problem("", dimension)[1].split("expected ", 1)[1]


def dimension_of(kind: str, parameter: str) -> str | None:
    """The dimension of a row's parameter (with its time shape), or None when it is not known.

    >>> dimension_of("subscription", "audience.growth"), dimension_of("funding", "amount@2025")
    ('rate', 'money')
    """
    spec = KINDS.get(kind.strip().lower())
    plain = parameter.strip().split("@")[0]
    base, _, shape = plain.partition(".")
    p = spec.param(base) if spec is not None else None
    if p is None or (shape and shape not in SHAPES):
        return None
    return p.dimension if not shape or SHAPES[shape][0] == "same" else SHAPES[shape][0]


def _list(source: str, error: str, title: str, prompt: str, strict: bool = True) -> dict:
    return {"validate": "list", "source": source, "error_type": "stop" if strict else "warning",
            "error_title": fit("cashcast: " + title, 32), "error_message": fit(error),
            "input_title": fit(title, 32), "input_message": fit(prompt)}


def _input(title: str, prompt: str) -> dict:
    return {"validate": "any", "input_title": fit(title, 32), "input_message": fit(prompt)}


def source_ids(sources: dict | None) -> dict:
    """The source-id dropdown: a warning, since a citation adds locators and more ids."""
    return _list(f"={PREFIX}source_ids", _unknown(TYPED, sources or {}), "source",
                 "The id of a row on the Sources sheet, " + HOW_TO_CITE.split(", ", 1)[1].replace("(", "")
                 .replace(")", ""), strict=False)


def assumption_rows(ws, rows, col: dict[str, int], scen_cols: list[int], last: int, sources) -> None:
    """Dropdowns and messages on Assumptions rows 2..``last`` (1-based); ``rows`` are the rows written."""
    c = col
    ws.data_validation(1, c["kind"], last - 1, c["kind"], _list(
        f"={PREFIX}kinds", wording.unknown_kind(TYPED, KINDS), "kind",
        "What the block computes; pick one from the list, e.g. subscription."))
    ws.data_validation(1, c["parameter"], last - 1, c["parameter"], _list(
        f'=INDIRECT("{PREFIX}params_"&LOWER($B2))', wording.unknown_parameter(
            TYPED, TYPED, "those listed for the row's kind (a time shape: .growth, @YEAR)"),
        "parameter", "A parameter of the row's kind (the list follows the kind), or one with a time shape: "
        "audience.growth, amount@2025.", strict=False))
    ws.data_validation(1, c["distribution"], last - 1, c["distribution"], _list(
        f"={PREFIX}distributions", wording.unknown_distribution(TYPED, DISTRIBUTIONS), "distribution",
        "How a row with low and high is drawn in the simulation; blank: pert."))
    if sources is not None:
        ws.data_validation(1, c["source"], last - 1, c["source"], source_ids(sources))
    value_cols = [c["value"], c["low"], c["high"], *scen_cols]
    for r, row in enumerate(rows, start=1):
        dim = dimension_of(row.kind, row.parameter)
        if dim is None:
            continue
        unit = expected_unit(dim)
        choices = units_of(dim, row.unit)   # the units of the row's parameter (a literal list: ≤ 255 characters)
        ws.data_validation(r, c["unit"], r, c["unit"], _list(
            choices if choices else f"={PREFIX}units", wording.unit_misfit(TYPED, unit), "unit", f"Unit: {unit}.",
            strict=False))
        prompt = f"Unit: {unit}; e.g. {EXAMPLES.get(dim, '')}. {KINDS[row.kind.lower()].param(row.parameter.split('.')[0].split('@')[0]).doc}"
        ws.data_validation(r, value_cols[0], r, value_cols[0], {
            **_input(f"{row.block}.{row.parameter}", prompt),
            "multi_range": " ".join(_cell(r, k) for k in value_cols)})
    if last > len(rows) + 1:
        ws.data_validation(len(rows) + 1, c["unit"], last - 1, c["unit"], _list(
            f"={PREFIX}units", wording.unit_misfit(TYPED, "the unit of the row's parameter"), "unit",
            "The unit of the row's parameter: %, %/year, months, date, USD, USD/month, users, …", strict=False))


def _cell(r: int, c: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(r, c)


def settings_rows(ws, names: list[str], col: dict[str, int], last: int, sources) -> None:
    """Dropdowns and messages on Settings: the setting's name, its value, the currency, the source."""
    valid = ", ".join(list(SETTINGS) + ["fx_<CODE>"])
    ws.data_validation(1, col["setting"], last - 1, col["setting"], _list(
        f"={PREFIX}settings", wording.unknown_setting(TYPED, valid), "setting",
        "A setting from the list, or fx_<CODE> (an exchange rate).", strict=False))
    for r, name in enumerate(names, start=1):
        spec = SETTINGS.get(name)
        if name == "currency":
            ws.data_validation(r, col["value"], r, col["value"], _list(
                f"={PREFIX}currencies", wording.not_a_currency(TYPED), "currency",
                f"{spec.doc}; any three-letter code ({', '.join(CURRENCIES[:3])}, …).", strict=False))
        elif spec is not None:
            ws.data_validation(r, col["value"], r, col["value"], _input(name, spec.doc))
    if sources is not None and "source" in col:
        ws.data_validation(1, col["source"], last - 1, col["source"], source_ids(sources))


def source_kinds(ws, col: int, last: int) -> None:
    """The Sources sheet's kind column: one of SOURCE_KINDS."""
    ws.data_validation(1, col, last - 1, col, _list(
        f"={PREFIX}source_kinds", wording.source_kind_problem(f"unknown kind '{TYPED}'", TYPED, SOURCE_KINDS),
        "kind", "What the source is: " + ", ".join(SOURCE_KINDS) + "."))


def scenario_names(ws, col: int, last: int, names: list[str]) -> None:
    """A Checks row's scenario: one of the Scenarios sheet's (blank: base)."""
    ws.data_validation(1, col, last - 1, col, _list(
        f"={PREFIX}scenarios", wording.no_scenario(TYPED, ", ".join(["base", *names])), "scenario",
        "A scenario listed on the Scenarios sheet; blank: base."))
