"""The Android handler sources: golden files, escaping and what the code must not do."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import sample_view

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "android"
TARGET = {target.key: target for target in TARGETS}
KEYS = ("java", "java-launcher", "kotlin", "kotlin-launcher")
LAUNCHERS = ("java-launcher", "kotlin-launcher")
ISP_PACKAGE = "kvp.jjy.MispAndroid320"


# Hostile values: upstream validation refuses them; the templates must still escape them.
# Each carries "pwned" so the test can tell where it ended up. Lower case, because the Router
# looks schemes up lower-cased.
HOSTILE_SCHEME = (
    "pwned-scheme\"; } /* */ \u2028\u2029 \n\r ${x} $x \\ \\u0022 \\u000a 'q' \0 \U0001f600"
)
HOSTILE_PACKAGE = 'pwned.pkg" + evil() + "*/\n${x}$x\\"\\\\\u0085'
HOSTILE_APP_SCHEME = 'pwned"; System.exit(1); //\n*/ ${x} $x \\u0022\\'
HOSTILE_VALUES = (HOSTILE_SCHEME, HOSTILE_PACKAGE, HOSTILE_APP_SCHEME)


def hostile_view() -> View:
    return sample_view(
        app_scheme=HOSTILE_APP_SCHEME,
        scheme_packages=((HOSTILE_SCHEME, HOSTILE_PACKAGE), ("ispmobile", ISP_PACKAGE)),
        java_package="com.example.hostile",
        class_prefix="Shop",
    )


def generated(key: str, view: View) -> str:
    """The file schemegen writes for target `key`: header and body."""
    return with_header(TARGET[key], render_body(TARGET[key], view), view.registry_version)


# --- golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_golden(key: str) -> None:
    name = target_path(TARGET[key], "")
    path = GOLDEN.parent / name
    text = generated(key, sample_view())
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_bytes().decode("utf-8") == text, (
        f"{name} drifted from its golden file; rerun with SCHEMEGEN_UPDATE_GOLDEN=1 and review"
    )


# --- what the source must and must not contain ---------------------------------------------


@dataclass(frozen=True)
class Lexed:
    """Generated source cut into code, comments and string literals (quotes included)."""

    code: str
    comments: str
    literals: tuple[str, ...]


def lex(source: str) -> Lexed:
    """Cut Java or Kotlin source; fails on raw strings and on line breaks inside literals."""
    code: list[str] = []
    comments: list[str] = []
    literals: list[str] = []
    i = 0
    while i < len(source):
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = len(source) if end < 0 else end
            comments.append(source[i:end])
        elif source.startswith("/*", i):
            end = source.index("*/", i) + 2
            comments.append(source[i:end])
        elif source[i] == '"':
            assert not source.startswith('"""', i), "raw string literal in generated code"
            end = i + 1
            while source[end] != '"':
                assert source[end] not in "\n\r\u2028\u2029\x85", f"line break in literal at {i}"
                end += 2 if source[end] == "\\" else 1
            end += 1
            literals.append(source[i:end])
            code.append('""')
        else:
            end = i + 1
            code.append(source[i])
        i = end
    return Lexed("".join(code), "\n".join(comments), tuple(literals))


JAVA_UNSAFE_UNICODE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u+(?:000[aAdD]|0022|005[cC])")


def kotlin_templates(literal: str) -> list[str]:
    """The `$name` and `${` template starts in a Kotlin literal, honouring backslash escapes."""
    found: list[str] = []
    i = 1
    while i < len(literal) - 1:
        if literal[i] == "\\":
            i += 2
            continue
        if literal[i] == "$" and (literal[i + 1] == "{" or literal[i + 1].isalpha()):
            found.append(literal[i : i + 2])
        i += 1
    return found


@pytest.mark.parametrize("key", KEYS)
def test_code_makes_no_package_queries_and_keeps_cache_and_user_agent(key: str) -> None:
    code = lex(render_body(TARGET[key], sample_view())).code
    for forbidden in (
        "PackageManager",
        "resolveActivity",
        "queryIntentActivities",
        "QUERY_ALL_PACKAGES",
        "LOAD_CACHE_ELSE_NETWORK",
        "setCacheMode",
        "cacheMode",
        "UserAgent",
        "userAgent",
    ):
        assert forbidden not in code


@pytest.mark.parametrize("key", LAUNCHERS)
def test_hostile_values_stay_inside_escaped_literals(key: str) -> None:
    source = generated(key, hostile_view())
    lexed = lex(source)
    assert "pwned" not in lexed.code
    assert "pwned" not in lexed.comments
    quote = escape.java_string if key == "java-launcher" else escape.kotlin_string
    for value in HOSTILE_VALUES:
        assert quote(value) in lexed.literals
    assert not any(ch in source for ch in "\r\0\u2028\u2029\x85")
    if key == "java-launcher":
        # javac turns these escapes into a line break, quote or backslash before it lexes.
        assert not JAVA_UNSAFE_UNICODE_ESCAPE.search(source)
    else:
        assert [t for literal in lexed.literals for t in kotlin_templates(literal)] == []


@pytest.mark.parametrize("key", ["java", "kotlin"])
def test_clients_carry_no_registry_values(key: str) -> None:
    """The scheme tables live in the launcher only, so the client needs no escaping."""
    source = generated(key, hostile_view())
    assert "pwned" not in source


@pytest.mark.parametrize("key", LAUNCHERS)
def test_launcher_depends_on_a_context_only(key: str) -> None:
    imports = re.findall(r"^import ([\w.]+)", render_body(TARGET[key], sample_view()), re.M)
    assert [name for name in imports if name.startswith("android.")] == [
        "android.app.Activity",
        "android.content.Context",
        "android.content.ContextWrapper",
        "android.content.Intent",
        "android.net.Uri",
    ]


@pytest.mark.parametrize("key", ["java", "kotlin"])
@pytest.mark.parametrize(
    ("allow", "mode", "other"),
    [
        (True, "MIXED_CONTENT_ALWAYS_ALLOW", "MIXED_CONTENT_COMPATIBILITY_MODE"),
        (False, "MIXED_CONTENT_COMPATIBILITY_MODE", "MIXED_CONTENT_ALWAYS_ALLOW"),
    ],
)
def test_allow_http_content_picks_the_mixed_content_mode(
    key: str, allow: bool, mode: str, other: str
) -> None:
    code = lex(render_body(TARGET[key], sample_view(allow_http_content=allow))).code
    assert f"WebSettings.{mode}" in code
    assert other not in code


@pytest.mark.parametrize("activity", [".MainActivity", ".PaymentActivity", "com.shop.Pay"])
def test_manifest_return_filter_goes_on_the_named_activity(activity: str) -> None:
    from lxml import etree

    text = render_body(TARGET["manifest"], sample_view(activity=activity))
    root = etree.fromstring(text.encode("utf-8"))
    android = "{http://schemas.android.com/apk/res/android}"
    (node,) = root.findall("application/activity")
    assert node.get(f"{android}name") == activity
    assert node.get(f"{android}launchMode") == "singleTask"
    assert node.find("intent-filter/data").get(f"{android}scheme") == "myshop"


API_21_MEMBERS = ("setMixedContentMode", "mixedContentMode", "setAcceptThirdPartyCookies")
API_21_GUARD = "if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.LOLLIPOP) {"


@pytest.mark.parametrize("key", KEYS)
def test_api_21_members_run_only_on_api_21(key: str) -> None:
    lines = lex(render_body(TARGET[key], sample_view())).code.splitlines()
    guarded: set[int] = set()
    for start, line in enumerate(lines):
        if line.strip() == API_21_GUARD:
            indent = line[: len(line) - len(line.lstrip())]
            end = lines.index(indent + "}", start)
            guarded.update(range(start, end))
    uses = [i for i, line in enumerate(lines) if any(m in line for m in API_21_MEMBERS)]
    assert set(uses) <= guarded
    assert bool(uses) == (key in ("java", "kotlin"))


def test_generate_activity_option(capsys: pytest.CaptureFixture[str]) -> None:
    from schemegen.cli.main import main

    base = ["generate", "--app-scheme", "myshop", "--stdout", "manifest"]
    assert main([*base, "--activity", ".PaymentActivity"]) == 0
    assert 'android:name=".PaymentActivity"' in capsys.readouterr().out
    assert main(base) == 0
    assert 'android:name=".MainActivity"' in capsys.readouterr().out
    assert main([*base, "--activity", "Pay ment"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--activity `Pay ment` is not valid" in err
