"""`schemegen rules`: list the lint rules, or explain one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from schemegen.cli.common import Exit, UsageError

if TYPE_CHECKING:
    pass


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rules", help="list the lint rules, or explain one")
    p.add_argument("rule", nargs="?", metavar="RULE", help="a code (SG203) or name to explain")
    p.set_defaults(run=_rules)


def _rules(args: argparse.Namespace) -> int:
    from schemegen.lint.rules import RULES

    if args.rule is None:
        width = max(len(rule.name) for rule in RULES)
        for rule in RULES:
            print(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")
        return Exit.OK
    wanted = args.rule.strip()
    for rule in RULES:
        if wanted.upper() == rule.code or wanted == rule.name:
            print(f"{rule.code} {rule.name} (default severity: {rule.severity})\n")
            print(rule.doc)
            return Exit.OK
    raise UsageError(f"unknown rule `{wanted}`; `schemegen rules` lists them")
