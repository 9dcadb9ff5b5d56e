"""Diagnostics and rule metadata shared by lint, its rules and its output formats."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from schemegen.core.record import record


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@record(order=True)
class Diagnostic:
    """One finding: where, which rule, how bad, what is wrong and what to do."""

    path: str
    line: int | None
    code: str
    severity: Severity
    message: str
    fix: str | None = None

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.code, self.message)


@record
class Rule:
    """A lint rule: a permanent code and kebab-case name, its default severity and checker.

    `check` takes (document, context) and yields diagnostics; its docstring is the rule's
    documentation (What it does / Why is this bad? / Example / Use instead / References).
    """

    code: str
    name: str
    severity: Severity
    check: Callable[..., Iterable[Diagnostic]]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0] if self.doc else self.name

    def diagnostic(
        self,
        path: str,
        line: int | None,
        message: str,
        *,
        fix: str | None = None,
        severity: Severity | None = None,
        **_: Any,
    ) -> Diagnostic:
        return Diagnostic(path, line, self.code, severity or self.severity, message, fix)
