"""The Excel report (a live model of formulas) and the assumption workbooks that cashcast writes."""
