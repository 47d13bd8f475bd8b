"""`python -m qnkpi`: the same as the `qnkpi` command."""

from qnkpi.cli import run

run()
