"""iOS rules for LSApplicationQueriesSchemes: budget, syntax, typos, duplicates, retired apps."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import Plist
from schemegen.lint.rules.common import (
    HARD_LIMIT,
    LintContext,
    app_ref,
    from_expo_config,
    listing,
    methods_text,
    retired_diagnostic,
    scheme_problem,
    typo_diagnostic,
    unwanted_status,
)
from schemegen.lint.rules.plist_views import QUERIES, Entry, is_checkable, key_line, query_entries
from schemegen.registry import schemes


def too_many_query_schemes(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that `LSApplicationQueriesSchemes` fits the number of entries iOS honours.

    ## What it does
    Counts the entries as iOS does, case duplicates included. Above 50 it is an error
    (iOS 15+ ignores the rest on every version); above `--ios-query-limit` (default 25) a
    warning, since apps built with Xcode 27 only get the first 25 on iOS 27. Names every
    ignored entry and the payment apps among them.

    ## Why is this bad?
    `canOpenURL` returns false for every scheme past the limit, even when the app is
    installed, so handlers that ask first send the user to the App Store. Order matters:
    put the schemes that must work first.

    ## Example
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <array><!-- 60 entries --></array>
    ```

    ## Use instead
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <array><!-- the 25 most important schemes, in priority order --></array>
    ```

    ## References
    - [canOpenURL(_:)](https://developer.apple.com/documentation/uikit/uiapplication/canopenurl(_:))
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    """
    entries = [e.value for e in query_entries(doc)]
    if len(entries) > HARD_LIMIT:
        cut, severity, why = HARD_LIMIT, Severity.ERROR, "iOS 15 and later honour only the first 50"
    elif len(entries) > context.ios_query_limit:
        cut, severity = context.ios_query_limit, Severity.WARNING
        why = (
            f"apps built with Xcode 27 get only the first {cut} on iOS 27 (--ios-query-limit {cut})"
        )
    else:
        return
    ignored = entries[cut:]
    owners = context.scheme_owner
    payment = [app_ref(s, owners[s.lower()]) for s in ignored if s.lower() in owners]
    among = f"; payment apps among them: {listing(payment)}" if payment else ""
    yield TOO_MANY_QUERY_SCHEMES.diagnostic(
        doc.path,
        key_line(doc, QUERIES),
        f"{QUERIES} has {len(entries)} entries and {why}; ignored: "
        f"{listing(f'`{s}`' for s in ignored)}{among}",
        fix="keep the schemes your handler really checks, most important first "
        "(`schemegen generate` orders them by priority)",
        severity=severity,
    )


TOO_MANY_QUERY_SCHEMES = Rule(
    "SG201", "too-many-query-schemes", Severity.ERROR, too_many_query_schemes
)


def invalid_query_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that every `LSApplicationQueriesSchemes` entry is a bare lower-case scheme.

    ## What it does
    Reports entries containing `://` or `:/`, whitespace, characters a scheme cannot hold,
    or upper-case letters (a warning). An upper-case spelling of a registry scheme is named
    as a case variant of it (`NewSmartPib` of `newsmartpib`), never as a misspelling;
    recorded misspellings are left to `query-scheme-typo`.

    ## Why is this bad?
    iOS compares the bare scheme of the URL passed to `canOpenURL` with the entries; an
    entry written as a URL (`ispmobile://`) or with a stray space never matches. Schemes
    are case-insensitive (RFC 3986, iOS), so a case variant still works on iOS, but the
    canonical lower-case spelling is the one Android and the PG pages use, and lists that
    mix spellings grow duplicates.

    ## Example
    ```xml
    <string>ispmobile://</string>
    <string>NewSmartPib</string>
    ```

    ## Use instead
    ```xml
    <string>ispmobile</string>
    <string>newsmartpib</string>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [RFC 3986 section 3.1](https://www.rfc-editor.org/rfc/rfc3986#section-3.1)
    """
    owners = context.scheme_owner
    for entry in query_entries(doc):
        value = entry.value
        variant_of = owners.get(value.lower()) if value != value.lower() else None
        misspelt = value in context.registry.aliases and variant_of is None
        if not is_checkable(value, context) or misspelt or context.excepted(value):
            continue
        problem = scheme_problem(value)
        if problem is None:
            continue
        upper_only = schemes.is_scheme_syntax(value)
        bare = value.split(":", 1)[0].strip().lower()
        if upper_only and variant_of is not None:
            problem = (
                f"is a case variant of {app_ref(value.lower(), variant_of)}: schemes are "
                "case-insensitive, and the registry spells it in lower case"
            )
        yield INVALID_QUERY_SCHEME.diagnostic(
            doc.path,
            entry.line,
            f"query scheme `{value}` {problem}",
            fix=f"write `{bare}`" if schemes.is_valid_scheme(bare) else "write the bare scheme",
            severity=Severity.WARNING if upper_only else Severity.ERROR,
        )


INVALID_QUERY_SCHEME = Rule("SG202", "invalid-query-scheme", Severity.ERROR, invalid_query_scheme)


def query_scheme_typo(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks query schemes for known misspellings and near misses of registry schemes.

    ## What it does
    Reports an `LSApplicationQueriesSchemes` entry that is a recorded alias of a registry
    scheme (an error) or within one or two edits of one (a warning), with the suggestion.
    A value that is itself in the registry, in any letter case, is never reported: Apple's
    store schemes `itms`, `itmss`, `itms-apps` and `itms-appss` are all real, and a case
    variant such as `NewSmartPib` is left to `invalid-query-scheme`.

    ## Why is this bad?
    Misspellings copied from old guides survive for years (`nhappvardansimclick` for NH
    Card). `canOpenURL` then answers false for the real app and the user is sent to the
    App Store although the app is installed.

    ## Example
    ```xml
    <string>nhappvardansimclick</string>
    ```

    ## Use instead
    ```xml
    <string>nhappcardansimclick</string>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [iamport-manual#36: the NH app-card scheme typo](https://github.com/iamport/iamport-manual/issues/36)
    """
    owners = context.scheme_owner
    for entry in query_entries(doc):
        if not is_checkable(entry.value, context) or entry.value.lower() in owners:
            continue
        typo = context.typo_of(entry.value, context.registry.scheme_owner)
        if typo is None or typo[0].lower() not in owners:
            continue
        yield typo_diagnostic(
            QUERY_SCHEME_TYPO,
            doc.path,
            entry.line,
            value=entry.value,
            typo=typo,
            owner=owners[typo[0].lower()],
        )


QUERY_SCHEME_TYPO = Rule("SG203", "query-scheme-typo", Severity.ERROR, query_scheme_typo)


def duplicate_query_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that no scheme appears twice in `LSApplicationQueriesSchemes` (ignoring case).

    ## What it does
    Reports the second and later entries that equal an earlier one, compared
    case-insensitively as iOS compares schemes.

    ## Why is this bad?
    Each duplicate spends one of the 25 or 50 slots iOS honours, pushing a real payment app
    past the limit.

    ## Example
    ```xml
    <string>kakaotalk</string>
    <string>KakaoTalk</string>
    ```

    ## Use instead
    ```xml
    <string>kakaotalk</string>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [canOpenURL(_:)](https://developer.apple.com/documentation/uikit/uiapplication/canopenurl(_:))
    """
    seen: dict[str, Entry] = {}
    for entry in query_entries(doc):
        key = entry.value.lower()
        if key in seen:
            first = seen[key]
            where = f" on line {first.line}" if first.line is not None else ""
            yield DUPLICATE_QUERY_SCHEME.diagnostic(
                doc.path,
                entry.line,
                f"`{entry.value}` is already listed{where} as `{first.value}`",
                fix="remove the duplicate",
            )
        else:
            seen[key] = entry


DUPLICATE_QUERY_SCHEME = Rule(
    "SG204", "duplicate-query-scheme", Severity.WARNING, duplicate_query_scheme
)


def deprecated_query_scheme(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks query schemes for payment apps the registry marks as retired.

    ## What it does
    Reports schemes of deprecated registry apps (a warning) and of legacy apps that the
    current `--pg`/`--methods` selection leaves out (info), with the registry's note.

    ## Why is this bad?
    A retired app's scheme takes one of the 25 or 50 slots iOS honours and can push a
    current payment app past the limit.

    ## Example
    ```xml
    <string>lpayapp</string>
    ```

    ## Use instead
    ```xml
    <string>lmslpay</string>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [canOpenURL(_:)](https://developer.apple.com/documentation/uikit/uiapplication/canopenurl(_:))
    """
    for entry in query_entries(doc):
        app = context.scheme_owner.get(entry.value.lower())
        if app is None or not unwanted_status(app, context):
            continue
        yield retired_diagnostic(DEPRECATED_QUERY_SCHEME, doc.path, entry.line, entry.value, app)


DEPRECATED_QUERY_SCHEME = Rule(
    "SG205", "deprecated-query-scheme", Severity.WARNING, deprecated_query_scheme
)


def missing_query_schemes(doc: Plist, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that an app's `LSApplicationQueriesSchemes` lists the registry schemes it needs.

    ## What it does
    Compares the entries with the registry schemes for the selected `--pg` and `--methods`,
    within `--ios-query-limit` and in priority order (what `schemegen generate` writes), and
    lists the missing ones. A warning by default, an error with `--require-queries`.
    Info.plists of frameworks and other bundles are skipped.

    ## Why is this bad?
    `canOpenURL` returns false for any scheme that is not listed. Handlers that open the URL
    directly do not need the list, but SDKs and handlers that ask `canOpenURL` first (React
    Native `Linking.canOpenURL`, Flutter `canLaunchUrl`) send the user to the App Store.

    ## Example
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <array><string>kakaotalk</string></array>
    ```

    ## Use instead
    ```xml
    <key>LSApplicationQueriesSchemes</key>
    <array><string>ispmobile</string><string>kb-acp</string><string>kakaotalk</string></array>
    ```

    ## References
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    - [canOpenURL(_:)](https://developer.apple.com/documentation/uikit/uiapplication/canopenurl(_:))
    """
    if not doc.is_app:
        return
    present = {e.value.lower() for e in query_entries(doc)}
    expected = context.expected_query_schemes
    missing = tuple(s for s in expected if s.lower() not in present)
    if not missing:
        return
    owners = context.scheme_owner
    lead = (
        f"{QUERIES} lacks {len(missing)} of the {len(expected)} registry schemes"
        if doc.root.get(QUERIES) is not None
        else f"there is no {QUERIES}, so `canOpenURL` answers false for the {len(expected)} "
        "registry schemes"
    )
    names = context.once(
        (MISSING_QUERY_SCHEMES.code, missing),
        lambda: listing(app_ref(s, owners.get(s.lower())) for s in missing),
    )
    yield MISSING_QUERY_SCHEMES.diagnostic(
        doc.path,
        key_line(doc, QUERIES),
        f"{lead} for {methods_text(context)}: {names}",
        fix="add them to `ios.infoPlist.LSApplicationQueriesSchemes` (`schemegen apply` does it)"
        if from_expo_config(doc.path)
        else "merge `schemegen generate`'s ios/Info.plist.fragment.xml",
        severity=Severity.ERROR if context.require_queries else Severity.WARNING,
    )


MISSING_QUERY_SCHEMES = Rule(
    "SG207", "missing-query-schemes", Severity.WARNING, missing_query_schemes
)
