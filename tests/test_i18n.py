"""``--lang zh``: the Chinese report (Jinja2's i18n extension, the Babel catalogue, Babel's number and
date formats) and the English one it must leave unchanged.

The catalogue tests are what keeps later strings translated: a msgid added to the code or the templates
without re-running ``make messages`` fails :func:`test_the_catalogue_is_current`, and one without a
Chinese msgstr fails :func:`test_every_message_has_a_chinese_translation`.
"""
from __future__ import annotations

import collections
import functools
import html
import importlib.util
import re
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl.worksheet.formula import ArrayFormula

from cashcast.models.analysis.outcome import Outcome
from cashcast.models.analysis.scenarios import run_file
from cashcast.reports import fmt
from cashcast.models.reading.workbook import BASE
from cashcast.reports.html import references
from cashcast.reports.html.narrative import text_parts
from cashcast.reports.html.page import html_report
from cashcast.reports.i18n import _, catalogue_path, language
from tests.helpers import ROOT
from tests.report_fixtures import EXAMPLE_IDS, EXAMPLES
from tests.shared_reports import ANALYSED

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
        assert _("{n} days", n=30) == "30天"
        assert _("Base case") == "基准情景"
    assert _("Base case") == "Base case"


# ------------------------------------------------------------------------------------------------
# The Chinese report of each example
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reports(analysed_reports):
    """Example name → (run, English html, Chinese html, English html again) of an analysed example:
    the English one is the session's shared rendering; the Chinese one and the English one after it
    are rendered here, in this order, so that a language left behind by the Chinese render shows."""
    out = {}
    for name, (run, path, analysis) in analysed_reports.items():
        outcome = Outcome(run, analysis)
        with language("zh"):
            zh = html_report(outcome)
        out[name] = (run, path.read_text(encoding="utf-8"), zh, html_report(outcome))
    return out


@pytest.fixture(params=EXAMPLE_IDS)
def example(request, reports):
    return reports[request.param]


class VisibleText(HTMLParser):
    """The text a reader sees (SVG chart text included), without elements marked ``lang="en"`` (the
    model's own documentation, quoted in English) and without style."""

    VOID = {"br", "wbr", "meta", "link", "img", "input", "path", "use", "rect", "circle", "line", "stop"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            hidden = dict(attrs).get("lang") == "en" or tag in ("style", "script", "title", "defs")
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not any(hidden for _tag, hidden in self.stack):
            self.parts.append(data)


def visible_text(page: str) -> str:
    v = VisibleText()
    v.feed(page)
    return "\n".join(v.parts)


def workbook_texts(run) -> list[str]:
    """Everything the report quotes from the workbook: names, units, sources, notes, descriptions
    (sources and notes also piece by piece, as the report splits them around links and files)."""
    wb = run.workbook
    s = wb.settings
    prose = [*s.notes.values(), *(s.description for s in wb.scenarios)]
    out = [wb.name, Path(wb.name).stem, s.title or "", s.company or "", *s.notes.keys(), *run.scenarios,
           *wb.blocks.keys(), *s.in_scenario(BASE).keys(), "start_month", "horizon_months", "currency",
           *(f"fx_{c}" for c in s.fx)]
    for r in wb.rows:
        out += [r.block, r.parameter, *r.parameter.split("."), r.unit, r.unit.partition("/")[2], r.kind,
                r.currency or ""]
        out += [f"{r.link[0]}.{r.link[1]}"] if r.link else []
        prose += [r.source, r.notes]
    for c in wb.correlations:
        out += [c.first, c.second]
        prose += [c.source, c.notes]
    for src in wb.sources.values():  # the Sources sheet, quoted in References as the source gives itself
        out += [src.id, src.title, src.title_en, src.author, src.publisher, src.date, src.location]
        prose.append(src.note)
    prose += [text for text, _cell in s.sources.values()]
    for c in wb.checks:  # the Checks sheet: what each check names, its cell there and its note
        out += [c.target, f"Checks!{c.where}", c.period]
        prose += [c.note]
    out += prose + [p.text for text in prose for p in text_parts(text)]
    out += [p.text for text in prose for p in references.notes_parts(wb, text)]
    out += [p.text for r in wb.rows for p in references.source_parts(wb, r.source)]
    return sorted({t.strip() for t in out if t and t.strip()}, key=len, reverse=True)


# Proper names, abbreviations and units a Chinese financial text keeps in Latin letters
KEPT = {"US", "USD", "RMB", "CNY", "ARR", "ARPU", "LTV", "CAC", "EBITDA", "IRR", "PERT", "Beta-PERT", "GPU", "API",
        "Iman", "Conover", "Wilson", "Correlations", "Checks", "cashcast", "Excel", "low", "high", "distribution",
        "pp", "irr_note", "minimum_cash", "pre_money", "post_money", "test"}  # test: `cashcast test`


def ui_text(page: str, run) -> str:
    """The visible text without what the workbook says (article files and links included)."""
    text = visible_text(page)
    for t in workbook_texts(run):
        text = text.replace(t, " ")
    return re.sub(r"\b[\w.-]+\.(?:txt|md|pdf|html?|xlsx?|csv|json)\b|https?://\S+", " ", text)


def english_words(page: str, run) -> list[str]:
    text = ui_text(page, run)
    words = {w.rstrip("'’-") for w in re.findall(r"[A-Za-z][\w'’-]*", text)}
    return sorted(w for w in words if w not in KEPT and not re.fullmatch(r"P\d+", w))


def test_the_chinese_report_has_no_english_ui_text(example):
    run, _en, zh, _again = example
    assert english_words(zh, run) == []


def test_the_english_report_is_english_and_unchanged_by_a_chinese_render(example):
    """Rendering in Chinese leaves no trace: English before and after are the same bytes."""
    _run, en, zh, again = example
    assert en == again
    assert '<html lang="en">' in en and '<html lang="zh">' in zh
    assert "基准情景" in zh and "基准情景" not in en
    assert "Base case" in en and "The answer" in en


# ------------------------------------------------------------------------------------------------
# The Excel report's labels
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workbooks(shared_reports):
    """workbooks(path) → (English, Chinese) Excel reports of an example, as openpyxl workbooks
    (formulas, not values), each the session's shared rendering."""
    import io

    import openpyxl

    @functools.lru_cache(maxsize=None)
    def load(path):
        return tuple(openpyxl.load_workbook(io.BytesIO(shared_reports.excel(path, lang=lang))) for lang in ("en", "zh"))
    return load


def formula(value):
    """A cell's formula as text (an array formula, such as the Checks sheet's error counts, by its text and
    range: openpyxl's ArrayFormula objects do not compare by value)."""
    return (value.ref, value.text) if isinstance(value, ArrayFormula) else value


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_the_chinese_workbook_has_the_same_sheets_and_formulas(path, workbooks):
    """Only labels change: the sheet names (which formulas refer to) and every formula are the same,
    so the Chinese workbook recalculates exactly as the English one (the parity tests' workbook)."""
    en, zh = workbooks(path)
    assert zh.sheetnames == en.sheetnames
    for name in en.sheetnames:
        a, b = en[name], zh[name]
        formulas_en = {c.coordinate: formula(c.value) for row in a.iter_rows() for c in row if c.data_type == "f"}
        formulas_zh = {c.coordinate: formula(c.value) for row in b.iter_rows() for c in row if c.data_type == "f"}
        assert formulas_zh == formulas_en, name


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_the_chinese_workbook_labels_rows_and_key_figures_in_chinese(path, workbooks):
    en, zh = workbooks(path)
    column_a = [c.value for c in zh["Summary"]["A"] if isinstance(c.value, str)]
    assert "现金耗尽月份（现金首次低于下限的月份）" in column_a
    assert "峰值资金需求（累计经营赤字的最深值）" in column_a
    labels = [c.value for c in zh["Monthly"]["A"] if isinstance(c.value, str)]
    assert "期末现金" in labels and "Closing cash" not in labels
    assert "月度模型" in labels
    english = [c.value for c in en["Monthly"]["A"] if isinstance(c.value, str)]
    assert "Closing cash" in english and "Monthly model" in english


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_the_words_formulas_show_are_in_the_report_language(path, workbooks):
    """A formula names the words it shows (NEVER_TEXT, NA_TEXT, NONE_TEXT): the same formula text in
    both languages, each name pointing at the Constants block's cell holding the word in that language."""
    from cashcast.models.engine.constants import WORDS

    en, zh = workbooks(path)
    shown = {}
    for wb in (en, zh):
        for word in WORDS:
            sheet, ref = next(iter(wb.defined_names[word.name].destinations))
            assert sheet == "Monthly", word.name
            shown.setdefault(word.name, []).append(wb[sheet][ref].value)
    assert shown == {"NEVER_TEXT": ["never", "从不"], "NA_TEXT": ["n/a", "不适用"], "NONE_TEXT": ["none", "无"]}


@pytest.fixture(scope="module")
def analysed_workbook(shared_reports):
    """analysed_workbook(path) → (run, its Chinese Excel report with every sheet: with an analysis, so
    the Sensitivity, Simulation and comparison sheets are there too, and the same report's cached values:
    what a formula cell shows before any recalculation, XlsxWriter writing numpy's value in the report's
    language), as openpyxl workbooks."""
    import io

    import openpyxl

    @functools.lru_cache(maxsize=None)
    def load(path):
        data = shared_reports.excel(path, ANALYSED, "zh")
        return (run_file(path), openpyxl.load_workbook(io.BytesIO(data)),
                openpyxl.load_workbook(io.BytesIO(data), data_only=True))
    return load


def report_ids(run, wb) -> set[str]:
    """What the Excel report writes as identifiers, the same in every language: its sheet names and
    defined names (formulas refer to them), the model's line keys and the registries' keys (key figures,
    flags, IRR helper rows, constants and words, checks). Not the text formulas show: a formula names
    its words (NEVER_TEXT) and the Constants block holds them in Chinese."""
    from cashcast.models.analysis import kpis as registry
    from cashcast.models.engine.constants import CONSTANTS, WORDS
    from cashcast.reports.excel.irr import ROWS
    from cashcast.reports.excel.layout import SINCE_KEY
    from cashcast.reports.excel.sheets.checks import LABELS
    from cashcast.reports.excel.sheets.statements import LARGEST

    lines = set(run.model.lines)
    out = {*wb.sheetnames, *wb.defined_names.keys(), *lines, *(f"{n}{LARGEST}" for n in lines), *ROWS, *LABELS}
    out |= {k.name for k in (*registry.KPIS, *registry.YEARLY)}
    out |= {k.key for k in (*registry.flags(), *registry.marks())} | {c.name for c in (*CONSTANTS, *WORDS)}
    out |= {f"{SINCE_KEY}{name}" for name in wb.defined_names.keys()}
    return {t for t in out if t}


def english_in_cell(workbook_words: list[str], ids: list[str]):
    """A function giving the English words of a cell's text once the workbook's own texts and the
    report's identifiers (as whole words) are taken out."""
    phrases = re.compile("|".join(re.escape(t) for t in sorted({t for t in workbook_words if " " in t},
                                                                key=len, reverse=True)))
    tokens = sorted({*ids, *(w for w in workbook_words if " " not in w)}, key=len, reverse=True)
    names = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, tokens)) + r")(?!\w)")
    files = re.compile(r"\b[\w.-]+\.(?:txt|md|pdf|html?|xlsx?|csv|json)\b|https?://\S+|--[\w-]+")

    def english(text: str) -> list[str]:
        text = files.sub(" ", names.sub(" ", phrases.sub(" ", text)))   # phrases first: a name may be a word of one
        words = {w.rstrip("'’-") for w in re.findall(r"[A-Za-z][\w'’-]*", text)}
        return sorted(w for w in words if w not in EXCEL_KEPT and not re.fullmatch(r"P\d+|[A-Z]", w))
    return english


# ... and in the workbook's helper rows: an abbreviation, Excel's EXP, ln and the S-curve (and a
# column's letter, "C 列")
EXCEL_KEPT = KEPT | {"NPV", "EXP", "ln", "S"}


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_every_label_of_the_chinese_workbook_is_chinese(path, analysed_workbook):
    """Every text cell of every sheet (headings, row labels, key figures, notes, checks, the Summary's
    texts, the uncertainty sheets): no English word but what the assumption workbook wrote (names,
    notes, sources, units), the report's identifiers (sheet names, keys, defined names) and proper names
    and abbreviations (:data:`KEPT`); no English word in a number format (months, dates); and none in
    the text a formula cell shows (its cached value: "never", "n/a", "none" are 从不, 不适用, 无)."""
    run, wb, values = analysed_workbook(path)
    ids = sorted(report_ids(run, wb), key=len, reverse=True)
    rows = run.workbook.rows
    words = sorted({*workbook_texts(run), *(f"{r.block}.{r.parameter}" for r in rows),
                    *(u for r in rows for u in r.unit.split("/"))}, key=len, reverse=True)
    english, in_formats = english_in_cell(words, ids), english_in_cell(["M", "K", "B"], ids)
    found, formats, shows_text = [], set(), collections.Counter()
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "s" and english(c.value):
                    found.append((ws.title, c.coordinate, c.value))
                shown = values[ws.title][c.coordinate].value if c.data_type == "f" else None
                if isinstance(shown, str):
                    shows_text[ws.title] += 1
                    if english(shown):
                        found.append((ws.title, c.coordinate, shown))
                literals = " ".join(re.findall(r'"([^"]*)"', c.number_format))
                if "mmm" in re.sub(r'"[^"]*"', "", c.number_format) or in_formats(literals):
                    formats.add(c.number_format)
    assert found == []
    assert formats == set()
    assert {"Sensitivity base", "Simulation base", "Sources", "Checks"} <= set(wb.sheetnames)
    assert shows_text["Monthly"] > 10 and shows_text["Annual"] > 0, shows_text   # the scan saw them


# ------------------------------------------------------------------------------------------------
# The command line and the formats
# ------------------------------------------------------------------------------------------------
def test_lang_is_an_option_of_run_and_of_its_options_object():
    from cashcast.reports.cli.main import parser
    from cashcast.reports.cli.options import RunOptions, from_namespace

    assert from_namespace(parser().parse_args(["run", "w.xlsx"])).lang == "en"
    opts = from_namespace(parser().parse_args(["run", "w.xlsx", "--lang", "zh"]))
    assert isinstance(opts, RunOptions) and opts.lang == "zh"
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["run", "w.xlsx", "--lang", "fr"])
    assert exc.value.code == 2


def test_cli_writes_the_chinese_reports(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cashcast", "run", str(EXAMPLES[1]), "--out", str(tmp_path),
                             "--samples", "0", "--lang", "zh"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / f"{EXAMPLES[1].stem}.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "结论" in page
    assert '"cash_out_month"' in (tmp_path / f"{EXAMPLES[1].stem}.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("amount, currency, english, chinese", [
    (2.4e9, "USD", "$2.4B", "US$24亿"),
    (-5.4e8, "USD", "−$540M", "−US$5.4亿"),
    (7e5, "USD", "$700K", "US$70万"),
    (5.514e8, "RMB", "¥5.51亿", "¥5.51亿"),
    (5.5e8, "RMB", "¥5.5亿", "¥5.5亿"),
    (5e7, "RMB", "¥5,000万", "¥5000万"),
    (1.5e12, "RMB", "¥1.5万亿", "¥1.5万亿"),
    (9_999, "RMB", "¥9,999", "¥9,999"),
    (20, "USD", "$20", "US$20"),
])
def test_money_in_both_languages(amount, currency, english, chinese):
    """Babel's compact decimals: 万 and 亿 in Chinese (a ten-thousand and a hundred-million step)."""
    assert fmt.money(amount, currency) == english
    with language("zh"):
        assert fmt.money(amount, currency) == chinese


def excel_reading(value: float) -> tuple[Decimal, str]:
    """The figure an RMB amount's Excel format shows, read as a number and its unit: the format's
    digits (the value scaled by its trailing commas) with the quoted "." placed before the last ones."""
    from cashcast.reports.excel.styles import money_millions
    from cashcast.reports.excel.widths import formatted

    positive = money_millions("RMB", value).split(";")[0]          # '"¥"0"."00,,"亿"'
    digits = re.match(r"\d+", formatted(abs(value), positive))[0]
    decimals = len(positive.partition('"."')[2].split(",")[0].split('"')[0])
    return Decimal(digits).scaleb(-decimals), positive[-2]


def html_reading(text: str) -> tuple[Decimal, str]:
    m = re.fullmatch(r"−?¥([\d,.]+)(亿|万)", text)
    return Decimal(m[1].replace(",", "")), m[2]


@pytest.mark.parametrize("amount", [5.514e8, -5.514e8, 5.5e8, 3e8, 2.5e9, 1.2345e10, 9.996e8, 5.514e7,
                                    12_345_678, 1_234_567, 123_456, 12_000, -3.456e8])
def test_an_rmb_amount_reads_the_same_in_the_html_and_the_excel_report(amount):
    """The same figure reads the same in both reports: ¥5.51亿 in the HTML where the Excel format shows
    ¥5.51亿 (its 亿 has two decimals, its 万 one; the HTML leaves off trailing zeros: ¥25亿 is ¥25.00亿)."""
    for lang in ("en", "zh"):
        with language(lang):
            assert html_reading(fmt.money(amount, "RMB")) == excel_reading(amount), lang


def test_months_percentages_and_counts_in_both_languages():
    import datetime as dt

    d = dt.date(2025, 3, 1)
    assert (fmt.month_of(d), fmt.month("2025-12"), fmt.months(1), fmt.months(26), fmt.percent(-0.046),
            fmt.number(2e5), fmt.month(None)) == ("Mar 2025", "Dec 2025", "1 month", "26 months", "−4.6%",
                                                  "200K", "never")
    with language("zh"):
        assert (fmt.month_of(d), fmt.month("2025-12"), fmt.months(1), fmt.months(26), fmt.percent(-0.046),
                fmt.number(2e5), fmt.month(None)) == ("2025年3月", "2025年12月", "1个月", "26个月", "−4.6%",
                                                      "20万", "从不")


def test_the_chinese_answer_uses_chinese_dates_and_units(example):
    run, _en, zh, _again = example
    headlines = re.findall(r'<p class="headline"[^>]*>([^<]*)</p>', zh)
    assert headlines and all(re.search(r"\d{4}年\d{1,2}月", h) for h in headlines)
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", ui_text(zh, run))
    cards = re.findall(r'<dd class="value">([^<]*)</dd>', zh)
    assert any(re.search(r"[\d.]+[万亿]$", c) for c in cards)


def test_the_chinese_cash_clause_puts_the_month_before_the_verb(example):
    # 现金于2026年7月跌破最低现金¥1000万, not 现金跌破最低现金¥1000万于2026年7月 (a word-for-word English order)
    run, en, zh, _again = example
    english = html.unescape(re.sub(r"<[^>]+>", "", en))   # visible_text leaves out what is lang="en"
    said = len(re.findall(r"cash (?:runs out|falls below the \S+ minimum) in [A-Z][a-z]{2} \d{4}", english))
    text = visible_text(zh)
    assert not re.search(r"(?:跌破最低现金\S{0,12}?|耗尽)于\d{4}年", text)
    assert bool(re.search(r"现金于\d{4}年\d{1,2}月(?:跌破最低现金|耗尽)", text)) == (said > 0)
