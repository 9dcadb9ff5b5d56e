"""`schemegen generate --app-scheme myshop --out out/` with the shipped registry: every file
passes its language's check (the JVM build of the Android handlers is in
test_android_handler.py, which compiles the same real view)."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
from lxml import etree
from test_ios_handler import syntax_error
from test_web_js import run_node

from schemegen.cli.main import main


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "out"
    args = ["--app-scheme", "myshop", "--pg", "html5_inicis", "--imp-code", "imp12345678"]
    args += ["--redirect-url", "https://shop.example.com/payments/complete"]
    assert main(["generate", *args, "--out", str(folder)]) == 0
    return folder


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("ios/swift/PaymentWebViewHandler.swift", "swift"),
        ("ios/objc/PaymentWebViewHandler.h", "objc"),
        ("ios/objc/PaymentWebViewHandler.m", "objc"),
    ],
)
def test_ios_handlers_parse(out: Path, name: str, lang: str) -> None:
    assert syntax_error((out / name).read_text(encoding="utf-8"), lang) is None


def test_swift_table_holds_the_registry_store_ids(out: Path) -> None:
    swift = (out / "ios/swift/PaymentWebViewHandler.swift").read_text(encoding="utf-8")
    assert '"ispmobile": "id369125087"' in swift
    assert '"kftc-bankpay": "id398456030"' in swift


def test_js_runs_with_the_pg(out: Path, tmp_path: Path) -> None:
    result = run_node((out / "web/request_pay.js").read_text(encoding="utf-8"), tmp_path)
    calls = result["calls"]
    assert isinstance(calls, list)
    assert calls[1]["params"]["pg"] == "html5_inicis"
    assert calls[1]["params"]["app_scheme"] == "myshop://"


def test_xml_fragments_parse(out: Path) -> None:
    manifest = etree.parse(str(out / "android/AndroidManifest.fragment.xml"))
    assert manifest.getroot().tag == "manifest"
    plist = plistlib.loads((out / "ios/Info.plist.fragment.xml").read_bytes())
    assert plist["LSApplicationQueriesSchemes"][0] == "ispmobile"
