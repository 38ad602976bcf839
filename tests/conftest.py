"""Shared fixtures: build assumption workbooks in a temporary folder from Python rows."""
from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from cashcast.reports.excel.assumptions import write_assumption_workbook
from tests.helpers import settings
from tests.shared_reports import ANALYSED

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
def shared_reports(tmp_path_factory):
    """The example reports, each rendered once for the session and both xdist workers
    (tests/shared_reports.py)."""
    from tests.shared_reports import SharedReports, shared_folder

    return SharedReports(shared_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def example_reports(shared_reports):
    """{stem: (run, report bytes)} of every example workbook in assumptions/, with the uncertainty
    sheets (a small Monte Carlo), written once per session for the tests that read them whole."""
    from cashcast.models.analysis.scenarios import run_file
    from tests.helpers import EXAMPLES

    return {path.stem: (run_file(path), shared_reports.excel(path, ANALYSED)) for path in EXAMPLES}


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module (cashcast.reports.html.pdf.browser: the project's own launch)."""
    from cashcast.reports.html.pdf import browser

    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def analysed_reports(shared_reports):
    """Example name → (run, path of its HTML report, its analysis) of the two examples, as ``cashcast
    run`` renders them: with the scenario comparison, sensitivity and simulation (``ANALYSED`` paths).
    The file is shared: read it, do not edit it."""
    from tests.report_fixtures import EXAMPLES
    from tests.shared_reports import outcome

    out = {}
    for path in EXAMPLES:
        done = outcome(path, ANALYSED)
        out[path.stem] = (done.run, shared_reports.html_file(path, ANALYSED), done.analysis)
    return out
