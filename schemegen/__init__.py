"""schemegen: Korean payment-app URL scheme registry, generator and linter."""

__version__ = "0.1.0"
