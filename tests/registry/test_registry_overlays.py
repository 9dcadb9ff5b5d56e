"""Overlays add, override and disable apps; errors name the overlay file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from overlay_samples import NEW_APP

from schemegen.cli.main import main
from schemegen.registry import load, validate
from schemegen.registry.model import RegistryError


def test_overlay_adds_an_app() -> None:
    reg = validate.load([("team.yaml", NEW_APP)])
    app = reg.by_id["inhouse_pay"]
    assert (app.origin, app.line) == ("team.yaml", 2)
    assert reg.scheme_owner["inhousepay"] is app
    shipped = validate.load()
    assert len(reg.apps) == len(shipped.apps) + 1


def test_overlay_overrides_fields_and_keeps_the_rest() -> None:
    reg = validate.load([("o.yaml", "apps:\n- {id: toss, status: legacy, status_note: test}\n")])
    toss, shipped = reg.by_id["toss"], validate.load().by_id["toss"]
    assert toss.status == "legacy"
    assert toss.ios_schemes == shipped.ios_schemes
    assert toss.android_packages == shipped.android_packages


def test_overlay_disables_an_app() -> None:
    reg = validate.load([("o.yaml", "apps:\n- {id: chai, disabled: true}\n")])
    assert "chai" not in reg.by_id
    assert "chaipayment" not in reg.scheme_owner


def test_later_overlays_win() -> None:
    reg = validate.load(
        [
            ("a.yaml", "apps:\n- {id: toss, status: legacy, status_note: a}\n"),
            ("b.yaml", "apps:\n- {id: toss, status_note: b}\n"),
        ]
    )
    assert (reg.by_id["toss"].status, reg.by_id["toss"].status_note) == ("legacy", "b")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("apps:\n- id: toss\n  ios_schemes: [SuperToss]\n", 3, "upper-case"),
        ("apps:\n- {id: nosuch, disabled: true}\n", 2, "cannot disable unknown app"),
        ("apps:\n- id: half_app\n  name_ko: 반\n", 2, "missing required key"),
        ("apps:\n- id: toss\n  ios_schemes: [kb-acp]\n", 2, "belongs to two apps"),
        ("apps:\n- {id: toss, status: legacy}\n", 2, "status_note"),
        (
            "apps:\n- id: toss\n  sources:\n  - {id: nosuch, seen: '2026', verified: published}\n",
            4,
            "unknown source",
        ),
        ("apps: [1\n", 2, ""),
    ],
)
def test_overlay_errors_name_the_overlay(text: str, line: int, words: str) -> None:
    with pytest.raises(RegistryError) as caught:
        validate.load([("team/extra.yaml", text)])
    found = caught.value.problems
    assert {(p.path, p.line) for p in found} == {("team/extra.yaml", line)}
    assert all(words in p.message for p in found)


def test_cli_check_overlay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(NEW_APP, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apps:\n- id: toss\n  ios_schemes: ['supertoss://']\n", encoding="utf-8")
    assert main(["registry", "check", "--no-config", str(good)]) == 0
    assert main(["registry", "check", "--no-config", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: apps[toss].ios_schemes" in out
    assert main(["registry", "check", "--no-config", str(tmp_path / "missing.yaml")]) == 2


def test_cli_check_refuses_unsafe_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x]\nb: [*a, *a]\n", encoding="utf-8")
    assert main(["registry", "check", "--no-config", str(bomb)]) == 1
    assert "anchors and aliases" in capsys.readouterr().out


def test_cli_check_reads_overlays_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "bad.yaml").write_text("apps:\n- {id: nosuch, disabled: true}\n", "utf-8")
    (tmp_path / ".schemegen.yaml").write_text("registry: [reg/bad.yaml]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["registry", "check"]) == 1
    assert "bad.yaml:2" in capsys.readouterr().out
    assert main(["registry", "check", "--no-config"]) == 0


def test_show_effective_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlay = tmp_path / "team.yaml"
    overlay.write_text(
        NEW_APP + "known_non_payment:\n- {value: inhouse-login, note: SSO}\n", encoding="utf-8"
    )
    disable = tmp_path / "off.yaml"
    disable.write_text("apps:\n- {id: chai, disabled: true}\n", encoding="utf-8")
    args = [
        "registry",
        "show",
        "--effective",
        "--no-config",
        "--registry",
        str(overlay),
        "--registry",
        str(disable),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    effective = validate.build(load.parse_yaml(text, "effective.yaml"))
    expected = validate.load(
        [(str(overlay), overlay.read_text("utf-8")), (str(disable), disable.read_text("utf-8"))]
    )
    assert effective.apps == expected.apps
    assert effective.pgs == expected.pgs  # with their hosts
    assert effective.sources == expected.sources  # `date` written back as seen/read
    assert effective.sources["team-wiki"].seen == "2026-11"
    assert "inhouse_pay" in effective.by_id and "chai" not in effective.by_id
    assert effective.non_payment("inhouse-login") is not None
    assert effective.version == expected.version


def test_show_table_and_detail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "show", "--no-config"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["id", "한국어", "English"]
    assert "kb_pay" in table
    assert main(["registry", "show", "--no-config", "kb_pay", "toss"]) == 0
    detail = capsys.readouterr().out
    assert "kb_pay: KB Pay" in detail and "iOS schemes:      kb-acp, kb-auth, kb-screen" in detail
    assert "toss:" in detail and "schemes.yaml:" in detail
    assert main(["registry", "show", "--no-config", "kb_pya"]) == 2
    assert "did you mean kb_pay" in capsys.readouterr().err


def test_disabling_an_app_a_pg_names_is_allowed() -> None:
    from schemegen.registry import selection

    reg = validate.load([("o.yaml", "apps:\n- {id: toss, disabled: true}\n")])
    apps = selection.select(reg, selection.Criteria(pg="tosspayments"))
    assert "toss" not in {a.id for a in apps}
