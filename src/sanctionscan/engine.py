"""The analysis entry points: documents in, `DocumentResult`s and a `Report` out.

sources -> Document -> segment -> mentions -> frames -> findings -> DocumentResult -> Report.
A `Scanner` holds one compiled rule set. Per document it finds the transfer words in one
automaton pass, then reads only the sentences frames can use (each sentence with a transfer word
and the sentence before it), so the cost does not grow with the number of rules or list entries
and falls with the share of the text that could describe a transfer.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import date

from sanctionscan import __version__
from sanctionscan.extract import find_mentions_folded
from sanctionscan.frames import assemble
from sanctionscan.guard import scan_guarded
from sanctionscan.lexicon import Transfers, fold
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
from sanctionscan.text import Sentence, segment

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# (`\b` before the year written as a look-behind after its first digit: the pattern then
# opens with a "1" or "2", which the regex engine skips to at C speed)
_ISO = re.compile(r"((?:2(?<!\w2)0|1(?<!\w1)9)\d\d)-(\d\d)-(\d\d)\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d\d)\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b")


_DATE_LINE = re.compile(r"^[ \t]*(?:(?:Published|Updated|Posted|Date)\s*:?\s*)?"
                        r"(?:[A-Za-z]{3,9},?\s+)?[^\n]{6,30}$", re.MULTILINE)


# Every date the patterns above read holds a year: a page head without one has no dateline.
# (One search that skips to the next "1" or "2", where the three patterns try every word.)
_YEAR_DIGITS = re.compile(r"[12][09]\d\d")


def dateline(text: str) -> date | None:
    """The publication date a news page prints near its top: in the first lines, or on a line
    of its own below the headline, byline and view counter."""
    if not _YEAR_DIGITS.search(text, 0, 1500):
        return None
    found = _first_date(text[:300])
    if found is not None:
        return found
    # _DATE_LINE.finditer(text[:1500]), tried at line starts only (where its ^ can match)
    # instead of at every character
    stop = min(len(text), 1500)
    start = 0
    while start < stop:
        line = _DATE_LINE.match(text, start, stop)
        if line is not None:
            found = _first_date(line.group())
            if found is not None:
                return found
        start = text.find("\n", line.end() if line is not None else start, stop) + 1
        if not start:
            break
    return None


def _first_date(head: str) -> date | None:
    if not _YEAR_DIGITS.search(head):
        return None
    candidates = []
    for m in _ISO.finditer(head):
        candidates.append((m.start(), _safe_date(int(m[1]), int(m[2]), int(m[3]))))
    for m in _DMY.finditer(head):
        candidates.append((m.start(), _month_date(m[3], m[2], m[1])))
    for m in _MDY.finditer(head):
        candidates.append((m.start(), _month_date(m[3], m[1], m[2])))
    found = [d for _, d in sorted(candidates, key=lambda c: c[0]) if d is not None]
    return found[0] if found else None


def _month_date(year: str, month: str, day: str) -> date | None:
    key = month[:3].lower()
    if key not in _MONTHS:
        return None
    return _safe_date(int(year), _MONTHS.index(key) + 1, int(day))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _frame_sentences(analysable: list[Sentence], found: Transfers,
                     implies_goods: frozenset[int]
                     ) -> tuple[list[Sentence], list[tuple[int, int]]]:
    """What frame assembly reads, of the `analysable` sentences (as `segment(...,
    analysable_only=True)` gives them): each one holding a transfer word that can make a
    frame, with goods to make it with, and the sentences before it that its frames depend
    on; as sentences, and as the stretches of text they cover (merged), in order.

    Assembly carries what a sentence found into the next one, and a sentence without any
    transfer word carries nothing from the one before it. So a frame's goods are named in its
    sentence (or it holds a word that stands for them, "armed"), or in the sentences before it
    back to one without a transfer word; and those sentences are what is read back."""
    # (fields by index, not by name: this runs for every sentence and every hit of the text)
    starts = [s[0] for s in analysable]
    triggers: dict[int, set[tuple[int, int]]] = {}  # sentence index -> its triggers' spans
    for hit in found.triggers:
        start = hit[0]
        k = bisect_right(starts, start) - 1
        if k >= 0 and start < analysable[k][1]:
            triggers.setdefault(k, set()).add(hit[:2])
    if not triggers:
        return [], []
    action_starts = sorted([a[0] for a in found.actions])
    goods = sorted([g[:2] for g in found.goods])
    goods_starts = [start for start, _ in goods]
    implied = sorted([a[0] for a in found.actions if a[3] in implies_goods])

    def holds(hit_starts: list[int], k: int) -> bool:
        sentence = analysable[k]
        return bisect_left(hit_starts, sentence.start) != bisect_left(hit_starts, sentence.end)

    chosen: list[Sentence] = []
    spans: list[tuple[int, int]] = []
    taken = -1  # index in `analysable` of the last sentence chosen
    for i in sorted(triggers):
        # Goods named here count beside a transfer word other than the goods word itself:
        # "ships" and "supplies" are read as a verb or as goods, never both.
        lo = bisect_left(goods_starts, analysable[i].start)
        hi = bisect_left(goods_starts, analysable[i].end, lo)
        live = lo < hi and len(triggers[i].union(goods[lo:hi])) > 1 or bool(
            implied) and holds(implied, i)
        k = i
        while not live and k > 0 and (k == i or holds(action_starts, k)):
            k -= 1
            live = holds(goods_starts, k) or bool(implied) and holds(implied, k)
        if not live:
            continue  # no goods here or carried in: no frame
        first = i - 1
        while first > max(taken, 0) and holds(action_starts, first):
            first -= 1
        first = max(first, 0)
        chosen.extend(analysable[max(first, taken + 1):i + 1])
        taken = i
        if spans and analysable[first].start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], analysable[i].end)
        else:
            spans.append((analysable[first].start, analysable[i].end))
    return chosen, spans


class Scanner:
    """Runs the whole pipeline for one compiled rule set. Cheap per document; build once."""

    def __init__(self, ruleset: RuleSet, min_confidence: float = 0.0,
                 doc_timeout: float | None = None) -> None:
        self.ruleset = ruleset
        self.min_confidence = min_confidence
        self.doc_timeout = doc_timeout  # seconds per document in scan_all (guard.py)
        self.index = RuleIndex(ruleset)

    def scan_document(self, doc: Document) -> DocumentResult:
        text = doc.text
        findings: list[Finding] = []
        folded = fold(text)
        lexicon, lists = self.ruleset.lexicon, self.ruleset.list_matcher
        # Every frame hangs on a transfer word, in a sentence that also names goods or a
        # party or after one that does (frames.assemble skips all others): a document without
        # a transfer word that can make a frame in it has no frame, and nothing outside those
        # sentences and the ones they depend on takes part in one, so only they are read for
        # goods, parties, listed names and the rest.
        found = lexicon.scan_transfers(text, folded)
        chosen: list[Sentence] = []
        if found.triggers:
            # (the lines after the last trigger's are never read: not split either)
            sentences = segment(text, until=max(found.triggers)[0], credits=found.credits,
                                analysable_only=True)
            chosen, read = _frame_sentences(sentences, found, lexicon.implies_goods)
        if chosen:
            entities, others = lexicon.scan_context(text, folded, read, found.goods)
            listed: list[object] = list(lists.find(text, read, folded)) if lists is not None else []
            mentions = find_mentions_folded(text, folded, lexicon, listed,
                                            (entities, found.actions, others), read)
            if mentions.actions and (mentions.goods or mentions.parties):
                published = doc.published or dateline(text)
                # the sentences chosen hold every transfer word that can make a frame, with
                # the sentences before each that its frames depend on: all assembly reads
                frames = assemble(text, folded, chosen, mentions, lexicon, published)
                builder = FindingBuilder(self.index, doc.id, text, mentions)
                builder.add_frames(frames)
                findings = [f for f in builder.findings()
                            if f.confidence >= self.min_confidence]
        return DocumentResult(
            id=doc.id, source=doc.source, title=doc.title, url=doc.url, findings=findings,
            digest="sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )

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
