"""The methodology section from the workbook itself: only the kinds of block it uses, each kind's
equations (the model's own docstrings without their worked examples, which quote the source
articles of the flagship), and every block with that workbook's own figures: its assumptions as
entered and what its lines come to in the first scenario.

Returns plain strings and :class:`cashcast.reports.html.narrative.Part` lists for the template.
"""
from __future__ import annotations

import re

import numpy as np

from cashcast.models.analysis import kpis as registry
from cashcast.models.analysis.scenarios import Run
from cashcast.models.engine import model as engine
from cashcast.models.kinds import KINDS

from cashcast.reports import fmt
from cashcast.reports.html import narrative
from cashcast.reports.i18n import _, _noop

# A sentence that works an example (an article's, or one with amounts or dates of its own) rather
# than stating the rule: it belongs to the flagship's sources, not to every workbook's report.
EXAMPLE = re.compile(r"\bArticles?\b|\barticle \d|\bExample\b|\bAn estimate\b|[$¥€£]\s?\d|\d\s?(?:RMB|USD)\b"
                     r"|\b[A-Z][a-z]{2} \d{4}\b|\b\d+ (?:billion|million)\b")
TOTALS = _noop("Totals")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def general(sentence: str) -> str:
    """A docstring sentence without its worked example: as it is, the rule before a colon that
    introduces an example, or '' when it is all example.

    >>> general("Months from the start to the cash-out month: Jan 2023 → Mar 2025 is 26.")
    'Months from the start to the cash-out month.'
    >>> general("Article 001: 10 million payers × $20/month = $200M a month, $2.4B a year.")
    ''
    >>> general("``revenue_t = subscribers_t × price_t``.")
    '``revenue_t = subscribers_t × price_t``.'
    """
    if not EXAMPLE.search(sentence):
        return sentence
    head = sentence.split(": ")[0]
    if head != sentence and not EXAMPLE.search(head):
        return head.rstrip(".") + "."
    return ""


def rule_paragraphs(obj) -> list[list[narrative.Part]]:
    """A docstring's prose before its doctests, each paragraph without its example sentences."""
    doc = narrative.clean_doc(obj.__doc__ or "")
    prose = doc.split("\n>>>")[0] if not doc.startswith(">>>") else ""
    out = []
    for para in re.split(r"\n\s*\n", prose):
        para = " ".join(line.strip() for line in para.splitlines()).strip()
        kept = " ".join(s for s in (general(x) for x in SENTENCE_END.split(para)) if s)
        if kept:
            out.append(narrative.code_parts(kept))
    return out


def line_figures(run: Run, name: str, label: str) -> str:
    """What a line comes to in the first scenario: its first month with a value and the last month,
    as money: 'revenue $1.2M in Jan 2023 (its first month), $4.5M in Dec 2032'."""
    values = run.result.column(name, 0)
    cur = run.workbook.settings.currency
    active = np.flatnonzero(values)
    label = _(label)
    if not len(active):
        return _("{label} nothing", label=label)
    t, last = int(active[0]), len(values) - 1
    first = _("{label} {amount} in {month}", label=label, amount=fmt.money(float(values[t]), cur),
              month=fmt.month_of(run.months[t]))
    if t == last or not values[last]:
        return first
    return _("{figures}, {amount} in {month}", figures=first, amount=fmt.money(float(values[last]), cur),
             month=fmt.month_of(run.months[last]))


def block_notes(run: Run, block: str) -> dict:
    """One block with its own figures: the assumptions as entered and what its main lines come to."""
    wb = run.workbook
    rows = [r for r in wb.rows if r.block == block]
    given = [f"{r.parameter} {narrative.quantity(r, r.value) or r.text or ''}".strip() for r in rows]
    lines = [ln for ln in run.model.lines.values() if ln.block == block
             and ln.role in ("revenue", "cost", "funding")]
    figures = [line_figures(run, ln.name, ln.label.removeprefix(f"{block}: ")) for ln in lines]
    given_text = _("; ").join(given)
    text = (_("{given}. In {scenario}: {figures}.", given=given_text, scenario=narrative.scenario_title(run.scenarios[0]),
              figures=_("; ").join(figures)) if figures else _("{given}.", given=given_text))
    return {"name": block, "given": given, "figures": figures, "text": text}


def kind_notes(run: Run) -> list[dict]:
    """Each kind of block the workbook uses: how it computes (its rules, no examples) and each of its
    blocks with the workbook's own figures."""
    used: dict[str, list[str]] = {}
    for block in run.workbook.blocks.values():
        used.setdefault(block.kind, []).append(block.name)
    out = []
    for kind, names in used.items():
        spec = KINDS[kind]
        out.append({"kind": kind, "role": _(spec.role), "doc": _(spec.doc),
                    "formulas": [{"name": f.__name__, "paragraphs": rule_paragraphs(f)} for f in spec.formulas],
                    "blocks": [block_notes(run, name) for name in names]})
    return out


def totals_notes() -> list[dict]:
    """The totals and every KPI, each with its defining function's rules (no worked examples)."""
    notes = [{"name": _(TOTALS), "paragraphs": rule_paragraphs(engine.total_lines)}]
    notes += [{"name": _(k.label), "paragraphs": rule_paragraphs(k.documented_by)}
              for k in registry.KPIS if k.documented_by]
    return notes


def methodology_view(run: Run) -> dict:
    """The methodology section's data: the scenario the figures are from, the kinds, shapes, totals."""
    return {"scenario": narrative.scenario_title(run.scenarios[0]), "kinds": kind_notes(run),
            "totals": totals_notes(), "shapes": narrative.shape_notes(run.workbook)}
