"""The capacitor.config fragment: golden file, tsc against @capacitor/cli, values in Node."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require_tool, sample_view, skip_or_fail

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header
from schemegen.generate.views import Options, build_view, pg_hosts
from schemegen.registry import model as registry
from schemegen.registry import validate
from schemegen.registry.selection import Criteria

TESTS = Path(__file__).resolve().parent
TARGET = next(t for t in TARGETS if t.key == "capacitor-config")
# npm install --prefix <dir> @capacitor/cli@7.6.9 typescript@7.0.2 (.ci/run does this).
TOOLS = Path(os.environ.get("SCHEMEGEN_CAPACITOR_TOOLS", ROOT / ".tools" / "capacitor"))
TSCONFIG = {
    "compilerOptions": {
        "target": "es2022",
        "module": "node16",
        "moduleResolution": "node16",
        "strict": True,
        "noUncheckedIndexedAccess": True,
        "skipLibCheck": True,
        "types": [],
        "outDir": "out",
    },
    "files": ["capacitor.config.ts"],
}
HOSTS = (
    ("html5_inicis", "*.inicis.com", "https://manual.inicis.com/ (example source)"),
    ("kcp", "testpay.kcp.co.kr", "https://developer.kcp.co.kr/ (example source)"),
)
HOSTILE = "pwned'\"`${x}\n\r\u2028*/ \U0001f600"


def view(**overrides: object) -> View:
    fields: dict[str, object] = {"pg_hosts": HOSTS, "pgs_without_hosts": ("nice", "danal")}
    fields.update(overrides)
    return sample_view(**fields)


def test_golden() -> None:
    path = TESTS / "golden" / target_path(TARGET, "")
    text = with_header(TARGET, render_body(TARGET, view()), "2026.11.0")
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_bytes().decode("utf-8") == text


def test_marked_list_only_when_a_pg_has_no_hosts() -> None:
    marked = render_body(TARGET, view())
    assert "TO COMPLETE" in marked
    assert "//   nice\n" in marked
    assert "//   danal\n" in marked
    complete = render_body(TARGET, view(pgs_without_hosts=()))
    assert "TO COMPLETE" not in complete


def test_pg_hosts_come_from_the_registry_once_each() -> None:
    pgs = (
        registry.Pg("a", "A", (), (registry.HostPattern("*.a.example", "src-a"),)),
        registry.Pg(
            "b",
            "B",
            (),
            (
                registry.HostPattern("*.a.example", "src-b"),
                registry.HostPattern("pay.b.example", "src-b"),
            ),
        ),
        registry.Pg("c", "C", ()),
    )
    assert pg_hosts(pgs) == (
        ("a", "*.a.example", "src-a"),
        ("b", "pay.b.example", "src-b"),
    )


def test_view_carries_the_redirect_host_and_the_pgs_without_hosts() -> None:
    options = Options(
        app_scheme="myshop",
        framework="capacitor",
        pg="kcp",
        redirect_url="https://Shop.Example.com:8443/pay/done?x=1",
    )
    built, _ = build_view(validate.load(), Criteria(pg="kcp"), options)
    assert built.redirect_host == "shop.example.com"
    pg = validate.load().pgs["kcp"]
    assert built.pg_hosts == pg_hosts((pg,))
    assert built.pgs_without_hosts == (() if pg.hosts else ("kcp",))


# --- tsc and Node ---------------------------------------------------------------------------


def tool(name: str) -> Path:
    path = TOOLS / "node_modules" / ".bin" / name
    if not path.is_file():
        skip_or_fail(
            f"{path} not found: npm install --prefix {TOOLS} @capacitor/cli@7.6.9 "
            "typescript@7.0.2 (or set SCHEMEGEN_CAPACITOR_TOOLS)"
        )
    return path


def tsc(source: str, folder: Path) -> subprocess.CompletedProcess[str]:
    require_tool("node")
    compiler = tool("tsc")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "capacitor.config.ts").write_text(source, encoding="utf-8")
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    modules = folder / "node_modules"
    if not modules.exists():
        modules.symlink_to(TOOLS / "node_modules", target_is_directory=True)
    return subprocess.run(
        [str(compiler), "-p", str(folder / "tsconfig.json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def allow_navigation(folder: Path) -> object:
    node = require_tool("node")
    script = (
        "const m = require(process.argv[1]);"
        "console.log(JSON.stringify([m.paymentAllowNavigation, m.default.server.allowNavigation]));"
    )
    proc = subprocess.run(
        [node, "-e", script, str(folder / "out" / "capacitor.config.js")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_type_checks_against_capacitor_config_and_holds_the_hosts(tmp_path: Path) -> None:
    source = with_header(TARGET, render_body(TARGET, view()), "2026.11.0")
    proc = tsc(source, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expected = [pattern for _, pattern, _ in HOSTS] + ["shop.example.com"]
    assert allow_navigation(tmp_path) == [expected, expected]


@pytest.mark.slow
def test_type_checks_the_real_registry_output(tmp_path: Path) -> None:
    options = Options(
        app_scheme="myshop", framework="capacitor", redirect_url="https://shop.example.com/done"
    )
    built, _ = build_view(validate.load(), Criteria(), options)
    assert built.pg_hosts
    proc = tsc(render_body(TARGET, built), tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hosts = [pattern for _, pattern, _ in built.pg_hosts] + ["shop.example.com"]
    assert allow_navigation(tmp_path) == [hosts, hosts]


def test_no_redirect_url_no_redirect_host() -> None:
    built, _ = build_view(
        validate.load(), Criteria(), Options(app_scheme="myshop", framework="capacitor")
    )
    assert built.redirect_host == ""
    assert "--redirect-url" not in render_body(TARGET, built)


@pytest.mark.slow
def test_hostile_values_stay_inside_literals_and_comments(tmp_path: Path) -> None:
    hostile = view(
        pg_hosts=((HOSTILE, HOSTILE, HOSTILE),),
        pgs_without_hosts=(HOSTILE,),
        redirect_host=HOSTILE,
    )
    source = render_body(TARGET, hostile)
    assert escape.js_string(HOSTILE) in source
    assert escape.line_comment(HOSTILE) in source
    assert not any(ch in source for ch in "\r\u2028\U0001f600")
    proc = tsc(source, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert allow_navigation(tmp_path) == [[HOSTILE, HOSTILE]] * 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("    allowNavigation: paymentAllowNavigation,", "    allowNavigations: [],", "TS2561"),
        (
            "    allowNavigation: paymentAllowNavigation,",
            "    allowNavigation: paymentAllowNavigation,\n    cleartext: 'yes',",
            "TS2322",
        ),
    ],
    ids=["misspelt-key", "wrong-type"],
)
def test_tsc_catches_a_wrong_config(tmp_path: Path, old: str, new: str, code: str) -> None:
    source = render_body(TARGET, view())
    assert old in source
    proc = tsc(source.replace(old, new), tmp_path)
    assert proc.returncode != 0
    assert code in proc.stdout + proc.stderr
