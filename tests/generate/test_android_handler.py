"""The Android WebView handler: golden files, escaping, and the Java and Kotlin run on a JVM."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from conftest import require_tool, sample_view, skip_or_fail

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header
from schemegen.generate.views import Options, build_view
from schemegen.registry import model as registry
from schemegen.registry.selection import Criteria

TESTS = Path(__file__).resolve().parent
STUBS = TESTS / "android_stubs"
GOLDEN = TESTS / "golden" / "android"
TARGET = {target.key: target for target in TARGETS}
LANGS = ("java", "kotlin")
SAMPLE_CLASS = "com.example.shop.payment.PaymentWebViewClient"

ISP = "intent://TID=123#Intent;scheme=ispmobile;package=kvp.jjy.MispAndroid320;end"
KB = "intent://pay?srCode=1&kb-acp://#Intent;scheme=kb-acp;package=com.kbcard.cxh.appcard;end"
HYUNDAI = (
    "intent:hdcardappcardansimclick://appcard?acctid=1#Intent;package=com.hyundaicard.appcard;end;"
)
FALLBACK = "https://example.com/fallback"
WITH_FALLBACK = (
    "intent://pay#Intent;scheme=samplepay;package=com.example.samplepay;"
    "S.browser_fallback_url=https%3A%2F%2Fexample.com%2Ffallback;end"
)
BARE_WITH_FALLBACK = (
    "intent://pay#Intent;scheme=ispmobile;"
    "S.browser_fallback_url=https%3A%2F%2Fexample.com%2Ffallback;end"
)
ISP_PACKAGE = "kvp.jjy.MispAndroid320"


Command = tuple[str | None, ...]
Results = dict[Command, Any]
OVERLOADS = ("request", "string")  # shouldOverrideUrlLoading(WebResourceRequest) and (String)


def market(package: str) -> str:
    return f"market://details?id={package}"


def play(package: str) -> str:
    return f"https://play.google.com/store/apps/details?id={package}"


# Hostile values: upstream validation refuses them; the templates must still escape them.
# Each carries "pwned" so the test can tell where it ended up. Lower case, because the Router
# looks schemes up lower-cased.
HOSTILE_SCHEME = (
    "pwned-scheme\"; } /* */ \u2028\u2029 \n\r ${x} $x \\ \\u0022 \\u000a 'q' \0 \U0001f600"
)
HOSTILE_PACKAGE = 'pwned.pkg" + evil() + "*/\n${x}$x\\"\\\\\u0085'
HOSTILE_APP_SCHEME = 'pwned"; System.exit(1); //\n*/ ${x} $x \\u0022\\'
HOSTILE_VALUES = (HOSTILE_SCHEME, HOSTILE_PACKAGE, HOSTILE_APP_SCHEME)
HOSTILE_CLASS = "com.example.hostile.ShopPaymentWebViewClient"


REAL_CLASS = "com.example.real.RealPaymentWebViewClient"


def real_view() -> View:
    """What `schemegen generate` builds from the shipped registry with default options."""
    options = Options(app_scheme="myshop", java_package="com.example.real", class_prefix="Real")
    view, _ = build_view(registry.load(), Criteria(), options)
    return view


# Bare-scheme lookups in the shipped registry's table, as PG pages send them.
REAL_LOOKUPS = [
    ("kftc-bankpay", "com.kftc.bankpay.android"),
    ("ispmobile", "kvp.jjy.MispAndroid320"),
    ("cloudpay", "com.hanaskcard.paycla"),
    ("shinhan-sr-ansimclick_samsungpay", "com.shcard.smartpay"),
    ("nhappcardansimclick", "nh.smart.nhallonepay"),
    ("nhappvardansimclick", None),
]


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


@pytest.mark.parametrize("key", LANGS)
def test_golden(key: str) -> None:
    name = Path(target_path(TARGET[key], "")).name
    path = GOLDEN / name
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


@pytest.mark.parametrize("key", LANGS)
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


@pytest.mark.parametrize("key", LANGS)
def test_hostile_values_stay_inside_escaped_literals(key: str) -> None:
    source = generated(key, hostile_view())
    lexed = lex(source)
    assert "pwned" not in lexed.code
    assert "pwned" not in lexed.comments
    quote = escape.java_string if key == "java" else escape.kotlin_string
    for value in HOSTILE_VALUES:
        assert quote(value) in lexed.literals
    assert not any(ch in source for ch in "\r\0\u2028\u2029\x85")
    if key == "java":
        # javac turns these escapes into a line break, quote or backslash before it lexes.
        assert not JAVA_UNSAFE_UNICODE_ESCAPE.search(source)
    else:
        assert [t for literal in lexed.literals for t in kotlin_templates(literal)] == []


# --- compiled and run on the JVM ----------------------------------------------------------


def run(command: list[str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        command, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if proc.returncode != 0:
        tool = Path(command[0]).name
        pytest.fail(f"{tool} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


# Java 8 and JVM target 1.8: generated code must build in any Android project.
JAVAC = ("--release", "8", "-encoding", "UTF-8")
KOTLINC = ("-Werror", "-jvm-target", "1.8")


def find_kotlinc() -> Path:
    configured = os.environ.get("KOTLINC")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"KOTLINC={configured} does not exist")
        return Path(configured)
    found = shutil.which("kotlinc")
    if found is None:
        skip_or_fail(
            "kotlinc not found: set KOTLINC or put it on PATH "
            "(npm install --prefix <dir> kotlin-compiler@2.4.20 ships "
            "<dir>/node_modules/kotlin-compiler/bin/kotlinc)"
        )
    return Path(found)


def write_source(root: Path, key: str, view: View) -> Path:
    name = Path(target_path(TARGET[key], view.class_prefix)).name
    path = root.joinpath(*view.java_package.split("."), name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(generated(key, view).encode("utf-8"))
    return path


@pytest.fixture(scope="session")
def android_stubs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    javac = require_tool("javac")
    out = tmp_path_factory.mktemp("android-stubs")
    sources = sorted(str(p) for p in (STUBS / "android").rglob("*.java"))
    run([javac, *JAVAC, "-nowarn", "-d", str(out), *sources])
    return out


@dataclass(frozen=True)
class Build:
    """The generated client (sample and hostile views) and the driver, compiled."""

    classpath: str

    def drive(self, commands: list[Command]) -> list[Any]:
        stdin = "".join("\t".join(map(encode_field, command)) + "\n" for command in commands)
        java = require_tool("java")
        lines = run([java, "-cp", self.classpath, "PaymentDriver"], stdin).splitlines()
        assert len(lines) == len(commands)
        return [json.loads(line) for line in lines]


def encode_field(value: str | None) -> str:
    """A driver field: `~` is null; non-printable-ASCII, `\\`, `~` and tab are `\\uXXXX`."""
    if value is None:
        return "~"
    units = value.encode("utf-16-be", "surrogatepass")
    out = []
    for i in range(0, len(units), 2):
        code = int.from_bytes(units[i : i + 2], "big")
        plain = 0x20 <= code < 0x7F and chr(code) not in "\\~"
        out.append(chr(code) if plain else f"\\u{code:04x}")
    return "".join(out)


@pytest.fixture(scope="module", params=LANGS)
def build(
    request: pytest.FixtureRequest, android_stubs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Build:
    lang: str = request.param
    javac = require_tool("javac")
    root = tmp_path_factory.mktemp(f"android-{lang}")
    views = (sample_view(), hostile_view(), real_view())
    sources = [str(write_source(root / "src", lang, view)) for view in views]
    classes = root / "classes"
    stubs = str(android_stubs)
    classpath = [stubs, str(classes)]
    if lang == "java":
        run([javac, *JAVAC, "-Xlint:all", "-Werror", "-cp", stubs, "-d", str(classes), *sources])
    else:
        kotlinc = find_kotlinc()
        stdlib = kotlinc.resolve().parent.parent / "lib" / "kotlin-stdlib.jar"
        assert stdlib.is_file(), f"no kotlin-stdlib.jar next to {kotlinc}"
        run([str(kotlinc), *KOTLINC, "-cp", stubs, "-d", str(classes), *sources])
        classpath.append(str(stdlib))
    driver = root / "driver"
    source = str(STUBS / "driver" / "PaymentDriver.java")
    run([javac, *JAVAC, "-nowarn", "-cp", os.pathsep.join(classpath), "-d", str(driver), source])
    return Build(os.pathsep.join([*classpath, str(driver)]))


ROUTES = [
    (ISP, "LAUNCH_INTENT"),
    (KB, "LAUNCH_INTENT"),
    (HYUNDAI, "LAUNCH_INTENT"),
    (WITH_FALLBACK, "LAUNCH_INTENT"),
    ("INTENT://TID=1#Intent;scheme=ispmobile;end", "LAUNCH_INTENT"),
    ("kftc-bankpay://eftpay?x=1", "LAUNCH_VIEW"),
    ("ispmobile://x", "LAUNCH_VIEW"),
    ("myshopx://result", "LAUNCH_VIEW"),
    (market(ISP_PACKAGE), "LAUNCH_MARKET"),
    ("https://pay.example.com/checkout", "LOAD_IN_WEBVIEW"),
    ("HTTP://pay.example.com/", "LOAD_IN_WEBVIEW"),
    ("about:blank", "LOAD_IN_WEBVIEW"),
    ("javascript:void(0)", "LOAD_IN_WEBVIEW"),
    ("data:text/html,<p>ok</p>", "LOAD_IN_WEBVIEW"),
    ("blob:https://pay.example.com/0b7e", "LOAD_IN_WEBVIEW"),
    ("file:///sdcard/Download/x.html", "LOAD_IN_WEBVIEW"),
    ("content://media/external/1", "LOAD_IN_WEBVIEW"),
    ("no scheme here", "LOAD_IN_WEBVIEW"),
    ("myshop://result?imp_uid=1", "APP_RETURN"),
    ("MYSHOP://result?imp_uid=1", "APP_RETURN"),
]

# (scheme, intent package, S.browser_fallback_url) -> fallback URLs, in order.
FALLBACKS = [
    pytest.param(
        ("kb-acp", "com.other.app", FALLBACK),
        [
            market("com.other.app"),
            FALLBACK,
            market("com.kbcard.cxh.appcard"),
            play("com.other.app"),
        ],
        id="package-then-page-then-registry-then-web",
    ),
    pytest.param(
        ("ispmobile", ISP_PACKAGE, None),
        [market(ISP_PACKAGE), play(ISP_PACKAGE)],
        id="registry-same-as-package",
    ),
    pytest.param(
        ("ispmobile", None, FALLBACK),
        [FALLBACK, market(ISP_PACKAGE), play(ISP_PACKAGE)],
        id="no-package",
    ),
    pytest.param(
        ("KFTC-BANKPAY", None, None),
        [market("com.kftc.bankpay.android"), play("com.kftc.bankpay.android")],
        id="registry-any-case",
    ),
    pytest.param(
        ("samplepay", "com.example.samplepay", FALLBACK),
        [market("com.example.samplepay"), FALLBACK, play("com.example.samplepay")],
        id="not-in-registry",
    ),
    pytest.param(("unknown", None, None), [], id="nothing-known"),
    pytest.param((None, None, None), [], id="all-null"),
    # Only well-formed packages and http(s) fallbacks leave the page's control.
    pytest.param(
        ("ispmobile", "x&referrer=evil", "javascript:alert(1)"),
        [market(ISP_PACKAGE), play(ISP_PACKAGE)],
        id="bad-package-and-script-fallback",
    ),
    pytest.param(("unknown", "", "intent://x#Intent;scheme=evil;end"), [], id="app-url-fallback"),
]


def start(data: str | None, package: str | None = None, outcome: str = "not found") -> str:
    return f"start {data}" + (f" package={package}" if package else "") + f": {outcome}"


def load(url: str) -> str:
    return f"load {url}"


ALL = "kvp.jjy.MispAndroid320,com.kbcard.cxh.appcard,com.hyundaicard.appcard,kftc-bankpay,market"
KFTC = "kftc-bankpay://eftpay?x=1"
VICTIM = "component=com.victim/.Internal"

# A device where `installed` (packages, or schemes for package-less URLs; "market" is the
# Play Store; "deny:" throws SecurityException) can be started, the URL, and what the client
# did, in order. Unless WEBVIEW is last, shouldOverrideUrlLoading returned true.
WEBVIEW = "left to the WebView"
GLUE = [
    pytest.param(ALL, ISP, [start("ispmobile://TID=123", ISP_PACKAGE, "ok")], id="isp"),
    pytest.param(
        "",
        ISP,
        [
            start("ispmobile://TID=123", ISP_PACKAGE),
            start(market(ISP_PACKAGE)),
            load(play(ISP_PACKAGE)),
        ],
        id="isp-no-store",
    ),
    pytest.param(
        "market",
        ISP,
        [start("ispmobile://TID=123", ISP_PACKAGE), start(market(ISP_PACKAGE), None, "ok")],
        id="isp-missing",
    ),
    pytest.param(
        "market",
        KB,
        [
            start("kb-acp://pay?srCode=1&kb-acp://", "com.kbcard.cxh.appcard"),
            start(market("com.kbcard.cxh.appcard"), None, "ok"),
        ],
        id="kb-missing",
    ),
    pytest.param(
        ALL,
        HYUNDAI,
        [start("hdcardappcardansimclick://appcard?acctid=1", "com.hyundaicard.appcard", "ok")],
        id="hyundai",
    ),
    pytest.param(
        "market",
        WITH_FALLBACK,
        [
            start("samplepay://pay", "com.example.samplepay"),
            start(market("com.example.samplepay"), None, "ok"),
        ],
        id="fallback-url-store-first",
    ),
    pytest.param(
        "",
        WITH_FALLBACK,
        [
            start("samplepay://pay", "com.example.samplepay"),
            start(market("com.example.samplepay")),
            load(FALLBACK),
        ],
        id="fallback-url-no-store",
    ),
    pytest.param(
        "market",
        BARE_WITH_FALLBACK,
        [start("ispmobile://pay"), load(FALLBACK)],
        id="fallback-url-before-registry",
    ),
    pytest.param(ALL, KFTC, [start(KFTC, None, "ok")], id="bankpay"),
    pytest.param(
        "market",
        KFTC,
        [start(KFTC), start(market("com.kftc.bankpay.android"), None, "ok")],
        id="bankpay-missing",
    ),
    pytest.param(
        "",
        "ispmobile://x",
        [start("ispmobile://x"), start(market(ISP_PACKAGE)), load(play(ISP_PACKAGE))],
        id="bare-isp-no-store",
    ),
    pytest.param("", "unknownpay://x", [start("unknownpay://x")], id="unknown-app"),
    pytest.param(
        "market", market(ISP_PACKAGE), [start(market(ISP_PACKAGE), None, "ok")], id="market"
    ),
    pytest.param(
        "",
        market(ISP_PACKAGE),
        [start(market(ISP_PACKAGE)), load(play(ISP_PACKAGE))],
        id="market-no-store",
    ),
    pytest.param(
        "deny:ispmobile,market",
        "ispmobile://x",
        [start("ispmobile://x", None, "denied"), start(market(ISP_PACKAGE), None, "ok")],
        id="security-exception",
    ),
    # The page names a component or a selector: the client launches neither (checked below).
    pytest.param(
        "ispmobile",
        f"intent://x#Intent;scheme=ispmobile;{VICTIM};end",
        [start("ispmobile://x", None, "ok")],
        id="component",
    ),
    pytest.param("", f"intent:#Intent;SEL;{VICTIM};end", [start(None)], id="selector"),
    # Unparseable intent URLs are swallowed, never loaded.
    pytest.param(ALL, f"intent://x#Intent;package={ISP_PACKAGE}", [], id="unterminated"),
    pytest.param(ALL, "intent://x#Intent;Q.bad=2;end", [], id="bad-extra"),
    pytest.param(ALL, "https://pay.example.com/checkout", [WEBVIEW], id="https"),
    pytest.param(ALL, "about:blank", [WEBVIEW], id="about"),
    pytest.param(ALL, "javascript:void(0)", [WEBVIEW], id="javascript"),
    pytest.param(
        ALL,
        "myshop://result?imp_uid=1",
        ["return myshop://result?imp_uid=1"],
        id="app-return",
    ),
    pytest.param(
        ALL,
        "MYSHOP://result?imp_uid=1",
        ["return MYSHOP://result?imp_uid=1"],
        id="app-return-upper-case",
    ),
]

HOSTILE_LOOKUPS = [
    (HOSTILE_SCHEME, HOSTILE_PACKAGE),
    (HOSTILE_SCHEME.upper(), HOSTILE_PACKAGE),
    ("pwned-scheme", None),
    ("ispmobile", ISP_PACKAGE),
]


def driver_commands() -> list[Command]:
    commands: list[Command] = [("route", url) for url, _ in ROUTES]
    commands += [("fallbacks", *cast("Command", case.values[0])) for case in FALLBACKS]
    for overload in OVERLOADS:
        commands += [("glue", overload, *cast("Command", case.values[:2])) for case in GLUE]
    commands += [("package", HOSTILE_CLASS, scheme) for scheme, _ in HOSTILE_LOOKUPS]
    commands += [("package", REAL_CLASS, scheme) for scheme, _ in REAL_LOOKUPS]
    commands.append(("configure",))
    return commands


@pytest.fixture(scope="module")
def results(build: Build) -> Results:
    commands = driver_commands()
    return dict(zip(commands, build.drive(commands), strict=True))


@pytest.mark.slow
def test_compiles_without_warnings(build: Build) -> None:
    """The fixture built the sample and hostile views with -Werror; the driver linked to both."""
    assert "PaymentDriver" in run([require_tool("javap"), "-cp", build.classpath, "PaymentDriver"])


@pytest.mark.slow
@pytest.mark.parametrize(("url", "action"), ROUTES)
def test_route(results: Results, url: str, action: str) -> None:
    assert results["route", url] == action


@pytest.mark.slow
@pytest.mark.parametrize(("args", "expected"), FALLBACKS)
def test_fallbacks(results: Results, args: tuple[str | None, ...], expected: list[str]) -> None:
    assert results[("fallbacks", *args)] == expected


def summarise(event: dict[str, Any]) -> str:
    if "start" in event:
        return start(event["start"], event["package"], event["outcome"])
    ((kind, url),) = event.items()
    return f"{kind} {url}"


@pytest.mark.slow
@pytest.mark.parametrize("overload", OVERLOADS)
@pytest.mark.parametrize(("installed", "url", "events"), GLUE)
def test_glue(results: Results, overload: str, installed: str, url: str, events: list[str]) -> None:
    outcome = results["glue", overload, installed, url]
    done = [summarise(event) for event in outcome["events"]]
    assert done + ([] if outcome["handled"] else [WEBVIEW]) == events
    for event in outcome["events"]:
        if "start" in event:
            assert event["action"] == "android.intent.action.VIEW"
            assert "android.intent.category.BROWSABLE" in event["categories"]
            assert event["component"] is None
            assert event["selector"] is None


@pytest.mark.slow
def test_configure(results: Results) -> None:
    assert results[("configure",)] == {
        "javaScript": True,
        "domStorage": True,
        "mixedContentAlwaysAllow": True,
        "cacheModeDefault": True,
        "userAgentUntouched": True,
        "cookies": True,
        "thirdPartyCookies": True,
        "client": SAMPLE_CLASS,
        "chromeClient": True,
    }


@pytest.mark.slow
@pytest.mark.parametrize(("scheme", "package"), HOSTILE_LOOKUPS)
def test_hostile_values_survive_compilation_exactly(
    results: Results, scheme: str, package: str | None
) -> None:
    assert results["package", HOSTILE_CLASS, scheme] == package


@pytest.mark.slow
@pytest.mark.parametrize(("scheme", "package"), REAL_LOOKUPS)
def test_generated_output_from_the_shipped_registry_compiles_and_looks_up(
    results: Results, scheme: str, package: str | None
) -> None:
    assert results["package", REAL_CLASS, scheme] == package
