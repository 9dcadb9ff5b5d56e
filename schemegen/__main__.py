"""Entry point for `python -m schemegen`."""

from schemegen.cli import main

raise SystemExit(main())
