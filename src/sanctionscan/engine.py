"""The analysis entry points: documents in, `DocumentResult`s and a `Report` out.

(Interface first; the body lands with the core engine.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sanctionscan.models import Document, DocumentResult, Report, SkippedDocument
from sanctionscan.ruleset import RuleSet


class Scanner:
    """Runs the whole pipeline for one compiled rule set. Cheap per document; build once."""

    def __init__(self, ruleset: RuleSet, min_confidence: float = 0.0) -> None:
        self.ruleset = ruleset
        self.min_confidence = min_confidence

    def scan_document(self, doc: Document) -> DocumentResult:
        raise NotImplementedError

    def scan_all(self, items: Iterable[Document | SkippedDocument]) -> Iterator[DocumentResult]:
        raise NotImplementedError

    def report(self, results: Iterable[DocumentResult]) -> Report:
        raise NotImplementedError
