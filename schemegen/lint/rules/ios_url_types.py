"""iOS rules for URL types and plist structure: the return scheme, placeholders, types."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import (
    Manifest,
    PArray,
    PDict,
    Plist,
    PScalar,
    PValue,
    is_build_reference,
)
from schemegen.lint.rules.common import (
    LintContext,
    app_ref,
    no_return_diagnostic,
    scheme_problem,
)
from schemegen.lint.rules.plist_views import (
    QUERIES,
    URL_SCHEMES,
    URL_TYPES,
    is_checkable,
    key_line,
    placeholder_reason,
    query_entries,
    url_schemes,
)
from schemegen.registry import schemes


def placeholder_value(doc: Plist | Manifest, context: LintContext) -> Iterator[Diagnostic]:
    """Checks URL schemes and query schemes for values left over from sample code.

    ## What it does
    Reports empty strings and placeholders such as `example`, `iamporttest`,
    `YOUR_APP_SCHEME`, `kakao0123456789abcdefghijklmn` or `<scheme>` in
    `LSApplicationQueriesSchemes`, `CFBundleURLSchemes`, `<data android:scheme>` and an Expo
    app's `scheme`. The sample values are the registry's `placeholders` list, which `apply`
    and `generate` refuse as `--app-scheme` too.

    ## Why is this bad?
    A placeholder in the URL types makes the app claim a scheme that many other apps claim
    too, so iOS may open one of them instead; in the query list it wastes a slot and hides
    the real value (such as the Kakao key) that was never filled in.

    ## Example
    ```xml
    <key>CFBundleURLSchemes</key>
    <array><string>example</string></array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLSchemes</key>
    <array><string>myshop</string></array>
    ```

    ## References
    - [Defining a custom URL scheme for your app](https://developer.apple.com/documentation/xcode/defining-a-custom-url-scheme-for-your-app)
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    """
    if isinstance(doc, Manifest):
        yield from _placeholder_schemes(doc, context)
        return
    for where, entries in ((QUERIES, query_entries(doc)), (URL_SCHEMES, url_schemes(doc))):
        for entry in entries:
            reason = placeholder_reason(entry.value, context)
            if reason is not None and not is_build_reference(entry.value):
                yield PLACEHOLDER_VALUE.diagnostic(
                    doc.path,
                    entry.line,
                    f"{where} entry `{entry.value}` {reason}",
                    fix="replace it with the real value or remove it",
                )


def _placeholder_schemes(doc: Manifest, context: LintContext) -> Iterator[Diagnostic]:
    for component in doc.components:
        for intent_filter in component.all("intent-filter"):
            for data in intent_filter.all("data"):
                raw = data.get("android:scheme")
                value = doc.resolve(raw) if raw is not None else None
                reason = None if value is None else placeholder_reason(value, context)
                if reason is not None:
                    yield PLACEHOLDER_VALUE.diagnostic(
                        doc.path,
                        data.line,
                        f"scheme `{value}` {reason}",
                        fix="replace it with your app's own scheme or remove the filter",
                    )


PLACEHOLDER_VALUE = Rule("SG206", "placeholder-value", Severity.WARNING, placeholder_value)


def url_schemes_outside_url_types(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that `CFBundleURLSchemes` only appears inside `CFBundleURLTypes` entries.

    ## What it does
    Reports a `CFBundleURLSchemes` key at the top level of the Info.plist.

    ## Why is this bad?
    iOS only reads URL schemes from the dictionaries in the `CFBundleURLTypes` array. At
    the top level the key is ignored, the app registers no scheme, and after payment the
    card app opens Safari instead of returning to the app.

    ## Example
    ```xml
    <key>CFBundleURLSchemes</key>
    <array><string>myshop</string></array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLTypes</key>
    <array>
        <dict>
            <key>CFBundleURLSchemes</key>
            <array><string>myshop</string></array>
        </dict>
    </array>
    ```

    ## References
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    - [SwiftyIamport#2](https://github.com/JosephNK/SwiftyIamport/issues/2)
    """
    for entry in doc.root.entries:
        if entry.key == URL_SCHEMES:
            yield URL_SCHEMES_OUTSIDE_URL_TYPES.diagnostic(
                doc.path,
                entry.line,
                f"top-level `{URL_SCHEMES}` is ignored by iOS; it belongs in a `{URL_TYPES}` entry",
                fix=f"move it into a dictionary of the `{URL_TYPES}` array",
            )


URL_SCHEMES_OUTSIDE_URL_TYPES = Rule(
    "SG208", "url-schemes-outside-url-types", Severity.ERROR, url_schemes_outside_url_types
)


def empty_url_type(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that `CFBundleURLTypes` and its entries are not empty.

    ## What it does
    Reports an empty `CFBundleURLTypes` array, an empty `<dict/>` in it, and an entry
    without `CFBundleURLSchemes` or with an empty scheme array.

    ## Why is this bad?
    An empty entry registers nothing; it usually marks a scheme that was deleted or never
    filled in, so the app cannot be reopened after payment.

    ## Example
    ```xml
    <key>CFBundleURLTypes</key>
    <array><dict/></array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLTypes</key>
    <array>
        <dict>
            <key>CFBundleURLSchemes</key>
            <array><string>myshop</string></array>
        </dict>
    </array>
    ```

    ## References
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    - [SwiftyIamport#2](https://github.com/JosephNK/SwiftyIamport/issues/2)
    """
    entry = doc.root.get(URL_TYPES)
    if entry is None or not isinstance(entry.value, PArray):
        return
    if not entry.value.items:
        yield EMPTY_URL_TYPE.diagnostic(
            doc.path,
            entry.line,
            f"`{URL_TYPES}` is empty",
            fix="add the app's URL scheme or remove the key",
        )
    for item in entry.value.items:
        if not isinstance(item, PDict):
            continue
        schemes_entry = item.get(URL_SCHEMES)
        if not item.entries:
            message = f"empty `<dict/>` in `{URL_TYPES}`"
        elif schemes_entry is None:
            message = f"`{URL_TYPES}` entry has no `{URL_SCHEMES}`"
        elif isinstance(schemes_entry.value, PArray) and not schemes_entry.value.items:
            message = f"`{URL_SCHEMES}` is empty"
        else:
            continue
        yield EMPTY_URL_TYPE.diagnostic(
            doc.path, item.line, message, fix="fill in the scheme or remove the entry"
        )


EMPTY_URL_TYPE = Rule("SG209", "empty-url-type", Severity.ERROR, empty_url_type)


def missing_app_url_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that an app's `CFBundleURLTypes` registers its `--app-scheme`.

    ## What it does
    With `--app-scheme myshop`, checks that a `CFBundleURLSchemes` entry holds `myshop`
    (iOS compares schemes case-insensitively). Non-app bundles are skipped.

    ## Why is this bad?
    The PG and the card app return to `myshop://...`; if the app does not register the
    scheme, iOS cannot open it and the user is left in the card app or in Safari.

    ## Example
    ```xml
    <key>CFBundleURLTypes</key>
    <array><dict><key>CFBundleURLSchemes</key><array><string>kakao123</string></array></dict></array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLTypes</key>
    <array>
        <dict><key>CFBundleURLSchemes</key><array><string>kakao123</string></array></dict>
        <dict><key>CFBundleURLSchemes</key><array><string>myshop</string></array></dict>
    </array>
    ```

    ## References
    - [Defining a custom URL scheme for your app](https://developer.apple.com/documentation/xcode/defining-a-custom-url-scheme-for-your-app)
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    """
    scheme = context.app_scheme
    if scheme is None or not doc.is_app:
        return
    if scheme.lower() in {e.value.lower() for e in url_schemes(doc)}:
        return
    yield MISSING_APP_URL_SCHEME.diagnostic(
        doc.path,
        key_line(doc, URL_TYPES),
        f"`{URL_TYPES}` does not register the return scheme `{scheme}`",
        fix=f"add a `{URL_TYPES}` entry with `{URL_SCHEMES}` = [`{scheme}`] "
        "(`schemegen generate` writes it)",
    )


MISSING_APP_URL_SCHEME = Rule(
    "SG210", "missing-app-url-scheme", Severity.ERROR, missing_app_url_scheme
)


def claimed_third_party_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that the app does not register a payment app's scheme as its own.

    ## What it does
    Reports a `CFBundleURLSchemes` entry that is a registry scheme of another app, such as
    `kakaotalk` or `ispmobile`.

    ## Why is this bad?
    `CFBundleURLTypes` lists the schemes the app *owns*; the schemes it *opens* belong in
    `LSApplicationQueriesSchemes`. Claiming another app's scheme does not make payments
    work and lets the app intercept URLs meant for that app.

    ## Example
    ```xml
    <key>CFBundleURLSchemes</key>
    <array><string>myshop</string><string>kakaotalk</string></array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLSchemes</key>
    <array><string>myshop</string></array>
    <!-- and kakaotalk in LSApplicationQueriesSchemes -->
    ```

    ## References
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    - [iamport-react-native#226](https://github.com/portone-io/iamport-react-native/issues/226)
    """
    for entry in url_schemes(doc):
        app = context.scheme_owner.get(entry.value.lower())
        if app is not None:
            yield CLAIMED_THIRD_PARTY_SCHEME.diagnostic(
                doc.path,
                entry.line,
                f"URL type claims {app_ref(entry.value, app)}, a payment app's scheme",
                fix=f"remove it from `{URL_TYPES}`; list it in `{QUERIES}` if the app opens it",
            )


CLAIMED_THIRD_PARTY_SCHEME = Rule(
    "SG211", "claimed-third-party-scheme", Severity.ERROR, claimed_third_party_scheme
)


def invalid_url_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that every `CFBundleURLSchemes` entry is a lower-case RFC 3986 scheme.

    ## What it does
    Reports URL schemes with characters a scheme cannot hold (`_`, spaces, `://`) as errors
    and schemes with upper-case letters as warnings. When `--app-scheme` names another
    scheme, every finding is a warning: that URL type does not carry the payment return.

    ## Why is this bad?
    A scheme with `_` is not a URL scheme at all, so the PG's return URL fails to parse.
    iOS matches schemes case-insensitively, but the same app scheme is passed to the PG and
    registered on Android, which matches case-sensitively: `iamReactNative` works on one
    platform and fails on the other.

    ## Example
    ```xml
    <array><string>flutter_iamport_example</string></array>
    ```

    ## Use instead
    ```xml
    <array><string>flutter-iamport-example</string></array>
    ```

    ## References
    - [Defining a custom URL scheme for your app](https://developer.apple.com/documentation/xcode/defining-a-custom-url-scheme-for-your-app)
    - [RFC 3986 section 3.1](https://www.rfc-editor.org/rfc/rfc3986#section-3.1)
    """
    for entry in url_schemes(doc):
        value = entry.value
        if not is_checkable(value, context) or value.lower() in context.scheme_owner:
            continue
        problem = scheme_problem(value)
        if problem is None:
            continue
        upper_only = schemes.is_scheme_syntax(value)
        suggestion = re.sub(r"[^a-z0-9+.\-]", "-", value.split(":", 1)[0].strip().lower())
        other = context.app_scheme is not None and value.lower() != context.app_scheme
        yield INVALID_URL_SCHEME.diagnostic(
            doc.path,
            entry.line,
            f"URL scheme `{value}` {problem}"
            + (f" (not the return scheme `{context.app_scheme}`)" if other else ""),
            fix=f"use `{suggestion}` here, on Android and in the payment request"
            if schemes.is_valid_scheme(suggestion)
            else "start with a letter; use a-z, 0-9, + - .",
            severity=Severity.WARNING if upper_only or other else Severity.ERROR,
        )


INVALID_URL_SCHEME = Rule("SG212", "invalid-url-scheme", Severity.ERROR, invalid_url_scheme)


def unresolved_plist_variable(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Reports URL and query schemes that Xcode fills in at build time.

    ## What it does
    Notes (as info) entries such as `$(PRODUCT_BUNDLE_IDENTIFIER)` in `CFBundleURLSchemes`
    and `LSApplicationQueriesSchemes`. They are not invalid schemes, but the linter cannot
    check the value.

    ## Why is this bad?
    It is not wrong. Bundle identifiers often hold upper-case letters, though, which the
    Android side of the same app would match case-sensitively: check the built value.

    ## Example
    ```xml
    <string>$(PRODUCT_BUNDLE_IDENTIFIER)</string>
    ```

    ## Use instead
    ```xml
    <string>myshop</string>
    ```

    ## References
    - [Build settings reference](https://developer.apple.com/documentation/xcode/build-settings-reference)
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    """
    if isinstance(doc, Manifest):
        yield from _placeholder_schemes(doc, context)
        return
    for where, entries in ((QUERIES, query_entries(doc)), (URL_SCHEMES, url_schemes(doc))):
        for entry in entries:
            if is_build_reference(entry.value):
                yield UNRESOLVED_PLIST_VARIABLE.diagnostic(
                    doc.path,
                    entry.line,
                    f"{where} entry `{entry.value}` is set at build time; its value is not checked",
                    fix="lint the built Info.plist to check the final value",
                )


UNRESOLVED_PLIST_VARIABLE = Rule(
    "SG213", "unresolved-plist-variable", Severity.INFO, unresolved_plist_variable
)


def _type_name(value: PValue) -> str:
    if isinstance(value, PDict):
        return "dictionary"
    if isinstance(value, PArray):
        return "array"
    return value.kind


def wrong_plist_type(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks the value types of the URL-scheme keys.

    ## What it does
    Reports `LSApplicationQueriesSchemes` that is not an array of strings, `CFBundleURLTypes`
    that is not an array of dictionaries, and `CFBundleURLSchemes` that is not an array of
    strings.

    ## Why is this bad?
    iOS ignores a key with the wrong type (or a value of the wrong type inside it), so the
    schemes never take effect, without any build error.

    ## Example
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <string>ispmobile</string>
    ```

    ## Use instead
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <array><string>ispmobile</string></array>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    """

    def strings(key: str, value: PValue, line: int | None) -> Iterator[Diagnostic]:
        if not isinstance(value, PArray):
            yield WRONG_PLIST_TYPE.diagnostic(
                doc.path,
                line,
                f"`{key}` is a {_type_name(value)}, not an array of strings",
                fix="use `<array>` of `<string>`",
            )
            return
        for item in value.items:
            if not (isinstance(item, PScalar) and item.kind == "string"):
                yield WRONG_PLIST_TYPE.diagnostic(
                    doc.path,
                    item.line if item.line is not None else line,
                    f"`{key}` holds a {_type_name(item)}, not a string",
                    fix="use `<string>`",
                )

    queries = doc.root.get(QUERIES)
    if queries is not None:
        yield from strings(QUERIES, queries.value, queries.line)
    types = doc.root.get(URL_TYPES)
    if types is None:
        return
    if not isinstance(types.value, PArray):
        yield WRONG_PLIST_TYPE.diagnostic(
            doc.path,
            types.line,
            f"`{URL_TYPES}` is a {_type_name(types.value)}, not an array",
            fix="use `<array>` of `<dict>`",
        )
        return
    for item in types.value.items:
        if not isinstance(item, PDict):
            yield WRONG_PLIST_TYPE.diagnostic(
                doc.path,
                item.line if item.line is not None else types.line,
                f"`{URL_TYPES}` holds a {_type_name(item)}, not a dictionary",
                fix="use `<dict>`",
            )
            continue
        schemes_entry = item.get(URL_SCHEMES)
        if schemes_entry is not None:
            yield from strings(URL_SCHEMES, schemes_entry.value, schemes_entry.line)


WRONG_PLIST_TYPE = Rule("SG214", "wrong-plist-type", Severity.ERROR, wrong_plist_type)


def _dicts(value: PValue) -> Iterator[PDict]:
    """The dictionaries in `value`, depth first, without a call for every scalar."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, PDict):
            yield value
            pending += reversed(
                [e.value for e in value.entries if not isinstance(e.value, PScalar)]
            )
        elif isinstance(value, PArray):
            pending += reversed([item for item in value.items if not isinstance(item, PScalar)])


def duplicate_plist_key(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that no dictionary in the plist repeats a key.

    ## What it does
    Reports the second and later occurrences of a key within one `<dict>`.

    ## Why is this bad?
    Only the last value counts; the earlier one is silently dropped. A second
    `CFBundleURLTypes` or `LSApplicationQueriesSchemes` pasted from a guide replaces the
    app's own entries.

    ## Example
    ```xml
    <key>CFBundleURLTypes</key><array>...</array>
    <key>CFBundleURLTypes</key><array>...</array>
    ```

    ## Use instead
    ```xml
    <key>CFBundleURLTypes</key><array><!-- all URL types --></array>
    ```

    ## References
    - [Information property list](https://developer.apple.com/documentation/bundleresources/information-property-list)
    - [CFBundleURLTypes](https://developer.apple.com/documentation/bundleresources/information-property-list/cfbundleurltypes)
    """
    for mapping in _dicts(doc.root):
        if len({entry.key for entry in mapping.entries}) == len(mapping.entries):
            continue  # the usual case, found without a dictionary per entry
        seen: dict[str, int | None] = {}
        for entry in mapping.entries:
            if entry.key in seen:
                first = seen[entry.key]
                where = f" on line {first}" if first is not None else ""
                yield DUPLICATE_PLIST_KEY.diagnostic(
                    doc.path,
                    entry.line,
                    f"key `{entry.key}` repeats the one{where}; only this later value counts",
                    fix="merge the two values under one key",
                )
            else:
                seen[entry.key] = entry.line


DUPLICATE_PLIST_KEY = Rule("SG215", "duplicate-plist-key", Severity.WARNING, duplicate_plist_key)


def no_return_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Names the payment apps in the query list that do not come back through the app scheme.

    ## What it does
    For each `LSApplicationQueriesSchemes` entry of a registry app marked
    `returns: {ios: false}` (KakaoPay; the PASS apps on iOS), one `info` line says what that
    means for the flow.

    ## Why is this bad?
    After paying or verifying in such an app the user is not sent to `myshop://`: the page
    finishes through `m_redirect_url`. An app that waits for the app scheme never sees the
    result.

    ## Example
    ```xml
    <string>tauthlink</string>
    <!-- and a request without m_redirect_url -->
    ```

    ## Use instead
    ```xml
    <string>tauthlink</string>
    <!-- and m_redirect_url in the request, where the result is handled -->
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [PortOne: 모바일 앱에서 결제 연동하기](https://developers.portone.io/opi/ko/extra/mobile-payment/readme-v2)
    """
    seen: set[str] = set()
    for entry in query_entries(doc):
        app = context.scheme_owner.get(entry.value.lower())
        if app is None or app.returns_ios or app.id in seen:
            continue
        seen.add(app.id)
        yield no_return_diagnostic(
            NO_RETURN_SCHEME, doc.path, entry.line, value=entry.value, app=app, platform="iOS"
        )


NO_RETURN_SCHEME = Rule("SG216", "no-return-scheme", Severity.WARNING, no_return_scheme)
