"""Every rule a workbook must meet, as one list of checks that ``check`` and ``run`` share.

Each check is ``check_x(draft) -> list[Problem]`` over a read-but-unvalidated :class:`Draft` (the
warnings' checks, :mod:`~cashcast.models.reading.warning_checks`, return problems of severity warning), and
:data:`CHECKS` lists them in the order their problems are reported. :func:`validate` runs them all, so
cell, block, link, cycle and distribution problems show in one run: the link and cycle checks build the
lines of every block whose rows are complete, even when other cells are bad. Nothing after
``validate`` raises on workbook content.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cashcast.models.analysis.distributions import lognormal_problems, uncertain_rows
from cashcast.models.engine.model import order_lines, total_lines
from cashcast.models.engine.names import block_slug
from cashcast.models.kinds import KINDS, Line, block_lines_and_links
from cashcast.models.kinds.base import TRANCHE
from cashcast.models.reading.bounds import check_growth
from cashcast.models.reading.correlations import check_correlations
from cashcast.models.reading.data import Block, Draft, Settings, Workbook
from cashcast.models.reading.problems import Problem, errors_of
from cashcast.models.reading.schema import check_schema
from cashcast.models.reading.sources import check_sources
from cashcast.models.reading.valuation_checks import check_valuations
from cashcast.models.reading.user_checks import check_user_checks
from cashcast.models.reading.warning_checks import WARNING_CHECKS

REQUIRED_SHEETS = ("Settings", "Assumptions")


def check_file(draft: Draft) -> list[Problem]:
    """Rule: the file is a plain, readable .xlsx workbook (no zip or XML bomb, not encrypted)."""
    return list(draft.file_problems)


def check_sheets(draft: Draft) -> list[Problem]:
    """Rule: a readable workbook has the sheets Settings and Assumptions (Scenarios is optional)."""
    if draft.file_problems:
        return []
    return [Problem(draft.name, title, "A1", f"missing sheet '{title}'; the workbook needs sheets Settings "
                                             f"and Assumptions (and optionally Scenarios)")
            for title in REQUIRED_SHEETS if title.lower() not in draft.sheet_titles]


def check_settings(draft: Draft) -> list[Problem]:
    """Rule: every Settings cell parsed (see :func:`~cashcast.models.reading.sheets.read_settings`)."""
    return list(draft.sheet_problems.get("settings", []))


def check_scenarios(draft: Draft) -> list[Problem]:
    """Rule: every Scenarios cell parsed (see :func:`~cashcast.models.reading.sheets.read_scenarios`)."""
    return list(draft.sheet_problems.get("scenarios", []))


def check_assumption_cells(draft: Draft) -> list[Problem]:
    """Rule: every Assumptions cell parsed: columns, names, units, values, bounds, overrides (see
    :func:`~cashcast.models.reading.assumptions.read_assumptions`)."""
    return list(draft.sheet_problems.get("assumptions", []))


def check_blocks(draft: Draft) -> list[Problem]:
    """Rule: each block gives one complete way of stating its quantity, every required parameter, and
    time shapes that are complete, single and in the parameter's unit."""
    return [p for block in draft.blocks.values() for p in block_problems(draft, block)]


def block_problems(draft: Draft, block: Block) -> list[Problem]:
    """The whole-block problems of one block (none means its lines can be built)."""
    if not block.rows and not block.shapes:
        return []  # every row of the block had a bad parameter, already reported at its cell
    sheet = draft.sheet("Assumptions")
    found = (_mode_problems(block) + _required_problems(block) + _shape_problems(block)
             + _first_year_problems(draft, block))
    return [Problem(draft.name, sheet, cell, msg) for cell, msg in found]


def _mode_problems(block: Block) -> list[tuple[str, str]]:
    kind, given = KINDS[block.kind], set(block.rows)
    if not kind.modes:
        return []
    complete = [m for m in kind.modes if all(p in given for p in m)]
    partial = [m for m in kind.modes if any(p in given for p in m) and m not in complete]
    if len(complete) == 1 and not partial:
        return []
    ways = " | ".join(" + ".join(m) for m in kind.modes)
    return [(block.first_row.cells["parameter"], f"block '{block.name}' ({block.kind}) must give exactly "
                                                 f"one of: {ways}; it gives {', '.join(sorted(given)) or 'none'}")]


def _required_problems(block: Block) -> list[tuple[str, str]]:
    where = block.first_row.cells["parameter"]
    return [(where, f"block '{block.name}' ({block.kind}) lacks the required parameter '{p.name}' "
                    f"({p.doc}); add a row for it")
            for p in KINDS[block.kind].all_params() if p.required and p.name not in block.rows]


def _first_year_problems(draft: Draft, block: Block) -> list[tuple[str, str]]:
    """A parameter given by ``@YEAR`` rows alone starts at its earliest year: that year is the year the
    block starts (its ``start_month``, else the model's start) or earlier, so no month is left without
    a value."""
    start = block.rows.get("start_month")
    if start is not None and start.value is not None:
        first_year = int(start.value) // 12
    elif draft.settings is not None:
        first_year = draft.settings.start_month.year
    else:
        return []
    return [(row.cells["parameter"], f"'{param}' is given by year from {row.modifier[1:]} "
                                     f"({row.parameter}), but block '{block.name}' starts in {first_year}: add "
                                     f"a row {param}@{first_year} (or a plain {param} row) for the months before")
            for param, row in block.rows.items()
            if row.modifier and row.modifier.startswith("y") and int(row.modifier[1:]) > first_year]


def _shape_problems(block: Block) -> list[tuple[str, str]]:
    out = []
    for param, shapes in block.shapes.items():
        base = block.rows.get(param)
        anchor = next(iter(shapes.values())).cells["parameter"]
        if base is None and all(m.startswith(TRANCHE) for m in shapes):
            continue  # a round given only in tranches (check_funding)
        if base is None:
            out.append((anchor, f"time shape for '{param}' but no '{param}' row in block '{block.name}'"))
            continue
        if base.link is not None:
            out.append((anchor, f"'{param}' is linked to a line and cannot have a time shape"))
        kinds = {"ramp" if m.startswith("ramp") else "s_curve" if m.startswith("s_curve") else
                 "growth and @YEAR" for m in shapes}  # growth, growth@YEAR and @YEAR anchors combine
        if len(kinds) > 1:
            out.append((anchor, f"'{param}' has more than one time shape ({', '.join(sorted(kinds))}); use one"))
        if "ramp_from" in shapes and "ramp_months" not in shapes:
            out.append((anchor, f"'{param}.ramp_from' needs a '{param}.ramp_months' row"))
        if ("s_curve_midpoint" in shapes) != ("s_curve_width" in shapes):
            out.append((anchor, f"an S-curve for '{param}' needs both .s_curve_midpoint and .s_curve_width"))
        out.extend((row.cells["unit"], f"unit '{row.unit}' differs from '{param}' ({base.unit}); use the "
                                       f"same unit")
                   for m, row in shapes.items() if (m == "ramp_from" or m.startswith("y")) and row.unit != base.unit)
    return out


def check_link_blocks(draft: Draft) -> list[Problem]:
    """Rule: a link ``line: Block.line`` names a block of the workbook."""
    by_name = {b.name.lower() for b in draft.blocks.values()}
    names = ", ".join(b.name for b in draft.blocks.values())
    return [Problem(draft.name, draft.sheet("Assumptions"), row.cells["value"],
                    f"link to unknown block '{row.link[0]}'; blocks: {names}")
            for block in draft.blocks.values() for row in block.rows.values()
            if row.link is not None and row.link[0].lower() not in by_name]


def check_not_empty(draft: Draft) -> list[Problem]:
    """Rule: the Assumptions sheet has at least one assumption row."""
    if "assumptions" not in draft.sheet_titles or draft.rows or draft.sheet_problems.get("assumptions"):
        return []
    return [Problem(draft.name, draft.sheet("Assumptions"), "A2",
                    "no assumptions; add one row per assumption under the header")]


def check_link_lines(draft: Draft) -> list[Problem]:
    """Rule: a link names a line its block has, and that line is a count, not money (checked for links
    to blocks whose rows are complete)."""
    workbook = _buildable_workbook(draft)
    lines, links = block_lines_and_links(workbook)
    known = {ln.name: ln for ln in lines}
    sheet, out = draft.sheet("Assumptions"), []
    for row, name in links:
        if name is None:
            continue  # an unknown block (check_link_blocks) or one with block problems
        if name not in known:
            slug = name.split(".")[0]
            valid = ", ".join(n.split(".", 1)[1] for n in known if n.startswith(slug + "."))
            out.append(Problem(draft.name, sheet, row.cells["value"],
                               f"block '{row.link[0]}' has no line '{row.link[1]}'; its lines: {valid}"))
        elif draft.currency is not None and known[name].unit.startswith(draft.currency):
            out.append(Problem(draft.name, sheet, row.cells["value"],
                               f"'{row.link[0]}.{row.link[1]}' is money, not a count; link a count line "
                               f"such as subscribers"))
    return out


def check_cycles(draft: Draft) -> list[Problem]:
    """Rule: no line depends on itself in the same month, through links between blocks."""
    workbook = _buildable_workbook(draft)
    block_lines, _links = block_lines_and_links(workbook)
    lines: dict[str, Line] = {ln.name: ln for ln in block_lines + total_lines(block_lines, "")}
    _order, cycles = order_lines(lines)
    out = []
    for cycle in cycles:
        ring = cycle[:-1] if len(cycle) > 1 and cycle[0] == cycle[-1] else cycle  # the path closes on itself
        names = " → ".join(ring + [ring[0]]) if len(ring) > 1 else ring[0]
        linked = [r for r in draft.rows if r.link is not None
                  and any(n.startswith(block_slug(r.key) + ".") for n in cycle)]
        out.extend(Problem(draft.name, draft.sheet("Assumptions"), r.cells["value"],
                           f"circular reference between lines: {names}; a line cannot depend on itself in "
                           f"the same month")
                   for r in linked or draft.rows[:1])
    return out


def check_distributions(draft: Draft) -> list[Problem]:
    """Rule: a range can be sampled from its distribution in every scenario (a lognormal needs a low
    above 0). Dates are checked only when the settings, which hold the start month, parsed."""
    workbook = _buildable_workbook(draft)
    if draft.settings is None:
        workbook.rows = [r for r in workbook.rows if r.dimension != "date"]
    found = (lognormal_problems(workbook, uncertain_rows(workbook, s)) for s in workbook.scenario_names)
    return list(dict.fromkeys(p for problems in found for p in problems))


def check_funding(draft: Draft) -> list[Problem]:
    """Rule: a funding block gives amount and month together, or tranches (``amount@YYYY-MM``), or both;
    (a tranche outside the horizon is a warning: see ``warning_checks``); its ``in_kind`` names a
    block whose kind is an expense (not revenue, funding, debt, nor hardware: capital spending is
    investing, and credits that paid it would be added back to cash from operations as if expensed)
    that no other round pays in kind."""
    out, paid_by = [], {}
    names = {b.name.lower(): b for b in draft.blocks.values()}
    for block in (b for b in draft.blocks.values() if b.kind == "funding" and (b.rows or b.shapes)):
        cell = block.first_row.cells["parameter"]
        tranches = any(m.startswith(TRANCHE) for m in block.shapes.get("amount", {}))
        if ("amount" in block.rows) != ("month" in block.rows) or not (tranches or "amount" in block.rows):
            out.append((cell, f"funding block '{block.name}' needs amount and month together, or tranches as "
                              f"amount@YYYY-MM rows (or both)"))
        row = block.rows.get("in_kind")
        if row is None or not row.text:
            continue
        target = names.get(row.text.lower())
        if target is None or not _payable_in_kind(target):
            out.append((row.cells["value"], _not_a_cost_block(row.text, target, draft.blocks.values())))
        elif row.text.lower() in paid_by:
            out.append((row.cells["value"], f"block '{target.name}' is already paid in kind by "
                                            f"'{paid_by[row.text.lower()]}'; one round of credits per block is "
                                            f"supported: give that round's credits as tranches "
                                            f"(amount@YYYY-MM rows) instead"))
        paid_by.setdefault(row.text.lower(), block.name)
    return [Problem(draft.name, draft.sheet("Assumptions"), c, msg) for c, msg in out]


def _payable_in_kind(block: Block) -> bool:
    """Credits pay an expense: a cost block whose cost is not capital spending."""
    kind = KINDS[block.kind]
    return kind.role == "cost" and kind.category != "capital_expenditure"


def _not_a_cost_block(name: str, target: Block | None, blocks) -> str:
    """Why an ``in_kind`` value is not a block whose cost credits can pay, and the blocks that would do."""
    costs = ", ".join(b.name for b in blocks if _payable_in_kind(b)) or "none in this workbook"
    what = ("names no block" if target is None else
            f"names block '{target.name}', a {target.kind} block (capital spending, not an expense)"
            if KINDS[target.kind].role == "cost" else
            f"names block '{target.name}', a {target.kind} block ({KINDS[target.kind].role}, not a cost)")
    return f"in_kind '{name}' {what}; give the name of the cost block whose cost the credits pay: {costs}"


CHECKS: tuple[Callable[[Draft], list[Problem]], ...] = (
    check_file, check_sheets, check_settings, check_scenarios, check_assumption_cells, check_blocks,
    check_link_blocks, check_not_empty, check_link_lines, check_cycles, check_distributions, check_growth,
    check_funding, check_correlations, check_valuations, check_sources, check_user_checks,
    *WARNING_CHECKS, check_schema,
)


def validate(draft: Draft) -> list[Problem]:
    """Every problem of a read workbook, errors and warnings: the problems of each check in
    :data:`CHECKS`, in that order. A check marked ``needs_valid`` (it evaluates the model) runs only
    when the checks before it found no error, and a cell with an error has no warning besides."""
    out: list[Problem] = []
    for check in CHECKS:
        if not (getattr(check, "needs_valid", False) and errors_of(out)):
            out.extend(check(draft))
    wrong = {(p.sheet, p.cell) for p in errors_of(out)}
    return [p for p in out if not (p.is_warning and (p.sheet, p.cell) in wrong)]


def _buildable_workbook(draft: Draft) -> Workbook:
    """The draft as a workbook of the rows that parsed and the blocks without block problems, for
    building lines; a stand-in for settings that did not parse (only the currency labels lines)."""
    settings = draft.settings or Settings(dt.date(2000, 1, 1), 1, draft.currency or "", 0.0, 0.0, None, {}, {})
    blocks = {slug: b for slug, b in draft.blocks.items() if b.rows and not block_problems(draft, b)}
    return Workbook(draft.name, draft.path, settings, list(draft.rows), blocks, draft.scenarios)
