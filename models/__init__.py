"""cashcast's computation: load and validate workbooks, build lines, evaluate, KPIs. No file writing."""
