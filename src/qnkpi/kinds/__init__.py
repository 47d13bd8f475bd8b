"""Indicator kinds: how an indicator is computed from measures.

The base classes for kind plugins are in `qnkpi.kinds.base`; the built-in kinds `value`,
`ratio`, `share_of_units` and `sum` each have their module.
"""
