"""``cashcast sweep``: a grid swept on Dask equals the same runs made one by one through
``cashcast.run``; a 2-process LocalCluster gives identical tables; the chunk size changes nothing;
an interrupted sweep resumes without recomputing what was written; a bad spec exits 2 with every
problem on its line (issue 14)."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import openpyxl
import pandas as pd
import pytest

import cashcast
from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.sweep import combination_seed, find_target, with_overrides
from cashcast.models.reading.problems import InputError
from cashcast.reports.cli.main import main
from cashcast.reports.sweep import engine
from cashcast.reports.sweep.spec import plan, read_spec
from tests.bad_workbooks import BAD
from tests.helpers import ROOT

OPENAI = ROOT / "assumptions" / "openai.xlsx"
RMB = ROOT / "assumptions" / "xiaoice_rmb.xlsx"
SAMPLES, SEED = 300, 11


def write_spec(folder, chunk=128, paths=True, extra="", seed=SEED):
    spec = folder / "sweep.toml"
    spec.write_text(f'''workbooks = ["{OPENAI.as_posix()}"]
scenarios = ["base", "ads-15pct"]
samples = {SAMPLES}
seed = {seed}
chunk = {chunk}
percentile_paths = {"true" if paths else "false"}
{extra}
[grid]
"ChatGPT Plus.conversion" = [0.03, "1.5%"]
"settings.opening_cash" = {{ from = 1e9, to = 3e9, steps = 2 }}
''', encoding="utf-8")
    return spec


def swept(spec, out, **kw):
    s = read_spec(spec)
    books, combos = plan(s)
    report = engine.sweep(s, books, combos, out, **kw)
    return s, books, combos, report


def table(out, name="kpis") -> pd.DataFrame:
    frames = []
    for part in sorted((out / name).glob("*/*/part-0.parquet")):
        f = pd.read_parquet(part)
        f.insert(0, "partition", part.parent.relative_to(out).as_posix())
        frames.append(f)
    keys = ["combination", "kpi"] if name == "kpis" else ["combination", "month"]
    return pd.concat(frames).sort_values(keys).reset_index(drop=True)


def same(a: float, b: float, cents: bool) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return round(a, 2) == round(b, 2) if cents else a == b


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    return (*swept(write_spec(folder), folder / "out"), folder / "out")


def test_a_grid_equals_the_runs_made_one_by_one(local):
    spec, books, combos, report, out = local
    assert len(combos) == 8 and report.chunks == 8 * 3 and not report.skipped  # 300 samples: 128 + 128 + 44
    kpis, paths = table(out), table(out, "paths")
    summary = pd.read_csv(out / "summary.csv").set_index("combination")
    assert summary.index.tolist() == list(range(8))
    for c in combos:
        wb = with_overrides(books[c.stem], c.overrides)
        result = cashcast.run(wb, c.scenario, SAMPLES, combination_seed(SEED, c.index))
        own = result.run.kpis
        sim = result.outcome.analysis.simulations[c.scenario]
        mine = kpis[kpis.combination == c.index].set_index("kpi")
        assert set(mine.index) == {k.name for k in registry.KPIS}
        assert mine.partition.iloc[0] == f"kpis/workbook=openai/scenario={c.scenario}"
        for k in registry.KPIS:
            assert same(mine.at[k.name, "value"], float(own[k.name][0]), k.kind == "money"), (c, k.name)
        for name, p in sim.percentiles.items():
            for q in ("p10", "p50", "p90"):
                assert same(mine.at[name, q], getattr(p, q), False), (c, name, q)
        line = summary.loc[c.index]
        assert (line.workbook, line.scenario) == ("openai", c.scenario)
        assert round(line.ending_cash, 2) == round(float(own["ending_cash"][0]), 2)
        p10 = result.percentiles(c.scenario).at["cash_out_month", "p10"]
        assert (None if pd.isna(p10) else str(p10)) == (None if pd.isna(line["cash_out_month.p10"])
                                                         else line["cash_out_month.p10"])
        fan = paths[paths.combination == c.index]
        assert fan.month.tolist() == sim.fan.months
        for q in ("p10", "p50", "p90"):
            np.testing.assert_array_equal(fan[q].to_numpy(), getattr(sim.fan, q))


def test_the_overrides_are_what_editing_the_workbook_gives(local, tmp_path):
    """A grid point equals the workbook file with that value typed in (and its low/high cleared)."""
    spec, books, combos, report, out = local
    c = next(c for c in combos if c.scenario == "base" and c.point["ChatGPT Plus.conversion"] == "1.5%"
             and c.point["settings.opening_cash"] == 3e9)
    row = find_target(books["openai"], "ChatGPT Plus.conversion")
    edited = openpyxl.load_workbook(OPENAI)
    sheet = edited["Assumptions"]
    sheet[row.cells["value"]], sheet[row.cells["low"]], sheet[row.cells["high"]] = 0.015, None, None
    settings = edited["Settings"]
    cell = next(r[1] for r in settings.iter_rows() if r[0].value == "opening_cash")
    cell.value = 3e9
    edited.save(tmp_path / "openai.xlsx")
    result = cashcast.run(tmp_path / "openai.xlsx", "base", SAMPLES, combination_seed(SEED, c.index))
    mine = table(out).query(f"combination == {c.index}").set_index("kpi")
    assert result.run.workbook.settings.opening_cash == 3e9 != books["openai"].settings.opening_cash
    for name, p in result.outcome.analysis.simulations["base"].percentiles.items():
        assert same(mine.at[name, "p50"], p.p50, False), name
    assert same(mine.at["ending_cash", "value"], float(result.run.kpis["ending_cash"][0]), True)


def test_a_different_chunk_size_gives_the_same_tables(local, tmp_path):
    """The draws come in fixed blocks of samples keyed by (seed, combination, row, block), so 128 or
    1,000 samples a task (one task a combination) give the same figures."""
    *_, out = local
    spec, books, combos, report = swept(write_spec(tmp_path, chunk=1000), tmp_path / "out")
    assert report.chunks == 8
    pd.testing.assert_frame_equal(table(out), table(tmp_path / "out"), check_exact=True)
    pd.testing.assert_frame_equal(table(out, "paths"), table(tmp_path / "out", "paths"), check_exact=True)
    *_, resumed = swept(write_spec(tmp_path, chunk=512), tmp_path / "out")  # another chunk size resumes
    assert len(resumed.skipped) == 2 and resumed.chunks == 0


def test_an_output_folder_of_another_sweep_is_refused(local, tmp_path):
    *_, out = local
    before = sorted(p.stat().st_mtime_ns for p in out.rglob("*"))
    with pytest.raises(InputError, match="holds another sweep"):
        swept(write_spec(tmp_path, seed=SEED + 1), out)
    assert sorted(p.stat().st_mtime_ns for p in out.rglob("*")) == before


def test_two_worker_processes_give_identical_results(local, tmp_path):
    distributed = pytest.importorskip("distributed")
    *_, out = local
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        spec, books, combos, report = swept(write_spec(tmp_path), tmp_path / "out", scheduler=cluster.scheduler_address)
        with distributed.Client(cluster) as client:
            workers = client.scheduler_info()["workers"]
    assert len(workers) == 2 and len({w["pid"] if "pid" in w else w["id"] for w in workers.values()}) == 2
    pd.testing.assert_frame_equal(table(out), table(tmp_path / "out"), check_exact=True)
    pd.testing.assert_frame_equal(table(out, "paths"), table(tmp_path / "out", "paths"), check_exact=True)
    assert (tmp_path / "out" / "summary.csv").read_bytes() == (out / "summary.csv").read_bytes()


def test_an_interrupted_sweep_resumes_without_recomputing(tmp_path, monkeypatch):
    spec = write_spec(tmp_path, paths=False)
    out = tmp_path / "out"
    calls, real_chunk, real_write = [], engine.chunk_task, engine.write_partition

    def counted(*args):
        calls.append(args[5])
        return real_chunk(*args)

    def write_once(out_, stem, scenario, tables):
        if any(out_.glob("kpis/*/*/part-0.parquet")):
            raise KeyboardInterrupt  # stopped after the first partition was written
        real_write(out_, stem, scenario, tables)

    monkeypatch.setattr(engine, "chunk_task", counted)
    monkeypatch.setattr(engine, "write_partition", write_once)
    with pytest.raises(KeyboardInterrupt):
        swept(spec, out, workers=1)
    first = sorted(out.glob("kpis/*/*/part-0.parquet"))
    assert len(first) == 1 and not list(out.rglob("*.tmp"))
    stamp = first[0].stat().st_mtime_ns
    monkeypatch.setattr(engine, "write_partition", real_write)
    calls.clear()
    _, _, combos, report = swept(spec, out)
    assert len(report.skipped) == 1 and len(report.computed) == 1
    assert len(calls) == report.chunks == 4 * 3  # the other scenario's 4 combinations only
    assert first[0].stat().st_mtime_ns == stamp
    calls.clear()
    _, _, _, again = swept(spec, out)
    assert calls == [] and again.chunks == 0 and len(again.skipped) == 2
    fresh = tmp_path / "fresh"
    monkeypatch.setattr(engine, "chunk_task", real_chunk)
    swept(spec, fresh)
    pd.testing.assert_frame_equal(table(out).drop(columns="partition"), table(fresh).drop(columns="partition"))
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(summary.combination) == list(range(8))


def test_a_bad_spec_lists_every_problem_with_its_line(tmp_path, capsys):
    spec = tmp_path / "sweep.toml"
    spec.write_text(f'''workbooks = ["{OPENAI.as_posix()}", "{RMB.as_posix()}", "nowhere/*.xlsx"]
scenarios = ["base", "bear"]
samples = -5
colour = "blue"

[grid]
"ChatGPT Plus.price" = [20, "lots"]
"Nothing.here" = [1]
"ChatGPT Plus.conversion" = {{ from = 0.01, to = 0.02, steps = 1 }}
''', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"{len(err) - 1} problem(s); nothing was written."
    names = ", ".join(cashcast.load(OPENAI).scenario_names)
    expected = [
        "sweep.toml:4: unknown key 'colour'; valid: chunk, grid, percentile_paths, samples, scenarios, seed, workbooks",
        "sweep.toml:1: unknown workbook 'nowhere/*.xlsx': no such file",
        "sweep.toml:9: grid 'ChatGPT Plus.conversion': a range is { from = NUMBER, to = NUMBER, steps = "
        "WHOLE NUMBER of 2 or more }",
        "sweep.toml:3: samples = -5 is not a whole number of 0 or more",
        f"sweep.toml:2: workbook openai.xlsx has no scenario 'bear'; it has {names}",
        "sweep.toml:7: grid 'ChatGPT Plus.price' value 'lots' in openai.xlsx: 'lots' is not a value for "
        "ChatGPT Plus.price (USD/month)"]
    assert set(expected) <= set(err), err
    assert any(e.startswith("sweep.toml:8: grid 'Nothing.here' names no assumption or setting of openai.xlsx") for e in err)
    assert any(e.startswith("sweep.toml:7: grid 'ChatGPT Plus.price' names no assumption or setting of "
                            "xiaoice_rmb.xlsx") for e in err), err
    assert not out.exists()


def test_a_spec_that_is_not_toml_names_its_line(tmp_path, capsys):
    spec = tmp_path / "sweep.toml"
    spec.write_text('samples = 5\nseed = = 3\n', encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines()[0].startswith("sweep.toml:2: not valid TOML")


@pytest.mark.parametrize("case", sorted(BAD)[:6] + ["cycle and a bad cell"])
def test_a_bad_workbook_in_a_spec_reports_what_check_reports(case, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    path = BAD[case](tmp_path / "in")
    main(["check", str(path)])
    checked = capsys.readouterr().err.splitlines()
    spec = tmp_path / "sweep.toml"
    spec.write_text(f'workbooks = ["{path.as_posix()}"]\nsamples = 10\n', encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == checked
    assert not (tmp_path / "out").exists()


def test_the_plain_command_line_never_imports_dask():
    code = ("import sys, cashcast; from cashcast.reports.cli.main import main, parser; parser(); "
            "main(['check', 'assumptions/openai.xlsx', '--quiet']); "
            "print(sorted(m for m in ('dask', 'distributed', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_an_output_that_cannot_be_written_is_exit_3(tmp_path, capsys):
    """``--out`` naming a file is the writer's problem (exit 3, one line, nothing written), as for run."""
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    assert main(["sweep", str(write_spec(tmp_path)), "--out", str(blocker)]) == 3
    err = capsys.readouterr().err
    assert f"{blocker}: cannot write there:" in err and "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"
