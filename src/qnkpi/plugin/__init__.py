"""Plugins: the hooks (`qnkpi.plugin.hookspecs`, and their table in
`qnkpi.plugin.hooks`), the pluggy markers (`qnkpi.plugin.markers`), building the manager
(`qnkpi.plugin.loading`) and the registry built from it (`qnkpi.plugin.registry`).
`qnkpi.plugin.manager` re-exports the public names of 0.1."""
