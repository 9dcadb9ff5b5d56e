"""SG0xx: files that cannot be read, parsed or trusted, and stale generated files."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.documents import Document, Manifest, Plist, ProblemKind, Unreadable
from schemegen.core.regex import lazy
from schemegen.lint.rules.common import LintContext


def _problem(doc: Document, kind: ProblemKind, rule: Rule, fix: str | None) -> Iterator[Diagnostic]:
    if isinstance(doc, Unreadable) and doc.problem.kind is kind:
        yield rule.diagnostic(doc.path, doc.problem.line, doc.problem.message, fix=fix)


def unreadable_file(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that every file named on the command line can be read.

    ## What it does
    Reports a path that does not exist, is not a regular file, or cannot be opened.

    ## Why is this bad?
    A file the linter cannot read is a file nobody checked: CI would pass while the
    manifest or plist it was meant to guard goes unlinted.

    ## Example
    ```
    schemegen lint ios/Runner/Info.plst
    ```

    ## Use instead
    ```
    schemegen lint ios/Runner/Info.plist
    ```

    ## References
    - [Info.plist](https://developer.apple.com/documentation/bundleresources/information-property-list)
    - [App manifest overview](https://developer.android.com/guide/topics/manifest/manifest-intro)
    """
    return _problem(doc, ProblemKind.UNREADABLE, UNREADABLE_FILE, "check the path and permissions")


UNREADABLE_FILE = Rule("SG001", "unreadable-file", Severity.ERROR, unreadable_file)


def invalid_xml(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a manifest or XML plist is well-formed XML.

    ## What it does
    Reports the parser's error and line for a file that is not well-formed XML, or that
    nests elements deeper than any real manifest or plist does.

    ## Why is this bad?
    The Android build and Xcode both refuse a malformed file, and every other rule is blind
    to it.

    ## Example
    ```xml
    <manifest xmlns:android="http://schemas.android.com/apk/res/android">
        <application>
    </manifest>
    ```

    ## Use instead
    ```xml
    <manifest xmlns:android="http://schemas.android.com/apk/res/android">
        <application />
    </manifest>
    ```

    ## References
    - [Extensible Markup Language (XML) 1.0](https://www.w3.org/TR/xml/)
    - [App manifest overview](https://developer.android.com/guide/topics/manifest/manifest-intro)
    """
    return _problem(doc, ProblemKind.XML_SYNTAX, INVALID_XML, None)


INVALID_XML = Rule("SG002", "invalid-xml", Severity.ERROR, invalid_xml)


def unsafe_xml(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a file uses no entity declarations, internal DTD subsets or external DTDs.

    ## What it does
    Refuses `<!ENTITY>` declarations, a DOCTYPE with an internal subset, and a DOCTYPE that
    points at any DTD other than Apple's standard plist DTD. Nothing is expanded or fetched.

    ## Why is this bad?
    Manifests and plists never need them, while XML external entities (XXE), "billion
    laughs" and remote DTDs are how crafted files read local files, call out to the network
    or exhaust memory in CI.

    ## Example
    ```xml
    <!DOCTYPE manifest [<!ENTITY scheme SYSTEM "file:///etc/passwd">]>
    <manifest>&scheme;</manifest>
    ```

    ## Use instead
    ```xml
    <manifest xmlns:android="http://schemas.android.com/apk/res/android" />
    ```

    ## References
    - [OWASP: XML External Entity Prevention](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    - [Property list DTD](https://developer.apple.com/documentation/bundleresources/information-property-list)
    """
    return _problem(
        doc, ProblemKind.UNSAFE_XML, UNSAFE_XML, "remove the DTD or entity declarations"
    )


UNSAFE_XML = Rule("SG003", "unsafe-xml", Severity.ERROR, unsafe_xml)


def file_too_large(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a file is no larger than 10 MB.

    ## What it does
    Refuses to parse files above 10 MB.

    ## Why is this bad?
    Real manifests and Info.plists are a few kilobytes. A huge file is a generated artefact,
    a mistake or an attempt to stall CI.

    ## Example
    ```
    android/app/src/main/AndroidManifest.xml   52 MB
    ```

    ## Use instead
    ```
    android/app/src/main/AndroidManifest.xml   4 KB
    ```

    ## References
    - [App manifest overview](https://developer.android.com/guide/topics/manifest/manifest-intro)
    - [Info.plist](https://developer.apple.com/documentation/bundleresources/information-property-list)
    """
    return _problem(doc, ProblemKind.TOO_LARGE, FILE_TOO_LARGE, None)


FILE_TOO_LARGE = Rule("SG004", "file-too-large", Severity.ERROR, file_too_large)


def unexpected_root(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a file is an Android manifest or an Info.plist holding a dictionary.

    ## What it does
    Reports XML whose root element is neither `<manifest>` nor `<plist>`, and a plist whose
    top-level value is not a dictionary.

    ## Why is this bad?
    A file linted as a manifest or plist that is something else (a resource file, a
    `Podfile.lock` renamed, an array plist) was named by mistake, or the project is broken.

    ## Example
    ```xml
    <resources><string name="app_name">Shop</string></resources>
    ```

    ## Use instead
    ```xml
    <manifest xmlns:android="http://schemas.android.com/apk/res/android" />
    ```

    ## References
    - [`<manifest>`](https://developer.android.com/guide/topics/manifest/manifest-element)
    - [Info.plist](https://developer.apple.com/documentation/bundleresources/information-property-list)
    """
    return _problem(doc, ProblemKind.WRONG_ROOT, UNEXPECTED_ROOT, None)


UNEXPECTED_ROOT = Rule("SG005", "unexpected-root", Severity.ERROR, unexpected_root)


def invalid_plist(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a plist follows the property-list format (XML or binary).

    ## What it does
    Reports a truncated or corrupt binary plist, and an XML plist whose structure is wrong:
    a `<key>` without a value, a value without a key, an unknown element, a bad number,
    date or base64 data.

    ## Why is this bad?
    Xcode fails the build or, worse, drops the broken part of the file silently, so the URL
    types or query schemes never reach the app.

    ## Example
    ```xml
    <dict>
        <key>LSApplicationQueriesSchemes</key>
    </dict>
    ```

    ## Use instead
    ```xml
    <dict>
        <key>LSApplicationQueriesSchemes</key>
        <array><string>ispmobile</string></array>
    </dict>
    ```

    ## References
    - [Information property list](https://developer.apple.com/documentation/bundleresources/information-property-list)
    - [plistlib](https://docs.python.org/3/library/plistlib.html)
    """
    return _problem(doc, ProblemKind.BAD_PLIST, INVALID_PLIST, None)


INVALID_PLIST = Rule("SG006", "invalid-plist", Severity.ERROR, invalid_plist)

_VERSION = lazy(r"(\d+)\.(\d+)\.(\d+)")


def _version(text: str) -> tuple[int, ...] | None:
    match = _VERSION.fullmatch(text)
    return tuple(int(part) for part in match.groups()) if match else None


def outdated_generated_file(doc: Document, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that a file generated by schemegen matches the installed registry version.

    ## What it does
    Reads the `generated by schemegen from schemes.yaml <version>` header and warns when that
    registry version is older than the one installed.

    ## Why is this bad?
    Payment apps change their schemes and packages; a file generated from an old registry
    misses new apps and keeps retired ones.

    ## Example
    ```xml
    <!-- generated by schemegen from schemes.yaml 2025.1.0 — do not edit -->
    ```

    ## Use instead
    ```xml
    <!-- generated by schemegen from schemes.yaml 2026.11.0 — do not edit -->
    ```

    ## References
    - [Package visibility](https://developer.android.com/training/package-visibility)
    - [LSApplicationQueriesSchemes](https://developer.apple.com/documentation/bundleresources/information-property-list/lsapplicationqueriesschemes)
    """
    if not isinstance(doc, Manifest | Plist) or doc.header is None:
        return
    found, installed = _version(doc.header.version), _version(context.registry.version)
    if found is not None and installed is not None and found < installed:
        yield OUTDATED_GENERATED_FILE.diagnostic(
            doc.path,
            doc.header_line,
            f"generated from registry `{doc.header.version}`, older than the installed "
            f"`{context.registry.version}`",
            fix="run `schemegen generate` again and merge the new output",
        )


OUTDATED_GENERATED_FILE = Rule(
    "SG007", "outdated-generated-file", Severity.WARNING, outdated_generated_file
)

RULES: tuple[Rule, ...] = (
    UNREADABLE_FILE,
    INVALID_XML,
    UNSAFE_XML,
    FILE_TOO_LARGE,
    UNEXPECTED_ROOT,
    INVALID_PLIST,
    OUTDATED_GENERATED_FILE,
)
