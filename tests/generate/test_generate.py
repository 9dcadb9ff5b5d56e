"""generate: selection order, the iOS budget, option validation, fragments and drift checks."""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

import pytest
from lxml import etree

from schemegen.cli.main import main
from schemegen.core.header import read_header
from schemegen.generate import render
from schemegen.generate import views as generate
from schemegen.registry import model as registry
from schemegen.registry import selection, validate

REG = validate.load()
GOLDEN = Path(__file__).parent / "golden"
ANDROID_NS = "{http://schemas.android.com/apk/res/android}"


def run_generate(*extra: str, scheme: str = "myshop") -> generate.Result:
    options = generate.Options(app_scheme=scheme)
    criteria = selection.Criteria()
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        if flag == "limit":
            options = generate.Options(app_scheme=scheme, ios_query_limit=int(value))
        elif flag == "pg":
            criteria = selection.Criteria(pg=value)
    return generate.generate(REG, criteria, options)


def plist_of(text: str) -> dict[str, object]:
    return plistlib.loads(text.encode("utf-8"))


DEFAULT_25 = [
    # tier 1: card apps of the major issuers and ISP; NH Pay has two main schemes
    *("ispmobile", "kb-acp", "shinhan-sr-ansimclick", "hdcardappcardansimclick"),
    *("mpocket.online.ansimclick", "nhallonepayansimclick", "nhappcardansimclick"),
    *("lotteappcard", "cloudpay", "com.wooricard.wcard", "monimopay", "citimobileapp"),
    "kftc-bankpay",  # tier 2
    # tier 3: the major wallets, then Syrup's iOS slot
    *("supertoss", "kakaotalk", "naversearchthirdlogin", "payco", "shinsegaeeasypayment"),
    *("lmslpay", "hanawalletmembers", "tswansimclick"),
    *("kakaobank", "kbbank", "newsmartpib", "s-bankpay"),  # tier 4: banks
]


def test_default_ios_list_is_25_in_priority_order_with_key_schemes() -> None:
    schemes = plist_of(run_generate().by_key["plist"])["LSApplicationQueriesSchemes"]
    assert schemes == DEFAULT_25
    # kpay is in no current iOS list and Samsung Pay has no iOS app: both stay recognised
    assert not {"kpay", "samsungpay"} & set(schemes)
    assert {"kpay", "samsungpay"} <= set(REG.scheme_owner)
    assert "nhappvardansimclick" not in schemes
    aliases = {alias.value for app in REG.apps for alias in app.aliases}
    assert not aliases & set(schemes)
    assert schemes[:2] == ["ispmobile", "kb-acp"]


def test_limit_50_extends_the_same_25() -> None:
    short = plist_of(run_generate().by_key["plist"])["LSApplicationQueriesSchemes"]
    long = plist_of(run_generate("limit", "50").by_key["plist"])["LSApplicationQueriesSchemes"]
    assert isinstance(long, list)
    assert len(long) == 50
    assert long[:25] == short


def test_dropped_schemes_are_reported_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["generate", "--app-scheme", "myshop", "--out", str(tmp_path)]) == 0
    notice = [line for line in capsys.readouterr().err.splitlines() if "leaves out" in line]
    assert len(notice) == 1
    assert "leaves out 58 selected iOS schemes" in notice[0]
    assert "`schemegen list --ios-left-out` with the same options names them" in notice[0]
    assert main(["list", "--ios-left-out"]) == 0
    left_out = capsys.readouterr().out.splitlines()
    assert len(left_out) == 58
    assert "kb-auth" in left_out


def test_limit_above_50_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["generate", "--app-scheme", "myshop", "--ios-query-limit", "51", "--stdout", "plist"])
        == 2
    )
    assert "at most 50" in capsys.readouterr().err


def test_priority_order_is_tier_then_order() -> None:
    apps = selection.select(REG, selection.Criteria())
    keys = [(a.priority.tier, a.priority.order) for a in apps]
    assert keys == sorted(keys)
    assert apps[0].id == "isp_paybooc"
    assert all(a.status is not registry.Status.DEPRECATED for a in apps)


def test_selection_by_methods_pg_include_exclude_category() -> None:
    card = selection.select(REG, selection.Criteria(methods=("card",)))
    assert "kftc_bankpay" not in {a.id for a in card}
    kakao = selection.select(REG, selection.Criteria(methods=("card",), pg="kakaopay"))
    assert "kakaotalk_kakaopay" in {a.id for a in kakao}
    with_chai = selection.select(REG, selection.Criteria(include=("chai",)))
    assert "chai" in {a.id for a in with_chai}
    without_isp = selection.select(REG, selection.Criteria(exclude=("isp_paybooc",)))
    assert "isp_paybooc" not in {a.id for a in without_isp}
    banks = selection.select(REG, selection.Criteria(categories=("bank",)))
    assert {a.category for a in banks} == {registry.Category.BANK}
    with pytest.raises(selection.SelectionError):
        selection.select(REG, selection.Criteria(include=("no_such_app",)))


def test_manifest_fragment_has_queries_and_return_filter() -> None:
    root = etree.fromstring(run_generate().by_key["manifest"].encode())
    packages = [p.get(f"{ANDROID_NS}name") for p in root.iter("package")]
    assert packages[0] == "kvp.jjy.MispAndroid320"
    assert len(packages) == len(set(packages))
    assert "com.hanaskard.paycla" not in packages
    assert root.find("queries") is not None
    activity = root.find("application/activity")
    assert activity is not None
    assert activity.get(f"{ANDROID_NS}exported") == "true"
    assert activity.get(f"{ANDROID_NS}launchMode") == "singleTask"
    names = {e.get(f"{ANDROID_NS}name") for e in activity.iter("action", "category")}
    assert names == {
        "android.intent.action.VIEW",
        "android.intent.category.DEFAULT",
        "android.intent.category.BROWSABLE",
    }
    data = activity.find("intent-filter/data")
    assert data is not None
    assert data.get(f"{ANDROID_NS}scheme") == "myshop"


def test_plist_fragment_merges_into_an_info_plist() -> None:
    fragment = plist_of(run_generate().by_key["plist"])
    info = {"CFBundleIdentifier": "com.example.shop", "CFBundleName": "Shop"}
    merged = plistlib.loads(plistlib.dumps({**info, **fragment}))
    assert merged["CFBundleURLTypes"][0]["CFBundleURLSchemes"] == ["myshop"]
    assert merged["CFBundleIdentifier"] == "com.example.shop"
    binary = plistlib.loads(plistlib.dumps(merged, fmt=plistlib.FMT_BINARY))
    assert binary == merged


@pytest.mark.parametrize(
    ("given", "scheme", "url"),
    [
        ("myshop", "myshop", "myshop://"),
        ("myshop://", "myshop", "myshop://"),
        ("myshop://pay/done?x=1", "myshop", "myshop://pay/done?x=1"),
    ],
)
def test_app_scheme_forms(given: str, scheme: str, url: str) -> None:
    result = run_generate(scheme=given)
    assert result.view.app_scheme == scheme
    assert result.view.app_scheme_url == url
    assert f'android:scheme="{scheme}"' in result.by_key["manifest"]
    assert f'"{url}"' in result.by_key["js"]


@pytest.mark.parametrize(
    "bad",
    [
        "MyShop",
        "my_shop",
        "1shop",
        "my shop",
        "",
        "kakaotalk",
        "ispmobile://x",
        "myshop:/x",
        'my"shop',
        "</string>",
        "myshop://a b",
        "myshop://\u2028",
    ],
)
def test_bad_app_scheme_is_one_line_exit_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--app-scheme", bad, "--stdout", "manifest"]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert len(err.err.strip().splitlines()) == 1
    assert "Traceback" not in err.err


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--java-package", "com.example;evil"),
        ("--java-package", "com.class.x"),
        ("--class-prefix", "A B"),
        ("--imp-code", 'imp"1'),
        ("--redirect-url", "javascript:x"),
        ("--redirect-url", "https://a b"),
        ("--store-id", "x</script>"),
        ("--pg", "nopg"),
        ("--methods", "card,bitcoin"),
        ("--platform", "windows"),
        ("--lang", "cobol"),
        ("--include", "nope"),
    ],
)
def test_bad_options_are_refused(flag: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--app-scheme", "myshop", flag, value, "--stdout", "manifest"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_every_file_has_a_header_with_a_matching_hash() -> None:
    for text in run_generate().files.values():
        header = read_header(text)
        assert header is not None
        assert header.version == REG.version
        assert not header.edited
        edited = text + "// a hand edit\n"
        edited_header = read_header(edited)
        assert edited_header is not None
        assert edited_header.edited


def test_generate_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["generate", "--app-scheme", "myshop", "--out", str(out)]) == 0
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    native = [t for t in render.TARGETS if "native" in t.frameworks]
    assert names == sorted(render.target_path(t, "") for t in native)
    assert main(["generate", "--app-scheme", "myshop", "--out", str(out), "--check"]) == 0
    capsys.readouterr()
    js = out / "web" / "request_pay.js"
    js.write_text(js.read_text().replace("card", "trans", 1))
    assert main(["generate", "--app-scheme", "myshop", "--out", str(out), "--check"]) == 1
    diff = capsys.readouterr().out
    assert diff.startswith("---") and "+++" in diff and "request_pay.js" in diff


def test_platform_and_lang_filters() -> None:
    options = generate.Options(app_scheme="myshop", platforms=("android",), langs=("kotlin",))
    files = generate.generate(REG, selection.Criteria(), options).files
    assert sorted(files) == [
        "android/AndroidManifest.fragment.xml",
        "android/kotlin/PaymentUrlLauncher.kt",
        "android/kotlin/PaymentWebViewClient.kt",
    ]


def test_class_prefix_names_files() -> None:
    options = generate.Options(app_scheme="myshop", class_prefix="Shop")
    files = generate.generate(REG, selection.Criteria(), options).files
    assert "android/java/ShopPaymentWebViewClient.java" in files
    assert "ios/swift/ShopPaymentWebViewHandler.swift" in files


@pytest.mark.parametrize("key", ["manifest", "plist", "js"])
def test_golden(key: str) -> None:
    target = next(t for t in render.TARGETS if t.key == key)
    text = run_generate().by_key[key]
    path = GOLDEN / render.target_path(target, "")
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
