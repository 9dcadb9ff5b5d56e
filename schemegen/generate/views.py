"""Generation: validate options, build the view model, render every selected target."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from schemegen.generate import render
from schemegen.registry import schemes, selection
from schemegen.registry.model import Category, Pg, Registry

PAY_METHODS = (
    "card",
    "trans",
    "vbank",
    "phone",
    "kakaopay",
    "payco",
    "naverpay",
    "tosspay",
    "samsung",
    "kpay",
    "lpay",
    "ssgpay",
)
WEB_SDKS = ("iamport", "portone-v2")
# The @portone/browser-sdk release whose typings the V2 call follows (dist/v2/entity/*.d.ts).
PORTONE_SDK_VERSION = "0.1.11"
# PaymentPayMethod of the V1 pay_method values; every wallet is EASY_PAY with a provider.
V2_PAY_METHODS = {
    "card": "CARD",
    "trans": "TRANSFER",
    "vbank": "VIRTUAL_ACCOUNT",
    "phone": "MOBILE",
}
# EasyPayProvider of each V1 wallet pay_method.
V2_EASY_PAY_PROVIDERS = {
    "kakaopay": "KAKAOPAY",
    "payco": "PAYCO",
    "naverpay": "NAVERPAY",
    "tosspay": "TOSSPAY",
    "samsung": "SAMSUNGPAY",
    "kpay": "KPAY",
    "lpay": "LPAY",
    "ssgpay": "SSGPAY",
}
# The PGs EasyPayProvider.d.ts lists under each provider; a provider with no list (KPAY) is
# not restricted. PG_COMPANIES names the company behind each registry --pg code as it does.
_TOSS, _NICE, _INICIS, _KCP = "토스페이먼츠", "나이스페이먼츠", "KG이니시스", "NHN KCP"
_SMARTRO, _KSNET, _KPN, _WELCOME = "스마트로", "KSNET", "한국결제네트웍스", "웰컴페이먼츠"
V2_PROVIDER_PGS = {
    "NAVERPAY": (_TOSS, _NICE, _INICIS, _SMARTRO, _KCP, _KSNET, _KPN),
    "KAKAOPAY": (_TOSS, _NICE, _INICIS, _SMARTRO, _KCP, _KSNET, _KPN, _WELCOME),
    "TOSSPAY": (_TOSS, _INICIS, _KCP, _SMARTRO, _KPN, _WELCOME),
    "PAYCO": (_TOSS, _NICE, _INICIS, _SMARTRO, _KSNET, _KPN, _WELCOME),
    "LPAY": (_TOSS, _NICE, _INICIS, _SMARTRO, _KSNET, _WELCOME),
    "SSGPAY": (_TOSS, _NICE, _INICIS, _KCP, _KSNET),
    "SAMSUNGPAY": (_TOSS, _NICE, _INICIS, _KCP, _SMARTRO, _KPN),
}
PG_COMPANIES = {
    "html5_inicis": _INICIS,
    "inicis": _INICIS,
    "kcp": _KCP,
    "nice": _NICE,
    "tosspayments": _TOSS,
    "uplus": _TOSS,
    "smartro": _SMARTRO,
    "ksnet": _KSNET,
    "danal": "다날",
    "danal_tpay": "다날",
    "kicc": "KICC",
}
PLACEHOLDER_OPTIONS = {
    "iamport": ("--imp-code", "--redirect-url"),
    "portone-v2": ("--store-id", "--channel-key", "--redirect-url"),
}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")
_URL = re.compile(r"https?://[!-~]+")


class GenerateError(ValueError):
    pass


@dataclass(frozen=True)
class Options:
    app_scheme: str
    java_package: str = "com.example.payment"
    class_prefix: str = ""
    imp_code: str | None = None
    pg: str | None = None
    pay_method: str = "card"
    redirect_url: str | None = None
    web_sdk: str = "iamport"
    store_id: str | None = None
    channel_key: str | None = None
    allow_http_content: bool = False
    ios_query_limit: int = selection.IOS_QUERY_DEFAULT_LIMIT
    activity: str = ".MainActivity"
    platforms: tuple[str, ...] = render.PLATFORMS
    langs: tuple[str, ...] = render.LANGS
    framework: str = "native"
    flutter_webview: str = "webview_flutter"


@dataclass(frozen=True)
class Result:
    files: dict[str, str]
    by_key: dict[str, str]
    dropped: tuple[str, ...]
    view: render.View


def validate(registry: Registry, options: Options) -> schemes.AppScheme:
    """Refuse every option value that could not be emitted safely or makes no sense."""
    try:
        app_scheme = schemes.parse_app_scheme(options.app_scheme)
    except schemes.AppSchemeError as error:
        raise GenerateError(f"--app-scheme: {error}") from None
    owner = registry.scheme_owner.get(app_scheme.scheme)
    if owner is not None:
        raise GenerateError(
            f"--app-scheme `{app_scheme.scheme}` belongs to {owner.name_en} ({owner.id}); "
            "use a scheme of your own app"
        )
    checks = (
        (
            schemes.is_java_package_name(options.java_package),
            "--java-package",
            options.java_package,
            "a dotted Java package name",
        ),
        (
            schemes.is_identifier(options.class_prefix),
            "--class-prefix",
            options.class_prefix,
            "a class-name prefix (letters, digits, `_`)",
        ),
        (
            _given(_TOKEN, options.imp_code),
            "--imp-code",
            options.imp_code,
            "a merchant code like imp12345678",
        ),
        (
            _given(_URL, options.redirect_url),
            "--redirect-url",
            options.redirect_url,
            "an http(s) URL without spaces",
        ),
        (_given(_TOKEN, options.store_id), "--store-id", options.store_id, "a PortOne store id"),
        (
            _given(_TOKEN, options.channel_key),
            "--channel-key",
            options.channel_key,
            "a PortOne channel key",
        ),
        (
            options.pay_method in PAY_METHODS,
            "--pay-method",
            options.pay_method,
            f"one of {', '.join(PAY_METHODS)}",
        ),
        (
            schemes.is_java_package_name(options.activity.removeprefix(".")),
            "--activity",
            options.activity,
            "an activity class name such as .PaymentActivity or com.shop.PaymentActivity",
        ),
        (options.web_sdk in WEB_SDKS, "--web-sdk", options.web_sdk, " or ".join(WEB_SDKS)),
        (
            set(options.platforms) <= set(render.PLATFORMS),
            "--platform",
            ",".join(options.platforms),
            ",".join(render.PLATFORMS),
        ),
        (
            set(options.langs) <= set(render.LANGS),
            "--lang",
            ",".join(options.langs),
            ",".join(render.LANGS),
        ),
        (
            options.framework in render.FRAMEWORKS,
            "--framework",
            options.framework,
            ", ".join(render.FRAMEWORKS),
        ),
        (
            options.flutter_webview in render.FLUTTER_WEBVIEWS,
            "--flutter-webview",
            options.flutter_webview,
            " or ".join(render.FLUTTER_WEBVIEWS),
        ),
        (
            1 <= options.ios_query_limit <= selection.IOS_QUERY_HARD_LIMIT,
            "--ios-query-limit",
            str(options.ios_query_limit),
            f"1 to {selection.IOS_QUERY_HARD_LIMIT}",
        ),
    )
    for ok, flag, value, expected in checks:
        if not ok:
            raise GenerateError(f"{flag} `{value}` is not valid: expected {expected}")
    _check_easy_pay(options)
    return app_scheme


def _given(pattern: re.Pattern[str], value: str | None) -> bool:
    return value is None or pattern.fullmatch(value) is not None


def _check_easy_pay(options: Options) -> None:
    """Refuse a V2 wallet the SDK's typings do not list for the chosen PG."""
    provider = V2_EASY_PAY_PROVIDERS.get(options.pay_method)
    if options.web_sdk != "portone-v2" or provider is None or options.pg is None:
        return
    company = PG_COMPANIES.get(options.pg)
    allowed = V2_PROVIDER_PGS.get(provider)
    if company is None or allowed is None or company in allowed:
        return
    raise GenerateError(
        f"--pay-method `{options.pay_method}` with --pg `{options.pg}`: @portone/browser-sdk "
        f"{PORTONE_SDK_VERSION} lists easyPayProvider {provider} only for "
        f"{', '.join(sorted(pg for pg, c in PG_COMPANIES.items() if c in allowed))}"
    )


def missing_options(options: Options) -> tuple[str, ...]:
    """The JS call's options that were not given, in the order the README lists them."""
    given = {
        "--imp-code": options.imp_code,
        "--redirect-url": options.redirect_url,
        "--store-id": options.store_id,
        "--channel-key": options.channel_key,
    }
    return tuple(flag for flag in PLACEHOLDER_OPTIONS[options.web_sdk] if given[flag] is None)


def build_view(
    registry: Registry, criteria: selection.Criteria, options: Options
) -> tuple[render.View, selection.Budget]:
    app_scheme = validate(registry, options)
    try:
        apps = selection.select(registry, criteria)
    except selection.SelectionError as error:
        raise GenerateError(str(error)) from None
    budget = selection.cap(selection.ios_query_schemes(apps), options.ios_query_limit)
    # The handlers' fallback tables cover the whole registry: a page may launch any app,
    # selected or not, and its store page is still the best fallback.
    known = [app for app in registry.apps if app.category is not Category.STORE]
    pgs = pgs_for(registry, options.pg)
    view = render.View(
        registry_version=registry.version,
        app_scheme=app_scheme.scheme,
        app_scheme_url=app_scheme.url,
        java_package=options.java_package,
        class_prefix=options.class_prefix,
        packages=selection.android_packages(apps),
        query_schemes=budget.kept,
        scheme_packages=selection.scheme_packages(known),
        scheme_store_ids=selection.scheme_store_ids(known),
        pg=options.pg or "",
        pay_method=options.pay_method,
        imp_code=options.imp_code or "",
        redirect_url=options.redirect_url or "",
        web_sdk=options.web_sdk,
        store_id=options.store_id or "",
        channel_key=options.channel_key or "",
        v2_pay_method=V2_PAY_METHODS.get(options.pay_method, "EASY_PAY"),
        v2_easy_pay_provider=V2_EASY_PAY_PROVIDERS.get(options.pay_method, ""),
        missing_options=missing_options(options),
        ios_web_schemes=render.IOS_WEB_SCHEMES,
        allow_http_content=options.allow_http_content,
        ios_query_limit=options.ios_query_limit,
        activity=options.activity,
        pg_hosts=pg_hosts(pgs),
        pgs_without_hosts=tuple(pg.code for pg in pgs if not pg.hosts),
        redirect_host=urlsplit(options.redirect_url).hostname or "" if options.redirect_url else "",
    )
    return view, budget


def pgs_for(registry: Registry, code: str | None) -> tuple[Pg, ...]:
    """The PG chosen with --pg, or every PG of the registry in its order."""
    if code is None:
        return tuple(registry.pgs.values())
    pg = registry.pgs.get(code)
    return () if pg is None else (pg,)


def pg_hosts(pgs: tuple[Pg, ...]) -> tuple[tuple[str, str, str], ...]:
    """(PG code, host pattern, source) in registry order; a pattern shared by PGs comes once."""
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for pg in pgs:
        for host in pg.hosts:
            if host.pattern not in seen:
                seen.add(host.pattern)
                out.append((pg.code, host.pattern, host.source))
    return tuple(out)


def selected_targets(options: Options) -> tuple[render.Target, ...]:
    """Targets of the framework and platforms; --lang filters only the native handlers.

    A Flutter app gets the one WebView file of its plugin.
    """
    return tuple(t for t in render.TARGETS if _selected(t, options))


def _selected(target: render.Target, options: Options) -> bool:
    if options.framework not in target.frameworks:
        return False
    webview_files = render.FLUTTER_WEBVIEW_KEYS.values()
    if (
        target.key in webview_files
        and target.key != render.FLUTTER_WEBVIEW_KEYS[options.flutter_webview]
    ):
        return False
    platforms = set(options.platforms)
    if target.platform == "mobile":
        on_platform = bool(platforms & render.APP_PLATFORMS)
    else:
        on_platform = target.platform in platforms
    native_code = options.framework == "native" and target.lang in render.LANGS
    return on_platform and (not native_code or target.lang in options.langs)


def generate(registry: Registry, criteria: selection.Criteria, options: Options) -> Result:
    view, budget = build_view(registry, criteria, options)
    files: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for target in selected_targets(options):
        text = render.with_header(target, render.render_body(target, view), registry.version)
        files[render.target_path(target, options.class_prefix)] = text
        by_key[target.key] = text
    return Result(files, by_key, budget.dropped, view)
