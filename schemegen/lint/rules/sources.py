"""SG4xx: rules over the project's own source: the app scheme it passes to the payment call."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.record import record
from schemegen.lint.rules.common import LintContext, listing
from schemegen.registry import schemes


@record
class Registered:
    """A return scheme a manifest filter or a CFBundleURLSchemes entry registers."""

    scheme: str
    path: str
    line: int | None


@record
class SourceScan:
    """What the source scan of one run found: (value, path, line) per payment call."""

    passed: tuple[tuple[str, str, int], ...]
    registered: tuple[Registered, ...]
    skipped: str | None = None  # a source file left unread for want of the extra


def unregistered_app_scheme(scan: SourceScan, context: LintContext) -> Iterator[Diagnostic]:
    """Checks that the app scheme the source passes to the payment call is registered.

    ## What it does
    Finds the `app_scheme`/`appScheme` values the project's own source passes to the payment
    call (`IMP.request_pay({app_scheme})` in JS/TS/HTML, PortOne V2 `appScheme`,
    iamport_flutter and portone_flutter `appScheme:`, iamport-react-native `app_scheme`, and
    Java, Kotlin and Swift string constants passed the same way) and reports a value that no
    manifest intent-filter and no `CFBundleURLSchemes` entry of the run registers. JS, TS,
    Java, Kotlin and Swift are parsed with tree-sitter (`pip install schemegen[sources]`);
    without it the rule says in one `info` line that it did not run. Dart is matched with a
    precise pattern. `node_modules`, `build`, `Pods`, `.dart_tool` and `.gradle` are skipped.

    ## Why is this bad?
    The PG sends the user back to the scheme the page was given. When the app registers
    another one (a renamed scheme, a typo, the sample's), the card app opens nothing and the
    payment never finishes in the app.

    ## Example
    ```js
    IMP.request_pay({ pg: "html5_inicis", app_scheme: "myshop-pay" });
    // AndroidManifest.xml and Info.plist register `myshop`
    ```

    ## Use instead
    ```js
    IMP.request_pay({ pg: "html5_inicis", app_scheme: "myshop" });
    ```

    ## References
    - [Create deep links to app content](https://developer.android.com/training/app-links/deep-linking)
    - [Defining a custom URL scheme for your app](https://developer.apple.com/documentation/xcode/defining-a-custom-url-scheme-for-your-app)
    """
    if scan.skipped is not None:
        yield UNREGISTERED_APP_SCHEME.diagnostic(
            scan.skipped,
            None,
            "source files were not scanned for the app scheme: the tree-sitter grammars are "
            "not installed",
            fix="pip install 'schemegen[sources]'",
            severity=Severity.INFO,
        )
    if not scan.registered:
        return
    exact = {r.scheme for r in scan.registered}
    reported: set[tuple[str, str]] = set()
    for raw, path, line in sorted(scan.passed, key=lambda p: (p[1], p[2])):
        try:
            value = schemes.parse_app_scheme(raw).scheme
        except schemes.AppSchemeError:
            continue
        if value in exact or (value, path) in reported:
            continue  # a constant and its use are one finding
        reported.add((value, path))
        shown = listing(
            f"`{r.scheme}` ({r.path}{f':{r.line}' if r.line else ''})" for r in scan.registered
        )
        yield UNREGISTERED_APP_SCHEME.diagnostic(
            path,
            line,
            f"the payment call passes app scheme `{value}`, which no intent-filter or "
            f"CFBundleURLSchemes entry registers; registered: {shown}",
            fix=f"pass a registered scheme, or register `{value}` (`schemegen apply "
            f"--app-scheme {value}`)",
        )


UNREGISTERED_APP_SCHEME = Rule(
    "SG402", "unregistered-app-scheme", Severity.ERROR, unregistered_app_scheme
)

RULES: tuple[Rule, ...] = (UNREGISTERED_APP_SCHEME,)
