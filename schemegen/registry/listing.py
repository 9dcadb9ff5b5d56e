"""Readable rows and tables of registry apps (for `list`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from schemegen.core.terminal import json_safe, printable
from schemegen.registry.model import App


def app_row(app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "name_ko": app.name_ko,
        "name_en": app.name_en,
        "category": app.category.value,
        "status": app.status.value,
        "tier": app.priority.tier,
        "methods": list(app.methods),
        "ios_schemes": list(app.ios_schemes),
        "android_packages": list(app.android_packages),
        "android_schemes": list(app.android_schemes),
        "app_store_id": app.app_store_id,
        "returns": {"android": app.returns_android, "ios": app.returns_ios},
    }


def app_rows(apps: Sequence[App]) -> list[dict[str, Any]]:
    return [app_row(app) for app in apps]


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A plain-text table: one line per app, long lists joined with spaces."""
    columns = ("id", "name_ko", "name_en", "category", "status", "ios_schemes", "android_packages")
    cells = [
        [
            printable(" ".join(v) if isinstance(v := row[c], list) else str(v or "-"))
            for c in columns
        ]
        for row in rows
    ]
    headers = [
        "id",
        "Korean name",
        "English name",
        "category",
        "status",
        "iOS schemes",
        "Android packages",
    ]
    widths = [
        min(max(len(h), *(len(r[i]) for r in cells)) if cells else len(h), 40)
        for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def format_json(rows: Sequence[dict[str, Any]], version: str) -> str:
    """`version` is the format version (public API); `registry` the registry's own version."""
    payload = {"version": 1, "registry": version, "apps": rows}
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n"
