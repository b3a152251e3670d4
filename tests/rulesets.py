"""The shipped rule set, compiled at most once per test process (with and without lists).

For the fixtures in conftest.py and for the few places that need the rule set before any
fixture exists, such as parametrising a test by the shipped rules' examples at collection time.
"""

from __future__ import annotations

from functools import cache

from sanctionscan.ruleset import RuleSet, load_ruleset


@cache
def shipped_ruleset(*, with_lists: bool = True) -> RuleSet:
    """The rule set of the shipped rule folder, shared: callers must not change it."""
    return load_ruleset(with_lists=with_lists)
