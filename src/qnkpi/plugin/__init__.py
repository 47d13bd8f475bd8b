"""Plugins: the hooks (`qnkpi.plugin.hookspecs`), the pluggy markers
(`qnkpi.plugin.markers`) and the registry built from them (`qnkpi.plugin.manager`)."""
