"""`registry scan`: unknown schemes and packages in manifests and plists, with near misses."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest
from conftest import corpus_dir

from schemegen.cli.main import main
from schemegen.core import parsing
from schemegen.registry import scan, validate
from schemegen.registry.scan import Kind

MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">
    <queries>
        <package android:name="kvp.jjy.MispAndroid320" />
        <package android:name="com.kbcard.cxh.appcardd" />
        <package android:name="com.hanaskard.paycla" />
        <intent>
            <action android:name="android.intent.action.VIEW" />
            <data android:scheme="tel" />
        </intent>
        <intent>
            <action android:name="android.intent.action.PROCESS_TEXT" />
            <data android:mimeType="text/plain" />
        </intent>
    </queries>
    <application>
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.VIEW" />
                <data android:scheme="myshop" />
                <data android:scheme="${applicationId}" />
            </intent-filter>
        </activity>
    </application>
</manifest>
"""

PLIST = {
    "LSApplicationQueriesSchemes": [
        "ispmobile",
        "kb-acpp",
        "nhappvardansimclick",
        "kakaokompassauth",
        "kakao0123456789abcdefghijklmn",
        "itmss",
        "NewSmartPib",
        "ispmobile",
    ],
    "CFBundleURLTypes": [{"CFBundleURLSchemes": ["myshop", "fb1234567890"]}],
}


def scan_dir(tmp_path: Path) -> scan.ScanResult:
    reg = validate.load()
    occurrences = []
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            occurrences += scan.read_occurrences(parsing.read_document(path))
    return scan.scan(reg, occurrences)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "android").mkdir()
    (tmp_path / "android" / "AndroidManifest.xml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "ios").mkdir()
    (tmp_path / "ios" / "Info.plist").write_bytes(plistlib.dumps(PLIST))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "Info.plist").write_bytes(plistlib.dumps(PLIST, fmt=plistlib.FMT_BINARY))
    return tmp_path


def test_sorts_values(project: Path) -> None:
    result = scan_dir(project)
    unknown = {s.value: s for s in result.unknown}
    assert set(unknown) == {
        "com.kbcard.cxh.appcardd",
        "kb-acpp",
        "kakao0123456789abcdefghijklmn",
        "myshop",
    }
    assert unknown["com.kbcard.cxh.appcardd"].near == ("com.kbcard.cxh.appcard",)
    assert unknown["com.kbcard.cxh.appcardd"].kinds == (Kind.QUERY_PACKAGE,)
    assert unknown["kb-acpp"].near == ("kb-acp",)
    assert unknown["myshop"].kinds == (Kind.URL_SCHEME,)
    assert len(unknown["kb-acpp"].places) == 2  # the XML and the binary plist
    # Apple's secure store scheme and a case variant of a registry scheme are known values
    assert result.known == 4  # kvp.jjy.MispAndroid320, ispmobile, itmss, NewSmartPib
    assert {s.value for s in result.aliases} == {"com.hanaskard.paycla", "nhappvardansimclick"}
    assert {s.value for s in result.non_payment} == {
        "tel",
        "android.intent.action.PROCESS_TEXT",
        "kakaokompassauth",
        "fb1234567890",
    }
    assert [s.value for s in result.unresolved] == ["${applicationId}"]


def test_lines_are_kept_for_xml_and_none_for_binary(project: Path) -> None:
    unknown = {s.value: s for s in scan_dir(project).unknown}
    lines = {Path(p).parent.name: line for p, line in unknown["kb-acpp"].places}
    assert lines["bin"] is None
    assert isinstance(lines["ios"], int) and lines["ios"] > 1
    package = unknown["com.kbcard.cxh.appcardd"]
    assert package.places[0][1] == 5


def test_cli_text_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Broken-Info.plist").write_text("<plist><dict><key>x</key>", encoding="utf-8")
    assert main(["registry", "scan", "--no-config", str(project)]) == 0
    captured = capsys.readouterr()
    assert "kb-acpp  (2x in 2 files)  near: kb-acp (kb_pay)" in captured.out
    assert "nhappvardansimclick  (2 files): alias of `nhappcardansimclick` (nh_pay)" in captured.out
    assert "Broken-Info.plist" in captured.err and "scanned 4 file(s)" in captured.err
    assert main(["registry", "scan", "--no-config", "--format", "json", str(project)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    assert "itmss" not in {u["value"] for u in data["unknown"]}
    assert len(data["unreadable"]) == 1
    assert main(["registry", "scan", "--no-config", str(project / "nope")]) == 2


def test_overlay_teaches_scan_a_value(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlay = project / "team.yaml"
    overlay.write_text("known_non_payment:\n- {value: myshop, note: our own scheme}\n", "utf-8")
    assert main(["registry", "scan", "--no-config", "--registry", str(overlay), str(project)]) == 0
    out = capsys.readouterr().out
    assert "myshop  (3 files): our own scheme" in out


def test_corpus_known_unknowns(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = corpus_dir()
    assert main(["registry", "scan", "--no-config", "--format", "json", str(corpus)]) == 0
    data = json.loads(capsys.readouterr().out)
    unknown = {u["value"]: u for u in data["unknown"]}
    # a placeholder must stay visible: never silenced by the reviewed lists
    assert "kakao0123456789abcdefghijklmn" in unknown
    # `itmss` (yoonjaepark__flutter_iamport) is Apple's secure iTunes scheme, a registry value
    assert "itmss" not in unknown
    # after review the only unknown query value is the placeholder; the rest are apps' own schemes
    queried = {v for v, u in unknown.items() if u["kinds"][0] != "url-scheme"}
    assert queried == {"kakao0123456789abcdefghijklmn"}
    quiet = {n["value"] for n in data["non_payment"]}
    assert {"tel", "kakaokompassauth", "android.intent.action.PROCESS_TEXT"} <= quiet
    assert "nhappvardansimclick" in {a["value"] for a in data["aliases"]}
    assert data["unreadable"] == []
