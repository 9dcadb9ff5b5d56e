"""patch.py: edits decided on the tree, applied as splices that keep every other byte."""

from __future__ import annotations

import codecs
import difflib
import plistlib
from pathlib import Path

import pytest

from schemegen.apply import edit as patch
from schemegen.apply import manifest, plist
from schemegen.registry.model import Registry
from schemegen.registry.selection import Criteria, select
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load([])


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def manifest_want(registry: Registry, **options: object) -> patch.ManifestWant:
    apps = select(registry, Criteria(pg="kcp", methods=("card",)))
    return patch.manifest_want(registry, apps, "myshop", **options)  # type: ignore[arg-type]


def plist_want(registry: Registry, limit: int = 25, fix: bool = False) -> patch.PlistWant:
    apps = select(registry, Criteria(pg="kcp", methods=("card",)))
    return patch.plist_want(registry, apps, "myshop", limit=limit, fix=fix)


def only_insertions(old: bytes, new: bytes) -> list[str]:
    """The added lines; fails when any original line was changed or removed."""
    a = old.decode("utf-8-sig").splitlines(keepends=True)
    b = new.decode("utf-8-sig").splitlines(keepends=True)
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # A new attribute at the end of a start tag changes that line: it must only gain text.
        assert tag in ("insert", "replace"), (tag, a[i1:i2], b[j1:j2])
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        chars = difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
        assert all(op in ("equal", "insert") for op, *_ in chars), (before, after)
        added += b[j1:j2]
    return added


def variants(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8")
    return {
        "lf": data,
        "crlf": text.replace("\n", "\r\n").encode(),
        "bom": codecs.BOM_UTF8 + data,
        "tabs": text.replace("    ", "\t").encode(),
        "no-final-newline": text.rstrip("\n").encode(),
    }


# --- AndroidManifest.xml ------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["lf", "crlf", "bom", "tabs", "no-final-newline"])
def test_manifest_only_adds_lines_and_is_idempotent(registry: Registry, style: str) -> None:
    original = variants(fixture("manifest_basic.xml"))[style]
    want = manifest_want(registry)
    plan = manifest.plan_manifest(original, want)
    added = only_insertions(original, plan.new)
    assert any("kvp.jjy.MispAndroid320" in line for line in added)
    assert any('android:scheme="myshop"' in line for line in added)
    assert any('android:exported="true"' in line for line in added)
    assert manifest.plan_manifest(plan.new, want).changed is False
    if style == "crlf":
        assert b"\n" not in plan.new.replace(b"\r\n", b"")
    if style == "bom":
        assert plan.new.startswith(codecs.BOM_UTF8)
    if style == "tabs":
        assert all(line.startswith("\t") for line in added if line.strip())
    if style == "no-final-newline":
        assert not plan.new.endswith(b"\n")


def test_manifest_new_elements_follow_the_layout(registry: Registry) -> None:
    plan = manifest.plan_manifest(fixture("manifest_basic.xml"), manifest_want(registry))
    text = plan.new.decode()
    # <queries> goes before <application>, indented like it; packages one unit deeper.
    assert '\n    <queries>\n        <package android:name="kvp.jjy.MispAndroid320" />' in text
    assert text.index("<queries>") < text.index("<application")
    assert (
        "            </intent-filter>\n"
        "            <intent-filter>\n"
        '                <action android:name="android.intent.action.VIEW" />\n'
        '                <category android:name="android.intent.category.DEFAULT" />\n'
        '                <category android:name="android.intent.category.BROWSABLE" />\n'
        '                <data android:scheme="myshop" />\n'
        "            </intent-filter>\n"
        "        </activity>"
    ) in text
    # a multi-line start tag gets the new attribute on its own line, indented like the others
    indent = " " * 12
    assert f'{indent}tools:ignore="UnusedAttribute"\n{indent}android:exported="true">' in text
    assert 'launchMode="singleTop"' in text  # untouched without --set-launch-mode


def test_manifest_odd_prefix_single_quotes_and_inline_layout(registry: Registry) -> None:
    original = fixture("manifest_odd.xml")
    want = manifest_want(registry)
    plan = manifest.plan_manifest(original, want)
    text = plan.new.decode()
    assert "\t\t<package a:name='kvp.jjy.MispAndroid320'/>\n" in text
    assert "android:" not in text
    # the existing package is not repeated; new ones follow it, before the <intent>
    assert text.count("com.kftc.bankpay.android") == 1 or "com.kftc.bankpay.android" not in (
        want.packages
    )
    assert text.index("kvp.jjy.MispAndroid320") < text.index("<intent>")
    # the one-line launcher activity gets the filter inline, as its siblings are
    assert (
        "<category a:name='android.intent.category.LAUNCHER'/></intent-filter><intent-filter>"
    ) in text
    assert "<data a:scheme='myshop'/>" in text
    assert plan.new.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    assert manifest.plan_manifest(plan.new, want).changed is False


def test_manifest_activity_option_and_self_closing_activity(registry: Registry) -> None:
    want = manifest_want(registry, activity="WebActivity", set_launch_mode=True)
    plan = manifest.plan_manifest(fixture("manifest_odd.xml"), want)
    text = plan.new.decode()
    assert (
        "\t\t<activity a:name='.WebActivity' a:exported='true' a:launchMode='singleTask'>\n"
        "\t\t\t<intent-filter>\n"
    ) in text
    assert "\t\t</activity>\n\t</application>" in text
    assert manifest.plan_manifest(plan.new, want).changed is False


def test_manifest_fix_replaces_aliases_and_removes_duplicates(registry: Registry) -> None:
    original = fixture("manifest_fix.xml")
    want = manifest_want(registry, fix=True, set_launch_mode=True)
    plan = manifest.plan_manifest(original, want)
    text = plan.new.decode()
    assert "com.hanaskard.paycla" not in text
    assert text.count('"com.hanaskcard.paycla"') == 1
    assert text.count('"kvp.jjy.MispAndroid320"') == 1
    # the incomplete filter for the app scheme gets VIEW, DEFAULT and BROWSABLE; no second one
    assert text.count('android:scheme="myshop"') == 1
    assert (
        "            <intent-filter>\n"
        '                <action android:name="android.intent.action.VIEW" />\n'
        '                <category android:name="android.intent.category.DEFAULT" />\n'
        '                <category android:name="android.intent.category.BROWSABLE" />\n'
        '                <data android:scheme="myshop" />\n'
    ) in text
    assert 'android:exported="true" android:launchMode="singleTask">' in text
    assert any("alias `com.hanaskard.paycla`" in c for c in plan.changes)
    assert manifest.plan_manifest(plan.new, want).changed is False


def test_manifest_without_fix_leaves_aliases(registry: Registry) -> None:
    plan = manifest.plan_manifest(fixture("manifest_fix.xml"), manifest_want(registry))
    assert plan.new.decode().count("MispAndroid320") == 2
    assert "com.hanaskard.paycla" in plan.new.decode()


def test_manifest_self_closing_queries_expands(registry: Registry) -> None:
    original = fixture("manifest_basic.xml").replace(
        b"    <uses-permission", b"    <queries />\n    <uses-permission"
    )
    plan = manifest.plan_manifest(original, manifest_want(registry))
    text = plan.new.decode()
    assert '    <queries>\n        <package android:name="kvp.jjy.MispAndroid320" />' in text
    assert "\n    </queries>\n    <uses-permission" in text
    assert text.count("<queries") == 1


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"<manifest", "not well-formed"),
        (b"<plist/>", "not <manifest>"),
        (b'<manifest xmlns:android="http://schemas.android.com/apk/res/android"/>', "library"),
        (
            b'<manifest xmlns:android="http://schemas.android.com/apk/res/android">'
            b"<application/></manifest>",
            "no launcher activity",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<manifest>&x;</manifest>",
            "DOCTYPE",
        ),
    ],
)
def test_manifest_errors(registry: Registry, source: bytes, message: str) -> None:
    with pytest.raises(patch.PatchError, match=message):
        manifest.plan_manifest(source, manifest_want(registry))


def test_unknown_activity_lists_the_candidates(registry: Registry) -> None:
    with pytest.raises(patch.PatchError, match=r"matches no activity .*\.MainActivity"):
        manifest.plan_manifest(fixture("manifest_basic.xml"), manifest_want(registry, activity="X"))


def test_entity_declarations_are_refused(registry: Registry) -> None:
    source = (
        b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "boom">]>'
        b"<plist><dict><key>a</key><string>&x;</string></dict></plist>"
    )
    with pytest.raises(patch.PatchError):
        plist.plan_plist(source, plist_want(registry))


# --- Info.plist ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["lf", "crlf", "bom", "no-final-newline"])
def test_plist_only_adds_lines_and_is_idempotent(registry: Registry, style: str) -> None:
    original = variants(fixture("plist_basic.plist"))[style]
    want = plist_want(registry)
    plan = plist.plan_plist(original, want)
    added = only_insertions(original, plan.new)
    assert "\t\t<string>ispmobile</string>" in "".join(added).replace("\r", "")
    assert plist.plan_plist(plan.new, want).changed is False
    data = plistlib.loads(plan.new)
    # the two other entries take no slot of the 25 registry schemes
    assert len(data["LSApplicationQueriesSchemes"]) == 27
    assert data["LSApplicationQueriesSchemes"][:2] == ["kakaokompassauth", "kakaolink"]
    assert {"CFBundleURLSchemes": ["myshop"]} in data["CFBundleURLTypes"]
    assert any("--ios-query-limit 25 leaves out" in note for note in plan.notes)


def test_plist_layout_of_new_url_type(registry: Registry) -> None:
    plan = plist.plan_plist(fixture("plist_basic.plist"), plist_want(registry))
    assert (
        "\t\t</dict>\n"
        "\t\t<dict>\n"
        "\t\t\t<key>CFBundleURLSchemes</key>\n"
        "\t\t\t<array>\n"
        "\t\t\t\t<string>myshop</string>\n"
        "\t\t\t</array>\n"
        "\t\t</dict>\n"
        "\t</array>\n"
    ) in plan.new.decode()


def test_plist_other_entries_take_no_registry_slot(registry: Registry) -> None:
    plan = plist.plan_plist(fixture("plist_basic.plist"), plist_want(registry, limit=3))
    assert plistlib.loads(plan.new)["LSApplicationQueriesSchemes"] == [
        "kakaokompassauth",
        "kakaolink",
        "ispmobile",
        "kb-acp",
        "shinhan-sr-ansimclick",
    ]
    assert any("--ios-query-limit 3 leaves out" in n for n in plan.notes)
    again = plist.plan_plist(plan.new, plist_want(registry, limit=3))
    assert not again.changed
    assert again.notes == ()  # the budget notice is not news on a rerun


def test_plist_fix(registry: Registry) -> None:
    apps = select(registry, Criteria(methods=("card", "trans")))
    want = patch.plist_want(registry, apps, "myshop", limit=3, fix=True)
    plan = plist.plan_plist(fixture("plist_fix.plist"), want)
    values = plistlib.loads(plan.new)["LSApplicationQueriesSchemes"]
    # alias replaced then de-duplicated, `://` stripped then de-duplicated (case-insensitively),
    # the budget's registry schemes added, registry schemes first in priority order, then `tel`
    assert values == [
        "ispmobile",
        "kb-acp",
        "shinhan-sr-ansimclick",
        "nhappcardansimclick",
        "kftc-bankpay",
        "tel",
    ]
    assert any(c.startswith("reordered LSApplicationQueriesSchemes") for c in plan.changes)
    late = [n for n in plan.notes if "past --ios-query-limit 3 (" in n]
    assert late and late[0].endswith(": nhappcardansimclick, kftc-bankpay, tel")
    assert plist.plan_plist(plan.new, want).changed is False
    text = plan.new.decode()
    assert "  <key>CFBundleURLTypes</key>\n  <array>\n    <dict>\n" in text  # untouched
    assert text.count("<string>myshop</string>") == 1


def test_plist_empty_array_and_missing_keys(registry: Registry) -> None:
    want = plist_want(registry, limit=2)
    plan = plist.plan_plist(fixture("plist_empty.plist"), want)
    text = plan.new.decode()
    assert (
        "    <key>LSApplicationQueriesSchemes</key>\n"
        "    <array>\n"
        "        <string>ispmobile</string>\n"
        "        <string>kb-acp</string>\n"
        "    </array>\n"
        "    <key>CFBundleURLTypes</key>\n"
        "    <array>\n"
        "        <dict>\n"
    ) in text
    assert plist.plan_plist(plan.new, want).changed is False


def test_binary_plist_stays_binary(registry: Registry) -> None:
    original = plistlib.dumps(
        {"CFBundleName": "Shop", "LSApplicationQueriesSchemes": ["tel", "nhappvardansimclick"]},
        fmt=plistlib.FMT_BINARY,
    )
    want = plist_want(registry, limit=5, fix=True)
    plan = plist.plan_plist(original, want)
    assert plan.new.startswith(b"bplist00")
    data = plistlib.loads(plan.new)
    assert data["CFBundleName"] == "Shop"
    assert data["LSApplicationQueriesSchemes"] == [
        "ispmobile",
        "kb-acp",
        "shinhan-sr-ansimclick",
        "hdcardappcardansimclick",
        "mpocket.online.ansimclick",
        "nhappcardansimclick",
        "tel",
    ]
    assert data["CFBundleURLTypes"] == [{"CFBundleURLSchemes": ["myshop"]}]
    assert plist.plan_plist(plan.new, want).changed is False


def test_duplicate_keys_edit_the_last_one_like_plistlib(registry: Registry) -> None:
    original = fixture("plist_basic.plist").replace(
        b"<dict>\n\t<key>CFBundleDevelopmentRegion",
        b"<dict>\n\t<key>LSApplicationQueriesSchemes</key>\n\t<array/>\n"
        b"\t<key>CFBundleDevelopmentRegion",
    )
    plan = plist.plan_plist(original, plist_want(registry))
    assert b"<array/>" in plan.new
    assert plistlib.loads(plan.new)["LSApplicationQueriesSchemes"][0] == "kakaokompassauth"


def test_decide_queries_without_fix_never_reorders(registry: Registry) -> None:
    want = plist_want(registry, limit=2)
    decision = plist.decide_queries(["tel", "sms", "ispmobile"], want)
    assert decision.slots == ("tel", "sms", "ispmobile")
    assert decision.add == ("kb-acp",)
