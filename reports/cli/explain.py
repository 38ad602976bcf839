"""``cashcast explain WORKBOOK LINE [--month YYYY-MM] [--scenario NAME] [--json]``: a line's formula,
value and dependency tree, as an indented tree for the terminal or as JSON.

The tree itself is :func:`cashcast.models.analysis.explain.explain`; this module only prints it.
"""
from __future__ import annotations

import json

from cashcast.models.analysis.explain import Node, explain
from cashcast.models.reading.workbook import load_workbook
from cashcast.reports.cli.check import print_warnings

EXIT_OK = 0


def cmd_explain(opts) -> int:
    """Load, explain, print (the tree, or with ``--json`` the JSON); 2 for a bad workbook or name."""
    wb = load_workbook(opts.workbook)
    found = explain(wb, opts.line, opts.month, opts.scenario)
    print_warnings(wb.warnings)
    if opts.json:
        print(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        print(f"{found.workbook}, scenario {found.scenario}, {found.month}")
        print("\n".join(tree_lines(found.line) + source_lines(found.sources)))
    return EXIT_OK


def source_lines(sources: dict) -> list[str]:
    """What the tree's source ids stand for: each cited row of the Sources sheet, its title (and its
    English title when it has one); nothing when the tree cites none.

    >>> from cashcast.models.reading.data import Source
    >>> print("\\n".join(source_lines({"A002": Source("A002", "ChatGPT中国变形记", "ChatGPT's transformation in China")})))
    Sources:
      A002  ChatGPT中国变形记 (ChatGPT's transformation in China)
    """
    if not sources:
        return []
    return ["Sources:"] + [f"  {i}  {s.title}" + (f" ({s.title_en})" if s.title_en else "") for i, s in sources.items()]


def number(value, unit: str) -> str:
    """A value as the tree shows it: a percentage for a ``%`` unit, whole numbers with thousands
    separators, others to the cent (tiny ones to six significant figures), a date as ``YYYY-MM``.

    >>> number(0.05, "%"), number(1e9, "visits/month"), number(481411309.1684683, "USD"), number(0.25, "")
    ('5%', '1,000,000,000', '481,411,309.17', '0.25')
    >>> number("2023-01", "date"), number(None, "USD")
    ('2023-01', '—')
    """
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    if unit.startswith("%"):
        return f"{value * 100:.6g}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"


def headline(node: Node) -> str:
    """One node's line: name = value unit, then what it is, where it is typed and its source."""
    unit = "" if node.unit in ("", "date") or node.unit.startswith("%") else f" {node.unit}"
    text = f"{node.name} = {number(node.value, node.unit)}{unit}"
    if node.kind in ("assumption", "setting"):
        where = f"  {node.cell}" if node.cell else ""
        return f"{text}  ({node.label}){where}  source: {node.source}"
    if node.kind == "line":
        text += f"  ({node.label}, {node.month})"
    elif node.kind in ("previous", "rolling_sum", "time", "constant"):
        text += f"  ({node.label})"
    return f"{text}  [{node.note}]" if node.note else text


def tree_lines(node: Node, lead: str = "", branch: str = "") -> list[str]:
    """The node and what it depends on as an indented tree (``├─``, ``└─``), each line's formula under it.

    >>> leaf = Node("assumption", "plus__price", "Plus.price", 20.0, "USD/month", "001.txt", cell="Assumptions!D6")
    >>> top = Node("line", "plus.revenue", "Plus: revenue", 200.0, "USD/month", month="2023-01",
    ...            formula="plus.subscribers*plus__price", depends_on=[leaf])
    >>> print("\\n".join(tree_lines(top)))
    plus.revenue = 200 USD/month  (Plus: revenue, 2023-01)
    │  = plus.subscribers*plus__price
    └─ plus__price = 20 USD/month  (Plus.price)  Assumptions!D6  source: 001.txt
    """
    out = [f"{lead}{branch}{headline(node)}"]
    inner = lead + ("" if not branch else "│  " if branch == "├─ " else "   ")
    if node.kind == "line" and node.formula and not node.note:
        bar = "│ " if node.depends_on else "  "
        out.append(f"{inner}{bar} = {node.formula}")
    for i, child in enumerate(node.depends_on):
        last = i == len(node.depends_on) - 1
        out.extend(tree_lines(child, inner, "└─ " if last else "├─ "))
    return out
