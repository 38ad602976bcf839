"""One rendering of each example report per (example, language, options) for the whole test session.

The rendered reports are the costly part of many test files (an analysed HTML report draws its charts
in seconds, a PDF needs Chromium), and several files read the same ones. ``SharedReports`` renders
each once: the first process to ask writes it under the base temp folder that pytest's xdist workers
share, holding a file lock (``filelock``) so that the other worker waits and reads it rather than
rendering it again (pytest-xdist's "Making session-scoped fixtures execute only once"). Without xdist
the folder is the session's own base temp. Nothing outlives the session: each session has a new one.

What is shared is immutable (``str``/``bytes``) or a file to read: a test that edits a report edits
its own copy. Runs and analyses are not shared; a test that needs one computes it (a fraction of a
second); ``outcome`` below is the one way they are made here, so the cache key says all that differs.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from filelock import FileLock

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports.i18n import language

SEED = 0  # the seed of every shared analysis
ANALYSED = 500  # Monte Carlo paths of the analysed example reports that several files share


def shared_folder(tmp_path_factory) -> Path:
    """The folder every xdist worker of this session sees (the session's own base temp without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-reports"


def outcome(path: Path, samples: int | None) -> Outcome:
    """The outcome of an example: without the uncertainty analysis (``samples`` None) or with one of
    ``samples`` Monte Carlo paths under seed ``SEED``."""
    run = run_file(path)
    return Outcome(run) if samples is None else Outcome(run, analyse(run, samples, SEED))


class SharedReports:
    """Rendered reports by key, each a file in ``folder`` made once by whichever process asks first."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def file(self, key: str, make: Callable[[], bytes]) -> Path:
        """The file holding ``make()``'s bytes, written by the first caller of the session."""
        target = self.folder / key
        if not target.exists():
            with FileLock(f"{target}.lock"):
                if not target.exists():
                    partial = target.with_name(f"{key}.part")
                    partial.write_bytes(make())
                    partial.replace(target)
        return target

    def html_file(self, path: Path, samples: int | None = None, lang: str = "en") -> Path:
        """The HTML report of an example (read it, do not edit it)."""
        from cashcast.reports.html.page import html_report

        def make() -> bytes:
            done = outcome(path, samples)
            with language(lang):
                return html_report(done).encode("utf-8")
        return self.file(f"{path.stem}-{lang}-{samples}.html", make)

    def html(self, path: Path, samples: int | None = None, lang: str = "en") -> str:
        return self.html_file(path, samples, lang).read_text(encoding="utf-8")

    def excel(self, path: Path, samples: int | None = None, lang: str = "en") -> bytes:
        """The Excel report of an example (bytes: write them to a file of your own to edit)."""
        from cashcast.reports.excel.report import excel_bytes

        def make() -> bytes:
            done = outcome(path, samples)
            with language(lang):
                return excel_bytes(done.run, done.analysis)
        return self.file(f"{path.stem}-{lang}-{samples}.xlsx", make).read_bytes()

    def pdf(self, path: Path, samples: int | None = None, chromium=None) -> bytes:
        """The English HTML report printed as ``cashcast run --pdf`` prints it, by ``chromium`` (a
        Playwright browser) or, if none is given and the PDF is not printed yet, a browser of its own."""
        from cashcast.reports.html.pdf import browser, print_pdf

        def make() -> bytes:
            html = self.html(path, samples)
            if chromium is not None:
                return print_pdf(chromium, html)
            with browser() as b:
                return print_pdf(b, html)
        return self.file(f"{path.stem}-en-{samples}.pdf", make).read_bytes()
