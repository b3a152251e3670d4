"""Rule-file loading: strict schema, every error as `file:line: message`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sanctionscan.errors import RuleSetError
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset

GOOD_RULE = """\
regime: testland
title: Test regime
target: [KP]
rules:
  - id: TEST-KP-001
    category: dprk.vehicles
    title: Trucks to the test target
    severity: high
    basis: [{resolution: "2397", paragraph: "7"}]
    direction: [to_target]
    goods: {hs: ["8704"]}
"""


def rule_dir(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_rules_dir() / "lexicon", root / "lexicon")
    (root / "regimes").mkdir()
    (root / "regimes" / "test.yaml").write_text(body)
    return root


def errors_of(root: Path) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        load_ruleset([root], with_lists=False)
    return [str(e) for e in info.value.errors]


def test_valid_rule_loads(tmp_path: Path) -> None:
    rs = load_ruleset([rule_dir(tmp_path, GOOD_RULE)], with_lists=False)
    assert [r.rule.id for r in rs.rules] == ["TEST-KP-001"]
    assert rs.digest.startswith("sha256:")


def test_unquoted_hs_code_is_reported_with_line(tmp_path: Path) -> None:
    body = GOOD_RULE.replace('goods: {hs: ["8704"]}', "goods: {hs: [8704.10]}")
    (msg,) = errors_of(rule_dir(tmp_path, body))
    assert msg.startswith(str(tmp_path / "rules/regimes/test.yaml") + ":11:")
    assert "quoted string" in msg and "'8704.10'" in msg


def test_unknown_key_is_reported_with_line(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("    severity: high\n", "    severity: high\n    colour: red\n")
    (msg,) = errors_of(rule_dir(tmp_path, body))
    assert ":9:" in msg and "colour" in msg and "unknown key" in msg


def test_duplicate_key_is_reported_with_line(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("    severity: high\n", "    severity: high\n    severity: low\n")
    (msg,) = errors_of(rule_dir(tmp_path, body))
    assert ":9:" in msg and "duplicate key 'severity'" in msg and "line 8" in msg


def test_bad_enum_and_unknown_category(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("severity: high", "severity: extreme").replace(
        "dprk.vehicles", "dprk.spaceships")
    msgs = errors_of(rule_dir(tmp_path, body))
    assert any(":8:" in m and "severity" in m for m in msgs)


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    root = rule_dir(tmp_path, GOOD_RULE)
    (root / "regimes" / "copy.yaml").write_text(GOOD_RULE.replace("testland", "otherland"))
    msgs = errors_of(root)
    assert any("duplicate rule id TEST-KP-001" in m for m in msgs)


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    body = GOOD_RULE + "  - id: [unclosed\n"
    (msg,) = errors_of(rule_dir(tmp_path, body))
    assert "YAML syntax error" in msg and ":13:" in msg


def test_shipped_rules_load_and_cover_every_category(ruleset: RuleSet) -> None:
    from sanctionscan.categories import CATEGORIES
    assert {r.rule.category for r in ruleset.rules} >= set(CATEGORIES)
