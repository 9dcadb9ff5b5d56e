"""The generated JS call runs in Node against fake IMP / PortOne objects."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool, sample_view

from schemegen.generate import render

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
