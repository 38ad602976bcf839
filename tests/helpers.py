"""Helpers for tests: valid settings and assumption rows to write workbooks from, and the problems a
bad workbook gets."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from cashcast.reports.excel.assumptions import AssumptionRow

ROOT = Path(__file__).resolve().parents[1]
# The flagship first, the RMB example second (tests index them so), then any other by name
FIRST = ("openai", "xiaoice_rmb")
EXAMPLES = sorted((ROOT / "assumptions").glob("*.xlsx"),
                  key=lambda p: (FIRST.index(p.stem) if p.stem in FIRST else len(FIRST), p.name))


def examples(wanted: int) -> int:
    """A property test's example count: ``wanted``, or fewer under a profile that asks for fewer (the
    `mutation` profile of conftest.py, which `make mutate` loads)."""
    return min(wanted, hypothesis_settings.default.max_examples)


def settings(**over):
    """A valid Settings sheet; keyword arguments replace or add settings (None removes one)."""
    base = {"start_month": dt.date(2023, 1, 1), "horizon_months": 24, "currency": "USD",
            "discount_rate": 0.10, "opening_cash": 1_000_000.0}
    base.update(over)
    return [(k, v, "") for k, v in base.items() if v is not None]


def row(block, kind, parameter, value, unit, **kw):
    return AssumptionRow(block, kind, parameter, value, unit, **kw)




def problems_when_loaded(path) -> list[str]:
    """The problems reading ``path`` reports (``load_workbook`` must refuse it), as printed."""
    from cashcast.models.reading.problems import InputError
    from cashcast.models.reading.workbook import load_workbook
    with pytest.raises(InputError) as info:
        load_workbook(path)
    return [str(p) for p in info.value.problems]


def problems_when_run(path) -> list[str]:
    """The problems running ``path`` reports (``run_file`` must refuse it: reading, and building the model), as
    printed."""
    from cashcast.models.analysis.scenarios import run_file
    from cashcast.models.reading.problems import InputError
    with pytest.raises(InputError) as info:
        run_file(path)
    return [str(p) for p in info.value.problems]
