"""The Flutter channel and the Capacitor plugin on Robolectric, with the real generated launcher.

Runs on the Android handler's harness (tests/generate/android_jvm.py, tests/generate/jvm/):
compiled against android-all, every case of tests/url_cases.yaml on every device scenario goes
through PaymentChannel and PaymentPlugin and through PaymentUrlLauncher directly; the glue must
start the same activities and report the launcher's decision.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from conftest import ROOT, require_tool, sample_view

from schemegen.generate.render import TARGETS, render_body, target_path, with_header

TESTS = Path(__file__).resolve().parent
STUBS = TESTS / "framework_stubs"
URL_CASES = ROOT / "tests" / "url_cases.yaml"
TARGET = {target.key: target for target in TARGETS}
GLUE = {
    "java": ("java-launcher", "java-channel", "capacitor-plugin"),
    "kotlin": ("kotlin-launcher", "kotlin-channel", "capacitor-plugin-kotlin"),
}
SCENARIOS = ("installed", "missing", "no_store", "non_activity", "subframe")
HARNESS = "schemegen.harness.FrameworkHarness"


def harness_module() -> ModuleType | None:
    try:
        return importlib.import_module("android_jvm")
    except ImportError:
        return None


android_jvm = harness_module()
pytestmark = pytest.mark.skipif(
    android_jvm is None
    or not URL_CASES.is_file()
    or not {"java-launcher", "kotlin-launcher"} <= set(TARGET),
    reason="needs the Android handler's PaymentUrlLauncher targets, its Robolectric harness "
    "(tests/generate/android_jvm.py) and tests/url_cases.yaml",
)


def package(lang: str) -> str:
    # One package per language, so both builds load in one JVM.
    return f"com.example.glue.{lang}"


def write_sources(root: Path, lang: str) -> list[Path]:
    view = sample_view(java_package=package(lang))
    paths = []
    for key in GLUE[lang]:
        target = TARGET[key]
        path = root.joinpath(*package(lang).split("."), Path(target_path(target, "")).name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(with_header(target, render_body(target, view), "test"), encoding="utf-8")
        paths.append(path)
    return paths


def expected_answer(launcher: dict[str, Any], url: str) -> dict[str, str]:
    """The channel's answer for what the launcher decided and told its listener."""
    if launcher["decision"] == "LOAD":
        return {"action": "load", "url": url}
    if launcher["decision"] == "LOAD_IN_TOP_FRAME":
        return {"action": "load", "url": launcher["url"]}
    calls = launcher["listener"]
    if calls and calls[-1][0] == "return":
        return {"action": "return", "url": calls[-1][1]}
    if calls and calls[-1][0] == "not_installed":
        return {"action": "notInstalled", "url": url}
    return {"action": "handled", "url": url}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    assert android_jvm is not None
    tmp = tmp_path_factory.mktemp("framework-robolectric")
    classpath = android_jvm.resolve(tmp)
    kotlinc = android_jvm.find_kotlinc()
    javac, java = require_tool("javac"), require_tool("java")
    # The Flutter and Capacitor stubs, on the real framework instead of the small Android stubs.
    stubs = tmp / "stubs"
    stub_sources = [
        *(STUBS / "flutter").rglob("*.java"),
        *(STUBS / "capacitor").rglob("*.java"),
        *(STUBS / "android" / "androidx").rglob("*.java"),
    ]
    android_jvm.run(
        [javac, "--release", "8", "-nowarn", "-cp", str(classpath.framework), "-d", str(stubs)]
        + [str(p) for p in stub_sources]
    )
    compile_path = android_jvm.join([classpath.framework, stubs])
    classes = tmp / "classes"
    android_jvm.run(
        [javac, *android_jvm.JAVAC, "-cp", compile_path, "-d", str(classes / "java")]
        + [str(p) for p in write_sources(tmp / "java", "java")]
    )
    android_jvm.run(
        [str(kotlinc), *android_jvm.KOTLINC, "-cp", compile_path, "-d", str(classes / "kotlin")]
        + [str(p) for p in write_sources(tmp / "kotlin", "kotlin")]
    )
    harness = android_jvm.build_harness(classpath, tmp / "harness")
    glue_harness = tmp / "glue-harness"
    run_path = [harness, stubs, *classpath.run]
    android_jvm.run(
        [javac, "-nowarn", "-cp", android_jvm.join(run_path), "-d", str(glue_harness)]
        + [str(p) for p in (STUBS / "robolectric").rglob("*.java")]
    )
    table = yaml.safe_load(URL_CASES.read_text(encoding="utf-8"))
    cases = [c for c in table["cases"] if "android" in c.get("platforms", ["android"])]
    data = {
        "apps": table["apps"],
        "cases": [{"id": c["id"], "url": c["url"]} for c in cases],
        "clients": [{"lang": lang, "package": package(lang)} for lang in GLUE],
    }
    source = tmp / "input.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp / "results"
    out.mkdir()
    generated = [classes / "java", classes / "kotlin", android_jvm.kotlin_stdlib(kotlinc)]
    android_jvm.run(
        [
            java,
            "-Drobolectric.offline=true",
            f"-Drobolectric.dependency.dir={classpath.sdk_dir}",
            f"-Dschemegen.input={source}",
            f"-Dschemegen.output={out}",
            "-cp",
            android_jvm.join([glue_harness, *run_path, *generated]),
            "org.junit.runner.JUnitCore",
            HARNESS,
        ]
    )
    rows = [row for name in SCENARIOS for row in json.loads((out / f"{name}.json").read_text())]
    assert len(rows) == len(SCENARIOS) * len(GLUE) * len(cases)
    # The table reaches every answer of the channel and starts apps, so no check is vacuous.
    assert {row["channel"]["answer"]["action"] for row in rows} == {
        "load",
        "handled",
        "return",
        "notInstalled",
    }
    assert any(row["channel"]["started"] for row in rows)
    assert any(row.get("plugin", {}).get("loads") for row in rows)
    return rows


def url_of(row: dict[str, Any]) -> str:
    table = yaml.safe_load(URL_CASES.read_text(encoding="utf-8"))
    return next(c["url"] for c in table["cases"] if c["id"] == row["case"])


@pytest.mark.slow
def test_channel_starts_what_the_launcher_starts_and_reports_its_decision(
    runs: list[dict[str, Any]],
) -> None:
    for row in runs:
        where = (row["scenario"], row["lang"], row["case"])
        launcher, channel = row["launcher"], row["channel"]
        assert "threw" not in launcher, where
        assert channel["started"] == launcher["started"], where
        assert channel["answer"] == expected_answer(launcher, url_of(row)), where


@pytest.mark.slow
def test_plugin_starts_what_the_launcher_starts_and_cancels_what_leaves(
    runs: list[dict[str, Any]],
) -> None:
    for row in (r for r in runs if "plugin" in r):
        where = (row["scenario"], row["lang"], row["case"])
        url, plugin, launcher = url_of(row), row["plugin"], row["launcher_top"]
        if url.lower().startswith("myshop:") or ":" not in url:
            assert plugin == {"override": None, "loads": [], "started": []}, where
            continue
        assert plugin["started"] == launcher["started"], where
        if launcher["decision"] == "LOAD":
            assert plugin["override"] is None, where
            assert plugin["loads"] == [], where
        elif launcher["decision"] == "LOAD_IN_TOP_FRAME":
            assert plugin["override"] is True, where
            assert plugin["loads"] == [launcher["url"]], where
        else:
            assert plugin["override"] is True, where
            assert plugin["loads"] == [], where
