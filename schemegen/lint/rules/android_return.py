"""Android rules for the return path: the return filter, its schemes, exported, launchMode."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import Manifest, filter_categories, is_build_reference, is_launcher
from schemegen.lint.rules.common import (
    LintContext,
    scheme_problem,
)
from schemegen.lint.rules.manifest_views import (
    BROWSABLE,
    DEFAULT,
    EXPORTED_SDK,
    VIEW,
    component_label,
    filters,
    queries_packages,
    return_filters,
    target_sdk,
)
from schemegen.registry import schemes


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
                f"; {component_label(f.component)} has a filter for `{near[0]}` (line "
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
                f"VIEW + BROWSABLE intent-filter of {component_label(f.component)} has no "
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
            f"{component_label(component)} has an intent-filter but no `android:exported` "
            f"({known}): apps targeting Android 12 (API 31) or later fail to install",
            fix='add `android:exported="true"`'
            if public
            else 'add `android:exported="true"` or `"false"`',
            severity=severity,
        )


MISSING_EXPORTED = Rule("SG104", "missing-exported", Severity.ERROR, missing_exported)


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
                f"return activity {component_label(component)} uses the default `standard` "
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
