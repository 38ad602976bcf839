"""Citations and the **References** section: a workbook's Sources sheet as a reader sees it.

Each source of the register gets a number, in the register's order; a source cell (``A001 §3; A002``)
becomes numbered citations ``[2] §3, [3]`` that link to the source's entry in the References section
(author, title with its English title, publisher, date, location), and a register id named in notes
becomes its citation too. Estimates stay as they are typed. A workbook without a Sources sheet keeps
its free-text sources (:func:`~cashcast.reports.html.narrative.text_parts`).
"""
from __future__ import annotations

import re

from cashcast.models.reading.data import Workbook
from cashcast.models.reading.sources import is_estimate_text, parse_citations
from cashcast.reports.html.narrative import URL_RE, Part, text_parts
from cashcast.reports.i18n import _, _noop

# The kinds of source (models/reading/sources.py SOURCE_KINDS), marked for translation
KIND_LABELS = {"article": _noop("article"), "filing": _noop("filing"),
               "company statement": _noop("company statement"), "press report": _noop("press report"),
               "estimate": _noop("estimate"), "internal": _noop("internal")}

ID_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9_-]*(?![\w-])")


def anchor(ident: str) -> str:
    """The References entry's anchor id: ``ref-A001``."""
    return f"ref-{ident}"


def numbers(workbook: Workbook) -> dict[str, int]:
    """Each source's citation number, from 1 in the register's order."""
    return {ident: k for k, ident in enumerate(workbook.sources, start=1)}


def cite(ident: str, number: int) -> Part:
    return Part("cite", f"[{number}]", f"#{anchor(ident)}")


def source_parts(workbook: Workbook, text: str) -> list[Part]:
    """A source cell as numbered citations with their locators, or as typed (an estimate, free text).

    >>> from cashcast.models.reading.data import Source
    >>> wb = type("W", (), {"sources": {"A1": Source("A1", "t"), "B2": Source("B2", "u")}})()
    >>> [p.text for p in source_parts(wb, "B2 §3; A1")]
    ['[2]', ' §3', ', ', '[1]']
    """
    known = numbers(workbook)
    cited = parse_citations(text)
    if not known or is_estimate_text(text) or not cited or any(c.id not in known for c in cited):
        return notes_parts(workbook, text)
    out: list[Part] = []
    for k, c in enumerate(cited):
        if k:
            out.append(Part("text", _(", ")))
        out.append(cite(c.id, known[c.id]))
        if c.locator:
            out.append(Part("text", f" {c.locator}"))
    return out


def notes_parts(workbook: Workbook, text: str) -> list[Part]:
    """Running text (notes, an estimate's reasoning) with each register id it names as its citation.

    >>> from cashcast.models.reading.data import Source
    >>> wb = type("W", (), {"sources": {"A001": Source("A001", "t")}})()
    >>> [(p.kind, p.text) for p in notes_parts(wb, "about 1% (A001)")]
    [('text', 'about 1% ('), ('cite', '[1]'), ('text', ')')]
    """
    known = numbers(workbook)
    if not known:
        return text_parts(text)
    out: list[Part] = []
    for part in text_parts(text):
        if part.kind != "text":
            out.append(part)
            continue
        pos = 0
        for m in ID_WORD.finditer(part.text):
            if m.group(0) in known:
                if m.start() > pos:
                    out.append(Part("text", part.text[pos:m.start()]))
                out.append(cite(m.group(0), known[m.group(0)]))
                pos = m.end()
        if pos < len(part.text):
            out.append(Part("text", part.text[pos:]))
    return out


def references_data(workbook: Workbook, cited_for: dict[str, list[str]]) -> dict:
    """The References section: each source with its number, anchor, author, title (and English title),
    publisher, date, location (a URL as a link) and what it is cited for."""
    entries = []
    for ident, number in numbers(workbook).items():
        s = workbook.sources[ident]
        location = [Part("link", s.location, s.location)] if URL_RE.fullmatch(s.location) else (
            [Part("text", s.location)] if s.location else [])
        entries.append({"number": number, "anchor": anchor(ident), "id": ident,
                        "cjk": bool(re.search(r"[\u3400-\u9fff]", s.title)),
                        "author": s.author or _("No author given"), "title": s.title, "title_en": s.title_en,
                        "publisher": s.publisher or _("no publisher given"), "date": s.date or _("no date given"),
                        "location": location, "kind": _(KIND_LABELS.get(s.kind, s.kind)), "note": s.note,
                        "cited_for": cited_for.get(ident, [])})
    return {"entries": entries}


def cited_for(workbook: Workbook) -> dict[str, list[str]]:
    """Each source's citing assumptions (``Block.parameter``), settings, scenarios and correlations
    (``first ~ second``), in order."""
    out: dict[str, list[str]] = {}
    uses = [(f"{r.block}.{r.parameter}", r.source) for r in workbook.rows]
    uses += [(name, text) for name, (text, _cell) in workbook.settings.sources.items()]
    uses += [(_("scenario {name}", name=s.name), s.source) for s in workbook.scenarios if s.source]
    uses += [(f"{c.first} ~ {c.second}", c.source) for c in workbook.correlations]
    for label, text in uses:
        for c in parse_citations(text):
            if label not in out.setdefault(c.id, []):
                out[c.id].append(label)
    return out
