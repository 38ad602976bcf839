"""The cap table of a run: each equity round's terms and the ownership after it, per scenario.

The terms are expressions of assumptions (:func:`cashcast.models.statements.ownership.round_terms`),
evaluated here with numpy for one scenario column; the Excel report writes the same expressions as
formulas. A workbook with no valuation anywhere has no cap table (None); one where some round lacks a
valuation gives the valued rounds' own terms, nulls for the rest and for every cumulative share, and a
note naming the rounds that lack one.
"""
from __future__ import annotations

import numpy as np

from cashcast.models.analysis.scenarios import Run
from cashcast.models.engine.expr import Expr, Param
from cashcast.models.engine.model import NumpyContext
from cashcast.models.reading.data import ordinal_to_date
from cashcast.models.statements.ownership import RoundTerms, round_terms, start_holders_share


def missing_note(names: list[str]) -> str | None:
    """Why the cap table is incomplete, or None when every round is valued.

    >>> print(missing_note(["April 2023 round"]))
    no pre_money or post_money for: April 2023 round; the shares it sold are unknown, so the ownership after it is not computed (no guess is made)
    """
    if not names:
        return None
    one = len(names) == 1
    return (f"no pre_money or post_money for: {', '.join(names)}; the shares {'it' if one else 'they'} sold "
            f"are unknown, so the ownership after {'it' if one else 'them'} is not computed (no guess is made)")


def signed_ordinal(terms: RoundTerms, value) -> int:
    """The month (ordinal) a round is signed in a scenario: its month row's value there (``value``
    evaluates an expression), or its first tranche if earlier."""
    found = []
    if terms.signed_param is not None:
        found.append(int(round(value(Param(terms.signed_param)))) + terms.start)
    if terms.tranche is not None:
        found.append(terms.tranche[0] * 12 + terms.tranche[1] - 1)
    return min(found)


def cap_table(run: Run, j: int) -> dict | None:
    """Scenario column j's cap table (JSON-ready), or None when no round states a valuation."""
    terms = round_terms(run.workbook)
    if not any(t.post is not None for t in terms):
        return None
    ctx = NumpyContext(run.workbook, run.result.params or {}, run.result.size)

    def value(expr: Expr | None) -> float | None:
        if expr is None:
            return None
        with np.errstate(all="ignore"):
            v = np.broadcast_to(np.asarray(expr.np(ctx), dtype=float).reshape(1, -1), (1, run.result.size))
        return float(v[0, j])

    missing = [t.name for t in terms if t.post is None]
    chain = start_holders_share(terms) if not missing else [None] * len(terms)
    rounds = []
    for t, after in zip(terms, chain):
        rounds.append({
            "round": t.name, "month_signed": f"{ordinal_to_date(signed_ordinal(t, value)):%Y-%m}",
            "amount": value(t.total), "pre_money": value(t.pre), "post_money": value(t.post),
            "new_investors_share": value(t.new_share), "earlier_holders_share": value(t.kept),
            "dilution": value(t.new_share), "start_holders_share": value(after),
        })
    return {"rounds": rounds, "note": missing_note(missing)}
