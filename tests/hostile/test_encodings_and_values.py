"""The entity refusal holds in every encoding, and one uninterpretable value stays one finding."""

from __future__ import annotations

import base64
import plistlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from schemegen.cli.main import main
from schemegen.core import documents, parsing
from schemegen.core.documents import Manifest, ProblemKind, Unreadable
from schemegen.core.parsing import parse

ANDROID = "http://schemas.android.com/apk/res/android"
ENTITY_BODY = f"""<!DOCTYPE manifest [<!ENTITY s "myshop">]>
<manifest xmlns:android="{ANDROID}" package="com.example.shop">
  <application><activity android:name=".M" android:exported="true">
    <intent-filter><action android:name="android.intent.action.VIEW"/>
      <data android:scheme="&s;"/></intent-filter>
  </activity></application>
</manifest>
"""
LAUNCHER = (
    '<application><activity android:name=".M" android:exported="true"><intent-filter>'
    '<action android:name="android.intent.action.MAIN"/>'
    '<category android:name="android.intent.category.LAUNCHER"/>'
    "</intent-filter></activity></application>"
)


def utf7(text: str) -> bytes:
    """`text` as UTF-7 with its first line (the DOCTYPE) base64-encoded, hiding `<!ENTITY`."""
    first, rest = text.split("\n", 1)
    shifted = base64.b64encode(first.encode("utf-16-be")).rstrip(b"=")
    return b'<?xml version="1.0" encoding="UTF-7"?>\n+' + shifted + b"-\n" + rest.encode()


@pytest.mark.parametrize("codec", ["utf-32-be", "utf-32-le", "utf-32"])
def test_utf32_is_refused(codec: str) -> None:
    document = parse(ENTITY_BODY.encode(codec), "AndroidManifest.xml")
    assert isinstance(document, Unreadable)
    assert document.problem.kind is ProblemKind.XML_SYNTAX
    assert "UTF-32" in document.problem.message


def test_utf7_is_refused() -> None:
    document = parse(utf7(ENTITY_BODY), "AndroidManifest.xml")
    assert isinstance(document, Unreadable)
    assert "`UTF-7` is not accepted" in document.problem.message


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_entity_declarations_are_refused_in_accepted_encodings(codec: str) -> None:
    document = parse(ENTITY_BODY.encode(codec), "AndroidManifest.xml")
    assert isinstance(document, Unreadable)
    assert document.problem.kind is ProblemKind.UNSAFE_XML


@pytest.mark.parametrize(
    ("declared", "accepted"),
    [("ISO-8859-1", True), ("windows-1252", True), ("US-ASCII", True), ("EUC-KR", False)],
)
def test_declared_single_byte_encodings(declared: str, accepted: bool) -> None:
    data = f'<?xml version="1.0" encoding="{declared}"?>\n<manifest package="a.b"/>'.encode()
    assert isinstance(parse(data, "m"), Manifest) is accepted


def test_the_parsed_tree_is_checked_too() -> None:
    # What libxml2 read is checked after parsing, so a scan that missed a declaration
    # (an encoding it does not decode) cannot let an expanded entity through.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(ENTITY_BODY.encode("utf-32"), parser)
    assert root[0][0][0][1].get(f"{{{ANDROID}}}scheme") == "myshop"  # lxml expanded it
    with pytest.raises(parsing._Refused, match="encoding `UTF-32"):
        parsing._refuse_parsed_dtd(root)
    root = etree.fromstring(ENTITY_BODY.encode(), parser)
    with pytest.raises(parsing._Refused, match="internal subset"):
        parsing._refuse_parsed_dtd(root)


CODECS = st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])


@settings(max_examples=60, deadline=None)
@given(codec=CODECS, name=st.from_regex(r"[a-z]{1,8}", fullmatch=True), prefix=st.text(max_size=20))
def test_no_encoding_lets_an_entity_through(codec: str, name: str, prefix: str) -> None:
    body = ENTITY_BODY.replace("ENTITY s ", f"ENTITY {name} ").replace("&s;", f"&{name};")
    for data in (body.encode(codec), utf7(body), (prefix + body).encode(codec, "replace")):
        assert not isinstance(parse(data, "m"), Manifest)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parsing_never_raises(data: bytes) -> None:
    for head in (b"", b"<?xml version='1.0' encoding='", b"bplist00", b"\xff\xfe"):
        parse(head + data, "m")


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name / "AndroidManifest.xml"
    path.parent.mkdir(parents=True)
    path.write_text(
        f'<manifest xmlns:android="{ANDROID}" package="com.example.{name}">{body}{LAUNCHER}'
        "</manifest>\n"
    )
    return path


@pytest.mark.parametrize("value", ["²", "9" * 5000, "١٢"])
def test_an_odd_target_sdk_does_not_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    _write(tmp_path, "odd", f'<uses-sdk android:targetSdkVersion="{value}"/>')
    _write(tmp_path, "plain", "<queries><package android:name='com.hanaskard.paycla'/></queries>")
    code = main(["lint", "--app-scheme", "myshop", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "internal error" not in err
    assert "plain/AndroidManifest.xml" in out  # the other file was linted


def test_a_value_error_in_a_rule_is_a_finding_on_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from schemegen.lint import run as lint_run

    real = lint_run.check_document

    def picky(doc: documents.Document, context: object) -> list[object]:
        if "odd" in doc.path and not isinstance(doc, Unreadable):
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real(doc, context)  # type: ignore[arg-type]

    monkeypatch.setattr(lint_run, "check_document", picky)
    _write(tmp_path, "odd", "")
    _write(tmp_path, "plain", "")
    main(["lint", "--app-scheme", "myshop", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "odd/AndroidManifest.xml: SG001" in out
    assert "cannot interpret a value" in out
    assert "internal error" not in err


def _bplist(objects: list[bytes]) -> bytes:
    """A binary plist of `objects` (object 0 on top), one-byte offsets and references."""
    body = b"bplist00"
    offsets = []
    for item in objects:
        offsets.append(len(body))
        body += item
    table = len(body)
    trailer = bytes(6) + b"\x01\x01" + len(objects).to_bytes(8, "big") + bytes(8)
    return body + bytes(offsets) + trailer + table.to_bytes(8, "big")


@pytest.mark.parametrize("key", [b"\x10\x07", b"\x41\x00"], ids=["integer", "data"])
def test_binary_plist_with_a_non_string_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: bytes
) -> None:
    data = _bplist([b"\xd1\x01\x02", key, b"\x51x"])  # {key: "x"}
    assert plistlib.loads(data) == {plistlib.loads(_bplist([key])): "x"}
    document = parse(data, "Info.plist")
    assert isinstance(document, Unreadable)
    assert document.problem.kind is ProblemKind.BAD_PLIST
    plist = tmp_path / "ios" / "Runner" / "Info.plist"
    plist.parent.mkdir(parents=True)
    plist.write_bytes(data)
    code = main(["apply", "--app-scheme", "myshop", "--ios-plist", str(plist), str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Info.plist" in err
    assert "internal error" not in err


def test_apply_names_the_file_for_a_128_bit_integer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plist = tmp_path / "ios" / "Runner" / "Info.plist"
    plist.parent.mkdir(parents=True)
    # {"CFBundlePackageType": "APPL", "Big": 2**100}, the integer in 16 bytes (0x14)
    big = _bplist(
        [
            b"\xd2\x01\x02\x03\x04",
            b"\x5f\x10\x13CFBundlePackageType",
            b"\x53Big",
            b"\x54APPL",
            b"\x14" + (2**100).to_bytes(16, "big"),
        ]
    )
    assert plistlib.loads(big)["Big"] == 2**100
    plist.write_bytes(big)
    (tmp_path / "pubspec.yaml").write_text("name: shop\n")
    code = main(["apply", "--app-scheme", "myshop", "--ios-plist", str(plist), str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Info.plist" in err
    assert "internal error" not in err
    assert plist.read_bytes() == big
