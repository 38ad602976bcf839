"""Chinese typography of the ``--lang zh`` HTML report: what a Chinese reader would mark as a typo.

Each text node the reader sees (SVG chart text included; the model's own documentation, quoted in
English, and the workbook's own texts — names, notes, article titles — left out) is scanned for

* ASCII parentheses around Chinese text: ``funding (融资)`` is ``funding（融资）`` in Chinese;
* a doubled space, or a space beside Chinese punctuation (``，``, ``（``, …);
* a space between two Chinese characters or between a Chinese character and a number: Babel writes
  ``2028年1月``, ``51个月`` and ``¥1000万`` with none, so the sentences around them use none either
  (``现金在2028年1月降至最低``, not ``现金在 2028年1月 降至最低``). Latin words keep their spaces.
"""
from __future__ import annotations

import re

import pytest

from cashcast.models.analysis.scenarios import run_file
from tests.report_fixtures import EXAMPLE_IDS, EXAMPLES
from tests.shared_reports import ANALYSED
from tests.test_i18n import VisibleText, workbook_texts

IDEO = "\u4e00-\u9fff"                       # Chinese characters
PUNCT = "，。；：、（）“”！？《》"            # full-width punctuation
NUMBER = r"[−+\-]?[¥$]?\d"                   # the start of a number as fmt writes it
PROBLEMS = {
    "ASCII parentheses around Chinese": re.compile(rf"\([^()]*[{IDEO}][^()]*\)"),
    "doubled space": re.compile(r"\S {2,}\S"),
    "space beside Chinese punctuation": re.compile(rf"[{PUNCT}] +\S| +[{PUNCT}]"),
    "space between Chinese characters": re.compile(rf"[{IDEO}] +[{IDEO}]"),
    # a number on its own: not the 50 of P50, nor one after an operator (``≥ 0 的``, ``12 × 12月``)
    "space between Chinese and a number": re.compile(
        rf"[{IDEO}] +{NUMBER}|(?<![≥≤=<>×÷+−] )(?<![A-Za-z0-9_.])\d[\d.,]*%? +[{IDEO}]"),
}


def typos(text: str) -> list[tuple[str, str]]:
    """(problem, the text around it) of every typographic slip in one text node.

    >>> def problems(text): return sorted({problem for problem, _where in typos(text)})
    >>> problems("现金在 2028年1月 降至最低，为 −¥1.91亿。")
    ['space between Chinese and a number', 'space between Chinese characters']
    >>> problems("现金在2028年1月降至最低，为−¥1.91亿。"), problems("funding (融资)")
    ([], ['ASCII parentheses around Chinese'])
    >>> problems("受众 （月均）"), problems("（≥）。 11项"), problems("共 11  项")
    (['space beside Chinese punctuation'], ['space beside Chinese punctuation'], ['doubled space', 'space between Chinese and a number'])
    >>> problems("Consumer app 的受众，P10 与 P90，IRR 为5%"), problems("滚动十二个月均 ≥ 0 的月份；P50 线")
    ([], [])
    """
    found = []
    for problem, pattern in PROBLEMS.items():
        for m in pattern.finditer(text):
            found.append((problem, text[max(0, m.start() - 20):m.end() + 20]))
    return found


def text_nodes(page: str, run) -> list[str]:
    """The visible text nodes, each on one line, with the workbook's own texts taken out (an article's
    title or a note may be typeset as its author wrote it)."""
    v = VisibleText()
    v.feed(page)
    quoted = [t for t in workbook_texts(run) if len(t) > 2 and re.search(rf"[A-Za-z{IDEO}]", t)]
    out = []
    for node in v.parts:
        node = " ".join(node.split("\n")).strip()
        for t in quoted:
            node = node.replace(t, "X")
        if node:
            out.append(node)
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_IDS)
def test_the_chinese_report_has_no_typographic_slips(path, shared_reports):
    run, zh = run_file(path), shared_reports.html(path, ANALYSED, "zh")
    nodes = text_nodes(zh, run)
    assert len(nodes) > 500 and any("现金" in n for n in nodes)   # the scan saw the report
    found = sorted({slip for node in nodes for slip in typos(node)})
    assert found == [], (len(found), found[:20])
