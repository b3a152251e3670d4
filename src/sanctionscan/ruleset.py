"""Loading and compiling a rule set: regime files, lexicons and lists, validated once.

A rule set is one or more folders laid out like the shipped `rules/` (regimes/, lexicon/,
lists/). Later folders add files. A lexicon file (`lexicon/goods.yaml`, `parties.yaml`,
`actions.yaml`, any `lexicon/grammar.*.yaml`) with the same relative path as an earlier one
*adds* to it: its lists are appended (an entry with the `id` or `lemma` of an earlier one
is merged into it), its mappings merged; `replace: true` at the top of the file replaces the
earlier file instead. Any other file with the same relative path replaces the earlier one.
Every error in every file is collected and reported together as `file:line: message`, with a
"did you mean" and the valid values where there is a closed list.
"""

from __future__ import annotations

import hashlib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from sanctionscan.categories import CATEGORIES
from sanctionscan.errors import RuleFileError, RuleSetError
from sanctionscan.hints import did_you_mean, unknown
from sanctionscan.layered import LayeredDoc, location_keys
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.models import ListInfo, RulesetInfo
from sanctionscan.schema import (
    CATEGORY_PATTERN,
    HS_PATTERN,
    PARTY_PATTERN,
    RULE_ID_PATTERN,
    TAG_PATTERN,
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


def is_layered(rel: str) -> bool:
    """Lexicon files add to the same file of earlier folders rather than replace it."""
    return rel.startswith("lexicon/")


def rule_file_layers(dirs: list[Path]) -> dict[str, list[Path]]:
    """Every YAML file of a rule set by its path relative to its folder, with every folder's
    file of that path in folder order."""
    layers: dict[str, list[Path]] = {}
    for root in dirs:
        if not root.is_dir():
            raise RuleSetError([RuleFileError(str(root), 1, "rules folder not found")])
        for path in sorted(root.rglob("*")):
            if path.suffix in {".yaml", ".yml"} and path.is_file():
                layers.setdefault(path.relative_to(root).as_posix(), []).append(path)
    return layers


def collect_rule_files(dirs: list[Path]) -> dict[str, Path]:
    """Every YAML file that takes part in the rule set, by a key: its relative path for the
    file that is read (a later folder's file replaces an earlier one with the same path), and
    `<path>#<n>` for the earlier layers of a lexicon file, which the last one adds to. The
    digest and the compiled cache's key cover every file listed here."""
    files: dict[str, Path] = {}
    for rel, paths in rule_file_layers(dirs).items():
        if is_layered(rel):
            for n, path in enumerate(paths[:-1]):
                files[f"{rel}#{n}"] = path
        files[rel] = paths[-1]
    return files


class _Doc(Protocol):
    @property
    def data(self) -> Any: ...

    def validation_errors(self, exc: ValidationError) -> list[RuleFileError]: ...


def _validate(doc: _Doc, model: type[M], errors: list[RuleFileError]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        found = doc.validation_errors(exc)
        details = exc.errors()
        errors.extend(_in_words(model, err, found_error)
                      for err, found_error in zip(details, found, strict=False)
                      if not _other_branch(err, details))
        return None


def _other_branch(err: Any, details: list[Any]) -> bool:
    """The string branch of a `model | str` item (an example given as a mapping) that failed
    only because the mapping branch failed too: that error says what is wrong, this one not."""
    if err["type"] != "string_type" or not isinstance(err.get("input"), dict):
        return False
    loc = _real(err)
    return any(other is not err and _real(other)[:len(loc)] == loc and len(_real(other)) > len(loc)
               for other in details)


def _real(err: Any) -> tuple[int | str, ...]:
    return tuple(p for p in err["loc"] if isinstance(p, int) or p in location_keys(err))


def _keys_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str] | None:
    """The keys allowed in the mapping at `loc` of a `model` file, or None when unknown."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return None
    for candidate in (current, *typing.get_args(current)):  # a `model | str` item: the model
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return [f.alias or name for name, f in candidate.model_fields.items()]
    return None


def _unwrap(annotation: Any, part: int | str) -> Any:
    """One step down a type along a key path: a model's field, a list's item, a union's
    model member."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0], part)
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            found = _unwrap(member, part)
            if found is not None:
                return found
        return None
    if isinstance(part, int):
        return typing.get_args(annotation)[0] if origin is list else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
    return None


# Patterns of the schema, said in words (a regular expression is no help to a rule author).
_PATTERN_WORDS: dict[str, str] = {
    HS_PATTERN: "an HS code is 2, 4, 6 or 8 digits: a chapter '87', a heading '8703' or a "
                "subheading '8703.10' (the dot is optional), quoted",
    TAG_PATTERN: "a tag is lower-case letters, digits and _ and starts with a letter "
                 "(dual_use)",
    PARTY_PATTERN: "a party id starts with a letter and has letters, digits, . _ - (KP, SO-GOV)",
    RULE_ID_PATTERN: "a rule id is upper-case parts joined by - (UN-KP-VEH-001)",
    CATEGORY_PATTERN: "a category is <regime>.<measure> in lower case (dprk.vehicles)",
}


def _in_words(model: type[BaseModel], err: Any, found: RuleFileError) -> RuleFileError:
    """Say schema errors the way a rule author thinks: the keys allowed with a "did you mean"
    for an unknown key, and patterns in words."""
    loc = _real(err)
    where = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden" and loc:
        allowed = _keys_at(model, loc[:-1])
        if allowed:
            key = str(loc[-1])
            return RuleFileError(found.file, found.line,
                                 f"{where}: unknown key {key!r}{did_you_mean(key, allowed)} "
                                 f"(allowed here: {', '.join(allowed)})")
    if err["type"] in ("enum", "literal_error") and isinstance(err.get("input"), str):
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        if allowed:
            return RuleFileError(found.file, found.line,
                                 f"{where}: {err['input']!r} is not one of "
                                 f"{', '.join(allowed)}{did_you_mean(err['input'], allowed)}")
    if err["type"] == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(err.get("ctx", {}).get("pattern", ""))
        if words:
            return RuleFileError(found.file, found.line,
                                 f"{where}: {err['input']!r} is not valid: {words}")
    return found


def load_ruleset(dirs: list[Path] | None = None, *, with_lists: bool = True) -> RuleSet:
    dirs = dirs or [default_rules_dir()]
    files = collect_rule_files(dirs)
    errors: list[RuleFileError] = []
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].read_bytes() + b"\0")

    layers = rule_file_layers(dirs)
    lexicons: dict[str, Any] = {}
    for key, (rel, model) in LEXICON_FILES.items():
        paths = layers.get(rel)
        if not paths:
            errors.append(RuleFileError(str(dirs[-1] / rel), 1, f"missing {key} lexicon file"))
            continue
        docs: list[YamlDoc] = []
        for path in paths:
            try:
                docs.append(load_yaml(path))
            except RuleFileError as exc:
                errors.append(exc)
        if len(docs) == len(paths):
            lexicons[key] = _validate(LayeredDoc.of(docs), model, errors)

    regimes: dict[str, RegimeFile] = {}
    rules: list[LoadedRule] = []
    categories = set(CATEGORIES)
    seen_ids: dict[str, str] = {}
    category_lines: dict[str, int] = {}
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
        category_lines.update({rule.id: doc.line_of(("rules", i, "category"))
                               for i, rule in enumerate(regime.rules)})
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
            errors.append(RuleFileError(
                loaded.file, category_lines.get(loaded.rule.id, loaded.line),
                unknown("category", loaded.rule.category, categories)
                + "; a regime file adds new ones in its categories: list"))

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
