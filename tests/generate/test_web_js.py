"""The generated JS call runs in Node against fake IMP / PortOne objects."""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, require_tool, sample_view, skip_or_fail

from schemegen.cli.main import main
from schemegen.generate import render, views
from schemegen.registry import selection, validate

REG = validate.load()

JS = next(t for t in render.TARGETS if t.key == "js")

DRIVER = r"""
const calls = [];
global.window = {
  IMP: {
    init(code) { calls.push({ init: code }); },
    request_pay(params, callback) { calls.push({ params }); callback({ success: true }); },
  },
  PortOne: {
    requestPayment(params) { calls.push({ params }); return Promise.resolve({ ok: 1 }); },
  },
};
const mod = require(process.argv[2]);
const order = {
  merchant_uid: "order-1", payment_id: "pay-1", name: "주문", amount: 1000,
  buyer_email: "a@example.com", buyer_name: "홍길동", buyer_tel: "010-0000-0000",
  buyer_addr: "Seoul", buyer_postcode: "01234", customer: { fullName: "홍길동" },
};
const results = [];
Promise.resolve(mod.requestPay(order, (r) => results.push(r))).then((r) => {
  if (r !== undefined) results.push(r);
  console.log(JSON.stringify({ calls, results, config: mod.PAYMENT_CONFIG }));
});
"""


def run_node(source: str, tmp_path: Path) -> dict[str, object]:
    node = require_tool("node")
    script = tmp_path / "request_pay.js"
    script.write_text(source, encoding="utf-8")
    driver = tmp_path / "driver.js"
    driver.write_text(DRIVER, encoding="utf-8")
    done = subprocess.run(
        [node, str(driver), str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_iamport_call_has_pg_method_redirect_and_app_scheme(tmp_path: Path) -> None:
    out = run_node(render.render_body(JS, sample_view()), tmp_path)
    calls = out["calls"]
    assert isinstance(calls, list)
    assert calls[0] == {"init": "imp00000000"}
    params = calls[1]["params"]
    assert params["pg"] == "html5_inicis"
    assert params["pay_method"] == "card"
    assert params["m_redirect_url"] == "https://shop.example.com/payments/complete"
    assert params["app_scheme"] == "myshop://"
    assert params["merchant_uid"] == "order-1"
    assert params["amount"] == 1000
    assert params["buyer_name"] == "홍길동"
    assert out["results"] == [{"success": True}]


def test_iamport_call_without_pg_leaves_it_out(tmp_path: Path) -> None:
    out = run_node(render.render_body(JS, sample_view(pg="")), tmp_path)
    calls = out["calls"]
    assert isinstance(calls, list)
    assert "pg" not in calls[1]["params"]


def test_portone_v2_call(tmp_path: Path) -> None:
    view = sample_view(
        web_sdk="portone-v2",
        store_id="store-1",
        channel_key="channel-key-1",
        v2_pay_method="CARD",
        app_scheme_url="myshop://done",
    )
    out = run_node(render.render_body(JS, view), tmp_path)
    calls = out["calls"]
    assert isinstance(calls, list)
    params = calls[0]["params"]
    assert params["storeId"] == "store-1"
    assert params["channelKey"] == "channel-key-1"
    assert params["paymentId"] == "pay-1"
    assert params["redirectUrl"] == "https://shop.example.com/payments/complete"
    assert params["appScheme"] == "myshop://done"
    assert params["currency"] == "KRW"
    assert params["payMethod"] == "CARD"


HOSTILE = [
    '"; alert(1); "',
    "</script><script>alert(1)</script>",
    "*/ x /*",
    "${x}",
    "\u2028\u2029",
    "a\nb\rc",
    "\\",
    "'",
    "`${alert(1)}`",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_js_values_are_escaped(payload: str, tmp_path: Path) -> None:
    view = sample_view(app_scheme_url=payload, redirect_url=payload, imp_code=payload, pg=payload)
    out = run_node(render.render_body(JS, view), tmp_path)
    calls = out["calls"]
    assert isinstance(calls, list)
    assert calls[0] == {"init": payload}
    params = calls[1]["params"]
    assert params["app_scheme"] == payload
    assert params["m_redirect_url"] == payload
    assert params["pg"] == payload


# --- PortOne V2: the published SDK typings --------------------------------------------------

SDK = "@portone/browser-sdk"
WALLETS = sorted(views.V2_EASY_PAY_PROVIDERS)


def sdk_dir() -> Path:
    """The installed @portone/browser-sdk (.ci/run installs it next to the other tools)."""
    tools = [Path(p) for p in (os.environ.get("SCHEMEGEN_TOOLS"), ROOT / ".tools") if p]
    found = [base / "node_modules" / SDK for base in tools]
    for path in found:
        if (path / "package.json").is_file():
            return path
    return skip_or_fail(f"{SDK} is not installed (.ci/run installs it into $SCHEMEGEN_TOOLS)")


@cache
def sdk_enums() -> dict[str, dict[str, str]]:
    """The SDK's own runtime enums, read by requiring its CommonJS build in Node."""
    node = require_tool("node")
    script = (
        "const s = require(process.argv[1]);"
        "console.log(JSON.stringify({EasyPayProvider: s.EasyPayProvider,"
        " PaymentPayMethod: s.PaymentPayMethod, Currency: s.Currency}));"
    )
    done = subprocess.run(
        [node, "-e", script, str(sdk_dir() / "dist" / "v2.cjs")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    enums: dict[str, dict[str, str]] = json.loads(done.stdout)
    return enums


def provider_pgs_in_typings() -> dict[str, tuple[str, ...]]:
    """EasyPayProvider.d.ts: the `- PG` list in the doc comment above each provider."""
    typings = (sdk_dir() / "dist" / "v2" / "entity" / "EasyPayProvider.d.ts").read_text("utf-8")
    found: dict[str, tuple[str, ...]] = {}
    for comment, name in re.findall(r"/\*\*(.*?)\*/\s*readonly (\w+):", typings, re.DOTALL):
        pgs = tuple(re.findall(r"^\s*\* - (.+?)\s*$", comment, re.MULTILINE))
        if pgs:
            found[name] = pgs
    return found


def test_the_installed_sdk_is_the_targeted_version() -> None:
    package = json.loads((sdk_dir() / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == views.PORTONE_SDK_VERSION
    view = sample_view(web_sdk="portone-v2", store_id="s", channel_key="c")
    assert f"{SDK} {views.PORTONE_SDK_VERSION}" in render.render_body(JS, view)


def test_pay_methods_and_providers_are_sdk_values() -> None:
    enums = sdk_enums()
    assert set(views.V2_PAY_METHODS.values()) | {"EASY_PAY"} <= set(
        enums["PaymentPayMethod"].values()
    )
    assert set(views.V2_EASY_PAY_PROVIDERS.values()) <= set(enums["EasyPayProvider"].values())
    assert enums["Currency"]["KRW"] == "KRW"


def test_provider_pg_lists_match_the_typings() -> None:
    typed = provider_pgs_in_typings()
    ours = set(views.V2_EASY_PAY_PROVIDERS.values())
    assert {name: pgs for name, pgs in typed.items() if name in ours} == views.V2_PROVIDER_PGS
    assert set(views.PG_COMPANIES) <= set(REG.pgs)


@pytest.mark.parametrize("pay_method", WALLETS)
def test_v2_wallet_sends_its_easy_pay_provider(pay_method: str, tmp_path: Path) -> None:
    provider = views.V2_EASY_PAY_PROVIDERS[pay_method]
    view = v2_view(pay_method)
    assert (view.v2_pay_method, view.v2_easy_pay_provider) == ("EASY_PAY", provider)
    params = first_params(run_node(render.render_body(JS, view), tmp_path))
    assert params["payMethod"] == "EASY_PAY"
    assert params["easyPay"] == {"easyPayProvider": provider}
    assert provider in sdk_enums()["EasyPayProvider"].values()


@pytest.mark.parametrize("pay_method", sorted(views.V2_PAY_METHODS))
def test_v2_non_wallet_sends_no_easy_pay(pay_method: str, tmp_path: Path) -> None:
    params = first_params(run_node(render.render_body(JS, v2_view(pay_method)), tmp_path))
    assert params["payMethod"] == views.V2_PAY_METHODS[pay_method]
    assert "easyPay" not in params


@pytest.mark.parametrize(
    ("pg", "pay_method"),
    [("kicc", "naverpay"), ("danal", "kakaopay"), ("kcp", "payco"), ("nice", "tosspay")],
)
def test_v2_refuses_a_provider_the_sdk_does_not_list_for_the_pg(pg: str, pay_method: str) -> None:
    options = views.Options(
        app_scheme="myshop",
        pg=pg,
        pay_method=pay_method,
        web_sdk="portone-v2",
        store_id="s",
        channel_key="c",
    )
    with pytest.raises(views.GenerateError, match=f"{SDK} {views.PORTONE_SDK_VERSION}"):
        views.generate(REG, selection.Criteria(pg=pg), options)


@pytest.mark.parametrize(
    ("pg", "pay_method", "web_sdk"),
    [
        ("html5_inicis", "kpay", "portone-v2"),  # KPAY lists no PGs: not restricted
        ("kcp", "naverpay", "portone-v2"),
        ("kicc", "naverpay", "iamport"),  # V1 sends pay_method as given
        ("jtnet", "kakaopay", "portone-v2"),  # a PG the typings do not name either way
    ],
)
def test_accepted_combinations(pg: str, pay_method: str, web_sdk: str) -> None:
    options = views.Options(app_scheme="myshop", pg=pg, pay_method=pay_method, web_sdk=web_sdk)
    assert "js" in views.generate(REG, selection.Criteria(pg=pg), options).by_key


def test_refusal_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["generate", "--app-scheme", "myshop", "--pg", "kicc", "--web-sdk", "portone-v2"]
    assert main([*args, "--pay-method", "naverpay", "--stdout", "js"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--pay-method `naverpay` with --pg `kicc`" in err


# --- no silent placeholders ---------------------------------------------------------------------


def v2_view(pay_method: str) -> render.View:
    options = views.Options(
        app_scheme="myshop",
        pay_method=pay_method,
        web_sdk="portone-v2",
        store_id="store-1",
        channel_key="channel-key-1",
        redirect_url="https://shop.example.com/done",
    )
    return views.build_view(REG, selection.Criteria(), options)[0]


def first_params(out: dict[str, object]) -> dict[str, object]:
    calls = out["calls"]
    assert isinstance(calls, list)
    params: dict[str, object] = calls[-1]["params"]
    return params


def run_node_error(source: str, tmp_path: Path) -> str:
    node = require_tool("node")
    script = tmp_path / "request_pay.js"
    script.write_text(source, encoding="utf-8")
    driver = tmp_path / "driver.js"
    driver.write_text(DRIVER, encoding="utf-8")
    done = subprocess.run(
        [node, str(driver), str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0, "the call went through"
    assert '"calls":' not in done.stdout
    return done.stderr


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, ("--imp-code", "--redirect-url")),
        ({"imp_code": "imp12345678"}, ("--redirect-url",)),
        ({"redirect_url": "https://shop.example.com/done"}, ("--imp-code",)),
        ({"web_sdk": "portone-v2"}, ("--store-id", "--channel-key", "--redirect-url")),
        (
            {"web_sdk": "portone-v2", "store_id": "s", "redirect_url": "https://a.example/"},
            ("--channel-key",),
        ),
    ],
)
def test_missing_options_make_the_call_throw(
    given: dict[str, str], missing: tuple[str, ...], tmp_path: Path
) -> None:
    options = views.Options(app_scheme="myshop", **given)  # type: ignore[arg-type]
    source = views.generate(REG, selection.Criteria(), options).by_key["js"]
    assert "example.com" not in source.replace("shop.example.com", "").replace("a.example", "")
    error = run_node_error(source, tmp_path)
    assert f"generated without {', '.join(missing)};" in error


def test_all_options_given_means_no_guard(tmp_path: Path) -> None:
    options = views.Options(
        app_scheme="myshop", imp_code="imp12345678", redirect_url="https://shop.example.com/done"
    )
    source = views.generate(REG, selection.Criteria(), options).by_key["js"]
    assert "MISSING_OPTIONS" not in source
    assert first_params(run_node(source, tmp_path))["m_redirect_url"] == (
        "https://shop.example.com/done"
    )


@pytest.mark.parametrize(
    ("extra", "notice"),
    [
        ([], "--imp-code, --redirect-url"),
        (["--imp-code", "imp1"], "--redirect-url"),
        (["--web-sdk", "portone-v2", "--store-id", "s"], "--channel-key, --redirect-url"),
        (["--imp-code", "imp1", "--redirect-url", "https://shop.example.com/done"], None),
        (["--platform", "android,ios"], None),
    ],
)
def test_generate_prints_one_notice_line(
    extra: list[str], notice: str | None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["generate", "--app-scheme", "myshop", "--out", str(tmp_path), *extra]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "request_pay.js" in line]
    if notice is None:
        assert lines == []
    else:
        assert lines == [
            f"schemegen: notice: web/request_pay.js throws until generated with {notice}"
        ]


@pytest.mark.parametrize("payload", HOSTILE)
def test_v2_values_are_escaped(payload: str, tmp_path: Path) -> None:
    view = sample_view(
        web_sdk="portone-v2",
        store_id=payload,
        channel_key=payload,
        redirect_url=payload,
        app_scheme_url=payload,
        v2_pay_method="EASY_PAY",
        v2_easy_pay_provider="KAKAOPAY",
    )
    params = first_params(run_node(render.render_body(JS, view), tmp_path))
    assert [params[k] for k in ("storeId", "channelKey", "redirectUrl", "appScheme")] == [
        payload
    ] * 4
