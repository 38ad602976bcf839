"""How the command line ends when the world around it fails: output faults, signals and closed pipes.

Each has an exit status of its own (the README's table), so a script can tell "cashcast has a bug"
(1) from "the workbook is wrong" (2), "the reports could not be written" (3), "someone stopped it"
(130, 143) and "the reader of its output went away" (141) — and a person gets one line saying what
happened to which path and what to do, never a traceback.
"""
from __future__ import annotations

import errno
import os
import select
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_CHECKS = 4  # `cashcast test`: a check of a workbook's Checks sheet failed (the workbook itself is good)
EXIT_PIPE = 128 + signal.SIGPIPE  # 141: what a shell reports for a writer whose reader has gone
STOPPING_SIGNALS = (signal.SIGTERM,)  # handled like Ctrl-C (SIGINT → KeyboardInterrupt): 128 + number

# errno → (what is wrong, what to do); the path is said by the caller.
REASONS = {
    errno.ENOSPC: ("the disk is full", "free some space or give --out a folder on another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or give --out another folder"),
    errno.EFBIG: ("a file is larger than the file-size limit (ulimit -f)",
                  "raise the limit or give --out a folder where it does not apply"),
    errno.EROFS: ("the file system is read-only", "give --out a folder you can write to"),
    errno.EACCES: ("permission denied", "give --out a folder you can write to"),
    errno.EPERM: ("the operation is not permitted", "give --out a folder you can write to"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "give --out a folder path"),
    errno.EEXIST: ("it is a file, not a folder", "give --out a folder, or move the file away"),
    errno.EISDIR: ("a report's name is taken by a folder", "move that folder away"),
    errno.EIO: ("the disk reported an input/output error", "check the disk"),
}


class OutputError(Exception):
    """The reports (or a starter workbook) could not be written: exit 3 with one line, no traceback.

    ``path`` is what the user named (``--out``, ``--dir``) or the part of it at fault; the message
    says what is wrong and what to do.
    """

    def __init__(self, path: Path, reason: str, advice: str, unchanged: str = "nothing was written"):
        self.path, self.reason, self.advice, self.unchanged = Path(path), reason, advice, unchanged
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: cannot write there: {self.reason}; {self.advice} ({self.unchanged})."


def from_os_error(path: Path, exc: OSError, unchanged: str = "nothing was written",
                  option: str = "--out") -> OutputError:
    """The :class:`OutputError` for an ``OSError`` met while writing into the folder ``path``."""
    reason, advice = REASONS.get(exc.errno, (exc.strerror or str(exc), "give --out another folder"))
    at = blocking_file(path)
    if at is not None:  # the clearest story: which part of the path is a file
        reason, advice = fault_in_path(path, at)
    return OutputError(path, reason, advice.replace("--out", option), unchanged)


def blocking_file(folder: Path) -> Path | None:
    """The path itself or its nearest existing ancestor, when that is not a folder (else None)."""
    p = Path(folder)
    while not os.path.lexists(p) and p != p.parent:
        p = p.parent
    return None if p.is_dir() else p


def fault_in_path(folder: Path, at: Path) -> tuple[str, str]:
    """Reason and advice when ``at`` — ``folder`` or one of its parents — is not a folder."""
    if Path(at) == Path(folder):
        return "it is a file, not a folder", "give --out a folder, or move the file away"
    return f"{at} is a file, not a folder", "give --out a folder path"


def check_folder(folder: Path, option: str = "--out") -> None:
    """Refuse, before any work, a folder that cannot hold the outputs: a file, a path under a file,
    or a folder (or its nearest existing parent, where it would be made) that cannot be written."""
    folder = Path(folder)
    at = blocking_file(folder)
    if at is not None:
        reason, advice = fault_in_path(folder, at)
        raise OutputError(folder, reason, advice.replace("--out", option))
    p = folder
    while not p.exists():
        p = p.parent
    if not os.access(p, os.W_OK | os.X_OK):
        reason = ("the file system is read-only" if read_only(p) else "permission denied")
        where = "" if p == folder else f" (at {p})"
        raise OutputError(folder, reason + where, f"give {option} a folder you can write to")


def read_only(folder: Path) -> bool:
    """Whether ``folder`` lies on a file system mounted read-only."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


# ------------------------------------------------------------------------------------------------
# Signals and pipes
# ------------------------------------------------------------------------------------------------
class Stopped(KeyboardInterrupt):
    """SIGTERM (and the like) raised as an exception, so that cleanup runs as for Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def interrupted_status(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Stopped` instead of killing the process at once, so
    an interrupted publish removes its staged files; the earlier handlers come back afterwards."""
    def raise_stopped(signum, frame):
        raise Stopped(signum)

    earlier = {}
    for sig in STOPPING_SIGNALS:
        try:
            earlier[sig] = signal.signal(sig, raise_stopped)
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        yield
    finally:
        for sig, handler in earlier.items():
            signal.signal(sig, handler)


def silence_stdout() -> None:
    """After a ``BrokenPipeError``: point stdout at /dev/null, so that the interpreter's final flush
    neither fails again nor prints "Exception ignored" (the pattern in Python's ``signal`` docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (a test's capture): nothing to flush
        pass


def reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it. argparse swallows the ``BrokenPipeError``
    of ``--help`` (unbuffered, it never reaches a flush), so ask the pipe itself: POLLERR."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def say(message: str) -> None:
    """Print a message on stderr; a closed stderr is no reason to fail more loudly."""
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
