"""Lint: discovery, configuration, rules and report formats."""
