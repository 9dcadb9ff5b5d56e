"""The parse cache returns exactly what a fresh parse does, and never trusts itself blindly."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.registry import cache, load, validate
from schemegen.registry import model as registry


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCHEMEGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SCHEMEGEN_NO_CACHE", raising=False)
    return tmp_path


def shipped_text() -> str:
    return load.read_text_resource(registry.SHIPPED)


def test_cached_parse_equals_fresh_parse(cache_dir: Path) -> None:
    text = shipped_text()
    fresh = load.parse_yaml(text, "schemes.yaml")
    first = cache.parse_cached(text, "schemes.yaml")
    assert list(cache_dir.glob("*.json"))
    second = cache.parse_cached(text, "schemes.yaml")
    assert first.data == fresh.data == second.data
    assert dict(second.lines) == dict(fresh.lines)
    assert validate.build(second) == validate.build(fresh)


def test_corrupt_cache_is_ignored(cache_dir: Path) -> None:
    text = "apps: []\nversion: '2026.11.0'\nupdated: 2026-11-27\n"
    cache.parse_cached(text, "x.yaml")
    for path in cache_dir.glob("*.json"):
        path.write_text("{not json")
    assert cache.parse_cached(text, "x.yaml").data["apps"] == []


def test_cache_still_reports_yaml_errors_with_lines(cache_dir: Path) -> None:
    with pytest.raises(registry.RegistryError) as error:
        cache.parse_cached("apps:\n  - id: [unclosed\n", "bad.yaml")
    assert error.value.problems[0].path == "bad.yaml"


def test_values_json_cannot_keep_are_not_cached(cache_dir: Path) -> None:
    text = "apps: []\n1: integer key\n"
    located = cache.parse_cached(text, "x.yaml")
    assert 1 in located.data
    assert not list(cache_dir.glob("*.json"))


def test_unwritable_cache_dir_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SCHEMEGEN_CACHE_DIR", str(blocker / "sub"))
    assert cache.parse_cached("apps: []\n", "x.yaml").data == {"apps": []}


def test_cache_can_be_switched_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMEGEN_NO_CACHE", "1")
    cache.parse_cached("apps: []\n", "x.yaml")
    assert not list(cache_dir.glob("*.json"))
