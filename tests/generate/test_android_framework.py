"""The generated Java and Kotlin clients on Robolectric's Android, run on the URL table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import android_jvm
import pytest
import yaml
from conftest import ROOT, sample_view

from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header
from schemegen.generate.views import Options, build_view
from schemegen.registry import validate
from schemegen.registry.selection import Criteria

TABLE = yaml.safe_load((ROOT / "tests" / "url_cases.yaml").read_text(encoding="utf-8"))
SCENARIOS: list[str] = TABLE["scenarios"]
CASES: list[dict[str, Any]] = [case for case in TABLE["cases"] if "android" in case["platforms"]]
LANGS = ("java", "kotlin")
ENTRIES = ("client", "launcher")  # PaymentWebViewClient.shouldOverrideUrlLoading, launcher.handle
ACTIONS = {
    "web": (),
    "launch": ("url", "package"),
    "store": ("url",),
    "fallback_web": ("url",),
    "not_installed": ("scheme", "package"),
    "return": ("url",),
    "block": (),
    "external": ("url",),
}
STORE_HOSTS = ("play.google.com", "onesto.re", "onestore.co.kr")
POPUP_URL = "intent://pay?x=1#Intent;scheme=ispmobile;package=kvp.jjy.MispAndroid320;end"
RETURNS = [
    "myshop://result?imp_uid=imp_1",
    "MYSHOP://result?imp_uid=imp_1",
    "https://shop.example.com/payments/complete",
    "myshopx://result",
    None,
]
HOSTILE_SCHEME = "pwned-scheme\"; } /* */ \u2028\u2029 \n\r ${x} $x \\ \\u0022 'q' \0 \U0001f600"
HOSTILE_PACKAGE = 'pwned.pkg" + evil() + "*/\n${x}$x\\"\\\\\u0085'
# (class-name prefix and package part, scheme) -> the package packageForScheme must answer.
LOOKUPS = [
    ("hostile", HOSTILE_SCHEME, HOSTILE_PACKAGE),
    ("hostile", HOSTILE_SCHEME.upper(), HOSTILE_PACKAGE),
    ("hostile", "pwned-scheme", None),
    ("real", "kftc-bankpay", "com.kftc.bankpay.android"),
    ("real", "ISPMOBILE", "kvp.jjy.MispAndroid320"),
    ("real", "shinhan-sr-ansimclick_samsungpay", "com.shcard.smartpay"),
    ("real", "nhappvardansimclick", None),
]
PREFIX = {"sample": "", "hostile": "Shop", "real": "Real"}


def expected(case: dict[str, Any], scenario: str) -> dict[str, Any]:
    outcomes: dict[str, dict[str, Any]] = case["expect"]
    return outcomes.get(scenario, outcomes["installed"])


def java_package(view: str, lang: str) -> str:
    # One package per language, so both builds load in one JVM.
    return f"com.example.{view}.{lang}"


def views(lang: str) -> dict[str, View]:
    real, _ = build_view(
        validate.load(),
        Criteria(),
        Options(app_scheme="myshop", java_package=java_package("real", lang), class_prefix="Real"),
    )
    hostile = sample_view(
        app_scheme="myshop",
        scheme_packages=(
            (HOSTILE_SCHEME, HOSTILE_PACKAGE),
            ("ispmobile", "kvp.jjy.MispAndroid320"),
        ),
        java_package=java_package("hostile", lang),
        class_prefix="Shop",
    )
    return {
        "sample": sample_view(java_package=java_package("sample", lang)),
        "hostile": hostile,
        "real": real,
    }


def write_sources(root: Path, lang: str) -> list[Path]:
    paths = []
    for view in views(lang).values():
        for target in TARGETS:
            if target.lang != lang or "native" not in target.frameworks:
                continue
            name = Path(target_path(target, view.class_prefix)).name
            path = root.joinpath(*view.java_package.split("."), name)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = with_header(target, render_body(target, view), view.registry_version)
            path.write_bytes(text.encode("utf-8"))
            paths.append(path)
    return paths


BAD_FIELDS = (
    "i.n=x",
    "l.n=1.5",
    "f.n=",
    "d.n=e",
    "b.n=",
    "B.n=yes",
    "s.n=99999",
    "c.n=1",
    "S.=",
    "launchFlags=",
    "launchFlags=0x",
    "launchFlags=-1",
    "component=",
    "component=/",
    "component=x/.Y",
    "SEL",
    "sourceBounds=1",
    "scheme=",
    "package=",
    "category=",
    "%",
    "S.browser_fallback_url=%E0%A4%A",
    "S.browser_fallback_url=market%3A%2F%2Fdetails",
)


def fuzz_urls() -> list[str]:
    """Truncations of every table URL, and intents with each malformed field."""
    urls = {case["url"][:end] for case in CASES for end in range(0, len(case["url"]), 5)}
    for field in BAD_FIELDS:
        urls.add(f"intent://pay#Intent;scheme=ispmobile;{field};end")
        urls.add(f"intent:#Intent;{field};end")
        urls.add(f"INTENT:pay#Intent;{field}")
    urls.update(
        ("intent:", "intent:#", "intent:#Intent;", "intent:#Intent;end", "market:", "market:?id")
    )
    return sorted(urls)


def harness_input() -> dict[str, Any]:
    return {
        "clients": [{"lang": lang, "package": java_package("sample", lang)} for lang in LANGS],
        "apps": TABLE["apps"],
        "cases": [{"id": case["id"], "url": case["url"]} for case in CASES],
        "popup_url": POPUP_URL,
        "returns": RETURNS,
        "fuzz": fuzz_urls(),
        "lookups": [
            {
                "class": f"{java_package(view, lang)}.{PREFIX[view]}PaymentUrlLauncher",
                "scheme": scheme,
            }
            for lang in LANGS
            for view, scheme, _ in LOOKUPS
        ],
    }


@dataclass(frozen=True)
class Results:
    """What the harness reported: per (scenario, lang, entry, case) and the feature checks."""

    runs: dict[tuple[str, str, str, str], dict[str, Any]]
    features: dict[str, Any]


@pytest.fixture(scope="session")
def framework(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """Compiles both clients once against android-all and runs the whole harness in one JVM."""
    tmp = tmp_path_factory.mktemp("android-framework")
    classpath = android_jvm.resolve(tmp)
    kotlinc = android_jvm.find_kotlinc()
    classes = tmp / "classes"
    # Each language on its own: either folder alone compiles.
    android_jvm.compile_java(classpath, write_sources(tmp / "java", "java"), classes / "java")
    android_jvm.compile_kotlin(
        classpath, kotlinc, write_sources(tmp / "kotlin", "kotlin"), classes / "kotlin"
    )
    harness = android_jvm.build_harness(classpath, tmp / "harness")
    generated = [classes / "java", classes / "kotlin", android_jvm.kotlin_stdlib(kotlinc)]
    out = android_jvm.run_harness(classpath, harness, generated, harness_input(), tmp)
    runs = {
        (row["scenario"], row["lang"], row["entry"], row["case"]): row
        for scenario in SCENARIOS
        for row in out[scenario]
    }
    return Results(runs, out["features"])


# --- the table itself -------------------------------------------------------------------------


def test_table_is_well_formed() -> None:
    assert SCENARIOS == ["installed", "missing", "no_store", "non_activity", "subframe"]
    ids = [case["id"] for case in TABLE["cases"]]
    assert len(ids) == len(set(ids))
    for case in TABLE["cases"]:
        assert set(case["platforms"]) <= {"android", "ios"}, case["id"]
        assert ("expect" in case) == ("android" in case["platforms"]), case["id"]
        assert ("expect_ios" in case) == ("ios" in case["platforms"]), case["id"]
        for key, allowed in (("expect", SCENARIOS), ("expect_ios", ["installed", "missing"])):
            outcomes = case.get(key, {})
            assert not outcomes or "installed" in outcomes, case["id"]
            for scenario, outcome in outcomes.items():
                assert scenario in allowed, (case["id"], scenario)
                required = {"action", *ACTIONS[outcome["action"]]}
                # iOS returns may name the page the handler loads next (bank-transfer flows).
                optional = {"continue", "redirect"} if key == "expect_ios" else set()
                assert required <= set(outcome) <= required | optional, case["id"]


def test_table_covers_the_url_shapes_pg_pages_send() -> None:
    urls = [case["url"] for case in CASES]

    def has(fragment: str) -> bool:
        return any(fragment in url for url in urls)

    for fragment in (
        "#Intent;scheme=ispmobile;package=kvp.jjy.MispAndroid320;end",
        "intent:hdcardappcardansimclick://",
        "kftc-bankpay://",
        "market://",
        "https://play.google.com/store/apps/details?id=",
        "onesto",
        "S.browser_fallback_url=",
        "i.count=abc",
        "launchFlags=0xZZ",
        "component=",
        "SEL;",
        "INTENT://",
        "myshop://",
        "tel:",
        "about:blank",
        "javascript:",
    ):
        assert has(fragment), fragment
    assert any("#Intent;" in url and not url.endswith(("end", "end;")) for url in urls)
    fallbacks = [url for url in urls if "S.browser_fallback_url=" in url]
    assert any("package=" in url for url in fallbacks)
    assert any("package=" not in url for url in fallbacks)


# --- every URL, scenario, language and entry point ---------------------------------------------


def is_store_page(url: str) -> bool:
    return url.startswith("market:") or any(host in url for host in STORE_HOSTS)


def check_invariants(run: dict[str, Any], scenario: str) -> None:
    assert "threw" not in run, run["threw"]
    for intent in run["started"]:
        assert intent["action"] == "android.intent.action.VIEW"
        assert "android.intent.category.BROWSABLE" in intent["categories"]
        assert intent["component"] is None
        assert intent["selector"] is None
        assert "browser_fallback_url" not in intent["extras"]
        if scenario == "non_activity":
            assert intent["new_task"]
    for url in run.get("loaded", []):
        assert not is_store_page(url), f"a store page replaced the payment page: {url}"
        assert scenario != "subframe", f"a sub-frame's fallback replaced the payment page: {url}"


def observed(run: dict[str, Any]) -> dict[str, Any]:
    """The outcome, in the table's vocabulary, of what the harness saw."""
    started = [(intent["data"], intent["package"]) for intent in run["started"]]
    listener = run["listener"]
    if "decision" in run:
        handled = run["decision"] != "LOAD"
        loaded = [run["url"]] if run["decision"] == "LOAD_IN_TOP_FRAME" else []
    else:
        handled = run["handled"]
        loaded = run["loaded"]
    return {"handled": handled, "started": started, "loaded": loaded, "listener": listener}


def wanted(outcome: dict[str, Any]) -> dict[str, Any]:
    action = outcome["action"]
    want: dict[str, Any] = {"handled": action != "web", "started": [], "loaded": [], "listener": []}
    if action == "launch":
        want["started"] = [(outcome["url"], outcome["package"])]
    elif action in ("store", "external"):
        want["started"] = [(outcome["url"], None)]
    elif action == "fallback_web":
        want["loaded"] = [outcome["url"]]
    elif action == "not_installed":
        want["listener"] = [["not_installed", outcome["scheme"], outcome["package"]]]
    elif action == "return":
        want["listener"] = [["return", outcome["url"]]]
    return want


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_url_case(
    framework: Results, case: dict[str, Any], scenario: str, lang: str, entry: str
) -> None:
    run = framework.runs[scenario, lang, entry, case["id"]]
    check_invariants(run, scenario)
    assert observed(run) == wanted(expected(case, scenario))


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_string_overload_routes_like_a_sub_frame(
    framework: Results, case: dict[str, Any], lang: str
) -> None:
    """Below API 24 WebView gives no frame; the client takes it as a sub-frame."""
    run = framework.runs["subframe", lang, "client_legacy", case["id"]]
    check_invariants(run, "subframe")
    assert observed(run) == wanted(expected(case, "subframe"))


# --- the device enforces what the scenarios rely on --------------------------------------------


@pytest.mark.slow
def test_the_framework_enforces_new_task_and_browsable(framework: Results) -> None:
    assert framework.features["probes"] == {
        "appContextWithoutNewTask": "android.util.AndroidRuntimeException",
        "nonBrowsableAppWithBrowsable": "android.content.ActivityNotFoundException",
        "nonBrowsableAppPlain": "started",
        "unknownScheme": "android.content.ActivityNotFoundException",
    }


# --- settings, popups, dialogs, the onNewIntent return -----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_configure(framework: Results, lang: str) -> None:
    settings = framework.features[lang]["configure"]
    # Left as the platform sets them: issuers read the user agent, and PG pages must not
    # come from the cache.
    assert settings.pop("userAgent") == settings.pop("defaultUserAgent")
    assert settings.pop("cacheMode") == settings.pop("defaultCacheMode")
    assert settings == {
        "javaScript": True,
        "domStorage": True,
        "openWindowsAutomatically": True,
        "multipleWindows": True,
        "mixedContentMode": 2,  # WebSettings.MIXED_CONTENT_COMPATIBILITY_MODE
        "cookies": True,
        # Robolectric's CookieManager does not keep the third-party flag; compiled only.
        "thirdPartyCookies": False,
        "client": f"{java_package('sample', lang)}.PaymentWebViewClient",
        "chrome": f"{java_package('sample', lang)}.PaymentWebViewClient$DialogChromeClient",
    }


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_popup_window_gets_a_child_webview_and_closes(framework: Results, lang: str) -> None:
    popup = framework.features[lang]["popup"]
    routed = [popup.pop("routed"), popup.pop("routedFromPage")]
    assert popup == {
        "created": True,
        "transportFilled": True,
        "shownOverPage": True,
        "sameClient": True,
        "sameChrome": True,
        "popupOpensWindows": True,
        "popupJavaScript": True,
        "blankClosed": True,
        "pageKeptOpen": True,
        "removed": True,
        "destroyed": True,
        "pageKept": True,
    }
    for run in routed:
        check_invariants(run, "installed")
        assert run["handled"]
        assert [(i["data"], i["package"]) for i in run["started"]] == [
            ("ispmobile://pay?x=1", "kvp.jjy.MispAndroid320")
        ]


DIALOGS_WITH_ACTIVITY = {
    "alert": ["confirm"],
    "confirm_ok": ["confirm"],
    "confirm_cancel": ["cancel"],
    "prompt": ["confirm:4111"],
    "prompt_cancel": ["cancel"],
}
DIALOGS_WITHOUT_ACTIVITY = {
    "alert": ["confirm"],
    "confirm_ok": ["cancel"],
    "confirm_cancel": ["cancel"],
    "prompt": ["cancel"],
    "prompt_cancel": ["cancel"],
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("where", "answers", "shown"),
    [
        ("dialogs_activity", DIALOGS_WITH_ACTIVITY, True),
        ("dialogs_no_activity", DIALOGS_WITHOUT_ACTIVITY, False),
    ],
)
def test_js_dialogs_answer_exactly_once(
    framework: Results, lang: str, where: str, answers: dict[str, list[str]], shown: bool
) -> None:
    dialogs = framework.features[lang][where]
    for name, answer in answers.items():
        dialog = dialogs[name]
        assert "threw" not in dialog, (name, dialog)
        assert dialog["returned"], name
        assert dialog["shown"] == shown, name
        assert dialog["answeredBeforeDialog"] == (0 if shown else 1), name
        assert dialog["answers"] == answer, name
        if shown and name == "prompt":
            assert dialog["defaultValue"] == "default"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_on_new_intent_return_reaches_the_same_listener_call(framework: Results, lang: str) -> None:
    rows = framework.features[lang]["returns"]
    assert [row["url"] for row in rows] == RETURNS
    for row in rows:
        assert "threw" not in row
        is_return = row["url"] is not None and row["url"].lower().startswith("myshop://")
        assert row["delivered"] == is_return
        assert row["listener"] == ([["return", row["url"]]] if is_return else [])
        if is_return:
            assert row["inPage"] == row["listener"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_no_malformed_url_makes_a_client_throw(framework: Results, lang: str) -> None:
    assert framework.features[lang]["fuzz"] == []


@pytest.mark.slow
def test_generated_tables_survive_compilation_exactly(framework: Results) -> None:
    assert framework.features["lookups"] == [package for _ in LANGS for _, _, package in LOOKUPS]
