"""Which layout (schema) a workbook is written in, and the warning that tells its user to upgrade it.

The version is the ``schema_version`` setting when given. A workbook without it predates the setting and
is recognised by its shape, as the oldest schema that shape fits:

==========  ============================================================================================
schema      what it has
==========  ============================================================================================
1           no Sources sheet: ``source`` cells hold free text (article file names), no source column on
            Settings or Scenarios (cashcast up to the Sources register)
2           a Sources register that ``source`` cells cite by id, a source column on Settings and Scenarios
3           the ``schema_version`` setting (:data:`~cashcast.models.reading.specs.SCHEMA_VERSION`), written
            by ``cashcast new``, ``cashcast upgrade`` and the examples, with the writer's editing aids
==========  ============================================================================================

Free-text sources keep the rule they had (:mod:`~cashcast.models.reading.sources`): without a register each
distinct one is a warning, with a register an id it lacks is an error; the version changes neither. An
older schema adds one warning, at the Settings cell where ``schema_version`` would go, naming
``cashcast upgrade`` (:func:`check_schema`, one of ``CHECKS``), once the workbook has no error (an old
workbook with a typo is told of the typo first, exactly as before).
"""
from __future__ import annotations

import re

from cashcast.models.reading.data import Draft
from cashcast.models.reading.problems import Problem, warning
from cashcast.models.reading.specs import SCHEMA_VERSION
from cashcast.models.reading.warning_checks import needs_valid

SCHEMAS = {
    1: "free-text sources and no Sources sheet",
    2: "a Sources sheet but no schema_version setting",
    SCHEMA_VERSION: f"schema_version {SCHEMA_VERSION} on Settings",
}
UPGRADE_GIVES = {
    1: "its free-text sources become rows of a Sources register, cited by id",
    2: "it gains the schema_version setting and the current workbook's editing aids",
}


def detect(has_register: bool, version: int | None) -> int:
    """The schema of a workbook: its ``schema_version`` setting, else 2 with a register, else 1.

    >>> detect(False, None), detect(True, None), detect(False, 3)
    (1, 2, 3)
    """
    if version is not None:
        return version
    return 2 if has_register else 1


def next_settings_cell(cells: dict[str, str]) -> str:
    """The first cell of the row below the last setting (where ``schema_version`` would be typed).

    >>> next_settings_cell({"start_month": "A2", "currency": "A9"})
    'A10'
    """
    rows = [int(m[1]) for ref in cells.values() if (m := re.fullmatch(r"[A-Z]+(\d+)", ref))]
    return f"A{max(rows, default=1) + 1}"


def upgrade_message(name: str, version: int) -> str:
    """What the warning of an older schema says.

    >>> upgrade_message("openai.xlsx", 1)  # doctest: +ELLIPSIS
    'the workbook is in schema 1 of 3 (free-text sources and no Sources sheet); run cashcast upgrade openai.xlsx NEW.xlsx to write it in schema 3 (its free-text sources become rows of a Sources register, cited by id)'
    """
    return (f"the workbook is in schema {version} of {SCHEMA_VERSION} ({SCHEMAS[version]}); run cashcast upgrade "
            f"{name} NEW.xlsx to write it in schema {SCHEMA_VERSION} ({UPGRADE_GIVES[version]})")


@needs_valid  # said once the workbook has no error: a bad cell's report stays as it was
def check_schema(draft: Draft) -> list[Problem]:
    """Rule: a workbook in an older schema than this cashcast writes is a warning that names ``cashcast
    upgrade``; its settings must have parsed (a bad Settings sheet is reported by its own check)."""
    if draft.settings is None or draft.file_problems:
        return []
    version = detect(draft.sources is not None, draft.settings.schema_version)
    if version >= SCHEMA_VERSION:
        return []
    cell = draft.settings.cells.get("schema_version") or next_settings_cell(draft.settings.cells)
    return [warning(draft.name, draft.sheet("Settings"), cell, upgrade_message(draft.name, version))]

