"""`pattern:` values: the linear subset is accepted, everything else refused with file and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemegen.registry import patterns, validate
from schemegen.registry.patterns import PatternError

SHIPPED = [n.value for n in validate.load().known_non_payment if n.pattern]
MAIN = "import sys; from schemegen.cli.main import main; raise SystemExit(main(sys.argv[1:]))"


def test_the_shipped_patterns_are_in_the_subset() -> None:
    assert "kakao[0-9a-f]{32}" in SHIPPED
    assert "fb[0-9]+" in SHIPPED
    for pattern in SHIPPED:
        patterns.check(pattern)


@pytest.mark.parametrize(
    "pattern", ["fb[0-9]+", r"com\.x\.[0-9]+-[0-9a-z]+", "a.b", "[^:]+:x", "ab?c", "x{2,5}y"]
)
def test_accepted(pattern: str) -> None:
    patterns.check(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(([a-z.-]+)+)+!", "groups"),
        ("a|b", "alternation"),
        (r"(a)\1", "groups"),
        (r"[a-z]\1", "backreferences"),
        (r"\d+", "class escapes"),
        ("^fb", "anchors"),
        ("a**", "stacked"),
        ("a+?", "lazy"),
        ("[a-z]+[a-z]+!", "shares characters"),
        ("[a-z]*b?[a-c]", "shares characters"),
        (".*x", "shares characters"),
        ("a{2,1}", "lowest first"),
        ("a{1001}", "up to 1000"),
        ("[z-a]", "reversed"),
        ("[a-z", "not closed"),
        ("a{x}", "count"),
        ("[0||]", "set operations"),
        ("[a&&b]", "set operations"),
        ("[!--]", "set operations"),
    ],
)
def test_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=reason):
        patterns.check(pattern)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.-[]^\\(){}|+*?,0123456789z$", max_size=16))
def test_checking_never_crashes_and_accepted_patterns_compile(pattern: str) -> None:
    try:
        patterns.check(pattern)
    except PatternError:
        return
    re.compile(pattern)


def _subprocess(code: str, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("did not finish within the 30-second watchdog")


def test_accepted_patterns_match_long_values_in_linear_time(tmp_path: Path) -> None:
    # Each would backtrack quadratically or worse without the disjointness rule.
    code = (
        "import re, sys\n"
        "from schemegen.registry import patterns\n"
        "for p in ('[a-z]+-[0-9]+', 'x[^-]*-y', 'fb[0-9]+'):\n"
        "    patterns.check(p)\n"
        "    assert re.fullmatch(p, 'a' * 200_000 + '-' * 3) is None\n"
        "    assert re.fullmatch(p, 'fb' + '1' * 200_000 + 'x') is None\n"
    )
    done = _subprocess(code, tmp_path)
    assert done.returncode == 0, done.stderr


def test_catastrophic_pattern_is_refused_at_load_with_file_and_line(tmp_path: Path) -> None:
    overlay = tmp_path / "extra.yaml"
    overlay.write_text(
        'known_non_payment:\n- {value: ok, note: x}\n- {pattern: "(([a-z.-]+)+)+!", note: x}\n'
    )
    (tmp_path / ".schemegen.yaml").write_text("registry: [extra.yaml]\n")
    checked = _subprocess(MAIN, tmp_path, "registry", "check", "extra.yaml")
    assert checked.returncode == 1
    assert "extra.yaml:3: known_non_payment.pattern" in checked.stdout
    linted = _subprocess(MAIN, tmp_path, "lint", ".")
    assert linted.returncode == 2
    assert "extra.yaml:3:" in linted.stderr
    assert len(linted.stderr.strip().splitlines()) <= 2
