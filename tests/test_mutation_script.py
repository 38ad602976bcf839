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
