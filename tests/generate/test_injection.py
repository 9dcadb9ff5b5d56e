"""Hostile values never escape their literal in the XML and plist fragments."""

from __future__ import annotations

import plistlib

import pytest
from conftest import sample_view
from lxml import etree

from schemegen.generate import render

HOSTILE = [
    '"',
    "'",
    "</string><string>evil",
    "<!--",
    "-->",
    "&amp;",
    "]]>",
    "*/",
    "${x}",
    "\u2028",
    "a\nb",
    "\x00\x01",
    "\ud800",
    "<?xml",
]
ANDROID_NS = "{http://schemas.android.com/apk/res/android}"


def target(key: str) -> render.Target:
    return next(t for t in render.TARGETS if t.key == key)


@pytest.mark.parametrize("payload", HOSTILE)
def test_manifest_fragment_keeps_values_inside_attributes(payload: str) -> None:
    view = sample_view(packages=(payload, "com.example.ok"))
    text = render.render_body(target("manifest"), view)
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    packages = [p.get(f"{ANDROID_NS}name") for p in root.iter("package")]
    assert len(packages) == 2
    assert packages[1] == "com.example.ok"


@pytest.mark.parametrize("scheme", ["my--shop", "a-", "x.-y"])
def test_valid_schemes_with_dashes_keep_the_fragments_well_formed(scheme: str) -> None:
    view = sample_view(app_scheme=scheme, query_schemes=(scheme,))
    for key in ("manifest", "plist"):
        text = render.render_body(target(key), view).encode("utf-8")
        etree.fromstring(text, etree.XMLParser(resolve_entities=False))


@pytest.mark.parametrize("payload", HOSTILE)
def test_plist_fragment_keeps_values_inside_strings(payload: str) -> None:
    view = sample_view(query_schemes=(payload, "ispmobile"), app_scheme=payload)
    text = render.render_body(target("plist"), view)
    data = plistlib.loads(text.encode("utf-8"))
    assert data["LSApplicationQueriesSchemes"][1] == "ispmobile"
    assert len(data["LSApplicationQueriesSchemes"]) == 2
    assert len(data["CFBundleURLTypes"]) == 1


@pytest.mark.parametrize("payload", HOSTILE)
def test_plist_fragment_with_the_ats_block_keeps_values_inside_strings(payload: str) -> None:
    view = sample_view(query_schemes=(payload,), app_scheme=payload, allow_http_content=True)
    data = plistlib.loads(render.render_body(target("plist"), view).encode("utf-8"))
    assert list(data) == [
        "LSApplicationQueriesSchemes",
        "CFBundleURLTypes",
        "NSAppTransportSecurity",
    ]
    assert data["NSAppTransportSecurity"] == {"NSAllowsArbitraryLoadsInWebContent": True}
