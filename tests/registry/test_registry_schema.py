"""schemes.schema.json: the shipped registry and overlays validate; schema and registry.py agree."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from schemegen.registry import entries, load, validate
from schemegen.registry import model as registry

SCHEMA = json.loads(resources.files("schemegen").joinpath("schemes.schema.json").read_text("utf-8"))


def plain(value: Any) -> Any:
    """YAML data as JSON data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def errors(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(plain(data))]


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_shipped_registry_validates() -> None:
    text = load.read_text_resource("schemes.yaml")
    assert text.startswith("# yaml-language-server: $schema=schemes.schema.json\n")
    assert errors(yaml.safe_load(text)) == []


def test_key_sets_agree_with_registry_py() -> None:
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["properties"]) == validate.TOP_KEYS
    assert set(defs["app"]["properties"]) == entries.APP_KEYS
    assert set(defs["app"]["required"]) == entries.REQUIRED_APP_KEYS
    overlay_keys = set(defs["appOverride"]["properties"]) | set(defs["appDisable"]["properties"])
    assert overlay_keys == entries.APP_KEYS | entries.OVERLAY_ONLY_KEYS
    assert set(defs["source"]["properties"]) == validate.SOURCE_KEYS
    assert set(defs["sourceRef"]["properties"]) == entries.SOURCE_REF_KEYS
    assert set(defs["alias"]["properties"]) == entries.ALIAS_KEYS
    assert set(defs["exception"]["properties"]) == entries.EXCEPTION_KEYS
    assert defs["exception"]["properties"]["rule"]["enum"] == list(registry.EXCEPTION_RULES)
    assert defs["sourceRef"]["properties"]["verified"]["enum"] == list(registry.VERIFIED)
    props = defs["app"]["properties"]
    assert props["methods"]["items"]["enum"] == list(registry.METHODS)
    assert props["category"]["enum"] == [c.value for c in registry.Category]
    assert props["status"]["enum"] == [s.value for s in registry.Status]


def test_every_property_has_a_description() -> None:
    missing = [
        f"{name}.{key}"
        for name, definition in SCHEMA["$defs"].items()
        for key, prop in definition.get("properties", {}).items()
        if "description" not in prop
        and "$ref" not in prop
        and key not in ("note", "value", "pattern")
        and name not in ("appOverride", "appDisable")
    ]
    assert missing == []


@pytest.mark.parametrize(
    "overlay",
    [
        {"apps": [{"id": "toss", "status": "legacy", "status_note": "test"}]},
        {"apps": [{"id": "chai", "disabled": True}]},
        {
            "apps": [{"id": "toss", "ios_schemes": ["supertoss", "tossnew"]}],
            "sources": [
                {"id": "team", "where": "internal wiki", "commit": None, "date": "2026-11"}
            ],
        },
        {"known_non_payment": [{"value": "myshop-login", "note": "our login"}]},
        {
            "sources": [
                {"id": "team", "where": "wiki", "commit": None, "seen": "2026", "read": "n/a"}
            ]
        },
        {
            "apps": [
                {
                    "id": "kpay_inicis",
                    "ios_priority": {"tier": 8, "order": 0},
                    "ios_main": 1,
                    "android_fallbacks": {"kpay": "com.inicis.kpay"},
                    "confidence": {"level": "medium", "note": "one SDK"},
                }
            ]
        },
    ],
)
def test_overlays_validate(overlay: dict[str, Any]) -> None:
    assert errors(overlay) == []


@pytest.mark.parametrize(
    "overlay",
    [
        {"apps": [{"id": "toss", "colour": "red"}]},
        {"apps": [{"id": "toss", "disabled": True, "status": "legacy"}]},
        {"apps": [{"status": "legacy"}]},
        {"apps": [{"id": "toss", "ios_schemes": ["supertoss://"]}]},
        {"apps": [{"id": "toss", "app_store_id": "839333328"}]},
        {"known_non_payment": [{"note": "neither value nor pattern"}]},
        {"apps": [{"id": "toss", "ios_schemes": ["crapp\rx"]}]},
        {"apps": [{"id": "toss", "ios_schemes": ["crapp\u001bx"]}]},
        {"apps": [{"id": "toss", "confidence": {"level": "high", "note": "x"}}]},
        {"apps": [{"id": "toss", "ios_main": 0}]},
        {"apps": [{"id": "toss", "android_fallbacks": {"supertoss": "toss"}}]},
        {"sources": [{"id": "t", "where": "w", "date": "2026", "seen": "2026"}]},
    ],
)
def test_bad_overlays_fail(overlay: dict[str, Any]) -> None:
    assert errors(overlay) != []


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        ("*.inicis.com", True),
        ("pay.kcp.co.kr", True),
        ("*", False),
        ("*.com", False),
        ("pay.*.kcp.co.kr", False),
        ("https://pay.kcp.co.kr", False),
        ("Pay.kcp.co.kr", False),
        ("pay.kcp.co.kr:443", False),
    ],
)
def test_host_patterns_in_the_schema(pattern: str, valid: bool) -> None:
    overlay = {
        "pgs": {
            "kcp": {
                "name": "NHN KCP",
                "include": [],
                "hosts": [{"pattern": pattern, "source": "s"}],
            }
        }
    }
    assert (errors(overlay) == []) is valid


def test_base_needs_complete_apps() -> None:
    data = yaml.safe_load(load.read_text_resource("schemes.yaml"))
    del data["apps"][0]["sources"]
    assert any("sources" in e for e in errors(data))
