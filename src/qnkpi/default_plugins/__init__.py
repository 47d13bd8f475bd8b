"""The built-in parts, each module a plugin registered through the same hooks as a third
party's: source types, indicator kinds, assessment methods, report formats and the
bundled spec."""
