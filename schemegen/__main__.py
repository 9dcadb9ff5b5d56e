"""Entry point for `python -m schemegen`."""

from schemegen.cli.main import console

console()
