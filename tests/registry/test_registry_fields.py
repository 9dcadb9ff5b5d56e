"""The 2026.12 fields: source dates, iOS priority and main schemes, fallbacks, confidence, hosts."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.registry import check, entries, export, load, selection, validate
from schemegen.registry import model as registry
from schemegen.registry.model import Problem, RegistryError

BASE = """\
version: 2026.12.0
updated: 2026-12-01
pgs:
  kcp:
    name: NHN KCP
    include: []
apps:
- id: card_one
  name_ko: 카드원
  name_en: Card One
  category: card
  status: active
  priority: {tier: 1, order: 10}
  methods: [card]
  ios_schemes: [cardone, cardoneauth]
  android_packages: [com.example.cardone]
  app_store_id: id123
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
- id: card_two
  name_ko: 카드투
  name_en: Card Two
  category: card
  status: active
  priority: {tier: 1, order: 20}
  methods: [card]
  ios_schemes: [cardtwo]
  android_packages: [com.example.cardtwo]
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
- id: wallet
  name_ko: 월렛
  name_en: Wallet
  category: easypay
  status: active
  priority: {tier: 3, order: 10}
  methods: [easypay]
  ios_schemes: [wallet]
  android_packages: [com.example.wallet]
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
sources:
- {id: src, where: github.com/example/src, commit: abc, seen: '2026-01-01', read: '2026-11'}
"""


def build(text: str, *overlays: str) -> registry.Registry:
    return validate.build(
        load.parse_yaml(text, "base.yaml"),
        [load.parse_yaml(o, f"o{i}.yaml") for i, o in enumerate(overlays)],
    )


def problems(text: str, *overlays: str) -> tuple[Problem, ...]:
    with pytest.raises(RegistryError) as caught:
        build(text, *overlays)
    return caught.value.problems


def only(found: tuple[Problem, ...]) -> Problem:
    assert len(found) == 1, found
    return found[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def ios_order(reg: registry.Registry) -> tuple[str, ...]:
    return selection.ios_query_schemes(reg.apps)


# --- sources: seen and read -------------------------------------------------------------------


def test_source_has_seen_and_read() -> None:
    source = build(BASE).sources["src"]
    assert (source.seen, source.read) == ("2026-01-01", "2026-11")


def test_old_date_loads_as_seen_with_a_note() -> None:
    overlay = "sources:\n- {id: team, where: wiki, commit: null, date: '2025-03'}\n"
    reg = build(BASE, overlay)
    assert (reg.sources["team"].seen, reg.sources["team"].read) == ("2025-03", "n/a")
    note = only(reg.notes)
    assert (note.path, note.line, note.field) == ("o0.yaml", 2, "sources.date")
    assert "read as `seen`" in note.message


def test_date_next_to_seen_is_refused() -> None:
    overlay = "sources:\n- {id: team, where: wiki, commit: null, date: '2025', seen: '2025'}\n"
    problem = only(problems(BASE, overlay))
    assert (problem.path, problem.field) == ("o0.yaml", "sources.date")


def test_bad_read_date_names_its_line() -> None:
    text = BASE.replace("read: '2026-11'", "read: last week")
    problem = only(problems(text))
    assert (problem.line, problem.field) == (line_of(text, "read: last week"), "sources.read")


def test_check_prints_the_note_and_passes_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "team.yaml"
    overlay.write_text(
        "sources:\n- {id: team, where: wiki, commit: null, date: '2026-11'}\n", "utf-8"
    )
    base = tmp_path / "base.yaml"
    base.write_text(BASE, "utf-8")
    code = main(["registry", "check", "--no-config", "--strict", "--base", str(base), str(overlay)])
    assert code == 0
    assert f"{overlay}:2: sources.date: [note] `date` is read as `seen`" in capsys.readouterr().out


# --- freshness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seen", "stale"),
    [
        ("'2024-12-01'", False),  # exactly 24 months before updated
        ("'2024-11-30'", True),
        ("'2025'", False),
        ("'2024'", True),  # a year alone is 1 January
        ("'2024-12'", False),  # a month alone is its first day
        ("n/a", True),  # no date at all
    ],
)
def test_freshness_is_measured_from_updated(seen: str, stale: bool) -> None:
    text = BASE.replace("seen: '2026-01-01', verified", f"seen: {seen}, verified", 1)
    findings = [f for f in check.freshness_findings(build(text)) if "card_one" in f.field]
    assert bool(findings) == stale
    if stale:
        assert findings[0].severity is check.Severity.REVIEW
        assert "updated 2026-12-01" in findings[0].message


def test_freshness_ignores_store_checks_and_deprecated_apps() -> None:
    text = BASE.replace(
        "  - {id: src, seen: '2026-01-01', verified: published}\n- id: card_two",
        "  - {id: src, seen: '2020', verified: published}\n"
        "  - {id: src, seen: '2026-11', verified: store}\n- id: card_two",
    )
    assert [f.field for f in check.freshness_findings(build(text))] == ["apps[card_one].sources"]
    deprecated = text.replace(
        "  priority: {tier: 1, order: 10}",
        "  status_note: closed\n  priority: {tier: 1, order: 10}",
    ).replace("  status: active\n  status_note", "  status: deprecated\n  status_note", 1)
    assert list(check.freshness_findings(build(deprecated))) == []


def test_check_strict_fails_on_freshness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE.replace("seen: '2026-01-01', verified", "seen: '2021', verified", 1))
    assert main(["registry", "check", "--no-config", "--base", str(base)]) == 0
    assert main(["registry", "check", "--no-config", "--strict", "--base", str(base)]) == 1
    assert "apps[card_one].sources: [review] newest published source" in capsys.readouterr().out


def test_shipped_freshness_findings_name_the_weak_apps() -> None:
    shipped = validate.load()
    stale = {f.field for f in check.freshness_findings(shipped)}
    assert {"apps[momo].sources", "apps[zalopay].sources", "apps[bankpay_kdb].sources"} <= stale
    assert "apps[nh_pay].sources" not in stale
    assert "apps[kb_kookmin_card].sources" not in stale  # deprecated


# --- iOS priority and main schemes ------------------------------------------------------------


def test_ios_priority_moves_only_the_ios_schemes() -> None:
    reg = build(
        BASE.replace(
            "  ios_schemes: [cardtwo]",
            "  ios_priority: {tier: 8, order: 0}\n  ios_schemes: [cardtwo]",
        )
    )
    assert ios_order(reg) == ("cardone", "wallet", "cardtwo", "cardoneauth")
    assert selection.android_packages(reg.apps) == (
        "com.example.cardone",
        "com.example.cardtwo",
        "com.example.wallet",
    )


def test_ios_main_puts_leading_schemes_in_the_first_pass() -> None:
    reg = build(
        BASE.replace(
            "  ios_schemes: [cardone, cardoneauth]",
            "  ios_schemes: [cardone, cardoneauth]\n  ios_main: 2",
        )
    )
    assert ios_order(reg) == ("cardone", "cardoneauth", "cardtwo", "wallet")
    assert ios_order(build(BASE)) == ("cardone", "cardtwo", "wallet", "cardoneauth")
    # more main schemes than schemes (an overlay that shortened the list) is not an error
    short = BASE.replace("  ios_schemes: [cardtwo]", "  ios_main: 3\n  ios_schemes: [cardtwo]")
    assert ios_order(build(short)) == ("cardone", "cardtwo", "wallet", "cardoneauth")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "  ios_schemes: [cardtwo]",
            "  ios_priority: {tier: 8}\n  ios_schemes: [cardtwo]",
            "ios_priority",
        ),
        ("  ios_schemes: [cardtwo]", "  ios_main: 0\n  ios_schemes: [cardtwo]", "ios_main"),
    ],
)
def test_ios_fields_are_validated(old: str, new: str, field: str) -> None:
    text = BASE.replace(old, new)
    problem = only(problems(text))
    assert problem.field == f"apps[card_two].{field}"
    assert problem.line == line_of(text, f"  {field}:")


# --- Android fallbacks --------------------------------------------------------------------------


def test_android_fallback_overrides_the_first_package() -> None:
    text = BASE.replace(
        "  ios_schemes: [cardtwo]",
        "  ios_schemes: [cardtwo]\n  android_fallbacks: {cardtwo: com.example.cardone}",
    )
    table = dict(selection.scheme_packages(build(text).apps))
    assert table["cardtwo"] == "com.example.cardone"
    assert table["cardone"] == "com.example.cardone"


@pytest.mark.parametrize(
    ("fallbacks", "words"),
    [
        ("{walet: com.example.cardone}", "`walet` is not a scheme of this app"),
        ("{cardtwo: cardone}", "`cardone` is not a Java package name"),
        ("{cardtwo: com.example.nobody}", "no registry app lists"),
        ("[cardtwo]", "maps a scheme of this app to a package"),
    ],
)
def test_android_fallbacks_are_validated(fallbacks: str, words: str) -> None:
    text = BASE.replace(
        "  ios_schemes: [cardtwo]", f"  ios_schemes: [cardtwo]\n  android_fallbacks: {fallbacks}"
    )
    problem = only(problems(text))
    assert problem.field.startswith("apps[card_two].android_fallbacks")
    assert problem.line == line_of(text, "android_fallbacks:")
    assert words in problem.message


def test_shipped_fallbacks_avoid_closed_apps() -> None:
    table = dict(selection.scheme_packages(validate.load().apps))
    assert table["lpayapp"] == "com.lottemembers.android"
    assert table["smshinhanansimclick"] == "com.shcard.smartpay"
    assert table["kb-bankpay"] == "com.kbstar.liivbank"


# --- confidence ----------------------------------------------------------------------------------


def test_confidence_is_loaded_and_shown() -> None:
    text = BASE.replace(
        "  ios_schemes: [wallet]",
        "  ios_schemes: [wallet]\n  confidence: {level: low, note: only a 2021 demo plist}",
    )
    reg = build(text)
    app = reg.by_id["wallet"]
    assert app.confidence == registry.Confidence("low", "only a 2021 demo plist")
    assert "  confidence:       low: only a 2021 demo plist\n" in export.show_detail(app, reg)
    assert export.app_record(app)["confidence"] == {
        "level": "low",
        "note": "only a 2021 demo plist",
    }


@pytest.mark.parametrize("value", ["low", "{level: none, note: x}", "{level: low, note: ''}"])
def test_confidence_is_validated(value: str) -> None:
    text = BASE.replace(
        "  ios_schemes: [wallet]", f"  ios_schemes: [wallet]\n  confidence: {value}"
    )
    problem = only(problems(text))
    assert (problem.field, problem.line) == (
        "apps[wallet].confidence",
        line_of(text, "confidence:"),
    )


def test_registry_show_prints_confidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "show", "--no-config", "momo"]) == 0
    assert "  confidence:       low: only a 2021 third-party demo plist" in capsys.readouterr().out


# --- PG hosts ------------------------------------------------------------------------------------


def with_hosts(hosts: str) -> str:
    return BASE.replace("    include: []\n", f"    include: []\n    hosts: {hosts}\n", 1)


def test_hosts_are_loaded() -> None:
    reg = build(
        with_hosts("[{pattern: '*.kcp.co.kr', source: src}, {pattern: pay.kcp.co.kr, source: src}]")
    )
    assert reg.pgs["kcp"].hosts == (
        registry.HostPattern("*.kcp.co.kr", "src"),
        registry.HostPattern("pay.kcp.co.kr", "src"),
    )
    assert build(BASE).pgs["kcp"].hosts == ()


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("'*'", "only as a leading"),
        ("'*.com'", "not a host name"),
        ("'pay.*.kcp.co.kr'", "only as a leading"),
        ("'**.kcp.co.kr'", "only as a leading"),
        ("'https://pay.kcp.co.kr'", "not a host name"),
        ("'pay.kcp.co.kr:443'", "not a host name"),
        ("'pay.kcp.co.kr/path'", "not a host name"),
        ("'Pay.KCP.co.kr'", "lower case"),
        ("'-pay.kcp.co.kr'", "not a host name"),
        ("'pay..kcp.co.kr'", "not a host name"),
        ("'10.0.0.1'", "IP address"),
        ("'pay.kcp.co.kr.'", "not a host name"),
        ("'pay kcp.co.kr'", "not a host name"),
        ("'" + "a" * 64 + ".kcp.co.kr'", "not a host name"),
    ],
)
def test_bad_host_patterns_are_refused(pattern: str, words: str) -> None:
    text = with_hosts(f"[{{pattern: {pattern}, source: src}}]")
    problem = only(problems(text))
    assert problem.field == "pgs.kcp.hosts.pattern"
    assert problem.line == line_of(text, "hosts:")
    assert words in problem.message


@pytest.mark.parametrize(
    ("hosts", "words"),
    [
        ("[{pattern: pay.kcp.co.kr, source: nowhere}]", "unknown source `nowhere`"),
        ("[{pattern: pay.kcp.co.kr}]", "a host is {pattern, source}"),
        ("pay.kcp.co.kr", "hosts must be a list"),
        (
            "[{pattern: pay.kcp.co.kr, source: src}, {pattern: pay.kcp.co.kr, source: src}]",
            "listed twice",
        ),
    ],
)
def test_host_entries_are_validated(hosts: str, words: str) -> None:
    problem = only(problems(with_hosts(hosts)))
    assert problem.field.startswith("pgs.kcp.hosts")
    assert words in problem.message


def test_shipped_hosts_cite_known_sources() -> None:
    reg = validate.load()
    assert reg.pgs["html5_inicis"].hosts == (
        registry.HostPattern("*.inicis.com", "iamport-android"),
    )
    assert all(h.source in reg.sources for pg in reg.pgs.values() for h in pg.hosts)
    assert reg.pgs["kcp"].hosts == ()  # no first-party source found: the user completes it


# --- control characters --------------------------------------------------------------------------


OVERLAY_WITH_CR = """\
apps:
- id: card_two
  ios_schemes: ["crapp\\rx"]
  exceptions:
  - {value: "crapp\\rx", rule: scheme-syntax, source: src, note: test}
"""


def test_overlay_with_a_carriage_return_is_refused_even_under_exceptions() -> None:
    found = problems(BASE, OVERLAY_WITH_CR)
    assert [(p.path, p.line, p.field) for p in found] == [
        ("o0.yaml", 3, "apps[card_two].ios_schemes.0"),
        ("o0.yaml", 5, "apps[card_two].exceptions.0.value"),
    ]
    assert all("`crapp\\rx` contains control character(s) U+000D" in p.message for p in found)


@pytest.mark.parametrize("char", ["\\n", "\\0", "\\e", "\\t", "\\x7f", "\\x85", "\\x9b", "\\x01"])
@pytest.mark.parametrize(
    ("old", "template"),
    [
        ("android_packages: [com.example.cardone]", 'android_packages: ["com.example.card{}one"]'),
        ("name_en: Card One", 'name_en: "Card{}One"'),
        ("    name: NHN KCP", '    name: "NHN{}KCP"'),
        ("where: github.com/example/src", 'where: "github.com/{}example"'),
        ("app_store_id: id123", 'app_store_id: "id1{}23"'),
    ],
)
def test_every_control_character_is_refused_everywhere(char: str, old: str, template: str) -> None:
    text = BASE.replace(old, template.format(char))
    problem = only(problems(text))
    assert problem.line == line_of(text, template.split(":", maxsplit=1)[0].strip() + ":")
    assert "control character" in problem.message
    assert not entries.control_characters(problem.message)  # the message itself is printable


def test_control_character_in_a_key_is_refused() -> None:
    problem = only(problems(BASE.replace("  name_en: Card One", '  "name\\ren": Card One')))
    assert "control character" in problem.message


def test_cli_reports_a_control_character_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = tmp_path / "bad.yaml"
    overlay.write_text('apps:\n- {id: toss, ios_schemes: ["crapp\\rx"]}\n', "utf-8")
    code = main(["generate", "--no-config", "--app-scheme", "x", "--registry", str(overlay)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{overlay}:2: apps[toss].ios_schemes" in err
    assert "\r" not in err and "Traceback" not in err
