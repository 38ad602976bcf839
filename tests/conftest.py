"""Shared fixtures: build assumption workbooks in a temporary folder from Python rows."""
from __future__ import annotations

import pytest

from reports.assumption_writer import write_assumption_workbook
from tests.helpers import settings


@pytest.fixture
def make_workbook(tmp_path):
    """make_workbook(rows, settings=..., scenarios=..., name=...) → path of a written workbook."""
    def make(rows, settings_rows=None, scenarios=(), name="model.xlsx"):
        path = tmp_path / name
        write_assumption_workbook(path, settings_rows or settings(), rows, list(scenarios))
        return path
    return make
