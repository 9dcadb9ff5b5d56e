"""Registry validation: every error names file, line and field; unsafe YAML is refused."""

from __future__ import annotations

import pytest

from schemegen.registry import check, load, validate
from schemegen.registry.model import Problem, RegistryError

BASE = """\
version: 2026.11.0
updated: 2026-11-27
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
  ios_schemes: [cardone]
  android_packages: [com.example.cardone]
  app_store_id: id123
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
- id: bank_two
  name_ko: 은행투
  name_en: Bank Two
  category: bank
  status: active
  priority: {tier: 4, order: 10}
  methods: [trans]
  ios_schemes: [banktwo]
  android_packages: [com.example.banktwo]
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
sources:
- {id: src, where: github.com/example/src, commit: abc, date: '2026-01-01'}
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def problems(text: str, origin: str = "base.yaml") -> tuple[Problem, ...]:
    with pytest.raises(RegistryError) as caught:
        validate.build(load.parse_yaml(text, origin))
    return caught.value.problems


def only(found: tuple[Problem, ...]) -> Problem:
    assert len(found) == 1, found
    return found[0]


def test_base_is_valid() -> None:
    reg = validate.build(load.parse_yaml(BASE, "base.yaml"))
    assert [a.id for a in reg.apps] == ["card_one", "bank_two"]


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("ios_schemes: [cardone]", "ios_schemes: [1cardone]", "ios_schemes", "RFC 3986"),
        ("ios_schemes: [cardone]", "ios_schemes: [CardOne]", "ios_schemes", "upper-case"),
        ("ios_schemes: [cardone]", "ios_schemes: ['cardone://']", "ios_schemes", "`//`"),
        ("ios_schemes: [cardone]", "ios_schemes: [card_one]", "ios_schemes", "RFC 3986"),
        (
            "android_packages: [com.example.cardone]",
            "android_packages: [cardone]",
            "android_packages",
            "not a Java package",
        ),
        (
            "android_packages: [com.example.cardone]",
            "android_packages: [com.1example.x]",
            "android_packages",
            "not a Java package",
        ),
        ("app_store_id: id123", "app_store_id: '123'", "app_store_id", "id + digits"),
        ("app_store_id: id123", "app_store_id: id123\n  colour: red", "colour", "unknown key"),
    ],
)
def test_value_errors_name_file_line_field(old: str, new: str, field: str, words: str) -> None:
    text = BASE.replace(old, new, 1)
    problem = only(problems(text))
    assert problem.path == "base.yaml"
    assert problem.line == line_of(text, new.splitlines()[-1])
    assert problem.field.startswith(f"apps[card_one].{field}")
    assert words in problem.message
    assert str(problem).startswith(f"base.yaml:{problem.line}: apps[card_one].{field}")


def test_duplicate_scheme_across_apps() -> None:
    text = BASE.replace("ios_schemes: [banktwo]", "ios_schemes: [banktwo, cardone]")
    problem = only(problems(text))
    assert problem.line == line_of(text, "- id: bank_two")
    assert "`cardone` belongs to two apps" in problem.message


def test_alias_equal_to_a_real_value() -> None:
    text = BASE.replace(
        "  app_store_id: id123\n",
        "  app_store_id: id123\n  aliases:\n  - {value: banktwo, of: cardone, note: x}\n",
    )
    problem = only(problems(text))
    assert problem.line == line_of(text, "  aliases:")
    assert problem.field == "apps[card_one].aliases"
    assert "alias `banktwo` is a real value of `bank_two`" in problem.message


def test_alias_may_break_syntax_rules() -> None:
    text = BASE.replace(
        "  app_store_id: id123\n",
        "  app_store_id: id123\n  aliases:\n  - {value: 'CardOne://', of: cardone}\n",
    )
    reg = validate.build(load.parse_yaml(text, "base.yaml"))
    assert reg.aliases["CardOne://"][0].id == "card_one"


def test_unknown_source() -> None:
    text = BASE.replace("- {id: src, seen: '2026-01-01'", "- {id: nosuch, seen: '2026-01-01'", 1)
    problem = only(problems(text))
    assert problem.line == line_of(text, "id: nosuch")
    assert problem.field.startswith("apps[card_one].sources")
    assert "unknown source `nosuch`" in problem.message


def test_missing_source() -> None:
    text = BASE.replace(
        "  sources:\n  - {id: src, seen: '2026-01-01', verified: published}\n- id: bank_two",
        "  sources: []\n- id: bank_two",
    )
    problem = only(problems(text))
    assert problem.line == line_of(text, "  sources: []")
    assert "at least one source" in problem.message


def test_missing_sources_key() -> None:
    text = BASE.replace(
        "  sources:\n  - {id: src, seen: '2026-01-01', verified: published}\n- id: bank_two",
        "- id: bank_two",
    )
    problem = only(problems(text))
    assert problem.line == line_of(text, "- id: card_one")
    assert "missing required key `sources`" in problem.message


UNDERSCORE = BASE.replace("ios_schemes: [cardone]", "ios_schemes: [cardone, card_one]")


def test_underscore_needs_an_exception() -> None:
    problem = only(problems(UNDERSCORE))
    assert problem.field.startswith("apps[card_one].ios_schemes")
    assert problem.line == line_of(UNDERSCORE, "card_one]")


def test_underscore_accepted_with_a_sourced_exception() -> None:
    exception = (
        "  exceptions:\n"
        "  - {value: card_one, rule: scheme-syntax, source: src, note: published with `_`}\n"
    )
    text = UNDERSCORE.replace("  app_store_id: id123\n", "  app_store_id: id123\n" + exception)
    reg = validate.build(load.parse_yaml(text, "base.yaml"))
    assert "card_one" in reg.by_id["card_one"].ios_schemes

    unsourced = text.replace("source: src, note", "source: nosuch, note")
    problem = only(problems(unsourced))
    assert problem.line == line_of(unsourced, "rule: scheme-syntax")
    assert "unknown source `nosuch`" in problem.message


def test_anchors_and_aliases_are_refused() -> None:
    text = BASE.replace("methods: [card]", "methods: &m [card]").replace(
        "methods: [trans]", "methods: *m"
    )
    problem = only(problems(text))
    assert problem.field == "yaml"
    assert "anchors and aliases" in problem.message
    assert problem.line == line_of(text, "methods: &m")  # the node reached twice


def test_yaml_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    with pytest.raises(RegistryError) as caught:
        load.parse_yaml(bomb, "bomb.yaml")
    assert "anchors and aliases" in caught.value.problems[0].message


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['echo hacked']", "!!python/name:os.system", "!!binary aGk="],
)
def test_python_and_unknown_tags_are_refused(tag: str) -> None:
    text = BASE.replace("name_en: Card One", f"name_en: {tag}")
    problem = only(problems(text)) if "binary" in tag else None
    if problem is None:
        with pytest.raises(RegistryError) as caught:
            load.parse_yaml(text, "base.yaml")
        problem = caught.value.problems[0]
        assert problem.field == "yaml"
    assert problem.path == "base.yaml"
    assert problem.line == line_of(text, "name_en: !!")


def test_unknown_top_level_key() -> None:
    text = BASE + "extras: 1\n"
    problem = only(problems(text))
    assert (problem.line, problem.field) == (line_of(text, "extras:"), "extras")
    assert "unknown key" in problem.message


def test_several_problems_are_reported_together() -> None:
    text = BASE.replace("ios_schemes: [cardone]", "ios_schemes: [CardOne]").replace(
        "app_store_id: id123", "app_store_id: x1"
    )
    assert len(problems(text)) == 2


# --- known_non_payment -------------------------------------------------------------------------


def test_known_non_payment_values_and_patterns() -> None:
    text = BASE + (
        "known_non_payment:\n"
        "- {value: tel, note: dialer}\n"
        "- {pattern: 'fb[0-9]+', note: Facebook}\n"
    )
    reg = validate.build(load.parse_yaml(text, "base.yaml"))
    assert reg.non_payment("tel") is not None
    assert reg.non_payment("fb12345") is not None
    assert reg.non_payment("fbx") is None
    assert reg.non_payment("cardone") is None


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("- {value: cardone, note: oops}", "matches real value `cardone`"),
        ("- {pattern: 'card.*', note: too wide}", "matches real value"),
        ("- {pattern: 'fb[0-9', note: broken}", "class is not closed"),
        ("- {value: tel}", "{value, note}"),
        ("- {value: tel, pattern: x, note: both}", "{value, note}"),
    ],
)
def test_known_non_payment_errors(entry: str, words: str) -> None:
    text = BASE + "known_non_payment:\n" + entry + "\n"
    problem = only(problems(text))
    assert problem.path == "base.yaml"
    assert problem.line == line_of(text, entry)
    assert words in problem.message


# --- review-level checks (registry check) ------------------------------------------------------


def test_check_reports_impossible_dates() -> None:
    text = BASE.replace("seen: '2026-01-01', verified", "seen: '2026-02-30', verified", 1)
    result = check.check(load.parse_yaml(text, "base.yaml"))
    [error] = result.errors
    assert error.line == line_of(text, "2026-02-30")
    assert "calendar date" in error.message


def test_check_reports_source_values_foreign_to_the_app() -> None:
    text = BASE.replace(
        "- {id: src, seen: '2026-01-01', verified: published}\n- id: bank_two",
        "- {id: src, seen: '2026-01-01', verified: published, values: [banktwo]}\n- id: bank_two",
    )
    result = check.check(load.parse_yaml(text, "base.yaml"))
    [error] = result.errors
    assert "`banktwo`" in error.message
    assert error.field == "apps[card_one].sources"


def test_near_misses_are_review_notes_and_families_fold() -> None:
    text = BASE.replace("ios_schemes: [banktwo]", "ios_schemes: [cardnoe, kb-bankpay, kn-bankpay]")
    text = text.replace("ios_schemes: [cardone]", "ios_schemes: [cardone, kj-bankpay]")
    result = check.check(load.parse_yaml(text, "base.yaml"))
    assert result.errors == ()
    messages = [r.message for r in result.reviews]
    assert any("`cardone` (card_one) and `cardnoe` (bank_two)" in m for m in messages)
    assert any(m.startswith("`*-bankpay` family") for m in messages)
    assert len(messages) == 2


def test_near_miss_from_an_overlay_is_reported_on_its_own() -> None:
    base = BASE.replace("ios_schemes: [banktwo]", "ios_schemes: [banktwo, kb-bankpay]")
    overlay = """\
apps:
- id: new_bank
  name_ko: 새은행
  name_en: New Bank
  category: bank
  status: active
  priority: {tier: 4, order: 20}
  methods: [trans]
  ios_schemes: [kn-bankpay]
  android_packages: []
  sources:
  - {id: src, seen: '2026-01-01', verified: published}
"""
    result = check.check(
        load.parse_yaml(base, "base.yaml"), [load.parse_yaml(overlay, "team.yaml")]
    )
    [review] = result.reviews
    assert review.path == "team.yaml"
    assert "`kn-bankpay` (new_bank)" in review.message


def test_shipped_registry_passes_check_with_review_notes() -> None:
    result = check.check(load.load_shipped())
    assert result.errors == ()
    assert any("`*-bankpay` family" in r.message for r in result.reviews)
    assert all(r.path == "schemes.yaml" and r.line > 1 for r in result.reviews)
