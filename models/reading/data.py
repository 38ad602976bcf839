"""Typed assumption data: rows, blocks, settings, scenarios and the validated :class:`Workbook`.

Also the month arithmetic every layer shares (``month_ordinal``, ``ordinal_to_date``) and ``slugify``.
Nothing here reads a file or checks a rule; see :mod:`cashcast.models.reading.workbook`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cashcast.models.engine.names import fx_name, setting_name
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import SCENARIO_SETTINGS

LINK_PREFIX = "line:"
BASE = "base"


def month_ordinal(d: dt.date) -> int:
    """Months since year 0: ``month_ordinal(date(2023, 1, 1)) == 2023 * 12``."""
    return d.year * 12 + d.month - 1


def ordinal_to_date(n: int) -> dt.date:
    return dt.date(n // 12, n % 12 + 1, 1)


def slugify(name: str) -> str:
    """A block's name as an identifier: ``'ChatGPT Plus' → 'chatgpt_plus'``, ``'GPT-4' → 'gpt_4'``."""
    slug = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "b_" + slug
    return slug


# ------------------------------------------------------------------------------------------------
# Typed data
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Citation:
    """One id a source cell names, with its locator: ``A001 §3`` → ``Citation("A001", "§3")``."""

    id: str
    locator: str = ""


@dataclass(frozen=True)
class Source:
    """One row of the Sources sheet (the register); ``cell`` is its id's cell, ``date`` as YYYY[-MM[-DD]].
    The reader sets every field; the workbook writer (``reports.excel.assumptions``, where it is
    ``SourceRow``) writes the reader's columns of one, ``kind`` by default the commonest."""

    id: str
    title: str
    title_en: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    location: str = ""
    kind: str = "article"
    note: str = ""
    cell: str = ""


@dataclass
class Row:
    """One assumption row, parsed. Numbers are floats; percentages fractions; dates month ordinals."""

    row: int
    block: str
    kind: str
    parameter: str          # as typed, e.g. "price", "audience.growth", "runs_per_year@2025"
    base_param: str         # "price", "audience", "runs_per_year"
    modifier: str | None    # None, a SHAPES key, or "y2025"
    dimension: str
    unit: str
    currency: str | None
    value: float | None
    link: tuple[str, str] | None  # (block name, line) for `line: Block.line` values
    low: float | None
    high: float | None
    distribution: str | None
    source: str
    notes: str
    overrides: dict[str, float] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    key: str = ""           # the defined name / parameter key, e.g. "chatgpt_plus__price"
    text: str | None = None  # a parameter given as text (a cost block's category); its value is None
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # scenario → its own (low, high)
    citations: tuple[Citation, ...] = ()  # the Sources ids its source cell names (models/reading/sources.py)
    source_kind: str = ""   # "estimate", its first source's kind (article, filing, …), "unregistered" or ""

    @property
    def label(self) -> str:
        return f"{self.block}.{self.parameter}"


@dataclass
class Block:
    name: str
    slug: str
    kind: str
    rows: dict[str, Row] = field(default_factory=dict)            # base parameter → row
    shapes: dict[str, dict[str, Row]] = field(default_factory=dict)  # base parameter → modifier → row

    @property
    def first_row(self) -> Row:
        rows = list(self.rows.values()) or [r for s in self.shapes.values() for r in s.values()]
        return min(rows, key=lambda r: r.row)


@dataclass
class Settings:
    start_month: dt.date
    horizon_months: int
    currency: str
    discount_rate: float
    opening_cash: float
    minimum_cash: float | None
    fx: dict[str, float]
    cells: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)
    receivable_days: float = 0.0
    payable_days: float = 0.0
    company: str | None = None
    title: str | None = None
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)  # setting → scenario → value
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # (low, high)
    value_cells: dict[str, dict[str, str]] = field(default_factory=dict)  # setting → column → cell
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # setting → (source cell text, cell)
    schema_version: int | None = None  # as typed; None: not given (models/reading/schema.py detects it)

    def value_cell(self, name: str) -> str:
        """Where a setting's value is typed (column B of its row; ``cells`` holds its name's cell), or
        "" when the sheet does not give it: ``value_cells[name]["value"]``."""
        return self.value_cells.get(name, {}).get("value", "")

    def value(self, name: str, scenario: str = BASE) -> float:
        """A setting's value in a scenario (its scenario column, else its value; no minimum cash is 0).

        >>> s = Settings(dt.date(2023, 1, 1), 12, "USD", 0.1, 5.0, None, {}, {}, overrides={"opening_cash":
        ...              {"lean": 2.0}})
        >>> s.value("opening_cash", "lean"), s.value("opening_cash"), s.value("minimum_cash", "lean")
        (2.0, 5.0, 0.0)
        """
        given = self.overrides.get(name, {})
        x = given[scenario] if scenario in given else getattr(self, name)
        return 0.0 if x is None else float(x)

    def in_scenario(self, scenario: str = BASE) -> dict[str, float | None]:
        """The settings a scenario may change, as they are in ``scenario`` (its column, else the base
        value; a minimum cash given nowhere stays None), in :data:`SCENARIO_SETTINGS` order.

        >>> s = Settings(dt.date(2023, 1, 1), 12, "USD", 0.1, 5.0, None, {}, {}, overrides={"opening_cash":
        ...              {"lean": 2.0}, "minimum_cash": {"lean": 1.0}})
        >>> s.in_scenario("lean")
        {'opening_cash': 2.0, 'minimum_cash': 1.0, 'discount_rate': 0.1, 'receivable_days': 0.0, 'payable_days': 0.0}
        >>> s.in_scenario()["minimum_cash"] is None
        True
        """
        out = {}
        for name in SCENARIO_SETTINGS:
            given = self.overrides.get(name, {})
            x = given[scenario] if scenario in given else getattr(self, name)
            out[name] = None if x is None else float(x)
        return out

    def overridden_in(self, scenario: str) -> list[str]:
        """The settings whose value in ``scenario`` differs from the base value.

        >>> s = Settings(dt.date(2023, 1, 1), 12, "USD", 0.1, 5.0, None, {}, {}, overrides={"opening_cash":
        ...              {"lean": 2.0, "same": 5.0}})
        >>> s.overridden_in("lean"), s.overridden_in("same"), s.overridden_in(BASE)
        (['opening_cash'], [], [])
        """
        base, here = self.in_scenario(BASE), self.in_scenario(scenario)
        return [name for name in SCENARIO_SETTINGS if here[name] != base[name]]

    def title_for(self, file_name: str, what: str) -> str:
        """The reports' title: the ``title`` setting, else ``<company or file>: <what>``.

        >>> s = Settings(dt.date(2023, 1, 1), 12, "USD", 0.1, 0.0, None, {}, {}, company="OpenAI")
        >>> s.title_for("openai.xlsx", "cash-flow, break-even and runway")
        'OpenAI: cash-flow, break-even and runway'
        """
        return self.title or f"{self.company or file_name}: {what}"


@dataclass
class Correlation:
    """One row of the Correlations sheet: a target rank correlation between two uncertain assumptions,
    named as typed (``first``, ``second``) and resolved to their parameter keys."""

    first: str              # "ChatGPT Plus.audience" as typed
    second: str
    rho: float              # the target rank (Spearman) correlation, −1..1
    first_key: str          # "chatgpt_plus__audience"
    second_key: str
    source: str = ""
    notes: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # column → cell, e.g. {"rank correlation": "C2"}


@dataclass
class Scenario:
    name: str
    description: str
    source: str = ""        # its source cell: Sources ids (A001 §3; A002) or estimate
    source_cell: str = ""


@dataclass
class Workbook:
    """A parsed, validated assumption workbook."""

    name: str
    path: Path
    settings: Settings
    rows: list[Row]
    blocks: dict[str, Block]
    scenarios: list[Scenario]
    warnings: list[Problem] = field(default_factory=list)  # valid but probably mistyped input
    correlations: list[Correlation] = field(default_factory=list)  # the Correlations sheet's pairs
    sources: dict[str, Source] = field(default_factory=dict)  # the Sources sheet by id (empty without one)
    checks: list = field(default_factory=list)  # the analyst's checks (user_checks.UserCheck), Checks sheet

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def start_ordinal(self) -> int:
        return month_ordinal(self.settings.start_month)

    def months(self) -> list[dt.date]:
        start = self.start_ordinal
        return [ordinal_to_date(start + i) for i in range(self.settings.horizon_months)]

    def model_value(self, row: Row, raw: float) -> float:
        """A row's value as the engine holds it: dates become months since the model start."""
        return raw - self.start_ordinal if row.dimension == "date" else raw

    def row_value(self, row: Row, scenario: str) -> float:
        raw = row.overrides.get(scenario, row.value) if scenario != BASE else row.value
        return self.model_value(row, raw)

    def scenario_range(self, row: Row, scenario: str) -> tuple[float | None, float | None] | None:
        """A row's (low, high) as written, in ``scenario``; None when the row is fixed there.

        Rule (README "A scenario decides what is uncertain in it"): a row with a low or a high is
        uncertain in the base case and in every scenario that leaves its cell blank; a scenario that
        overrides the row with a value fixes it; a scenario cell that holds a range (``15%..20%`` or
        ``low..mode..high``) is that scenario's own range, sampled with the row's distribution.
        """
        if scenario != BASE and scenario in row.ranges:
            return row.ranges[scenario]
        if (scenario != BASE and scenario in row.overrides) or (row.low is None and row.high is None):
            return None
        return row.low, row.high

    def setting_params(self, scenario: str = BASE) -> dict[str, float]:
        """The settings the model reads, by parameter name, as they are in ``scenario``."""
        s = self.settings
        out = {setting_name(name): s.value(name, scenario) for name in SCENARIO_SETTINGS}
        for code, rate in s.fx.items():
            out[fx_name(code)] = rate
        return out

    def setting_rows(self) -> list[Row]:
        """The settings a scenario may change, as rows a solve or the sensitivity can vary
        (``settings.opening_cash``), with the setting's scenario values, low and high."""
        s, out = self.settings, []
        for name in SCENARIO_SETTINGS:
            dimension, unit = {"discount_rate": ("rate", "%/year"), "receivable_days": ("days", "days"),
                               "payable_days": ("days", "days")}.get(name, ("money", s.currency))
            cells = dict(s.value_cells.get(name, {}))
            cells.setdefault("value", "")
            lo, hi = s.ranges.get(name, (None, None))
            out.append(Row(0, "settings", "settings", name, name, None, dimension, unit, None, s.value(name),
                           None, lo, hi, None, s.sources.get(name, ("", ""))[0], s.notes.get(name, ""),
                           dict(s.overrides.get(name, {})),
                           cells, setting_name(name)))
        return out

    def param_values(self, scenarios: list[str]) -> dict[str, np.ndarray]:
        """Every parameter's value per scenario, as arrays of shape ``(len(scenarios),)``."""
        per = [self.setting_params(s) for s in scenarios]
        out = {key: np.array([p[key] for p in per], dtype=float) for key in per[0]} if per else {}
        for row in self.rows:
            if row.link is None:
                out[row.key] = np.array([self.row_value(row, s) for s in scenarios], dtype=float)
        return out

    def row_by_key(self) -> dict[str, Row]:
        return {r.key: r for r in self.rows}




@dataclass
class Draft:
    """A workbook as read and parsed, before the checks: what parsed, and the problems met on the way.

    ``file_problems`` mean no sheet could be read. ``sheet_problems`` holds, per sheet read (by lower-case
    title), what was wrong with its cells while they were parsed. ``settings`` is None when the Settings
    sheet is missing or bad, ``currency`` the model currency whenever it parsed. ``rows`` are the rows
    whose every cell parsed; ``blocks`` file every row whose block, kind and parameter were understood.
    """

    name: str
    path: Path
    file_problems: list[Problem] = field(default_factory=list)
    sheet_problems: dict[str, list[Problem]] = field(default_factory=dict)
    sheet_titles: dict[str, str] = field(default_factory=dict)  # lower-case title → title, sheets read
    settings: Settings | None = None
    currency: str | None = None
    scenarios: list[Scenario] = field(default_factory=lambda: [Scenario(BASE, "")])
    rows: list[Row] = field(default_factory=list)
    blocks: dict[str, Block] = field(default_factory=dict)
    correlations: list[Correlation] = field(default_factory=list)  # pairs whose cells all parsed
    sources: dict[str, Source] | None = None  # the Sources sheet by id; None when there is none
    checks: list = field(default_factory=list)  # the Checks sheet's rows that parsed (user_checks.UserCheck)

    def sheet(self, title: str) -> str:
        """The sheet's title as the workbook spells it (``title`` when the sheet is missing)."""
        return self.sheet_titles.get(title.lower(), title)

    def workbook(self) -> Workbook:
        """The validated workbook; only for a draft that passed every check."""
        assert self.settings is not None, "validate() reports a missing or bad Settings sheet"
        return Workbook(self.name, self.path, self.settings, self.rows, self.blocks, self.scenarios,
                        correlations=list(self.correlations), sources=dict(self.sources or {}),
                        checks=list(self.checks))
