"""--allow-http-content: the ATS web-content exception in the plist fragment and in apply."""

from __future__ import annotations

import difflib
import plistlib
import shutil
from pathlib import Path

import pytest
from conftest import sample_view
from hypothesis import given, settings
from hypothesis import strategies as st
from test_apply_patch import only_insertions
from test_apply_properties import REGISTRY, expanded, plists

from schemegen.apply import edit as patch
from schemegen.apply import plist as apply_plist
from schemegen.cli.main import main
from schemegen.generate import render
from schemegen.registry.model import Registry
from schemegen.registry.selection import Criteria, select
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"
PLIST = next(t for t in render.TARGETS if t.key == "plist")
ATS = {"NSAppTransportSecurity": {"NSAllowsArbitraryLoadsInWebContent": True}}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load([])


def want(registry: Registry, allow: bool) -> patch.PlistWant:
    apps = select(registry, Criteria(methods=("card",)))
    return patch.plist_want(registry, apps, "myshop", limit=25, allow_http_content=allow)


def changed_lines(old: bytes, new: bytes) -> list[str]:
    diff = difflib.ndiff(old.decode().splitlines(), new.decode().splitlines())
    return [line for line in diff if line[:1] in "+-"]


@pytest.mark.parametrize("allow", [False, True])
def test_fragment_has_the_block_only_when_asked(allow: bool) -> None:
    data = plistlib.loads(render.render_body(PLIST, sample_view(allow_http_content=allow)).encode())
    assert ("NSAppTransportSecurity" in data) is allow
    if allow:
        assert data["NSAppTransportSecurity"] == ATS["NSAppTransportSecurity"]


def test_fragment_block_merges_into_a_plist() -> None:
    fragment = render.render_body(PLIST, sample_view(allow_http_content=True))
    merged = plistlib.loads((FIXTURES / "plist_basic.plist").read_bytes())
    merged.update(plistlib.loads(fragment.encode()))
    assert merged["NSAppTransportSecurity"]["NSAllowsArbitraryLoadsInWebContent"] is True


def test_apply_adds_the_block_and_is_idempotent(registry: Registry) -> None:
    original = (FIXTURES / "plist_basic.plist").read_bytes()
    without = apply_plist.plan_plist(original, want(registry, allow=False))
    first = apply_plist.plan_plist(original, want(registry, allow=True))
    assert plistlib.loads(first.new)["NSAppTransportSecurity"] == ATS["NSAppTransportSecurity"]
    assert "NSAppTransportSecurity" not in plistlib.loads(without.new)
    assert "added NSAppTransportSecurity with NSAllowsArbitraryLoadsInWebContent" in first.changes
    assert not apply_plist.plan_plist(first.new, want(registry, allow=True)).changed
    extra = [
        line
        for line in changed_lines(without.new, first.new)
        if "NSAppTransportSecurity" not in line and "InWebContent" not in line
    ]
    assert [" ".join(line.split()) for line in extra] == ["+ <dict>", "+ <true />", "+ </dict>"]


ATS_DICT = b"""<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
  <key>NSAppTransportSecurity</key>
  <dict>
    <key>NSAllowsLocalNetworking</key>
    <true/>%s
  </dict>
</dict>
</plist>
"""


@pytest.mark.parametrize(
    ("existing", "change"),
    [
        (b"", "added NSAllowsArbitraryLoadsInWebContent to NSAppTransportSecurity"),
        (
            b"\n    <key>NSAllowsArbitraryLoadsInWebContent</key>\n    <false/>",
            "set NSAppTransportSecurity NSAllowsArbitraryLoadsInWebContent to true",
        ),
    ],
)
def test_apply_completes_an_existing_ats_dict(
    registry: Registry, existing: bytes, change: str
) -> None:
    plan = apply_plist.plan_plist(ATS_DICT % existing, want(registry, allow=True))
    ats = plistlib.loads(plan.new)["NSAppTransportSecurity"]
    assert ats == {"NSAllowsLocalNetworking": True, "NSAllowsArbitraryLoadsInWebContent": True}
    assert change in plan.changes


def test_apply_keeps_a_true_value_and_never_removes_the_block(registry: Registry) -> None:
    source = ATS_DICT % b"\n    <key>NSAllowsArbitraryLoadsInWebContent</key>\n    <true/>"
    for allow in (True, False):
        plan = apply_plist.plan_plist(source, want(registry, allow=allow))
        assert not any("NSAppTransportSecurity" in change for change in plan.changes)
        assert plistlib.loads(plan.new)["NSAppTransportSecurity"][
            "NSAllowsArbitraryLoadsInWebContent"
        ]


def test_apply_refuses_an_ats_value_that_is_not_a_dict(registry: Registry) -> None:
    source = b'<plist version="1.0"><dict><key>NSAppTransportSecurity</key><true/></dict></plist>'
    with pytest.raises(patch.PatchError, match="NSAppTransportSecurity is a <true>"):
        apply_plist.plan_plist(source, want(registry, allow=True))


def test_apply_binary_plist(registry: Registry) -> None:
    data = plistlib.loads((FIXTURES / "plist_basic.plist").read_bytes())
    binary = plistlib.dumps(data, fmt=plistlib.FMT_BINARY)
    plan = apply_plist.plan_plist(binary, want(registry, allow=True))
    assert plistlib.loads(plan.new)["NSAppTransportSecurity"] == ATS["NSAppTransportSecurity"]
    assert not apply_plist.plan_plist(plan.new, want(registry, allow=True)).changed


def test_cli_flag_on_generate_and_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["generate", "--app-scheme", "myshop", "--out", str(out), "--allow-http-content"]
    assert main(args) == 0
    fragment = plistlib.loads((out / "ios" / "Info.plist.fragment.xml").read_bytes())
    assert fragment["NSAppTransportSecurity"] == ATS["NSAppTransportSecurity"]
    project = tmp_path / "app"
    (project / "ios" / "Runner").mkdir(parents=True)
    plist = project / "ios" / "Runner" / "Info.plist"
    shutil.copyfile(FIXTURES / "plist_basic.plist", plist)
    base = ["apply", str(project), "--app-scheme", "myshop", "--ios-plist", str(plist)]
    assert main([*base, "--allow-http-content"]) == 0
    assert (
        plistlib.loads(plist.read_bytes())["NSAppTransportSecurity"]
        == (ATS["NSAppTransportSecurity"])
    )
    assert main([*base, "--allow-http-content", "--check"]) == 0
    capsys.readouterr()


@settings(max_examples=50, deadline=None)
@given(plists(), st.integers(min_value=1, max_value=30))
def test_ats_edit_only_adds_and_is_idempotent(original: bytes, limit: int) -> None:
    apps = select(REGISTRY, Criteria(methods=("card",)))
    on = patch.plist_want(REGISTRY, apps, "myshop", limit=limit, allow_http_content=True)
    plan = apply_plist.plan_plist(original, on)
    only_insertions(expanded(original, plan.new, b"array"), plan.new)
    assert not apply_plist.plan_plist(plan.new, on).changed
    new = plistlib.loads(plan.new)
    assert new["NSAppTransportSecurity"] == ATS["NSAppTransportSecurity"]
    binary = plistlib.dumps(plistlib.loads(original), fmt=plistlib.FMT_BINARY)
    assert plistlib.loads(apply_plist.plan_plist(binary, on).new) == new
