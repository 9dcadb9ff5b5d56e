"""SG4xx: rules about an Expo app's config as a whole."""

from __future__ import annotations

from collections.abc import Iterator

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.record import record
from schemegen.lint.rules.common import LintContext


@record
class ExpoCode:
    """An app.config.js/ts that lint could not read without running it, and why."""

    path: str
    reason: str


def dynamic_expo_config(doc: ExpoCode, context: LintContext) -> Iterator[Diagnostic]:
    """Reports an `app.config.js`/`.ts` that lint cannot read without running it.

    ## What it does
    Reads the object an `app.config.js`/`.ts` exports when it is a plain literal, and lints
    it like `app.json`. When the file exports a function or builds the object in code, it
    says so in one `info` line: the values it returns were not linted.

    ## Why is this bad?
    Expo uses what the JavaScript config returns, which may override `app.json`. schemegen
    never runs code from the files it checks, so those values are unchecked.

    ## Example
    ```js
    export default ({ config }) => ({ ...config, scheme: process.env.SCHEME });
    ```

    ## Use instead
    ```js
    // keep the payment settings in app.json and pass `config` on unchanged
    export default ({ config }) => ({ ...config, name: "Shop" });
    ```

    ## References
    - [Expo: app config, dynamic configuration](https://docs.expo.dev/workflow/configuration/#dynamic-configuration)
    """
    yield DYNAMIC_EXPO_CONFIG.diagnostic(
        doc.path,
        None,
        f"not linted: {doc.reason}; app.json is linted, and the values this file returns "
        "may override it",
        fix="keep `scheme`, `ios.infoPlist` and the plugins in app.json",
        severity=Severity.INFO,
    )


DYNAMIC_EXPO_CONFIG = Rule("SG401", "dynamic-expo-config", Severity.WARNING, dynamic_expo_config)

RULES: tuple[Rule, ...] = (DYNAMIC_EXPO_CONFIG,)
