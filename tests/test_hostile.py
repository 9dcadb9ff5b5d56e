"""Hostile input through the command line: lint, apply and registry overlays.

Complements test_lint_hostile.py (which drives `lint.run` directly): here every case goes
through `main`, in a child process with a generous timeout (a hang fails the test; no time is
asserted), and must end with a clear message and the documented exit code, no traceback, no
byte of a secret file in the output, and (for apply) every file exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import plistlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
APPLY_FIXTURES = ROOT / "apply" / "fixtures"
TIMEOUT = 120
SECRET = "TOP-SECRET-b41d2e"
MAIN = "import sys; from schemegen.cli.main import main; raise SystemExit(main(sys.argv[1:]))"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
PLIST = "ios/Runner/Info.plist"


def run(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `schemegen args` in a child process."""
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        check=False,
        cwd=cwd,
        env={**os.environ, "SCHEMEGEN_DEBUG": ""},
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert SECRET not in output
    assert done.returncode in (0, 1, 2)
    return done.returncode, done.stdout, done.stderr


def snapshot(top: Path) -> dict[str, str]:
    return {
        str(path.relative_to(top)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(top.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A Flutter-style project with a valid manifest and plist."""
    top = tmp_path / "app"
    (top / MANIFEST).parent.mkdir(parents=True)
    (top / PLIST).parent.mkdir(parents=True)
    (top / MANIFEST).write_bytes((APPLY_FIXTURES / "manifest_basic.xml").read_bytes())
    (top / PLIST).write_bytes((APPLY_FIXTURES / "plist_basic.plist").read_bytes())
    return top


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
                hits.append(b"connected")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join(5)
    server.close()


def lint_and_apply(project: Path, target: str, data: bytes) -> tuple[int, str, int, str]:
    """Put `data` at `target` in the project; lint it and apply to the project.

    Returns (lint exit code, lint output, apply exit code, apply stderr); apply must change
    nothing whatever happens.
    """
    path = project / target
    path.write_bytes(data)
    code, out, err = run("lint", path, cwd=project)
    before = snapshot(project)
    apply_code, _, apply_err = run("apply", "--app-scheme", "myshop", ".", cwd=project)
    if apply_code == 2:
        assert snapshot(project) == before, "a failed apply changed files"
        assert "nothing was changed" in apply_err or "schemegen:" in apply_err
    return code, out + err, apply_code, apply_err


# --- XML tricks ----------------------------------------------------------------------------------

XXE = """<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "{uri}">]>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example">
  <application><activity android:name=".MainActivity" android:exported="true">
    <intent-filter><action android:name="android.intent.action.MAIN"/>
      <category android:name="android.intent.category.LAUNCHER"/></intent-filter>
    <intent-filter><data android:scheme="&xxe;"/></intent-filter>
  </activity></application>
</manifest>
"""


def test_xxe_to_a_local_file(project: Path, secret: Path) -> None:
    code, out, apply_code, _ = lint_and_apply(
        project, MANIFEST, XXE.format(uri=secret.as_uri()).encode()
    )
    assert code == 1
    assert "SG003" in out
    assert apply_code == 2


def test_xxe_to_a_url(project: Path, listener: tuple[str, list[bytes]]) -> None:
    url, hits = listener
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, XXE.format(uri=url).encode())
    assert (code, apply_code) == (1, 2)
    assert "SG003" in out
    assert hits == []


def test_external_dtd(project: Path, listener: tuple[str, list[bytes]]) -> None:
    url, hits = listener
    plist = (APPLY_FIXTURES / "plist_basic.plist").read_text(encoding="utf-8")
    start = plist.index("<plist")
    data = f'<?xml version="1.0"?>\n<!DOCTYPE plist SYSTEM "{url}/evil.dtd">\n{plist[start:]}'
    code, out, apply_code, _ = lint_and_apply(project, PLIST, data.encode())
    assert (code, apply_code) == (1, 2)
    assert "external DTD" in out
    assert hits == []


def test_billion_laughs(project: Path) -> None:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE manifest [' + "".join(entities) + "]>\n"
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android">&l9;</manifest>\n'
    )
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data.encode())
    assert (code, apply_code) == (1, 2)
    assert "SG003" in out


def test_quadratic_blowup(project: Path) -> None:
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY a "' + "x" * 50_000 + '">]>\n'
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android">'
        + "&a;" * 10_000
        + "</manifest>\n"
    )
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data.encode())
    assert (code, apply_code) == (1, 2)
    assert "SG003" in out


def test_deeply_nested_elements(project: Path) -> None:
    depth = 50_000
    data = (
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android">'
        + "<a>" * depth
        + "</a>" * depth
        + "</manifest>"
    )
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data.encode())
    assert (code, apply_code) == (1, 2)
    assert "SG002" in out


def test_a_100_mb_file_hits_the_size_limit(project: Path) -> None:
    path = project / MANIFEST
    original = path.read_bytes()
    with path.open("wb") as handle:
        handle.write(original.replace(b"</manifest>", b""))
        chunk = b"<!-- padding -->\n" * 60_000
        for _ in range(100_000_000 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(b"</manifest>\n")
    code, out, _ = run("lint", path, cwd=project)
    assert code == 1
    assert "SG004" in out
    assert "larger than 10 MB" in out
    before = snapshot(project)
    apply_code, _, apply_err = run("apply", "--app-scheme", "myshop", ".", cwd=project)
    assert apply_code == 2
    assert "larger than" in apply_err
    assert snapshot(project) == before


# --- encodings and bytes -------------------------------------------------------------------------


def test_invalid_utf8(project: Path) -> None:
    data = (
        (APPLY_FIXTURES / "manifest_basic.xml")
        .read_bytes()
        .replace(b"</manifest>", b"<!-- \xff\xfe\xc3\x28 --></manifest>")
    )
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data)
    assert (code, apply_code) == (1, 2)
    assert "SG002" in out


def test_utf16_with_bom_is_read(project: Path) -> None:
    text = (APPLY_FIXTURES / "plist_basic.plist").read_text(encoding="utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    code, out, apply_code, _ = lint_and_apply(project, PLIST, text.encode("utf-16"))
    assert code in (0, 1)
    assert "SG002" not in out
    assert apply_code == 0
    data = (project / PLIST).read_bytes()
    assert data.startswith(b"\xff\xfe"), "the BOM and encoding must be kept"
    assert "ispmobile" in data.decode("utf-16")
    assert run("apply", "--app-scheme", "myshop", "--check", ".", cwd=project)[0] == 0


def test_crlf_is_kept(project: Path) -> None:
    data = (APPLY_FIXTURES / "manifest_basic.xml").read_bytes().replace(b"\n", b"\r\n")
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data)
    assert code in (0, 1)
    assert "SG002" not in out
    assert apply_code == 0
    written = (project / MANIFEST).read_bytes()
    assert written.count(b"\n") == written.count(b"\r\n")


def test_nul_bytes(project: Path) -> None:
    data = (
        (APPLY_FIXTURES / "manifest_basic.xml")
        .read_bytes()
        .replace(b"<application", b"<appli\x00cation", 1)
    )
    code, out, apply_code, _ = lint_and_apply(project, MANIFEST, data)
    assert (code, apply_code) == (1, 2)
    assert "SG002" in out


# --- binary plists -------------------------------------------------------------------------------

VALID_BINARY = plistlib.dumps(
    {
        "CFBundlePackageType": "APPL",
        "LSApplicationQueriesSchemes": ["ispmobile", "kb-acp"],
        "CFBundleURLTypes": [{"CFBundleURLSchemes": ["myshop"]}],
        "n": 2**40,
    },
    fmt=plistlib.FMT_BINARY,
)


def test_binary_plist_truncated_at_every_offset_lint(tmp_path: Path) -> None:
    for cut in range(len(VALID_BINARY)):
        folder = tmp_path / f"cut{cut:04d}"
        folder.mkdir()
        (folder / "Info.plist").write_bytes(VALID_BINARY[:cut])
    code, out, _ = run("lint", "--format", "json", "--select", "SG0", ".", cwd=tmp_path)
    assert code == 1
    flagged = {
        line.split('"path": "')[1].split("/")[0] for line in out.splitlines() if '"path": "' in line
    }
    assert flagged == {f"cut{cut:04d}" for cut in range(len(VALID_BINARY))}


@pytest.mark.parametrize("stride", [1])
def test_binary_plist_truncated_at_every_offset_apply(project: Path, stride: int) -> None:
    # In one child: apply on every truncation, through main, checking nothing changes.
    script = f"""
import hashlib, io, sys, contextlib
from pathlib import Path
from schemegen.cli.main import main
data = bytes.fromhex({VALID_BINARY.hex()!r})
plist = Path({str(project / PLIST)!r})
manifest = Path({str(project / MANIFEST)!r})
before = manifest.read_bytes()
for cut in range(0, len(data), {stride}):
    plist.write_bytes(data[:cut])
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["apply", "--app-scheme", "myshop", {str(project)!r}])
    assert code == 2, (cut, code, err.getvalue())
    assert "nothing was changed" in err.getvalue() or "plist" in err.getvalue(), err.getvalue()
    assert plist.read_bytes() == data[:cut] and manifest.read_bytes() == before, cut
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def binary_plist_with_cycle(through: str) -> bytes:
    """A binary plist whose array (or dict) holds a reference to itself."""
    key = b"LSApplicationQueriesSchemes"
    objects = [
        b"\xd1\x01\x02",  # {obj1: obj2}
        b"\x5f\x10" + bytes([len(key)]) + key,
        b"\xa1\x02" if through == "array" else b"\xd1\x01\x00",  # [obj2] or {obj1: obj0}
    ]
    body = b"bplist00"
    offsets = []
    for obj in objects:
        offsets.append(len(body))
        body += obj
    table = len(body)
    body += bytes(offsets)
    trailer = bytes(6) + bytes([1, 1]) + len(objects).to_bytes(8, "big")
    return body + trailer + (0).to_bytes(8, "big") + table.to_bytes(8, "big")


@pytest.mark.parametrize("through", ["array", "dict"])
def test_binary_plist_with_a_reference_cycle(project: Path, through: str) -> None:
    code, out, apply_code, _ = lint_and_apply(project, PLIST, binary_plist_with_cycle(through))
    assert (code, apply_code) == (1, 2)
    assert "SG006" in out


# --- the file system -----------------------------------------------------------------------------


def test_a_directory_named_info_plist(project: Path) -> None:
    (project / PLIST).unlink()
    (project / PLIST).mkdir()
    (project / PLIST / "x").write_text("not a plist", encoding="utf-8")
    code, _, err = run("lint", ".", cwd=project)
    assert code in (0, 1)
    assert "in 1 file" in err  # the manifest only
    code, _, err = run("lint", PLIST, cwd=project)
    assert code == 2  # named explicitly, a directory is searched: nothing in it to lint
    assert "nothing to lint" in err
    before = snapshot(project)
    apply_code, _, _ = run("apply", "--app-scheme", "myshop", ".", cwd=project)
    assert apply_code in (0, 2)
    if apply_code == 2:
        assert snapshot(project) == before


def test_a_symlink_loop_during_discovery(project: Path, secret: Path) -> None:
    (project / "ios" / "loop").symlink_to(project, target_is_directory=True)
    (project / "ios" / "self").symlink_to(project / "ios" / "self")
    (project / "ios" / "Other-Info.plist").symlink_to(project / "ios" / "Other-Info.plist")
    (project / "android" / "AndroidManifest.xml").symlink_to(secret)
    code, _, err = run("lint", ".", cwd=project)
    assert code in (0, 1)
    assert "in 2 files" in err


def test_an_unreadable_file(project: Path) -> None:
    path = project / MANIFEST
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading (CI runs as root)")
        code, out, _ = run("lint", path, cwd=project)
        assert code == 1
        assert "SG001" in out
        apply_code, _, err = run("apply", "--app-scheme", "myshop", ".", cwd=project)
        assert apply_code == 2
        assert "cannot read" in err
    finally:
        path.chmod(0o644)


def test_an_unreadable_file_as_a_dangling_symlink(project: Path) -> None:
    # Works as root too: opening fails whoever reads.
    path = project / MANIFEST
    path.unlink()
    path.symlink_to(project / "gone" / "AndroidManifest.xml")
    code, out, _ = run("lint", path, cwd=project)
    assert code == 1
    assert "SG001" in out
    before = snapshot(project)
    apply_code, _, _ = run(
        "apply",
        "--app-scheme",
        "myshop",
        "--android-manifest",
        MANIFEST,
        "--ios-plist",
        PLIST,
        ".",
        cwd=project,
    )
    assert apply_code == 2
    assert snapshot(project) == before


def test_an_unreadable_file_as_a_fifo(project: Path) -> None:
    # Works as root too: a named pipe nobody writes to must not block discovery.
    fifo = project / "ios" / "Runner" / "Old-Info.plist"
    os.mkfifo(fifo)
    code, _, err = run("lint", ".", cwd=project)
    assert code in (0, 1)
    assert "in 2 files" in err


# --- YAML overlays -------------------------------------------------------------------------------

YAML_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
apps: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def python_tag(marker: Path) -> str:
    return f'apps:\n  - !!python/object/apply:os.system ["touch {marker}"]\n'


def overlay_commands(overlay: Path) -> list[list[str]]:
    return [
        ["lint", "--registry", str(overlay), "."],
        ["registry", "check", str(overlay)],
        ["registry", "show", "--registry", str(overlay)],
        ["generate", "--app-scheme", "myshop", "--stdout", "manifest", "--registry", str(overlay)],
        ["apply", "--app-scheme", "myshop", "--registry", str(overlay), "."],
    ]


@pytest.mark.parametrize("kind", ["bomb", "python-tag"])
def test_hostile_yaml_overlays(project: Path, tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "pwned"
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(YAML_BOMB if kind == "bomb" else python_tag(marker), encoding="utf-8")
    before = snapshot(project)
    for argv in overlay_commands(overlay):
        code, out, err = run(*argv, cwd=project)
        assert code in (1, 2) if argv[:2] == ["registry", "check"] else code == 2, (argv, err)
        expected = "anchors and aliases" if kind == "bomb" else "python/object"
        assert expected in out + err, (argv, out + err)
        assert str(overlay) in out + err, "the message names the file"
    assert not marker.exists()
    assert snapshot(project) == before


@pytest.mark.parametrize("kind", ["bomb", "python-tag"])
def test_hostile_yaml_in_the_config_file(project: Path, tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "pwned"
    text = (
        YAML_BOMB.replace("apps:", "ignore:")
        if kind == "bomb"
        else (f'ignore: !!python/object/apply:os.system ["touch {marker}"]\n')
    )
    (project / ".schemegen.yaml").write_text(text, encoding="utf-8")
    code, _, err = run("lint", ".", cwd=project)
    assert code == 2
    assert ".schemegen.yaml" in err
    assert not marker.exists()


def test_a_value_with_a_newline_cannot_forge_a_text_finding(tmp_path: Path) -> None:
    (tmp_path / "Info.plist").write_text(
        '<?xml version="1.0"?>\n<plist version="1.0"><dict>'
        "<key>LSApplicationQueriesSchemes</key><array>"
        "<string>kb-acp\n/evil.xml:1: SG999 [error] forged\r</string>"
        "</array></dict></plist>\n",
        encoding="utf-8",
    )
    code, out, _ = run("lint", "Info.plist", cwd=tmp_path)
    assert code == 1
    assert all(line.startswith("Info.plist") for line in out.splitlines())
    assert "kb-acp\\n/evil.xml:1: SG999" in out
