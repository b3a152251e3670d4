"""Events: the sentences an article tells one possible violation in.

A story names its goods in the transfer sentence, then identifies, lists or locates them in
sentences without a transfer word ("The items included…", "They arrived in Nampo…"), and
often carries the hedge or the breach ("in violation of…") in yet another. A finding's event
is the sentences of its frames, every sentence that names the same specific goods (a goods
entry that is not a vague word) or the same listed party, and a sentence shortly after one of
those that refers back with a definite noun ("the shipment", "these vehicles") or moves goods
it does not name ("800,000 barrels were delivered to Nampo"). They are its
`sentence` evidence; its main sentence is the one that carries a hedge or breach wording, else
its most confident frame's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.extract import Kind
from sanctionscan.text import Sentence, words

# An event's evidence stays readable: its frames' sentences, at most this many more that name
# its goods or listed party, and at most MAX_NEAR_SENTENCES that only point back near them.
MAX_EXTRA_SENTENCES = 5
MAX_NEAR_SENTENCES = 2


def event_sentences(doc: DocumentAnalysis, core: list[Sentence], goods_refs: Iterable[int],
                    listed_refs: Iterable[str]) -> list[Sentence]:
    """The sentences of the event told in `core` about specific goods `goods_refs` (lexicon
    entries) and listed parties `listed_refs`, in text order, `core` included."""
    specific = {ref for ref in goods_refs if not doc.lexicon.goods[ref].generic}
    listed = set(listed_refs)
    chosen = {(s.start, s.end): s for s in core}
    room = MAX_EXTRA_SENTENCES
    # first what names the same goods or listed party, then what only points back near them:
    # a vague "the shipment" must not crowd out a sentence that names the goods
    for sentence in doc.every_sentence():
        if room and (sentence.start, sentence.end) not in chosen and (
                _names_goods(doc, sentence, specific) or _names_listed(doc, sentence, listed)):
            chosen[(sentence.start, sentence.end)] = sentence
            room -= 1
    room = MAX_NEAR_SENTENCES
    since_event = _NEAR + 1  # sentences since the last one of the event
    for sentence in doc.every_sentence():
        if (sentence.start, sentence.end) in chosen:
            since_event = 0
            continue
        since_event += 1
        if room and since_event <= _NEAR and (
                _refers_back(doc, sentence) or _moves_unnamed_goods(doc, sentence)):
            chosen[(sentence.start, sentence.end)] = sentence
            room -= 1
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


def _moves_unnamed_goods(doc: DocumentAnalysis, sentence: Sentence) -> bool:
    """ "Nearly 800,000 barrels were delivered to Nampo": a transfer word with no goods word
    of its own, shortly after the event, goes on telling it."""
    mentions = doc.mentions
    if not mentions.in_span(mentions.actions, sentence.start, sentence.end):
        return False
    hits = doc.goods_everywhere
    i = bisect_left(hits, (sentence.start,))
    return not (i < len(hits) and hits[i][0] < sentence.end)


def cleared(doc: DocumentAnalysis, event: list[Sentence], told: Iterable[Sentence]) -> bool:
    """Whether a sentence of the event other than those it is told in says a court or an
    inspection cleared it ("... and the ship was allowed to continue its voyage")."""
    own = {(s.start, s.end) for s in told}
    pattern = doc.lexicon.cleared_words
    return any(pattern.search(doc.folded, s.start, s.end) for s in event
               if (s.start, s.end) not in own)


def main_sentence(doc: DocumentAnalysis, candidates: list[Sentence],
                  fallback: tuple[int, int]) -> tuple[int, int]:
    """The sentence to show first: the first that hedges or names a breach, else `fallback`."""
    breach, hedges = doc.grammar.violation_words, doc.lexicon.hedge_words
    for sentence in candidates:
        said = words(doc.folded[sentence.start:sentence.end])
        if any(w in breach or w in hedges for w in said):
            return sentence.start, sentence.end
    return fallback
