"""Loading and compiling a rule set: regime files, lexicons and lists, validated once.

A rule set is one or more folders laid out like the shipped `rules/` (regimes/, lexicon/,
lists/). Later folders add files; a file with the same relative path replaces the earlier one.
Every error in every file is collected and reported together as `file:line: message`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sanctionscan.categories import CATEGORIES
from sanctionscan.errors import RuleFileError, RuleSetError
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.models import ListInfo, RulesetInfo
from sanctionscan.schema import (
    ActionsLexicon,
    GoodsLexicon,
    Grammar,
    PartiesLexicon,
    RegimeFile,
    Rule,
)
from sanctionscan.yamlfile import YamlDoc, load_yaml

M = TypeVar("M", bound=BaseModel)

LEXICON_FILES = {
    "goods": ("lexicon/goods.yaml", GoodsLexicon),
    "parties": ("lexicon/parties.yaml", PartiesLexicon),
    "actions": ("lexicon/actions.yaml", ActionsLexicon),
    # how English arranges those words (role markers, fillers, cue scopes): frame assembly
    "grammar": ("lexicon/grammar.en.yaml", Grammar),
}


def default_rules_dir() -> Path:
    return Path(__file__).parent / "data" / "rules"


@dataclass(frozen=True)
class LoadedRule:
    """A rule with where it came from and the targets its regime file gave it."""

    rule: Rule
    regime: str
    targets: tuple[str, ...]
    file: str
    line: int


@dataclass
class RuleSet:
    """Everything a scan needs, compiled once: rules, lexicon matcher, list matcher, digest."""

    rules: list[LoadedRule]
    regimes: dict[str, RegimeFile]
    lexicon: CompiledLexicon
    categories: frozenset[str]
    digest: str
    files: list[Path]
    lists: list[Any] = field(default_factory=list)  # sanctionscan.lists.SanctionsList
    list_matcher: Any = None  # sanctionscan.names.ListMatcher, when lists are present
    goods_lexicon: GoodsLexicon | None = None
    parties_lexicon: PartiesLexicon | None = None

    @property
    def info(self) -> RulesetInfo:
        lists = [lst.info() for lst in self.lists]
        return RulesetInfo(digest=self.digest, rules=len(self.rules),
                           lists=[ListInfo.model_validate(i.model_dump()) for i in lists])

    def rule(self, rule_id: str) -> LoadedRule | None:
        return next((r for r in self.rules if r.rule.id == rule_id), None)


def collect_rule_files(dirs: list[Path]) -> dict[str, Path]:
    """Every YAML file of a rule set by its path relative to its folder; a later folder's file
    replaces an earlier one with the same relative path."""
    files: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            raise RuleSetError([RuleFileError(str(root), 1, "rules folder not found")])
        for path in sorted(root.rglob("*")):
            if path.suffix in {".yaml", ".yml"} and path.is_file():
                files[path.relative_to(root).as_posix()] = path
    return files


def _validate(doc: YamlDoc, model: type[M], errors: list[RuleFileError]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(doc.validation_errors(exc))
        return None


def load_ruleset(dirs: list[Path] | None = None, *, with_lists: bool = True) -> RuleSet:
    dirs = dirs or [default_rules_dir()]
    files = collect_rule_files(dirs)
    errors: list[RuleFileError] = []
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].read_bytes() + b"\0")

    lexicons: dict[str, Any] = {}
    for key, (rel, model) in LEXICON_FILES.items():
        path = files.get(rel)
        if path is None:
            errors.append(RuleFileError(str(dirs[-1] / rel), 1, f"missing {key} lexicon file"))
            continue
        try:
            lexicons[key] = _validate(load_yaml(path), model, errors)
        except RuleFileError as exc:
            errors.append(exc)

    regimes: dict[str, RegimeFile] = {}
    rules: list[LoadedRule] = []
    categories = set(CATEGORIES)
    seen_ids: dict[str, str] = {}
    for rel, path in files.items():
        if not rel.startswith("regimes/"):
            continue
        try:
            doc = load_yaml(path)
        except RuleFileError as exc:
            errors.append(exc)
            continue
        regime = _validate(doc, RegimeFile, errors)
        if regime is None:
            continue
        regimes[regime.regime] = regime
        categories.update(regime.categories)
        for i, rule in enumerate(regime.rules):
            line = doc.line_of(("rules", i))
            where = f"{path}:{line}"
            if rule.id in seen_ids:
                errors.append(doc.error(
                    ("rules", i, "id"),
                    f"duplicate rule id {rule.id} (also at {seen_ids[rule.id]})"))
                continue
            seen_ids[rule.id] = where
            targets = tuple(rule.target or regime.target)
            rules.append(LoadedRule(rule, regime.regime, targets, str(path), line))
    for loaded in rules:
        if loaded.rule.category not in categories:
            errors.append(RuleFileError(loaded.file, loaded.line,
                                        f"unknown category {loaded.rule.category!r}"))

    lists: list[Any] = []
    list_matcher = None
    list_files = [p for rel, p in sorted(files.items()) if rel.startswith("lists/")]
    if with_lists and list_files:
        lists, list_matcher = _load_lists(list_files, errors)

    if errors:
        raise RuleSetError(errors)
    lexicon = CompiledLexicon(lexicons["goods"], lexicons["parties"], lexicons["actions"],
                              lexicons["grammar"])
    return RuleSet(
        rules=rules, regimes=regimes, lexicon=lexicon, categories=frozenset(categories),
        digest="sha256:" + digest.hexdigest(), files=list(files.values()), lists=lists,
        list_matcher=list_matcher, goods_lexicon=lexicons["goods"],
        parties_lexicon=lexicons["parties"],
    )


def _load_lists(paths: list[Path], errors: list[RuleFileError]) -> tuple[list[Any], Any]:
    try:
        from sanctionscan import lists as lists_module
        from sanctionscan import names
    except ImportError:  # list support not installed in this build
        return [], None
    loaded = []
    for path in paths:
        try:
            loaded.append(lists_module.load_list_file(path))
        except RuleFileError as exc:
            errors.append(exc)
        except RuleSetError as exc:
            errors.extend(exc.errors)
    if not loaded:
        return [], None
    # A refreshed full list repeats entries that a smaller shipped list also has: each
    # reference number is matched once, from the first list that holds it (files sort by name).
    seen: set[str] = set()
    unique = []
    for lst in loaded:
        entries = [e for e in lst.entries if e.ref not in seen]
        seen.update(e.ref for e in entries)
        unique.append(lst if len(entries) == len(lst.entries)
                      else lst.model_copy(update={"entries": entries}))
    return loaded, names.ListMatcher.compile(unique)
