"""`make mutate`: mutation testing of the model's formulas and their Excel renderings with mutmut 3.

mutmut copies the sources into ``mutants/`` and puts that folder first on ``sys.path``, and it names
each mutant after the module path of its file. cashcast's folders install under other names
(``models/`` is ``cashcast.models``, see pyproject's package-dir), so the tests would import the
unmutated, editable-installed code and no mutant could ever be killed. This script therefore stages
the folders as the package they install as, in ``.mutation/<group>/``::

    cashcast/            ← cashcast/
    cashcast/models/     ← models/
    cashcast/reports/    ← reports/
    cashcast/templates/  ← templates/
    tests/, assumptions/, pyproject.toml (with the [tool.mutmut] section below)

runs ``mutmut run`` there (both cores, ``nice``), and scores the result against
``mutation/equivalents.txt``: every mutant listed there must still exist and still survive (a listed
mutant that a test now kills, or that no longer exists, fails the run), so the list stays honest.
The score is killed / (all mutants - listed equivalents); below ``--min`` (95%) the run fails.

Each run's verdicts are written to ``mutation/verdicts/<group>.json``, which is committed: a fresh clone
continues from them, running only the mutants of functions changed since (``--fresh`` runs every one).

Usage: python mutation/run.py [--group model|excel|v2|analysis|uncertainty|library|reading] [--min 95] [--no-run] [--survivors]
       [--pending] [--fresh] [MUTANT_GLOB ...]
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ROOT / ".mutation"
EQUIVALENTS = ROOT / "mutation" / "equivalents.txt"
FILES = ["README.md"]   # read by tests (a failure line the README quotes)
FOLDERS = {"cashcast": "cashcast", "models": "cashcast/models", "reports": "cashcast/reports",
           "templates": "cashcast/templates", "tests": "tests", "assumptions": "assumptions"}

# Groups, each mutmut's own selection (``only_mutate``, and the tests it may run); the two first:
#
# * ``model`` — the numpy side: the block kinds, the line engine's evaluation, the KPI functions, the
#   distributions and the simulation's percentiles, against the fast tests;
# * ``excel`` — the Excel rendering: the expression vocabulary and the KPI reductions (each node's
#   numpy value and Excel formula side by side), the Excel formula helpers and the IRR search, with
#   the LibreOffice parity tests in the run (mutmut runs, for each mutant, only the tests that reach
#   the mutated function, fastest first, and stops at the first failure; so a parity test runs only
#   for a mutant that every faster test lets through).
#
# Paths as staged (the package's installed layout).
FAST_TESTS = [
    "tests/test_formulas_exact.py",
    "tests/test_blocks.py",
    "tests/test_expr_numpy.py",
    "tests/test_excel_formulas.py",
    "tests/test_properties.py",
    "tests/test_uncertainty.py",
    "tests/test_doctests.py",
]
# the kinds' own formula tests: the v2 inputs (periods, growth by year, tranches, debt, in-kind
# credits), the statements, settings by scenario (not test_kinds.py: it reads the source folders,
# which the staged copy lays out differently)
KIND_TESTS = [
    "tests/test_inputs_v2.py",
    "tests/test_statements.py",
    "tests/test_settings_scenarios.py",
]
GROUPS = {
    "model": ([
        "cashcast/models/kinds/*.py",
        "cashcast/models/engine/model.py",
        "cashcast/models/analysis/kpi.py",
        "cashcast/models/analysis/distributions.py",
        "cashcast/models/analysis/simulation.py",
    ], FAST_TESTS + KIND_TESTS + ["tests/test_honest_kpis.py", "tests/test_kind_registry.py",
                                    "tests/test_correlations.py"]),
    "excel": ([
        "cashcast/models/engine/expr.py",
        "cashcast/models/analysis/reductions.py",
        "cashcast/reports/excel/formulas.py",
        "cashcast/reports/excel/irr.py",
        # the writer's formula storage (every formula cell goes through it) and the layout the formulas'
        # references are computed from; models/engine/constants.py has no function, only module-level
        # Const values, which mutmut does not mutate (every formula test reads them through Const)
        "cashcast/reports/excel/worksheet.py",
        "cashcast/reports/excel/layout.py",
    ], FAST_TESTS + KIND_TESTS + ["tests/test_excel_parity.py"]),
    # modules the v2 house and financial core added: defined names, annual folds, yearly KPIs, and the
    # statements (income statement, cash flow, balance sheet lines, and their checks)
    "v2": ([
        "cashcast/models/engine/names.py",
        "cashcast/models/engine/annual.py",
        "cashcast/models/analysis/yearly.py",
        "cashcast/models/statements/lines.py",
        "cashcast/models/statements/checks.py",
    ], FAST_TESTS + ["tests/test_yearly_kpis.py", "tests/test_honest_kpis.py", "tests/test_excel_sheets.py",
                     "tests/test_statements.py"]),
    # the analysis around the model: the KPI registry, scenarios, the batch evaluation and the run's
    # pipeline, the sensitivity (tornado), the deterministic solve and solve-for, the uncertainty summary
    "analysis": ([
        "cashcast/models/analysis/kpis.py",
        "cashcast/models/analysis/scenarios.py",
        "cashcast/models/analysis/batch.py",
        "cashcast/models/analysis/pipeline.py",
        "cashcast/models/analysis/sensitivity.py",
        "cashcast/models/analysis/solve.py",
        "cashcast/models/analysis/solve_for.py",
        "cashcast/models/analysis/uncertainty.py",
    ], FAST_TESTS + [
        "tests/test_scenario_uncertainty.py",
        "tests/test_solve_chance.py",
        "tests/test_kpi_registry.py",
        "tests/test_honest_kpis.py",
        "tests/test_yearly_kpis.py",
        "tests/test_settings_scenarios.py",
        "tests/test_simulation_memory.py",
    ]),
    # the uncertainty and ownership modules added later: the probability solve, its targets and the extra
    # round it adds, correlated draws, the simulation's sampling error, the cap table and its checks
    "uncertainty": ([
        "cashcast/models/analysis/solve_chance.py",
        "cashcast/models/analysis/chance.py",
        "cashcast/models/analysis/extra_round.py",
        "cashcast/models/analysis/correlations.py",
        "cashcast/models/analysis/sampling_error.py",
        "cashcast/models/analysis/cap_table.py",
        "cashcast/models/statements/ownership.py",
        "cashcast/models/reading/valuation_checks.py",
    ], [
        "tests/test_formulas_exact.py",
        "tests/test_doctests.py",
        "tests/test_uncertainty.py",
        "tests/test_scenario_uncertainty.py",
        "tests/test_correlations.py",
        "tests/test_valuation.py",
        "tests/test_solve_chance.py",
    ]),
    # the provenance register, evidence weight, analysts' checks, explain and diff (session 22)
    "library": ([
        "cashcast/models/reading/sources.py",
        "cashcast/models/reading/user_checks.py",
        "cashcast/models/analysis/evidence.py",
        "cashcast/models/analysis/explain.py",
        "cashcast/models/analysis/diff.py",
        "cashcast/models/analysis/checks_user.py",
    ], [
        "tests/test_formulas_exact.py",
        "tests/test_doctests.py",
        "tests/test_sources.py",
        "tests/test_evidence.py",
        "tests/test_explain.py",
        "tests/test_diff.py",
        "tests/test_user_checks.py",
        "tests/test_explain_diff_agree.py",
    ]),
    # reading a workbook: the sheets' cells and their problems, bounds, warnings, the schema and its
    # upgrade, the wording of values, the correlations sheet, the assumption rows and their specs, the
    # known sources, and the sweep's grid (sessions 23-24)
    "reading": ([
        "cashcast/models/reading/data.py",
        "cashcast/models/reading/sheets.py",
        "cashcast/models/reading/opening.py",
        "cashcast/models/reading/cells.py",
        "cashcast/models/reading/bounds.py",
        "cashcast/models/reading/checks.py",
        "cashcast/models/reading/warning_checks.py",
        "cashcast/models/reading/problems.py",
        "cashcast/models/reading/correlations.py",
        "cashcast/models/reading/schema.py",
        "cashcast/models/reading/upgrading.py",
        "cashcast/models/reading/wording.py",
        "cashcast/models/reading/assumptions.py",
        "cashcast/models/reading/specs.py",
        "cashcast/models/reading/workbook.py",
        "cashcast/models/reading/known_sources.py",
        "cashcast/models/analysis/sweep.py",
    ], [
        "tests/test_formulas_exact.py",
        "tests/test_doctests.py",
        "tests/test_bad_input.py",
        "tests/test_reading_faults.py",
        "tests/test_warnings.py",
        "tests/test_settings_scenarios.py",
        "tests/test_inputs_v2.py",
        "tests/test_correlations.py",
        "tests/test_sources.py",
        "tests/test_upgrade.py",
        "tests/test_sweep.py",
    ]),
}
# The model's modules in no group, each with why (tests/test_mutation_script.py holds every other module of
# models/ to a group, so that a new module is not left out by accident); a package's docstring-only
# __init__.py has nothing to mutate either.
NOT_MUTATED = {
    "cashcast/models/engine/constants.py": "only module-level Const values, which mutmut does not mutate "
                                           "(every formula test reads them through the constants)",
    "cashcast/models/analysis/outcome.py": "one frozen dataclass, no function",
    "cashcast/models/statements/reference.py": "the README's tables of the statements, which test_readme.py "
                                               "holds the README to; no figure",
}
# Tests left out of every group: whole-program plumbing that takes seconds a run and checks no formula
# that a faster test in the group does not check (with ``-x`` they would only run, slowly, for mutants
# that survive everything else). `make test` runs them as always.
PLUMBING = [
    "tests/test_excel_formulas.py::test_cashcast_run_writes_the_excel_report",   # the CLI writes excel_bytes
    "tests/test_uncertainty.py::test_run_writes_simulation_and_sensitivity_to_the_json",  # CLI, twice
    "tests/test_excel_formulas.py::test_same_inputs_give_identical_bytes",        # determinism of the writer
    "tests/test_excel_formulas.py::test_writing_raises_no_xlsxwriter_warning",   # the writer's warnings
    "tests/test_inputs_v2.py::test_company_and_title_name_the_reports",           # reports' titles
    # git runs `python -m cashcast` in a subprocess, which imports the installed code, never a mutant
    "tests/test_diff.py::test_git_diff_through_the_textconv_driver",
]
# mutmut stops a mutant as hung after (its tests' measured time + 1 s) × timeout_multiplier of wall
# clock. On this shared machine a surviving mutant's run (fixtures included, which the measure leaves
# out) was seen at 7× the measure, so the default 15 would call slow survivors "timed out" (killed).
TIMEOUT_MULTIPLIER = 30
# mutmut's exit codes per mutant (mutmut/__main__.py, status_by_exit_code)
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}   # a test failed, or the mutant hung and was timed out
# Timed out (SIGXCPU, also sent at the wall-clock bound of half the CPU limit): on a loaded machine a
# slow survivor can hit the wall-clock bound, so a timed-out mutant counts as not decided (neither
# killed nor survived) and ``--survivors`` runs it again.
TIMED_OUT = {-24, 24}
NO_TESTS = {5, 33}   # mutmut found no test that reaches the mutant's function (see ``forget_unmapped``)
# Functions that run only while their module is imported: expr._folded makes a named constant's operators
# as the class Const is defined. mutmut imports the code once and forks a process per mutant, switching the
# mutant on in the fork, after the import: such a mutant is never switched on and always "survives". Each
# of them that mutmut lets through is therefore run again in a fresh pytest process, in the staged
# mutants/ folder, with the mutant switched on from the start (MUTANT_UNDER_TEST), and that result counts:
# {mutant glob: the tests it runs}.
AT_IMPORT = {"cashcast.models.engine.expr.x__folded__mutmut_*": ["tests/test_expr_numpy.py"]}
TIMED_OUT_AT_IMPORT = "timed out"
AT_IMPORT_RESULTS = "at_import.json"   # {mutant: [pytest's exit code, mtime of the mutated file]}
# The verdicts of the runs so far, committed so that a fresh clone (or a new machine) continues from them
# rather than from nothing: {staged file: {function: [mutmut's hash of its source, one letter per mutant]}},
# "k" killed, "s" survived, "-" not decided. mutmut keeps a verdict only while its function's hash is
# unchanged, so a function edited since is run again (see ``seed_verdicts``).
VERDICTS = ROOT / "mutation" / "verdicts"
LETTER = {"k": 1, "s": 0, "-": None}


def stage(group: str, reset: bool = False, fresh: bool = False) -> Path:
    """Mirror the folders into the installed layout, keeping mtimes (mutmut re-mutates a file only
    when its source is newer than its mutants) and mutmut's own ``mutants/`` cache; with ``fresh``, from
    nothing: the group's cache deleted and the committed verdicts not used."""
    mutate, tests = GROUPS[group]
    stage_dir = STAGES / group
    if fresh:
        shutil.rmtree(stage_dir, ignore_errors=True)
    stage_dir.mkdir(parents=True, exist_ok=True)
    wanted: set[Path] = set()
    for src, dst in FOLDERS.items():
        for path in (ROOT / src).rglob("*"):
            if "__pycache__" in path.parts or path.is_dir():
                continue
            target = stage_dir / dst / path.relative_to(ROOT / src)
            wanted.add(target)
            if not target.exists() or target.stat().st_mtime != path.stat().st_mtime:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    for dst in set(FOLDERS.values()):
        for path in (stage_dir / dst).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path not in wanted:
                path.unlink()
    for name in FILES:
        if not (stage_dir / name).exists() or (stage_dir / name).stat().st_mtime != (ROOT / name).stat().st_mtime:
            shutil.copy2(ROOT / name, stage_dir / name)
    _refresh_data_files(stage_dir)
    _forget_unmutated_copies(stage_dir, mutate)
    pyproject = (ROOT / "pyproject.toml").read_text()
    pyproject += "\n[tool.mutmut]\n" + "\n".join([
        'source_paths = ["cashcast"]',
        f"also_copy = {json.dumps(['assumptions'] + FILES)}",
        f"only_mutate = {json.dumps(mutate)}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        "pytest_add_cli_args = " + json.dumps(["-p", "no:cacheprovider", "-p", "no:randomly"]
                                              + [a for t in PLUMBING if t.split("::")[0] in tests
                                                 for a in ("--deselect", t)]),
        f"timeout_multiplier = {TIMEOUT_MULTIPLIER}",
        "",
    ])
    staged = stage_dir / "pyproject.toml"
    if staged.exists() and (stage_dir / "mutants").is_dir() and not reset:
        was, now = _test_options(staged.read_text()), _test_options(pyproject)
        if was != now:
            raise SystemExit(
                f"mutation/run.py: the {group} group's tests or pytest options changed since its last run "
                f"({', '.join(k for k in now if was.get(k) != now[k])}): mutmut would forget every result of the "
                "group (its cache is keyed on them) and run all its mutants again. Put a new test in a file the "
                "group already runs, or pass --reset to start the group over.")
    if not staged.exists() or staged.read_text() != pyproject:
        staged.write_text(pyproject)
    if not fresh:
        seed_verdicts(stage_dir, load_verdicts(group, _test_options(pyproject)))
    return stage_dir


def _mutant_key(path: str, function: str, number: int) -> str:
    """mutmut's name of a function's mutant in a staged file (its ``get_mutant_name``).

    >>> _mutant_key("cashcast/models/analysis/kpi.py", "x_runway", 3)
    'cashcast.models.analysis.kpi.x_runway__mutmut_3'
    >>> _mutant_key("cashcast/models/kinds/__init__.py", "x_block_lines", 1)
    'cashcast.models.kinds.x_block_lines__mutmut_1'
    """
    return f"{path[:-len('.py')].replace('/', '.')}.{function}__mutmut_{number}".replace(".__init__.", ".")


def _letter(code: int | None) -> str:
    """A verdict as committed: killed, survived, or not decided (not run, timed out, mapped to no test)."""
    if code is None or code in TIMED_OUT or code in NO_TESTS:
        return "-"
    return "k" if code in KILLED else "s" if code == 0 else "-"


def verdicts_of(stage_dir: Path) -> dict[str, dict[str, list[str]]]:
    """The verdicts in a stage's mutmut records, as committed (:data:`VERDICTS`)."""
    out: dict[str, dict[str, list[str]]] = {}
    mutants = stage_dir / "mutants"
    for meta in sorted(mutants.rglob("*.py.meta")):
        path = meta.relative_to(mutants).as_posix()[:-len(".meta")]
        data = json.loads(meta.read_text())
        letters: dict[str, dict[int, str]] = defaultdict(dict)
        for key, code in data.get("exit_code_by_key", {}).items():
            head, _, number = key.rpartition("__mutmut_")
            function = head.rpartition(".")[2]
            if _mutant_key(path, function, int(number)) != key:
                raise ValueError(f"{meta}: mutant {key} is not named as mutation/run.py expects")
            letters[function][int(number)] = _letter(code)
        hashes = data.get("hash_by_function_name", {})
        out[path] = {f: [hashes[f], "".join(by_number.get(n, "-") for n in range(1, max(by_number) + 1))]
                     for f, by_number in sorted(letters.items()) if f in hashes}
    return out


def load_verdicts(group: str, options: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """The group's committed verdicts by file; none when they were reached with other tests or pytest
    options than ``options`` (mutmut too forgets its results then)."""
    path = VERDICTS / f"{group}.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return data["files"] if data["test options"] == options else {}


def save_verdicts(group: str, stage_dir: Path) -> None:
    """Commit-ready verdicts of the group: its stage's records, and the committed ones of the group's
    files that the stage has no record of (a run stopped before mutmut reached them)."""
    options = _test_options((stage_dir / "pyproject.toml").read_text())
    verdicts = {p: v for p, v in load_verdicts(group, options).items() if (stage_dir / p).exists()
                and any(fnmatch.fnmatch(p, pattern) for pattern in GROUPS[group][0])}
    verdicts.update(verdicts_of(stage_dir))
    VERDICTS.mkdir(parents=True, exist_ok=True)
    # one line per function, so that a run's changes read as a diff
    files = ",\n".join(f"  {json.dumps(path)}: {{\n" + ",\n".join(
        f"    {json.dumps(function)}: {json.dumps(entry, ensure_ascii=False)}"
        for function, entry in functions.items()) + "\n  }" for path, functions in sorted(verdicts.items()))
    text = (f'{{\n  "test options": {json.dumps(options, ensure_ascii=False, sort_keys=True)},\n'
            f'  "files": {{\n{files}\n  }}\n}}\n')
    target = VERDICTS / f"{group}.json"
    if not target.exists() or target.read_text() != text:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(target)


def seed_verdicts(stage_dir: Path, verdicts: dict[str, dict[str, list[str]]]) -> None:
    """Give mutmut the committed verdicts of each file it has no record of yet (a fresh clone).

    mutmut, as it mutates a file, keeps the verdict in the file's record (``mutants/<file>.meta``) of
    every mutant whose function's hash is the one recorded, and forgets the others (its own cache at
    work); a record written here before its first run is one it reads like its own."""
    for path, functions in verdicts.items():
        meta = stage_dir / "mutants" / (path + ".meta")
        if meta.exists() or not (stage_dir / path).exists():
            continue
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps({
            "exit_code_by_key": {_mutant_key(path, f, n): LETTER[letter]
                                 for f, (_hash, letters) in functions.items() for n, letter in enumerate(letters, 1)},
            "hash_by_function_name": {f: h for f, (h, _letters) in functions.items()},
            "type_check_error_by_key": {}, "durations_by_key": {}, "estimated_durations_by_key": {}}, indent=4))


def _forget_unmutated_copies(stage_dir: Path, mutate: list[str]) -> None:
    """Delete mutmut's copy of each file the group mutates that it copied without mutating it.

    mutmut mutates a file again only when the source is newer than its copy in ``mutants/``; a file
    copied there before it joined the group (as every source file is copied) stays a plain copy, with
    no mutant and no ``.meta`` record (``reports/excel/worksheet.py`` in the ``excel`` group)."""
    for pattern in mutate:
        for source in stage_dir.glob(pattern):
            copy = stage_dir / "mutants" / source.relative_to(stage_dir)
            if copy.exists() and not copy.with_name(copy.name + ".meta").exists():
                copy.unlink()


def _test_options(pyproject: str) -> dict[str, str]:
    """The [tool.mutmut] lines mutmut keys its cached results on (its config fingerprint)."""
    keys = ("pytest_add_cli_args", "pytest_add_cli_args_test_selection", "timeout_multiplier")
    section = pyproject.split("\n[tool.mutmut]\n", 1)[-1]
    return {k: line for line in section.splitlines() for k in keys if line.startswith(k + " =")}


def _refresh_data_files(stage_dir: Path) -> None:
    """Bring mutmut's copy (``mutants/``) up to date with the staged files that are not Python.

    mutmut re-copies a changed ``.py`` file, but it keeps the templates, catalogues, workbooks and
    fixtures it copied on its first run ("non-Python files changed … cached results were kept"): a
    report test would then render this code with last month's templates and fail on the clean run."""
    mutants = stage_dir / "mutants"
    if not mutants.is_dir():
        return   # mutmut's first run copies everything
    for dst in set(FOLDERS.values()) | set(FILES):
        source = stage_dir / dst
        paths = [source] if source.is_file() else source.rglob("*")
        for path in paths:
            if path.suffix == ".py" or not path.is_file() or "__pycache__" in path.parts:
                continue
            target = mutants / path.relative_to(stage_dir)
            if not target.exists() or target.read_bytes() != path.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def mutmut_results(stage_dir: Path) -> dict[str, int | None]:
    """{mutant name: exit code} from mutmut's per-file records."""
    out: dict[str, int | None] = {}
    for meta in (stage_dir / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text())
        out.update(data.get("exit_code_by_key", {}))
    return out


def results(stage_dir: Path) -> dict[str, int | None]:
    """mutmut's results, an import-time mutant's (that mutmut ran and let through) replaced by its own run."""
    out = mutmut_results(stage_dir)
    at_import = stage_dir / AT_IMPORT_RESULTS
    if at_import.exists():
        for name, (code, _mtime) in json.loads(at_import.read_text()).items():
            if out.get(name, None) is not None and out[name] not in KILLED:
                out[name] = code
    return out


def forget_unmapped(stage_dir: Path) -> list[str]:
    """Forget mutmut's "no tests" verdicts and its map of tests, so that its next run maps every function
    to the tests that reach it again and runs those mutants; the names forgotten.

    mutmut maps each function to the tests that reach it when it first collects its stats, and after
    that only for tests that are new: a function added since, or a file that joined the group, has no
    test in the map, and mutmut records each of its mutants as "no tests" without running it (all of
    ``layout.py``'s 401 in the ``excel`` group)."""
    names = []
    for meta in (stage_dir / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        unmapped = [n for n, code in codes.items() if code in NO_TESTS]
        if unmapped:
            codes.update(dict.fromkeys(unmapped))
            meta.write_text(json.dumps(data, indent=4))
            names += unmapped
    if names:
        (stage_dir / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    return sorted(names)


def _mutated_file(stage_dir: Path, name: str) -> Path:
    return stage_dir / "mutants" / (module_of(name).replace(".", "/") + ".py")


def run_at_import(stage_dir: Path, env: dict[str, str], again: bool) -> None:
    """Run each import-time mutant (:data:`AT_IMPORT`) that mutmut let through in a fresh pytest process
    with the mutant on from the start, and record pytest's verdict. A run without a mutant must pass first."""
    path = stage_dir / AT_IMPORT_RESULTS
    done = json.loads(path.read_text()) if path.exists() else {}
    known = mutmut_results(stage_dir)
    todo = {}
    for pattern, tests in AT_IMPORT.items():
        for name in sorted(n for n in known if fnmatch.fnmatch(n, pattern)):
            mtime = _mutated_file(stage_dir, name).stat().st_mtime
            fresh = (name in done and done[name][1] == mtime and done[name][0] not in (None, -24)
                     and not (again and done[name][0] == 0))   # --survivors: a survivor's run again
            if known[name] is not None and known[name] not in KILLED and not fresh:
                todo[name] = (tests, mtime)
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    clean: dict[tuple[str, ...], int] = {}
    for name, (tests, mtime) in todo.items():
        if tuple(tests) not in clean:
            clean[tuple(tests)] = subprocess.run(pytest + tests, cwd=stage_dir / "mutants", capture_output=True,
                                                 env=dict(env, MUTANT_UNDER_TEST="")).returncode
        if clean[tuple(tests)] != 0:
            print(f"at import: {' '.join(tests)} fail without a mutant; {name} not run")
            continue
        try:
            code = subprocess.run(pytest + tests, cwd=stage_dir / "mutants", capture_output=True, timeout=900,
                                  env=dict(env, MUTANT_UNDER_TEST=name)).returncode
        except subprocess.TimeoutExpired:
            code = TIMED_OUT_AT_IMPORT
        # 0: the tests pass (survived); 1: a test fails, 2–4: collection or conftest's import fails (killed: the
        # same run passed without the mutant); a hang is not decided
        done[name] = [0 if code == 0 else 1 if code in (1, 2, 3, 4) else -24 if code == TIMED_OUT_AT_IMPORT else None,
                      mtime]
        print(f"at import: {name}: {'survived' if code == 0 else 'killed' if code in (1, 2, 3, 4) else code}")
        path.write_text(json.dumps(done, indent=1, sort_keys=True))


def equivalents() -> dict[str, str]:
    """{mutant name: why it is equivalent} from equivalents.txt (``name  # reason`` per line)."""
    listed = {}
    for line in EQUIVALENTS.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, why = line.partition("#")
            listed[name.strip()] = why.strip()
    return listed


def module_of(name: str) -> str:
    return name.split(".x_")[0].split(".xǁ")[0]


def in_groups(name: str, groups: list[str]) -> bool:
    """Whether a mutant's file is one that these groups mutate."""
    base = module_of(name).replace(".", "/")
    paths = (base + ".py", base + "/__init__.py")   # a package's own functions live in its __init__.py
    return any(fnmatch.fnmatch(path, pattern) for path in paths for g in groups for pattern in GROUPS[g][0])


def unrecorded(stage_dir: Path, group: str) -> list[str]:
    """The group's files that mutmut has no record of in the stage (never mutated, nor given committed
    verdicts): their mutants are not counted anywhere, so the group is not complete."""
    return sorted(path.relative_to(stage_dir).as_posix() for pattern in GROUPS[group][0]
                  for path in stage_dir.glob(pattern)
                  if not (stage_dir / "mutants" / (path.relative_to(stage_dir).as_posix() + ".meta")).exists())


def report(codes: dict[str, int | None], minimum: float, groups: list[str], missing: list[str] = ()) -> int:
    listed = {n: why for n, why in equivalents().items() if in_groups(n, groups)}
    problems = []
    for name, why in listed.items():
        if not why:
            problems.append(f"{name}: listed as equivalent without a reason")
        if name not in codes:
            problems.append(f"{name}: listed as equivalent but no such mutant exists any more")
        elif codes[name] is None:
            problems.append(f"{name}: listed as equivalent but not run yet")
        elif codes[name] in TIMED_OUT:
            pass   # not decided: counted below as not run
        elif codes[name] in KILLED:
            problems.append(f"{name}: listed as equivalent but a test kills it; remove it from the list")
    per = defaultdict(lambda: [0, 0, 0, 0])   # module: killed, equivalent, counted, not yet run
    survivors, timed_out = [], []
    for name, code in sorted(codes.items()):
        row = per[module_of(name)]
        if code is None:       # a run stopped before it reached this mutant
            row[3] += 1
        elif code in TIMED_OUT:   # neither killed nor survived: stopped at mutmut's time bound
            row[3] += 1
            timed_out.append(name)
        elif name in listed:
            row[1] += 1
        else:
            row[2] += 1
            if code in KILLED:
                row[0] += 1
            else:
                survivors.append(f"{name} (exit code {code})")
    total = [sum(r[i] for r in per.values()) for i in range(4)]
    print(f"\n{'module':48} {'killed':>7} {'equiv':>6} {'of':>6} {'score':>7} {'not run':>8}")
    for module, (k, e, n, u) in sorted(per.items()) + [("TOTAL", total)]:
        print(f"{module:48} {k:7} {e:6} {n:6} {100 * k / max(n, 1):6.1f}% {u:8}")
    for s in survivors:
        print("survived:", s)
    for t in timed_out:
        print("timed out (not decided; `--survivors` runs it again):", t)
    for p in problems:
        print("equivalents.txt:", p)
    score = 100 * total[0] / max(total[2], 1)
    print(f"\nmutation score {score:.1f}% of the {total[2]} non-equivalent mutants run (minimum {minimum}%)")
    if total[3]:
        print(f"INCOMPLETE: {total[3]} mutants not run yet (`make mutate` again continues where it stopped)")
    for path in missing:
        print(f"NOT RUN: {path} has no record (no mutant of it made or run yet)")
    return 1 if problems or score < minimum or total[3] or missing else 0


def run_group(group: str, stage_dir: Path, args: argparse.Namespace) -> None:
    """One ``mutmut run`` of a staged group (the mutants ``args`` name, or every one not run yet)."""
    mutmut = Path(sys.executable).with_name("mutmut")
    command = ["nice", "-n", os.environ.get("CASHCAST_MUTATION_NICE", "19"), str(mutmut), "run", "--max-children", str(args.jobs)]
    known = results(stage_dir)
    names = sorted({n for n in known for g in args.mutants if fnmatch.fnmatch(n, g)
                    and not (args.pending and known[n] is not None)})
    if args.survivors:
        listed = equivalents()
        names += [n for n, code in known.items() if n not in names and (
            code in TIMED_OUT or (code is not None and code not in KILLED and n not in listed))]
    if (args.mutants or args.survivors) and not names:
        if known or not args.mutants:
            return
        names = list(args.mutants)   # no mutant made yet: mutmut makes them and runs those the globs name
    # CASHCAST_MUTATION: the tests load the few-examples Hypothesis profile (tests/conftest.py)
    # one thread per mutant: mutmut limits each mutant's CPU seconds (its hang timeout), and
    # numpy's BLAS threads would spend them faster than the wall clock on a shared machine
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", CASHCAST_MUTATION="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run(command + names, cwd=stage_dir, env=env)
    if args.pending and done.returncode == 0:
        # mutmut forgets the results of a function whose source changed only as it generates
        # the mutants, after ``known`` was read: run the named ones that left without a result
        known = results(stage_dir)
        again = sorted({n for n in known for g in args.mutants if fnmatch.fnmatch(n, g)
                        and known[n] is None} - set(names))
        if again:
            done = subprocess.run(command + again, cwd=stage_dir, env=env)
    unmapped = forget_unmapped(stage_dir) if done.returncode == 0 else []
    if unmapped:
        print(f"mutmut ({group}): {len(unmapped)} mutants of functions mapped to no test; mapping every "
              "function to its tests again (a full stats run) and running them")
        done = subprocess.run(command + unmapped, cwd=stage_dir, env=env)
    if done.returncode != 0:
        print(f"mutmut ({group}) exited with {done.returncode}")
    run_at_import(stage_dir, env, args.survivors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=float, default=95.0)
    parser.add_argument("--no-run", action="store_true", help="only score the last run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--group", choices=sorted(GROUPS), action="append",
                        help="run only this group (repeatable); default: every group")
    parser.add_argument("--survivors", action="store_true",
                        help="rerun the last run's survivors not listed as equivalent, and its timed-out mutants")
    parser.add_argument("--pending", action="store_true",
                        help="of the mutants named, run only those not run yet (continue a run narrowed to them)")
    parser.add_argument("--reset", action="store_true",
                        help="run even though the group's tests changed (mutmut then forgets the group's results)")
    parser.add_argument("--fresh", action="store_true",
                        help="start the group from nothing: its local cache deleted, the committed verdicts not used")
    parser.add_argument("mutants", nargs="*", help="mutant names or globs to (re)run")
    args = parser.parse_args(argv)
    codes: dict[str, int | None] = {}
    missing: list[str] = []
    for group in args.group or list(GROUPS):
        stage_dir = stage(group, args.reset, args.fresh and not args.no_run)
        if not args.no_run:
            run_group(group, stage_dir, args)
        save_verdicts(group, stage_dir)
        codes.update(results(stage_dir))
        missing += unrecorded(stage_dir, group)
    return report(codes, args.min, args.group or list(GROUPS), missing)


if __name__ == "__main__":
    sys.exit(main())
