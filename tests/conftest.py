"""Shared fixtures: build assumption workbooks in a temporary folder from Python rows."""
from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from cashcast.reports.excel.assumptions import write_assumption_workbook
from tests.helpers import settings

# CI explores the same examples every run (a failure there is reproducible); locally each run explores
# new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
# `make mutate` runs the tests once per mutant: a few fixed examples each (mutation/run.py sets
# CASHCAST_MUTATION); a property test's explicit example count is capped by it (tests.helpers.examples).
hypothesis_settings.register_profile("mutation", max_examples=10, derandomize=True, database=None,
                                     print_blob=True)
if os.environ.get("CASHCAST_MUTATION"):
    hypothesis_settings.load_profile("mutation")


@pytest.fixture
def make_workbook(tmp_path):
    """make_workbook(rows, settings=..., scenarios=..., name=...) → path of a written workbook."""
    def make(rows, settings_rows=None, scenarios=(), name="model.xlsx"):
        path = tmp_path / name
        write_assumption_workbook(path, settings_rows or settings(), rows, list(scenarios))
        return path
    return make


@pytest.fixture(scope="session")
def example_reports():
    """{stem: (run, report bytes)} of every example workbook in assumptions/, with the uncertainty
    sheets (a small Monte Carlo), written once per session for the tests that read them whole."""
    from cashcast.models.analysis.scenarios import run_file
    from cashcast.models.analysis.uncertainty import analyse
    from cashcast.reports.excel.report import excel_bytes
    from tests.helpers import EXAMPLES

    out = {}
    for path in EXAMPLES:
        run = run_file(path)
        out[path.stem] = (run, excel_bytes(run, analyse(run, 500, 0)))
    return out
