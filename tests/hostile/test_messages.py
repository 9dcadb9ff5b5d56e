"""`.schemegen.yaml` errors name the file and line; registry findings stay on one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.lint import config
from schemegen.lint.config import ConfigError


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ('app-scheme: "my\\u0000shop"', "`app-scheme`: app scheme `my\\x00shop`"),
        ('app-scheme: "мyshop"', "`app-scheme`: app scheme `мyshop`"),
        ("ios-query-limit: 100000000000000000000000000", "between 1 and 50"),
        ("ios-query-limit: 1e26", "must be an integer"),
        ('include: ["x\\ny"]', "`include`: `x\\ny` is not an id"),
        ('registry: ["\\u0000"]', "`registry`: `\\x00` is not a usable path"),
        ("target-sdk: -99999999999999999999999", "API level"),
    ],
)
def test_config_values_are_refused_with_file_and_line(setting: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.parse(f"strict: true\n{setting}\n", "/p/.schemegen.yaml")
    message = str(caught.value)
    assert message.startswith("/p/.schemegen.yaml:2: ")
    assert words in message
    assert "\n" not in message and "\x00" not in message


def test_lint_reports_the_config_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".schemegen.yaml").write_text('registry: ["\\u0000"]\n')
    code = main(["lint", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert ".schemegen.yaml:1: `registry`" in err
    assert "internal error" not in err


def test_registry_findings_stay_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "nul.yaml"
    overlay.write_bytes(b"apps: []\nnotes: 'a\x00b'\n")
    escape = tmp_path / "esc.yaml"
    escape.write_text('apps:\n- id: "\\e]0;TITLE\\a"\n')
    for path, line in ((overlay, 2), (escape, 2)):
        code = main(["registry", "check", str(path)])
        out = capsys.readouterr().out
        assert code == 1
        assert out.strip(), path
        for finding in out.strip().splitlines():
            assert finding.startswith(f"{path}:{line}: ")
            assert "\x1b" not in finding and "\x07" not in finding


def test_generate_into_an_existing_file_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "existing.txt"
    existing.write_text("kept\n")
    code = main(["generate", "--app-scheme", "myshop", "--out", str(existing)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{existing}/android/" in err
    assert "internal error" not in err
    assert len(err.strip().splitlines()[-1:]) == 1
    assert existing.read_text() == "kept\n"


def test_unknown_ids_in_the_config_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".schemegen.yaml").write_text("app-scheme: myshop\ninclude: [no_such_app]\n")
    manifest = tmp_path / "AndroidManifest.xml"
    manifest.write_text('<manifest package="a.b"/>\n')
    code = main(["lint", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert ".schemegen.yaml:2: `include`: unknown app id(s): no_such_app" in err
    assert "SG001" not in out  # not blamed on the manifest
