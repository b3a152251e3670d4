"""Events: the sentences an article tells one possible violation in.

A story names its goods in the transfer sentence, then identifies, lists or locates them in
sentences without a transfer word ("The items included…", "They arrived in Nampo…"), and
often carries the hedge or the breach ("in violation of…") in yet another. A finding's event
is the sentences of its frames, every sentence that names the same specific goods (a goods
entry that is not a vague word) or the same listed party, and a sentence shortly after one of
those that refers back with a definite noun ("the shipment", "these vehicles"). They are its
`sentence` evidence; its main sentence is the one that carries a hedge or breach wording, else
its most confident frame's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.extract import Kind
from sanctionscan.text import Sentence, words

# An event's evidence stays readable: its frames' sentences and at most this many more.
MAX_EXTRA_SENTENCES = 5


def event_sentences(doc: DocumentAnalysis, core: list[Sentence], goods_refs: Iterable[int],
                    listed_refs: Iterable[str]) -> list[Sentence]:
    """The sentences of the event told in `core` about specific goods `goods_refs` (lexicon
    entries) and listed parties `listed_refs`, in text order, `core` included."""
    specific = {ref for ref in goods_refs if not doc.lexicon.goods[ref].generic}
    listed = set(listed_refs)
    chosen = {(s.start, s.end): s for s in core}
    extra = 0
    since_event = _NEAR + 1  # sentences since the last one of the event
    for sentence in doc.every_sentence():
        key = (sentence.start, sentence.end)
        if key in chosen:
            since_event = 0
            continue
        since_event += 1
        if extra < MAX_EXTRA_SENTENCES and (
                _names_goods(doc, sentence, specific) or _names_listed(doc, sentence, listed)
                or (since_event <= _NEAR and _refers_back(doc, sentence))):
            chosen[key] = sentence
            extra += 1
            since_event = 0
    return sorted(chosen.values())


# a definite reference back ("the shipment") belongs to an event told at most this many
# sentences before it
_NEAR = 2


def _names_goods(doc: DocumentAnalysis, sentence: Sentence, refs: set[int]) -> bool:
    if not refs:
        return False
    hits = doc.goods_everywhere
    i = bisect_left(hits, (sentence.start,))
    while i < len(hits) and hits[i][0] < sentence.end:
        if hits[i][3] in refs:
            return True
        i += 1
    return False


def _names_listed(doc: DocumentAnalysis, sentence: Sentence, refs: set[str]) -> bool:
    if not refs:
        return False
    mentions = doc.mentions
    for m in mentions.in_span(mentions.parties, sentence.start, sentence.end):
        if m.kind is Kind.LISTED and str(mentions.listed[m.ref].ref) in refs:
            return True
    return False


def _refers_back(doc: DocumentAnalysis, sentence: Sentence) -> bool:
    return bool(doc.grammar.definite_goods.search(doc.folded, sentence.start, sentence.end))


def main_sentence(doc: DocumentAnalysis, candidates: list[Sentence],
                  fallback: tuple[int, int]) -> tuple[int, int]:
    """The sentence to show first: the first that hedges or names a breach, else `fallback`."""
    breach, hedges = doc.grammar.violation_words, doc.lexicon.hedge_words
    for sentence in candidates:
        said = words(doc.folded[sentence.start:sentence.end])
        if any(w in breach or w in hedges for w in said):
            return sentence.start, sentence.end
    return fallback
