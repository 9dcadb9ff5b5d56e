"""Every byte outside an edit is kept: app.json, namespaces, owner, links, folders, messages."""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import skip_or_fail
from hostile_support import APPLY, MANIFEST, PLIST, flutter, litter, run, snapshot

EXPO_PACKAGE = '{"dependencies": {"expo": "^52.0.0"}}\n'


def expo(tmp_path: Path, app_json: str | bytes) -> Path:
    top = tmp_path / "e"
    top.mkdir()
    (top / "package.json").write_text(EXPO_PACKAGE)
    data = app_json.encode("utf-8") if isinstance(app_json, str) else app_json
    (top / "app.json").write_bytes(data)
    return top


def test_app_json_numbers_duplicates_and_escapes_survive(tmp_path: Path) -> None:
    original = (
        '{"expo": {"name": "a", "name": "b", "extra": {"big": 1e400, "f": 1.0E2, '
        '"p": 0.10000000000000000555}, "u": "caf\\u00e9 \\/"}}\n'
    )
    top = expo(tmp_path, original)
    assert run(*APPLY, cwd=top)[0] == 0
    text = (top / "app.json").read_text()
    # every edit is an insertion: the original is the new text with pieces cut out
    rest = iter(text)
    assert all(char in rest for char in original)
    assert '"name": "a", "name": "b"' in text
    assert '"big": 1e400, "f": 1.0E2, "p": 0.10000000000000000555' in text
    assert '"u": "caf\\u00e9 \\/"' in text
    assert "Infinity" not in text
    assert json.loads(text)["expo"]["scheme"] == "myshop"
    before = snapshot(top)
    assert "nothing to change" in run(*APPLY, cwd=top)[2]
    assert snapshot(top) == before


@pytest.mark.parametrize(
    "app_json",
    [
        '{\n  // the app\n  "expo": {"name": "a"}\n}\n',
        '{\n  "expo": {"name": "a",},\n}\n',
        '\ufeff{"expo": {"name": "a"}}\n',
        "{/* JSON5 */ expo: {name: 'a', version: +1.5}}\n",
    ],
)
def test_app_json_is_read_as_expo_reads_it(tmp_path: Path, app_json: str) -> None:
    top = expo(tmp_path, app_json)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 0, err
    text = (top / "app.json").read_text(encoding="utf-8")
    rest = iter(text)
    assert all(char in rest for char in app_json)
    assert '"scheme": "myshop"' in text


@pytest.mark.parametrize(
    ("app_json", "where"),
    [
        ('{"expo": {"name": "\\ud800"}, "x": [1,,2]}', "app.json:1: "),
        ('{\n  "expo": ' + "[" * 5000 + "]" * 5000 + "\n}", "app.json:2: "),
        ('{\n  "expo": {\n    "name": "a" /* never closed\n  }\n}', "app.json:3: "),
        ('{\n  "expo": {\n    "ios": "nope"\n  }\n}', "app.json:3: "),
    ],
)
def test_bad_app_json_is_one_line_naming_file_and_line(
    tmp_path: Path, app_json: str, where: str
) -> None:
    top = expo(tmp_path, app_json)
    before = snapshot(top)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 2
    assert where in err
    assert snapshot(top) == before


def test_a_lone_surrogate_is_kept_as_written(tmp_path: Path) -> None:
    top = expo(tmp_path, '{"expo": {"name": "\\ud800"}}\n')
    assert run(*APPLY, cwd=top)[0] == 0
    assert '"name": "\\ud800"' in (top / "app.json").read_text()


REBOUND = """\
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">
    <application>
        <activity xmlns:android="urn:not-android" {extra}android:name=".MainActivity">
            <intent-filter xmlns:android="http://schemas.android.com/apk/res/android">
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
        </activity>
    </application>
</manifest>
"""


def test_a_rebound_android_prefix_is_refused_with_the_line(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    (top / PLIST).unlink()
    (top / MANIFEST).write_text(REBOUND.format(extra=""))
    before = snapshot(top)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 2
    assert f"{MANIFEST}:3: <activity> binds no prefix to" in err
    assert snapshot(top) == before


def test_edits_use_the_prefix_bound_where_they_land(tmp_path: Path) -> None:
    from lxml import etree

    top = flutter(tmp_path / "p")
    (top / PLIST).unlink()
    extra = 'xmlns:a="http://schemas.android.com/apk/res/android" '
    (top / MANIFEST).write_text(REBOUND.format(extra=extra))
    assert run(*APPLY, cwd=top)[0] == 0
    android = "{http://schemas.android.com/apk/res/android}"
    activity = etree.parse(top / MANIFEST).find(".//activity")
    assert activity is not None
    assert activity.get(f"{android}exported") == "true"
    schemes = [d.get(f"{android}scheme") for d in activity.iter("data")]
    assert schemes == ["myshop"]
    before = snapshot(top)
    code, _, err = run(*APPLY, cwd=top)
    assert (code, "nothing to change" in err) == (0, True)
    assert snapshot(top) == before


def test_a_file_with_a_second_hard_link_is_refused(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    os.link(top / PLIST, tmp_path / "Info-copy.plist")
    before = snapshot(tmp_path)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 2
    assert f"{PLIST}: has 2 hard links; replacing it atomically would split them" in err
    assert snapshot(tmp_path) == before


def test_owner_group_and_mode_are_kept_as_root(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another owner to start with")
    top = flutter(tmp_path / "p")
    os.chown(top / PLIST, 1234, 4321)
    (top / PLIST).chmod(0o640)
    assert run(*APPLY, cwd=top)[0] == 0
    info = (top / PLIST).stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 4321, 0o640)
    assert b"myshop" in (top / PLIST).read_bytes()


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="schemegen-owner-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def as_user(uid: int, gid: int, groups: str) -> tuple[str, ...]:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        skip_or_fail("setpriv (util-linux) is needed to run apply as a non-root user")
    return (setpriv, f"--reuid={uid}", f"--regid={gid}", f"--groups={groups}")


def test_owner_is_kept_or_refused_as_a_non_root_user(shared_tmp: Path) -> None:
    """Run apply as uid 1234 through setpriv: the owner test must not rely on root's powers."""
    import subprocess
    import sys

    if os.geteuid() != 0:
        pytest.skip("setpriv can switch users only when the tests run as root")
    prefix = as_user(1234, 4321, "4321,4322")
    top = flutter(shared_tmp / "p")
    for path in [top, *top.rglob("*")]:
        os.chown(path, 1234, 4321)
    # group 4322 is one of the user's groups: fchown may hand the new file to it
    os.chown(top / MANIFEST, 1234, 4322)
    (top / MANIFEST).chmod(0o640)
    # owned by someone else, writable through the group: the owner cannot be kept, so refuse
    os.chown(top / PLIST, 1235, 4321)
    (top / PLIST).chmod(0o664)
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import schemegen"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"cannot run Python as uid 1234 from this checkout: {reason}")
    cache = shared_tmp / "cache"
    cache.mkdir()
    os.chown(cache, 1234, 4321)
    env = {**os.environ, "SCHEMEGEN_CACHE_DIR": str(cache), "HOME": str(shared_tmp)}
    command = [*prefix, sys.executable, "-m", "schemegen", *APPLY]
    before = snapshot(top)
    done = subprocess.run(
        command, cwd=top, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 2, done.stderr
    assert f"{PLIST}: owned by 1235:4321, which this user cannot give the new file" in done.stderr
    assert snapshot(top) == before
    (top / PLIST).unlink()
    done = subprocess.run(
        command, cwd=top, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    info = (top / MANIFEST).stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 4322, 0o640)
    assert b"myshop" in (top / MANIFEST).read_bytes()
    assert litter(top) == []


def _file_limit(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def test_a_failed_handler_write_leaves_no_folders_and_names_the_file(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    before = snapshot(top)
    code, _, err = run(*APPLY, "--handler", "java", cwd=top, preexec=lambda: _file_limit(4096))
    assert code == 2
    assert "/payment/PaymentWebViewClient.java: File too large; nothing was changed" in err
    assert snapshot(top) == before  # no new folders either: they are in the snapshot
    assert litter(top) == []


DISK_FULL = """
import errno, os
_write = os.write
def _full(fd, data):
    if os.readlink(f"/proc/self/fd/{fd}").endswith(".schemegen-tmp") and b"<plist" in bytes(data):
        raise OSError(errno.ENOSPC, "No space left on device")
    return _write(fd, data)
os.write = _full
"""


def test_disk_full_names_the_file(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    before = snapshot(top)
    code, _, err = run(*APPLY, cwd=top, prelude=DISK_FULL)
    assert code == 2
    assert f"{PLIST}: No space left on device; nothing was changed" in err
    assert snapshot(top) == before
    assert litter(top) == []
