"""What a whole project tells lint: its return schemes, and code asking the PackageManager."""

# ruff: noqa: PTH119, PTH123

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from schemegen.core.diagnostics import Diagnostic, Severity
from schemegen.core.documents import MAX_BYTES, Document, Manifest, Plist
from schemegen.lint.rules import manifest_views, plist_views
from schemegen.lint.rules.common import listing
from schemegen.lint.rules.sources import Registered

# Dependencies whose code asks the PackageManager before it opens a payment app, so that a
# package missing from <queries> reads as "not installed" on Android 11 and later.
ASKING_DEPENDENCIES = {
    # PortOne's React Native SDK asks before opening, and its setup asks for <queries>
    # (portone-io/react-native-sdk, README.md, "앱 링크 사용 설정")
    "package.json": {"@portone/react-native-sdk": "asks `canOpenURL` before opening an app"},
    # url_launcher's canLaunchUrl resolves the intent through the PackageManager
    # (flutter/packages, packages/url_launcher/url_launcher_android)
    "pubspec.yaml": {"url_launcher": "offers `canLaunchUrl`, which asks the PackageManager"},
}


def registered(docs: Iterable[Document]) -> list[Registered]:
    """The custom schemes activity deep-link filters and CFBundleURLSchemes entries register."""
    found: list[Registered] = []
    for doc in docs:
        if isinstance(doc, Manifest) and not doc.is_library:
            found += [
                Registered(s.value, doc.path, s.line)
                for f in manifest_views.filters(doc)
                if f.is_activity and manifest_views.VIEW in f.actions
                for s in f.custom
                if s.value is not None
            ]
        elif isinstance(doc, Plist) and doc.is_app:
            found += [Registered(e.value, doc.path, e.line) for e in plist_views.url_schemes(doc)]
    return found


def dependency_evidence(files: Sequence[str]) -> list[str]:
    """`name` (file) for each listed dependency known to ask the PackageManager."""
    found: list[str] = []
    for path in files:
        table = ASKING_DEPENDENCIES.get(os.path.basename(path))
        if not table:
            continue
        text = _read(path)
        for name, why in table.items():
            # a key in package.json ("name":) or pubspec.yaml (name:)
            if text and re.search(rf"(^|[\s\"']){re.escape(name)}[\"']?\s*:", text, re.MULTILINE):
                found.append(f"`{name}` ({path}), which {why}")
    return found


def escalated(diagnostic: Diagnostic, asks: Sequence[str]) -> Diagnostic:
    """A missing-queries warning as the error it is when the app asks the PackageManager."""
    d = diagnostic
    message = f"{d.message}; this app asks the PackageManager: {listing(asks, 5)}"
    return Diagnostic(d.path, d.line, d.code, Severity.ERROR, message, d.fix)


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_BYTES else data.decode("utf-8", errors="replace")
