"""The README's tables of the statements, generated from the registries: where each kind's lines
sit (its category, from :data:`cashcast.models.kinds.KINDS`) and what each statement line is (from
:data:`cashcast.models.statements.lines.STATEMENT_LINES`). tests/test_readme.py holds the README to
exactly this text."""
from __future__ import annotations

from cashcast.models.kinds import CATEGORIES, KINDS
from cashcast.models.statements.lines import STATEMENTS, VIEWS, BY_NAME

# Lines a kind gives in another category than its own (hardware's depreciation)
EXTRA_CATEGORIES = {"hardware": ("depreciation",)}


def categories_markdown() -> str:
    """| kind | role | category | where it sits | for every kind of :data:`KINDS`.

    >>> categories_markdown().splitlines()[2]
    '| subscription | revenue | `revenue` | revenue (income statement) |'
    """
    out = ["| kind | role | category | where it sits |", "|---|---|---|---|"]
    for kind in KINDS.values():
        cats = (kind.category,) + EXTRA_CATEGORIES.get(kind.name, ())
        where = "; ".join(CATEGORIES[c] for c in cats)
        out.append(f"| {kind.name} | {kind.role} | {', '.join(f'`{c}`' for c in cats)} | {where} |")
    return "\n".join(out) + "\n"


def statements_markdown() -> str:
    """| statement | line | what it is | annual figure | for every line each statement shows."""
    out = ["| statement | line | label | annual figure |", "|---|---|---|---|"]
    for section in STATEMENTS:
        for name in VIEWS[section]:
            s = BY_NAME[name]
            annual = "ratio of the last month" if s.role == "ratio" else "year-end" if s.stock else "sum"
            out.append(f"| {section} | `{name}` | {s.label} | {annual} |")
    return "\n".join(out) + "\n"
