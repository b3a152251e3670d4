"""Semantic checks of a loaded rule set: what the schema alone cannot see.

The schema (sanctionscan/schema.py) says a file is well formed; these checks say it makes sense as a
whole: every party id a rule targets exists, every HS code and tag a selector names is reached
by some lexicon word, every selected term is in the lexicon, date ranges are in order, listed
selectors name a known UN list, evidence words occur in their example, and each rule has
examples both ways. Each problem is a `RuleFileError` with the `file:line` of the offending
key, so editors and CI can jump to it. Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sanctionscan.categories import CATEGORIES
from sanctionscan.errors import RuleFileError
from sanctionscan.hints import did_you_mean, valid_values
from sanctionscan.ruleset import RuleSet
from sanctionscan.schema import Example, GoodsLexicon, PartiesLexicon, RegimeFile, Rule
from sanctionscan.yamlfile import YamlDoc, load_yaml

Level = Literal["error", "warning"]

# UN_LIST_TYPE values of the UN Consolidated List (un-consolidated-list.md §1).
KNOWN_LIST_REGIMES: frozenset[str] = frozenset({
    "Al-Qaida", "Taliban", "DPRK", "Iraq", "DRC", "Libya", "Somalia", "CAR", "Yemen", "GB",
    "SouthSudan", "Haiti", "Sudan", "Iran",
})

MIN_EXAMPLES = 2


@dataclass(frozen=True)
class Problem:
    level: Level
    error: RuleFileError

    def __str__(self) -> str:
        return f"{self.error.file}:{self.error.line}: {self.level}: {self.error.message}"


def _fold(term: str) -> str:
    return " ".join(term.casefold().replace("-", " ").split())


def _hs_key(code: str) -> str:
    return code.replace(".", "")


Report = Callable[[Sequence[int | str], str], "Problem"]


class _Lexicon:
    """What the goods and parties lexicons offer, in the shapes the checks need."""

    def __init__(self, goods: GoodsLexicon | None, parties: PartiesLexicon | None) -> None:
        entries = [e for e in (goods.goods if goods else []) if not e.ignore]
        self.hs = {_hs_key(h) for e in entries for h in e.hs}
        self.tags = {t for e in entries for t in e.tags}
        if goods:
            self.tags |= set(goods.modifiers)
        self.terms = {_fold(t) for e in entries for t in e.terms}
        self.party_ids = {p.id for p in (parties.parties if parties else [])
                          if p.kind != "lookalike"}
        self.lookalike_ids = {p.id for p in (parties.parties if parties else [])
                              if p.kind == "lookalike"}

    def reaches_hs(self, code: str) -> bool:
        # the matcher covers an entry when one of its codes starts with the selector's code
        key = _hs_key(code)
        return any(h.startswith(key) for h in self.hs)


class _Where:
    """Maps (rule index, key path) to a line of one regime file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.doc: YamlDoc | None = load_yaml(path)
        except RuleFileError:
            self.doc = None

    def error(self, loc: Sequence[int | str], message: str) -> RuleFileError:
        if self.doc is None:
            return RuleFileError(str(self.path), 1, message)
        return self.doc.error(loc, message)


def check_ruleset(ruleset: RuleSet) -> list[Problem]:
    """Every semantic problem of a rule set that loaded, errors first, in file order."""
    lex = _Lexicon(ruleset.goods_lexicon, ruleset.parties_lexicon)
    problems: list[Problem] = []
    regime_of_file: dict[str, RegimeFile] = {}
    for loaded in ruleset.rules:
        regime = ruleset.regimes.get(loaded.regime)
        if regime is not None:
            regime_of_file.setdefault(loaded.file, regime)
    categories = set(ruleset.categories) | set(CATEGORIES)
    seen_ids: dict[str, str] = {}
    for file, regime in regime_of_file.items():
        problems.extend(_check_regime(regime, _Where(Path(file)), lex, categories, seen_ids))
    problems.sort(key=lambda p: (p.level != "error", p.error.file, p.error.line))
    return problems


def _check_regime(regime: RegimeFile, where: _Where, lex: _Lexicon, categories: set[str],
                  seen_ids: dict[str, str]) -> Iterator[Problem]:
    def err(loc: Sequence[int | str], message: str) -> Problem:
        return Problem("error", where.error(loc, message))

    def warn(loc: Sequence[int | str], message: str) -> Problem:
        return Problem("warning", where.error(loc, message))

    for j, pid in enumerate(regime.target):
        yield from _check_party(pid, ("target", j), lex, err)
    for i, rule in enumerate(regime.rules):
        base: tuple[int | str, ...] = ("rules", i)
        here = where.error(base, "")
        if rule.id in seen_ids:
            yield err(base + ("id",), f"duplicate rule id {rule.id} (also at {seen_ids[rule.id]})")
        else:
            seen_ids[rule.id] = f"{here.file}:{here.line}"
        if rule.category not in categories:
            known = ", ".join(sorted(c for c in categories if c.split(".")[0]
                                     == rule.category.split(".")[0])) or "none for this regime"
            yield err(base + ("category",),
                      f"unknown category {rule.category!r} (known: {known}; add new ones to "
                      f"the file's categories list)")
        for j, covering in enumerate(rule.covered_by):
            if covering not in categories:
                yield err(base + ("covered_by", j), f"unknown category {covering!r}")
        for j, pid in enumerate(rule.target or []):
            yield from _check_party(pid, base + ("target", j), lex, err)
        if rule.goods is not None:
            yield from _check_goods(rule, base + ("goods",), lex, err)
        if rule.listed is not None:
            for j, name in enumerate(rule.listed.regimes):
                if name not in KNOWN_LIST_REGIMES:
                    yield err(base + ("listed", "regimes", j),
                              f"unknown UN list {name!r} (known: "
                              f"{', '.join(sorted(KNOWN_LIST_REGIMES))})")
            for j, tag in enumerate(rule.listed.exempt_tags):
                if tag not in lex.tags:
                    yield err(base + ("listed", "exempt_tags", j),
                              f"tag {tag!r} is on no word of lexicon/goods.yaml"
                              f"{did_you_mean(tag, lex.tags)}")
        yield from _check_dates(rule, base + ("in_force",), err)
        yield from _check_examples(rule, base + ("examples",), err, warn)


def _check_party(pid: str, loc: tuple[int | str, ...], lex: _Lexicon,
                 err: Report) -> Iterator[Problem]:
    if pid in lex.lookalike_ids:
        yield err(loc, f"party {pid!r} is a look-alike entry and can never be a target")
    elif pid not in lex.party_ids:
        yield err(loc, f"unknown party id {pid!r} (not in lexicon/parties.yaml)"
                       f"{did_you_mean(pid, lex.party_ids)} (valid: {valid_values(lex.party_ids)})")


def _check_goods(rule: Rule, loc: tuple[int | str, ...], lex: _Lexicon,
                 err: Report) -> Iterator[Problem]:
    goods = rule.goods
    assert goods is not None
    for key in ("hs", "exclude_hs"):
        for j, code in enumerate(getattr(goods, key)):
            if not lex.reaches_hs(code):
                yield err(loc + (key, j),
                          f"HS {code} is reached by no word of lexicon/goods.yaml; add the "
                          f"words news uses for it")
    for key in ("tags", "exclude_tags"):
        for j, tag in enumerate(getattr(goods, key)):
            if tag not in lex.tags:
                yield err(loc + (key, j),
                          f"tag {tag!r} is on no word of lexicon/goods.yaml"
                          f"{did_you_mean(tag, lex.tags)} (valid: {valid_values(lex.tags)})")
    for key in ("terms", "exclude_terms"):
        for j, term in enumerate(getattr(goods, key)):
            if _fold(term) not in lex.terms:
                yield err(loc + (key, j),
                          f"term {term!r} is not in lexicon/goods.yaml")


def _check_dates(rule: Rule, loc: tuple[int | str, ...], err: Report) -> Iterator[Problem]:
    f = rule.in_force
    if f.start and f.until and f.start > f.until:
        yield err(loc + ("until",), f"in force until {f.until} is before from {f.start}")
    for j, gap in enumerate(f.gaps):
        if gap.start and gap.until and gap.start > gap.until:
            yield err(loc + ("gaps", j), f"gap ends {gap.until} before it starts {gap.start}")


def _check_examples(rule: Rule, loc: tuple[int | str, ...], err: Report,
                    warn: Report) -> Iterator[Problem]:
    for kind in ("flag", "no_flag"):
        items = getattr(rule.examples, kind)
        # a listed-only rule can flag only names from an imported list; its flag examples
        # depend on which list is installed, so none are required
        required = 0 if (kind == "flag" and rule.goods is None) else MIN_EXAMPLES
        if len(items) < required:
            yield warn(loc + (kind,) if items else loc,
                       f"rule {rule.id} has {len(items)} {kind} example(s); write at least "
                       f"{required}")
        for j, item in enumerate(items):
            if not isinstance(item, Example):
                continue
            low = item.text.casefold()
            for k, word in enumerate(item.evidence):
                if word.casefold() not in low:
                    yield err(loc + (kind, j, "evidence", k),
                              f"evidence {word!r} does not occur in the example text")
            if kind == "no_flag" and item.evidence:
                yield warn(loc + (kind, j, "evidence"),
                           "evidence words on a no_flag example are never checked")
