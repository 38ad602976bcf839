"""The only code that writes reports to disk: one file atomically, or a run's whole set atomically.

One file (:func:`write_atomic`): write a temporary file beside the target, then rename it over the
target; a failure leaves any earlier file untouched.

A set (:func:`publish`, used by ``cashcast run``): a run stopped at any moment — an exception,
Ctrl-C, ``SystemExit``, SIGKILL, a power cut after the last ``fsync`` — leaves either the previous
complete set of ``DIR/<stem>.*`` or the new complete set, never a new JSON beside an old workbook.
POSIX can rename one name atomically but never several, so the set is switched through one name::

    DIR/<stem>.xlsx -> .cashcast-<stem>/current/<stem>.xlsx        (a relative symlink per output)
    DIR/.cashcast-<stem>/current -> v-<pid>-<random>               (the one name that is switched)
    DIR/.cashcast-<stem>/v-<pid>-<random>/<stem>.xlsx, .html, …    (a complete set, never changed)

1. **Stage**: write every file of the new set into a fresh version folder and ``fsync`` it.
2. **Adopt** (only when needed): if some ``DIR/<stem>.*`` is not yet such a link (reports of an
   earlier cashcast, or a file put there by hand), snapshot what readers see now into a version
   folder of hard links, switch ``current`` to it, then replace each of those files by its link —
   each rename swaps a name for the very same file, so readers still see the old set.
3. **Link** each new output's name; a name the old set lacks (the first ``--pdf``) dangles, i.e. is
   still absent, until the switch.
4. **Switch**: ``rename(2)`` a new symlink over ``current``. This is the commit point: before it
   every name resolves into the old version, after it into the new one.
5. **Tidy** (best effort): remove links the new set lacks and version folders no longer current
   whose writer is gone (also those left by a run killed earlier).

A failure before the switch removes the staged folder and leaves the old set; after it, the new set
stands. Files of other stems, and names that are not this stem's outputs, are never touched. Two
runs of the same stem at once each publish a complete set; the last switch wins.
"""
from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

OUTPUT_SUFFIXES = (".xlsx", ".html", ".json", ".csv", ".annual.csv", ".pdf")  # every output a run may write
CURRENT = "current"


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path in the target's folder; on success rename it to ``target``.

    A failure leaves any earlier file at ``target`` untouched and removes the temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private (0600); a report is an ordinary file
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomic(target: Path, data: bytes | str) -> None:
    """Write one file so that readers see either its old or its new content, never a part."""
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


# ------------------------------------------------------------------------------------------------
# A run's set of files
# ------------------------------------------------------------------------------------------------
def publish(out_dir: Path, stem: str, outputs: dict[str, bytes | str]) -> None:
    """Write ``outputs`` (file name → content, every name ``<stem>.<suffix>``) into ``out_dir`` as one
    set that replaces the previous set of ``<stem>`` all at once (see the module docstring)."""
    out_dir = Path(out_dir)
    names = set(outputs)
    bad = [n for n in names if n not in stem_names(stem)]
    if bad:
        raise ValueError(f"not outputs of {stem!r}: {', '.join(sorted(bad))}")
    home = out_dir / f".cashcast-{stem}"
    home.mkdir(parents=True, exist_ok=True)
    version = stage(home, outputs)
    try:
        adopt(out_dir, home, stem)
        for name in sorted(names):
            if not is_link(out_dir, stem, name):
                replace_with_link(out_dir, stem, name)
        switch(home, version)
    except BaseException:
        if not is_current(home, version):  # stopped before the commit point: the old set stands
            shutil.rmtree(version, ignore_errors=True)
        raise
    tidy(out_dir, home, stem, names)


def stem_names(stem: str) -> list[str]:
    """The file names a run of ``stem`` may own in DIR."""
    return [stem + suffix for suffix in OUTPUT_SUFFIXES]


def link_target(stem: str, name: str) -> str:
    """Where ``DIR/name`` points: through ``current``, relative, so DIR can be moved or copied."""
    return f".cashcast-{stem}/{CURRENT}/{name}"


def is_link(out_dir: Path, stem: str, name: str) -> bool:
    """Whether ``DIR/name`` is already this stem's link through ``current``."""
    path = out_dir / name
    return path.is_symlink() and os.readlink(path) == link_target(stem, name)


def is_current(home: Path, version: Path) -> bool:
    """Whether ``current`` points at ``version`` (the switch to it happened)."""
    try:
        return os.readlink(home / CURRENT) == version.name
    except OSError:
        return False


def stage(home: Path, outputs: dict[str, bytes | str]) -> Path:
    """A new version folder holding every output, written and flushed to disk."""
    version = Path(tempfile.mkdtemp(prefix=f"v-{os.getpid()}-", dir=home))
    os.chmod(version, 0o755)
    try:
        for name, data in outputs.items():
            write_checked(version / name, data.encode("utf-8") if isinstance(data, str) else data)
        fsync_dir(version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    return version


def write_checked(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file, flush it to disk and check its size, so that a full disk or a
    file-size limit fails here, before any earlier report is replaced, and never leaves a short file."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
        size = os.fstat(fh.fileno()).st_size
    if size != len(data):
        raise OSError(errno.EIO, f"wrote {size:,} of {len(data):,} bytes", str(path))


def adopt(out_dir: Path, home: Path, stem: str) -> None:
    """Make every ``DIR/<stem>.*`` this stem's link without changing what readers see.

    Needed only when a name is a plain file (or another link), or when an absent name would appear
    through ``current``: the visible files are hard-linked (copied where links fail) into a snapshot
    version, ``current`` is switched to it, and each plain file is then replaced by its link.
    """
    current = home / CURRENT
    names = stem_names(stem)
    if all(is_link(out_dir, stem, n) or not (os.path.lexists(out_dir / n) or (current / n).exists())
           for n in names):
        return
    snapshot = Path(tempfile.mkdtemp(prefix=f"v-{os.getpid()}-", dir=home))
    try:
        os.chmod(snapshot, 0o755)
        for name in names:
            if (out_dir / name).exists():  # follows links: what a reader opens now
                keep_same_file(out_dir / name, snapshot / name)
        fsync_dir(snapshot)
        switch(home, snapshot)
    except BaseException:  # a full disk while copying: the old names still show the old files
        if not is_current(home, snapshot):
            shutil.rmtree(snapshot, ignore_errors=True)
        raise
    for name in names:
        if os.path.lexists(out_dir / name) and not is_link(out_dir, stem, name):
            replace_with_link(out_dir, stem, name)


def keep_same_file(source: Path, target: Path) -> None:
    """``target`` becomes the file ``source`` resolves to: a hard link, or a copy where none can be."""
    try:
        os.link(source, target, follow_symlinks=True)
    except OSError:
        shutil.copy2(source, target)


def replace_with_link(out_dir: Path, stem: str, name: str) -> None:
    """Atomically make ``DIR/name`` this stem's link: a temporary link made in the stem's hidden
    folder (so a run killed here leaves nothing in DIR itself) is renamed over the name."""
    tmp = out_dir / f".cashcast-{stem}" / f".link-{os.getpid()}-{secrets.token_hex(4)}"
    # a link's text is read relative to where it lies
    rename_new_link(link_target(stem, name), tmp, out_dir / name)


def rename_new_link(text: str, tmp: Path, target: Path) -> None:
    """Make a symbolic link ``tmp`` holding ``text`` and rename it over ``target`` (one ``rename(2)``,
    so readers see the old link or the new one); the temporary link is removed if that fails."""
    os.symlink(text, tmp)
    try:
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def switch(home: Path, version: Path) -> None:
    """The commit point: one ``rename(2)`` points ``current`` at ``version``."""
    tmp = home / f".{CURRENT}-{os.getpid()}-{secrets.token_hex(4)}"
    rename_new_link(version.name, tmp, home / CURRENT)


def tidy(out_dir: Path, home: Path, stem: str, names: set[str]) -> None:
    """After a switch: drop this stem's links that the new set lacks, and version folders (and
    temporary links) that are not current and whose writing process is this one or gone."""
    try:
        for name in stem_names(stem):
            if name not in names and is_link(out_dir, stem, name) and not (out_dir / name).exists():
                os.unlink(out_dir / name)
        current = os.readlink(home / CURRENT)
        for entry in home.iterdir():
            if entry.name != current and abandoned(entry.name):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
    except OSError:
        pass  # the new set is complete and published; leftovers go at the next run


def abandoned(entry: str) -> bool:
    """Whether a ``v-<pid>-…`` folder or a ``.current-<pid>-…`` / ``.link-<pid>-…`` temporary link
    was left by this process or by one no longer running (a live other run may still use it)."""
    parts = entry.lstrip(".").split("-")
    if len(parts) < 3 or parts[0] not in ("v", CURRENT, "link") or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
