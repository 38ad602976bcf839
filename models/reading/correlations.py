"""The optional Correlations sheet: pairs of uncertain assumptions and their target rank correlation.

:func:`read_correlations` parses the sheet into :class:`~cashcast.models.reading.data.Correlation`
records, recording a problem at each bad cell (an unknown name, a name without a range, a
correlation outside −1..1, a self-pair, a pair given twice); :func:`check_correlations` (one of
:data:`~cashcast.models.reading.checks.CHECKS`) reports those and, for the pairs that parsed, every
group of correlations that cannot hold together (a matrix that is not positive semi-definite),
naming its cells. How the pairs are applied: :mod:`cashcast.models.analysis.correlations`.
"""
from __future__ import annotations

import re

from cashcast.models.analysis.correlations import groups, minimal_inconsistent, rank_matrix, smallest_eigenvalue
from cashcast.models.engine.names import setting_name
from cashcast.models.reading.cells import cell_text, parse_number
from cashcast.models.reading.data import Correlation, Draft, Row, Settings
from cashcast.models.reading.opening import CellValue, SheetReader
from cashcast.models.reading.problems import Problem
from cashcast.models.reading.specs import SCENARIO_SETTINGS

COLUMNS = ("first", "second", "rank correlation", "source", "notes")
REQUIRED = ("first", "second", "rank correlation")
LISTED = 20  # names listed in an "unknown name" message


def norm(name: str) -> str:
    """A name as compared: case, runs of spaces and spaces around dots ignored (as ``solve --vary``).

    >>> norm("  ChatGPT  Plus . Conversion ")
    'chatgpt plus.conversion'
    """
    return re.sub(r"\s*\.\s*", ".", " ".join(name.split())).lower()


def _names(rows: list[Row], settings: Settings | None) -> dict[str, tuple[str, str, str | None]]:
    """Every name a pair may use: normalised label → (label, parameter key, why it cannot be
    correlated or None). Settings are named only when the Settings sheet parsed."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for r in rows:
        why = ("is linked to a line, not a value" if r.link is not None else
               "has no low or high on the Assumptions sheet" if r.low is None and r.high is None else None)
        out[norm(r.label)] = (r.label, r.key, why)
    for name in SCENARIO_SETTINGS if settings is not None else ():
        ranged = settings.ranges.get(name, (None, None)) != (None, None)
        out[norm(f"settings.{name}")] = (f"settings.{name}", setting_name(name),
                                         None if ranged else "has no low or high on the Settings sheet")
    return out


def _uncertain_list(names: dict[str, tuple[str, str, str | None]]) -> str:
    ok = [label for label, _key, why in names.values() if why is None]
    more = f" and {len(ok) - LISTED} more" if len(ok) > LISTED else ""
    return ", ".join(ok[:LISTED]) + more if ok else "none (give an assumption a low and a high first)"


def read_correlations(reader: SheetReader, rows: list[Row], settings: Settings | None) -> list[Correlation]:
    """The pairs whose every cell is good; each bad cell is a problem on the reader.

    Rule: ``first`` and ``second`` name two different uncertain assumptions (``BLOCK.PARAMETER`` with a
    low or a high, or ``settings.NAME`` with a range), each pair once (in either order), and ``rank
    correlation`` is a number from −1 to 1 (``50%`` reads as 0.5). An empty sheet is no pairs.
    """
    table = reader.optional_table(COLUMNS, REQUIRED)
    if table is None:
        return []
    cols, records = table
    names, seen, out = _names(rows, settings), {}, []

    def cell(cells, column, r):
        idx = cols.get(column)
        return cells[idx] if idx is not None and idx < len(cells) else CellValue(f"A{r}", None)

    for r, cells in records:
        first = _resolve(reader, cell(cells, "first", r), names)
        second = _resolve(reader, cell(cells, "second", r), names)
        rho = _rank(reader, cell(cells, "rank correlation", r))
        if first is None or second is None:
            continue
        where = cell(cells, "second", r).ref
        if first[1] == second[1]:
            reader.problem(where, f"'{second[0]}' is paired with itself; a correlation needs two different "
                                  f"assumptions")
            continue
        pair = frozenset((first[1], second[1]))
        if pair in seen:
            reader.problem(where, f"the pair {first[0]} – {second[0]} is given twice (first on row {seen[pair]}); "
                                  f"keep one")
            continue
        seen[pair] = r
        if rho is not None:
            refs = {c: cell(cells, c, r).ref for c in COLUMNS if c in cols}
            out.append(Correlation(first[0], second[0], rho, first[1], second[1],
                                   cell_text(cell(cells, "source", r).value),
                                   cell_text(cell(cells, "notes", r).value), refs))
    return out


def _resolve(reader: SheetReader, cell: CellValue, names) -> tuple[str, str] | None:
    """(label, key) of the assumption a cell names, or None with a problem at the cell."""
    if cell.ref in reader.flagged or reader.odd(cell, "the assumption name"):
        return None
    text = cell_text(cell.value)
    if not text:
        reader.problem(cell.ref, "no assumption named; type BLOCK.PARAMETER, e.g. ChatGPT Plus.conversion")
        return None
    found = names.get(norm(text))
    if found is None:
        reader.problem(cell.ref, f"'{text}' names no assumption; type BLOCK.PARAMETER of one with a low or a "
                                 f"high: {_uncertain_list(names)}")
        return None
    label, key, why = found
    if why is not None:
        reader.problem(cell.ref, f"'{label}' {why}, so it is not uncertain and cannot be correlated; give it a "
                                 f"range or remove the pair")
        return None
    return label, key


def _rank(reader: SheetReader, cell: CellValue) -> float | None:
    """The rank correlation in a cell, or None with a problem at the cell."""
    if cell.ref in reader.flagged:
        return None
    if cell_text(cell.value) == "":
        reader.problem(cell.ref, "no rank correlation; type a number from -1 to 1, e.g. 0.5")
        return None
    x, err = parse_number(cell.value, "rate")
    if err is not None:
        reader.problem(cell.ref, f"'{cell_text(cell.value)[:40]}' is not a rank correlation; type a number "
                                 f"from -1 to 1, e.g. 0.5 or -30%")
        return None
    if not -1.0 <= x <= 1.0:
        reader.problem(cell.ref, f"rank correlation {x:.6g} is outside -1..1; type a number from -1 to 1")
        return None
    return x


def inconsistent_groups(pairs: list[Correlation]) -> list[tuple[list[Correlation], float]]:
    """For each group of linked pairs whose correlations cannot hold together (their rank correlation
    matrix, with 0 for a pair not listed, is not positive semi-definite): the pairs of a smallest set of
    assumptions that already cannot, and the group's smallest eigenvalue."""
    triples = [(c.first_key, c.second_key, c.rho) for c in pairs]
    out = []
    for keys in groups(triples):
        matrix = rank_matrix(keys, [t for t in triples if t[0] in keys])
        involved = {keys[i] for i in minimal_inconsistent(matrix)}
        if involved:
            culprits = [c for c in pairs if c.first_key in involved and c.second_key in involved]
            out.append((culprits, smallest_eigenvalue(matrix)))
    return out


def check_correlations(draft: Draft) -> list[Problem]:
    """Rule: every Correlations cell parsed (see :func:`read_correlations`), and the correlations of
    each group of linked assumptions can hold together: their matrix, with 0 for a pair not listed, is
    positive semi-definite."""
    out = list(draft.sheet_problems.get("correlations", []))
    sheet = draft.sheet("Correlations")
    for culprits, low in inconsistent_groups(draft.correlations):
        cells = [c.cells.get("rank correlation", "") for c in culprits]
        listed = "; ".join(f"{c.first} – {c.second} {c.rho:g} at {ref}" for c, ref in zip(culprits, cells))
        names = {c.first_key for c in culprits} | {c.second_key for c in culprits}
        missing = len(names) * (len(names) - 1) // 2 > len(culprits)
        zero = ("; a pair not listed counts as 0", " or list the missing pairs") if missing else ("", "")
        out.append(Problem(draft.name, sheet, cells[0],
                           f"these rank correlations cannot hold together ({listed}{zero[0]}): their matrix "
                           f"is not positive semi-definite (smallest eigenvalue {low:.3g}); weaken one of "
                           f"them{zero[1]}"))
    return out


__all__ = ["COLUMNS", "check_correlations", "inconsistent_groups", "read_correlations"]
