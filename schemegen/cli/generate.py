"""`schemegen generate`: write (or check) the generated files for an app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemegen.cli.common import (
    Exit,
    UsageError,
    add_http_content_option,
    add_ios_limit_option,
    add_no_config_option,
    add_placeholder_option,
    add_registry_option,
    add_selection_options,
    budget_notice,
    check_ios_limit,
    csv_list,
    detected_framework,
    err,
    load_registry,
    no_return_notices,
    overlays_for,
    refuse_placeholder,
    selection_criteria,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.generate.render import FLUTTER_WEBVIEWS, FRAMEWORKS, LANGS, PLATFORMS, TARGETS
    from schemegen.generate.views import PAY_METHODS, WEB_SDKS

    p = sub.add_parser("generate", help="write the Android, iOS and web payment glue for an app")
    p.add_argument(
        "--app-scheme",
        required=True,
        help="your app's return scheme: myshop, myshop:// or myshop://path?x=1",
    )
    p.add_argument("--out", default="payment-config", help="output folder (default payment-config)")
    p.add_argument(
        "--framework",
        default="native",
        choices=(*FRAMEWORKS, "auto"),
        help="the app's framework (default native); auto detects it in --project",
    )
    p.add_argument(
        "--project",
        default=".",
        metavar="DIR",
        help="the project --framework auto looks at (default .)",
    )
    p.add_argument(
        "--platform", type=csv_list, default=PLATFORMS, help="android,ios,web (default all)"
    )
    p.add_argument(
        "--lang",
        type=csv_list,
        default=LANGS,
        help="native handler languages: java,kotlin,swift,objc (default all)",
    )
    p.add_argument(
        "--flutter-webview",
        choices=FLUTTER_WEBVIEWS,
        help="Flutter WebView plugin (default: the one in the project's pubspec.yaml, else "
        "webview_flutter)",
    )
    keys = ", ".join(t.key for t in TARGETS)
    p.add_argument(
        "--stdout", metavar="TARGET", help=f"print one target instead of writing files: {keys}"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff when --out differs from the output",
    )
    p.add_argument("--java-package", default="com.example.payment", help="Java/Kotlin package")
    p.add_argument("--class-prefix", default="", help="prefix for generated class names")
    p.add_argument(
        "--imp-code", help="PortOne (iamport) merchant code (without it the JS call throws)"
    )
    p.add_argument(
        "--activity",
        metavar="NAME",
        default=".MainActivity",
        help="activity hosting the payment WebView, which gets the return intent-filter "
        "(default .MainActivity)",
    )
    p.add_argument(
        "--pay-method", default="card", choices=PAY_METHODS, help="pay_method for the JS call"
    )
    p.add_argument(
        "--redirect-url",
        help="m_redirect_url / redirectUrl: where the PG sends the buyer after paying "
        "(without it the JS call throws)",
    )
    p.add_argument(
        "--web-sdk",
        default="iamport",
        choices=WEB_SDKS,
        help="iamport (IMP.request_pay, V1) or portone-v2 (PortOne.requestPayment)",
    )
    p.add_argument("--store-id", help="PortOne V2 store id (without it the JS call throws)")
    p.add_argument("--channel-key", help="PortOne V2 channel key (without it the JS call throws)")
    add_http_content_option(p)
    add_placeholder_option(p)
    add_selection_options(p)
    add_ios_limit_option(p)
    add_registry_option(p)
    add_no_config_option(p)
    p.set_defaults(run=_generate)


def _generate(args: argparse.Namespace) -> int:
    from schemegen.core.atomic import WriteError, existing_folder, write_all
    from schemegen.generate import views as generate

    check_ios_limit(args.ios_query_limit)
    framework = args.framework
    if framework == "auto":
        framework = detected_framework(Path(args.project))
    reg = load_registry(overlays_for(args))
    import contextlib

    from schemegen.registry.schemes import AppSchemeError, parse_app_scheme

    with contextlib.suppress(AppSchemeError):  # generate reports an invalid scheme itself
        refuse_placeholder(reg, parse_app_scheme(args.app_scheme).scheme, args.allow_placeholder)
    options = generate.Options(
        app_scheme=args.app_scheme,
        java_package=args.java_package,
        class_prefix=args.class_prefix,
        imp_code=args.imp_code,
        pg=args.pg,
        pay_method=args.pay_method,
        redirect_url=args.redirect_url,
        web_sdk=args.web_sdk,
        store_id=args.store_id,
        channel_key=args.channel_key,
        allow_http_content=args.allow_http_content,
        activity=args.activity,
        ios_query_limit=args.ios_query_limit,
        platforms=tuple(args.platform),
        langs=tuple(args.lang),
        framework=framework,
        flutter_webview=_flutter_webview(args.flutter_webview, Path(args.project), framework),
    )
    try:
        result = generate.generate(reg, selection_criteria(args), options)
    except generate.GenerateError as error:
        raise UsageError(str(error)) from None
    if "web" in options.platforms and result.view.missing_options:
        err(
            f"notice: web/request_pay.js throws until generated with "
            f"{', '.join(result.view.missing_options)}"
        )
    if result.dropped:
        err(f"notice: {budget_notice(args.ios_query_limit, len(result.dropped))}")
    from schemegen.registry.selection import select

    no_return_notices(select(reg, selection_criteria(args)))
    if args.stdout:
        text = result.files.get(args.stdout) or result.by_key.get(args.stdout)
        if text is None:
            raise UsageError(
                f"unknown or unselected target `{args.stdout}`; "
                f"choose from {', '.join(result.by_key)}"
            )
        sys.stdout.write(text)
        return Exit.OK
    out = Path(args.out)
    if args.check:
        return _check_drift(out, result.files)
    try:
        write_all(
            {out / name: text.encode("utf-8") for name, text in result.files.items()},
            journal_dir=existing_folder(out.parent),
        )
    except WriteError as error:
        raise UsageError(f"cannot write {out}: {error}") from None
    print(f"schemegen: wrote {len(result.files)} files to {out}", file=sys.stderr)
    return Exit.OK


def _flutter_webview(choice: str | None, project: Path, framework: str) -> str:
    from schemegen.apply import placement

    try:
        webview, lines = placement.chosen_flutter_webview(choice, project, framework)
    except placement.PlacementError as error:
        raise UsageError(str(error)) from None
    for line in lines:
        err(line)
    return webview


def _check_drift(out: Path, files: dict[str, str]) -> int:
    from schemegen.generate.drift import drift

    found = drift(out, files)
    for item in found:
        if item.problem is not None:
            err(item.problem)
        else:
            sys.stdout.write(item.diff)
    if found:
        print(f"schemegen: {out} differs from the generated output; run generate", file=sys.stderr)
        return Exit.FINDINGS
    print(f"schemegen: {out} is up to date", file=sys.stderr)
    return Exit.OK
