"""What each command was asked to do, as typed options: the command line's only output.

:mod:`cashcast.reports.cli.main` parses the arguments and turns the argparse namespace into one of
these dataclasses with :func:`from_namespace`; the commands, the pipeline and the renderers receive
the dataclass (or less), never the namespace, so they can be called from tests and other programs
without argparse.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from pathlib import Path

from cashcast.models.analysis.simulation import DEFAULT_SAMPLES, DEFAULT_SEED


@dataclass(frozen=True)
class RunOptions:
    """``cashcast run``: the workbook, the output folder, the scenarios (None: all), the Monte Carlo
    samples (0: none) and seed, whether to print the HTML report to PDF, the language of the HTML
    and Excel reports (``lang``: 'en' or 'zh'; the JSON and CSV are always English); ``jobs``: the
    processes drawing the HTML report's charts (None: one per usable CPU; 1: this one; the outputs are
    the same whatever the number); ``quiet``: nothing on standard output; ``json``: the summary on
    standard output as JSON (:mod:`cashcast.reports.cli.manners`)."""

    workbook: Path
    out: Path = Path("out")
    scenarios: list[str] | None = None
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    pdf: bool = False
    strict: bool = False
    lang: str = "en"
    jobs: int | None = None
    quiet: bool = False
    json: bool = False


@dataclass(frozen=True)
class CheckOptions:
    """``cashcast check``: the workbook to validate; ``strict`` makes its warnings errors; ``quiet``
    and ``json`` as for ``run``."""

    workbook: Path
    strict: bool = False
    quiet: bool = False
    json: bool = False


@dataclass(frozen=True)
class NewOptions:
    """``cashcast new``: the starter's name and the folder to write ``NAME.xlsx`` in."""

    name: str
    dir: Path = Path("assumptions")


@dataclass(frozen=True)
class SolveOptions:
    """``cashcast solve``: vary ``BLOCK.PARAMETER`` (or ``funding``: an extra round at ``month`` or of
    ``amount``) of one scenario (None: base) until the target is met (``KPI=VALUE``, or a probability
    or percentile on ``samples`` Monte Carlo paths from ``seed``), within ``search_range`` (LOW, HIGH
    texts) or the row's own range; ``json`` output."""

    workbook: Path
    vary: str
    target: str
    scenario: str | None = None
    search_range: tuple[str, str] | None = None
    json: bool = False
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    month: str | None = None
    amount: str | None = None


@dataclass(frozen=True)
class TestOptions:
    """``cashcast test``: the workbooks whose Checks sheets to evaluate; ``strict`` makes warnings errors;
    ``quiet`` and ``json`` as for ``run``."""

    __test__ = False  # not a pytest test class, whatever its name
    workbooks: list[Path]
    strict: bool = False
    quiet: bool = False
    json: bool = False


def count(text: str) -> int:
    """A whole number of 0 or more, as typed ('100_000' and '100,000' too), for argparse.

    >>> count("100,000")
    100000
    """
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative; give 0 or more")
    return n


@dataclass(frozen=True)
class SweepOptions:
    """``cashcast sweep``: the spec (TOML), the output folder (None: ``out/<spec stem>``), the Dask
    scheduler's address (None: in-process); ``quiet``: no progress bar or summary line."""

    spec: Path
    out: Path | None = None
    scheduler: str | None = None
    quiet: bool = False


OPTIONS = {"run": RunOptions, "check": CheckOptions, "new": NewOptions, "solve": SolveOptions,
           "test": TestOptions, "sweep": SweepOptions}
PATHS = {"workbook", "out", "dir", "spec"}  # fields typed as paths


def from_namespace(ns: argparse.Namespace) -> RunOptions | CheckOptions | NewOptions | SolveOptions:
    """The options dataclass of ``ns.command``, from the namespace's attributes of the same names."""
    cls = OPTIONS[ns.command]
    values = {}
    for f in fields(cls):
        value = getattr(ns, f.name)
        if f.name in PATHS and value is not None:
            value = Path(value)
        elif f.name == "workbooks":
            value = [Path(v) for v in value]
        elif f.name == "search_range" and value is not None:
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


@dataclass(frozen=True)
class ExplainOptions:
    """``cashcast explain``: the workbook, the line (a name or label), the month (``YYYY-MM``; None:
    the last), the scenario (None: base), ``json`` output."""

    workbook: Path
    line: str
    month: str | None = None
    scenario: str | None = None
    json: bool = False


@dataclass(frozen=True)
class DiffOptions:
    """``cashcast diff``: the ``old`` and ``new`` workbooks, or with ``textconv`` one workbook to print
    as text; ``json`` output."""

    old: str | None = None
    new: str | None = None
    textconv: str | None = None
    json: bool = False


OPTIONS.update(explain=ExplainOptions, diff=DiffOptions)


@dataclass(frozen=True)
class UpgradeOptions:
    """``cashcast upgrade``: the ``old`` workbook, the ``new`` file to write, ``force`` to replace an
    existing NEW (never OLD itself)."""

    old: str
    new: str
    force: bool = False


OPTIONS.update(upgrade=UpgradeOptions)
