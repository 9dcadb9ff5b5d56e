"""`.schemegen.yaml`: parsing, errors with file:line, discovery, and code selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.lint import config
from schemegen.lint.config import Config, ConfigError

FULL = """\
app-scheme: myshop
pg: html5_inicis
methods: [card, trans]
include: [toss]
exclude: kbpay
category: card,bank
target-sdk: 34
ios-query-limit: 50
select: [SG1, SG2]
ignore: SG205
registry: [overlays/extra.yaml, /abs/other.yaml]
strict: true
format: github
require-queries: false
per-file-ignores:
  "examples/**": [SG1]
  "*-Info.plist": SG201, query-scheme-typo
"""


def test_every_setting_parses() -> None:
    conf = config.parse(FULL, "proj/.schemegen.yaml")
    assert conf == Config(
        "proj/.schemegen.yaml",
        app_scheme="myshop",
        pg="html5_inicis",
        methods=("card", "trans"),
        include=("toss",),
        exclude=("kbpay",),
        category=("card", "bank"),
        target_sdk=34,
        ios_query_limit=50,
        select=("SG1", "SG2"),
        ignore=("SG205",),
        registry=("proj/overlays/extra.yaml", "/abs/other.yaml"),
        strict=True,
        format="github",
        require_queries=False,
        per_file_ignores=(
            ("examples/**", ("SG1",)),
            ("*-Info.plist", ("SG201", "query-scheme-typo")),
        ),
    )
    assert conf.lines["per-file-ignores"] == 15


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_empty_file_sets_nothing(text: str) -> None:
    assert config.parse(text, ".schemegen.yaml") == Config(".schemegen.yaml")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("app-scheme: a\nappscheme: b\n", 2, "unknown key `appscheme`"),
        ("strict: true\n\nper_file_ignores: {}\n", 3, "unknown key `per_file_ignores`"),
        ("strict: 1\n", 1, "`strict` must be true or false"),
        ("target-sdk: '34'\n", 1, "`target-sdk` must be an integer"),
        ("target-sdk: true\n", 1, "`target-sdk` must be an integer"),
        ("app-scheme: ''\n", 1, "`app-scheme` must be a non-empty string"),
        ("methods: {card: 1}\n", 1, "`methods` must be a list of strings"),
        ("select: [SG1, 'sg 1']\n", 1, "`sg 1` is not a rule code"),
        ("format: xml\n", 1, "`format` must be one of text, json, github, sarif"),
        ("pg: a\npg: b\n", 2, "duplicate key `pg` (first on line 1)"),
        ("per-file-ignores: [SG1]\n", 1, "must map globs to rule codes"),
        ("per-file-ignores:\n  a: SG1\n  b: [1]\n", 3, "must be a list of strings"),
        ("- a\n- b\n", 1, "expected a mapping of settings"),
        ("pg: [a\n", 2, "invalid YAML"),
        ("pg: &x kcp\napp-scheme: *x\n", 1, "anchors and aliases are not allowed"),
        ("a: &x [1]\n", 1, "anchors and aliases are not allowed"),
        ("pg: !!python/object:os.system ls\n", 1, "invalid YAML"),
    ],
)
def test_errors_name_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        config.parse(text, "conf/.schemegen.yaml")
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"conf/.schemegen.yaml:{line}: ")


def test_find_walks_up_from_the_common_parent(tmp_path: Path) -> None:
    project = tmp_path / "project"
    android = project / "android" / "app"
    ios = project / "ios" / "Runner"
    android.mkdir(parents=True)
    ios.mkdir(parents=True)
    (android / "AndroidManifest.xml").write_text("<manifest/>")
    (project / config.FILENAME).write_text("strict: true\n")
    (tmp_path / config.FILENAME).write_text("strict: false\n")
    (ios / config.FILENAME).write_text("pg: kcp\n")  # below the common parent: not used

    found = config.find([str(android / "AndroidManifest.xml"), str(ios)])
    assert found == str(project / config.FILENAME)
    assert config.find([str(ios)]) == str(ios / config.FILENAME)
    assert config.find([str(android / "AndroidManifest.xml")]) == str(project / config.FILENAME)
    assert config.find([str(project / "android" / ".." / "android")]) == str(
        project / config.FILENAME
    )


def test_find_stops_at_the_root_without_a_file(tmp_path: Path) -> None:
    if any((parent / config.FILENAME).exists() for parent in tmp_path.parents):
        pytest.skip("a .schemegen.yaml exists above the temporary directory")
    assert config.find([str(tmp_path)]) is None


def test_read_reports_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        config.read(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_bytes(b"pg: \xff\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        config.read(tmp_path / "bad.yaml")


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("SG101", None, (), True),
        ("SG101", ("SG1",), (), True),
        ("SG201", ("SG1",), (), False),
        ("SG101", None, ("SG1",), False),
        ("SG101", ("SG1",), ("SG101",), False),
        ("SG101", ("SG101",), ("SG1",), True),  # the more specific selector wins
        ("SG101", ("SG1",), ("SG1",), False),  # on a tie, ignore wins
        ("SG102", ("SG1",), ("SG101",), True),
        ("SG101", (), (), True),  # an empty selection means every rule, as no selection
    ],
)
def test_select_and_ignore(
    code: str, select: tuple[str, ...] | None, ignore: tuple[str, ...], expected: bool
) -> None:
    assert config.is_selected(code, select, ignore) is expected


def test_resolve_selectors_maps_names_and_rejects_unknown() -> None:
    names = {"missing-return-filter": "SG101", "query-scheme-typo": "SG205"}
    assert config.resolve_selectors(["SG1", "query-scheme-typo", "sg101", "SG"], names) == (
        "SG1",
        "SG205",
        "SG101",
        "SG",
    )
    with pytest.raises(ValueError, match="`SG3` matches no rule"):
        config.resolve_selectors(["SG3"], names)
    with pytest.raises(ValueError, match="`no-such-rule` matches no rule"):
        config.resolve_selectors(["no-such-rule"], names)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("examples/**", "examples/a/AndroidManifest.xml", True),
        ("examples/", "examples/a/AndroidManifest.xml", True),
        ("examples/*", "other/examples/AndroidManifest.xml", False),
        ("**/debug/AndroidManifest.xml", "app/src/debug/AndroidManifest.xml", True),
        ("**/debug/AndroidManifest.xml", "debug/AndroidManifest.xml", True),
        ("*-Info.plist", "ios/MyApp/MyApp-Info.plist", True),
        ("*-Info.plist", "ios/Runner/Info.plist", False),
        ("Info.plist", "ios/Runner/Info.plist", True),
        ("ios/Runner/Info.plist", "ios/Runner/Info.plist", True),
        ("ios/Runner/Info.plist", "x/ios/Runner/Info.plist", False),
    ],
)
def test_glob_matches(pattern: str, path: str, expected: bool) -> None:
    assert config.glob_matches(pattern, path) is expected


def test_per_file_ignored() -> None:
    rules = (("examples/**", ("SG1",)), ("*-Info.plist", ("SG201",)))
    assert config.per_file_ignored("SG101", "examples/AndroidManifest.xml", rules)
    assert not config.per_file_ignored("SG201", "examples/AndroidManifest.xml", rules)
    assert config.per_file_ignored("SG201", "ios/App/App-Info.plist", rules)
    assert not config.per_file_ignored("SG202", "ios/App/App-Info.plist", rules)
