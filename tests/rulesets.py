"""The shipped rule set, compiled at most once per test process (with and without lists).

For the fixtures in conftest.py and for the few places that need the rule set before any
fixture exists, such as parametrising a test by the shipped rules' examples at collection time.
"""

from __future__ import annotations

from functools import cache

from sanctionscan.ruleset import RuleSet, load_ruleset


def shipped_ruleset(*, with_lists: bool = True) -> RuleSet:
    """The rule set of the shipped rule folder, shared: callers must not change it."""
    return _load(with_lists)


@cache  # keyed by a positional flag: `f()` and `f(with_lists=True)` would be two entries
def _load(with_lists: bool) -> RuleSet:
    return load_ruleset(with_lists=with_lists)
