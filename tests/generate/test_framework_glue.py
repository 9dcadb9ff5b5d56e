"""The Flutter MethodChannel handler and the Capacitor plugin: golden files, javac/kotlinc, JVM."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, require_tool, sample_view, skip_or_fail
from test_android_handler import (
    HOSTILE_APP_SCHEME,
    JAVA_UNSAFE_UNICODE_ESCAPE,
    kotlin_templates,
    lex,
)

from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header

TESTS = Path(__file__).resolve().parent
STUBS = TESTS / "framework_stubs"
GOLDEN = TESTS / "golden"
TARGET = {target.key: target for target in TARGETS}
GLUE = {
    "java": ("java-channel", "capacitor-plugin"),
    "kotlin": ("kotlin-channel", "capacitor-plugin-kotlin"),
}
PACKAGE = "com.example.shop.payment"
URL_CASES = ROOT / "tests" / "url_cases.yaml"

FALLBACK = "https://example.com/fallback"
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

# Stands in for PaymentUrlLauncher on the plain JVM: the native launcher's API (a Context and a
# Listener in, a Decision out) with scripted answers, so that every branch of the glue runs.
# It records each call as "URL mainFrame=BOOL".
RECORDING_LAUNCHER = f"""package {PACKAGE};

import android.content.Context;
import android.net.Uri;
import java.util.ArrayList;
import java.util.List;

public class PaymentUrlLauncher {{
    public static final List<String> STUB_CALLS = new ArrayList<>();

    public interface Listener {{
        void onPaymentReturn(Uri uri);

        default void onAppNotInstalled(String scheme, String packageName) {{
        }}
    }}

    public static final class Decision {{
        public enum Kind {{ LOAD, HANDLED, LOAD_IN_TOP_FRAME }}

        private final Kind kind;
        private final String url;

        Decision(Kind kind, String url) {{
            this.kind = kind;
            this.url = url;
        }}

        public Kind getKind() {{
            return kind;
        }}

        public String getUrl() {{
            return url;
        }}
    }}

    private final Listener listener;

    public PaymentUrlLauncher(Context context, Listener listener) {{
        this.listener = listener;
    }}

    public Decision handle(String url, boolean isMainFrame) {{
        STUB_CALLS.add(url + " mainFrame=" + isMainFrame);
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("myshop:")) {{
            listener.onPaymentReturn(Uri.parse(url));
        }} else if (lower.contains("unknownpay")) {{
            listener.onAppNotInstalled("unknownpay", null);
        }} else if (lower.contains("fallback") && isMainFrame) {{
            return new Decision(Decision.Kind.LOAD_IN_TOP_FRAME, "{FALLBACK}");
        }} else if (lower.matches("(https?|about|javascript|data|blob|file|content):.*")
                && !lower.contains("play.google.com")) {{
            return new Decision(Decision.Kind.LOAD, null);
        }}
        return new Decision(Decision.Kind.HANDLED, null);
    }}
}}
"""
# Java 8 and JVM target 1.8: generated code must build in any Android project.
JAVAC = ("--release", "8", "-encoding", "UTF-8")
KOTLINC = ("-Werror", "-jvm-target", "1.8")
# Without the shared table (tests/url_cases.yaml), the URL shapes PG pages send.
BUILT_IN_CASES = [
    ("isp", "intent://TID=123#Intent;scheme=ispmobile;package=kvp.jjy.MispAndroid320;end"),
    ("hyundai", "intent:hdcardappcardansimclick://appcard?acctid=1#Intent;end;"),
    (
        "fallback",
        "intent://pay#Intent;scheme=samplepay;package=com.example.samplepay;"
        "S.browser_fallback_url=https%3A%2F%2Fexample.com%2Ffallback;end",
    ),
    ("bankpay", "kftc-bankpay://eftpay?x=1"),
    ("market", "market://details?id=kvp.jjy.MispAndroid320"),
    ("play-store-link", "https://play.google.com/store/apps/details?id=kvp.jjy.MispAndroid320"),
    ("unknown-app", "unknownpay://x"),
    ("https", "https://pay.example.com/checkout"),
    ("about", "about:blank"),
    ("javascript", "javascript:void(0)"),
    ("no-scheme", "no scheme here"),
    ("app-return", "myshop://result?imp_uid=1"),
    ("app-return-upper-case", "MYSHOP://result?imp_uid=1"),
]


def run(command: list[str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        command, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if proc.returncode != 0:
        tool = Path(command[0]).name
        pytest.fail(f"{tool} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def find_kotlinc() -> Path:
    configured = os.environ.get("KOTLINC")
    if configured:
        return Path(configured)
    found = shutil.which("kotlinc")
    if found is None:
        skip_or_fail("kotlinc not found: set KOTLINC or put it on PATH (.ci/run installs it)")
    return Path(found)


def scripted(url: str, main_frame: bool) -> dict[str, str]:
    """What the channel must answer for `url`, given RECORDING_LAUNCHER's scripted decisions."""
    lower = url.lower()
    if lower.startswith("myshop:"):
        return {"action": "return", "url": url}
    if "unknownpay" in lower:
        return {"action": "notInstalled", "url": url}
    if "fallback" in lower and main_frame:
        return {"action": "load", "url": FALLBACK}
    web = re.match(r"(https?|about|javascript|data|blob|file|content):", lower, re.DOTALL)
    if web and "play.google.com" not in lower:
        return {"action": "load", "url": url}
    return {"action": "handled", "url": url}


def generated(key: str, view: View) -> str:
    return with_header(TARGET[key], render_body(TARGET[key], view), view.registry_version)


@pytest.mark.parametrize("key", [key for keys in GLUE.values() for key in keys])
def test_golden(key: str) -> None:
    path = GOLDEN / target_path(TARGET[key], "")
    text = generated(key, sample_view())
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_bytes().decode("utf-8") == text


@pytest.mark.parametrize("key", [key for keys in GLUE.values() for key in keys])
def test_glue_calls_the_launcher_and_never_copies_it(key: str) -> None:
    source = render_body(TARGET[key], sample_view())
    assert re.search(
        r"PaymentUrlLauncher\(\s*(getContext\(\)|context),\s*listener\)\s*\.handle\(", source
    )
    for copied in ("parseUri", "startActivity", "market://", "PackageManager", "resolveActivity"):
        assert copied not in source


@pytest.mark.parametrize("key", [key for keys in GLUE.values() for key in keys])
def test_hostile_app_scheme_stays_inside_an_escaped_literal(key: str) -> None:
    source = render_body(TARGET[key], sample_view(app_scheme=HOSTILE_APP_SCHEME))
    lexed = lex(source)
    assert "pwned" not in lexed.code
    assert "pwned" not in lexed.comments
    if TARGET[key].lang == "java":
        assert not JAVA_UNSAFE_UNICODE_ESCAPE.search(source)
    else:
        assert [t for literal in lexed.literals for t in kotlin_templates(literal)] == []


# --- the snippets developers paste ---------------------------------------------------------


def snippet(source: str) -> str:
    """The code block of the doc comment: ``` fences (Kotlin) or <pre> (Java)."""
    found = re.search(r"```\n(.*?) \* ```", source, re.DOTALL) or re.search(
        r"<pre>\n(.*?) \* </pre>", source, re.DOTALL
    )
    assert found is not None, "no snippet in the doc comment"
    return html.unescape(re.sub(r"^ \* ?", "", found.group(1), flags=re.MULTILINE))


def main_activity(key: str, lang: str, view: View) -> str:
    """The default MainActivity of a new Flutter or Capacitor app, with the snippet pasted."""
    base = (
        "io.flutter.embedding.android.FlutterActivity"
        if "channel" in key
        else "com.getcapacitor.BridgeActivity"
    )
    code = snippet(render_body(TARGET[key], view))
    if lang == "java":
        return (
            f"package com.example.shop;\n\npublic class MainActivity extends {base} {{\n{code}}}\n"
        )
    return f"package com.example.shop\n\nclass MainActivity : {base}() {{\n{code}}}\n"


# --- compiled and run on a plain JVM, with the recording launcher ---------------------------


@dataclass(frozen=True)
class Build:
    classpath: str

    def drive(self, cases: list[dict[str, str]]) -> list[Any]:
        java = require_tool("java")
        lines = run([java, "-cp", self.classpath, "FrameworkDriver"], json.dumps(cases))
        return [json.loads(line) for line in lines.splitlines()]


@pytest.fixture(scope="session")
def stub_classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    javac = require_tool("javac")
    out = tmp_path_factory.mktemp("framework-stubs")
    folders = (STUBS / "android", STUBS / "flutter", STUBS / "capacitor")
    sources = sorted(str(p) for folder in folders for p in folder.rglob("*.java"))
    run([javac, *JAVAC, "-nowarn", "-d", str(out), *sources])
    return out


def write(root: Path, package: str, name: str, text: str) -> str:
    path = root.joinpath(*package.split("."), name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def glue_sources(root: Path, lang: str, view: View) -> list[str]:
    """The channel, the plugin and a MainActivity with each snippet pasted, under `root`."""
    sources = []
    ext = "java" if lang == "java" else "kt"
    for key in GLUE[lang]:
        name = Path(target_path(TARGET[key], "")).name
        sources.append(write(root, PACKAGE, name, generated(key, view)))
        # One MainActivity per framework, so both compile in one package.
        activity = "MainActivityFlutter" if "channel" in key else "MainActivityCapacitor"
        text = main_activity(key, lang, view).replace("class MainActivity ", f"class {activity} ")
        sources.append(write(root, "com.example.shop", f"{activity}.{ext}", text))
    return sources


def compile_sources(lang: str, classpath: list[str], sources: list[str], out: Path) -> list[str]:
    """Compiles with javac or kotlinc (-Werror); returns the run-time class path additions."""
    if lang == "java":
        javac = require_tool("javac")
        flags = [*JAVAC, "-Xlint:all", "-Werror"]
        run([javac, *flags, "-cp", os.pathsep.join(classpath), "-d", str(out), *sources])
        return []
    kotlinc = find_kotlinc()
    stdlib = kotlinc.resolve().parent.parent / "lib" / "kotlin-stdlib.jar"
    run([str(kotlinc), *KOTLINC, "-cp", os.pathsep.join(classpath), "-d", str(out), *sources])
    return [str(stdlib)]


@pytest.fixture(scope="module", params=tuple(GLUE))
def build(
    request: pytest.FixtureRequest, stub_classes: Path, tmp_path_factory: pytest.TempPathFactory
) -> Build:
    lang: str = request.param
    javac = require_tool("javac")
    root = tmp_path_factory.mktemp(f"glue-{lang}")
    classes = root / "classes"
    classpath = [str(stub_classes), str(classes)]
    launcher = write(root / "launcher", PACKAGE, "PaymentUrlLauncher.java", RECORDING_LAUNCHER)
    run([javac, *JAVAC, "-cp", str(stub_classes), "-d", str(classes), launcher])
    sources = glue_sources(root / "src", lang, sample_view())
    classpath += compile_sources(lang, classpath, sources, classes)
    driver = root / "driver"
    source = str(STUBS / "driver" / "FrameworkDriver.java")
    run([javac, *JAVAC, "-nowarn", "-cp", os.pathsep.join(classpath), "-d", str(driver), source])
    return Build(os.pathsep.join([*classpath, str(driver)]))


def url_table() -> list[dict[str, Any]]:
    """The Android cases of the shared URL-case table when present, else the built-in ones."""
    if URL_CASES.is_file():
        table = yaml.safe_load(URL_CASES.read_text(encoding="utf-8"))
        return [
            {"id": case["id"], "url": case["url"], "expect": case["expect"]}
            for case in table["cases"]
            if "android" in case.get("platforms", ["android"])
        ]
    return [{"id": id_, "url": url} for id_, url in BUILT_IN_CASES]


Outcomes = tuple[list[dict[str, Any]], list[Any]]


@pytest.fixture(scope="module")
def outcomes(build: Build) -> Outcomes:
    cases = url_table()
    results = build.drive([{"id": c["id"], "url": c["url"]} for c in cases])
    assert len(results) == len(cases) + 1
    assert [r["id"] for r in results[:-1]] == [c["id"] for c in cases]
    return cases, results


@pytest.mark.slow
def test_channel_hands_every_url_to_the_launcher(outcomes: Outcomes) -> None:
    cases, results = outcomes
    for case, result in zip(cases, results, strict=False):
        url = case["url"]
        main, sub = result["channel"], result["subframe"]
        assert main["launcher"] == [f"{url} mainFrame=true"], case["id"]
        assert sub["launcher"] == [f"{url} mainFrame=false"], case["id"]
        assert main["result"] == {"success": scripted(url, main_frame=True)}, case["id"]
        assert sub["result"] == {"success": scripted(url, main_frame=False)}, case["id"]


@pytest.mark.slow
def test_plugin_overrides_only_urls_that_leave_the_webview(outcomes: Outcomes) -> None:
    cases, results = outcomes
    for case, result in zip(cases, results, strict=False):
        url, plugin = case["url"], result["plugin"]
        answer = scripted(url, main_frame=True)
        if answer["action"] == "return" or not SCHEME.match(url):
            # Capacitor's own handling: the return reaches the app as appUrlOpen.
            assert plugin == {"override": None, "events": [], "launcher": []}, case["id"]
            continue
        assert plugin["launcher"] == [f"{url} mainFrame=true"], case["id"]
        if answer == {"action": "load", "url": url}:
            assert plugin["override"] is None, case["id"]
            assert plugin["events"] == [], case["id"]
        elif answer["action"] == "load":
            assert plugin["override"] is True, case["id"]
            assert plugin["events"] == [{"load": answer["url"]}], case["id"]
        else:
            assert plugin["override"] is True, case["id"]
            assert plugin["events"] == [], case["id"]


def test_scripted_launcher_covers_every_answer() -> None:
    """The table drives every branch of the glue through the recording launcher."""
    answers = {
        scripted(c["url"], main_frame=main)["action"] for c in url_table() for main in (True, False)
    }
    assert answers == {"load", "return", "notInstalled", "handled"}


@pytest.mark.slow
def test_other_channel_methods_are_not_implemented(outcomes: Outcomes) -> None:
    _, results = outcomes
    assert results[-1] == {
        "channelName": "com.example.shop.payment/payment",
        "noArguments": {"error": "bad-arguments"},
        "unknownMethod": "notImplemented",
    }


def test_channel_name_matches_the_dart_side() -> None:
    dart = render_body(TARGET["dart"], sample_view())
    for key in ("kotlin-channel", "java-channel"):
        source = render_body(TARGET[key], sample_view())
        assert '"com.example.shop.payment/payment"' in source
    assert 'MethodChannel("com.example.shop.payment/payment")' in dart
    assert "'openUrl'" in dart
