"""What a printed report looks like page by page, for the PDF layout tests (tests/test_pdf_layout.py).

Three views of one print run, each from a different tool so that none checks itself:

* the **page** of every heading, from the PDF's outline (Chromium writes one bookmark per h1–h6, in
  document order);
* each page's **text**, from ``pdftotext -raw`` (content-stream order, whitespace dropped);
* each page's **ink**, from ``pdftoppm``: how far down the printable area the lowest non-white pixel
  row reaches.

And, from the HTML in Chromium with print media: the headings in document order, the first body row
(the first text of each cell) of the first printed table after each heading, each chart's (or set of small multiples') topmost and lowest text and its caption, and what is
wider than the page (laid out at the width of the page's printable area).
"""
from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader

MM = 72 / 25.4  # PDF points per millimetre
DPI = 40        # resolution of the ink scan: a row is 0.64 mm
INK = 160       # a grey level below this is ink (text, rules, chart strokes); above is paper or a tint

# The DOM facts, read in Chromium with print media; squeezed like the PDF text
DOM_SCRIPT = """() => {
  const heads = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const tables = [];
  for (const t of document.querySelectorAll('table')) {
    const row = t.querySelector('tbody tr');
    let h = null;
    for (const x of heads) {
      if (x.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) h = x; else break;
    }
    if (!row || !h || !t.checkVisibility()) continue;  // a closed chart-data table does not print
    const cells = [...row.cells].map(c => {
      const w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT, n => n.data.trim() ? 1 : 3);
      const n = w.nextNode();
      return n ? n.data : '';
    }).filter(x => x);
    tables.push({heading: heads.indexOf(h), row: cells});
  }
  // small multiples (figure.chart-set: panels under one title and caption) count as one chart
  const charts = [...document.querySelectorAll('figure.chart-set, figure.chart')]
    .filter(f => !f.parentElement.closest('figure.chart-set')).map(f => {
    const texts = [...f.querySelectorAll('svg text')].filter(t => t.textContent.trim());
    texts.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    const cap = f.querySelector(':scope > figcaption');
    const low = [...texts].sort((a, b) => b.getBoundingClientRect().bottom - a.getBoundingClientRect().bottom);
    const title = f.querySelector(':scope > .chart-set-title');  // a set's topmost text is its title
    const top = title ? title.innerText : texts.length ? texts[0].textContent : '';
    return {id: f.id, top, bottom: low.length ? low[0].textContent : '',
            caption: cap ? cap.innerText : ''};
  });
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table, figure, pre')]
    .filter(t => t.getBoundingClientRect().right > width + 1)
    .map(t => (t.closest('section') || document.body).id + ' ' + t.tagName + '.' + t.className);
  return {headings: heads.map(h => h.innerText), tables, charts, wide};
}"""


def squeeze(text: str) -> str:
    """Text for comparing: NFKC (ligatures undone), no whitespace (CJK fallback glyphs come with spaces)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Printed:
    """One printed report: the PDF, its pages' texts and ink, its headings' pages and the DOM facts."""

    pdf: bytes
    texts: list[str]          # squeezed text of each page
    used: list[float]         # share of each page's printable height reached by ink
    heading_pages: list[tuple[str, int, int]]  # (title, outline depth, 0-based page), document order
    dom: dict

    @property
    def pages(self) -> int:
        return len(self.texts)

    def section_starts(self) -> set[int]:
        """Pages on which a section (an h2, outline depth 1) begins."""
        return {page for _title, depth, page in self.heading_pages if depth == 1}

    def section_ends(self) -> set[int]:
        """Pages that end a section: the last page, and every page followed by a section's first page
        (sections start on a new page: what is left of such a page is the section's tail)."""
        return {p - 1 for p in self.section_starts() if p > 0} | {self.pages - 1}


def outline_pages(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, depth, 0-based page) of every bookmark, depth first, in document order."""
    out: list[tuple[str, int, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((item.title, depth, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in content-stream order (``pdftotext -raw``: form feeds between pages)."""
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True)
    pages = done.stdout.decode("utf-8").split("\f")
    return [squeeze(p) for p in pages[:-1]]  # the text ends with a form feed


def ink_used(pdf: Path, margins_mm: tuple[float, float]) -> list[float]:
    """Per page: (lowest ink row in the printable area − its top) ÷ its height, from ``pdftoppm``.
    ``margins_mm`` is (top, bottom) of @page; the footer in the bottom margin is not counted."""
    top_mm, bottom_mm = margins_mm
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), f"{folder}/p"], check=True)
        out = []
        for png in sorted(Path(folder).glob("p-*.pgm")):
            ink = np.asarray(Image.open(png)) < INK
            rows = ink.shape[0]
            per_mm = rows / 297.0
            top, bottom = int(top_mm * per_mm), int(rows - bottom_mm * per_mm)
            inked = np.flatnonzero(ink[top:bottom].any(axis=1))
            out.append(0.0 if inked.size == 0 else (inked[-1] + 1) / (bottom - top))
    return out


def read_printed(pdf_bytes: bytes, dom: dict, margins_mm: tuple[float, float]) -> Printed:
    """The three views of one printed report (see the module's docstring)."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf_bytes)
        texts, used = page_texts(path), ink_used(path, margins_mm)
    assert len(texts) == len(used) == len(reader.pages)
    return Printed(pdf_bytes, texts, used, outline_pages(reader), dom)


def in_order(text: str, parts: list[str], start: int) -> bool:
    """Whether every part (squeezed) occurs in ``text`` after ``start``, one after another."""
    for part in parts:
        k = text.find(squeeze(part), start)
        if k < 0:
            return False
        start = k + len(squeeze(part))
    return True


def find_after(texts: list[str], needle: str, page: int, offset: int) -> tuple[int, int] | None:
    """The first (page, offset) at or after (page, offset) where ``needle`` (squeezed) occurs."""
    needle = squeeze(needle)
    for p in range(page, len(texts)):
        k = texts[p].find(needle, offset if p == page else 0)
        if k >= 0:
            return p, k
    return None
