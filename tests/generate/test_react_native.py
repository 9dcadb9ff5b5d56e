"""React Native: tsc against the published types, and the URL router in Node on the URL table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, sample_view
from jstools import link_node_modules, node, tsc

from schemegen.cli.main import main
from schemegen.generate import render
from schemegen.generate import views as generate
from schemegen.registry import selection, validate

TARGET = {t.key: t for t in render.TARGETS}
GOLDEN = Path(__file__).parent / "golden"
URL_CASES = ROOT / "tests" / "url_cases.yaml"
TYPES = ("typescript", "react-native", "react-native-webview", "@types/react", "react")
TSCONFIG = {
    "compilerOptions": {
        "target": "es2022",
        "lib": ["es2022"],
        "module": "esnext",
        "moduleResolution": "bundler",
        "jsx": "react-jsx",
        "strict": True,
        "noUncheckedIndexedAccess": True,
        "noEmit": True,
        "skipLibCheck": True,
        "types": [],
    }
}
# Plays the device of each scenario of tests/url_cases.yaml for React Native's Linking.openURL,
# which starts ACTION_VIEW of the URL with no category and no package (react-native
# ReactAndroid/src/main/java/com/facebook/react/modules/intent/IntentModule.kt), and rejects
# when nothing takes it.
DRIVER = r"""
const fs = require("fs");
const router = require(process.argv[2]);
const table = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));

function opens(url, platform, scenario) {
  const scheme = router.urlScheme(url);
  const apps = scenario !== "missing" && scenario !== "no_store";
  const outside = scenario !== "no_store";  // a store app and a browser
  if (scheme === "tel" || scheme === "mailto" || scheme === "sms") return true;
  if (platform === "ios" && scheme.startsWith("itms-app")) return true;
  if (scheme === "http" || scheme === "https" || scheme === "market") return outside;
  return apps && table.apps.some((app) => app.schemes.includes(scheme));
}

async function outcome(url, platform, scenario) {
  const kind = router.classifyPaymentUrl(url, platform);
  if (kind === "web") return { action: "web" };
  if (kind === "return") {
    const out = { action: "return", url };
    const next = router.bankTransferContinuation(url);
    const redirect = router.transferRedirect(url);
    if (platform === "ios" && next !== null) out.continue = next;
    if (platform === "ios" && redirect !== null) out.redirect = redirect;
    return out;
  }
  const opener = {
    openURL: (next) => opens(next, platform, scenario) ? Promise.resolve(true)
      : Promise.reject(new Error("Could not open URL " + next)),
    loadInWebView: () => {},
  };
  return router.openExternalPaymentUrl(url, platform, opener, scenario !== "subframe");
}

(async () => {
  const results = {};
  for (const c of table.cases) {
    for (const platform of c.platforms) {
      const scenarios = platform === "ios" ? ["installed", "missing"] : table.scenarios;
      for (const scenario of scenarios) {
        results[`${c.id}/${platform}/${scenario}`] = await outcome(c.url, platform, scenario);
      }
    }
  }
  console.log(JSON.stringify(results));
})();
"""
# Where Linking cannot do what the native router does, the outcome React Native gets instead.
LINKING_LIMITS = {
    # Linking adds no CATEGORY_BROWSABLE, so it also reaches app activities a web page could
    # not reach from a browser.
    f"kb-intent-not-browsable/android/{scenario}": {
        "action": "launch",
        "url": "kb-acp://pay",
        "package": "com.kbcard.cxh.appcard",
    }
    for scenario in ("installed", "non_activity", "subframe")
}


def tsconfig(files: list[str]) -> str:
    return json.dumps({**TSCONFIG, "files": files}, indent=2)


def rendered(key: str, **overrides: object) -> str:
    view = sample_view(**overrides)
    return render.with_header(TARGET[key], render.render_body(TARGET[key], view), "2026.11.0")


def generated_files(tmp_path: Path) -> Path:
    """The project-shaped output of `generate --framework react-native`, with node_modules."""
    out = tmp_path / "app"
    assert main(["generate", "--framework", "react-native", "--app-scheme", "myshop",
                 "--out", str(out)]) == 0  # fmt: skip
    link_node_modules(out, *TYPES)
    return out


def load_table() -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(URL_CASES.read_text(encoding="utf-8"))
    return table


# --- type checks -----------------------------------------------------------------------------


@pytest.mark.slow
def test_tsx_and_ts_type_check_strict_against_published_types(tmp_path: Path) -> None:
    out = generated_files(tmp_path)
    (out / "tsconfig.json").write_text(
        tsconfig(["react-native/PaymentWebView.tsx", "react-native/paymentUrls.ts"])
    )
    done = tsc(out, "-p", "tsconfig.json")
    assert done.returncode == 0, done.stdout + done.stderr


SYNC = "(request: ShouldStartLoadRequest): boolean =>"
BROKEN = {
    # A misspelled prop: caught only because the props go through `satisfies WebViewProps`.
    "misspelled-prop": (
        "javaScriptEnabled: true,",
        "javaScriptEnabled: true,\n    setSupportMultipleWindow: true,",
        "TS2561",
    ),
    "wrong-prop-type": ('mixedContentMode: "always",', 'mixedContentMode: "yes",', "TS2322"),
    # The callback must answer synchronously: a Promise is not a boolean.
    "async-callback": (
        SYNC,
        "async (request: ShouldStartLoadRequest) =>",
        "'Promise<boolean>' is not assignable to type 'boolean'",
    ),
    "misspelled-event-field": ("nativeEvent.targetUrl", "nativeEvent.targetUrI", "TS2551"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_wrong_prop_fails_the_type_check(tmp_path: Path, name: str) -> None:
    old, new, error = BROKEN[name]
    out = generated_files(tmp_path)
    component = out / "react-native" / "PaymentWebView.tsx"
    source = component.read_text(encoding="utf-8")
    assert old in source
    (out / "react-native" / "Broken.tsx").write_text(source.replace(old, new, 1))
    (out / "tsconfig.json").write_text(tsconfig(["react-native/Broken.tsx"]))
    done = tsc(out, "-p", "tsconfig.json")
    assert done.returncode != 0
    assert error in done.stdout, done.stdout


# --- the router in Node ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Every case of the URL table through the compiled paymentUrls.ts, in one Node run."""
    out = tmp_path_factory.mktemp("rn")
    (out / "paymentUrls.ts").write_text(render.render_body(TARGET["ts"], sample_view()))
    link_node_modules(out, "typescript")
    done = tsc(
        out,
        "paymentUrls.ts",
        "--ignoreConfig",
        "--outDir",
        "js",
        "--module",
        "commonjs",
        "--target",
        "es2022",
        "--strict",
        "--noUncheckedIndexedAccess",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (out / "table.json").write_text(json.dumps(load_table()), encoding="utf-8")
    (out / "driver.js").write_text(DRIVER, encoding="utf-8")
    run = node(out, out / "driver.js", str(out / "js" / "paymentUrls.js"), str(out / "table.json"))
    assert run.returncode == 0, run.stderr
    outcomes: dict[str, dict[str, object]] = json.loads(run.stdout)
    return outcomes


def _rows() -> list[Any]:
    """(case/platform/scenario, expected outcome); a scenario left out is `installed`."""
    table = load_table()
    rows = []
    for case in table["cases"]:
        for platform in case["platforms"]:
            expect = case["expect_ios" if platform == "ios" else "expect"]
            scenarios = ("installed", "missing") if platform == "ios" else table["scenarios"]
            for scenario in scenarios:
                key = f"{case['id']}/{platform}/{scenario}"
                rows.append(pytest.param(key, expect.get(scenario, expect["installed"]), id=key))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize(("key", "expected"), _rows())
def test_router_follows_the_url_table(
    node_outcomes: dict[str, dict[str, object]], key: str, expected: dict[str, object]
) -> None:
    assert node_outcomes[key] == LINKING_LIMITS.get(key, expected)


def test_every_linking_limit_is_a_row_of_the_table() -> None:
    rows = {row.values[0]: row.values[1] for row in _rows()}
    for key, outcome in LINKING_LIMITS.items():
        assert key in rows
        assert rows[key] != outcome


# --- generation ------------------------------------------------------------------------------


def test_react_native_adds_its_files_and_keeps_the_fragments() -> None:
    reg = validate.load()
    options = generate.Options(app_scheme="myshop", framework="react-native")
    files = generate.generate(reg, selection.Criteria(), options).files
    assert sorted(files) == [
        "android/AndroidManifest.fragment.xml",
        "ios/Info.plist.fragment.xml",
        "react-native/PaymentWebView.tsx",
        "react-native/paymentUrls.ts",
        "web/request_pay.js",
    ]


def test_js_call_is_identical_for_every_framework() -> None:
    reg = validate.load()
    calls = {
        generate.generate(
            reg, selection.Criteria(), generate.Options(app_scheme="myshop", framework=framework)
        ).by_key["js"]
        for framework in render.FRAMEWORKS
    }
    assert len(calls) == 1


def test_router_has_no_can_open_url() -> None:
    for key in ("ts", "tsx"):
        code = "\n".join(
            line for line in rendered(key).splitlines() if not line.lstrip().startswith("//")
        )
        assert "canOpenURL" not in code
        assert "setSupportMultipleWindows" not in code


@pytest.mark.parametrize("key", ["ts", "tsx"])
def test_golden(key: str) -> None:
    path = GOLDEN / render.target_path(TARGET[key], "")
    text = rendered(key)
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_text(encoding="utf-8") == text


HOSTILE = ['"', "'", "`", "${x}", "*/", "</script>", "\u2028", "a\nb", "\\", "\x00", "\ud800"]


@pytest.mark.slow
def test_every_value_stays_inside_its_literal(tmp_path: Path) -> None:
    pairs = tuple((f"s{i}{value}", f"p{i}{value}") for i, value in enumerate(HOSTILE))
    view = sample_view(app_scheme=HOSTILE[0] + HOSTILE[3], scheme_packages=pairs)
    (tmp_path / "paymentUrls.ts").write_text(render.render_body(TARGET["ts"], view))
    link_node_modules(tmp_path, "typescript")
    done = tsc(
        tmp_path, "paymentUrls.ts", "--ignoreConfig", "--outDir", "js", "--module", "commonjs",
        "--target", "es2022", "--strict",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    script = tmp_path / "print.js"
    script.write_text(
        "const m = require('./js/paymentUrls.js');\n"
        "const keys = JSON.parse(process.argv[2]);\n"
        "console.log(JSON.stringify([m.APP_SCHEME, ...keys.map((k) => m.packageForScheme(k))]));\n"
    )
    keys = json.dumps([scheme for scheme, _ in pairs])
    run = node(tmp_path, script, keys)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [view.app_scheme, *(package for _, package in pairs)]


FUZZ_DRIVER = r"""
const fs = require("fs");
const router = require(process.argv[2]);
const urls = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const actions = new Set(["launch", "store", "fallback_web", "external", "not_installed", "block"]);
(async () => {
  const bad = [];
  for (const url of urls) {
    for (const platform of ["android", "ios"]) {
      for (const works of [true, false]) {
        const opener = {
          openURL: () => works ? Promise.resolve(true) : Promise.reject(new Error("no")),
          loadInWebView: () => {},
        };
        try {
          const kind = router.classifyPaymentUrl(url, platform);
          if (kind !== "external") continue;
          const outcome = await router.openExternalPaymentUrl(url, platform, opener);
          if (!actions.has(outcome.action)) bad.push([url, outcome]);
          const steps = router.planExternalUrl(url, platform).steps;
          if (steps.some((s) => s.action === "launch" && router.urlScheme(s.url) === "intent")) {
            bad.push([url, "intent: URL handed to Linking"]);
          }
        } catch (error) {
          bad.push([url, String(error)]);
        }
      }
    }
  }
  console.log(JSON.stringify(bad));
})();
"""
FRAGMENTS = (
    "intent:", "intent://", "INTENT:", "pay?x=1", "#", "#Intent;", ";", "end", "scheme=",
    "ispmobile", "package=", "kvp.jjy.MispAndroid320", "S.browser_fallback_url=",
    "https%3A%2F%2Fa.example%2F", "%", "%E0%A4%A", "i.n=", "abc", "launchFlags=0x", "SEL",
    "component=a/.B", "=", "market://details?id=", "https://play.google.com/store/apps/", "tel:",
    "myshop:", "ISPMOBILE://", "c.x=", "", "\u2028", "\ud83d\ude00", "javascript:",
)  # fmt: skip


@pytest.mark.slow
def test_router_never_throws_and_never_hands_an_intent_to_linking(tmp_path: Path) -> None:
    import random

    chooser = random.Random(20261201)
    urls = ["".join(chooser.choices(FRAGMENTS, k=chooser.randint(1, 9))) for _ in range(3000)]
    (tmp_path / "paymentUrls.ts").write_text(render.render_body(TARGET["ts"], sample_view()))
    link_node_modules(tmp_path, "typescript")
    done = tsc(
        tmp_path, "paymentUrls.ts", "--ignoreConfig", "--outDir", "js", "--module", "commonjs",
        "--target", "es2022", "--strict",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    (tmp_path / "urls.json").write_text(json.dumps(urls), encoding="utf-8")
    (tmp_path / "fuzz.js").write_text(FUZZ_DRIVER, encoding="utf-8")
    run = node(tmp_path, tmp_path / "fuzz.js", "./js/paymentUrls.js", str(tmp_path / "urls.json"))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []
