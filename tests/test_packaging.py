"""cashcast installs as one package and works outside the repository.

The wheel test is what a user does: build a wheel (``python -m build --wheel``), install it into a
new virtual environment in a temporary folder, and from a folder outside the repository run every
command and write every format. A second test keeps pyproject's package list in step with the folders.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
# The folders pyproject's package-dir maps to the import package cashcast, and their installed names.
PACKAGE_DIRS = {"cashcast": "cashcast", "models": "cashcast.models", "reports": "cashcast.reports",
                "templates": "cashcast.templates"}
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "out", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis")
FLAGSHIP = ROOT / "assumptions" / "openai.xlsx"
SAMPLES = "200"  # Monte Carlo paths: every chart and table is drawn, in seconds


def _call(args, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> SimpleNamespace:
    """The wheel, built from a copy of the sources, installed in a new virtual environment."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)  # build's own build/ and egg-info stay out of the repo
    _call([sys.executable, "-m", "build", "--wheel", "--outdir", tmp / "dist", src], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("cashcast-*.whl")
    venv = tmp / "venv"
    _call([sys.executable, "-m", "venv", venv], cwd=tmp)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _call([bindir / "python", "-m", "pip", "install", "-q", wheel], cwd=tmp)
    work = tmp / "work"  # the user's folder: outside the repository, holding a copy of the flagship
    work.mkdir()
    shutil.copy(FLAGSHIP, work / FLAGSHIP.name)
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(HOME=str(home), PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}")
    return SimpleNamespace(wheel=wheel, bin=bindir, work=work, env=env)


def cashcast(installed, *args) -> subprocess.CompletedProcess:
    return _call([installed.bin / "cashcast", *args], cwd=installed.work, env=installed.env)


def test_the_wheel_holds_one_package_and_its_templates(installed):
    names = zipfile.ZipFile(installed.wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"cashcast", f"cashcast-{VERSION}.dist-info"}
    assert not any(n.startswith(("models/", "reports/", "templates/")) for n in names)
    templates = [p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*")
                 if p.is_file() and p.suffix in (".j2", ".css")]
    assert templates
    assert {f"cashcast/{t}" for t in templates} <= set(names)


def test_the_installed_package_is_the_wheel_not_the_repository(installed):
    done = _call([installed.bin / "python", "-c",
                  "import cashcast.models, cashcast.templates; print(cashcast.models.__file__)"],
                 cwd=installed.work, env=installed.env)
    where = Path(done.stdout.strip()).resolve()
    assert installed.bin.parent.resolve() in where.parents
    assert ROOT not in where.parents


def test_version_from_the_script_and_from_python_m(installed):
    assert cashcast(installed, "--version").stdout.strip() == f"cashcast {VERSION}"
    done = _call([installed.bin / "python", "-m", "cashcast", "--version"], cwd=installed.work,
                 env=installed.env)
    assert done.stdout.strip() == f"cashcast {VERSION}"


def test_check_accepts_the_flagship(installed):
    assert "OK" in cashcast(installed, "check", FLAGSHIP.name).stdout


def test_run_writes_every_format(installed):
    cashcast(installed, "run", FLAGSHIP.name, "--out", "out", "--samples", SAMPLES, "--pdf")
    out = installed.work / "out"
    minimum = {"xlsx": 50_000, "html": 100_000, "json": 10_000, "csv": 10_000, "pdf": 50_000}
    for ext, size in minimum.items():
        path = out / f"{FLAGSHIP.stem}.{ext}"
        assert path.exists() and path.stat().st_size > size, path
    assert (out / f"{FLAGSHIP.stem}.pdf").read_bytes().startswith(b"%PDF")
    assert zipfile.is_zipfile(out / f"{FLAGSHIP.stem}.xlsx")
    result = json.loads((out / f"{FLAGSHIP.stem}.json").read_text(encoding="utf-8"))
    assert "simulation" in json.dumps(result)
    assert "<html" in (out / f"{FLAGSHIP.stem}.html").read_text(encoding="utf-8")[:500].lower()


def test_new_writes_a_starter_that_checks(installed):
    cashcast(installed, "new", "starter", "--dir", "new")
    starter = installed.work / "new" / "starter.xlsx"
    assert starter.exists()
    assert "OK" in cashcast(installed, "check", starter).stdout


def test_solve(installed):
    done = cashcast(installed, "solve", FLAGSHIP.name, "--scenario", "claim-004",
                    "--vary", "ChatGPT Plus.conversion", "--target", "runway_months=36", "--json")
    answer = json.loads(done.stdout)
    assert answer["found"] and 0.01 < answer["value"] < 0.02



def test_explain_and_diff(installed):
    tree = json.loads(cashcast(installed, "explain", FLAGSHIP.name, "chatgpt_plus.revenue", "--month", "2023-01",
                               "--scenario", "seed-001", "--json").stdout)
    assert tree["line"]["value"] == 200_000_000.0   # article 001: 1 billion visits × 1% × $20
    same = json.loads(cashcast(installed, "diff", FLAGSHIP.name, FLAGSHIP.name, "--json").stdout)
    assert same["changes"] == [] and len(same["bridges"]) == 5
    assert "D6 ChatGPT Plus.price (subscription): value=20.0" in cashcast(installed, "diff", "--textconv",
                                                                          FLAGSHIP.name).stdout

def test_analysts_checks_from_the_wheel(installed):
    """`cashcast test` runs the flagship's Checks sheet from the installed wheel, and the wheel declares
    the pytest plugin that collects them."""
    done = cashcast(installed, "test", FLAGSHIP.name)
    assert done.stdout.splitlines()[-1] == "openai.xlsx: 6 check(s), 6 passed, 0 failed"
    with zipfile.ZipFile(installed.wheel) as zf:
        points = next(zf.read(n).decode() for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "[pytest11]" in points and "cashcast.pytest_plugin" in points


# ------------------------------------------------------------------------------------------------
# pyproject names every package
# ------------------------------------------------------------------------------------------------
def _packages_in_folders() -> set[str]:
    """Every folder with an ``__init__.py`` under the mapped folders, by its installed name."""
    found = set()
    for folder, name in PACKAGE_DIRS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            if "__pycache__" not in parts:
                found.add(".".join((name, *parts)))
    return found


def test_pyproject_lists_every_package_folder():
    """A new subpackage (models/statements, ...) cannot be left out of the wheel."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert set(setuptools["packages"]) == _packages_in_folders()
    assert setuptools["package-dir"] == {name: folder for folder, name in PACKAGE_DIRS.items()}


def test_run_in_chinese_reads_the_catalogue_from_the_wheel(installed):
    """``--lang zh`` works from the installed package: the .po is package data."""
    cashcast(installed, "run", FLAGSHIP.name, "--out", "out-zh", "--samples", "0", "--lang", "zh")
    page = (installed.work / "out-zh" / f"{FLAGSHIP.stem}.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "基准情景" in page and "结论" in page


def test_the_installed_wheel_runs_the_python_api(installed):
    """The API from the wheel, outside the repository: DataFrames, the KPIs, a file as the CLI writes it,
    and InputError for a bad workbook."""
    code = ("import cashcast, pandas as pd\n"
            "r = cashcast.run('openai.xlsx', samples=100)\n"
            "m = r.monthly('claim-004')\n"
            "assert isinstance(m.index, pd.PeriodIndex) and len(m) == 120, m.index\n"
            "assert str(r.kpis().loc['claim-004', 'cash_out_month']) == '2025-06'\n"
            "assert list(r.percentiles().columns) == ['p10', 'p50', 'p90']\n"
            "r.to_json('api.json')\n"
            "try:\n"
            "    cashcast.load('missing.xlsx')\n"
            "except cashcast.InputError as e:\n"
            "    print(e.problems[0])\n")
    done = _call([installed.bin / "python", "-c", code], cwd=installed.work, env=installed.env)
    assert done.stdout.strip() == "missing.xlsx: no such file"
    cashcast(installed, "run", FLAGSHIP.name, "--out", "out-api", "--samples", "100", "--quiet")
    assert (installed.work / "api.json").read_bytes() == (installed.work / "out-api" / "openai.json").read_bytes()


def test_the_installed_wheel_has_cashcast_testing(installed):
    code = ("from cashcast import testing\n"
            "from cashcast.models.engine.expr import Param\n"
            "testing.assert_formula(Param('price') * 3, {'price': 20}, 60.0, months=2, engines=('gnumeric',))\n"
            "print('ok')\n")
    assert _call([installed.bin / "python", "-c", code], cwd=installed.work, env=installed.env).stdout.strip() == "ok"
