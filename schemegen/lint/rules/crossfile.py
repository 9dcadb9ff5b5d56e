"""SG3xx: rules comparing the Android manifest and the Info.plist of one project."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import Document, Manifest, Plist
from schemegen.core.paths import joined
from schemegen.core.paths import parts as parts_of
from schemegen.core.record import record
from schemegen.lint.rules import manifest_views, plist_views
from schemegen.lint.rules.common import LintContext, listing, unwanted_status


@record
class Project:
    """An app's Android manifests and Info.plists linted in the same run."""

    root: str
    manifests: tuple[Manifest, ...]
    plists: tuple[Plist, ...]

    def pairs(self) -> Iterator[tuple[Manifest, Plist]]:
        for manifest in self.manifests:
            for plist in self.plists:
                yield manifest, plist


@lru_cache(maxsize=1024)  # lint asks several times about each of thousands of files
def project_root(path: str, marker: str) -> str | None:
    """The folder holding the nearest `android/` (or `ios/`) folder above `path`."""
    # Splitting the string costs less than parsing it; other paths follow pathlib's rules.
    if not _is_plain(path):
        parts = parts_of(path)
        for index in range(len(parts) - 2, -1, -1):
            if parts[index].lower() == marker:
                return joined(parts[:index]) if index else "."
        return None
    names = path.split("/")
    for index in range(len(names) - 2, -1, -1):
        if names[index].lower() == marker:
            return ("/".join(names[:index]) or "/") if index else "."
    return None


def _is_plain(path: str) -> bool:
    """A POSIX path that PurePath splits on `/` as it stands (no `//`, `.` part or final `/`)."""
    return (
        os.sep == "/"
        and path not in ("", ".")
        and "//" not in path
        and "/./" not in path
        and not path.startswith("./")
        and not path.endswith(("/", "/."))
    )


def projects(documents: Iterable[Document]) -> tuple[Project, ...]:
    """Pair app manifests and app plists by project root (the folder above android/ and ios/).

    Files outside such a layout pair up only when the run holds exactly one of each.
    """
    groups: dict[str, tuple[list[Manifest], list[Plist]]] = {}
    loose: tuple[list[Manifest], list[Plist]] = ([], [])
    for doc in documents:
        if isinstance(doc, Manifest) and not doc.is_library:
            root = project_root(doc.path, "android")
            (loose if root is None else groups.setdefault(root, ([], [])))[0].append(doc)
        elif isinstance(doc, Plist) and doc.is_app:
            root = project_root(doc.path, "ios")
            (loose if root is None else groups.setdefault(root, ([], [])))[1].append(doc)
    if len(loose[0]) == 1 and len(loose[1]) == 1:
        groups.setdefault("", ([], []))
        groups[""][0].extend(loose[0])
        groups[""][1].extend(loose[1])
    return tuple(
        Project(root, tuple(m), tuple(p)) for root, (m, p) in sorted(groups.items()) if m and p
    )


def _android_schemes(manifest: Manifest) -> list[manifest_views.Value]:
    return [
        s
        for f in manifest_views.filters(manifest)
        if f.is_activity
        and manifest_views.VIEW in f.actions
        and manifest_views.BROWSABLE in f.categories
        for s in f.custom
    ]


def _where(line: int | None) -> str:
    return f":{line}" if line is not None else ""


def return_scheme_mismatch(project: Project, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that Android, iOS and `--app-scheme` spell the return scheme the same way.

    ## What it does
    For each Android manifest and Info.plist of one project (paired by the folder holding
    `android/` and `ios/`), compares the custom schemes of the Android deep-link filters,
    the iOS `CFBundleURLSchemes` and `--app-scheme` case-sensitively, as Android does. A
    scheme spelt with different case is an error; without `--app-scheme`, two lists with
    no scheme in common are a warning.

    ## Why is this bad?
    One app scheme is passed to the PG for both platforms. iOS matches it
    case-insensitively, Android does not: `myShop` in the plist and `myshop` in the manifest
    works on iOS and strands Android users in the card app (or the other way round).

    ## Example
    ```xml
    <!-- AndroidManifest.xml --> <data android:scheme="myshop" />
    <!-- Info.plist -->          <string>myShop</string>
    ```

    ## Use instead
    ```xml
    <!-- AndroidManifest.xml --> <data android:scheme="myshop" />
    <!-- Info.plist -->          <string>myshop</string>
    ```

    ## References
    - [`<data>`: scheme matching is case-sensitive](https://developer.android.com/guide/topics/manifest/data-element)
    - [Defining a custom URL scheme for your app](https://developer.apple.com/documentation/xcode/defining-a-custom-url-scheme-for-your-app)
    """
    for manifest, plist in project.pairs():
        on_android = _android_schemes(manifest)
        known = {
            s.value: f"Android {manifest.path}{_where(s.line)}"
            for s in on_android
            if s.value is not None
        }
        if context.app_scheme is not None:
            known.setdefault(context.app_scheme, "--app-scheme")
        schemes = plist_views.url_schemes(plist)
        on_ios = [e for e in schemes if plist_views.is_checkable(e.value, context)]
        case_only = False
        for entry in on_ios:
            if entry.value in known:
                continue
            variants = [v for v in known if v.lower() == entry.value.lower()]
            if variants:
                case_only = True
                yield RETURN_SCHEME_MISMATCH.diagnostic(
                    plist.path,
                    entry.line,
                    f"iOS URL scheme `{entry.value}` differs in case from `{variants[0]}` "
                    f"({known[variants[0]]}); Android matches schemes case-sensitively",
                    fix=f"spell it `{variants[0].lower()}` on both platforms and in the PG request",
                )
        # Only the launcher activity's deep links are return-scheme candidates: SDK callback
        # activities (Kakao login, Sign in with Apple) have schemes iOS registers elsewhere.
        android_values = {
            s.value for f in manifest_views.return_filters(manifest, context) for s in f.custom
        }
        if (
            context.app_scheme is None
            and not case_only
            and android_values
            and on_ios
            and not android_values & {e.value for e in on_ios}
        ):
            yield RETURN_SCHEME_MISMATCH.diagnostic(
                plist.path,
                plist_views.key_line(plist, plist_views.URL_TYPES),
                f"no URL scheme in common with {manifest.path}: Android "
                f"{listing(f'`{v}`' for v in sorted(v for v in android_values if v))}, iOS "
                f"{listing(f'`{e.value}`' for e in on_ios)}",
                fix="register the app scheme you pass to the PG on both platforms",
                severity=Severity.WARNING,
            )


RETURN_SCHEME_MISMATCH = Rule(
    "SG301", "return-scheme-mismatch", Severity.ERROR, return_scheme_mismatch
)


def payment_app_coverage_mismatch(project: Project, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that the Android `<queries>` and the iOS query schemes cover the same apps.

    ## What it does
    Maps the `<queries>` packages and the `LSApplicationQueriesSchemes` entries of one
    project to registry apps and reports apps declared on one platform only (when the app
    exists on both). Apps missing on iOS are only reported while the iOS list still has
    room under `--ios-query-limit`; retired apps are never asked for.

    ## Why is this bad?
    Lists maintained by hand drift apart: a card app added on Android after a support
    ticket is still missing on iOS, and its users are sent to the App Store.

    ## Example
    ```xml
    <!-- AndroidManifest.xml --> <package android:name="viva.republica.toss" />
    <!-- Info.plist: no supertoss -->
    ```

    ## Use instead
    ```xml
    <!-- AndroidManifest.xml --> <package android:name="viva.republica.toss" />
    <!-- Info.plist -->          <string>supertoss</string>
    ```

    ## References
    - [Package visibility](https://developer.android.com/training/package-visibility)
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    """
    packages, schemes = context.registry.package_owner, context.scheme_owner
    for manifest, plist in project.pairs():
        values = [p.value for p in manifest_views.queries_packages(manifest) if p.value is not None]
        on_android = {packages[p].id: p for p in values if p in packages}
        entries = list(dict.fromkeys(e.value.lower() for e in plist_views.query_entries(plist)))
        on_ios = {schemes[s].id: s for s in entries if s in schemes}
        if not on_android or not on_ios:
            continue
        apps = [a for a in context.registry.apps if not unwanted_status(a, context)]
        if len(entries) < context.ios_query_limit:
            lacking = [
                a for a in apps if a.id in on_android and a.id not in on_ios and a.ios_schemes
            ]
            if lacking:
                yield PAYMENT_APP_COVERAGE_MISMATCH.diagnostic(
                    plist.path,
                    plist_views.key_line(plist, plist_views.QUERIES),
                    f"{len(lacking)} payment app(s) in the `<queries>` of {manifest.path} are "
                    f"missing here: {listing(f'`{a.ios_schemes[0]}` ({a.id})' for a in lacking)}",
                    fix="add their schemes, or remove the apps from the Android list",
                )
        lacking = [
            a for a in apps if a.id in on_ios and a.id not in on_android and a.android_packages
        ]
        if lacking:
            yield PAYMENT_APP_COVERAGE_MISMATCH.diagnostic(
                manifest.path,
                manifest_views.queries_line(manifest),
                f"{len(lacking)} payment app(s) in the LSApplicationQueriesSchemes of {plist.path} "
                f"are missing here: "
                f"{listing(f'`{a.android_packages[0]}` ({a.id})' for a in lacking)}",
                fix="add their packages to `<queries>`, or remove the apps from the iOS list",
            )


PAYMENT_APP_COVERAGE_MISMATCH = Rule(
    "SG302", "payment-app-coverage-mismatch", Severity.WARNING, payment_app_coverage_mismatch
)

RULES: tuple[Rule, ...] = (RETURN_SCHEME_MISMATCH, PAYMENT_APP_COVERAGE_MISMATCH)
