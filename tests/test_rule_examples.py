"""Every rule's own examples, one test per rule and case (`UN-KP-VEH-001-flag-0`).

The cases come from the shipped rule files through the same harness as `sanctionscan rules
test` (sanctionscan.ruletests), so a rule author's table and this suite always agree.
"""

from __future__ import annotations

import pytest

from rulesets import shipped_ruleset
from sanctionscan.engine import Scanner
from sanctionscan.ruleset import RuleSet
from sanctionscan.ruletests import ExampleCase, collect_cases, run_case

# (parametrising needs the cases at collection time, before any fixture: the shared loader)
_CASES: list[ExampleCase] = collect_cases(shipped_ruleset())


def test_every_rule_has_examples(ruleset: RuleSet) -> None:
    with_cases = {c.rule_id for c in _CASES}
    missing = [r.rule.id for r in ruleset.rules if r.rule.id not in with_cases]
    assert not missing, f"rules without examples: {missing}"


@pytest.mark.parametrize("case", _CASES, ids=[c.id for c in _CASES])
def test_rule_example(scanner: Scanner, case: ExampleCase) -> None:
    result = run_case(scanner, case)
    assert result.passed, f"{case.where}: {case.text}\n{result.message}"
