"""Stages import only downwards: `cli → apply → lint, generate → registry → core`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "schemegen"
# A stage may import its own modules and those of the stages it lists.
ALLOWED = {
    "core": {"core"},
    "registry": {"registry", "core"},
    "lint": {"lint", "registry", "core"},
    "generate": {"generate", "registry", "core"},
    "apply": {"apply", "lint", "generate", "registry", "core"},
    "cli": {"cli", "apply", "lint", "generate", "registry", "core"},
}


def stage(module: str) -> str | None:
    """The stage of a dotted `schemegen.…` module name, or None for the package's top level."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "schemegen" else None


def imported(tree: ast.AST) -> set[str]:
    """Every schemegen module that `tree` imports, at any depth (lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("schemegen.")}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_stages(path: Path) -> None:
    name = ".".join(("schemegen", *path.relative_to(PACKAGE).with_suffix("").parts))
    own = stage(name)
    if own is None:
        return
    assert own in ALLOWED, f"{name}: `{own}` is not a known stage"
    upward = {
        target
        for target in imported(ast.parse(path.read_text(encoding="utf-8")))
        if (other := stage(target)) is not None and other in ALLOWED and other not in ALLOWED[own]
    }
    assert not upward, f"{name} ({own}) imports upward: {sorted(upward)}"


def test_the_check_sees_an_upward_import() -> None:
    tree = ast.parse("def f():\n    from schemegen.apply.edit import Plan\n")
    assert imported(tree) >= {"schemegen.apply.edit"}
    assert stage("schemegen.apply.edit") not in ALLOWED["lint"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_stays_small_enough_to_own_one_idea(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 700, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by concern"
