"""Print the HTML report to PDF with headless Chromium (Playwright), offline and without JavaScript.

Chromium is the Debian package at ``/usr/bin/chromium`` (``CASHCAST_CHROMIUM`` overrides the path);
``playwright install`` is never used. The browser gets a throw-away HOME, no network (every request
is aborted; the report needs none) and JavaScript off (the report has none).
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from babel.dates import format_date

from cashcast.reports import i18n
from cashcast.reports.i18n import _

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
FOOTER = ('<div style="font-size:7pt;color:#777;width:100%;padding:0 12mm;'
          'font-family:DejaVu Sans,sans-serif;display:flex;justify-content:space-between">'
          '<span class="title"></span><span>{pages}</span></div>')


def footer() -> str:
    """Every page's footer in the language being rendered: the title, then 'page N of M'."""
    return FOOTER.format(pages=_("page {number} of {total}", number='<span class="pageNumber"></span>',
                                 total='<span class="totalPages"></span>'))


# The cover's date line (templates/report.html.j2): empty in the HTML, which carries no date, and filled
# with the day the PDF is printed
PRINTED_ON = '<span class="printed-on"></span>'


def with_print_date(html: str, day: dt.date) -> str:
    """The report with its cover dated ``day``.

    >>> with_print_date('<p class="cover-date"><span class="printed-on"></span></p>', dt.date(2026, 12, 1))
    '<p class="cover-date"><span class="printed-on">Printed on 1 December 2026</span></p>'
    """
    date = f"{day.day} {day:%B %Y}" if i18n.current() == "en" else format_date(day, "long", locale=i18n.locale())
    return html.replace(PRINTED_ON, f'<span class="printed-on">{_("Printed on {date}", date=date)}</span>', 1)


class PdfError(RuntimeError):
    """Chromium could not be started or could not print."""


def chromium_path() -> str:
    return os.environ.get("CASHCAST_CHROMIUM", CHROMIUM)


@contextmanager
def browser():
    """A headless Chromium (Playwright ``Browser``) with its own temporary HOME; closed on exit."""
    from playwright.sync_api import Error, sync_playwright

    path = chromium_path()
    if not Path(path).exists():
        raise PdfError(f"Chromium not found at {path}; install the Debian package 'chromium' "
                       f"(make system-deps) to print PDFs")
    with tempfile.TemporaryDirectory(prefix="cashcast-chromium-") as home, sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS,
                                   env={**os.environ, "HOME": home})
        except Error as exc:
            raise PdfError(f"Chromium at {path} did not start: {exc.message.splitlines()[0]}") from exc
        try:
            yield b
        finally:
            b.close()


def print_pdf(b, html: str, day: dt.date | None = None) -> bytes:
    """Print ``html`` to A4 PDF bytes in an offline, script-free page of browser ``b``; the cover is
    dated ``day`` (None: today). Each page's footer gives its number and the page count."""
    context = b.new_context(java_script_enabled=False, offline=True)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content(with_print_date(html, day or dt.date.today()), wait_until="load")
        page.emulate_media(media="print")
        return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                        display_header_footer=True, header_template="<span></span>",
                        footer_template=footer(), outline=True, tagged=True)
    finally:
        context.close()


def html_to_pdf(html: str) -> bytes:
    """The report printed to PDF by a fresh headless Chromium."""
    with browser() as b:
        return print_pdf(b, html)
