"""A run's outputs form one set: stopped at any moment, DIR holds the old complete set or the new one.

``files.publish`` switches the set through one renamed symlink (see its module docstring). These
tests stop it at every rename — with an exception, KeyboardInterrupt, SystemExit, and SIGKILL of a
real process at a point it signals — and look at DIR as a reader would.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from cashcast.reports.cli.main import main
from cashcast.reports.files import OUTPUT_SUFFIXES, publish
from tests.helpers import ROOT, row

STEM = "model"
OLD = {f"{STEM}{s}": f"old {s}\n" for s in (".xlsx", ".html", ".json", ".csv")}
NEW = {f"{STEM}{s}": f"new {s}\n" for s in OUTPUT_SUFFIXES}  # the new set adds a PDF


def visible(folder, stem=STEM) -> dict[str, bytes | None]:
    """What a reader finds at DIR/<stem>.<suffix> for every output suffix (None: no such file)."""
    return {stem + s: ((folder / (stem + s)).read_bytes() if (folder / (stem + s)).exists() else None)
            for s in OUTPUT_SUFFIXES}


def as_set(outputs: dict[str, str]) -> dict[str, bytes | None]:
    return {STEM + s: (outputs[STEM + s].encode() if STEM + s in outputs else None) for s in OUTPUT_SUFFIXES}


def write_plain(folder, outputs):
    """An earlier set as plain files, as cashcast before publish() (or a person) left them."""
    for name, text in outputs.items():
        (folder / name).write_text(text)


def leftovers(folder, stem=STEM) -> list[str]:
    """Hidden entries a finished publish should not leave: stale versions and temporary links."""
    home = folder / f".cashcast-{stem}"
    current = os.readlink(home / "current")
    return sorted(e.name for e in home.iterdir() if e.name not in ("current", current))


@pytest.mark.parametrize("earlier", ["plain files", "published"])
def test_publish_replaces_the_set_and_leaves_other_stems_alone(tmp_path, earlier):
    (tmp_path / "other.json").write_text("other stem")
    (tmp_path / "notes.txt").write_text("not ours")
    if earlier == "plain files":
        write_plain(tmp_path, OLD)
    else:
        publish(tmp_path, STEM, OLD)
    assert visible(tmp_path) == as_set(OLD)
    publish(tmp_path, STEM, NEW)
    assert visible(tmp_path) == as_set(NEW)
    smaller = dict(OLD)
    publish(tmp_path, STEM, smaller)  # a run without --pdf: the PDF of the previous set goes
    assert visible(tmp_path) == as_set(smaller)
    assert not os.path.lexists(tmp_path / f"{STEM}.pdf")
    assert (tmp_path / "other.json").read_text() == "other stem"
    assert (tmp_path / "notes.txt").read_text() == "not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".cashcast-model", "notes.txt", "other.json", *smaller])
    assert leftovers(tmp_path) == []


def test_outputs_are_ordinary_readable_files(tmp_path):
    old = os.umask(0o022)
    try:
        publish(tmp_path, STEM, NEW)
    finally:
        os.umask(old)
    for name in NEW:
        assert (tmp_path / name).is_file() and (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_names_that_are_not_the_stems_outputs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="other.json"):
        publish(tmp_path, STEM, {"other.json": "{}"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("earlier", ["plain files", "published"])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit, OSError])
def test_a_publish_stopped_at_any_rename_leaves_the_old_set_or_the_new(tmp_path, monkeypatch, earlier, stop):
    real = os.replace
    k = 0
    while True:
        folder = tmp_path / f"{k}"
        folder.mkdir()
        write_plain(folder, OLD) if earlier == "plain files" else publish(folder, STEM, OLD)
        calls = []

        def stopping(*args, **kwargs):
            calls.append(args)
            if len(calls) > k:
                raise stop("stopped")
            return real(*args, **kwargs)

        monkeypatch.setattr(os, "replace", stopping)
        try:
            publish(folder, STEM, NEW)
            finished = True
        except (KeyboardInterrupt, SystemExit, OSError):
            finished = False
        finally:
            monkeypatch.setattr(os, "replace", real)
        assert visible(folder) in (as_set(OLD), as_set(NEW)), (k, len(calls))
        assert visible(folder) == (as_set(NEW) if finished else as_set(OLD)), k
        publish(folder, STEM, NEW)  # the next run finishes the job and tidies what was left
        assert visible(folder) == as_set(NEW) and leftovers(folder) == [], k
        if finished:
            break
        k += 1
    assert k >= 2  # stopped between files at least: a new link, then the switch


CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from cashcast.reports.files import OUTPUT_SUFFIXES, publish

    folder, stop_at = Path(sys.argv[1]), int(sys.argv[2])
    new = {name: f"new {name[len('model'):]}\\n" for name in ["model" + s for s in OUTPUT_SUFFIXES]}
    real, calls = os.replace, []

    def signalling(*args, **kwargs):
        calls.append(args)
        if len(calls) == stop_at + 1:
            print("stopping", flush=True)
            time.sleep(60)
        return real(*args, **kwargs)

    os.replace = signalling
    publish(folder, "model", new)
    print("done", len(calls), flush=True)
    time.sleep(60)  # killed here too: after the switch, before tidying
""")


def kill_publish_at(folder, stop_at: int) -> str:
    """Run a publisher that stops before its ``stop_at``-th rename and says so; SIGKILL it there."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(stop_at)],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        said = child.stdout.readline()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert said.startswith(("stopping", "done")), said
    return said


@pytest.mark.parametrize("earlier", ["plain files", "published"])
def test_a_run_killed_at_any_point_leaves_the_old_set_or_the_new(tmp_path, earlier):
    k = 0
    while True:
        folder = tmp_path / f"{k}"
        folder.mkdir()
        write_plain(folder, OLD) if earlier == "plain files" else publish(folder, STEM, OLD)
        (folder / "other.csv").write_text("other")
        said = kill_publish_at(folder, k)
        expected = as_set(NEW) if said.startswith("done") else as_set(OLD)
        assert visible(folder) == expected, (k, said)
        assert (folder / "other.csv").read_text() == "other"
        publish(folder, STEM, NEW)  # the next run removes what the killed one left
        assert visible(folder) == as_set(NEW) and leftovers(folder) == [], k
        if said.startswith("done"):
            break
        k += 1
    assert k >= 2


def test_run_interrupted_between_files_keeps_the_earlier_reports(make_workbook, tmp_path, monkeypatch, capsys):
    path = make_workbook([row("Rent", "opex", "monthly_amount", 100, "USD/month")])
    out = tmp_path / "out"
    out.mkdir()
    write_plain(out, OLD)
    real, calls = os.replace, []

    def interrupted(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted)
    assert main(["run", str(path), "--out", str(out), "--samples", "0"]) == 130  # 128 + SIGINT
    monkeypatch.setattr(os, "replace", real)
    assert "interrupted" in capsys.readouterr().err
    assert visible(out) == as_set(OLD)
    assert main(["run", str(path), "--out", str(out), "--samples", "0"]) == 0
    assert json.loads((out / "model.json").read_text())["workbook"] == "model.xlsx"
    assert not os.path.lexists(out / "model.pdf") and leftovers(out) == []
