"""Loading and compiling a rule set: regime files, lexicons and lists, validated once.

(Interface first; the body lands with the core engine.)
"""

from __future__ import annotations

from pathlib import Path


def default_rules_dir() -> Path:
    return Path(__file__).parent / "data" / "rules"


class RuleSet:
    """Everything a scan needs, compiled once: rules, lexicon matcher, list matcher, digest."""


def load_ruleset(dirs: list[Path] | None = None) -> RuleSet:
    raise NotImplementedError
