"""The model: every block's lines plus the totals, ordered, and evaluated with numpy.

``build_model(workbook)`` turns a validated workbook into a :class:`Model`; ``Model.evaluate(params)``
computes every line for every column of ``params`` (scenarios or Monte Carlo samples) at once.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache

import numpy as np

from cashcast.models.kinds import Line, build_block_lines
from cashcast.models.engine.expr import BinOp, Expr, LineRef, Param, Prev, RollingSum
from cashcast.models.reading.data import Workbook
from cashcast.models.statements.lines import statement_lines


def total_lines(block_lines: list[Line], currency: str) -> list[Line]:
    """The model's totals and its three statements, defined once like every other line (see
    :mod:`cashcast.models.statements.lines`): e.g. ``net_cash_flow = operating_cash_flow + funding``,
    ``closing_cash_t = closing_cash_{t−1} + net_cash_flow_t`` starting from the opening cash.
    """
    return statement_lines(block_lines, currency)


@dataclass
class Model:
    workbook: Workbook
    lines: dict[str, Line]
    order: list[str]

    @property
    def horizon(self) -> int:
        return self.workbook.settings.horizon_months

    @cached_property
    def _last_use(self) -> dict[str, int]:
        return _last_use(self)

    def lines_by_role(self, role: str) -> list[Line]:
        return [ln for ln in self.lines.values() if ln.role == role]

    def evaluate(self, params: dict[str, np.ndarray], keep: set[str] | None = None) -> "Result":
        """Evaluate every line for every column of ``params`` (each value an array of shape (S,), or
        (1,) for a value shared by every column: lines that read only shared values stay (T, 1)).

        ``keep`` limits which lines the result holds (the rest are freed as soon as no later line
        needs them), which keeps memory flat for large simulations.
        """
        size = max((len(v) for v in params.values()), default=1)  # (1,) params broadcast
        ctx = NumpyContext(self.workbook, params, size)
        last_use = self._last_use
        with np.errstate(all="ignore"):  # an IF's unchosen branch may divide by zero; lines are checked finite
            for i, name in enumerate(self.order):
                ctx.compute(name, self.lines[name].expr)
                if keep is not None:
                    for dep in [d for d, last in last_use.items() if last == i and d not in keep]:
                        ctx.values.pop(dep, None)
        values = ctx.values if keep is None else {k: v for k, v in ctx.values.items() if k in keep}
        return Result(self, values, size, params)


def _last_use(model: Model) -> dict[str, int]:
    """For each line, the position in the evaluation order of the last line that reads it."""
    last = {}
    for i, name in enumerate(model.order):
        expr = model.lines[name].expr
        for dep in expr.line_refs() | expr.prev_refs() | {name}:
            last[dep] = i
    return last


@dataclass
class Result:
    """Evaluated lines: ``values[name]`` has shape (months, 1 or S)."""

    model: Model
    values: dict[str, np.ndarray]
    size: int
    params: dict[str, np.ndarray] | None = None  # the parameters evaluated, (S,) or (1,) each

    def __getitem__(self, name: str) -> np.ndarray:
        """A line as (months, S)."""
        v = self.values[name]
        return np.broadcast_to(v, (self.model.horizon, self.size))

    def column(self, name: str, j: int) -> np.ndarray:
        return self[name][:, j]


class NumpyContext:
    """Evaluates expressions as months × paths arrays; see :mod:`cashcast.models.engine.expr` for the protocol."""

    def __init__(self, workbook: Workbook, params: dict[str, np.ndarray], size: int):
        months = workbook.months()
        self.T, self.S = len(months), size
        self.params = {k: np.asarray(v, dtype=float).reshape(1, -1) for k, v in params.items()}
        self.t = np.arange(self.T, dtype=float).reshape(-1, 1)
        self.years = np.array([m.year for m in months], dtype=float).reshape(-1, 1)
        self.months_of_year = np.array([m.month for m in months], dtype=float).reshape(-1, 1)
        self.days = np.array([calendar.monthrange(m.year, m.month)[1] for m in months],
                             dtype=float).reshape(-1, 1)
        self.values: dict[str, np.ndarray] = {}
        self.row: int | None = None

    # protocol ---------------------------------------------------------------------------------
    def param(self, name):
        v = self.params[name]
        return v[0] if self.row is not None else v

    def line(self, name):
        v = self.values[name]
        return v[self.row] if self.row is not None else v

    def prev(self, name, initial: Expr):
        if self.row is not None:
            return initial.np(self) if self.row == 0 else self.values[name][self.row - 1]
        v = self.values[name]
        init = np.atleast_2d(np.asarray(initial.np(self), dtype=float))
        width = max(v.shape[1], init.shape[1])
        return np.concatenate([np.broadcast_to(init, (1, width)),
                               np.broadcast_to(v[:-1], (self.T - 1, width))], axis=0)

    def month_index(self):
        return np.float64(self.row) if self.row is not None else self.t

    def year(self):
        return self.years[self.row, 0] if self.row is not None else self.years

    def month_of_year(self):
        return self.months_of_year[self.row, 0] if self.row is not None else self.months_of_year

    def days_in_month(self):
        return self.days[self.row, 0] if self.row is not None else self.days

    def rolling_sum(self, name, months):
        v = self.values[name]
        if self.row is not None:
            return v[max(0, self.row - months + 1): self.row + 1].sum(axis=0)
        c = running_total(v)
        out = np.empty_like(c)
        out[:months] = c[:months]
        np.subtract(c[months:], c[:-months], out=out[months:])
        return out

    # evaluation -------------------------------------------------------------------------------
    def compute(self, name: str, expr: Expr) -> None:
        if not _reads_itself(name, expr):
            v = np.asarray(expr.np(self), dtype=float)
            if v.ndim < 2:
                v = np.full((self.T, 1), float(v))
            elif v.shape[0] != self.T:
                v = np.broadcast_to(v, (self.T, v.shape[1])).copy()
            self.values[name] = v
            return
        running = _running_sum(name, expr)
        if running is not None:  # x_t = x_{t-1} + flow_t: a cumulative sum, no month loop needed
            initial, flow = running
            f = np.asarray(flow.np(self), dtype=float)
            f = np.broadcast_to(f, (self.T, f.shape[1] if f.ndim == 2 else 1))
            self.values[name] = running_total(f, np.asarray(initial.np(self), dtype=float))
            return
        width = self._width(expr)
        step = _hoist(name, expr, self)  # before the loop: the parts that do not need last month
        out = np.zeros((self.T, width))
        self.values[name] = out
        for t in range(self.T):
            self.row = t
            out[t] = step.np(self)
        self.row = None

    def _width(self, expr: Expr) -> int:
        width = 1
        for node in expr.walk():
            if isinstance(node, Param):
                width = max(width, self.params[node.name].shape[1])
            elif isinstance(node, (LineRef, Prev)) and node.name in self.values:  # another line, or last month's
                width = max(width, self.values[node.name].shape[1])
        return width


def running_total(flow: np.ndarray, initial=0.0) -> np.ndarray:
    """``x_t = x_{t−1} + flow_t`` with ``x_{−1} = initial``, for every path: (T, S) in, (T, S) out.

    Computed as T row additions in place, in the same order as the spreadsheet's cells
    (``initial + flow_0``, then ``+ flow_1``, ...). On a months × paths array this is about 20×
    faster than ``np.cumsum(axis=0)``, which walks each path down a strided column.

    >>> running_total(np.array([[1.0], [2.0], [3.0]]), 10.0)[:, 0]
    array([11., 13., 16.])
    """
    flow = np.atleast_2d(np.asarray(flow, dtype=float))
    init = np.atleast_2d(np.asarray(initial, dtype=float))
    out = np.empty((flow.shape[0], max(flow.shape[1], init.shape[1])))
    np.add(init[0], flow[0], out=out[0])
    for t in range(1, flow.shape[0]):
        np.add(out[t - 1], flow[t], out=out[t])
    return out


@dataclass(frozen=True, eq=False)
class _Rows(Expr):
    """A part of a recurrence computed for every month before the month loop; yields one month."""

    values: np.ndarray

    def np(self, ctx):
        v = self.values
        return v if v.ndim < 2 else v[0] if v.shape[0] == 1 else v[ctx.row]


def _hoist(name: str, expr: Expr, ctx: NumpyContext) -> Expr:
    """``expr`` with every part that reads neither ``name``'s previous month nor a rolling sum
    evaluated once for all months (as a months × paths array), so that the month loop of a
    recurrence such as ``MAX(audience × conversion, Prev(subscribers) × (1 − churn))`` only redoes
    the part that depends on last month."""
    if name not in expr.prev_refs() and not any(isinstance(n, RollingSum) for n in expr.walk()):
        return _Rows(np.asarray(expr.np(ctx), dtype=float))
    if isinstance(expr, Prev):
        return expr
    changes = {}
    for f in fields(expr):
        v = getattr(expr, f.name)
        if isinstance(v, Expr):
            changes[f.name] = _hoist(name, v, ctx)
        elif isinstance(v, tuple) and v and all(isinstance(a, Expr) for a in v):
            changes[f.name] = tuple(_hoist(name, a, ctx) for a in v)
    return replace(expr, **changes) if changes else expr


@lru_cache(maxsize=4096)  # expressions hash by identity; the model evaluates the same ones per chunk
def _reads_itself(name: str, expr: Expr) -> bool:
    return name in expr.prev_refs()


@lru_cache(maxsize=4096)
def _running_sum(name: str, expr: Expr):
    """Recognise ``Prev(name, initial) + flow`` where flow does not read ``name``."""
    if (isinstance(expr, BinOp) and expr.op == "+" and isinstance(expr.a, Prev) and expr.a.name == name
            and name not in expr.b.prev_refs() and name not in expr.b.line_refs()):
        return expr.a.initial, expr.b
    return None


def order_lines(lines: dict[str, Line]) -> tuple[list[str], list[list[str]]]:
    """Evaluation order (each line after what it reads), and any cycles found."""
    deps = {n: (ln.expr.line_refs() | ln.expr.prev_refs()) - {n} for n, ln in lines.items()}
    order, state, cycles = [], {}, []

    def visit(n, path):
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycles.append(path[path.index(n):])
            return
        state[n] = 1
        for d in sorted(deps.get(n, ())):
            if d in lines:
                visit(d, path + [d])
        state[n] = 2
        order.append(n)

    for n in lines:
        visit(n, [n])
    return order, cycles


def build_model(workbook: Workbook) -> Model:
    """Lines of every block, the totals, and an evaluation order, for a workbook that passed
    ``validate`` (so every link resolves and no line depends on itself)."""
    block_lines = build_block_lines(workbook)
    all_lines = block_lines + total_lines(block_lines, workbook.settings.currency)
    lines = {ln.name: ln for ln in all_lines}
    order, cycles = order_lines(lines)
    assert not cycles, f"validate() reports cycles before lines are built: {cycles}"
    return Model(workbook, lines, order)
