"""A block kind from another package, through the entry point group ``cashcast.blocks``.

The toy package (tests/toy_plugin: a ``royalty`` kind, its own pyproject) is installed with pip into a
folder of its own, and a child Python with that folder on its path — so this process's registry stays
as shipped — checks a workbook using the kind, runs it through the Python API, and checks the kind's
lines with ``cashcast.testing`` in LibreOffice and Gnumeric, against figures worked out by hand.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from cashcast.models.kinds import KINDS
from tests.helpers import ROOT

PLUGIN = ROOT / "tests" / "toy_plugin"

CHILD = textwrap.dedent("""
    import datetime as dt, json, sys
    from pathlib import Path
    import cashcast
    from cashcast import testing
    from cashcast.models.kinds import KINDS
    from cashcast.reports.cli.main import main
    from cashcast.reports.excel.assumptions import write_assumption_workbook
    from tests.helpers import row, settings

    folder = Path(sys.argv[1])
    path = folder / "toy.xlsx"
    write_assumption_workbook(path, settings(horizon_months=12), [
        row("Partner", "royalty", "units", 40_000, "units/month"),
        row("Partner", "royalty", "unit_price", 25, "USD/unit"),
        row("Partner", "royalty", "royalty_rate", 0.06, "%"),
        row("Partner", "royalty", "start_month", dt.date(2023, 3, 1), "date"),
    ], [])
    status = main(["check", str(path), "--quiet"])
    result = cashcast.run(path, samples=0)
    revenue = result.monthly(names="key")["partner.revenue"]
    case = testing.Case.from_model("royalty", result.run.model, {
        "partner.revenue": {"2023-02": 0.0, "2023-03": 60_000.00, "2023-12": 60_000.00},
        "revenue": {"2023-01": 0.0, "2023-04": 60_000.00},
        "closing_cash": {"2023-02": 1_000_000.00, "2023-12": 1_600_000.00}})
    bench = testing.Bench([case]).recalculate(folder / "bench")
    print(json.dumps({"check": status, "kind": KINDS["royalty"].doc, "year": float(revenue.sum()),
                      "failures": bench.failures("royalty"), "lines": case.order}))
""")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The toy package installed by pip (built as tests/test_packaging.py builds cashcast's wheel)
    into a folder of its own."""
    folder = tmp_path_factory.mktemp("toy")
    source = folder / "src"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                           str(folder / "site"), str(source)],
                          capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "site"


def test_the_toy_kind_is_not_here_until_its_package_is_installed():
    assert "royalty" not in KINDS and "subscription" in KINDS


def test_a_kind_from_an_installed_package_runs_and_passes_cashcast_testing_in_both_engines(site, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True,
                          timeout=900, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["check"] == 0 and seen["kind"].startswith("royalties")
    assert seen["year"] == pytest.approx(600_000.00, abs=0.005)  # March to December: 10 × $60,000
    assert seen["failures"] == []
    assert {"partner.revenue", "revenue", "closing_cash"} <= set(seen["lines"])
