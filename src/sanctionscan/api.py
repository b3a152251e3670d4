"""The Python API: `scan_text` and `Engine`, a thin layer over `engine.Scanner` with the
command line's defaults.

`Engine` is what `sanctionscan scan` does, for a program: the shipped rules plus any `rules`
folders (their lexicon files add to the shipped ones), `min_confidence=0.3` (the `Scanner`
itself defaults to 0.0, every finding), documents from text, `Document`s or the same inputs the
CLI reads (files, folders, JSON Lines), and a `Report` with the run manifest, as `-f json`
prints it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date
from os import PathLike
from pathlib import Path

from sanctionscan.cache import load_ruleset_cached
from sanctionscan.engine import Scanner
from sanctionscan.manifest import build_manifest, scanned_inputs
from sanctionscan.models import Document, DocumentResult, Report, SkippedDocument
from sanctionscan.ruleset import RuleSet, default_rules_dir

DEFAULT_MIN_CONFIDENCE = 0.3  # as `sanctionscan scan --min-confidence`

RulesArg = str | PathLike[str] | Sequence[str | PathLike[str]] | None


def _rule_dirs(rules: RulesArg, default_rules: bool) -> tuple[Path, ...]:
    if rules is None:
        given: list[Path] = []
    elif isinstance(rules, str | PathLike):
        given = [Path(rules)]
    else:
        given = [Path(r) for r in rules]
    return tuple(([default_rules_dir()] if default_rules else []) + given)


class Engine:
    """A compiled rule set and a scanner with the CLI's defaults; build once, scan many.

    >>> engine = Engine()                       # the shipped rules, min_confidence 0.3
    >>> result = engine.scan_text("Russia delivered 40 trucks to North Korea in 2024.")
    >>> [f.category for f in result.findings]
    ['dprk.vehicles']

    `rules`: one folder or several, added to the shipped rule set (`--rules`);
    `default_rules=False` uses only them (`--no-default-rules`). Rule-file errors raise
    `sanctionscan.errors.RuleSetError`, whose `errors` each read `file:line: message`.
    """

    def __init__(self, rules: RulesArg = None, *, default_rules: bool = True,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                 ruleset: RuleSet | None = None) -> None:
        self.rule_dirs = _rule_dirs(rules, default_rules)
        self._given = _rule_dirs(rules, False)  # as the manifest names them (like --rules)
        self.default_rules = default_rules
        self.ruleset = ruleset if ruleset is not None else load_ruleset_cached(
            list(self.rule_dirs))
        self.min_confidence = min_confidence
        self.scanner = Scanner(self.ruleset, min_confidence=min_confidence)

    def scan_text(self, text: str, *, id: str = "text", title: str | None = None,
                  url: str | None = None, published: date | None = None) -> DocumentResult:
        """Scan one article given as text; evidence offsets index into `text`."""
        return self.scanner.scan_document(
            Document(id=id, text=text, source="api", title=title, url=url, published=published))

    def scan_document(self, document: Document) -> DocumentResult:
        return self.scanner.scan_document(document)

    def scan(self, inputs: Iterable[str | PathLike[str] | Document]) -> Report:
        """Scan documents, files, folders or JSON Lines files (as `sanctionscan scan` reads
        them; an unreadable input is a skipped document with its reason) into a `Report`
        carrying the run manifest."""
        from sanctionscan.sources import iter_documents

        started = None  # the same report for the same inputs, as `scan` writes it
        items: list[Document | SkippedDocument] = []
        paths: list[str] = []
        for item in inputs:
            if isinstance(item, Document):
                items.append(item)
            else:
                paths.append(str(item))
        results = list(self.scanner.scan_all([*items, *iter_documents(paths)]))
        report = self.scanner.report(results)
        options = {"command": "api", "inputs": " ".join(paths),
                   "min_confidence": str(self.min_confidence),
                   "rules": " ".join(str(p) for p in self._given),
                   "default_rules": str(self.default_rules).lower()}
        return report.model_copy(update={"manifest": build_manifest(
            report, options, scanned_inputs(results), started)})


@functools.lru_cache(maxsize=8)
def _engine(rule_dirs: tuple[str, ...], default_rules: bool, min_confidence: float) -> Engine:
    # compiling a rule set takes a while; scan_text calls with the same settings share one
    return Engine(list(rule_dirs), default_rules=default_rules, min_confidence=min_confidence)


def scan_text(text: str, *, rules: RulesArg = None, default_rules: bool = True,
              min_confidence: float = DEFAULT_MIN_CONFIDENCE, id: str = "text",
              title: str | None = None, url: str | None = None,
              published: date | None = None) -> DocumentResult:
    """Scan one article given as text with the shipped rules (plus `rules` folders), as
    `sanctionscan scan` would; the engine for the same settings is built once and reused."""
    key = tuple(str(p) for p in _rule_dirs(rules, False))
    return _engine(key, default_rules, min_confidence).scan_text(
        text, id=id, title=title, url=url, published=published)
