"""Session-wide fixtures: the shipped rule set, compiled once for the whole test run.

Compiling the shipped rules and lists takes seconds; loading them once per test module made
that the larger part of the suite's time. Tests that need a rule folder of their own still call
`load_ruleset` themselves. The objects here are shared by every test that asks for them, so a
test must not change them (none does: a scan reads its rule set, never writes it).
"""

from __future__ import annotations

import pytest

from rulesets import shipped_ruleset
from sanctionscan.engine import Scanner
from sanctionscan.ruleset import RuleSet

# what `sanctionscan scan` reports unless told otherwise (cli.common.min_confidence_option)
CLI_MIN_CONFIDENCE = 0.3


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The shipped rules with the shipped lists."""
    return shipped_ruleset(with_lists=True)


@pytest.fixture(scope="session")
def ruleset_no_lists() -> RuleSet:
    """The shipped rules without any list."""
    return shipped_ruleset(with_lists=False)


@pytest.fixture(scope="session")
def scanner(ruleset: RuleSet) -> Scanner:
    """A scanner over `ruleset` that keeps every finding (min_confidence 0.0)."""
    return Scanner(ruleset)


@pytest.fixture(scope="session")
def cli_scanner(ruleset: RuleSet) -> Scanner:
    """A scanner over `ruleset` that keeps what the CLI reports by default."""
    return Scanner(ruleset, min_confidence=CLI_MIN_CONFIDENCE)
