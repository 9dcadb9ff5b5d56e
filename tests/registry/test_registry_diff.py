"""`registry diff`: hand-made old/new pairs, text and JSON, and git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import skip_or_fail

from schemegen.cli.main import main
from schemegen.registry import diff, load

OLD = """\
version: 2026.11.0
updated: 2026-11-27
apps:
- id: card_one
  name_ko: 카드원
  name_en: Card One
  category: card
  status: active
  priority: {tier: 1, order: 10}
  methods: [card]
  ios_schemes: [cardone]
  android_packages: [com.example.cardone]
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
- id: old_wallet
  name_ko: 옛지갑
  name_en: Old Wallet
  category: easypay
  status: active
  priority: {tier: 3, order: 10}
  methods: [easypay]
  ios_schemes: [oldwallet]
  android_packages: [com.example.oldwallet]
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
sources:
- {id: src, where: github.com/example/src, commit: abc, date: '2026-01-01'}
"""

NEW = (
    OLD.replace("version: 2026.11.0", "version: 2026.12.0")
    .replace("ios_schemes: [cardone]", "ios_schemes: [cardone, cardone-auth]")
    .replace("android_packages: [com.example.cardone]", "android_packages: [com.example.cardone2]")
    .replace(
        "  status: active\n  priority: {tier: 3",
        "  status: legacy\n  status_note: replaced\n  priority: {tier: 3",
    )
    .replace(
        "sources:\n- {id: src, where",
        """\
- id: new_card
  name_ko: 새카드
  name_en: New Card
  category: card
  status: active
  priority: {tier: 1, order: 20}
  methods: [card]
  ios_schemes: [newcard]
  android_packages: [com.example.newcard]
  sources:
  - {id: src2, seen: '2026-12', verified: store}
sources:
- {id: src2, where: App Store, commit: null, date: '2026-12'}
- {id: src, where""",
    )
)


def run_diff(old: str = OLD, new: str = NEW, limit: int = 25) -> diff.RegistryDiff:
    return diff.diff(
        load.parse_yaml(old, "old.yaml"),
        load.parse_yaml(new, "new.yaml"),
        "old.yaml",
        "new.yaml",
        limit,
    )


def test_apps_added_removed_and_changed() -> None:
    gone = (
        "- id: gone\n  name_ko: 감\n  name_en: Gone\n  category: card\n  status: active\n"
        "  priority: {tier: 1, order: 30}\n  methods: [card]\n  ios_schemes: [gone]\n"
        "  android_packages: []\n  sources:\n"
        "  - {id: src, seen: '2026-01-01', verified: published}\n"
    )
    result = run_diff(NEW.replace("- id: new_card", gone + "- id: new_card"), NEW)
    assert [a["id"] for a in result.removed] == ["gone"]
    assert result.added == () and result.changed == ()
    result = run_diff()
    assert [a["id"] for a in result.added] == ["new_card"]
    assert result.removed == ()
    changed = {c.id: {f.field: f for f in c.changes} for c in result.changed}
    assert changed["card_one"]["ios_schemes"].added == ("cardone-auth",)
    assert changed["card_one"]["android_packages"].removed == ("com.example.cardone",)
    assert changed["card_one"]["android_packages"].added == ("com.example.cardone2",)
    assert (changed["old_wallet"]["status"].old, changed["old_wallet"]["status"].new) == (
        "active",
        "legacy",
    )
    assert changed["old_wallet"]["status_note"].old is None
    other = {c.field: c for c in result.other}
    assert (other["version"].old, other["version"].new) == ("2026.11.0", "2026.12.0")
    assert "sources.src2" in other


def test_effect_on_generated_output() -> None:
    effect = run_diff().effect
    assert effect is not None
    assert effect.methods == ("card", "trans", "easypay")
    assert set(effect.android_packages.added) == {"com.example.cardone2", "com.example.newcard"}
    assert effect.android_packages.removed == ("com.example.cardone",)
    assert set(effect.ios_query_schemes.added) == {"cardone-auth", "newcard"}
    assert effect.ios_query_schemes.removed == ()


def test_effect_respects_the_ios_budget() -> None:
    effect = run_diff(limit=2).effect
    assert effect is not None
    # old: cardone, oldwallet; new: cardone, newcard, oldwallet, cardone-auth -> first 2 kept
    assert effect.ios_query_schemes.added == ("newcard",)
    assert effect.ios_query_schemes.removed == ("oldwallet",)


def test_text_is_markdown_for_a_pull_request() -> None:
    text = diff.diff_text(run_diff())
    assert text.startswith("## Registry diff: old.yaml (2026.11.0) → new.yaml (2026.12.0)\n")
    assert (
        "### Apps added (1)\n\n- `new_card` 새카드 / New Card (card, active): iOS `newcard`" in text
    )
    assert "  - `ios_schemes`: added `cardone-auth`" in text
    assert "  - `android_packages`: `com.example.cardone` → `com.example.cardone2`" in text
    assert "  - `status`: `active` → `legacy`" in text
    assert '+        <package android:name="com.example.newcard" />' in text
    assert '-        <package android:name="com.example.cardone" />' in text
    assert "+        <string>newcard</string>" in text
    assert text.count("```diff") == 2


def test_json_is_structured() -> None:
    data = json.loads(diff.diff_json(run_diff()))
    assert data["version"] == 1
    assert (data["old"]["registry"], data["new"]["registry"]) == ("2026.11.0", "2026.12.0")
    assert [a["id"] for a in data["apps"]["added"]] == ["new_card"]
    card = next(c for c in data["apps"]["changed"] if c["id"] == "card_one")
    assert {
        "field": "ios_schemes",
        "old": None,
        "new": None,
        "added": ["cardone-auth"],
        "removed": [],
        "changed": [],
    } in card["changes"]
    assert "com.example.newcard" in data["effect"]["android_packages"]["added"]


FIELDS_OLD = (
    OLD.replace("date: '2026-01-01'", "seen: '2026-01-01', read: '2026-11'")
    .replace(
        "  sources:\n  - {id: src, seen: '2026-01-01', verified: published}\n- id: old_wallet",
        "  sources:\n  - {id: src, seen: '2026-01-01', verified: published}\n"
        "  - {id: src, seen: '2025', verified: store}\n- id: old_wallet",
        1,
    )
    .replace("apps:\n", "pgs:\n  kcp: {name: NHN KCP, include: []}\napps:\n", 1)
)
FIELDS_NEW = (
    FIELDS_OLD.replace("seen: '2026-01-01', read: '2026-11'", "seen: '2025-06-30', read: '2026-12'")
    .replace(
        "  - {id: src, seen: '2025', verified: store}",
        "  - {id: src, seen: '2026-11', verified: store}",
    )
    .replace(
        "  ios_schemes: [oldwallet]\n",
        "  ios_priority: {tier: 8, order: 0}\n  ios_schemes: [oldwallet]\n"
        "  android_fallbacks: {oldwallet: com.example.cardone}\n"
        "  confidence: {level: low, note: one old manual}\n",
    )
    .replace("include: []}", "include: [], hosts: [{pattern: '*.kcp.co.kr', source: src}]}")
)


def test_new_fields_and_source_dates_are_diffed() -> None:
    result = run_diff(FIELDS_OLD, FIELDS_NEW)
    wallet = {c.field: c for c in next(a for a in result.changed if a.id == "old_wallet").changes}
    assert wallet["ios_priority"].new == "{tier: 8, order: 0}"
    assert wallet["android_fallbacks"].new == "{oldwallet: com.example.cardone}"
    assert wallet["confidence"].new == "{level: low, note: one old manual}"
    other = {c.field: c for c in result.other}
    assert other["sources.src"].changed == (
        "seen `2026-01-01` → `2025-06-30`",
        "read `2026-11` → `2026-12`",
    )
    assert other["pgs.kcp"].changed == ("hosts — → `[{pattern: *.kcp.co.kr, source: src}]`",)
    text = diff.diff_text(result)
    assert "- `sources.src`: seen `2026-01-01` → `2025-06-30`; read `2026-11` → `2026-12`" in text
    assert "  - `ios_priority`: set to `{tier: 8, order: 0}`" in text
    # with two apps, iOS tier 8 keeps the wallet after card_one: no reordering
    assert result.effect is not None and result.effect.ios_query_schemes.reordered is False


def test_app_sources_are_matched_by_id() -> None:
    result = run_diff(FIELDS_OLD, FIELDS_NEW)
    card = {c.field: c for c in next(a for a in result.changed if a.id == "card_one").changes}
    # the same id twice is ambiguous: shown as whole items, never silently merged
    assert card["sources"].added == ("{id: src, seen: 2026-11, verified: store}",)
    wallet_new = FIELDS_NEW.replace(
        "  - {id: src, seen: '2026-01-01', verified: published}\nsources:",
        "  - {id: src, seen: '2024-05', verified: published}\nsources:",
    )
    wallet = next(a for a in run_diff(FIELDS_OLD, wallet_new).changed if a.id == "old_wallet")
    sources = {c.field: c for c in wallet.changes}["sources"]
    assert sources.changed == ("`src` seen `2026-01-01` → `2024-05`",)
    assert "  - `sources`: changed `src` seen `2026-01-01` → `2024-05`" in diff.diff_text(
        run_diff(FIELDS_OLD, wallet_new)
    )


def test_no_changes() -> None:
    result = run_diff(OLD, OLD)
    assert result.empty
    text = diff.diff_text(result)
    assert "No changes." in text and ": no change." in text


def test_old_side_that_no_longer_validates_still_diffs() -> None:
    broken = OLD.replace("ios_schemes: [cardone]", "ios_schemes: [CardOne]")
    result = run_diff(broken, OLD)
    assert result.effect is None
    assert "does not validate" in result.effect_note
    assert result.changed[0].changes[0].field == "ios_schemes"


def test_cli_diff_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(NEW, encoding="utf-8")
    assert main(["registry", "diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")]) == 0
    assert "### Apps added (1)" in capsys.readouterr().out
    args = [
        "registry",
        "diff",
        "--format",
        "json",
        str(tmp_path / "old.yaml"),
        str(tmp_path / "new.yaml"),
    ]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["apps"]["added"][0]["id"] == "new_card"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_cli_diff_git_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        skip_or_fail("git is not installed")
    git(tmp_path, "init", "-q")
    (tmp_path / "schemes.yaml").write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", "schemes.yaml")
    git(tmp_path, "commit", "-q", "-m", "old")
    (tmp_path / "schemes.yaml").write_text(NEW, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "new")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")

    assert main(["registry", "diff", "HEAD~1"]) == 0  # NEW defaults to the working file
    out = capsys.readouterr().out
    assert "HEAD~1:schemes.yaml (2026.11.0) →" in out and "### Apps added (1)" in out
    assert main(["registry", "diff", "HEAD~1", "HEAD"]) == 0
    assert "HEAD:schemes.yaml (2026.12.0)" in capsys.readouterr().out
    assert main(["registry", "diff", "HEAD"]) == 0
    assert "No changes." in capsys.readouterr().out
    assert main(["registry", "diff", "no-such-rev"]) == 2
    assert "git show" in capsys.readouterr().err


def test_cli_diff_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["registry", "diff", "HEAD~1"]) == 2
    assert "not a git repository" in capsys.readouterr().err
