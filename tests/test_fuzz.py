"""Fuzzing through `main`: lint, apply, registry check and generate never crash.

Arbitrary bytes, mutated real manifests and plists (the corpus when present, else the
fixtures) and random registry overlays go in; what must come out is exit code 0, 1 or 2 and
no traceback or "internal error" (main turns an uncaught exception into one). Examples are
few and bounded so the module stays fast (SCHEMEGEN_FUZZ_EXAMPLES=2000 for a long run);
fuzz/ holds atheris harnesses for longer ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemegen.cli.main import main

ROOT = Path(__file__).resolve().parent
CORPUS = Path(os.environ.get("SCHEMEGEN_CORPUS", ROOT.parent.parent / "shared" / "corpus"))
FIXTURES = [ROOT / "apply" / "fixtures", ROOT / "lint" / "fixtures"]
MANIFEST = "android/app/src/main/AndroidManifest.xml"
PLIST = "ios/Runner/Info.plist"
FUZZ = settings(
    max_examples=int(os.environ.get("SCHEMEGEN_FUZZ_EXAMPLES", "60")),  # more for a long run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def seeds(kind: str) -> list[bytes]:
    """Real files of one kind: `manifest` or `plist`."""
    roots = [CORPUS] if (CORPUS / "INDEX.tsv").is_file() else []
    found = []
    for folder in [*roots, *FIXTURES]:
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            manifest = path.suffix == ".xml" and b"<manifest" in data
            if (kind == "manifest" and manifest) or (kind == "plist" and path.suffix == ".plist"):
                found.append(data)
    return found


MANIFESTS = seeds("manifest")
PLISTS = seeds("plist")
TOKENS = [
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    b"&x;",
    b"<!DOCTYPE plist [",
    b"]]>",
    b"<!--",
    b"-->",
    b"\x00",
    b"\r\n",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"<![CDATA[",
    b"<key>",
    b"</key>",
    b"<array>",
    b"</array>",
    b"<dict/>",
    b"<string>kb-acp</string>",
    b"<queries>",
    b'<package android:name="com.kakao.talk"/>',
    b"<intent-filter>",
    b"</intent-filter>",
    b'android:scheme="MyShop"',
    b'xmlns:android="urn:x"',
    b"<?xml version='1.0' encoding='UTF-16'?>",
    b"bplist00",
    b"\xf0\x9f\x92\xb3",
    b"%",
]


@st.composite
def mutated(draw: st.DrawFn, pool: list[bytes]) -> bytes:
    """A real file with a few random edits: cuts, flips, inserts, deletes and repeats."""
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 5))):
        where = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "flip", "token", "bytes", "delete", "repeat"]))
        if op == "cut":
            del data[where:]
        elif op == "flip" and where < len(data):
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif op == "token":
            data[where:where] = draw(st.sampled_from(TOKENS))
        elif op == "bytes":
            data[where:where] = draw(st.binary(max_size=16))
        elif op == "delete":
            del data[where : where + draw(st.integers(1, 64))]
        elif op == "repeat":
            data[where:where] = data[where : where + draw(st.integers(1, 200))]
    return bytes(data)


def cli(*argv: str) -> tuple[int, str]:
    """Run main in-process; returns (exit code, stderr) after checking the promises."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    text = err.getvalue()
    assert code in (0, 1, 2), (argv, code, text)
    assert "Traceback" not in text, text
    assert "internal error" not in text, (argv, text)
    return code, text


def digest(top: Path) -> dict[str, str]:
    return {
        str(p.relative_to(top)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(top.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def _quiet_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ.setdefault("SCHEMEGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# --- lint ----------------------------------------------------------------------------------------


@FUZZ
@given(
    st.one_of(st.binary(max_size=2000), mutated(MANIFESTS), mutated(PLISTS)),
    st.sampled_from(["AndroidManifest.xml", "Info.plist", "App-Info.plist"]),
)
def test_lint_survives_any_file(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.write_bytes(data)
        cli("lint", "--app-scheme", "myshop", path.as_posix())
        cli("lint", "--format", "sarif", "--strict", folder)


# --- apply ---------------------------------------------------------------------------------------


@FUZZ
@given(
    st.one_of(mutated(MANIFESTS), st.sampled_from(MANIFESTS)),
    st.one_of(mutated(PLISTS), st.sampled_from(PLISTS)),
    st.booleans(),
)
def test_apply_changes_all_or_nothing_and_settles(manifest: bytes, plist: bytes, fix: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        top = Path(folder)
        (top / MANIFEST).parent.mkdir(parents=True)
        (top / PLIST).parent.mkdir(parents=True)
        (top / MANIFEST).write_bytes(manifest)
        (top / PLIST).write_bytes(plist)
        before = digest(top)
        flags = ["--fix", "--set-launch-mode"] if fix else []
        code, err = cli("apply", "--app-scheme", "myshop", *flags, folder)
        if code != 0:
            assert digest(top) == before, err
            return
        after = digest(top)
        code, err = cli("apply", "--app-scheme", "myshop", *flags, folder)
        assert code == 0, err
        assert "nothing to change" in err, err
        assert digest(top) == after


# --- registry overlays ---------------------------------------------------------------------------

KEYS = [
    "apps",
    "id",
    "name_ko",
    "name_en",
    "category",
    "status",
    "status_note",
    "priority",
    "tier",
    "order",
    "methods",
    "ios_schemes",
    "android_packages",
    "android_schemes",
    "aliases",
    "value",
    "of",
    "note",
    "sources",
    "seen",
    "verified",
    "disabled",
    "pgs",
    "include",
    "name",
    "known_non_payment",
    "pattern",
    "where",
    "date",
    "exceptions",
    "rule",
    "returns",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.sampled_from(
        [
            "toss",
            "kakaopay",
            "card",
            "easypay",
            "active",
            "legacy",
            "kb-acp",
            "com.kakao.talk",
            "[",
            "(",
            "*",
            "a" * 300,
            "",
            "2026-11",
            "store",
            "published",
        ]
    ),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)
OVERLAYS = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4).map(
        lambda value: yaml.safe_dump(value, allow_unicode=True)
    ),
    st.text(max_size=300),
    st.sampled_from(
        [
            "apps:\n- {id: toss, disabled: true}\n",
            "apps:\n- {id: toss, ios_schemes: [kb-acp]}\n",
            "apps: &a [*a]\n",
            "a: !!python/object/apply:os.system [echo]\n",
            "pgs: {kcp: {name: KCP, include: [nowhere]}}\n",
            "known_non_payment:\n- {pattern: '(', note: x}\n",
        ]
    ),
)


@FUZZ
@given(OVERLAYS)
def test_registry_overlays_never_crash(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        overlay = Path(folder, "overlay.yaml")
        overlay.write_text(text, encoding="utf-8")
        manifest = Path(folder, "AndroidManifest.xml")
        manifest.write_bytes(MANIFESTS[0])
        cli("registry", "check", overlay.as_posix())
        cli("lint", "--registry", overlay.as_posix(), manifest.as_posix())
        cli(
            "generate",
            "--app-scheme",
            "myshop",
            "--registry",
            overlay.as_posix(),
            "--stdout",
            "manifest",
        )


# --- generate ------------------------------------------------------------------------------------

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "myshop",
            "my shop",
            "MyShop://x",
            "a" * 300,
            "",
            "-x",
            "java",
            "1abc",
            "com.example.pay",
            "\u202eevil",
            "kb-acp",
            "\x00",
        ]
    ),
)


@FUZZ
@given(
    app_scheme=TEXT,
    java_package=TEXT,
    class_prefix=TEXT,
    pg=st.one_of(st.none(), st.sampled_from(["kcp", "html5_inicis", "nope"]), st.text(max_size=8)),
    methods=st.lists(st.sampled_from(["card", "trans", "vbank", "easypay", "x", ""]), max_size=3),
    limit=st.integers(-1, 60),
    target=st.sampled_from(["manifest", "plist", "java", "kotlin", "swift", "objc", "js", "nope"]),
)
def test_generate_never_crashes(  # noqa: PLR0917 - one argument per fuzzed option
    app_scheme: str,
    java_package: str,
    class_prefix: str,
    pg: str | None,
    methods: list[str],
    limit: int,
    target: str,
) -> None:
    argv = [
        f"--app-scheme={app_scheme}",
        f"--java-package={java_package}",
        f"--class-prefix={class_prefix}",
        f"--ios-query-limit={limit}",
        "--stdout",
        target,
    ]
    if pg is not None:
        argv.append(f"--pg={pg}")
    if methods:
        argv.append(f"--methods={','.join(methods)}")
    if any("\x00" in a for a in argv):
        return  # argv cannot carry NUL bytes
    cli("generate", *argv)
