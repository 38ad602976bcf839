"""The **Lists** sheet of an assumption workbook: every list its dropdowns and check formulas use.

Built from the registries each time a workbook is written (kinds and their parameters, dimensions and
units, distributions, settings, source kinds), so the lists cannot drift from what the reader accepts
(tests/test_editing_aids.py compares them). The scenario names and the source ids are the workbook's own:
their names refer to the Scenarios and Sources sheets' columns, not to copies. One column per list, its
name over it; a defined name per list (``cashcast_kinds``, ``cashcast_params_<kind>``, …). The sheet is
written last and protected (no password): it is generated, not edited.
"""
from __future__ import annotations

from cashcast.models.kinds import KINDS
from cashcast.models.kinds.base import PERIODS, TEXT_CHOICES
from cashcast.models.reading.specs import AID_PREFIX, DISTRIBUTIONS, LISTS_SHEET, SETTINGS, SHAPES
from cashcast.models.reading.sources import SOURCE_KINDS

SHEET = LISTS_SHEET
PREFIX = AID_PREFIX  # the reader leaves out any formula that names one of these lists
# The currencies the unit and currency dropdowns offer. The reader accepts any three-letter code (with an
# fx_<CODE> setting when it is not the model's), so these dropdowns warn rather than refuse.
CURRENCIES = ("USD", "RMB", "CNY", "EUR", "GBP", "JPY", "HKD")
# The units of each dimension that has a closed set (a money unit is checked by its shape: a currency
# code, then /month, /year, /day or /anything per unit; a count's unit is free).
FIXED_UNITS = (("percent", "%"), ("rate", "%/year"), ("rate", "%/month"), ("months", "months"),
               ("months", "month"), ("date", "date")) + tuple((d, d) for d in TEXT_CHOICES)
REFERENCE_ROWS = 1000  # rows of the Scenarios and Sources sheets the scenario and source-id lists cover


def param_keys() -> list[tuple[str, str]]:
    """``(kind.parameter, dimension)`` for every parameter of every kind, and for every time shape a
    number parameter may have (``subscription.audience.growth`` → rate); the check formulas look a
    row's dimension up here.

    >>> dict(param_keys())["subscription.audience.growth"], dict(param_keys())["funding.month"]
    ('rate', 'date')
    """
    out = []
    for kind in KINDS.values():
        for p in kind.all_params():
            out.append((f"{kind.name}.{p.name}", p.dimension))
            if p.dimension == "date" or p.dimension in TEXT_CHOICES:
                continue
            for shape, (dim, _doc) in SHAPES.items():
                out.append((f"{kind.name}.{p.name}.{shape}", p.dimension if dim == "same" else dim))
    return out


def units() -> list[str]:
    """The unit dropdown: the closed units of each dimension, then each currency as money, per month,
    year and day (a count's unit is typed freely).

    >>> units()[:6]
    ['%', '%/year', '%/month', 'months', 'date', 'USD']
    """
    out = [u for d, u in FIXED_UNITS if d not in TEXT_CHOICES and u != "month"]
    out += [c + per for c in CURRENCIES for per in ("", *(f"/{p}" for p in PERIODS))]
    return out


def units_of(dimension: str, typed: str = "") -> list[str]:
    """The unit dropdown of a row whose parameter has this dimension: the units the reader accepts for it
    (a money rate in any period, converted; the dimension's own period first), the row's own unit first
    when it is one the list does not name (a count's unit, money per unit, another currency).

    >>> units_of("rate"), units_of("money/year")[:4], units_of("count", "users"), units_of("category")
    (['%/year', '%/month'], ['USD/year', 'USD/month', 'USD/day', 'RMB/year'], ['users'], ['category'])
    """
    if dimension.startswith("money"):
        period = dimension.partition("/")[2]
        pers = [""] if not period else [f"/{p}" for p in sorted(PERIODS, key=lambda p: p != period)]
        out = [c + per for c in CURRENCIES for per in pers] if period != "unit" else []
    else:
        out = [u for d, u in FIXED_UNITS if d == dimension and u != "month"]
    return ([typed] if typed and typed not in out else []) + out


def lists() -> dict[str, list[str]]:
    """Every generated list by its defined name (without the ``cashcast_`` prefix), in sheet order."""
    keys = param_keys()
    out = {"kinds": list(KINDS), "distributions": list(DISTRIBUTIONS), "units": units(),
           "currencies": list(CURRENCIES), "periods": list(PERIODS), "settings": list(SETTINGS),
           "source_kinds": list(SOURCE_KINDS), "text_dimensions": list(TEXT_CHOICES),
           "param_keys": [k for k, _d in keys], "param_dimensions": [d for _k, d in keys],
           "unit_keys": [f"{d}|{u}" for d, u in FIXED_UNITS]}
    for kind in KINDS.values():
        out[f"params_{kind.name}"] = [p.name for p in kind.all_params()]
    return out


def referenced(sheets: set[str]) -> dict[str, str]:
    """The lists that are ranges of the workbook's own sheets (only of those it has), by name."""
    out = {}
    if "Scenarios" in sheets:
        out["scenarios"] = f"=Scenarios!$A$2:$A${REFERENCE_ROWS}"
    if "Sources" in sheets:
        out["source_ids"] = f"=Sources!$A$2:$A${REFERENCE_ROWS}"
    return out


def write_lists(wb, bold, sheets: set[str]) -> None:
    """The Lists sheet (last, protected) and a defined name per list."""
    from xlsxwriter.utility import xl_col_to_name

    ws = wb.add_worksheet(SHEET)
    for c, (name, values) in enumerate(lists().items()):
        ws.write_string(0, c, name, bold)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
        col = xl_col_to_name(c)
        wb.define_name(PREFIX + name, f"={SHEET}!${col}$2:${col}${len(values) + 1}")
        ws.set_column(c, c, max(12, min(40, max(len(v) for v in [name, *values]) + 2)))
    for name, ref in referenced(sheets).items():
        wb.define_name(PREFIX + name, ref)
    ws.freeze_panes(1, 0)
    ws.protect()
