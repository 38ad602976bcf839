"""The HTML report's section of the analyst's checks (the workbook's Checks sheet): a sentence saying
how many pass, and a table of each check's figure, expected and actual values, status, cell and note.
Shown only for a workbook with checks; the checks are compared here from the run's own figures
(:func:`cashcast.models.analysis.checks_user.evaluate_checks`), nothing is recomputed."""
from __future__ import annotations

from cashcast.models.analysis.checks_user import FAIL, NOT_RUN, evaluate_checks
from cashcast.reports.checks_view import difference_text, status_text, subject, value_text
from cashcast.reports.html import narrative
from cashcast.reports.i18n import _, ngettext


def has_checks(done) -> bool:
    """The workbook has a Checks sheet with at least one check."""
    return bool(done.run.workbook.checks)


def sentence(results) -> str:
    """How the checks came out, in one sentence.

    >>> sentence([])
    'The workbook states no checks.'
    >>> from types import SimpleNamespace as R
    >>> sentence([R(status="fail"), R(status="pass"), R(status="not run")])
    '1 check of 3 fails. 1 was not run: its scenario was left out of this run.'
    """
    if not results:
        return _("The workbook states no checks.")
    failed = sum(r.status == FAIL for r in results)
    skipped = sum(r.status == NOT_RUN for r in results)
    n = len(results)
    if failed:
        text = ngettext("{n} check of {total} fails.", "{n} checks of {total} fail.", failed, total=n)
    else:
        text = ngettext("The workbook's check passes.", "All {n} of the workbook's checks pass.", n - skipped)
    if skipped:
        text += " " + ngettext("{n} was not run: its scenario was left out of this run.",
                               "{n} were not run: their scenarios were left out of this run.", skipped)
    return text


def checks_data(done) -> dict:
    """The section's data: the sentence, the column headings and a row per check."""
    run = done.run
    currency = run.workbook.settings.currency
    results = evaluate_checks(run)
    rows = [{"what": subject(r), "scenario": narrative.scenario_title(r.check.scenario),
             "expected": value_text(r, r.check.expected, currency),
             "actual": value_text(r, r.actual, currency) if r.status != NOT_RUN else "—",
             "off": difference_text(r, currency) if r.status == FAIL else "",
             "status": r.status.replace(" ", "-"), "status_text": status_text(r),
             "cell": f"Checks!{r.check.where}", "note": narrative.text_parts(r.check.note)} for r in results]
    headings = [_("Line or key figure"), _("Scenario"), _("Expected"), _("Actual"), _("Status"), _("Cell"),
                _("Note")]
    return {"sentence": sentence(results), "headings": headings, "rows": rows}
