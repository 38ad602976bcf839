"""``--lang zh``: the Chinese report (Jinja2's i18n extension, the Babel catalogue, Babel's number and
date formats) and the English one it must leave unchanged.

The catalogue tests are what keeps later strings translated: a msgid added to the code or the templates
without re-running ``make messages`` fails :func:`test_the_catalogue_is_current`, and one without a
Chinese msgstr fails :func:`test_every_message_has_a_chinese_translation`.
"""
from __future__ import annotations

import functools
import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.models.analysis.uncertainty import analyse
from cashcast.reports import fmt
from cashcast.reports.html.page import html_report
from cashcast.reports.i18n import _, catalogue_path, language
from tests.helpers import ROOT
from tests.report_fixtures import EXAMPLE_IDS, EXAMPLES

SAMPLES = 300
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s")


def catalogue(path):
    with open(path, "rb") as f:
        return read_po(f)


def messages_tool():
    spec = importlib.util.spec_from_file_location("messages", ROOT / "tools" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------
# The catalogue
# ------------------------------------------------------------------------------------------------
def test_the_catalogue_is_current():
    """The committed .pot holds exactly the msgids of the code, the templates and the registries now
    (a new ``_()`` or ``{% trans %}`` fails here until ``make messages`` is run)."""
    now = {m.id for m in messages_tool().template_catalog() if m.id}
    committed = {m.id for m in catalogue(ROOT / "reports" / "locale" / "cashcast.pot") if m.id}
    assert sorted(map(str, now - committed)) == [], "run `make messages` and translate the new msgids"
    assert sorted(map(str, committed - now)) == [], "run `make messages`: the .pot has msgids no longer used"


def test_every_message_has_a_chinese_translation():
    """Every msgid of the .pot has a msgstr in the zh catalogue, with the same placeholders."""
    pot = catalogue(ROOT / "reports" / "locale" / "cashcast.pot")
    zh = catalogue(catalogue_path("zh"))
    untranslated, mismatched = [], []
    for m in pot:
        if not m.id:
            continue
        t = zh.get(m.id)
        strings = [s for s in ((t.string,) if t and isinstance(t.string, str) else (t.string if t else ()))]
        if not t or not all(strings):
            untranslated.append(m.id)
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        want = sorted(set(PLACEHOLDER.findall(ids[-1])))
        mismatched += [(m.id, s) for s in strings if sorted(set(PLACEHOLDER.findall(s))) != want]
    assert untranslated == []
    assert mismatched == []


def test_the_catalogue_is_package_data():
    """The .po the reports read is the package's (a wheel carries it): pyproject lists it."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "locale/*/LC_MESSAGES/*.po" in text
    assert catalogue_path("zh").is_file()


def test_translation_leaves_english_and_fills_placeholders():
    assert _("{n} days", n=30) == "30 days"
    with language("zh"):
        assert _("{n} days", n=30) == "30 天"
        assert _("Base case") == "基准情景"
    assert _("Base case") == "Base case"
