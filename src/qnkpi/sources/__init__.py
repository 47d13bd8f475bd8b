"""Source types: where measures come from.

The base classes and helpers for source plugins are in `qnkpi.sources.base`; the built-in
types `inline`, `csv`, `sqlite` and `xlsx` each have their module.
"""
