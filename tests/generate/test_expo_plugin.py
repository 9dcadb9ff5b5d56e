"""Expo: the config plugin through the real @expo/config-plugins, and tsc --checkJs on it."""

from __future__ import annotations

import json
import os
import plistlib
from pathlib import Path
from typing import Any

import pytest
from conftest import sample_view
from jstools import link_node_modules, node, tsc
from lxml import etree

from schemegen.generate import render

TARGET = {t.key: t for t in render.TARGETS}
GOLDEN = Path(__file__).parent / "golden"
ANDROID_NAME = "{http://schemas.android.com/apk/res/android}name"
PACKAGES = ("expo", "@expo/config-plugins", "@expo/prebuild-config", "@expo/plist")
# Runs the plugin as `expo prebuild` would, without android/ or ios/ folders: introspection
# gives the manifest and Info.plist the mods produce. argv: plugin, options as JSON.
DRIVER = r"""
const {
  compileModsAsync, withAndroidManifest, withInfoPlist, XML,
} = require("@expo/config-plugins");
const { withAndroidExpoPlugins, withIosExpoPlugins } = require("@expo/prebuild-config");
const plist = require("@expo/plist").default;
const plugin = require(process.argv[2]);
const options = JSON.parse(process.argv[3]);

// What the app already has before the plugin runs (its own plugins, an earlier prebuild).
const withExisting = (config) => {
  config = withAndroidManifest(config, (mod) => {
    if (options.dropQueries) delete mod.modResults.manifest.queries;
    if (options.packages.length) {
      mod.modResults.manifest.queries = mod.modResults.manifest.queries ?? [];
      mod.modResults.manifest.queries.push(
        { package: options.packages.map((name) => ({ $: { "android:name": name } })) });
    }
    return mod;
  });
  return withInfoPlist(config, (mod) => {
    if (options.schemes.length) mod.modResults.LSApplicationQueriesSchemes = options.schemes;
    return mod;
  });
};

(async () => {
  const projectRoot = process.cwd();
  let config = {
    _internal: { projectRoot }, name: "shop", slug: "shop", sdkVersion: "55.0.0",
    scheme: options.scheme, android: { package: "com.example.shop" },
    ios: { bundleIdentifier: "com.example.shop" },
  };
  for (let i = 0; i < options.times; i++) {
    // Without the run-once guard, so that a second application really runs the mods again.
    if (options.bypassRunOnce && config._internal) delete config._internal.pluginHistory;
    config = plugin(config);
  }
  // Registered last, so its mods run first: they build the manifest the plugin sees.
  config = withExisting(config);
  config = withAndroidExpoPlugins(config, { package: "com.example.shop", projectRoot });
  config = withIosExpoPlugins(config, { bundleIdentifier: "com.example.shop" });
  config = await compileModsAsync(
    config, { projectRoot, platforms: ["android", "ios"], introspect: true });
  const results = config._internal.modResults;
  console.log(JSON.stringify({
    manifest: XML.format(results.android.manifest),
    plist: plist.build(results.ios.infoPlist),
  }));
})().catch((error) => { console.error(String(error.message || error)); process.exit(3); });
"""
TSCONFIG = {
    "compilerOptions": {
        "allowJs": True,
        "checkJs": True,
        "noEmit": True,
        "strict": True,
        "module": "node16",
        "moduleResolution": "node16",
        "types": ["node"],
        "skipLibCheck": True,
    },
    "files": ["plugins/withSchemegenPayment.js"],
}


def plugin_source(**overrides: object) -> str:
    view = sample_view(**overrides)
    target = TARGET["expo-plugin"]
    return render.with_header(target, render.render_body(target, view), view.registry_version)


def project(tmp_path: Path, source: str, *packages: str) -> Path:
    root = tmp_path / "app"
    (root / "plugins").mkdir(parents=True)
    (root / "plugins" / "withSchemegenPayment.js").write_text(source, encoding="utf-8")
    link_node_modules(root, *packages)
    return root


def prebuild(
    tmp_path: Path,
    *,
    times: int = 1,
    bypass_run_once: bool = False,
    drop_queries: bool = False,
    packages: tuple[str, ...] = (),
    schemes: tuple[str, ...] = (),
    scheme: str | list[str] = "myshop",
    source: str | None = None,
) -> dict[str, Any]:
    root = project(tmp_path, source or plugin_source(), *PACKAGES)
    (root / "driver.js").write_text(DRIVER, encoding="utf-8")
    options = {
        "times": times,
        "bypassRunOnce": bypass_run_once,
        "dropQueries": drop_queries,
        "packages": list(packages),
        "schemes": list(schemes),
        "scheme": scheme,
    }
    done = node(root, root / "driver.js", "./plugins/withSchemegenPayment", json.dumps(options))
    if done.returncode != 0:
        return {"error": done.stderr.strip()}
    out: dict[str, str] = json.loads(done.stdout)
    manifest = etree.fromstring(out["manifest"].encode("utf-8"))
    return {"manifest": manifest, "plist": plistlib.loads(out["plist"].encode("utf-8"))}


def query_packages(manifest: etree._Element) -> list[str]:
    return [str(p.get(ANDROID_NAME)) for p in manifest.iterfind("queries/package")]


@pytest.mark.slow
def test_prebuild_adds_every_package_and_scheme_once(tmp_path: Path) -> None:
    view = sample_view()
    result = prebuild(tmp_path)
    packages = query_packages(result["manifest"])
    assert packages == list(view.packages)
    assert result["plist"]["LSApplicationQueriesSchemes"] == list(view.query_schemes)


@pytest.mark.slow
def test_return_scheme_comes_from_expo_scheme(tmp_path: Path) -> None:
    result = prebuild(tmp_path)
    data = result["manifest"].xpath(
        "//intent-filter[category/@android:name='android.intent.category.BROWSABLE']/data/"
        "@android:scheme",
        namespaces={"android": "http://schemas.android.com/apk/res/android"},
    )
    assert "myshop" in data
    schemes = [s for t in result["plist"]["CFBundleURLTypes"] for s in t["CFBundleURLSchemes"]]
    assert "myshop" in schemes


@pytest.mark.slow
def test_creates_queries_when_the_manifest_has_none(tmp_path: Path) -> None:
    result = prebuild(tmp_path, drop_queries=True)
    assert len(result["manifest"].findall("queries")) == 1
    assert query_packages(result["manifest"]) == list(sample_view().packages)


@pytest.mark.slow
def test_merges_without_duplicates_and_keeps_what_is_there(tmp_path: Path) -> None:
    view = sample_view()
    result = prebuild(
        tmp_path,
        packages=("com.example.other", view.packages[1]),
        schemes=("mylogin", "ISPMOBILE"),
    )
    packages = query_packages(result["manifest"])
    assert sorted(packages) == sorted({*view.packages, "com.example.other"})
    schemes = result["plist"]["LSApplicationQueriesSchemes"]
    assert schemes[:2] == ["mylogin", "ISPMOBILE"]
    assert [s.lower() for s in schemes] == list(dict.fromkeys(s.lower() for s in schemes))
    assert set(view.query_schemes) - {"ispmobile"} <= set(schemes)


@pytest.mark.slow
@pytest.mark.parametrize("bypass_run_once", [False, True])
def test_twice_is_once(tmp_path: Path, bypass_run_once: bool) -> None:
    once = prebuild(tmp_path / "once")
    twice = prebuild(tmp_path / "twice", times=2, bypass_run_once=bypass_run_once)
    assert etree.tostring(twice["manifest"]) == etree.tostring(once["manifest"])
    assert twice["plist"] == once["plist"]


@pytest.mark.slow
def test_twice_is_once_can_fail(tmp_path: Path) -> None:
    keep = "const missing = packages.filter((name) => !present.has(name));"
    source = plugin_source()
    assert keep in source
    naive = source.replace(keep, "const missing = [...packages];")
    twice = prebuild(tmp_path, times=2, bypass_run_once=True, source=naive)
    packages = query_packages(twice["manifest"])
    assert len(packages) == 2 * len(sample_view().packages)


@pytest.mark.slow
def test_never_goes_past_the_ios_budget(tmp_path: Path) -> None:
    existing = tuple(f"own{i}" for i in range(24))
    result = prebuild(tmp_path, schemes=existing)
    schemes = result["plist"]["LSApplicationQueriesSchemes"]
    assert schemes == [*existing, sample_view().query_schemes[0]]


@pytest.mark.slow
def test_stops_when_expo_scheme_lacks_the_return_scheme(tmp_path: Path) -> None:
    result = prebuild(tmp_path, scheme="othershop")
    assert 'add "myshop" to "scheme"' in result["error"]
    assert prebuild(tmp_path / "list", scheme=["othershop", "myshop"]).get("error") is None


@pytest.mark.slow
def test_plugin_type_checks_with_check_js(tmp_path: Path) -> None:
    root = project(tmp_path, plugin_source(), "typescript", "@types/node", *PACKAGES)
    (root / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    done = tsc(root, "-p", "tsconfig.json")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("const root = manifest.manifest;", "const root = manifest.manifests;", "TS2551"),
        ("LSApplicationQueriesSchemes = ", "LSApplicationQueriesSchemes = 3 || ", "TS2322"),
    ],
)  # fmt: skip
def test_check_js_catches_a_wrong_field(tmp_path: Path, old: str, new: str, error: str) -> None:
    source = plugin_source()
    assert old in source
    root = project(tmp_path, source.replace(old, new, 1), "typescript", "@types/node", *PACKAGES)
    (root / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    done = tsc(root, "-p", "tsconfig.json")
    assert done.returncode != 0
    assert error in done.stdout, done.stdout


def test_golden() -> None:
    path = GOLDEN / render.target_path(TARGET["expo-plugin"], "")
    text = plugin_source()
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_text(encoding="utf-8") == text
