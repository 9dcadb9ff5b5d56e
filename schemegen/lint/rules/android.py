"""SG1xx: AndroidManifest.xml rules (return intent-filter, exported, `<queries>`)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import (
    Manifest,
    Node,
    filter_actions,
    filter_categories,
    is_build_reference,
    is_launcher,
)
from schemegen.core.record import record
from schemegen.lint.rules.common import (
    SYSTEM_SCHEMES,
    WEB_SCHEMES,
    LintContext,
    app_ref,
    is_expo_config,
    listing,
    methods_text,
    no_return_diagnostic,
    per_document,
    retired_diagnostic,
    scheme_problem,
    typo_diagnostic,
    unwanted_status,
)
from schemegen.registry import schemes

VIEW = "android.intent.action.VIEW"
DEFAULT = "android.intent.category.DEFAULT"
BROWSABLE = "android.intent.category.BROWSABLE"
QUERY_ALL_PACKAGES = "android.permission.QUERY_ALL_PACKAGES"
ACTIVITIES = ("activity", "activity-alias")
EXPORTED_SDK = 31
VISIBILITY_SDK = 30  # package visibility filtering starts with Android 11


@record
class Value:
    """An attribute value as written, resolved (None when it stays a build reference), line."""

    raw: str
    value: str | None
    line: int


@record
class Filter:
    component: Node
    node: Node
    actions: tuple[str, ...]
    categories: tuple[str, ...]
    schemes: tuple[Value, ...]

    @cached_property
    def custom(self) -> tuple[Value, ...]:
        return tuple(s for s in self.schemes if s.value is not None and not _non_custom(s.value))

    @cached_property
    def web(self) -> tuple[Value, ...]:
        return tuple(s for s in self.schemes if s.value is not None and s.value in WEB_SCHEMES)

    @property
    def is_activity(self) -> bool:
        return self.component.tag in ACTIVITIES

    @property
    def is_deep_link(self) -> bool:
        """A filter meant to receive URLs: VIEW or BROWSABLE, or one with no action at all."""
        return VIEW in self.actions or BROWSABLE in self.categories or not self.actions


def _non_custom(scheme: str) -> bool:
    return scheme.lower() in WEB_SCHEMES or scheme.lower() in SYSTEM_SCHEMES


def _value(doc: Manifest, node: Node, attr: str) -> Value | None:
    raw = node.get(attr)
    return None if raw is None else Value(raw, doc.resolve(raw), node.line)


@per_document
def filters(doc: Manifest) -> tuple[Filter, ...]:
    found = []
    for component in doc.components:
        for node in component.all("intent-filter"):
            values = (_value(doc, data, "android:scheme") for data in node.all("data"))
            found.append(
                Filter(
                    component,
                    node,
                    filter_actions(node),
                    filter_categories(node),
                    tuple(v for v in values if v is not None),
                )
            )
    return tuple(found)


@per_document
def queries_packages(doc: Manifest) -> tuple[Value, ...]:
    found = (
        _value(doc, package, "android:name")
        for queries in doc.queries
        for package in queries.all("package")
    )
    return tuple(v for v in found if v is not None)


def queries_line(doc: Manifest) -> int:
    queries = doc.root.first("queries")
    return (queries if queries is not None else doc.root).line


def target_sdk(doc: Manifest, context: LintContext) -> int | None:
    """`--target-sdk`, else the Gradle module's `targetSdk`, else `<uses-sdk>`; None: unknown."""
    return context.target_sdk if context.target_sdk is not None else doc.target_sdk


def _component_label(node: Node) -> str:
    return f'`<{node.tag} android:name="{node.get("android:name") or "?"}">`'


def return_filters(doc: Manifest, context: LintContext) -> Iterator[Filter]:
    """Filters that bring the user back: the app scheme's, or launcher-activity deep links."""
    for f in filters(doc):
        if not f.is_activity or VIEW not in f.actions:
            continue
        if context.app_scheme is not None:
            if any(s.value == context.app_scheme for s in f.schemes):
                yield f
        elif (
            f.custom
            and BROWSABLE in f.categories
            and any(is_launcher(g) for g in f.component.all("intent-filter"))
        ):
            yield f


def missing_return_intent_filter(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that an app manifest receives its `--app-scheme` return URL.

    ## What it does
    With `--app-scheme myshop`, checks that an activity has an intent-filter with the VIEW
    action and `<data android:scheme="myshop"/>`, and names an existing filter whose scheme
    differs only in case or is a near miss (`myshpo`, `myshop1`). Library manifests are
    skipped.

    ## Why is this bad?
    After payment the card or bank app opens `myshop://...` to send the user back. Without
    a matching filter Android shows an error or leaves the user in the card app.

    ## Example
    ```xml
    <activity android:name=".PaymentActivity" android:exported="true" />
    ```

    ## Use instead
    ```xml
    <activity android:name=".PaymentActivity" android:exported="true"
              android:launchMode="singleTask">
        <intent-filter>
            <action android:name="android.intent.action.VIEW" />
            <category android:name="android.intent.category.DEFAULT" />
            <category android:name="android.intent.category.BROWSABLE" />
            <data android:scheme="myshop" />
        </intent-filter>
    </activity>
    ```

    ## References
    - [Create deep links](https://developer.android.com/training/app-links/deep-linking)
    - [`<data>`](https://developer.android.com/guide/topics/manifest/data-element)
    """
    scheme = context.app_scheme
    if scheme is None or doc.is_library or any(return_filters(doc, context)):
        return
    variants = sorted(
        {
            s.value
            for f in filters(doc)
            for s in f.schemes
            if s.value is not None and s.value.lower() == scheme.lower()
        }
    )
    hint = (
        (
            f"; {', '.join(f'`{v}`' for v in variants)} differs in case and Android matches "
            "schemes case-sensitively"
        )
        if variants
        else ""
    )
    if not variants:
        existing = {
            s.value: (f, s) for f in filters(doc) if f.is_activity for s in f.custom if s.value
        }
        near = schemes.near_misses(scheme, tuple(existing), context.near_miss_limit(scheme))
        if near:
            f, s = existing[near[0]]
            hint = (
                f"; {_component_label(f.component)} has a filter for `{near[0]}` (line "
                f"{s.line}), a near miss: is that the scheme you pass to the PG?"
            )
    yield MISSING_RETURN_INTENT_FILTER.diagnostic(
        doc.path,
        (doc.application or doc.root).line,
        f"no activity has an intent-filter for the return scheme `{scheme}`{hint}",
        fix=f'add a VIEW + DEFAULT + BROWSABLE filter with `<data android:scheme="{scheme}"/>` '
        "to the payment activity (`schemegen generate` writes it)",
    )


MISSING_RETURN_INTENT_FILTER = Rule(
    "SG101", "missing-return-intent-filter", Severity.ERROR, missing_return_intent_filter
)


def incomplete_deep_link_filter(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a custom-scheme intent-filter has VIEW, DEFAULT and BROWSABLE.

    ## What it does
    Reports an activity intent-filter for a custom scheme that lacks the VIEW action, the
    DEFAULT category or the BROWSABLE category, and a VIEW + BROWSABLE filter without any
    `<data android:scheme>` (it matches no URL at all).

    ## Why is this bad?
    Browsers, WebViews and card apps only start activities whose filter is BROWSABLE, and
    `startActivity` with an implicit intent needs DEFAULT. A filter missing either never
    receives the return URL.

    ## Example
    ```xml
    <intent-filter>
        <action android:name="android.intent.action.VIEW" />
        <category android:name="android.intent.category.DEFAULT" />
        <data android:scheme="myshop" />
    </intent-filter>
    ```

    ## Use instead
    ```xml
    <intent-filter>
        <action android:name="android.intent.action.VIEW" />
        <category android:name="android.intent.category.DEFAULT" />
        <category android:name="android.intent.category.BROWSABLE" />
        <data android:scheme="myshop" />
    </intent-filter>
    ```

    ## References
    - [Create deep links](https://developer.android.com/training/app-links/deep-linking)
    - [Android Intents with Chrome](https://developer.chrome.com/docs/android/intents)
    """
    for f in filters(doc):
        if not f.is_activity or not f.is_deep_link:
            continue
        if not f.schemes and VIEW in f.actions and BROWSABLE in f.categories:
            yield INCOMPLETE_DEEP_LINK_FILTER.diagnostic(
                doc.path,
                f.node.line,
                f"VIEW + BROWSABLE intent-filter of {_component_label(f.component)} has no "
                "`<data android:scheme>`, so it matches no URL",
                fix='add `<data android:scheme="your-app-scheme"/>` or remove the filter',
            )
            continue
        custom = f.custom
        if not custom:
            continue
        missing = [
            short
            for name, short in (
                (VIEW, "action VIEW"),
                (DEFAULT, "category DEFAULT"),
                (BROWSABLE, "category BROWSABLE"),
            )
            if name not in f.actions + f.categories
        ]
        if missing:
            yield INCOMPLETE_DEEP_LINK_FILTER.diagnostic(
                doc.path,
                f.node.line,
                f"intent-filter for `{custom[0].value}` lacks {' and '.join(missing)}: browsers "
                "and payment apps cannot open it",
                fix="a deep-link filter needs action VIEW and categories DEFAULT and BROWSABLE",
            )


INCOMPLETE_DEEP_LINK_FILTER = Rule(
    "SG102", "incomplete-deep-link-filter", Severity.ERROR, incomplete_deep_link_filter
)


def invalid_intent_scheme(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that every `<data android:scheme>` is a lower-case RFC 3986 scheme.

    ## What it does
    Reports schemes with upper-case letters, `://`, whitespace or characters a scheme
    cannot hold (such as `_`). Values resolved from `@string/` are checked too. When
    `--app-scheme` names another scheme, the finding is a warning: that filter does not
    carry the payment return.

    ## Why is this bad?
    Android matches intent-filter schemes case-sensitively, unlike RFC 3986: payment apps
    and PGs lower-case the scheme, so `myShop` never matches `myshop://`. Invalid characters
    make the URL unparseable before it reaches the app.

    ## Example
    ```xml
    <data android:scheme="com.example.myShop" />
    ```

    ## Use instead
    ```xml
    <data android:scheme="com.example.myshop" />
    ```

    ## References
    - [`<data>`: scheme matching is case-sensitive](https://developer.android.com/guide/topics/manifest/data-element)
    - [RFC 3986 section 3.1](https://www.rfc-editor.org/rfc/rfc3986#section-3.1)
    """
    for f in filters(doc):
        for scheme in f.schemes:
            if scheme.value is None or is_build_reference(scheme.value):
                continue
            problem = scheme_problem(scheme.value)
            if problem is None or context.excepted(scheme.value):
                continue
            shown = f"`{scheme.value}`" + (
                f" (from `{scheme.raw}`)" if scheme.raw != scheme.value else ""
            )
            fix = scheme.value.split(":", 1)[0].strip().lower()
            other = context.app_scheme is not None and fix != context.app_scheme
            yield INVALID_INTENT_SCHEME.diagnostic(
                doc.path,
                scheme.line,
                f"scheme {shown} {problem}"
                + (f" (not the return scheme `{context.app_scheme}`)" if other else ""),
                fix=f"use `{fix}` on Android, iOS and in the payment request"
                if schemes.is_valid_scheme(fix)
                else "use lower-case letters, digits, `+`, `-`, `.`",
                severity=Severity.WARNING if other else None,
            )


INVALID_INTENT_SCHEME = Rule(
    "SG103", "invalid-intent-scheme", Severity.ERROR, invalid_intent_scheme
)


def missing_exported(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that every component with an intent-filter sets `android:exported`.

    ## What it does
    Reports an activity, activity-alias, service or receiver that has an intent-filter and
    no explicit `android:exported`. It is an error when the target SDK is known to be 31 or
    higher (`--target-sdk`, the `targetSdk` of the module's `build.gradle(.kts)` next to the
    manifest, or `<uses-sdk android:targetSdkVersion>`), a warning otherwise.

    ## Why is this bad?
    Apps targeting Android 12 (API 31) fail to build or install with
    `INSTALL_PARSE_FAILED_MANIFEST_MALFORMED` when it is missing. The return activity must be
    `android:exported="true"` for the card app to reach it.

    ## Example
    ```xml
    <activity android:name=".MainActivity">
        <intent-filter>...</intent-filter>
    </activity>
    ```

    ## Use instead
    ```xml
    <activity android:name=".MainActivity" android:exported="true">
        <intent-filter>...</intent-filter>
    </activity>
    ```

    ## References
    - [Android 12 behaviour changes: safer component exporting](https://developer.android.com/about/versions/12/behavior-changes-12#exported)
    - [`<activity>` android:exported](https://developer.android.com/guide/topics/manifest/activity-element#exported)
    """
    target = target_sdk(doc, context)
    severity = Severity.ERROR if target is not None and target >= EXPORTED_SDK else Severity.WARNING
    known = f"targetSdk {target}" if target is not None else "an unknown targetSdk"
    for component in doc.components:
        own = component.all("intent-filter")
        if component.tag == "provider" or not own or component.get("android:exported") is not None:
            continue
        public = any(is_launcher(f) or BROWSABLE in filter_categories(f) for f in own)
        yield MISSING_EXPORTED.diagnostic(
            doc.path,
            component.line,
            f"{_component_label(component)} has an intent-filter but no `android:exported` "
            f"({known}): apps targeting Android 12 (API 31) or later fail to install",
            fix='add `android:exported="true"`'
            if public
            else 'add `android:exported="true"` or `"false"`',
            severity=severity,
        )


MISSING_EXPORTED = Rule("SG104", "missing-exported", Severity.ERROR, missing_exported)


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
        if is_expo_config(doc.path)
        else "merge `schemegen generate`'s android/AndroidManifest.fragment.xml, or lint the "
        "merged manifest when an SDK supplies them",
        severity=Severity.ERROR if context.require_queries else Severity.WARNING,
    )


MISSING_QUERIES_PACKAGE = Rule(
    "SG109", "missing-queries-package", Severity.WARNING, missing_queries_package
)


def mixed_scheme_filter(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that custom schemes and http(s) are not mixed in one intent-filter.

    ## What it does
    Reports an intent-filter whose `<data>` elements list both a custom scheme and `http`
    or `https`.

    ## Why is this bad?
    All `<data>` elements of a filter are merged, so every host and path applies to every
    scheme. Mixing them breaks App Link verification and makes the custom return scheme
    match more (or less) than intended. Android Lint reports it as
    `AppLinkSplitToWebAndCustom`.

    ## Example
    ```xml
    <intent-filter>
        <data android:scheme="https" android:host="shop.example.com" />
        <data android:scheme="myshop" />
    </intent-filter>
    ```

    ## Use instead
    ```xml
    <intent-filter android:autoVerify="true">
        <data android:scheme="https" android:host="shop.example.com" />
    </intent-filter>
    <intent-filter>
        <data android:scheme="myshop" />
    </intent-filter>
    ```

    ## References
    - [Create deep links](https://developer.android.com/training/app-links/deep-linking)
    - [`<data>`](https://developer.android.com/guide/topics/manifest/data-element)
    """
    for f in filters(doc):
        if f.custom and f.web:
            yield MIXED_SCHEME_FILTER.diagnostic(
                doc.path,
                f.node.line,
                f"intent-filter mixes custom scheme `{f.custom[0].value}` with `{f.web[0].value}`",
                fix="split it into one filter for http(s) and one for the custom scheme",
            )


MIXED_SCHEME_FILTER = Rule("SG110", "mixed-scheme-filter", Severity.WARNING, mixed_scheme_filter)


def standard_launch_mode(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that the activity receiving the return scheme is not `standard` launch mode.

    ## What it does
    Finds the return activity (the one with the `--app-scheme` filter, or without that
    option a launcher activity with a custom-scheme deep link) and warns when its
    `android:launchMode` is missing or `standard`.

    ## Why is this bad?
    In `standard` mode the return URL starts a new copy of the activity on top of the one
    holding the payment WebView, so the payment session is lost or shown twice.
    `singleTask` delivers it to the existing activity through `onNewIntent`.

    ## Example
    ```xml
    <activity android:name=".PaymentActivity" android:exported="true">
    ```

    ## Use instead
    ```xml
    <activity android:name=".PaymentActivity" android:exported="true"
              android:launchMode="singleTask">
    ```

    ## References
    - [`<activity>` android:launchMode](https://developer.android.com/guide/topics/manifest/activity-element#lmode)
    - [Tasks and the back stack](https://developer.android.com/guide/components/activities/tasks-and-back-stack)
    """
    if doc.is_library:
        return
    reported: set[int] = set()
    for f in return_filters(doc, context):
        component = f.component
        if component.tag != "activity" or id(component) in reported:
            continue
        mode = component.get("android:launchMode")
        if mode in (None, "standard"):
            reported.add(id(component))
            yield STANDARD_LAUNCH_MODE.diagnostic(
                doc.path,
                component.line,
                f"return activity {_component_label(component)} uses the default `standard` "
                "launch mode: the return URL opens a second copy of it",
                fix='add `android:launchMode="singleTask"` and handle the URL in `onNewIntent`',
            )


STANDARD_LAUNCH_MODE = Rule("SG111", "standard-launch-mode", Severity.WARNING, standard_launch_mode)


def unresolved_manifest_reference(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Reports schemes and packages that are filled in at build time and cannot be checked.

    ## What it does
    Notes (as info) `@string/...` references that `res/values/strings.xml` next to the
    manifest does not define, and placeholders such as `${applicationId}`, in
    `<data android:scheme>` and `<queries>` packages. They are not invalid schemes.

    ## Why is this bad?
    It is not wrong; the linter just cannot see the value. Lint the merged manifest
    (`build/intermediates/merged_manifests/...`) to check the final values.

    ## Example
    ```xml
    <data android:scheme="@string/custom_url_scheme" />
    ```

    ## Use instead
    ```xml
    <data android:scheme="myshop" />
    ```

    ## References
    - [String resources](https://developer.android.com/guide/topics/resources/string-resource)
    - [Inject build variables into the manifest](https://developer.android.com/build/manage-manifests#inject_build_variables_into_the_manifest)
    """
    values = [s for f in filters(doc) for s in f.schemes] + list(queries_packages(doc))
    for value in values:
        if value.value is None:
            where = (
                "not defined in res/values/strings.xml next to the manifest"
                if value.raw.startswith("@string/")
                else "a build-time placeholder"
            )
            yield UNRESOLVED_MANIFEST_REFERENCE.diagnostic(
                doc.path,
                value.line,
                f"`{value.raw}` is {where}; its value is not checked",
                fix="lint the merged manifest to check the final value",
            )


UNRESOLVED_MANIFEST_REFERENCE = Rule(
    "SG112", "unresolved-manifest-reference", Severity.INFO, unresolved_manifest_reference
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

RULES: tuple[Rule, ...] = (
    MISSING_RETURN_INTENT_FILTER,
    INCOMPLETE_DEEP_LINK_FILTER,
    INVALID_INTENT_SCHEME,
    MISSING_EXPORTED,
    QUERIES_INSIDE_APPLICATION,
    QUERY_ALL_PACKAGES_RULE,
    QUERIES_PACKAGE_TYPO,
    DUPLICATE_QUERIES_PACKAGE,
    MISSING_QUERIES_PACKAGE,
    MIXED_SCHEME_FILTER,
    STANDARD_LAUNCH_MODE,
    UNRESOLVED_MANIFEST_REFERENCE,
    DEPRECATED_QUERIES_PACKAGE,
    NO_RETURN_PACKAGE,
)
