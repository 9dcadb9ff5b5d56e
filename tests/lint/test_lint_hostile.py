"""Hostile input: XXE, entity expansion, external DTDs, huge and deep files, garbage bytes.

Each file is linted in a child process with a generous timeout, so a hang fails the test
instead of the run; no timing is asserted.
"""

from __future__ import annotations

import json
import plistlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemegen.core import documents, parsing

TIMEOUT = 120
SECRET = "TOP-SECRET-7f3a9c"
LINT = """
import json, sys
from schemegen.lint import run as lint
from schemegen.registry import validate
from schemegen.lint.rules import LintContext
result = lint.run(sys.argv[1:], LintContext(validate.load()))
print(json.dumps([[d.code, d.line, d.message] for d in result.diagnostics]))
"""


def lint_in_child(*paths: Path) -> tuple[list[list[object]], str]:
    """(diagnostics as [code, line, message], everything the child printed)."""
    done = subprocess.run(
        [sys.executable, "-c", LINT, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stdout + done.stderr


def codes(found: list[list[object]]) -> set[object]:
    return {item[0] for item in found}


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A local TCP server recording any connection (an entity or DTD fetch would be one)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(1024))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join(5)
    server.close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


MANIFEST_XXE = """<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "{uri}">]>
<manifest xmlns:android="http://schemas.android.com/apk/res/android">
  <application><activity android:name="&xxe;"><intent-filter>
    <data android:scheme="&xxe;"/></intent-filter></activity></application>
  <uses-permission android:name="&xxe;"/>&xxe;
</manifest>
"""

PLIST_XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist [<!ENTITY xxe SYSTEM "{uri}">]>
<plist version="1.0"><dict>
<key>LSApplicationQueriesSchemes</key><array><string>&xxe;</string></array>
</dict></plist>
"""


@pytest.mark.parametrize("template", [MANIFEST_XXE, PLIST_XXE], ids=["manifest", "plist"])
def test_xxe_local_file_is_refused_and_never_read(
    tmp_path: Path, secret_file: Path, template: str
) -> None:
    target = tmp_path / ("AndroidManifest.xml" if "manifest" in template else "Info.plist")
    target.write_text(template.format(uri=secret_file.as_uri()), encoding="utf-8")
    found, output = lint_in_child(target)
    assert codes(found) == {"SG003"}
    assert SECRET not in output


def test_xxe_in_utf16_is_refused(tmp_path: Path, secret_file: Path) -> None:
    target = tmp_path / "AndroidManifest.xml"
    text = MANIFEST_XXE.format(uri=secret_file.as_uri()).replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'
    )
    target.write_bytes(text.encode("utf-16"))
    found, output = lint_in_child(target)
    assert codes(found) == {"SG003"}
    assert SECRET not in output


def test_xxe_to_a_url_makes_no_request(tmp_path: Path, listener: tuple[str, list[bytes]]) -> None:
    url, hits = listener
    target = tmp_path / "AndroidManifest.xml"
    target.write_text(MANIFEST_XXE.format(uri=f"{url}/xxe"), encoding="utf-8")
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG003"}
    assert hits == []


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE manifest SYSTEM "{url}/evil.dtd">',
        '<!DOCTYPE manifest PUBLIC "-//Evil//DTD//EN" "{url}/evil.dtd">',
        '<!DOCTYPE manifest [<!ENTITY % remote SYSTEM "{url}/evil.dtd"> %remote;]>',
    ],
    ids=["system", "public", "parameter-entity"],
)
def test_external_dtd_is_refused_and_never_fetched(
    tmp_path: Path, listener: tuple[str, list[bytes]], doctype: str
) -> None:
    url, hits = listener
    target = tmp_path / "AndroidManifest.xml"
    target.write_text(
        f'<?xml version="1.0"?>\n{doctype.format(url=url)}\n<manifest/>\n', encoding="utf-8"
    )
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG003"}
    assert hits == []


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    target = tmp_path / "Info.plist"
    target.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE plist [' + "".join(entities) + "]>\n"
        "<plist><dict><key>a</key><string>&lol9;</string></dict></plist>\n",
        encoding="utf-8",
    )
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG003"}


def test_quadratic_blowup_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "AndroidManifest.xml"
    target.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY a "' + "x" * 100_000 + '">]>\n'
        "<manifest>" + "&a;" * 20_000 + "</manifest>\n",
        encoding="utf-8",
    )
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG003"}


def test_a_50_mb_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "AndroidManifest.xml"
    with target.open("wb") as handle:
        handle.write(b"<manifest>")
        chunk = b"<!-- " + b"x" * 1_048_000 + b" -->\n"
        for _ in range(50):
            handle.write(chunk)
        handle.write(b"</manifest>\n")
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG004"}


def test_deeply_nested_xml_is_a_finding(tmp_path: Path) -> None:
    target = tmp_path / "Info.plist"
    depth = 100_000
    target.write_text(
        "<plist>" + "<array>" * depth + "</array>" * depth + "</plist>", encoding="utf-8"
    )
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG002"}


def test_deeply_nested_binary_plist_is_a_finding(tmp_path: Path) -> None:
    value: object = "ispmobile"
    for _ in range(300):
        value = [value]
    target = tmp_path / "Info.plist"
    target.write_bytes(
        plistlib.dumps({"LSApplicationQueriesSchemes": value}, fmt=plistlib.FMT_BINARY)
    )
    found, _ = lint_in_child(target)
    assert codes(found) == {"SG006"}


def test_directory_named_like_a_plist_and_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "ios" / "Info.plist").mkdir(parents=True)
    (tmp_path / "ios" / "loop").symlink_to(tmp_path, target_is_directory=True)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "AndroidManifest.xml").write_text("<manifest/>", encoding="utf-8")
    (tmp_path / "linked").symlink_to(outside, target_is_directory=True)
    (tmp_path / "AndroidManifest.xml").symlink_to(outside / "AndroidManifest.xml")
    found, _ = lint_in_child(tmp_path)
    assert found == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_garbage_binary_plists_never_crash(data: bytes) -> None:
    document = parsing.parse(b"bplist00" + data, "Info.plist")
    assert isinstance(document, documents.Plist | documents.Unreadable)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_truncated_and_corrupted_real_plists_never_crash(data: st.DataObject) -> None:
    blob = bytearray(
        plistlib.dumps(
            {"LSApplicationQueriesSchemes": ["ispmobile", "kb-acp"], "n": 2**40, "d": b"\x00" * 40},
            fmt=plistlib.FMT_BINARY,
        )
    )
    cut = data.draw(st.integers(0, len(blob)))
    for index in data.draw(st.lists(st.integers(0, len(blob) - 1), max_size=6)):
        blob[index] = data.draw(st.integers(0, 255))
    document = parsing.parse(bytes(blob[:cut] if cut else blob), "Info.plist")
    assert isinstance(document, documents.Plist | documents.Unreadable)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/!?[]&;%'\"= abkeyplistdicmanfst-\n")), max_size=300)
)
def test_xmlish_text_never_crashes(text: str) -> None:
    document = parsing.parse(text.encode("utf-8"), "AndroidManifest.xml")
    assert isinstance(document, documents.Manifest | documents.Plist | documents.Unreadable)
