"""Report formats: what `qnkpi evaluate --format NAME` writes.

The protocol a reporter plugin follows is in `qnkpi.reporters.base`; the built-in formats
`table`, `json`, `csv`, `csv-assessments`, `markdown`, `html` and `xlsx` have their modules.
"""
