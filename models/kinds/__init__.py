"""Block kinds: what each kind of block (subscription, training, funding, ...) computes.

Each kind is one module beside this one, holding its record (``KIND``: parameters, builder and the
formulas it uses) and its formulas as small pure functions. :data:`KINDS` is the one list of them;
validation, the README's reference table, the starter workbook and the HTML report's methodology all
loop over it. A new kind is a new module and one entry here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cashcast.models.engine.expr import Expr, LineRef
from cashcast.models.kinds import (advertising, funding, hardware, headcount, inference, licensing, opex,
                                   subscription, training, usage)
from cashcast.models.kinds.base import BlockContext, KindSpec, Line, ParamSpec
from cashcast.models.reading.problems import Problem

if TYPE_CHECKING:  # the loader imports this registry, so only for types
    from cashcast.models.reading.workbook import Row, Workbook

__all__ = ["KINDS", "BlockContext", "KindSpec", "Line", "ParamSpec", "build_block_lines", "kinds_table"]

KINDS: dict[str, KindSpec] = {
    k.name: k
    for k in (subscription.KIND, licensing.KIND, advertising.KIND, usage.KIND, training.KIND,
              inference.KIND, hardware.KIND, headcount.KIND, opex.KIND, funding.KIND)
}


def kinds_table() -> list[tuple[str, str, str, str, str]]:
    """(kind, parameter, unit, required, what it is) for every parameter, for docs and the starter."""
    out = []
    for kind in KINDS.values():
        for p in kind.all_params():
            need = "yes" if p.required else "no"
            for mode in kind.modes:
                if p.name in mode:
                    need = "one way of: " + " | ".join("+".join(m) for m in kind.modes)
            out.append((kind.name, p.name, p.dimension, need, p.doc))
    return out


def build_block_lines(workbook: Workbook) -> tuple[list[Line], list[Problem]]:
    """Every block's lines, in workbook order, with links between blocks resolved."""
    by_name = {b.name.lower(): b for b in workbook.blocks.values()}
    pending: list[tuple[Row, str]] = []

    def link_line(row: Row) -> Expr:
        target = by_name[row.link[0].lower()]
        name = f"{target.slug}.{row.link[1]}"
        pending.append((row, name))
        return LineRef(name)

    lines: list[Line] = []
    for block in workbook.blocks.values():
        lines.extend(KINDS[block.kind].build(BlockContext(block, workbook, link_line)))
    return lines, _link_problems(workbook, lines, pending)


def _link_problems(workbook: Workbook, lines: list[Line], pending: list[tuple[Row, str]]) -> list[Problem]:
    """A link to a line the block does not have, or to a money line where a count belongs."""
    problems: list[Problem] = []
    known = {ln.name: ln for ln in lines}
    for row, name in pending:
        if name not in known:
            slug = name.split(".")[0]
            valid = ", ".join(n.split(".", 1)[1] for n in known if n.startswith(slug + "."))
            problems.append(Problem(workbook.name, "Assumptions", row.cells["value"],
                                    f"block '{row.link[0]}' has no line '{row.link[1]}'; its lines: {valid}"))
        elif known[name].unit.startswith(workbook.settings.currency):
            problems.append(Problem(workbook.name, "Assumptions", row.cells["value"],
                                    f"'{row.link[0]}.{row.link[1]}' is money, not a count; link a count "
                                    f"line such as subscribers"))
    return problems
