"""One module per sheet of the Excel report; :data:`cashcast.reports.excel.report.SHEETS` lists them.

Each module's ``write(book, ws)`` fills one sheet from the :class:`~cashcast.reports.excel.book.Book`
(``model.py`` has two: Monthly and the per-scenario sheets); ``comparison.py`` is the part of Summary
written only with an analysis.
"""
