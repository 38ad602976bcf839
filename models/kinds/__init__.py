"""Block kinds: what each kind of block (subscription, training, funding, ...) computes.

Each kind is one module beside this one, holding its record (``KIND``: parameters, builder and the
formulas it uses) and its formulas as small pure functions. :data:`KINDS` is the one list of them;
validation, the README's reference table, the starter workbook and the HTML report's methodology all
loop over it. A new kind is a new module and one entry here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from cashcast.models.engine.expr import Expr, LineRef
from cashcast.models.kinds import (advertising, cost, debt, funding, hardware, headcount, inference, licensing, opex,
                                   revenue, subscription, training, usage)
from cashcast.models.kinds.base import CATEGORIES, BlockContext, KindSpec, Line, ParamSpec

if TYPE_CHECKING:  # the loader imports this registry, so only for types
    from cashcast.models.reading.data import Row, Workbook

__all__ = ["CATEGORIES", "ENTRY_POINTS", "KINDS", "Kinds", "add_plugin_kinds", "BlockContext", "KindSpec", "Line", "ParamSpec", "block_lines_and_links", "build_block_lines",
           "kinds_table"]

class Kinds(dict):
    """The registry of kinds: the built-in ones, then those other packages register under the entry
    point group ``cashcast.blocks`` (:func:`add_plugin_kinds`), looked up only the first time a name is
    not among the built-ins (scanning the installed packages costs a tenth of a second, which a
    workbook of built-in kinds never pays)."""

    loaded = False

    def load_plugins(self) -> "Kinds":
        if not self.loaded:
            self.loaded = True
            add_plugin_kinds(self)
        return self

    def __missing__(self, name: str) -> KindSpec:
        if not self.loaded and dict.__contains__(self.load_plugins(), name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or (not self.loaded and dict.__contains__(self.load_plugins(), name))

    def get(self, name, default=None):
        return self[name] if name in self else default


KINDS: Kinds = Kinds(
    (k.name, k)
    for k in (subscription.KIND, licensing.KIND, advertising.KIND, usage.KIND, training.KIND,
              inference.KIND, hardware.KIND, headcount.KIND, opex.KIND, revenue.KIND, cost.KIND, funding.KIND,
              debt.KIND)
)
ENTRY_POINTS = "cashcast.blocks"  # the group other packages register their block kinds in


def add_plugin_kinds(kinds: dict[str, KindSpec]) -> None:
    """Add the block kinds other packages register under the entry point group ``cashcast.blocks``
    (each entry point names a :class:`KindSpec`, as the modules beside this one hold), after the
    built-in ones; a kind whose name is taken, or an entry point that is not a kind, is refused."""
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINTS):
        kind = ep.load()
        if not isinstance(kind, KindSpec):
            raise TypeError(f"entry point {ep.name} = {ep.value} ({ENTRY_POINTS}) is not a KindSpec")
        if dict.__contains__(kinds, kind.name):
            raise ValueError(f"entry point {ep.name} = {ep.value} ({ENTRY_POINTS}): a kind named "
                             f"{kind.name!r} exists already")
        kinds[kind.name] = kind


def kinds_table() -> list[tuple[str, str, str, str, str]]:
    """(kind, parameter, unit, required, what it is) for every parameter, for docs and the starter."""
    out = []
    for kind in KINDS.values():
        for p in kind.all_params():
            need = "yes" if p.required else "no"
            for mode in kind.modes:
                if p.name in mode:
                    need = "one way of: " + " | ".join("+".join(m) for m in kind.modes)
            doc = f"{p.doc}; {p.plausible_doc()}" if p.plausible else p.doc
            out.append((kind.name, p.name, p.dimension, need, doc))
    return out


def block_lines_and_links(workbook: Workbook) -> tuple[list[Line], list[tuple[Row, str | None]]]:
    """Every block's lines, in workbook order, and each link as (row, the line name it refers to); the
    name is None when the link names no block of ``workbook``. Checking the links is
    :func:`cashcast.models.reading.checks.check_link_lines`'s job."""
    by_name = {b.name.lower(): b for b in workbook.blocks.values()}
    links: list[tuple[Row, str | None]] = []

    def link_line(row: Row) -> Expr:
        target = by_name.get(row.link[0].lower())
        name = f"{target.slug}.{row.link[1]}" if target is not None else None
        links.append((row, name))
        return LineRef(name if name is not None else f"?{row.link[0]}.{row.link[1]}")

    lines: list[Line] = []
    for block in workbook.blocks.values():
        kind = KINDS[block.kind]
        lines.extend(kind.build(BlockContext(block, workbook, link_line, kind.category)))
    return lines, links


def build_block_lines(workbook: Workbook) -> list[Line]:
    """Every block's lines, in workbook order, with links between blocks resolved (``validate`` has
    checked that each names an existing count line)."""
    lines, links = block_lines_and_links(workbook)
    known = {ln.name for ln in lines}
    assert all(name in known for _row, name in links), "links are checked by validate() before building"
    return lines
