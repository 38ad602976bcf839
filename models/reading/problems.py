"""Errors as data: every problem found in a workbook is a record, collected and reported together."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, located at a sheet and a cell.

    >>> str(Problem("openai.xlsx", "Assumptions", "D7", "text 'abc' where a number belongs"))
    "openai.xlsx:Assumptions!D7: text 'abc' where a number belongs"
    """

    workbook: str
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        return f"{self.workbook}:{where}: {self.message}" if where else f"{self.workbook}: {self.message}"


class InputError(Exception):
    """Raised once, after loading, with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)
