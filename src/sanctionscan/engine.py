"""The analysis entry points: documents in, `DocumentResult`s and a `Report` out.

sources -> Document -> segment -> mentions -> frames -> findings -> DocumentResult -> Report.
A `Scanner` holds one compiled rule set. Per document it finds the transfer words in one
automaton pass, then reads only the sentences frames can use (each sentence with a transfer word
and the sentence before it), so the cost does not grow with the number of rules or list entries
and falls with the share of the text that could describe a transfer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from sanctionscan import __version__
from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.dates import dateline, url_date
from sanctionscan.extract import find_mentions_folded
from sanctionscan.frames import assemble, frame_sentences
from sanctionscan.frames.activities import find_activities
from sanctionscan.frames.choice import with_activity_sentences
from sanctionscan.guard import scan_guarded
from sanctionscan.lexicon import Hit, fold
from sanctionscan.models import (
    Document,
    DocumentResult,
    Finding,
    Manifest,
    Report,
    SkippedDocument,
    ToolInfo,
)
from sanctionscan.rules.matcher import FindingBuilder, RuleIndex
from sanctionscan.ruleset import RuleSet
from sanctionscan.text import Segmentation, starting_in


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Of overlapping activity words ("travelled", "travelled to"), the longest (hits sorted
    by start)."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


class Scanner:
    """Runs the whole pipeline for one compiled rule set. Cheap per document; build once."""

    def __init__(self, ruleset: RuleSet, min_confidence: float = 0.0,
                 doc_timeout: float | None = None) -> None:
        self.ruleset = ruleset
        self.min_confidence = min_confidence
        self.doc_timeout = doc_timeout  # seconds per document in scan_all (guard.py)
        self.index = RuleIndex(ruleset)

    def scan_document(self, doc: Document) -> DocumentResult:
        analysis = self.analyse(doc)
        findings: list[Finding] = []
        if analysis is not None:
            frames = assemble(analysis)
            builder = FindingBuilder(self.index, doc.id, analysis)
            builder.add_frames(frames)
            builder.add_activities(find_activities(analysis))
            findings = [f for f in builder.findings() if f.confidence >= self.min_confidence]
        return DocumentResult(
            id=doc.id, source=doc.source, title=doc.title, url=doc.url, findings=findings,
            digest="sha256:" + hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        )

    def analyse(self, doc: Document) -> DocumentAnalysis | None:
        """The document's analysis up to frame assembly, or None where no frame can be made.

        Every frame hangs on a transfer word, in a sentence that also names goods or a party
        or after one that does: a document without a transfer word that can make a frame has
        no frame, and nothing outside those sentences and the ones they depend on takes part
        in one, so only they are read for goods, parties, listed names and the rest."""
        text = doc.text
        lexicon, lists = self.ruleset.lexicon, self.ruleset.list_matcher
        analysis = DocumentAnalysis(text=text, folded=fold(text), lexicon=lexicon)
        found = lexicon.scan_transfers(text, analysis.folded)
        if not found.triggers and not found.activities:
            return None
        # (the lines after the last trigger's are never read: not split either)
        last = max(max(found.triggers, default=(0,))[0], max(found.activities, default=(0,))[0])
        segmentation = Segmentation(text, credits=found.credits, analysable_only=True)
        sentences = segmentation.up_to(last)
        analysis.segmentation = segmentation  # the sentences after `last` on first need
        chosen, read = frame_sentences(sentences, found, lexicon.implies_goods)
        analysis.sentences, analysis.read = with_activity_sentences(
            sentences, chosen, read, found.activities)
        if not analysis.sentences:
            return None
        folded, read = analysis.folded, analysis.read
        entities, others = lexicon.scan_context(text, folded, read, found.goods)
        listed = list(lists.find(text, read, folded)) if lists is not None else []
        analysis.mentions = find_mentions_folded(text, folded, lexicon, listed,
                                                 (entities, found.actions, others), read)
        analysis.activities = _longest_first(starting_in(sorted(found.activities), read))
        mentions = analysis.mentions
        if not (mentions.actions or analysis.activities) or not (
                mentions.goods or mentions.parties):
            return None
        # (the latest date an undated text names is no guide to when it was written: measured
        # on real news, it trails by years, background dates being all many articles give)
        analysis.published = doc.published or dateline(text, lexicon.grammar.dating.months) \
            or url_date(doc.url)
        analysis.goods_everywhere = sorted(found.goods)
        return analysis

    def scan_all(self, items: Iterable[Document | SkippedDocument]) -> Iterator[DocumentResult]:
        for item in items:
            if isinstance(item, SkippedDocument):
                yield DocumentResult(id=item.id, source=item.source, skipped=item.reason)
            else:  # an error or an overrun becomes this document's skipped result
                yield scan_guarded(self.scan_document, item, self.doc_timeout)

    def report(self, results: Iterable[DocumentResult], manifest: Manifest | None = None
               ) -> Report:
        return Report(tool=ToolInfo(version=__version__), ruleset=self.ruleset.info,
                      documents=list(results), manifest=manifest)
