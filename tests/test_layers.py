"""Models compute, reports format: which module may import what, and a run computes once.

The renderers (everything under ``cashcast.reports`` except the command line) receive a finished
analysis; they never solve, simulate or run the sensitivity themselves, and never see argparse.
Checked on the import statements of the sources (the analysis result module,
``cashcast.models.analysis.uncertainty``, re-exports the types a renderer needs).
"""
from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis import pipeline
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports.cli import run as cli_run
from cashcast.reports.cli.main import main
from tests.helpers import EXAMPLES, ROOT

COMPUTING = {"cashcast.models.analysis.solve", "cashcast.models.analysis.simulation",
             "cashcast.models.analysis.sensitivity", "cashcast.models.analysis.solve_for",
             "cashcast.models.analysis.pipeline", "cashcast.models.analysis.solve_chance"}
PACKAGES = {"cashcast.models": ROOT / "models", "cashcast.reports": ROOT / "reports"}


def module_name(package: str, path: Path) -> str:
    rel = path.relative_to(PACKAGES[package]).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([package, *parts])


def imported(module: str, path: Path) -> set[str]:
    """Every module an ``import`` / ``from … import`` statement of the file names (relative ones
    resolved; ``from a import b`` counts as both ``a`` and ``a.b``)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                base = importlib.util.resolve_name("." * node.level + base, package)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def sources(package: str):
    for path in sorted(PACKAGES[package].rglob("*.py")):
        yield module_name(package, path), path


def test_the_import_check_sees_relative_and_from_imports(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("from ...models.analysis import solve\nimport cashcast.models.analysis.simulation as s\n"
                    "from .. import fmt\n")
    names = imported("cashcast.reports.html.x", path)
    assert {"cashcast.models.analysis.solve", "cashcast.models.analysis.simulation",
            "cashcast.reports.fmt"} <= names


def test_no_renderer_imports_the_solver_the_simulation_or_the_sensitivity():
    offenders = {}
    for module, path in sources("cashcast.reports"):
        if module.startswith("cashcast.reports.cli"):
            continue
        bad = imported(module, path) & COMPUTING
        if bad:
            offenders[module] = sorted(bad)
    assert offenders == {}


def test_argparse_stays_in_the_command_line_and_models_never_import_reports():
    for module, path in sources("cashcast.reports"):
        if not module.startswith("cashcast.reports.cli"):
            assert "argparse" not in imported(module, path), module
    for module, path in sources("cashcast.models"):
        assert not any(n.startswith("cashcast.reports") for n in imported(module, path)), module


def test_importing_the_renderers_loads_no_command_line():
    code = ("import sys, cashcast.reports.html.page, cashcast.reports.excel.report, cashcast.reports.outputs;"
            "print(sorted(m for m in sys.modules if m.startswith('cashcast.reports.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_html_page_words_the_analysis_without_solving(monkeypatch):
    from cashcast.models.analysis import solve as solve_module, solve_for
    from cashcast.reports.html import uncertainty as uncertainty_report
    from cashcast.reports.html.page import html_report

    run = run_file(EXAMPLES[0])
    analysis = analyse(run, 50, 0)
    assert analysis.break_even  # one scenario of the example does not break even

    def no_solving(*args, **kwargs):
        raise AssertionError("the report solved while rendering")
    monkeypatch.setattr(solve_module, "solve", no_solving)
    monkeypatch.setattr(solve_for, "solve", no_solving)
    page = html_report(Outcome(run, analysis))
    for clause in uncertainty_report.solve_clauses(run, analysis).values():
        assert clause in page


def test_run_computes_once_and_renders_the_finished_outcome(tmp_path, monkeypatch):
    computed, analysed = [], []
    real_compute, real_analyse = pipeline.compute, pipeline.analyse

    def compute(*args, **kwargs):
        computed.append(args)
        return real_compute(*args, **kwargs)

    def counting_analyse(*args, **kwargs):
        analysed.append(args)
        return real_analyse(*args, **kwargs)
    monkeypatch.setattr(cli_run, "compute", compute)
    monkeypatch.setattr(pipeline, "analyse", counting_analyse)
    assert main(["run", str(EXAMPLES[0]), "--out", str(tmp_path), "--samples", "20"]) == 0
    assert len(computed) == 1 and len(analysed) == 1


def test_a_render_builds_the_summary_table_once_for_the_json_and_the_html(monkeypatch):
    from cashcast.reports import outputs, tables
    from cashcast.reports.html import page

    built = []

    def counting_summary(run):
        built.append(run)
        return tables.summary(run)
    for module in (cli_run, outputs, page):
        monkeypatch.setattr(module, "summary", counting_summary)
    outcome = pipeline.compute(EXAMPLES[0], samples=20)
    outputs_ = cli_run.render_outputs(outcome, "x")
    assert len(built) == 1
    assert set(outputs_) == {"x.json", "x.csv", "x.annual.csv", "x.xlsx", "x.html"}
