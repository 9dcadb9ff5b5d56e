"""Shared fixtures: a sample view model, tool lookup and the corpus location."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

from schemegen.generate.render import View

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the registry parse cache out of the user's home during tests."""
    os.environ["SCHEMEGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("schemegen-cache"))


def sample_view(**overrides: object) -> View:
    """A realistic view; tests override single fields (e.g. with injection payloads)."""
    fields: dict[str, object] = {
        "registry_version": "2026.11.0",
        "app_scheme": "myshop",
        "app_scheme_url": "myshop://",
        "java_package": "com.example.shop.payment",
        "class_prefix": "",
        "packages": (
            "kvp.jjy.MispAndroid320",
            "com.kbcard.cxh.appcard",
            "com.kftc.bankpay.android",
        ),
        "query_schemes": ("ispmobile", "kb-acp", "kftc-bankpay", "nhappcardansimclick"),
        "scheme_packages": (
            ("ispmobile", "kvp.jjy.MispAndroid320"),
            ("kb-acp", "com.kbcard.cxh.appcard"),
            ("kftc-bankpay", "com.kftc.bankpay.android"),
            ("hdcardappcardansimclick", "com.hyundaicard.appcard"),
        ),
        "scheme_store_ids": (
            ("ispmobile", "id369125087"),
            ("kb-acp", "id695436326"),
            ("kftc-bankpay", "id398456030"),
        ),
        "pg": "html5_inicis",
        "pay_method": "card",
        "imp_code": "imp00000000",
        "redirect_url": "https://shop.example.com/payments/complete",
        "web_sdk": "iamport",
        "store_id": "",
        "channel_key": "",
    }
    fields.update(overrides)
    return View(**fields)  # type: ignore[arg-type]


def skip_or_fail(reason: str) -> NoReturn:
    """Skip locally; under CI a missing checker is an install step gone wrong, so fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: .ci/run must install it)")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of an external tool, or skip with the reason when it is absent."""
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed (.ci/run installs it)")
    return path


def corpus_dir() -> Path:
    """The shared corpus of real manifests and plists, or skip when absent."""
    path = Path(os.environ.get("SCHEMEGEN_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not (path / "INDEX.tsv").is_file():
        pytest.skip(f"corpus not found at {path} (set SCHEMEGEN_CORPUS)")
    return path
