"""The app.json reader (JSON5 as Expo reads it) and the splice editor built on it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemegen.apply import appjson
from schemegen.apply.edit import ManifestWant, PatchError, PlistWant
from schemegen.core import jsonc
from schemegen.core.jsonc import JsoncError, Kind

MANIFEST = ManifestWant("myshop", packages=("kvp.jjy.MispAndroid320", "com.kbcard.cxh.appcard"))
PLIST = PlistWant("myshop", schemes=("ispmobile", "kb-acp"))


def test_keeps_numbers_duplicates_and_escapes_as_written() -> None:
    text = (
        '{"expo": {"name": "a", "name": "b", "extra": {"big": 1e400, "f": 1.0E2, '
        '"p": 0.10000000000000000555}, "u": "caf\\u00e9 \\/"}}\n'
    )
    root = jsonc.parse(text)
    expo = jsonc.find(root, "expo")
    assert expo is not None
    assert [m.key for m in expo.members] == ["name", "name", "extra", "u"]
    assert jsonc.find(root, "expo", "name") == expo.members[1].value  # the last one wins
    big = jsonc.find(root, "expo", "extra", "big")
    assert big is not None and big.kind is Kind.NUMBER and big.value == "1e400"
    new = appjson.plan(text.encode(), MANIFEST, PLIST).new.decode()
    assert new.startswith(text.rstrip("}\n"))
    assert _is_subsequence(text, new)


@pytest.mark.parametrize(
    "text",
    [
        '\ufeff{"expo": {"name": "a"}}',
        '{\n  // a comment\n  "expo": {"name": "a",},\n}\n',
        "{/* block */ expo: {name: 'a', version: +.5, code: 0x1F, n: NaN, i: -Infinity}}",
        '{"expo": {"s": "line\\\ncontinued \\x41 \\v \\q"}}',
    ],
)
def test_accepts_what_json5_accepts(text: str) -> None:
    root = jsonc.parse(text)
    assert jsonc.find(root, "expo") is not None
    plan = appjson.plan(text.encode(), MANIFEST, PLIST)
    assert jsonc.find(jsonc.parse(plan.new.decode()), "expo", "scheme") is not None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "no JSON value"),
        ('{\n  "a": 1,,\n}', 2, "expected a key"),
        ("[1,,]", 1, "expected a value"),
        ('{\n"a" 1}', 2, "`:` after the key"),
        ("{\n/* open", 2, "never closed"),
        ("01", 1, "end of the file"),
        ('"a\nb"', 1, "not closed"),
        ('"\\1"', 1, "not an escape"),
        ('"\\u12"', 1, "hex digits"),
        ('"\\x4"', 1, "hex digits"),
        ('{"a": \'b"}', 1, "not closed"),
        ("{a-b: 1}", 1, "`:`"),
        ("[undefined]", 1, "a value"),
        ("[" * 201, 1, "nested deeper than 200"),
        ('{\n\n"a": [1 2]}', 3, "`,` or `]`"),
    ],
)
def test_refuses_what_json5_refuses_with_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(JsoncError) as raised:
        jsonc.parse(text)
    assert raised.value.line == line
    assert message in raised.value.message
    assert "\n" not in raised.value.located("app.json")


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for depth in (5000, 100_000):
        with pytest.raises(JsoncError, match="nested deeper"):
            jsonc.parse("[" * depth + "]" * depth)


def test_plan_errors_name_the_line() -> None:
    with pytest.raises(PatchError) as raised:
        appjson.plan(b'{\n  "expo": {\n    "ios": []\n  }\n}\n', MANIFEST, PLIST)
    assert raised.value.line == 3
    with pytest.raises(PatchError) as raised:
        appjson.plan(b'{\n  "expo": {\n    "name": "a" // unclosed /*\n  ,}', MANIFEST, PLIST)
    assert raised.value.line == 4


def test_lone_surrogate_is_kept_and_never_reencoded() -> None:
    text = (
        '{"expo": {"name": "\\ud800", '
        '"ios": {"infoPlist": {"LSApplicationQueriesSchemes": ["\\udfff"]}}}}'
    )
    new = appjson.plan(text.encode(), MANIFEST, PLIST).new.decode()
    assert '"\\ud800"' in new and '"\\udfff"' in new


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('{"expo": {}}', '{"expo": {"scheme": "myshop"}}'),
        ('{\n  "expo": {}\n}', '{\n  "expo": {\n    "scheme": "myshop"\n  }\n}'),
        (
            '{\n  "expo": {\n    "a": 1\n  }\n}',
            '{\n  "expo": {\n    "a": 1,\n    "scheme": "myshop"\n  }\n}',
        ),
        (
            '{\n  "expo": {\n    "a": 1, // c\n  }\n}',
            '{\n  "expo": {\n    "a": 1, // c\n    "scheme": "myshop",\n  }\n}',
        ),
        (
            '{\n  "expo": {\n    "a": 1 // c\n  }\n}',
            '{\n  "expo": {\n    "a": 1, // c\n    "scheme": "myshop"\n  }\n}',
        ),
        ('{"expo": {"scheme": "old"}}', '{"expo": {"scheme": ["old", "myshop"]}}'),
        ("{'expo': {scheme: ['old',]}}", "{'expo': {scheme: ['old', \"myshop\",]}}"),
        (
            '{\r\n\t"expo": {\r\n\t\t"a": 1\r\n\t}\r\n}',
            '{\r\n\t"expo": {\r\n\t\t"a": 1,\r\n\t\t"scheme": "myshop"\r\n\t}\r\n}',
        ),
    ],
)
def test_splices_follow_the_file_style(before: str, after: str) -> None:
    manifest = ManifestWant("myshop")
    assert appjson.plan(before.encode(), manifest, PlistWant("myshop")).new.decode() == after


def test_fix_removes_and_replaces_in_place() -> None:
    text = (
        '{\n  "expo": {\n    "scheme": "myshop",\n    "plugins": [\n      ["expo-build-properties",'
        ' {"android": {"manifestQueries": {"package": ["a.b", "old.alias", "a.b", "c.d"]}}}]\n'
        "    ]\n  }\n}\n"
    )
    want = ManifestWant("myshop", packages=("a.b",), fix=True, aliases={"old.alias": "new.real"})
    plan = appjson.plan(text.encode(), want, PlistWant("myshop"))
    packages = json.loads(plan.new)["expo"]["plugins"][0][1]["android"]["manifestQueries"][
        "package"
    ]
    assert packages == ["a.b", "new.real", "c.d"]
    assert appjson.plan(plan.new, want, PlistWant("myshop")).new == plan.new


def test_remove_items_handles_every_position() -> None:
    text = "[1, 2, 3, 4]"
    array = jsonc.parse(text)
    cases = {(0,): "[2, 3, 4]", (3,): "[1, 2, 3]", (1, 2): "[1, 4]", (2, 3): "[1, 2]"}
    for indexes, expected in cases.items():
        assert appjson.apply_splices(text, appjson.remove_items(text, array, indexes)) == expected
    assert (
        appjson.apply_splices(
            "[1, 2,]", appjson.remove_items("[1, 2,]", jsonc.parse("[1, 2,]"), (0, 1))
        )
        == "[]"
    )


# --- properties ---------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["a", "b", "ios", "name", "plugins", "scheme"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)
_expo = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=5),
        "scheme": st.sampled_from(["other", "myshop"])
        | st.lists(st.sampled_from(["x", "myshop"]), max_size=2),
        "ios": st.fixed_dictionaries(
            {},
            optional={
                "infoPlist": st.fixed_dictionaries(
                    {},
                    optional={
                        "LSApplicationQueriesSchemes": st.lists(
                            st.sampled_from(["ispmobile", "x", "kb-acp"]), max_size=3
                        )
                    },
                )
            },
        ),
        "plugins": st.lists(
            st.sampled_from(["expo-router", "expo-build-properties"])
            | st.just(
                ["expo-build-properties", {"android": {"manifestQueries": {"package": ["z.z"]}}}]
            ),
            max_size=2,
        ),
        "extra": _values,
    },
)
_documents = st.builds(
    lambda expo, wrapped, indent: json.dumps(
        {"expo": expo} if wrapped else expo, indent=indent, ensure_ascii=False
    ),
    _expo,
    st.booleans(),
    st.sampled_from([None, 2, 4, "\t"]),
)


@given(
    st.text(alphabet=st.sampled_from(list("{}[],:\"'/*\\\n ueE0x1+-.aINtrn\ufeff")), max_size=40)
    | st.text(max_size=40)
)
def test_parse_never_crashes(text: str) -> None:
    try:
        jsonc.parse(text)
    except JsoncError as error:
        assert error.line is None or error.line >= 1


@settings(max_examples=150, deadline=None)
@given(_documents)
def test_splicing_keeps_every_byte_outside_the_edit(text: str) -> None:
    plan = appjson.plan(text.encode(), MANIFEST, PLIST)
    new = plan.new.decode()
    before, after = json.loads(text), json.loads(new)  # still strict JSON
    expo_before = before.get("expo", before)
    expo_after = after.get("expo", after)
    for key, value in expo_before.items():
        if key not in ("scheme", "ios", "plugins"):
            assert expo_after[key] == value
    # without --fix every edit is an insertion: the old text is the new one with pieces cut out
    assert _is_subsequence(text, new)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)


@settings(max_examples=150, deadline=None)
@given(_documents, st.booleans())
def test_edit_twice_is_edit_once(text: str, fix: bool) -> None:
    manifest = ManifestWant(MANIFEST.app_scheme, MANIFEST.packages, fix=fix)
    plist = PlistWant(PLIST.app_scheme, PLIST.schemes, fix=fix)
    once = appjson.plan(text.encode(), manifest, plist)
    twice = appjson.plan(once.new, manifest, plist)
    assert twice.new == once.new
    assert not twice.changes


def _json5_flavoured(text: str, comments: bool, trailing: bool, crlf: bool) -> str:
    """`text` (json.dumps output) with the layout Expo users write by hand."""
    if comments:
        text = text.replace(",\n", ", // note\n").replace("{\n", "{ /* block */\n", 1)
    if trailing:
        text = text.replace("\n}", ",\n}").replace("\n]", ",\n]")
    return text.replace("\n", "\r\n") if crlf else text


def _value(node: jsonc.Node) -> object:
    """A comparable value of a jsonc node (objects keep the last duplicate, like JSON5.parse)."""
    if node.kind is Kind.OBJECT:
        return {m.key: _value(m.value) for m in node.members}
    if node.kind is Kind.ARRAY:
        return [_value(item) for item in node.items]
    return (node.kind, node.value)


@settings(max_examples=150, deadline=None)
@given(_documents, st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_hand_written_layouts_keep_their_bytes_and_settle(
    base: str, comments: bool, trailing: bool, crlf: bool, fix: bool
) -> None:
    text = _json5_flavoured(base, comments, trailing, crlf)
    manifest = ManifestWant(MANIFEST.app_scheme, MANIFEST.packages, fix=fix)
    plist = PlistWant(PLIST.app_scheme, PLIST.schemes, fix=fix)
    once = appjson.plan(text.encode(), manifest, plist)
    new = once.new.decode()
    before, after = _value(jsonc.parse(text)), _value(jsonc.parse(new))
    assert isinstance(before, dict) and isinstance(after, dict)
    expo_before, expo_after = before.get("expo", before), after.get("expo", after)
    assert isinstance(expo_before, dict) and isinstance(expo_after, dict)
    for key, value in expo_before.items():
        if key not in ("scheme", "ios", "plugins"):
            assert expo_after[key] == value
    if not fix:
        assert _is_subsequence(text, new)
    if crlf:
        assert "\n" not in new.replace("\r\n", "")
    twice = appjson.plan(once.new, manifest, plist)
    assert twice.new == once.new and not twice.changes
