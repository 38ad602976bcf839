"""The **Sources** sheet (a register of where figures come from) and the ``source`` cells that cite it.

A register row is one source: ``id``, ``title`` (original language), ``title_en``, ``author``,
``publisher``, ``date``, ``location`` (a URL or a file name), ``kind`` (:data:`SOURCE_KINDS`), ``note``.
A ``source`` cell of an assumption, setting or scenario names one or more ids separated by ``;``, each
with an optional locator after it (``A001 §3; A002``), or is ``estimate`` (any text starting with it)
with the reasoning in ``notes``. :func:`read_sources` parses the sheet; :func:`annotate` gives every
assumption row its citations and its source kind; :func:`check_sources` (one of ``CHECKS``) reports
what does not resolve. A workbook without the sheet keeps working, with a warning per free-text source.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from cashcast.models.reading.cells import cell_text
from cashcast.models.reading.data import Citation, Draft, Row, Source
from cashcast.models.reading import wording
from cashcast.models.reading.opening import CellValue, SheetReader
from cashcast.models.reading.problems import Problem, warning

SOURCE_COLUMNS = ("id", "title", "title_en", "author", "publisher", "date", "location", "kind", "note")
REQUIRED_SOURCE_COLUMNS = ("id", "title", "kind")
SOURCE_KINDS = ("article", "filing", "company statement", "press report", "estimate", "internal")
ESTIMATE = "estimate"
ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
HOW_TO_CITE = ("type the id of its row on the Sources sheet, with an optional locator (A001 §3; several "
               "separated by ;), or estimate with the reasoning in notes")


def is_estimate_text(text: str) -> bool:
    """Whether a source cell says the figure is the model's own estimate (it starts with "estimate").

    >>> is_estimate_text("estimate (the model's own)"), is_estimate_text("Estimated by A001"), is_estimate_text("A001")
    (True, True, False)
    """
    return text.strip().lower().startswith(ESTIMATE)


def parse_citations(text: str) -> tuple[Citation, ...]:
    """The ids a source cell names, each with its locator: ``;`` separates them, the first word is the id.

    >>> parse_citations("A001 §3; A002")
    (Citation(id='A001', locator='§3'), Citation(id='A002', locator=''))
    >>> parse_citations("estimate (the model's own)"), parse_citations("")
    ((), ())
    """
    if is_estimate_text(text):
        return ()
    out = []
    for piece in text.split(";"):
        word, _, rest = piece.strip().partition(" ")
        if word:
            out.append(Citation(word, rest.strip()))
    return tuple(out)


def cited_sources(texts, register: dict[str, Source]) -> dict[str, Source]:
    """The register's rows that source cells name, by id in the order first met; an id not on the
    register is left out (``check`` reports it).

    >>> register = {"A001": Source("A001", "ChatGPT中国变形记"), "A002": Source("A002", "Bing ads")}
    >>> list(cited_sources(["A002 §3; A001", "estimate", "A002", "Z9"], register))
    ['A002', 'A001']
    """
    out: dict[str, Source] = {}
    for text in texts:
        for c in parse_citations(text):
            if c.id in register:
                out.setdefault(c.id, register[c.id])
    return out


def sources_json(sources: dict[str, Source]) -> dict[str, dict[str, str]]:
    """Cited sources for ``explain --json`` and ``diff --json``: {id: title, English title, location}."""
    return {i: {"title": s.title, "title_en": s.title_en, "location": s.location} for i, s in sources.items()}


def source_date(v) -> tuple[str, str | None]:
    """A register date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (blank: the source gives none), or why not.

    >>> source_date("2023-2-19"), source_date(dt.date(2023, 5, 1)), source_date("")
    (('2023-02-19', None), ('2023-05-01', None), ('', None))
    >>> source_date("May 2023")[1]
    "'May 2023' is not a date; type YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-02-19), or leave it blank when the source gives none"
    """
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}", None
    text = cell_text(v)
    m = DATE_RE.fullmatch(text)
    if not text:
        return "", None
    if m:
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        try:
            dt.date(y, mo, d)
            if 1900 <= y <= 2199:
                return "-".join([m[1]] + [f"{int(x):02d}" for x in (m[2], m[3]) if x]), None
        except ValueError:
            pass
    return text, (f"'{text[:40]}' is not a date; type YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-02-19), or leave "
                  f"it blank when the source gives none")


@dataclass
class _Cells:
    """The cells of one register row, by column (an empty cell at its column past a short row)."""

    cols: dict[str, int]
    cells: list[CellValue]
    r: int

    def __getitem__(self, col: str) -> CellValue:
        idx = self.cols.get(col)
        if idx is None or idx >= len(self.cells):
            return CellValue(f"A{self.r}", None)
        return self.cells[idx]


def read_sources(reader: SheetReader) -> dict[str, Source]:
    """The register: sources by id, in sheet order; every bad cell is a problem on the reader.

    Rule: each row has an id (a letter, then letters, digits, ``_`` or ``-``; given once), a title, a
    kind of :data:`SOURCE_KINDS` and a date that is blank or ``YYYY[-MM[-DD]]``.
    """
    table = reader.optional_table(SOURCE_COLUMNS, REQUIRED_SOURCE_COLUMNS)
    if table is None:
        return {}
    cols, records = table
    out: dict[str, Source] = {}
    for r, cells in records:
        c = _Cells(cols, cells, r)
        source = _read_source(reader, c, out)
        if source is not None:
            out[source.id] = source
    return out


def _read_source(reader: SheetReader, c: _Cells, seen: dict[str, Source]) -> Source | None:
    """One register row, or None when its id is bad (other bad cells are reported, the source kept)."""
    ident = cell_text(c["id"].value)
    if reader.odd(c["id"], "the source id") or c["id"].ref in reader.flagged:
        return None
    if not ID_RE.fullmatch(ident):
        why = "is blank" if not ident else f"'{ident[:40]}' is not an id"
        reader.problem(c["id"].ref, f"the source id {why}; type a letter then letters, digits, _ or - "
                                    f"(e.g. A001), up to 40 characters")
        return None
    if ident in seen:
        reader.problem(c["id"].ref, wording.source_id_twice(ident, seen[ident].cell))
        return None
    text = {col: cell_text(c[col].value) for col in SOURCE_COLUMNS if col != "date"}
    if not text["title"]:
        reader.problem(c["title"].ref, f"source '{ident}' has no title; type it as the source gives it")
    kind = text["kind"].lower()
    if kind not in SOURCE_KINDS:
        what = f"unknown kind '{text['kind']}'" if kind else "the kind is blank"
        reader.problem(c["kind"].ref, wording.source_kind_problem(what, ident, SOURCE_KINDS))
    date, err = source_date(c["date"].value)
    if err:
        reader.problem(c["date"].ref, err)
    return Source(ident, text["title"], text["title_en"], text["author"], text["publisher"], date,
                  text["location"], kind, text["note"], c["id"].ref)


def annotate(rows: list[Row], sources: dict[str, Source] | None) -> None:
    """Give each row its citations and its source kind: ``estimate``, the kind of its first cited
    source in the register, ``unregistered`` (free text in a workbook without a Sources sheet, or an id
    the register lacks), or ``""`` (no source)."""
    for row in rows:
        row.citations = parse_citations(row.source)
        row.source_kind = source_kind(row.source, sources)


def source_kind(text: str, sources: dict[str, Source] | None) -> str:
    """The kind of what a source cell cites: ``estimate``, the kind of its first id in the register,
    ``unregistered`` (free text without a register, or an id the register lacks) or ``""`` (blank).

    >>> reg = {"A1": Source("A1", "t", kind="article"), "E1": Source("E1", "u", kind="estimate")}
    >>> [source_kind(t, reg) for t in ("A1 §2; E1", "E1", "estimate: 3 × 2", "Z9", "")]
    ['article', 'estimate', 'estimate', 'unregistered', '']
    """
    if is_estimate_text(text):
        return ESTIMATE
    cited = parse_citations(text)
    if not cited:
        return ""
    first = (sources or {}).get(cited[0].id)
    return first.kind if first is not None else "unregistered"


def provenance_json(workbook) -> dict:
    """The JSON's ``sources`` (the register, in order) and ``assumption_sources`` (each assumption's
    source as typed, the ids it cites with their locators, and its source kind)."""
    fields = ("id", "title", "title_en", "author", "publisher", "date", "location", "kind", "note")
    return {"sources": [{f: getattr(s, f) for f in fields} for s in workbook.sources.values()],
            "assumption_sources": [{"assumption": r.label, "key": r.key, "source": r.source,
                                    "ids": [c.id for c in parse_citations(r.source)],
                                    "locators": [c.locator for c in parse_citations(r.source)],
                                    "source_kind": r.source_kind} for r in workbook.rows]}


def _cited_cells(draft: Draft) -> list[tuple[str, str, str, bool]]:
    """Every source cell of the workbook: (sheet, cell, text, whether a blank one is an error). An
    assumption needs a source unless it carries no figure (a link to a line, a text choice)."""
    out = []
    for row in _all_rows(draft):
        needs = row.link is None and row.value is not None
        out.append((draft.sheet("Assumptions"), row.cells.get("source", ""), row.source, needs))
    if draft.settings is not None:
        for _name, (text, ref) in draft.settings.sources.items():
            out.append((draft.sheet("Settings"), ref, text, False))
    out += [(draft.sheet("Scenarios"), s.source_cell, s.source, False) for s in draft.scenarios if s.source_cell]
    out += [(draft.sheet("Correlations"), c.cells.get("source", ""), c.source, False) for c in draft.correlations
            if c.cells.get("source")]
    return [x for x in out if x[1]]


def check_sources(draft: Draft) -> list[Problem]:
    """Rule: with a Sources sheet, every source cell names ids of its register (or is ``estimate``),
    every assumption that carries a figure has a source, every estimate has its reasoning in notes
    (warning), and every register row is cited somewhere (warning). Without one, each distinct
    free-text source is a warning saying how to move it to a register."""
    problems = list(draft.sheet_problems.get("sources", []))
    if draft.sources is None:
        return problems + _free_text_warnings(draft)
    cited: set[str] = set()
    for sheet, ref, text, needs in _cited_cells(draft):
        if not text:
            if needs:
                problems.append(Problem(draft.name, sheet, ref, f"the source is blank; {HOW_TO_CITE}"))
            continue
        for c in parse_citations(text):
            cited.add(c.id)
            if c.id not in draft.sources:
                problems.append(Problem(draft.name, sheet, ref, _unknown(c.id, draft.sources)))
    problems += _estimates_without_reasoning(draft)
    cited |= _named_in_text(draft)
    sheet = draft.sheet("Sources")
    problems += [warning(draft.name, sheet, s.cell, f"source '{s.id}' is cited by no assumption, setting or "
                                                    f"scenario; cite it or delete its row")
                 for s in draft.sources.values() if s.id not in cited]
    return problems


def _named_in_text(draft: Draft) -> set[str]:
    """The register ids that notes and descriptions name as words (an estimate's reasoning may cite)."""
    texts = [r.notes for r in _all_rows(draft)] + [s.description for s in draft.scenarios]
    texts += list(draft.settings.notes.values()) if draft.settings is not None else []
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", " ".join(texts)))
    return words & set(draft.sources or {})


def _unknown(ident: str, sources: dict[str, Source]) -> str:
    """The message for an id the register lacks, with the nearest ids it has.

    >>> _unknown("A01", {"A001": None, "B002": None})
    "unknown source 'A01' (did you mean A001?); the Sources sheet has A001, B002; type one of them, or estimate with the reasoning in notes"
    """
    near = difflib.get_close_matches(ident, list(sources), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]}?)" if near else ""
    have = ", ".join(list(sources)[:12]) + (", …" if len(sources) > 12 else "") if sources else "no rows"
    return (f"unknown source '{ident}'{hint}; the Sources sheet has {have}; type one of them, or estimate "
            f"with the reasoning in notes")


def _estimates_without_reasoning(draft: Draft) -> list[Problem]:
    sheet = draft.sheet("Assumptions")
    return [warning(draft.name, sheet, r.cells.get("notes", r.cells.get("source", "")),
                    "an estimate without its reasoning; say in notes how the figure was reached")
            for r in _all_rows(draft) if is_estimate_text(r.source) and not r.notes and r.cells.get("source")]


def _all_rows(draft: Draft) -> list[Row]:
    return sorted({id(r): r for b in draft.blocks.values()
                   for r in [*b.rows.values(), *(x for s in b.shapes.values() for x in s.values())]}.values(),
                  key=lambda r: r.row)


def _free_text_warnings(draft: Draft) -> list[Problem]:
    """One warning per distinct free-text source, at its first cell, saying how to register it."""
    first: dict[str, tuple[str, str, int]] = {}
    for sheet, ref, text, _needs in _cited_cells(draft):
        if text and not is_estimate_text(text):
            s, c, n = first.get(text, (sheet, ref, 0))
            first[text] = (s, c, n + 1)
    return [warning(draft.name, sheet, ref,
                    f"free-text source '{text[:60]}'{f' (cited {n} times)' if n > 1 else ''}; add a Sources "
                    f"sheet (columns id, title, author, publisher, date, location, kind) with a row for it, "
                    f"and type its id here (e.g. A001)")
            for text, (sheet, ref, n) in first.items()]
