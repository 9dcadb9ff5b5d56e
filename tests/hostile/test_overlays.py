"""Overlay type confusions and deep values are located errors, never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemegen.cli.main import main

APP = (
    "- {{id: odd_app, name_ko: o, name_en: o, category: card, status: active,"
    " priority: {{tier: 3, order: 1}}, methods: [card], ios_schemes: [oddapp],"
    " android_packages: [com.odd.app], sources: [{{id: s, seen: '2026-12', verified: published}}]"
    "{extra}}}\n"
)
HEAD = "sources: [{id: s, where: 'https://example.com', commit: null, date: '2026-12'}]\napps:\n"


@pytest.mark.parametrize(
    "extra",
    [
        ", aliases: [{value: oddap, of: [1, 2]}]",
        ", aliases: [{value: oddap, of: {a: 1}}]",
        ", exceptions: [{value: oddapp, rule: scheme-syntax, source: [s], note: x}]",
        ", exceptions: [{value: oddapp, rule: {a: 1}, source: s, note: x}]",
        ", exceptions: [{value: oddapp, rule: [scheme-syntax], source: {s: 1}, note: x}]",
    ],
)
def test_type_confusions_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str
) -> None:
    overlay = tmp_path / "o.yaml"
    overlay.write_text(HEAD + APP.format(extra=extra))
    code = main(["registry", "check", str(overlay)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert f"{overlay}:3: apps[odd_app]" in out
    assert "internal error" not in err


def test_deeply_nested_notes_do_not_break_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHEMEGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("SCHEMEGEN_CACHE_DIR", str(tmp_path / "cache"))
    overlay = tmp_path / "o.yaml"
    overlay.write_text(HEAD + APP.format(extra=", notes: " + "[" * 500 + "]" * 500))
    manifest = tmp_path / "AndroidManifest.xml"
    manifest.write_text('<manifest package="a.b"/>\n')
    for _ in range(2):  # the second run reads the cache the first one wrote
        code = main(["lint", "--registry", str(overlay), str(manifest)])
        err = capsys.readouterr().err
        assert code == 0, err
        assert "internal error" not in err


def test_deep_package_json_is_ignored_by_detection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"a": 1})[:-1] + ', "b": ' + "[" * 5000 + "]" * 5000 + "}"
    )
    manifest = tmp_path / "android" / "app" / "src" / "main" / "AndroidManifest.xml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b">'
        '<application><activity android:name=".M" android:exported="true"><intent-filter>'
        '<action android:name="android.intent.action.MAIN"/>'
        '<category android:name="android.intent.category.LAUNCHER"/>'
        "</intent-filter></activity></application></manifest>\n"
    )
    code = main(["apply", "--app-scheme", "myshop", "--diff", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "internal error" not in err
