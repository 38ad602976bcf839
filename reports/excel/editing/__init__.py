"""Editing aids of an assumption workbook: dropdowns from the specs, live checks, the Lists sheet.

:func:`add_aids` is called by :func:`cashcast.reports.excel.assumptions.workbook_bytes` after it has
written the sheets; it adds a ``check`` column of formulas to Assumptions, Settings and Sources
(:mod:`.checks`), the dropdowns with cashcast's own messages (:mod:`.validations`), and the generated,
protected Lists sheet they read, last (:mod:`.lists`). The reader skips the check column and the sheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name

from cashcast.reports.excel.editing import checks, validations
from cashcast.reports.excel.editing.lists import write_lists

SPARE = 100  # rows below the last written one that get the check formula and the dropdowns


@dataclass
class Written:
    """What the writer put where: each sheet's worksheet and header, and the rows it wrote."""

    assumptions: object
    assumption_headers: list[str]
    rows: list
    settings: object
    settings_headers: list[str]
    setting_names: list[str]
    scenario_names: list[str]
    sheets: dict[str, tuple[object, list[str]]] = field(default_factory=dict)  # other sheets: (ws, header)
    sources: dict | None = None


def _letters(headers: list[str]) -> dict[str, str]:
    return {h: xl_col_to_name(i) for i, h in enumerate(headers)}


def _index(headers: list[str]) -> dict[str, int]:
    return {h: i for i, h in enumerate(headers)}


def add_aids(wb, w: Written, bold) -> None:
    """The check columns, the dropdowns and the Lists sheet (the last sheet)."""
    from cashcast.models.reading.specs import ASSUMPTION_COLUMNS

    has_sources = "Sources" in w.sheets
    sources = w.sources if has_sources else None
    heads = w.assumption_headers
    last = len(w.rows) + 1 + SPARE
    letters = _letters(heads)
    first_scen, check_col = len(ASSUMPTION_COLUMNS), len(heads)
    checks.write_check_column(wb, w.assumptions, check_col, last,
                              lambda n: checks.assumption_formula(n, letters, has_sources),
                              checks.column_terms(heads, first_scen, check_col - 1), bold)
    validations.assumption_rows(w.assumptions, w.rows, _index(heads), list(range(first_scen, check_col)), last,
                                sources)
    s_last = len(w.setting_names) + 1 + SPARE
    s_letters = _letters(w.settings_headers)
    checks.write_check_column(wb, w.settings, len(w.settings_headers), s_last,
                              lambda n: checks.settings_formula(n, s_letters, has_sources), (), bold)
    validations.settings_rows(w.settings, w.setting_names, _index(w.settings_headers), s_last, sources)
    _other_sheets(wb, w, bold, sources)
    write_lists(wb, bold, set(w.sheets) | {"Scenarios"})


def _other_sheets(wb, w: Written, bold, sources) -> None:
    """Sources (check column, kind dropdown), the source cells of Scenarios and Correlations, and the
    scenario of a Checks row."""
    if "Sources" in w.sheets:
        ws, heads = w.sheets["Sources"]
        last = len(sources or {}) + 1 + SPARE
        s_letters = _letters(heads)
        checks.write_check_column(wb, ws, len(heads), last, lambda n: checks.sources_formula(n, s_letters), (), bold)
        validations.source_kinds(ws, heads.index("kind"), last)
    for title in ("Scenarios", "Correlations"):
        if title in w.sheets and sources is not None and "source" in w.sheets[title][1]:
            ws, heads = w.sheets[title]
            ws.data_validation(1, heads.index("source"), SPARE, heads.index("source"),
                               validations.source_ids(sources))
    if "Checks" in w.sheets:
        ws, heads = w.sheets["Checks"]
        validations.scenario_names(ws, [h.lower() for h in heads].index("scenario"), SPARE, w.scenario_names)
