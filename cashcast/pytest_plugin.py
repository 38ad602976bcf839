"""A pytest plugin (entry point ``pytest11``): the checks of assumption workbooks as test items.

``pytest --cashcast assumptions/`` collects every ``*.xlsx`` under the folder (or the workbook named)
and makes each row of its Checks sheet one test item, ``assumptions/openai.xlsx::Checks!A2``, which
passes or fails as ``cashcast test`` says, with the same line on failure. Given alone, ``--cashcast``
replaces the default test paths (only the workbooks' checks run); with test paths on the command line,
the workbooks are collected besides them. A project can instead name its workbook folders once, in the
ini option ``cashcast_paths``, and list them in ``testpaths``.

Nothing is collected unless asked: without ``--cashcast`` or ``cashcast_paths`` an ``.xlsx`` file is
never a test file, so a suite that keeps workbooks among its tests collects none by accident. A bad
workbook is a collection error listing every problem (``WORKBOOK:SHEET!CELL: …``); a workbook without
checks gives no items. Each workbook's model is evaluated once, for the scenarios its checks read, when
its first check runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest

OPTION, INI = "--cashcast", "cashcast_paths"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cashcast", "cashcast: the checks of assumption workbooks")
    group.addoption(OPTION, action="append", default=[], metavar="PATH",
                    help="collect the Checks sheet of each assumption workbook (*.xlsx) under PATH as tests "
                         "(repeatable); alone, only these run")
    parser.addini(INI, "folders (or workbooks) whose *.xlsx Checks sheets are collected as tests",
                  type="paths", default=[])


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """``--cashcast PATH`` alone runs PATH's checks instead of the default test paths."""
    given = config.getoption(OPTION) or []
    if not given:
        return
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args[:] = list(dict.fromkeys(list(config.args) + given))
    else:
        config.args[:] = list(dict.fromkeys(given))


def _roots(config: pytest.Config) -> list[Path]:
    here = Path(config.invocation_params.dir)
    return [(here / p).resolve() for p in config.getoption(OPTION) or []] + [
        Path(p).resolve() for p in config.getini(INI)]


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """An ``.xlsx`` under a configured path (not an editor's lock file) is a workbook of checks."""
    if file_path.suffix.lower() != ".xlsx" or file_path.name.startswith(("~$", ".~lock")):
        return None
    path = file_path.resolve()
    if any(path == root or root in path.parents for root in _roots(parent.config)):
        return WorkbookChecks.from_parent(parent, path=file_path)
    return None


class WorkbookChecks(pytest.File):
    """One assumption workbook: loaded and validated at collection, its model run on first use."""

    def collect(self):
        from cashcast.models.reading.problems import InputError
        from cashcast.models.reading.workbook import load_workbook

        try:
            self.workbook = load_workbook(self.path)
        except InputError as exc:
            raise self.CollectError("\n".join(str(p) for p in exc.problems)) from None
        self._results = None
        for check in self.workbook.checks:
            yield CheckItem.from_parent(self, name=f"Checks!{check.where}", check=check)

    def results(self) -> dict:
        """Each check's result by its cell, evaluated once for the workbook."""
        if self._results is None:
            from cashcast.models.analysis.checks_user import evaluate_checks, scenarios_needed
            from cashcast.models.analysis.scenarios import run_workbook

            run = run_workbook(self.workbook, scenarios_needed(self.workbook.checks))
            self._results = {r.check.where: r for r in evaluate_checks(run)}
        return self._results


class CheckFailed(Exception):
    """A check whose figure is outside its tolerance; its message is ``cashcast test``'s line."""


class CheckItem(pytest.Item):
    """One row of a Checks sheet."""

    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        from cashcast.models.analysis.checks_user import FAIL
        from cashcast.reports.cli.test import line_of

        result = self.parent.results()[self.check.where]
        if result.status == FAIL:
            wb = self.parent.workbook
            raise CheckFailed(line_of(result, wb.name, "Checks", wb.settings.currency))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        check = self.check
        what = f"{check.target} {check.period}".strip()
        return self.path, check.row - 1, f"Checks!{check.where}: {what} ({check.scenario})"
