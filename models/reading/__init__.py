"""Reading an assumption workbook: specs, parsing, the checks and their problem records."""
