"""Errors as data: every problem found in a workbook is a record, collected and reported together.

A problem is an error (the workbook cannot be run) or a warning (valid input that is probably
mistyped: it is reported, and the run goes on unless ``--strict``)."""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


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
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        text = f"warning: {self.message}" if self.is_warning else self.message
        return f"{self.workbook}:{where}: {text}" if where else f"{self.workbook}: {text}"

    def to_json(self) -> dict:
        """The problem in the JSON's ``warnings`` list: where it is, what it says, and the printed line."""
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message, "text": str(self)}


def warning(workbook: str, sheet: str, cell: str, message: str) -> Problem:
    """A problem that is a warning: valid input that is probably mistyped (an error under ``--strict``).

    >>> str(warning("a.xlsx", "Assumptions", "D3", "conversion 21% is above the plausible 0%..10%"))
    'a.xlsx:Assumptions!D3: warning: conversion 21% is above the plausible 0%..10%'
    """
    return Problem(workbook, sheet, cell, message, WARNING)


def errors_of(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that stop a run: the errors, and the warnings too when ``strict``."""
    return [p for p in problems if strict or not p.is_warning]


class InputError(Exception):
    """Raised once, after loading, with every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)
