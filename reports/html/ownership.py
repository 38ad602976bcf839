"""The HTML report's "Ownership" section: the base scenario's cap table, worded.

Figures come from the JSON's ``cap_table`` (:func:`cashcast.models.analysis.cap_table.cap_table`);
nothing is recomputed here.
"""
from __future__ import annotations

import re

from cashcast.reports import fmt
from cashcast.reports import i18n
from cashcast.reports.i18n import _

HEADINGS = (  # msgids, translated when shown"Round", "Signed", "Amount", "Pre-money", "Post-money", "New investors' share",
            "Holders before keep", "Founders and earlier holders after")


def has_cap_table(table: dict, scenario: str) -> bool:
    return "cap_table" in table["scenarios"][scenario]


def round_name(name: str) -> str:
    """``the Microsoft 2023 round``; a name that already says round is left as it is.

    >>> round_name("Microsoft 2023"), round_name("April 2023 round")
    ('the Microsoft 2023 round', 'the April 2023 round')
    """
    return _("the {name}", name=name) if name.lower().endswith("round") else _("the {name} round", name=name)


def sentence(rnd: dict) -> str:
    """What a valued round did to the holders before it, in words.

    >>> sentence({"round": "Microsoft 2023", "new_investors_share": 10 / 29, "earlier_holders_share": 19 / 29,
    ...           "start_holders_share": None, "post_money": 29e9})
    'After the Microsoft 2023 round the earlier holders own 65.5% (its investors 34.5%).'
    """
    start = rnd["start_holders_share"]
    tail = (_("; the founders and earlier holders of the model's start hold {share}", share=fmt.percent(start))
            if start is not None and start != rnd["earlier_holders_share"] else "")
    return _("After {round} the earlier holders own {earlier} (its investors {new}){tail}.",
             round=round_name(rnd["round"]), earlier=fmt.percent(rnd["earlier_holders_share"]),
             new=fmt.percent(rnd["new_investors_share"]), tail=tail)


def ownership_view(table: dict, scenario: str, title: str, currency: str) -> dict:
    """The template's data: rows of the cap table, a sentence per round and the note."""
    data = table["scenarios"][scenario]["cap_table"]
    rows = []
    for r in data["rounds"]:
        rows.append([r["round"], fmt.month(r["month_signed"]), fmt.money(r["amount"], currency),
                     fmt.money(r["pre_money"], currency) if r["pre_money"] is not None else _("not stated"),
                     fmt.money(r["post_money"], currency) if r["post_money"] is not None else _("not stated"),
                     fmt.percent(r["new_investors_share"]), fmt.percent(r["earlier_holders_share"]),
                     fmt.percent(r["start_holders_share"])])
    return {"scenario": {"name": scenario, "title": title}, "headings": [_(h) for h in HEADINGS], "rows": rows,
            "sentences": [sentence(r) for r in data["rounds"] if r["post_money"] is not None], "note": note_text(data["note"])}


MISSING = re.compile(r"no pre_money or post_money for: (.+); the shares (it|they) sold are unknown, so the "
                     r"ownership after (?:it|them) is not computed \(no guess is made\)")


def note_text(note: str | None) -> str | None:
    """Why the cap table is incomplete (:func:`cashcast.models.analysis.cap_table.missing_note`), in
    the report's language (in English the model's own words)."""
    m = MISSING.fullmatch(note or "")
    if m is None or i18n.current() == "en":
        return note
    return _("no pre_money or post_money for: {rounds}; the shares sold there are unknown, so the ownership "
             "after them is not computed (no guess is made)", rounds=m[1])
