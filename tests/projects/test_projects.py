"""Whole projects: `apply` then `lint` agree on the fixture apps and on the corpus."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import corpus_dir

from schemegen.cli.main import main
from schemegen.core.diagnostics import Diagnostic, Severity
from schemegen.core.documents import Manifest
from schemegen.core.parsing import read_document
from schemegen.lint import run as lint
from schemegen.lint.rules import LintContext
from schemegen.registry.model import Registry
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"
# name -> the app scheme its source passes to the payment call
PROJECTS = {
    "expo-managed": "bloomshop",
    "expo-monorepo": "marketapp",
    "flutter-subfolder": "dosirak",
    "native-payment-activity": "cafeorder",
    "ios-native-queries": "petmall",
}
# What `apply` with default options changes, by rule: the return filter, the registry
# `<queries>` packages, the registry query schemes of the budget and the URL type; and
# `android:exported` of the return activity (SG104 there, see `return_activities`).
APPLIED = {"SG101", "SG109", "SG207", "SG210"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load([])


def copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def return_activities(root: Path, scheme: str) -> set[tuple[str, int]]:
    """(manifest, line) of every activity with an intent-filter for `scheme`."""
    found = set()
    for path in lint.discover([root])[0]:
        doc = read_document(path)
        if isinstance(doc, Manifest):
            for component in doc.components:
                data = [d for f in component.all("intent-filter") for d in f.all("data")]
                if any(d.get("android:scheme") == scheme for d in data):
                    found.add((path, component.line))
    return found


def linted(root: Path, registry: Registry, scheme: str) -> list[Diagnostic]:
    return list(lint.run([root], LintContext(registry, app_scheme=scheme)).diagnostics)


def apply(root: Path, scheme: str, *options: str) -> int:
    """`schemegen apply`; in an Expo app with committed android/ and ios/, then as prebuild.

    apply edits such an app through app.json and says that `expo prebuild` regenerates the
    native folders. The test cannot run prebuild, so `--framework native` with the same
    options stands in for it: what lint then sees in android/ and ios/ is what apply wants.
    """
    code = main(["apply", str(root), "--app-scheme", scheme, *options])
    if code == 0 and any(root.rglob("app.json")) and any(root.rglob("AndroidManifest.xml")):
        code = main(["apply", str(root), "--app-scheme", scheme, "--framework", "native", *options])
    return code


def check_project(
    root: Path, scheme: str, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    """The three promises: lint agrees with apply, --fix leaves no error, reruns are no-ops."""
    assert apply(root, scheme) == 0
    err = capsys.readouterr().err
    applied = set(APPLIED)
    if "expo-build-properties is not in package.json" in err:
        applied.remove("SG109")  # apply says why it adds no package, and what to install
    returns = return_activities(root, scheme)
    left = [
        d
        for d in linted(root, registry, scheme)
        if d.code in applied or (d.code == "SG104" and (d.path, d.line) in returns)
    ]
    assert left == []
    capsys.readouterr()
    assert apply(root, scheme) == 0
    err = capsys.readouterr().err
    assert "nothing to change" in err
    assert "past --ios-query-limit" not in err  # the budget notice is not news on a rerun
    assert apply(root, scheme, "--fix") == 0, capsys.readouterr().err
    errors = [d for d in linted(root, registry, scheme) if d.severity is Severity.ERROR]
    assert errors == []
    capsys.readouterr()
    assert apply(root, scheme, "--fix") == 0
    assert "nothing to change" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_fixture_project(
    name: str, tmp_path: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(name, tmp_path)
    check_project(root, PROJECTS[name], registry, capsys)


def corpus_apps() -> list[str]:
    try:
        index = corpus_dir() / "INDEX.tsv"
    except pytest.skip.Exception:
        return ["(corpus absent)"]
    with index.open(encoding="utf-8") as handle:
        return sorted(
            {row["file"].split("/", 1)[0] for row in csv.DictReader(handle, delimiter="\t")}
        )


@pytest.mark.parametrize("app", corpus_apps())
def test_corpus_app_as_project(
    app: str, tmp_path: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "app"
    shutil.copytree(corpus_dir() / app, root)
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    docs = lint.discover([root])[0]
    if not docs:
        pytest.skip("no manifest or plist")
    if apply(root, "myshop", "--check") == 2:
        err = capsys.readouterr().err
        assert "no app AndroidManifest.xml or Info.plist" in err  # only library manifests
        return
    check_project(root, "myshop", registry, capsys)
