"""The Excel report (a live model of formulas) and the assumption workbooks that cashcast writes.

* ``report.py`` — the writer: ``excel_bytes(run, analysis)`` and ``SHEETS``, the registry of sheets it
  loops over (tab order, and the order they are filled in).
* ``book.py`` — ``Book``, the workbook-level state every sheet module receives: the run and its
  analysis, the XlsxWriter workbook, styles, layouts, line formulas, defined names.
* ``sheets/`` — one module per sheet: ``summary``, ``assumptions``, ``model`` (Monthly and the
  scenario sheets), ``annual``, ``sensitivity``, ``simulation``, ``sources``; ``comparison`` is
  Summary's scenario comparison.
* ``layout.py`` (where every row, column and sheet title sits), ``cells.py`` (how a value is written
  into a cell), ``formulas.py`` (formula text), ``irr.py`` (IRR's live guess), ``styles.py`` (formats).
* ``assumptions.py`` — the assumption workbooks cashcast writes (the starter of ``cashcast new``).
"""
