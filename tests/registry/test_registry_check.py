"""`registry check` without argparse: files in, findings and the summary's registry out."""

from __future__ import annotations

from overlay_samples import NEW_APP

from schemegen.registry import load
from schemegen.registry.check import Severity, check_files
from schemegen.registry.model import SHIPPED


def test_a_valid_overlay_on_the_shipped_registry() -> None:
    checked = check_files(None, [("team.yaml", NEW_APP)])
    result = checked.result
    assert checked.origin == SHIPPED
    assert result.errors == ()
    assert result.registry is not None
    assert "inhouse_pay" in result.registry.by_id


def test_no_files_checks_the_shipped_registry() -> None:
    checked = check_files(None)
    assert checked.origin == SHIPPED
    assert checked.result.errors == ()
    assert checked.result.registry is not None


def test_an_invalid_overlay_is_errors_at_its_lines() -> None:
    overlay = "apps:\n- id: toss\n  ios_schemes: [kb-acp]\n- id: half_app\n  name_ko: 반\n"
    result = check_files(None, [("team.yaml", overlay)]).result
    assert result.registry is None
    assert result.errors
    assert {(f.path, f.severity) for f in result.errors} == {("team.yaml", Severity.ERROR)}
    messages = [(f.line, f.message) for f in result.errors]
    assert any(line == 2 and "belongs to two apps" in m for line, m in messages)
    assert any(line == 4 and "missing required key" in m for line, m in messages)


def test_an_overlay_that_does_not_parse_stops_the_check() -> None:
    result = check_files(None, [("team.yaml", NEW_APP), ("broken.yaml", "apps: [1\n")]).result
    assert result.registry is None
    assert [(f.path, f.line, f.field, f.severity) for f in result.findings] == [
        ("broken.yaml", 2, "yaml", Severity.ERROR)
    ]


def test_a_given_base_replaces_the_shipped_registry() -> None:
    base = ("base.yaml", load.read_text_resource(SHIPPED))
    checked = check_files(base, [("team.yaml", NEW_APP)])
    assert checked.origin == "base.yaml"
    assert checked.result.registry is not None
    assert "inhouse_pay" in checked.result.registry.by_id


def test_the_summary_names_a_base_that_does_not_parse() -> None:
    checked = check_files(("bad.yaml", "apps: [\n"), [("team.yaml", NEW_APP)])
    assert checked.origin == "bad.yaml"
    assert checked.result.errors
