"""Upper-case query schemes and Apple's store schemes, as `schemegen lint` reports them."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from schemegen.cli.main import main

QUERIES = [
    "ispmobile",
    "NewSmartPib",
    "Lpayapp",
    "KakaoTalk",
    "Partner",
    "itms",
    "itmss",
    "itms-apps",
    "itms-appss",
]


def lint_plist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    plist = tmp_path / "Info.plist"
    plist.write_bytes(
        plistlib.dumps(
            {
                "LSApplicationQueriesSchemes": QUERIES,
                "CFBundleURLTypes": [{"CFBundleURLSchemes": ["myshop"]}],
            }
        )
    )
    # warnings only (the case variants, the short list): exit 0 without --strict
    assert main(["lint", "--app-scheme", "myshop", str(plist)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("SG202" in line for line in lines), lines
    return lines


def test_registry_schemes_in_other_case_are_named_never_misspelt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = lint_plist(tmp_path, capsys)
    variant = [line for line in lines if "SG202" in line and "`NewSmartPib`" in line]
    assert len(variant) == 1
    assert "is a case variant of `newsmartpib` (woori_won_banking)" in variant[0]
    assert variant[0].endswith("(fix: write `newsmartpib`)")
    assert "[warning]" in variant[0]
    assert any(
        "SG202" in line and "`Lpayapp` is a case variant of `lpayapp`" in line for line in lines
    )
    assert any(
        "SG202" in line and "`KakaoTalk` is a case variant of `kakaotalk`" in line for line in lines
    )
    # an upper-case scheme the registry does not know is still non-canonical, without a name
    partner = [line for line in lines if "`Partner`" in line]
    assert (
        len(partner) == 1 and "case variant" not in partner[0] and "write `partner`" in partner[0]
    )
    assert not [line for line in lines if "SG203" in line]


def test_apple_store_schemes_are_never_called_misspelt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = lint_plist(tmp_path, capsys)
    store = [line for line in lines if "`itms" in line]
    assert store == []
    assert not any("misspelling" in line or "near miss" in line for line in lines)
