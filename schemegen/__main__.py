"""Entry point for `python -m schemegen`."""

from schemegen.cli.main import main

raise SystemExit(main())
