"""A sweep spec (TOML), read and checked: every problem at once, each naming the spec's line.

TOML, not YAML: Python reads it with the standard library's ``tomllib`` (no dependency), its types
are explicit (``20`` is a number, ``"20%"`` a text, ``2025-06-01`` a date: no YAML ``NO`` → false
surprise), and it is the format of ``pyproject.toml`` that the project's users already edit::

    workbooks = ["assumptions/*.xlsx"]     # paths or globs, relative to the spec's folder
    scenarios = ["base", "ads-15pct"]      # optional: default every scenario of each workbook
    samples = 10000                        # Monte Carlo paths per combination (0: the scenario alone)
    seed = 0
    chunk = 8192                           # samples per task: bounds a worker's memory
    percentile_paths = false               # P10/P50/P90 of closing cash per month, per combination

    [grid]                                 # each key a row or a setting; the grid is the product
    "ChatGPT Plus.price" = [20, 22, "25"]  # values as the workbook takes them: 2.5B, 15%, 2025-06
    "ChatGPT Plus.conversion" = { from = 0.02, to = 0.05, steps = 4 }
    "settings.opening_cash" = ["10B", "20B"]

:func:`read_spec` checks the spec's own text; :func:`plan` loads the workbooks (their problems in
the usual ``WORKBOOK:SHEET!CELL: …`` form) and checks the grid and scenarios against each, then
lists every combination (workbook-major, then scenario, then grid point; its place is its index).
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import itertools
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cashcast.models.analysis.distributions import BLOCK
from cashcast.models.analysis.sweep import DEFAULT_SAMPLES, DEFAULT_SEED, find_target, typed_value
from cashcast.models.engine.model import build_model
from cashcast.models.reading.data import Workbook
from cashcast.models.reading.problems import InputError, Problem
from cashcast.models.reading.workbook import load_workbook

KEYS = {"workbooks", "scenarios", "samples", "seed", "chunk", "percentile_paths", "grid"}
MAX_COMBINATIONS = 1_000_000


@dataclass(frozen=True)
class Axis:
    """One grid key: the row or setting as typed, its values as typed, the spec line of its key."""

    target: str
    values: tuple
    line: int


@dataclass
class Spec:
    """A spec whose own text is valid (its workbooks not yet read)."""

    path: Path
    workbooks: list[Path]
    scenarios: list[str] | None
    axes: list[Axis]
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    chunk: int = BLOCK
    percentile_paths: bool = False
    lines: dict[str, int] = field(default_factory=dict)
    digest: str = ""
    problems: list[Problem] = field(default_factory=list)  # the text's own, reported with plan()'s

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Combination:
    """One workbook × scenario × grid point; ``point`` the grid values as typed (axis target → value),
    ``overrides`` the same as the model holds them (parameter key → number)."""

    index: int
    stem: str
    scenario: str
    point: dict
    overrides: dict


def key_lines(text: str) -> dict[str, int]:
    """The line of each key, as ``table.key`` (quotes dropped); a table header's own line too.

    >>> key_lines('samples = 5\\n[grid]\\n"A.price" = [1]\\n')
    {'samples': 1, 'grid': 2, 'grid.A.price': 3}
    """
    out, table = {}, ""
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        head = re.fullmatch(r"\[\[?\s*(.+?)\s*\]\]?(\s*#.*)?", s)
        if head:
            table = head[1].strip('"\'')
            out.setdefault(table, n)
            continue
        m = re.match(r'("[^"]*"|\'[^\']*\'|[A-Za-z0-9_.\- ]+?)\s*=', s)
        if m:
            out.setdefault(f"{table}.{m[1].strip(chr(34) + chr(39))}" if table else m[1].strip("\"'"), n)
    return out


def _whole(spec_name: str, lines: dict, data: dict, key: str, default: int, least: int, problems: list) -> int:
    x = data.get(key, default)
    if isinstance(x, bool) or not isinstance(x, int) or x < least:
        problems.append(Problem(spec_name, "", str(lines.get(key, 1)),
                                f"{key} = {x!r} is not a whole number of {least} or more"))
        return default
    return x


def _strings(spec_name: str, lines: dict, data: dict, key: str, problems: list) -> list[str] | None:
    x = data.get(key)
    if x is None:
        return None
    if not isinstance(x, list) or not x or not all(isinstance(v, str) and v.strip() for v in x):
        problems.append(Problem(spec_name, "", str(lines.get(key, 1)), f"{key} must be a list of names such "
                                f'as ["a", "b"], not {x!r}'))
        return None
    return list(x)


def _axis(spec_name: str, line: int, target: str, given, problems: list) -> Axis | None:
    """A grid key's values: a non-empty list, or ``{from, to, steps}`` (numbers; steps ≥ 2)."""
    def bad(msg: str) -> None:
        problems.append(Problem(spec_name, "", str(line), f"grid '{target}': {msg}"))

    if isinstance(given, dict):
        extra = set(given) - {"from", "to", "steps"}
        lo, hi, steps = given.get("from"), given.get("to"), given.get("steps")
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi))
        if extra or not numbers or isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
            bad("a range is { from = NUMBER, to = NUMBER, steps = WHOLE NUMBER of 2 or more }"
                + (f"; unknown {', '.join(sorted(extra))}" if extra else ""))
            return None
        return Axis(target, tuple(float(x) for x in np.linspace(lo, hi, steps)), line)
    if not isinstance(given, list) or not given:
        bad(f"give a list of values or a range {{ from, to, steps }}, not {given!r}")
        return None
    wrong = [v for v in given if isinstance(v, bool) or not isinstance(v, (int, float, str, dt.date))]
    if wrong:
        bad(f"{wrong[0]!r} is not a number, a text such as '15%' or '2.5B', or a date")
        return None
    return Axis(target, tuple(given), line)


def read_spec(path: Path) -> Spec:
    """The spec's text checked (not its workbooks): its problems kept in ``problems``, so that
    :func:`plan` reports them with the workbooks' (InputError here only for text that is not TOML)."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise InputError([Problem(name, "", "", f"cannot read the spec: {exc.strerror or exc}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"\(at line (\d+)", str(exc))
        raise InputError([Problem(name, "", m[1] if m else "1", f"not valid TOML: {str(exc).split(' (at')[0]}")]) from None
    lines, problems = key_lines(text), []
    for key in sorted(set(data) - KEYS):
        problems.append(Problem(name, "", str(lines.get(key, 1)), f"unknown key '{key}'; valid: {', '.join(sorted(KEYS))}"))
    books = _strings(name, lines, data, "workbooks", problems) if "workbooks" in data else None
    if "workbooks" not in data:
        problems.append(Problem(name, "", "1", 'no workbooks: add workbooks = ["assumptions/*.xlsx"]'))
    paths = _workbooks(name, lines, path.parent, books or [], problems)
    grid = data.get("grid", {})
    axes = []
    if not isinstance(grid, dict):
        problems.append(Problem(name, "", str(lines.get("grid", 1)), "grid must be a table: [grid]"))
        grid = {}
    for target, given in grid.items():
        axis = _axis(name, lines.get(f"grid.{target}", lines.get("grid", 1)), target, given, problems)
        axes.append(axis)
    paths_flag = data.get("percentile_paths", False)
    if not isinstance(paths_flag, bool):
        problems.append(Problem(name, "", str(lines.get("percentile_paths", 1)), "percentile_paths is true or false"))
    spec = Spec(path, paths, _strings(name, lines, data, "scenarios", problems), [a for a in axes if a],
                _whole(name, lines, data, "samples", DEFAULT_SAMPLES, 0, problems),
                _whole(name, lines, data, "seed", DEFAULT_SEED, 0, problems),
                _whole(name, lines, data, "chunk", BLOCK, 1, problems), paths_flag is True, lines,
                problems=problems)
    same = {k: v for k, v in data.items() if k != "chunk"}  # the chunk size does not change results
    same["workbooks"] = [str(p.resolve()) for p in paths]
    spec.digest = hashlib.sha256(json.dumps(same, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return spec


def _workbooks(name: str, lines: dict, home: Path, patterns: list[str], problems: list) -> list[Path]:
    """Each pattern's files (relative to the spec's folder), in order, each once; a pattern matching
    nothing, or two workbooks of the same stem (they would share a partition), is a problem."""
    out, line = [], str(lines.get("workbooks", 1))
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(home / pattern)
        found = sorted(Path(p) for p in glob.glob(full)) if glob.has_magic(pattern) else [Path(full)]
        found = [p for p in found if p.is_file()]
        if not found:
            problems.append(Problem(name, "", line, f"unknown workbook '{pattern}': no such file"))
        out.extend(p for p in found if p not in out)
    stems = [p.stem for p in out]
    for stem in sorted({s for s in stems if stems.count(s) > 1}):
        problems.append(Problem(name, "", line, f"two workbooks are named '{stem}'; each stem names a partition"))
    return out


def plan(spec: Spec) -> tuple[dict[str, Workbook], list[Combination]]:
    """The workbooks (by stem) and every combination; InputError with every workbook's problems and
    every spec problem against the workbooks (a scenario or grid key a workbook lacks, a bad value)."""
    name, problems, books = spec.path.name, list(spec.problems), {}
    for path in spec.workbooks:
        try:
            books[path.stem] = load_workbook(path)
            build_model(books[path.stem])  # what `cashcast check` checks: links, cycles
        except InputError as exc:
            problems.extend(exc.problems)
    combos = []
    for stem, wb in books.items():
        scenarios = spec.scenarios or wb.scenario_names
        for s in scenarios:
            if s not in wb.scenario_names:
                problems.append(Problem(name, "", str(spec.line("scenarios")), f"workbook {wb.name} has no "
                                        f"scenario '{s}'; it has {', '.join(wb.scenario_names)}"))
        axes = _resolved(spec, wb, problems)
        if axes is None:
            continue
        points = list(itertools.product(*[[(a.target, v, key, x) for v, x in zip(a.values, xs)]
                                          for a, key, xs in axes]))
        for s in (x for x in scenarios if x in wb.scenario_names):
            for point in points:
                combos.append(Combination(len(combos), stem, s, {t: v for t, v, _, _ in point},
                                          {k: x for _, _, k, x in point}))
    if len(combos) > MAX_COMBINATIONS:
        problems.append(Problem(name, "", str(spec.line("grid")), f"{len(combos):,} combinations; at most "
                                f"{MAX_COMBINATIONS:,} in one sweep"))
    if problems:
        raise InputError(problems)
    return books, combos


def _resolved(spec: Spec, wb: Workbook, problems: list) -> list | None:
    """Each axis of the grid with its row's key and its values as the workbook holds them; None (and
    problems) when an axis names nothing in ``wb`` or a value does not fit its row."""
    out, ok, seen = [], True, {}
    for axis in spec.axes:
        row = find_target(wb, axis.target)
        where = (spec.path.name, "", str(axis.line))
        if row is None:
            problems.append(Problem(*where, f"grid '{axis.target}' names no assumption or setting of {wb.name} "
                                    "(BLOCK.PARAMETER with a value, or settings.NAME)"))
            ok = False
            continue
        if row.key in seen:
            problems.append(Problem(*where, f"grid '{axis.target}' names the same row as '{seen[row.key]}'"))
            ok = False
        seen[row.key] = axis.target
        typed = [typed_value(row, v) for v in axis.values]
        for v, (_, why) in zip(axis.values, typed):
            if why:
                problems.append(Problem(*where, f"grid '{axis.target}' value {v!r} in {wb.name}: {why}"))
                ok = False
        out.append((axis, row.key, [x for x, _ in typed]))
    return out if ok else None


__all__ = ["Axis", "Combination", "Spec", "key_lines", "plan", "read_spec"]
