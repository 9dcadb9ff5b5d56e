"""Property tests: patching random manifests and plists loses nothing and is idempotent."""

from __future__ import annotations

import codecs
import plistlib

from hypothesis import given, settings
from hypothesis import strategies as st
from test_apply_patch import only_insertions

from schemegen.apply import edit as patch
from schemegen.apply import manifest, plist
from schemegen.registry.model import Registry
from schemegen.registry.selection import Criteria, select
from schemegen.registry.validate import load

REGISTRY: Registry = load([])
APPS = select(REGISTRY, Criteria(pg="kcp", methods=("card",)))
ANDROID = patch.ANDROID_NS

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
comment_text = st.text(alphabet=" abcxyz-éü한글\t", max_size=20).filter(
    lambda t: "--" not in t and not t.endswith("-")
)


@st.composite
def layout(draw: st.DrawFn) -> dict[str, object]:
    return {
        "nl": draw(st.sampled_from(["\n", "\r\n"])),
        "unit": draw(st.sampled_from(["  ", "    ", "\t", "   "])),
        "quote": draw(st.sampled_from(['"', "'"])),
        "close": draw(st.sampled_from(["/>", " />"])),
        "bom": draw(st.booleans()),
        "declaration": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
    }


def join(lines: list[tuple[int, str]], style: dict[str, object]) -> bytes:
    nl, unit = str(style["nl"]), str(style["unit"])
    text = nl.join(unit * depth + line for depth, line in lines)
    if style["final_newline"]:
        text += nl
    data = text.encode("utf-8")
    return codecs.BOM_UTF8 + data if style["bom"] else data


@st.composite
def manifests(draw: st.DrawFn) -> bytes:
    style = draw(layout())
    q, close = str(style["quote"]), str(style["close"])
    p = draw(st.sampled_from(["android", "a", "droid"]))

    def attr(name: str, value: str) -> str:
        return f"{p}:{name}={q}{value}{q}"

    def comments(depth: int) -> list[tuple[int, str]]:
        return [(depth, f"<!--{c}-->") for c in draw(st.lists(comment_text, max_size=2))]

    lines: list[tuple[int, str]] = []
    if style["declaration"]:
        lines.append((0, f"<?xml version={q}1.0{q} encoding={q}utf-8{q}?>"))
    lines += comments(0)
    package = f"com.example.{draw(words)}"
    lines.append((0, f"<manifest xmlns:{p}={q}{ANDROID}{q} package={q}{package}{q}>"))
    lines += comments(1)
    for word in draw(st.lists(words, max_size=3)):
        lines.append((1, f"<uses-permission {attr('name', 'android.permission.' + word)}{close}"))
    queries = draw(st.sampled_from(["none", "empty", "self-closing", "some"]))
    if queries == "self-closing":
        lines.append((1, f"<queries{close}"))
    elif queries != "none":
        lines.append((1, "<queries>"))
        if queries == "some":
            for package in draw(
                st.lists(
                    st.sampled_from(
                        [*patch.manifest_want(REGISTRY, APPS, "x").packages[:5], "com.other.app"]
                    ),
                    max_size=4,
                )
            ):
                lines.append((2, f"<package {attr('name', package)}{close}"))
            lines += comments(2)
        lines.append((1, "</queries>"))
    lines.append((1, "<application>"))
    lines += comments(2)
    lines.append((2, f"<activity {attr('name', '.MainActivity')}>"))
    lines.append((3, "<intent-filter>"))
    lines.append((4, f"<action {attr('name', patch.ACTION_MAIN)}{close}"))
    lines.append((4, f"<category {attr('name', patch.CATEGORY_LAUNCHER)}{close}"))
    lines.append((3, "</intent-filter>"))
    lines += comments(3)
    lines.append((2, "</activity>"))
    for word in draw(st.lists(words, max_size=2)):
        lines.append((2, f"<meta-data {attr('name', word)} {attr('value', word)}{close}"))
    lines.append((1, "</application>"))
    lines.append((0, "</manifest>"))
    return join(lines, style)


@st.composite
def plists(draw: st.DrawFn) -> bytes:
    style = draw(layout())
    pool = [*patch.plist_want(REGISTRY, APPS, "x", limit=25).schemes[:6], "tel", "kakaolink"]
    lines: list[tuple[int, str]] = []
    if style["declaration"]:
        lines.append((0, '<?xml version="1.0" encoding="UTF-8"?>'))
        lines.append(
            (
                0,
                '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
                '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
            )
        )
    lines.append((0, '<plist version="1.0">'))
    lines.append((0, "<dict>"))
    for word in draw(st.lists(words, max_size=3, unique=True)):
        lines += [(1, f"<key>X{word}</key>"), (1, f"<string>{word}</string>")]
        lines += [(1, f"<!--{c}-->") for c in draw(st.lists(comment_text, max_size=1))]
    if draw(st.booleans()):
        entries = draw(st.lists(st.sampled_from(pool), max_size=6, unique=True))
        lines.append((1, "<key>LSApplicationQueriesSchemes</key>"))
        if entries or draw(st.booleans()):
            lines.append((1, "<array>"))
            lines += [(2, f"<string>{e}</string>") for e in entries]
            lines.append((1, "</array>"))
        else:
            lines.append((1, "<array/>"))
    if draw(st.booleans()):
        lines += [
            (1, "<key>CFBundleURLTypes</key>"),
            (1, "<array>"),
            (2, "<dict>"),
            (3, "<key>CFBundleURLSchemes</key>"),
            (3, "<array>"),
            (4, f"<string>{draw(words)}</string>"),
            (3, "</array>"),
            (2, "</dict>"),
            (1, "</array>"),
        ]
    lines.append((0, "</dict>"))
    lines.append((0, "</plist>"))
    return join(lines, style)


def expanded(original: bytes, new: bytes, tag: bytes) -> bytes:
    """`original` with `<tag/>` written `<tag></tag>` when the patch filled that element.

    Filling an empty element must drop its `/`; everything else may only gain text.
    """
    for empty in (b"<%s/>" % tag, b"<%s />" % tag):
        if empty in original and empty not in new:
            original = original.replace(empty, b"<%s></%s>" % (tag, tag))
    return original


@settings(max_examples=50, deadline=None)
@given(manifests(), st.booleans())
def test_manifest_preservation_and_idempotence(original: bytes, launch_mode: bool) -> None:
    want = patch.manifest_want(REGISTRY, APPS, "myshop", set_launch_mode=launch_mode)
    plan = manifest.plan_manifest(original, want)
    only_insertions(expanded(original, plan.new, b"queries"), plan.new)
    assert not manifest.plan_manifest(plan.new, want).changed
    assert plan.new.startswith(codecs.BOM_UTF8) == original.startswith(codecs.BOM_UTF8)
    crlf = b"\r\n" in original
    assert (b"\n" in plan.new.replace(b"\r\n", b"")) == (not crlf)


@settings(max_examples=50, deadline=None)
@given(plists(), st.integers(min_value=1, max_value=30))
def test_plist_preservation_and_idempotence(original: bytes, limit: int) -> None:
    want = patch.plist_want(REGISTRY, APPS, "myshop", limit=limit)
    plan = plist.plan_plist(original, want)
    only_insertions(expanded(original, plan.new, b"array"), plan.new)
    assert not plist.plan_plist(plan.new, want).changed
    old, new = plistlib.loads(original), plistlib.loads(plan.new)
    for key, value in old.items():
        if key not in (patch.QUERIES_KEY, patch.URL_TYPES_KEY):
            assert new[key] == value
    queries = new.get(patch.QUERIES_KEY, [])
    assert queries[: len(old.get(patch.QUERIES_KEY, []))] == old.get(patch.QUERIES_KEY, [])
    assert len(queries) <= limit + len(old.get(patch.QUERIES_KEY, []))


@settings(max_examples=50, deadline=None)
@given(plists(), st.integers(min_value=1, max_value=30))
def test_plist_fix_is_idempotent(original: bytes, limit: int) -> None:
    want = patch.plist_want(REGISTRY, APPS, "myshop", limit=limit, fix=True)
    plan = plist.plan_plist(original, want)
    assert not plist.plan_plist(plan.new, want).changed
    binary = plistlib.dumps(plistlib.loads(original), fmt=plistlib.FMT_BINARY)
    binary_plan = plist.plan_plist(binary, want)
    assert binary_plan.new.startswith(b"bplist")
    assert plistlib.loads(binary_plan.new) == plistlib.loads(plan.new)
