"""The CLI's shared promises: version, list, overlays, one-line errors, python -m."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemegen.cli.main import main


def test_version_names_tool_and_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("schemegen ")
    assert "registry 2026." in out


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "schemegen", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert "registry" in done.stdout


def test_list_text_is_in_priority_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "id"
    assert lines[1].startswith("isp_paybooc")
    assert any(line.startswith("kftc_bankpay") for line in lines)
    assert not any(line.startswith("chai ") for line in lines)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json", "--methods", "trans"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    ids = [app["id"] for app in data["apps"]]
    assert ids[0] == "kftc_bankpay"
    assert "isp_paybooc" not in ids
    first = data["apps"][0]
    assert set(first) >= {
        "id",
        "name_ko",
        "name_en",
        "category",
        "ios_schemes",
        "android_packages",
        "status",
    }


OVERLAY = """\
sources:
- id: inhouse
  where: https://wiki.example.com/payments
  date: '2026-11-01'
apps:
- id: acme_pay
  name_ko: 에이크미페이
  name_en: ACME Pay
  category: easypay
  status: active
  priority: {tier: 1, order: 1}
  methods: [card]
  ios_schemes: [acmepay]
  android_packages: [com.example.acmepay]
  sources:
  - {id: inhouse, seen: '2026-11-01', verified: published}
- id: isp_paybooc
  disabled: true
"""


def test_overlay_adds_and_disables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlay = tmp_path / "extra.yaml"
    overlay.write_text(OVERLAY, encoding="utf-8")
    assert main(["list", "--format", "json", "--registry", str(overlay)]) == 0
    ids = [app["id"] for app in json.loads(capsys.readouterr().out)["apps"]]
    assert ids[0] == "acme_pay"
    assert "isp_paybooc" not in ids
    assert (
        main(
            ["generate", "--app-scheme", "myshop", "--registry", str(overlay), "--stdout", "plist"]
        )
        == 0
    )
    assert "<string>acmepay</string>" in capsys.readouterr().out


def test_overlay_errors_name_the_overlay_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "extra.yaml"
    overlay.write_text(OVERLAY.replace("[acmepay]", "[AcmePay]"), encoding="utf-8")
    assert main(["list", "--registry", str(overlay)]) == 2
    err = capsys.readouterr().err
    assert f"{overlay}:13: apps[acme_pay].ios_schemes.0" in err
    assert "upper-case" in err


def test_missing_overlay_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--registry", "/nonexistent/extra.yaml"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "/nonexistent/extra.yaml" in err[0]


def test_no_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["generate"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_config_overlays_apply_to_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "extra.yaml").write_text(OVERLAY, encoding="utf-8")
    (tmp_path / ".schemegen.yaml").write_text("registry: [extra.yaml]\n", encoding="utf-8")
    work = tmp_path / "app"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["list", "--format", "json"]) == 0
    ids = [app["id"] for app in json.loads(capsys.readouterr().out)["apps"]]
    assert ids[0] == "acme_pay"
    assert main(["generate", "--app-scheme", "myshop", "--stdout", "plist"]) == 0
    assert "<string>acmepay</string>" in capsys.readouterr().out
    assert main(["list", "--format", "json", "--no-config"]) == 0
    ids = [app["id"] for app in json.loads(capsys.readouterr().out)["apps"]]
    assert ids[0] == "isp_paybooc"
