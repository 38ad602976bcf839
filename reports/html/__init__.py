"""The HTML report: page, narrative, charts and the PDF printed from it."""
