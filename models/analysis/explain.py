"""``cashcast explain``: one line's formula, its value in a month, and the tree of what it depends on.

Nothing here re-derives a formula. Every model line is one expression tree of the line engine
(:mod:`cashcast.models.engine.expr`); :func:`explain` walks that tree:

* the **formula** is the tree's Excel rendering (``Expr.xl``) with a context that names things
  instead of pointing at cells: an assumption by its defined name (``chatgpt_plus__price``, the name
  the Excel report gives its input cell), another line by its name (``chatgpt_plus.subscribers``),
  last month's value of a line as ``closing_cash[2024-05]``;
* every **value** is the tree's numpy rendering (``Expr.np``) evaluated at one month of one scenario,
  reading the lines the model computed for that scenario in one pass;
* the **dependencies** are the tree's nodes: the lines it reads (each explained in turn, once per
  month), last month's value of a line (not expanded: the previous month has a tree of its own), a
  rolling sum of a line, the calendar (month number, year, days in the month, months since a date),
  the named constants, and the assumptions and settings — each with its unit, its source and its cell
  (``Assumptions!D6``; a scenario's own value points at its scenario column).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np

from cashcast.models.analysis.batch import month_label
from cashcast.models.analysis.scenarios import select_scenarios
from cashcast.models.engine.expr import (Const, DaysInMonth, Expr, LineRef, MonthIndex, MonthOfYear,
                                         MonthsSince, Param, Prev, RollingSum, Year)
from cashcast.models.engine.model import Model, NumpyContext, build_model
from cashcast.models.engine.names import fx_name
from cashcast.models.reading.data import BASE, Row, Source, Workbook, slugify
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.sources import cited_sources, sources_json

TIME = {MonthIndex: ("month_index", "months since the model start (0 in the first month)", "months"),
        Year: ("year", "the calendar year of the month", "year"),
        MonthOfYear: ("month_of_year", "the calendar month (1 for January)", "month"),
        DaysInMonth: ("days_in_month", "calendar days in the month", "days")}
SHOWN_ABOVE = "explained above"


@dataclass
class Node:
    """One node of an explanation: a line in a month, an assumption, a setting, a constant or the calendar.

    ``kind``: ``line`` (with its ``formula`` and the ``depends_on`` it reads), ``previous`` (a line's
    value in the month before: not expanded), ``rolling_sum``, ``time``, ``constant``, ``assumption``
    or ``setting``. ``value`` is a number, or ``YYYY-MM`` for a date; ``cell`` is where an input is
    typed (``Assumptions!D6``); ``note`` says why a node is not expanded.
    """

    kind: str
    name: str
    label: str
    value: float | str | None
    unit: str
    source: str = ""
    cell: str | None = None
    month: str | None = None
    formula: str | None = None
    note: str = ""
    depends_on: list["Node"] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"kind": self.kind, "name": self.name, "label": self.label, "value": self.value,
               "unit": self.unit, "source": self.source}
        for key in ("cell", "month", "formula"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.note:
            out["note"] = self.note
        out["depends_on"] = [d.to_json() for d in self.depends_on]
        return out

    def leaves(self) -> list["Node"]:
        """The inputs the tree reaches (assumptions and settings), each once, in the order met."""
        found: dict[str, Node] = {}
        stack = [self]
        while stack:
            node = stack.pop(0)
            if node.kind in ("assumption", "setting"):
                found.setdefault(node.name, node)
            stack[:0] = node.depends_on
        return list(found.values())


@dataclass
class Explanation:
    """What ``cashcast explain`` prints: the workbook, the scenario, the month and the line's tree."""

    workbook: str
    scenario: str
    month: str
    line: Node
    sources: dict[str, Source] = field(default_factory=dict)  # the register's rows the tree cites, by id

    def to_json(self) -> dict:
        return {"workbook": self.workbook, "scenario": self.scenario, "month": self.month,
                "line": self.line.to_json(),
                "sources": sources_json(self.sources)}


def find_line(model: Model, text: str) -> str:
    """The line named ``text``: its name (``chatgpt_plus.revenue``), the block as typed with the line
    (``ChatGPT Plus.revenue``) or its label (``Closing cash``), case ignored; else InputError with the
    close matches (or every line when none is close)."""
    wanted = " ".join(text.split()).lower()
    block, dot, rest = wanted.rpartition(".")
    candidates = [wanted, f"{slugify(block)}.{rest.strip()}" if dot else wanted]
    for name, line in model.lines.items():
        if name.lower() in candidates or line.label.lower() == wanted:
            return name
    names = list(model.lines)
    close = difflib.get_close_matches(wanted, [n.lower() for n in names], n=6, cutoff=0.5)
    close = [n for n in names if n.lower() in close]
    listed = f"close matches: {', '.join(close)}" if close else f"lines: {', '.join(names)}"
    raise InputError([Problem(model.workbook.name, "", "", f"no line named '{text}'; {listed}")])


def find_month(workbook: Workbook, text: str | None) -> int:
    """The month index of ``YYYY-MM`` within the horizon (None: the last month), else InputError."""
    months = workbook.months()
    if text is None:
        return len(months) - 1
    labels = [m.strftime("%Y-%m") for m in months]
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    label = f"{int(m[1]):04d}-{int(m[2]):02d}" if m else None
    if label in labels:
        return labels.index(label)
    why = "is not a month (write YYYY-MM)" if m is None else "lies outside the horizon"
    raise InputError([Problem(workbook.name, "Settings", workbook.settings.value_cell("start_month"),
                              f"--month '{text}' {why}; the model runs from {labels[0]} to {labels[-1]}")])


class NamesContext:
    """The Excel protocol of :mod:`cashcast.models.engine.expr`, naming instead of pointing at cells."""

    def __init__(self, months: list, t: int):
        self.months, self.t = months, t

    def param(self, name: str) -> str:
        return name

    def line(self, name: str) -> str:
        return name

    def prev(self, name: str) -> str | None:
        return None if self.t == 0 else f"{name}[{self.months[self.t - 1].strftime('%Y-%m')}]"

    def month_index(self) -> str:
        return "month_index"

    def month_date(self) -> str:
        return "month"

    def rolling_sum(self, name: str, months: int) -> str:
        return f"SUM({name}, last {months} months)"

    def months_since(self, name: str) -> str:
        return f"months_since({name})"


def formula(expr: Expr, months: list, t: int) -> str:
    """The expression as Excel text in names, without the outer brackets of a whole-formula operation.

    >>> import datetime as dt
    >>> m = [dt.date(2023, 1, 1), dt.date(2023, 2, 1)]
    >>> e = Prev("closing_cash", Param("settings__opening_cash")) + LineRef("net_cash_flow")
    >>> formula(e, m, 0), formula(e, m, 1)
    ('settings__opening_cash+net_cash_flow', 'closing_cash[2023-01]+net_cash_flow')
    """
    text = expr.xl(NamesContext(months, t))
    return text[1:-1] if _wrapped(text) else text


def _wrapped(text: str) -> bool:
    """The text is one bracketed whole: ``(a+b)`` is, ``(a)+(b)`` is not."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def dependencies(expr: Expr, t: int) -> list[Expr]:
    """The nodes of ``expr`` an explanation lists, each once, in the order met: lines, last month's
    lines (in the first month, the initial value instead), rolling sums, calendar terms, months since
    a date, constants and parameters. Arithmetic, IF, MIN and MAX are walked through."""
    found: dict[tuple, Expr] = {}

    def visit(node: Expr) -> None:
        if isinstance(node, Prev) and t == 0:
            visit(node.initial)
            return
        key = _key(node)
        if key is not None:
            found.setdefault(key, node)
            return
        for child in node.children():
            visit(child)

    visit(expr)
    return list(found.values())


def _key(node: Expr) -> tuple | None:
    if isinstance(node, (LineRef, Prev, Param)):
        return (type(node).__name__, node.name)
    if isinstance(node, RollingSum):
        return ("RollingSum", node.name, node.months)
    if isinstance(node, Const):
        return ("Const", node.name)
    if isinstance(node, MonthsSince):
        return ("MonthsSince", id(node.date) if not isinstance(node.date, Param) else node.date.name)
    if type(node) in TIME:
        return (type(node).__name__,)
    return None


class _Explainer:
    """Builds the tree for one scenario: the model's lines evaluated once, read at any month."""

    def __init__(self, model: Model, scenario: str):
        self.model, self.wb = model, model.workbook
        self.scenario, self.months = scenario, model.workbook.months()
        params = self.wb.param_values([scenario])
        with np.errstate(all="ignore"):
            result = model.evaluate(params)
        self.ctx = NumpyContext(self.wb, params, 1)
        self.ctx.values = result.values
        self.rows = self.wb.row_by_key()
        self.settings = {r.key: r for r in self.wb.setting_rows() + fx_rows(self.wb)}
        self.seen: set[tuple[str, int]] = set()

    def label(self, t: int) -> str:
        return self.months[t].strftime("%Y-%m")

    def value(self, expr: Expr, t: int) -> float:
        """The node's numpy value at month ``t`` (the engine's month-by-month mode)."""
        self.ctx.row = t
        try:
            with np.errstate(all="ignore"):
                return float(np.asarray(expr.np(self.ctx), dtype=float).reshape(-1)[0])
        finally:
            self.ctx.row = None

    def line(self, name: str, t: int) -> Node:
        ln = self.model.lines[name]
        node = Node("line", name, ln.label, self.value(LineRef(name), t), ln.unit, "model line",
                    month=self.label(t), formula=formula(ln.expr, self.months, t))
        if (name, t) in self.seen:
            node.note = SHOWN_ABOVE
            return node
        self.seen.add((name, t))
        node.depends_on = [self.node(d, t) for d in dependencies(ln.expr, t)]
        return node

    def node(self, expr: Expr, t: int) -> Node:
        if isinstance(expr, LineRef):
            return self.line(expr.name, t)
        if isinstance(expr, Prev):
            ln = self.model.lines[expr.name]
            return Node("previous", expr.name, f"{ln.label}, the month before", self.value(expr, t), ln.unit,
                        "model line", month=self.label(t - 1), formula=f"{expr.name}[{self.label(t - 1)}]",
                        note=f"the previous month: explain it with --month {self.label(t - 1)}")
        if isinstance(expr, RollingSum):
            ln = self.model.lines[expr.name]
            first = self.label(max(0, t - expr.months + 1))
            return Node("rolling_sum", f"SUM({expr.name}, last {expr.months} months)",
                        f"{ln.label}, summed over {first} to {self.label(t)}", self.value(expr, t), ln.unit,
                        "model line", month=self.label(t), depends_on=[self.line(expr.name, t)])
        if isinstance(expr, Const):
            return Node("constant", expr.name, expr.meaning or expr.name, expr.value, "", "named constant")
        if isinstance(expr, MonthsSince):
            name = formula(expr, self.months, t)
            return Node("time", name, "whole months from the date to this month", self.value(expr, t), "months",
                        "calendar", month=self.label(t), depends_on=[self.node(d, t) for d in
                                                                     dependencies(expr.date, t)])
        if type(expr) in TIME:
            name, what, unit = TIME[type(expr)]
            return Node("time", name, what, self.value(expr, t), unit, "calendar", month=self.label(t))
        return self.param(expr)

    def param(self, expr: Param) -> Node:
        value = self.value(expr, 0)
        if expr.name in self.settings:
            return self.setting(self.settings[expr.name], value)
        row = self.rows[expr.name]
        shown = month_label(self.months, value) if row.dimension == "date" else value
        return Node("assumption", expr.name, row.label, shown, row.unit, row.source,
                    cell=f"Assumptions!{input_cell(row, self.scenario)}")

    def setting(self, row: Row, value: float) -> Node:
        s = self.wb.settings
        cell = input_cell(row, self.scenario) if row.kind == "settings" else row.cells.get("value", "")
        if not cell:
            return Node("setting", row.key, f"settings.{row.parameter}", value, row.unit,
                        "the default: the Settings sheet does not give it")
        return Node("setting", row.key, f"settings.{row.parameter}", value, row.unit,
                    s.notes.get(row.parameter, "") or "Settings sheet", cell=f"Settings!{cell}")


def fx_rows(workbook: Workbook) -> list[Row]:
    """The exchange-rate settings (``fx_USD``) as rows, like :meth:`Workbook.setting_rows`."""
    s = workbook.settings
    return [Row(0, "settings", "fx", f"fx_{code}", f"fx_{code}", None, "fx", f"{s.currency}/{code}", None, rate,
                None, None, None, None, "", s.notes.get(f"fx_{code}", ""), {}, {"value": s.value_cell(f"fx_{code}")},
                fx_name(code)) for code, rate in s.fx.items()]


def input_cell(row: Row, scenario: str) -> str:
    """Where the value a scenario reads is typed: its scenario column when it has its own value there,
    else the value column."""
    if scenario != BASE and (scenario in row.overrides or scenario in row.ranges):
        return row.cells.get(f"scenario:{scenario}", row.cells.get("value", ""))
    return row.cells.get("value", "")


def _collect(problems: list[Problem], attempt, default=None):
    """``attempt()``, or ``default`` with its problems added to ``problems``."""
    try:
        return attempt()
    except InputError as exc:
        problems.extend(exc.problems)
        return default


def explain(workbook: Workbook, line: str, month: str | None = None, scenario: str | None = None) -> Explanation:
    """Explain ``line`` of ``workbook`` at ``month`` (``YYYY-MM``; None: the last month) of
    ``scenario`` (None: base). A name, month or scenario the workbook does not have raises
    InputError listing what it has, every one of them at once."""
    model = build_model(workbook)
    problems: list[Problem] = []
    name = _collect(problems, lambda: find_line(model, line))
    t = _collect(problems, lambda: find_month(workbook, month))
    scen = _collect(problems, lambda: select_scenarios(workbook, [scenario] if scenario else None)[0])
    if problems:
        raise InputError(problems)
    root = _Explainer(model, scen).line(name, t)
    return Explanation(workbook.name, scen, month_label(workbook.months(), t), root,
                       cited(root, workbook.sources or {}))


def cited(root: Node, register: dict[str, Source]) -> dict[str, Source]:
    """The register's rows that the tree's source cells name, in the order first met (a source cell
    ``A001 §3; A002`` names A001 and A002; an id not on the register is left out: check reports it)."""
    texts: list[str] = []

    def visit(node: Node) -> None:
        texts.append(node.source)
        for d in node.depends_on:
            visit(d)
    visit(root)
    return cited_sources(texts, register)
