"""`mutation/run.py`'s own bookkeeping around mutmut (the script `make mutate` runs)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_module():
    spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "mutation" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mutants_mapped_to_no_test_are_forgotten_with_the_map_so_the_next_run_maps_and_runs_them(tmp_path):
    """mutmut maps a function to its tests only once (and for new tests): a file that joined the group
    later has its mutants recorded as "no tests" (exit code 33) without a run. Those verdicts and the map
    are forgotten; every other verdict and field is kept."""
    run = _run_module()
    meta = tmp_path / "mutants" / "cashcast" / "reports" / "excel" / "layout.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"m.x_a__mutmut_1": 33, "m.x_a__mutmut_2": 1,
                                                     "m.x_b__mutmut_1": 0, "m.x_b__mutmut_2": None,
                                                     "m.x_c__mutmut_1": 5}, "durations_by_key": {"m.x_a__mutmut_2": 0.5}}))
    kept = tmp_path / "mutants" / "cashcast" / "other.py.meta"
    kept.write_text(json.dumps({"exit_code_by_key": {"o.x_d__mutmut_1": 1}}))
    stats = tmp_path / "mutants" / "mutmut-stats.json"
    stats.write_text("{}")
    assert run.forget_unmapped(tmp_path) == ["m.x_a__mutmut_1", "m.x_c__mutmut_1"]
    assert json.loads(meta.read_text()) == {
        "exit_code_by_key": {"m.x_a__mutmut_1": None, "m.x_a__mutmut_2": 1, "m.x_b__mutmut_1": 0,
                             "m.x_b__mutmut_2": None, "m.x_c__mutmut_1": None},
        "durations_by_key": {"m.x_a__mutmut_2": 0.5}}
    assert json.loads(kept.read_text()) == {"exit_code_by_key": {"o.x_d__mutmut_1": 1}} and not stats.exists()
    # nothing unmapped: the map stays
    stats.write_text("{}")
    assert run.forget_unmapped(tmp_path) == [] and stats.exists()


def test_a_file_mutmut_copied_before_it_joined_the_group_is_copied_again_to_be_mutated(tmp_path):
    """A mutated file has mutmut's ``.meta`` record beside it; a plain copy (made before the file was in
    the group) has none and is deleted, so that mutmut mutates it; other copies are left alone."""
    run = _run_module()
    for name in ("joined.py", "mutated.py", "outside.py"):
        (tmp_path / "cashcast").mkdir(exist_ok=True)
        (tmp_path / "cashcast" / name).write_text("x = 1\n")
        (tmp_path / "mutants" / "cashcast").mkdir(parents=True, exist_ok=True)
        (tmp_path / "mutants" / "cashcast" / name).write_text("x = 1\n")
    (tmp_path / "mutants" / "cashcast" / "mutated.py.meta").write_text("{}")
    run._forget_unmutated_copies(tmp_path, ["cashcast/joined.py", "cashcast/mutated.py"])
    assert sorted(p.name for p in (tmp_path / "mutants" / "cashcast").iterdir()) == [
        "mutated.py", "mutated.py.meta", "outside.py"]


def _stage_with_records(root: Path, pyproject: str, records: dict[str, dict]) -> Path:
    (root / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    for path, data in records.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("def f(): pass\n")
        meta = root / "mutants" / (path + ".meta")
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(json.dumps(data))
    return root


OPTIONS = '\n[tool.mutmut]\npytest_add_cli_args_test_selection = ["tests/test_a.py"]\ntimeout_multiplier = 30\n'


def test_verdicts_are_committed_per_function_and_given_back_to_mutmut_on_a_fresh_stage(tmp_path, monkeypatch):
    """A run's verdicts go to mutation/verdicts/<group>.json, one letter per mutant (killed, survived, not
    decided: not run, timed out, mapped to no test) beside mutmut's hash of its function; a stage with no
    record of a file gets them back as mutmut's own record, which keeps each verdict while the function's
    hash is unchanged. A package's ``__init__.py`` and a method's mangled name round-trip."""
    run = _run_module()
    monkeypatch.setattr(run, "VERDICTS", tmp_path / "verdicts")
    monkeypatch.setitem(run.GROUPS, "g", (["cashcast/models/*.py", "cashcast/models/kinds/*.py"], []))
    kpi, kinds = "cashcast/models/kpi.py", "cashcast/models/kinds/__init__.py"
    records = {
        kpi: {"exit_code_by_key": {"cashcast.models.kpi.x_runway__mutmut_1": 1,
                                   "cashcast.models.kpi.x_runway__mutmut_2": 0,
                                   "cashcast.models.kpi.x_runway__mutmut_3": -24,   # timed out
                                   "cashcast.models.kpi.x_runway__mutmut_4": 33,    # no tests
                                   "cashcast.models.kpi.x_runway__mutmut_5": None,
                                   "cashcast.models.kpi.x_runway__mutmut_6": 37,
                                   "cashcast.models.kpi.xǁCurveǁat__mutmut_1": 0},
              "hash_by_function_name": {"x_runway": "h1", "xǁCurveǁat": "h2"},
              "durations_by_key": {"cashcast.models.kpi.x_runway__mutmut_1": 0.5}},
        kinds: {"exit_code_by_key": {"cashcast.models.kinds.x_lines__mutmut_2": 1},
                "hash_by_function_name": {"x_lines": "h3"}},
    }
    first = _stage_with_records(tmp_path / "first", OPTIONS, records)
    run.save_verdicts("g", first)
    committed = json.loads((tmp_path / "verdicts" / "g.json").read_text())
    assert committed["files"] == {kpi: {"x_runway": ["h1", "ks---k"], "xǁCurveǁat": ["h2", "s"]},
                                  kinds: {"x_lines": ["h3", "-k"]}}
    assert committed["test options"] == run._test_options(OPTIONS)

    second = tmp_path / "second"
    for path in (kpi, kinds):
        (second / path).parent.mkdir(parents=True)
        (second / path).write_text("def f(): pass\n")
    run.seed_verdicts(second, run.load_verdicts("g", run._test_options(OPTIONS)))
    seeded = json.loads((second / "mutants" / (kpi + ".meta")).read_text())
    assert seeded["exit_code_by_key"] == {
        "cashcast.models.kpi.x_runway__mutmut_1": 1, "cashcast.models.kpi.x_runway__mutmut_2": 0,
        "cashcast.models.kpi.x_runway__mutmut_3": None, "cashcast.models.kpi.x_runway__mutmut_4": None,
        "cashcast.models.kpi.x_runway__mutmut_5": None, "cashcast.models.kpi.x_runway__mutmut_6": 1,
        "cashcast.models.kpi.xǁCurveǁat__mutmut_1": 0}
    assert seeded["hash_by_function_name"] == {"x_runway": "h1", "xǁCurveǁat": "h2"}
    # the fields mutmut's SourceFileMutationData.load() requires
    assert {k: seeded[k] for k in ("type_check_error_by_key", "durations_by_key", "estimated_durations_by_key")} \
        == {"type_check_error_by_key": {}, "durations_by_key": {}, "estimated_durations_by_key": {}}
    assert json.loads((second / "mutants" / (kinds + ".meta")).read_text())["exit_code_by_key"] == {
        "cashcast.models.kinds.x_lines__mutmut_1": None, "cashcast.models.kinds.x_lines__mutmut_2": 1}
    # the second stage's verdicts, saved, are the first's
    run.save_verdicts("g", _stage_with_records(second, OPTIONS, {}))
    assert json.loads((tmp_path / "verdicts" / "g.json").read_text()) == committed


def test_committed_verdicts_are_not_used_with_other_tests_and_do_not_overwrite_a_record(tmp_path, monkeypatch):
    """Verdicts reached with other tests or options are not given to mutmut (it forgets its own then);
    a file that already has mutmut's record, or that the stage does not have, is left alone; a file
    the stage has no record of keeps its committed verdicts when the group's are saved."""
    run = _run_module()
    monkeypatch.setattr(run, "VERDICTS", tmp_path / "verdicts")
    monkeypatch.setitem(run.GROUPS, "g", (["cashcast/*.py"], []))
    (tmp_path / "verdicts").mkdir()
    (tmp_path / "verdicts" / "g.json").write_text(json.dumps({
        "test options": run._test_options(OPTIONS),
        "files": {"cashcast/a.py": {"x_f": ["h", "k"]}, "cashcast/b.py": {"x_g": ["h", "s"]},
                  "cashcast/gone.py": {"x_h": ["h", "k"]}, "elsewhere/c.py": {"x_i": ["h", "k"]}}}))
    other = OPTIONS.replace("test_a.py", "test_b.py")
    assert run.load_verdicts("g", run._test_options(other)) == {}
    stage = _stage_with_records(tmp_path / "stage", OPTIONS, {"cashcast/b.py": {
        "exit_code_by_key": {"cashcast.b.x_g__mutmut_1": 1}, "hash_by_function_name": {"x_g": "h"}}})
    (stage / "cashcast" / "a.py").write_text("def f(): pass\n")
    run.seed_verdicts(stage, run.load_verdicts("g", run._test_options(OPTIONS)))
    assert json.loads((stage / "mutants/cashcast/a.py.meta").read_text())["exit_code_by_key"] == {
        "cashcast.a.x_f__mutmut_1": 1}
    assert json.loads((stage / "mutants/cashcast/b.py.meta").read_text())["exit_code_by_key"] == {
        "cashcast.b.x_g__mutmut_1": 1}
    assert not (stage / "mutants/cashcast/gone.py.meta").exists()
    (stage / "mutants/cashcast/a.py.meta").unlink()
    run.save_verdicts("g", stage)
    assert json.loads((tmp_path / "verdicts" / "g.json").read_text())["files"] == {
        "cashcast/a.py": {"x_f": ["h", "k"]}, "cashcast/b.py": {"x_g": ["h", "k"]}}


def test_every_module_of_the_model_is_in_a_mutation_group_or_says_why_not():
    """issue 18: mutation testing over the model (``models/``). A module added later joins a group (or
    ``NOT_MUTATED`` says why it has nothing to mutate); each group's files exist."""
    import fnmatch
    run = _run_module()
    patterns = [p for files, _tests in run.GROUPS.values() for p in files]
    left_out = []
    for path in sorted((ROOT / "models").rglob("*.py")):
        staged = "cashcast/" + path.relative_to(ROOT).as_posix()
        docstring_only = path.name == "__init__.py" and len(path.read_text().strip().splitlines()) == 1
        if not any(fnmatch.fnmatch(staged, p) for p in patterns) and staged not in run.NOT_MUTATED \
                and not docstring_only:
            left_out.append(staged)
    assert left_out == []
    for pattern in patterns:
        local = pattern.replace("cashcast/models/", "models/").replace("cashcast/reports/", "reports/")
        assert list(ROOT.glob(local)), pattern
    for staged in run.NOT_MUTATED:
        assert (ROOT / staged.replace("cashcast/models/", "models/")).exists(), staged


def test_a_group_file_with_no_record_is_named_and_the_group_is_not_complete(tmp_path, monkeypatch, capsys):
    """A file of the group that mutmut never mutated (and that has no committed verdicts) has no mutant in
    the count: the score would look complete without it. It is named, and the run fails."""
    run = _run_module()
    monkeypatch.setitem(run.GROUPS, "g", (["cashcast/*.py"], []))
    monkeypatch.setattr(run, "EQUIVALENTS", tmp_path / "equivalents.txt")
    (tmp_path / "equivalents.txt").write_text("")
    stage = _stage_with_records(tmp_path / "stage", OPTIONS, {"cashcast/a.py": {
        "exit_code_by_key": {"cashcast.a.x_f__mutmut_1": 1}, "hash_by_function_name": {"x_f": "h"}}})
    (stage / "cashcast" / "b.py").write_text("def g(): pass\n")
    assert run.unrecorded(stage, "g") == ["cashcast/b.py"]
    codes = run.results(stage)
    assert run.report(codes, 95.0, ["g"], run.unrecorded(stage, "g")) == 1
    assert "NOT RUN: cashcast/b.py has no record" in capsys.readouterr().out
    assert run.report(codes, 95.0, ["g"], []) == 0


def test_globs_for_a_group_never_run_are_handed_to_mutmut_which_makes_the_mutants(tmp_path, monkeypatch):
    """``--pending GLOB`` on a stage with no mutant yet: nothing is known to match, so the globs themselves
    go to mutmut (which takes globs), rather than the run doing nothing."""
    import argparse
    import subprocess
    run = _run_module()
    calls = []
    monkeypatch.setattr(run.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or subprocess.CompletedProcess(cmd, 0))
    monkeypatch.setattr(run, "run_at_import", lambda *a: None)
    (tmp_path / "mutants").mkdir()
    args = argparse.Namespace(jobs=2, mutants=["cashcast.models.reading.sheets.x_read_settings__mutmut_*"],
                              pending=True, survivors=False)
    run.run_group("g", tmp_path, args)
    assert calls and calls[0][-1] == "cashcast.models.reading.sheets.x_read_settings__mutmut_*"
