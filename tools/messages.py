"""Re-extract the report's messages and bring the Chinese catalogue up to date: ``make messages``.

Messages are the msgids of ``_()``/``ngettext()`` calls in ``reports/``, of ``_()`` and ``{% trans %}``
in ``templates/`` (Babel's extractors, configured in ``babel.cfg``) and the registries' own English
words (KPI labels, statement lines, block kinds, the labels of the example workbooks' model lines),
which :func:`cashcast.reports.i18n.label` and friends translate where they are shown. The result is
``reports/locale/cashcast.pot``; ``reports/locale/zh/LC_MESSAGES/cashcast.po`` is updated from it
(new msgids get an empty msgstr to fill in; tests/test_i18n.py fails until every one is translated).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "reports" / "locale" / "cashcast.pot"
LANGS = ("zh",)
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # headers stay the same between runs
KEYWORDS = {"_": None, "ngettext": (1, 2), "gettext": None, "_noop": None}


def source_messages() -> list[tuple[str | tuple[str, str], str]]:
    """(msgid or (singular, plural), where) of every gettext call in reports/ and templates/."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    out = []
    for folder in ("reports", "templates"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map, options_map, keywords=KEYWORDS):
            out.append((message, f"{folder}/{filename}"))
    return out


def registry_messages() -> list[str]:
    """The registries' English words the reports translate where they show them."""
    from cashcast.models.analysis.kpis import KPIS, YEARLY
    from cashcast.models.engine.annual import AGGREGATIONS
    from cashcast.models.kinds import KINDS
    from cashcast.models.reading.specs import DISTRIBUTIONS
    from cashcast.models.statements.lines import STATEMENT_LINES

    out = [w for k in KPIS for w in (k.label, k.description, k.null) if w]
    out += [w for k in YEARLY for w in (k.label, k.description)]
    out += [s.label for s in STATEMENT_LINES]
    out += [a.suffix.strip() for a in AGGREGATIONS.values() if a.suffix.strip()]
    out += list(KINDS) + sorted({spec.role for spec in KINDS.values()}) + list(DISTRIBUTIONS)
    out += [spec.doc for spec in KINDS.values()]
    return out + report_registry_messages() + example_line_labels()


def report_registry_messages() -> list[str]:
    """The reports' own tables of words: section titles, row groups, statement headings, checks."""
    from cashcast.models.statements.lines import JSON_KEYS
    from cashcast.reports.html.ownership import HEADINGS
    from cashcast.reports.html.sections import ROLE_GROUPS, SECTIONS
    from cashcast.reports.html.statements import CHECK_WORDS, UNIT_ECONOMICS

    out = [spec.title for spec in SECTIONS] + [w for g in ROLE_GROUPS for w in (g[1], g[3])]
    out += list(JSON_KEYS) + list(CHECK_WORDS.values()) + list(UNIT_ECONOMICS.values()) + list(HEADINGS) + ["at least", "at most"]
    return out + excel_registry_messages()


def excel_registry_messages() -> list[str]:
    """The Excel report's helper-row words: flags, constants, the IRR search, which way is better."""
    from cashcast.models.analysis.kpis import BETTER_WORDS, flags
    from cashcast.models.engine.constants import CONSTANTS, WORDS
    from cashcast.reports.excel.irr import LABELS
    from cashcast.reports.excel.sheets.cap_table import TITLE

    out = [f.label for f in flags()] + [c.meaning for c in (*CONSTANTS, *WORDS)] + list(LABELS.values())
    return out + sorted(set(BETTER_WORDS.values())) + ["larger", "smaller", *(w.text for w in WORDS), TITLE]


def example_line_labels() -> list[str]:
    """The block lines' labels of the example workbooks, without the block's name ('revenue')."""
    from cashcast.models.engine.model import build_model
    from cashcast.models.reading.workbook import load_workbook

    out = set()
    for path in sorted((ROOT / "assumptions").glob("*.xlsx")):
        wb = load_workbook(path)
        for ln in build_model(wb).lines.values():
            if ln.block and ln.label.startswith(ln.block + ": "):
                out.add(ln.label[len(ln.block) + 2:])
    return sorted(out)


def template_catalog() -> Catalog:
    """The .pot as it should be now: sorted, without locations (so merges of it stay easy)."""
    cat = Catalog(project="cashcast", domain="cashcast", fuzzy=False, creation_date=FIXED_DATE,
                  revision_date=FIXED_DATE)
    for message, _where in source_messages():
        cat.add(message)
    for message in registry_messages():
        if message not in cat:
            cat.add(message)
    return cat


def write_catalogs() -> None:
    """Write the .pot and update every language's .po from it."""
    template = template_catalog()
    with open(POT, "wb") as f:
        write_po(f, template, no_location=True, sort_output=True, width=100)
    for lang in LANGS:
        path = ROOT / "reports" / "locale" / lang / "LC_MESSAGES" / "cashcast.po"
        if path.exists():
            with open(path, "rb") as f:
                cat = read_po(f, locale=lang)
        else:
            cat = Catalog(locale=lang, project="cashcast", domain="cashcast", fuzzy=False)
        cat.update(template, no_fuzzy_matching=True)
        cat.creation_date = cat.revision_date = FIXED_DATE
        cat.language_team = cat.last_translator = cat.project = "cashcast"
        cat.fuzzy = False
        with open(path, "wb") as f:
            write_po(f, cat, no_location=True, sort_output=True, width=100, ignore_obsolete=True)
        missing = [m.id for m in cat if m.id and not m.string]
        print(f"{path.relative_to(ROOT)}: {len(cat)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    write_catalogs()
    sys.exit(0)
