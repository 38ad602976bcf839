"""Parsing the Assumptions sheet: one typed :class:`Row` per line, grouped into blocks.

Each cell rule records a problem at its cell and marks the row bad; a bad row is still filed under its
block (so the block checks do not also call the parameter missing) but is left out of the rows the model
uses. Whole-block and between-block rules are checks in :mod:`cashcast.models.reading.checks`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cashcast.models.engine.names import param_name
from cashcast.models.reading.cells import (
    DIMENSIONS_HINT, cell_text, is_range_text, parse_range, parse_value, range_problem, unit_problem,
    without_invisible,
)
from cashcast.models.reading.data import BASE, LINK_PREFIX, Block, Row, Scenario, Settings, slugify
from cashcast.models.reading import wording
from cashcast.models.reading.opening import CellValue, SheetReader
from cashcast.models.kinds import KINDS, KindSpec
from cashcast.models.kinds.base import GROWTH_YEAR, TEXT_CHOICES, TRANCHE
from cashcast.models.reading.specs import ASSUMPTION_COLUMNS, DISTRIBUTIONS, REQUIRED_ASSUMPTION_COLUMNS, SHAPES


@dataclass
class _Known:
    """What earlier rows established: blocks by slug, the name behind each slug, each row's first cell."""

    blocks: dict[str, Block] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    seen_keys: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Param:
    """A parameter as typed, split into its base name and time-shape modifier, with its dimension."""

    text: str
    base: str
    modifier: str | None
    dimension: str


def read_assumptions(reader: SheetReader, settings: Settings | None,
                     scenarios: list[Scenario] | None) -> tuple[list[Row], dict[str, Block]]:
    """Parse every assumption row; return (rows whose every cell parsed, blocks with every known row)."""
    table = reader.table(ASSUMPTION_COLUMNS, REQUIRED_ASSUMPTION_COLUMNS)
    if table is None:
        return [], {}
    cols, extra, records = table
    scen_cols = _scenario_columns(reader, extra, scenarios)
    known, rows = _Known(), []
    for r, cells in records:
        c = {col: _cell(cols, cells, col) for col in cols}
        row = _read_row(reader, known, r, c, cells, scen_cols, settings)
        if row is not None:
            rows.append(row)
    _first_anchor_as_level(known.blocks)
    return rows, known.blocks


def _first_anchor_as_level(blocks: dict[str, Block]) -> None:
    """A parameter given by ``@YEAR`` rows alone (a figure reported as yearly totals: ``amount@2024``,
    ``amount@2025``): its earliest ``@YEAR`` row is also its plain row, so no plain row repeats the
    first year's figure. The row stays an anchor too (the level from its January); a first year after
    the block's start leaves months without a value (``checks._first_year_problems``)."""
    for block in blocks.values():
        for param, shapes in block.shapes.items():
            years = sorted((k, r) for k, r in shapes.items() if k.startswith("y"))
            if param not in block.rows and years and all(k.startswith(("y", "growth")) for k in shapes):
                block.rows[param] = years[0][1]


def _scenario_columns(reader: SheetReader, extra: dict[str, tuple[int, str]],
                      scenarios: list[Scenario] | None) -> dict[str, int]:
    """Columns named after a declared scenario; any other extra column is a problem.

    Rule: a column is one of ASSUMPTION_COLUMNS or a scenario declared on the Scenarios sheet.
    """
    scen_names = [s.name for s in (scenarios or [Scenario(BASE, "")])]
    scen_cols: dict[str, int] = {}
    for header, (idx, ref) in extra.items():
        if header in scen_names and header != BASE:
            scen_cols[header] = idx
        else:
            declared = [s for s in scen_names if s != BASE]
            reader.problem(ref, wording.unknown_column(header, ', '.join(declared) if declared else 'none declared'))
    return scen_cols


def _cell(cols: dict[str, int], cells: list[CellValue], col: str) -> CellValue:
    """The cell of column ``col`` in a row, or an empty cell at its reference past a short row."""
    idx = cols.get(col)
    if idx is None:
        return CellValue("", None)
    if idx < len(cells):
        return cells[idx]
    from openpyxl.utils import get_column_letter
    r = cells[0].ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if cells else "?"
    return CellValue(f"{get_column_letter(idx + 1)}{r}", None)


def _read_row(reader: SheetReader, known: _Known, r: int, c: dict[str, CellValue], cells: list[CellValue],
              scen_cols: dict[str, int], settings: Settings | None) -> Row | None:
    """One assumption row, filed under its block; returned only when every cell parsed."""
    names_ok = [reader.odd(c[col], f"the {col}") for col in ("block", "kind", "parameter")] == [False] * 3
    if not names_ok:  # reported; the row is still filed under the name as it looks, so its block is whole
        c = {**c, **{col: CellValue(c[col].ref, without_invisible(c[col].value))
                     for col in ("block", "kind", "parameter")}}
    found = _identify(reader, known, c)
    if found is None:
        return None
    block, kind = found
    param = _parameter(reader, known, block, kind, c)
    if param is None:
        return None
    dimension = param.dimension
    if dimension in TEXT_CHOICES:
        _text_row(reader, block, param, r, c, cells, scen_cols)
        return None  # filed under its block for the builder; not a number the model varies
    unit, currency, unit_ok = _unit(reader, c, dimension, settings)
    value, link, value_ok = _value(reader, c, dimension, param.modifier)
    lo, hi, bounds_ok = _bounds(reader, c, dimension, link, value)
    dist, dist_ok = _distribution(reader, c)
    overrides, ranges, over_ok = _overrides(reader, cells, scen_cols, dimension, link)
    key = param_name(block.slug, param.base, param.modifier)
    row = Row(r, block.name, block.kind, param.text, param.base,
              param.modifier, dimension, unit, currency, value, link, lo, hi, dist or None,
              cell_text(c["source"].value), cell_text(c["notes"].value), overrides,
              {**{k: v.ref for k, v in c.items()},
               **{f"scenario:{s}": cells[i].ref for s, i in scen_cols.items() if i < len(cells)}}, key,
              ranges=ranges)
    if param.modifier:
        block.shapes.setdefault(param.base, {})[param.modifier] = row
    else:
        block.rows[param.base] = row
    return row if names_ok and unit_ok and value_ok and bounds_ok and dist_ok and over_ok else None


def _text_row(reader: SheetReader, block: Block, param: _Param, r: int, c: dict[str, CellValue],
              cells: list[CellValue], scen_cols: dict[str, int]) -> None:
    """A parameter given as text (a cost block's ``category``, a loan's ``repayment``, the block that
    consumes in-kind credits), filed under its block.

    Rule: the value is one of its dimension's TEXT_CHOICES (any case), or any non-blank text for a block
    name (which block it names is checked with the links); the unit is blank or the dimension's name; a
    text has no low, high, distribution or scenario values (it decides how the block is built).
    """
    what, choices = param.dimension, TEXT_CHOICES[param.dimension]
    typed = cell_text(c["value"].value)
    text = typed.lower() if choices is not None else typed  # a block name as typed (matched in any case)
    ok = c["value"].ref not in reader.flagged
    if ok and (text not in choices if choices is not None else not text):
        valid = ", ".join(choices) if choices is not None else "the name of a block"
        reader.problem(c["value"].ref, f"unknown {what} '{text}'; valid: {valid}")
        ok = False
    if cell_text(c["unit"].value).lower() not in ("", what):
        reader.problem(c["unit"].ref, f"unit '{cell_text(c['unit'].value)}' does not fit a {what}; leave it "
                                      f"blank or type {what}")
    given = [(col, c[col].ref) for col in ("low", "high", "distribution") if col in c and cell_text(c[col].value)]
    given += [(f"scenario '{s}'", cells[i].ref) for s, i in scen_cols.items()
              if i < len(cells) and cell_text(cells[i].value)]
    for what, ref in given:
        reader.problem(ref, f"a {param.dimension} has no {what} value; it is the same in every scenario; clear "
                            f"the cell")
    block.rows[param.base] = Row(r, block.name, block.kind, param.text, param.base, None, param.dimension, "", None,
                                 None, None, None, None, None, cell_text(c["source"].value),
                                 cell_text(c["notes"].value), {}, {k: v.ref for k, v in c.items()},
                                 param_name(block.slug, param.base), text if ok else None)


def _identify(reader: SheetReader, known: _Known, c: dict[str, CellValue]) -> tuple[Block, KindSpec] | None:
    """The row's block (created on its first row) and kind, or None after recording why not.

    Rule: block, kind and parameter are given; the kind is known; two block names do not share a slug;
    one block has one kind.
    """
    block_name, kind_name, param = (cell_text(c[k].value) for k in ("block", "kind", "parameter"))
    blank = [col for col, text in (("block", block_name), ("kind", kind_name), ("parameter", param))
             if not text]
    for col in blank:
        reader.problem(c[col].ref, f"the {col} is blank; every assumption row needs a block, kind and "
                                   f"parameter")
    if blank:
        return None
    kind_name = kind_name.lower()
    kind = KINDS.get(kind_name)
    if kind is None:
        reader.problem(c["kind"].ref, wording.unknown_kind(kind_name, KINDS))
        return None
    slug = slugify(block_name)
    if slug in known.slugs and known.slugs[slug] != block_name:
        reader.problem(c["block"].ref, f"block '{block_name}' is too like block '{known.slugs[slug]}' "
                                       f"(both become '{slug}'); rename one")
        return None
    known.slugs[slug] = block_name
    block = known.blocks.get(slug)
    if block is None:
        block = known.blocks[slug] = Block(block_name, slug, kind_name)
    elif block.kind != kind_name:
        reader.problem(c["kind"].ref, f"block '{block_name}' is of kind '{block.kind}' on an earlier "
                                      f"row; one block has one kind")
        return None
    return block, kind


def _parameter(reader: SheetReader, known: _Known, block: Block, kind: KindSpec,
               c: dict[str, CellValue]) -> _Param | None:
    """The parameter with its time shape and dimension, or None after recording why not.

    Rule: ``name``, ``name.<shape>`` or ``name@YEAR`` with a known shape and a parameter of the kind; a
    date has no time shape; each block gives each parameter once.
    """
    param, ref = cell_text(c["parameter"].value), c["parameter"].ref
    base_param, modifier = param, None
    m = re.fullmatch(r"([a-z_]+)@(\d{4})", param)
    g = re.fullmatch(r"([a-z_]+)\.growth@(\d{4})", param)
    t = re.fullmatch(r"([a-z_]+)@(\d{4})-(\d{2})", param)
    wrong = _dated_problem(param, kind.name, t) if "@" in param and not (m or g) else None
    if wrong:
        reader.problem(ref, wrong)
        return None
    if t:
        base_param, modifier = t[1], f"{TRANCHE}{t[2]}{t[3]}"
    elif m:
        base_param, modifier = m[1], f"y{m[2]}"
    elif g:
        base_param, modifier = g[1], f"{GROWTH_YEAR}{g[2]}"
    elif "." in param:
        base_param, _, modifier = param.partition(".")
        if modifier not in SHAPES:
            reader.problem(ref, f"unknown time shape '.{modifier}'; valid: "
                                f"{', '.join('.' + s for s in SHAPES)}, .growth@YEAR or @YEAR")
            return None
    pspec = kind.param(base_param)
    if pspec is None:
        valid = ", ".join(p.name for p in kind.all_params())
        reader.problem(ref, wording.unknown_parameter(base_param, kind.name, valid))
        return None
    if modifier and (pspec.dimension == "date" or pspec.dimension in TEXT_CHOICES):
        reader.problem(ref, f"'{base_param}' is a {pspec.dimension} and cannot have a time shape")
        return None
    dimension = pspec.dimension
    if modifier in SHAPES and SHAPES[modifier][0] != "same":
        dimension = SHAPES[modifier][0]
    if modifier and modifier.startswith(GROWTH_YEAR):
        dimension = SHAPES["growth"][0]
    dup_key = (block.slug, param)
    if dup_key in known.seen_keys:
        reader.problem(ref, wording.duplicate_row(block.name, param, known.seen_keys[dup_key]))
        return None
    known.seen_keys[dup_key] = ref
    return _Param(param, base_param, modifier, dimension)


def _dated_problem(param: str, kind: str, tranche: re.Match | None) -> str | None:
    """What is wrong with a parameter typed with ``@`` that is neither ``name@YYYY`` nor
    ``name.growth@YYYY`` (None for a valid tranche ``amount@YYYY-MM`` of a funding block)."""
    forms = "a value per year is name@YYYY (amount@2025), growth by year name.growth@YYYY"
    if tranche is None:
        return f"'{param}' is not a dated row: {forms}, and a funding tranche amount@YYYY-MM (amount@2025-04)"
    if (kind, tranche[1]) != ("funding", "amount"):
        return f"'{param}': only a funding block's amount comes in tranches (amount@YYYY-MM); {forms}"
    if not 1 <= int(tranche[3]) <= 12:
        return f"'{param}': month {tranche[3]} is not a month; a tranche is amount@YYYY-MM, MM from 01 to 12"
    return None


def _unit(reader: SheetReader, c: dict[str, CellValue], dimension: str,
          settings: Settings | None) -> tuple[str, str | None, bool]:
    """(unit, its currency code or None, whether it is good).

    Rule: the unit fits the dimension; a currency other than the model's has an ``fx_<CODE>`` setting.
    """
    unit = cell_text(c["unit"].value)
    if reader.odd(c["unit"], "the unit"):
        return unit, None, False
    currency, err = unit_problem(unit, dimension)
    if err:
        reader.problem(c["unit"].ref, err)
        return unit, currency, False
    if currency and settings is not None and currency != settings.currency and currency not in settings.fx:
        reader.problem(c["unit"].ref, f"{currency} is not the model currency {settings.currency} and there "
                                      f"is no fx_{currency} setting to convert it; add one on Settings")
        return unit, currency, False
    return unit, currency, True


def _value(reader: SheetReader, c: dict[str, CellValue], dimension: str,
           modifier: str | None) -> tuple[float | None, tuple[str, str] | None, bool]:
    """(value, link, whether it is good).

    Rule: a value is given and fits its dimension and range, or it is ``line: Block.line`` on a count
    parameter without a time shape.
    """
    cell = c["value"]
    raw = cell.value
    if cell.ref in reader.flagged:
        return None, None, False
    if raw is None or cell_text(raw) == "":
        reader.problem(cell.ref, f"the value is blank; type {DIMENSIONS_HINT[dimension]}")
        return None, None, False
    if isinstance(raw, str) and raw.strip().lower().startswith(LINK_PREFIX):
        target = raw.strip()[len(LINK_PREFIX):].strip()
        tb, _, tl = target.rpartition(".")
        if dimension != "count" or modifier:
            reader.problem(cell.ref, "only a count parameter can be linked to another block's line")
            return None, None, False
        if not tb or not tl:
            reader.problem(cell.ref, f"'{raw}' is not a link; write line: <block>.<line>, e.g. "
                                     f"line: ChatGPT Plus.subscribers")
            return None, None, False
        return None, (tb.strip(), tl.strip()), True
    value, err = parse_value(raw, dimension)
    if err is None and dimension != "date":
        err = range_problem(value, dimension, "value")
    if err:
        reader.problem(cell.ref, err)
        return value, None, False
    return value, None, True


def _bounds(reader: SheetReader, c: dict[str, CellValue], dimension: str, link: tuple[str, str] | None,
            value: float | None) -> tuple[float | None, float | None, bool]:
    """(low, high, whether they are good).

    Rule: each bound fits the dimension and range, a linked value has none, low ≤ high and the value
    lies within them.
    """
    ok, bounds = True, {}
    for col in ("low", "high"):
        v, ref = c[col].value, c[col].ref
        if v is None or cell_text(v) == "" or ref in reader.flagged:
            bounds[col] = None
            ok = ok and ref not in reader.flagged
            continue
        if link is not None:
            reader.problem(ref, f"a linked value cannot have a {col}; remove it")
            ok = False
            continue
        x, err = parse_value(v, dimension)
        if err is None and dimension != "date":
            err = range_problem(x, dimension, col)
        if err:
            reader.problem(ref, err)
            ok = False
        bounds[col] = x
    lo, hi = bounds.get("low"), bounds.get("high")
    if lo is not None and hi is not None and lo > hi:
        reader.problem(c["low"].ref, wording.low_above_high(f"{lo:.6g}", f"{hi:.6g}"))
        ok = False
    elif value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
        reader.problem(c["value"].ref, wording.outside_low_high(f"{value:.6g}", "-" if lo is None else str(lo),
                                                                "-" if hi is None else str(hi)))
        ok = False
    return lo, hi, ok


def _distribution(reader: SheetReader, c: dict[str, CellValue]) -> tuple[str, bool]:
    """(distribution name or '', whether it is good). Rule: blank or one of DISTRIBUTIONS."""
    dist = cell_text(c["distribution"].value).lower() if "distribution" in c else ""
    if dist and reader.odd(c["distribution"], "the distribution"):
        return dist, False
    if dist and dist not in DISTRIBUTIONS:
        reader.problem(c["distribution"].ref, wording.unknown_distribution(dist, DISTRIBUTIONS))
        return dist, False
    return dist, True


def _overrides(reader: SheetReader, cells: list[CellValue], scen_cols: dict[str, int], dimension: str,
               link: tuple[str, str] | None) -> tuple[dict[str, float], dict[str, tuple[float, float]], bool]:
    """(scenario → value, scenario → (low, high) of a range, whether they are good).

    Rule: a blank override means "as base"; any other fits the dimension and range; a linked value has
    no overrides. A range cell (``low..high`` or ``low..mode..high``) is the scenario's own range; its
    value is the mode, or the middle of low..high (a date: the earlier of the two middle months).
    """
    ok, overrides, ranges = True, {}, {}
    for scen, idx in scen_cols.items():
        if idx >= len(cells):
            continue
        sc = cells[idx]
        if sc.value is None or cell_text(sc.value) == "" or sc.ref in reader.flagged:
            ok = ok and sc.ref not in reader.flagged
            continue
        if link is not None:
            reader.problem(sc.ref, "a linked value cannot be overridden by a scenario")
            ok = False
            continue
        if is_range_text(sc.value):
            got, err = parse_range(sc.value, dimension)
            if got is not None:
                low, mode, high = got
                ranges[scen] = (low, high)
                overrides[scen] = mode if mode is not None else (
                    low + (high - low) // 2 if dimension == "date" else (low + high) / 2)
        else:
            x, err = parse_value(sc.value, dimension)
            if err is None and dimension != "date":
                err = range_problem(x, dimension, f"scenario '{scen}' value")
            if err is None:
                overrides[scen] = x
        if err:
            reader.problem(sc.ref, err)
            ok = False
    return overrides, ranges, ok
