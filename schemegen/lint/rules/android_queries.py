"""Android rules for package visibility: the <queries> packages a payment page hands off to."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import Manifest
from schemegen.lint.rules.common import (
    LintContext,
    app_ref,
    from_expo_config,
    listing,
    methods_text,
    no_return_diagnostic,
    retired_diagnostic,
    typo_diagnostic,
    unwanted_status,
)
from schemegen.lint.rules.manifest_views import (
    QUERY_ALL_PACKAGES,
    VISIBILITY_SDK,
    queries_line,
    queries_packages,
    target_sdk,
)


def queries_inside_application(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that `<queries>` is a direct child of `<manifest>`.

    ## What it does
    Reports a `<queries>` element placed inside `<application>` (or deeper).

    ## Why is this bad?
    Android only reads `<queries>` under `<manifest>`. Inside `<application>` it is ignored,
    so the package-visibility declarations do nothing and `PackageManager` cannot see the
    payment apps on Android 11+.

    ## Example
    ```xml
    <application>
        <queries><package android:name="kvp.jjy.MispAndroid320" /></queries>
    </application>
    ```

    ## Use instead
    ```xml
    <manifest>
        <queries><package android:name="kvp.jjy.MispAndroid320" /></queries>
        <application>...</application>
    </manifest>
    ```

    ## References
    - [`<queries>`](https://developer.android.com/guide/topics/manifest/queries-element)
    - [Declaring package visibility needs](https://developer.android.com/training/package-visibility/declaring)
    """
    top = {id(node) for node in doc.root.children}
    if all(id(queries) in top for queries in doc.queries):
        return  # the usual case: no need to walk every element
    for node in doc.root.children:
        for inner in node.walk():
            if inner.tag == "queries" and inner is not node:
                yield QUERIES_INSIDE_APPLICATION.diagnostic(
                    doc.path,
                    inner.line,
                    f"`<queries>` inside `<{node.tag}>` is ignored by Android",
                    fix="move `<queries>` to be a direct child of `<manifest>`",
                )


QUERIES_INSIDE_APPLICATION = Rule(
    "SG105", "queries-inside-application", Severity.ERROR, queries_inside_application
)


def query_all_packages(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that the manifest does not request `QUERY_ALL_PACKAGES`.

    ## What it does
    Reports `<uses-permission android:name="android.permission.QUERY_ALL_PACKAGES"/>`.

    ## Why is this bad?
    Google Play treats the list of installed apps as personal and sensitive data: the
    permission needs a declaration form and an approved core use case, and payment is not
    one. Apps can be removed from Play. Listing the payment apps in `<queries>` is enough.

    ## Example
    ```xml
    <uses-permission android:name="android.permission.QUERY_ALL_PACKAGES" />
    ```

    ## Use instead
    ```xml
    <queries>
        <package android:name="kvp.jjy.MispAndroid320" />
    </queries>
    ```

    ## References
    - [Use of the broad package visibility permission](https://support.google.com/googleplay/android-developer/answer/10158779)
    - [Package visibility](https://developer.android.com/training/package-visibility)
    """
    for node in doc.root.children:
        if (
            node.tag.startswith("uses-permission")
            and node.get("android:name") == QUERY_ALL_PACKAGES
            and node.get("tools:node") != "remove"
        ):
            yield QUERY_ALL_PACKAGES_RULE.diagnostic(
                doc.path,
                node.line,
                f"`{QUERY_ALL_PACKAGES}` needs Google Play approval that payment apps do not get",
                fix="remove it and list the payment apps in `<queries>` (`schemegen generate`)",
            )


QUERY_ALL_PACKAGES_RULE = Rule("SG106", "query-all-packages", Severity.ERROR, query_all_packages)


def queries_package_typo(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks `<queries>` packages for known misspellings and near misses of registry apps.

    ## What it does
    Reports a `<package>` that is a recorded alias of a registry package (an error) or a
    near miss of one (a warning), with the suggestion. A package that is itself in the
    registry is never reported.

    ## Why is this bad?
    A misspelt package makes the payment app invisible to `PackageManager` on Android 11+:
    the handler thinks the app is missing and sends the user to the Play Store.

    ## Example
    ```xml
    <package android:name="com.hanaskard.paycla" />
    ```

    ## Use instead
    ```xml
    <package android:name="com.hanaskcard.paycla" />
    ```

    ## References
    - [`<queries>` `<package>`](https://developer.android.com/guide/topics/manifest/queries-element)
    - [Package visibility](https://developer.android.com/training/package-visibility)
    """
    owners = context.registry.package_owner
    for package in queries_packages(doc):
        if package.value is None or package.value in owners:
            continue
        typo = context.typo_of(package.value, owners)
        if typo is None or typo[0] not in owners:
            continue
        yield typo_diagnostic(
            QUERIES_PACKAGE_TYPO,
            doc.path,
            package.line,
            value=package.value,
            typo=typo,
            owner=owners[typo[0]],
        )


QUERIES_PACKAGE_TYPO = Rule("SG107", "queries-package-typo", Severity.ERROR, queries_package_typo)


def duplicate_queries_package(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that no package is listed twice in `<queries>`.

    ## What it does
    Reports the second and later `<package>` entries with the same name.

    ## Why is this bad?
    Duplicates are harmless to Android but show a list edited by hand without review;
    they often sit next to a wrong comment (an app listed twice under two names) and hide
    the app that was meant.

    ## Example
    ```xml
    <package android:name="com.nh.cashcardapp" />
    <package android:name="com.nh.cashcardapp" />
    ```

    ## Use instead
    ```xml
    <package android:name="com.nh.cashcardapp" />
    ```

    ## References
    - [`<queries>`](https://developer.android.com/guide/topics/manifest/queries-element)
    - [Declaring package visibility needs](https://developer.android.com/training/package-visibility/declaring)
    """
    seen: dict[str, int] = {}
    for package in queries_packages(doc):
        key = package.value if package.value is not None else package.raw
        if key in seen:
            yield DUPLICATE_QUERIES_PACKAGE.diagnostic(
                doc.path,
                package.line,
                f"`{key}` is already listed on line {seen[key]}",
                fix="remove the duplicate",
            )
        else:
            seen[key] = package.line


DUPLICATE_QUERIES_PACKAGE = Rule(
    "SG108", "duplicate-queries-package", Severity.WARNING, duplicate_queries_package
)


def missing_queries_package(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that an app manifest declares the payment apps it may look up in `<queries>`.

    ## What it does
    Compares the `<queries>` packages of an app manifest with the registry packages for the
    selected `--pg` and `--methods`, and lists the missing ones. A warning by default; an
    error with `--require-queries`, or when the project's source or dependencies show code
    that asks the PackageManager (`resolveActivity`, `getLaunchIntentForPackage`,
    `canOpenURL`, `canLaunchUrl`; `@portone/react-native-sdk` in package.json, `url_launcher`
    in pubspec.yaml). Library manifests are skipped, and so are apps whose
    target SDK (as for `missing-exported`) is known to be below 30, where every package is
    visible.

    ## Why is this bad?
    Declare them always, depend on them never. From Android 11 (API 30) `PackageManager`
    only sees declared packages. The generated handlers never ask it, and starting an app
    works without `<queries>`, but code that asks first (`resolveActivity`,
    `getPackageInfo`, React Native `Linking.canOpenURL`, Flutter `canLaunchUrl`) believes
    the card app is missing and sends the user to the store. Use `--require-queries` for
    such apps. An SDK may add the packages through its own manifest: lint the merged
    manifest (`build/intermediates/merged_manifests/...`) to see them.

    ## Example
    ```xml
    <manifest>
        <application>...</application>
    </manifest>
    ```

    ## Use instead
    ```xml
    <manifest>
        <queries>
            <package android:name="kvp.jjy.MispAndroid320" />
            <package android:name="com.kbcard.cxh.appcard" />
        </queries>
        <application>...</application>
    </manifest>
    ```

    ## References
    - [Package visibility filtering on Android](https://developer.android.com/training/package-visibility)
    - [Declaring package visibility needs](https://developer.android.com/training/package-visibility/declaring)
    """
    target = target_sdk(doc, context)
    if doc.is_library or (target is not None and target < VISIBILITY_SDK):
        return
    present = {p.value for p in queries_packages(doc) if p.value is not None}
    owners = context.registry.package_owner
    missing = tuple(p for p in context.expected_packages if p not in present)
    if not missing:
        return
    yield MISSING_QUERIES_PACKAGE.diagnostic(
        doc.path,
        queries_line(doc),
        context.once(
            (MISSING_QUERIES_PACKAGE.code, missing),
            lambda: (
                f"`<queries>` lacks {len(missing)} of {len(context.expected_packages)} "
                f"registry packages for {methods_text(context)}: "
                f"{listing(app_ref(p, owners.get(p)) for p in missing)}; the generated handler "
                "never needs them (it starts apps without asking the PackageManager), but PG "
                "SDKs and code calling `resolveActivity`, `getLaunchIntentForPackage` or "
                "`canOpenURL` do, and declaring named packages costs nothing"
            ),
        ),
        fix="list them in expo-build-properties `android.manifestQueries.package` "
        "(`schemegen apply` does it once expo-build-properties is installed)"
        if from_expo_config(doc.path)
        else "merge `schemegen generate`'s android/AndroidManifest.fragment.xml, or lint the "
        "merged manifest when an SDK supplies them",
        severity=Severity.ERROR if context.require_queries else Severity.WARNING,
    )


MISSING_QUERIES_PACKAGE = Rule(
    "SG109", "missing-queries-package", Severity.WARNING, missing_queries_package
)


def deprecated_queries_package(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks `<queries>` for packages of payment apps the registry marks as retired.

    ## What it does
    Reports packages of deprecated registry apps (a warning) and of legacy apps that the
    current `--pg`/`--methods` selection leaves out (info), with the registry's note.

    ## Why is this bad?
    Retired apps no longer take payments; keeping them wastes review time and hides the
    current app that replaced them.

    ## Example
    ```xml
    <package android:name="finance.chai.app" />
    ```

    ## Use instead
    ```xml
    <package android:name="viva.republica.toss" />
    ```

    ## References
    - [`<queries>`](https://developer.android.com/guide/topics/manifest/queries-element)
    - [Package visibility](https://developer.android.com/training/package-visibility)
    """
    owners = context.registry.package_owner
    for package in queries_packages(doc):
        app = owners.get(package.value) if package.value is not None else None
        if app is None or not unwanted_status(app, context):
            continue
        yield retired_diagnostic(
            DEPRECATED_QUERIES_PACKAGE, doc.path, package.line, package.raw, app
        )


DEPRECATED_QUERIES_PACKAGE = Rule(
    "SG113", "deprecated-queries-package", Severity.WARNING, deprecated_queries_package
)


def no_return_package(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Names the payment apps in `<queries>` that do not come back through the app scheme.

    ## What it does
    For each `<queries>` package of a registry app marked `returns: {android: false}`
    (KakaoPay opens inside KakaoTalk), one `info` line says what that means for the flow.

    ## Why is this bad?
    After paying in such an app the user is not sent to `myshop://`: the payment page
    finishes through `m_redirect_url`. An app that waits for the app scheme never sees the
    result.

    ## Example
    ```xml
    <package android:name="com.kakao.talk" />
    <!-- and a payment request without m_redirect_url -->
    ```

    ## Use instead
    ```xml
    <package android:name="com.kakao.talk" />
    <!-- and m_redirect_url in the payment request, where the order is finished -->
    ```

    ## References
    - [Package visibility](https://developer.android.com/training/package-visibility)
    - [PortOne: 모바일 앱에서 결제 연동하기](https://developers.portone.io/opi/ko/extra/mobile-payment/readme-v2)
    """
    seen: set[str] = set()
    for package in queries_packages(doc):
        app = context.registry.package_owner.get(package.value or "")
        if app is None or app.returns_android or app.id in seen:
            continue
        seen.add(app.id)
        yield no_return_diagnostic(
            NO_RETURN_PACKAGE,
            doc.path,
            package.line,
            value=package.raw,
            app=app,
            platform="Android",
        )


NO_RETURN_PACKAGE = Rule("SG114", "no-return-package", Severity.WARNING, no_return_package)
