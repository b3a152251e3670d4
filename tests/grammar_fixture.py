"""The shipped English grammar, compiled straight from its file (no rule set needed)."""

from __future__ import annotations

from functools import cache

import yaml

from sanctionscan.grammar import CompiledGrammar, compile_grammar
from sanctionscan.ruleset import default_rules_dir
from sanctionscan.schema import Grammar


@cache
def english() -> CompiledGrammar:
    path = default_rules_dir() / "lexicon" / "grammar.en.yaml"
    return compile_grammar(Grammar.model_validate(yaml.safe_load(path.read_text("utf-8"))))
