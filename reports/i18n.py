"""The report's language: ``cashcast run --lang zh`` writes the HTML (and the Excel labels) in Chinese.

Messages are English msgids translated by a Babel message catalogue,
``reports/locale/<lang>/LC_MESSAGES/cashcast.po`` (package data, so a wheel carries it); the ``.po``
is compiled to a gettext catalogue in memory the first time a language is used (no binary ``.mo`` in
the repository to fall out of step or to conflict in a merge). ``reports/locale/cashcast.pot`` is the
template that ``make messages`` (``tools/messages.py``) re-extracts from the Python code, the Jinja2
templates and the registries; a test fails when it is not current or a msgid has no translation.

The language is set for one render with :func:`language` (a process-wide setting, so renderers in
threads or forked processes see it); :func:`_` translates and fills ``{named}`` placeholders, and
:mod:`cashcast.reports.fmt` formats numbers and dates with Babel in :func:`locale`.

>>> with language("zh"):
...     _("Never"), ngettext("{n} scenario", "{n} scenarios", 2)
('从不', '2个情景')
>>> _("Never")
'Never'
"""
from __future__ import annotations

import gettext
import io
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from typing import Iterator

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "cashcast"
LANGUAGES = {"en": "en", "zh": "zh_Hans_CN"}  # --lang code → Babel locale
_state = {"lang": "en"}


@contextmanager
def language(code: str) -> Iterator[None]:
    """Render in language ``code`` ('en' or 'zh') inside the block, then restore the previous one."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    before, _state["lang"] = _state["lang"], code
    try:
        yield
    finally:
        _state["lang"] = before


def current() -> str:
    """The language being rendered: 'en' or 'zh'."""
    return _state["lang"]


def locale() -> Locale:
    """The Babel locale of the language being rendered."""
    return _locale(current())


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    return Locale.parse(LANGUAGES[code])


def catalogue_path(code: str):
    """The ``.po`` of language ``code`` inside the installed package."""
    return resources.files("cashcast.reports").joinpath("locale", code, "LC_MESSAGES", f"{DOMAIN}.po")


@lru_cache(maxsize=None)
def translations(code: str) -> gettext.NullTranslations:
    """Language ``code``'s catalogue, compiled from its ``.po`` in memory (English: the msgids)."""
    if code == "en":
        return gettext.NullTranslations()
    with catalogue_path(code).open("rb") as f:
        catalog = read_po(f, locale=LANGUAGES[code], domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def _(message: str, **values) -> str:
    """``message`` in the current language, its ``{name}`` placeholders filled from ``values``."""
    text = translations(current()).gettext(message) if message else message
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    """The singular or plural message for ``n``, translated, ``{n}`` and ``values`` filled in."""
    text = translations(current()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def _noop(message: str) -> str:
    """Mark ``message`` for extraction without translating it here (it is translated where shown)."""
    return message


def gettext_(message: str) -> str:
    """Jinja2's ``gettext`` callable (the i18n extension fills ``%(name)s`` itself and so asks for a
    ``{% trans %}`` block's literal % as %%, which Babel's extractor writes as % when the block has no
    variables: such a msgid is looked up both ways, and its translation's % doubled).

    >>> with language("zh"):
    ...     gettext_("Share of samples (%%)")
    '样本占比（%%）'
    """
    t = translations(current())
    text = t.gettext(message)
    if text == message and "%%" in message:
        single = message.replace("%%", "%")
        found = t.gettext(single)
        if found != single:
            return found.replace("%", "%%")
    return text


def ngettext_(singular: str, plural: str, n: int) -> str:
    """Jinja2's ``ngettext`` callable."""
    return translations(current()).ngettext(singular, plural, n)


def label(text: str, block: str | None = None) -> str:
    """A model line's label: 'Plus: revenue' keeps the workbook's block name and translates the rest."""
    if block and text.startswith(block + ": "):
        rest = text[len(block) + 2:]
        return f"{block}{_(': ')}{_(rest)}"
    return _(text)


# The words of units that cashcast itself writes (a workbook's own unit words stay as written)
UNIT_WORDS = frozenset((_noop("month"), _noop("months"), _noop("year"), _noop("day"), _noop("days"),
                        _noop("subscribers"), _noop("month number"), _noop("1 = yes")))


def unit(text: str) -> str:
    """A unit as a report shows it: cashcast's own words translated, a workbook's kept.

    >>> with language("zh"):
    ...     unit("USD/month"), unit("%/year"), unit("visits/month"), unit("subscribers")
    ('USD/月', '%/年', 'visits/月', '订阅用户')
    >>> unit("USD/month")
    'USD/month'
    """
    if text in UNIT_WORDS:
        return _(text)
    return "/".join(_(part) if part in UNIT_WORDS else part for part in text.split("/"))


def title(label_: str, description: str) -> str:
    """A key figure's row label: its label with what it measures, both translated."""
    return _("{label} ({description})", label=_(label_), description=_(description))
