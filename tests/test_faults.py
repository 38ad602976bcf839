"""Faults around a run end with their own exit status and one line, and never mix the set of reports.

Each case runs the real command line in a child process on both example workbooks: an ``--out`` that
is a file or lies under one, a folder on a read-only file system, a disk that fills during the run, a
file-size limit (``ulimit -f``), a run stopped by SIGINT or SIGTERM between two files, and standard
output closed by its reader (``| true``, ``| head -1``). The statuses are the README's table:
3 outputs not written, 130 / 143 interrupted, 141 reader gone; 1 stays "a bug in cashcast".
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from cashcast.reports.files import OUTPUT_SUFFIXES
from tests.helpers import ROOT

EXAMPLES = ["openai.xlsx", "xiaoice_rmb.xlsx"]
QUICK = ["--samples", "0", "--scenario", "base"]  # every output, written quickly
EXIT_OUTPUT, EXIT_SIGINT, EXIT_PIPE, EXIT_SIGTERM = 3, 130, 141, 143
SOLVE = {"openai.xlsx": "Advertising.share", "xiaoice_rmb.xlsx": "GPU cluster.units"}


def command(*args) -> list[str]:
    return [sys.executable, "-m", "cashcast", *map(str, args)]


def environment(unbuffered: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


def cashcast(*args, cwd, **kwargs) -> subprocess.CompletedProcess:
    """Run the command line in a child process; text output, never raising on its status."""
    return subprocess.run(command(*args), cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=environment(), **kwargs)


def run_into(workbook: str, out: Path, **kwargs) -> subprocess.CompletedProcess:
    return cashcast("run", ROOT / "assumptions" / workbook, "--out", out, *QUICK, cwd=ROOT, **kwargs)


def reports(folder: Path, stem: str) -> dict[str, bytes | None]:
    """What a reader finds at DIR/<stem>.<suffix> for every suffix (None: no such file)."""
    return {stem + s: ((folder / (stem + s)).read_bytes() if (folder / (stem + s)).exists() else None)
            for s in OUTPUT_SUFFIXES}


def hidden(folder: Path, stem: str) -> set[str]:
    """The entries of the stem's hidden folder: a failed run must not leave a staged version."""
    return {e.name for e in (folder / f".cashcast-{stem}").iterdir()}


def one_line_about(result: subprocess.CompletedProcess, path: Path, *words: str) -> None:
    """stderr is one line that names ``path`` and says ``words``; no traceback."""
    err = result.stderr.strip()
    assert "\n" not in err and "Traceback" not in err and "internal error" not in err, err
    assert str(path) in err and all(w in err for w in words), err


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """earlier(workbook, folder): plant a complete set of that workbook's reports in ``folder`` (one
    real run per workbook and module, copied with its links) and return what a reader sees there."""
    made: dict[str, Path] = {}

    def plant(workbook: str, folder: Path) -> dict[str, bytes | None]:
        if workbook not in made:
            out = tmp_path_factory.mktemp("earlier") / "out"
            result = run_into(workbook, out)
            assert result.returncode == 0, result.stderr
            made[workbook] = out
        shutil.copytree(made[workbook], folder, symlinks=True, dirs_exist_ok=True)
        seen = reports(folder, Path(workbook).stem)
        assert seen[Path(workbook).stem + ".json"], seen
        return seen
    return plant


@contextmanager
def small_disk(tmp_path: Path, options: str = "size=4m"):
    """A tmpfs mounted at ``tmp_path/disk`` (as root); skipped where mounting is not possible — the
    file-size-limit test covers the same failure everywhere."""
    point = tmp_path / "disk"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "cashcast-test", str(point)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` so that about ``leave`` bytes stay free."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(disk / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


# ------------------------------------------------------------------------------------------------
# A folder that cannot hold the outputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("workbook", EXAMPLES)
def test_out_that_is_a_file_is_refused_and_left_alone(tmp_path, workbook):
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    result = run_into(workbook, target)
    assert result.returncode == EXIT_OUTPUT, result.stderr
    one_line_about(result, target, "is a file, not a folder", "--out")
    assert target.read_text() == "keep me" and sorted(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("workbook", EXAMPLES)
def test_out_under_a_file_names_the_file(tmp_path, workbook):
    blocker = tmp_path / "notes"
    blocker.write_text("a file")
    result = run_into(workbook, blocker / "q3" / "out")
    assert result.returncode == EXIT_OUTPUT, result.stderr
    one_line_about(result, blocker, "is a file, not a folder", "--out")
    assert blocker.read_text() == "a file" and sorted(tmp_path.iterdir()) == [blocker]


@pytest.mark.parametrize("workbook", EXAMPLES)
def test_a_read_only_folder_is_refused(tmp_path, workbook):
    with small_disk(tmp_path, "size=1m,ro") as disk:
        result = run_into(workbook, disk / "out")
        assert result.returncode == EXIT_OUTPUT, result.stderr
        one_line_about(result, disk / "out", "read-only", "--out")


@contextmanager
def unwritable(tmp_path: Path, where: str):
    """(folder to give, path the message must name) for each way a folder cannot be written."""
    blocker = tmp_path / "notes"
    blocker.write_text("a file")
    if where == "a file":
        yield blocker, blocker
    elif where == "under a file":
        yield blocker / "sub", blocker
    else:
        with small_disk(tmp_path, "size=1m" + (",ro" if where == "read-only" else "")) as disk:
            if where == "full disk":
                fill(disk, 0)
            yield disk, disk
    assert blocker.read_text() == "a file"


@pytest.mark.parametrize("where", ["a file", "under a file", "read-only", "full disk"])
def test_new_into_a_folder_that_cannot_be_written(tmp_path, where):
    with unwritable(tmp_path, where) as (folder, named):
        result = cashcast("new", "starter", "--dir", folder, cwd=tmp_path)
        assert result.returncode == EXIT_OUTPUT, result.stderr
        one_line_about(result, named, "--dir")
        assert not Path(folder).is_dir() or not list(Path(folder).glob("*starter*"))


# ------------------------------------------------------------------------------------------------
# All or nothing: a run that cannot finish leaves the earlier set exactly as it was
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("workbook", EXAMPLES)
def test_a_disk_that_fills_during_the_run_keeps_the_earlier_set(tmp_path, earlier, workbook):
    stem = Path(workbook).stem
    with small_disk(tmp_path) as disk:
        out = disk / "out"
        before = earlier(workbook, out)
        entries = hidden(out, stem)
        fill(disk, 100_000)  # the JSON and CSV fit, the workbook or the HTML report does not
        result = run_into(workbook, out)
        assert result.returncode == EXIT_OUTPUT, result.stderr
        one_line_about(result, out, "disk is full", "earlier reports are unchanged")
        assert reports(out, stem) == before and hidden(out, stem) == entries
        (disk / "filler").unlink()
        assert run_into(workbook, out).returncode == 0  # with room again, the run replaces the set


def limit_file_size(size: int):
    """For a child: files may not grow past ``size`` bytes, and SIGXFSZ makes a write fail (EFBIG)
    instead of killing the process."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


@pytest.mark.parametrize("workbook", EXAMPLES)
def test_a_file_size_limit_keeps_the_earlier_set(tmp_path, earlier, workbook):
    stem, out = Path(workbook).stem, tmp_path / "out"
    before = earlier(workbook, out)
    entries = hidden(out, stem)
    result = run_into(workbook, out, preexec_fn=limit_file_size(60_000))  # the JSON fits
    assert result.returncode == EXIT_OUTPUT, result.stderr
    one_line_about(result, out, "file-size limit", "earlier reports are unchanged")
    assert reports(out, stem) == before and hidden(out, stem) == entries


STOPPED_CHILD = textwrap.dedent("""
    import os, signal, sys
    from cashcast.reports import files
    from cashcast.reports.cli.main import main

    # Ctrl-C's default, as in a terminal: a suite started in the background (`make test &`) passes
    # SIGINT on ignored, and a run that ignores Ctrl-C is right to finish
    signal.signal(signal.SIGINT, signal.default_int_handler)

    real, staged = files.write_checked, []

    def stop_after_two(path, data):  # a real signal, delivered between two staged files
        real(path, data)
        staged.append(path)
        if len(staged) == 2:
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))

    files.write_checked = stop_after_two
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize("workbook", EXAMPLES)
@pytest.mark.parametrize("sig, status", [("SIGINT", EXIT_SIGINT), ("SIGTERM", EXIT_SIGTERM)])
def test_a_run_stopped_between_files_keeps_the_earlier_set(tmp_path, earlier, workbook, sig, status):
    stem, out = Path(workbook).stem, tmp_path / "out"
    before = earlier(workbook, out)
    entries = hidden(out, stem)
    result = subprocess.run([sys.executable, "-c", STOPPED_CHILD, sig, "run", ROOT / "assumptions" / workbook,
                             "--out", out, *QUICK], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, env=environment())
    assert result.returncode == status, result.stderr
    assert result.stderr.strip() == "interrupted; nothing more was written."
    assert reports(out, stem) == before and hidden(out, stem) == entries


# ------------------------------------------------------------------------------------------------
# Pipes: the reader of standard output goes away
# ------------------------------------------------------------------------------------------------
def commands(workbook: str, out: Path) -> dict[str, tuple[list[str], bytes]]:
    """Each command that prints on stdout, and how its first line starts."""
    path = ROOT / "assumptions" / workbook
    return {"run": (["run", path, "--out", out, *QUICK], workbook.encode()),
            "check": (["check", path], workbook.encode()),
            "solve --json": (["solve", path, "--vary", SOLVE[workbook], "--target",
                              "cash_out_month=never", "--json"], b"{"),
            "--help": (["--help"], b"usage: cashcast")}


def into_pipe(args: list, cwd: Path, unbuffered: bool, lines: int) -> tuple[int, bytes, bytes]:
    """Run with stdout a real pipe whose reader takes ``lines`` lines (0: none) and then closes it;
    the status, what was read and stderr."""
    child = subprocess.Popen(command(*args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=environment(unbuffered))
    read = b"".join(child.stdout.readline() for _ in range(lines))
    child.stdout.close()
    try:
        err = child.stderr.read()
        return child.wait(timeout=300), read, err
    finally:
        child.kill()


CASES = [(c, u) for c in ("run", "check", "solve --json", "--help") for u in (False, True)]


@pytest.mark.parametrize("workbook", EXAMPLES)
@pytest.mark.parametrize("name, unbuffered", CASES, ids=[f"{c}{'-unbuffered' * u}" for c, u in CASES])
def test_a_reader_that_exits_at_once(tmp_path, workbook, name, unbuffered):
    args, _ = commands(workbook, tmp_path / "out")[name]
    status, _, err = into_pipe(args, tmp_path, unbuffered, lines=0)
    assert (status, err) == (EXIT_PIPE, b"")


@pytest.mark.parametrize("workbook", EXAMPLES)
@pytest.mark.parametrize("name", ["run", "check", "solve --json", "--help"])
def test_a_reader_that_takes_one_line(tmp_path, workbook, name):
    args, first = commands(workbook, tmp_path / "out")[name]
    status, read, err = into_pipe(args, tmp_path, True, lines=1)
    assert read.startswith(first) and err == b"" and status in (0, EXIT_PIPE), (status, read, err)
