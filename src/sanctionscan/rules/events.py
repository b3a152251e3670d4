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

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import TypeVar

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.extract import Kind
from sanctionscan.text import Sentence, words

# An event's evidence stays readable: its frames' sentences, at most this many more that name
# its goods or listed party, and at most MAX_NEAR_SENTENCES that only point back near them.
MAX_EXTRA_SENTENCES = 5
MAX_NEAR_SENTENCES = 2

_Key = TypeVar("_Key", int, str)


class EventIndex:
    """Which sentences of one document name which goods entries and listed parties, worked out
    once per document: each finding's event then looks up the sentences of its own goods and
    parties instead of reading every sentence of the text again (a sanctions-dense article has
    dozens of findings and sentences)."""

    def __init__(self, doc: DocumentAnalysis) -> None:
        self.doc = doc
        self.sentences = doc.every_sentence()
        self._position = {(s.start, s.end): i for i, s in enumerate(self.sentences)}
        self._by_goods: dict[int, list[int]] = {}
        self._by_listed: dict[str, list[int]] = {}
        starts = [s.start for s in self.sentences]
        for hit in doc.goods_everywhere:
            i = self._holding(starts, hit.start)
            if i is not None:
                _add(self._by_goods, hit.ref, i)
        mentions = doc.mentions
        for m in mentions.parties:
            if m.kind is not Kind.LISTED:
                continue
            i = self._holding(starts, m.start)
            if i is not None and m.end <= self.sentences[i].end:
                _add(self._by_listed, str(mentions.listed[m.ref].ref), i)
        # whether a sentence only points back near an event, on first need
        self._points_back: dict[int, bool] = {}

    def _holding(self, starts: list[int], offset: int) -> int | None:
        """The sentence in which `offset` lies, if any."""
        i = bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < self.sentences[i].end else None

    def event_sentences(self, core: list[Sentence], goods_refs: Iterable[int],
                        listed_refs: Iterable[str]) -> list[Sentence]:
        """The sentences of the event told in `core` about specific goods `goods_refs`
        (lexicon entries) and listed parties `listed_refs`, in text order, `core` included."""
        goods = self.doc.lexicon.goods
        naming: set[int] = set()
        for ref in {ref for ref in goods_refs if not goods[ref].generic}:
            naming.update(self._by_goods.get(ref, ()))
        for listed in set(listed_refs):
            naming.update(self._by_listed.get(listed, ()))
        chosen = {(s.start, s.end): s for s in core}
        # first what names the same goods or listed party, then what only points back near
        # them: a vague "the shipment" must not crowd out a sentence that names the goods
        extra = [i for i in sorted(naming) if (self.sentences[i].start,
                                               self.sentences[i].end) not in chosen]
        for i in extra[:MAX_EXTRA_SENTENCES]:
            sentence = self.sentences[i]
            chosen[(sentence.start, sentence.end)] = sentence
        anchors = sorted(self._position[key] for key in chosen if key in self._position)
        for i in self._near(anchors):
            sentence = self.sentences[i]
            chosen[(sentence.start, sentence.end)] = sentence
        return sorted(chosen.values())

    def _near(self, anchors: list[int]) -> list[int]:
        """The sentences at most `_NEAR` after an event's sentence (`anchors`, in text order)
        or after one picked so, that refer back or move goods they do not name: at most
        MAX_NEAR_SENTENCES, the first in text order."""
        picked: list[int] = []
        anchor_set = set(anchors)
        last = -_NEAR - 1  # the last sentence of the event so far
        i = anchors[0] if anchors else len(self.sentences)
        while i < len(self.sentences) and len(picked) < MAX_NEAR_SENTENCES:
            if i in anchor_set:
                last = i
            elif i - last > _NEAR:
                # nothing of the event within reach: go on at its next sentence
                following = bisect_right(anchors, i)
                if following == len(anchors):
                    break
                i = anchors[following]
                continue
            elif self._goes_on(i):
                picked.append(i)
                last = i
            i += 1
        return picked

    def _goes_on(self, i: int) -> bool:
        found = self._points_back.get(i)
        if found is None:
            sentence = self.sentences[i]
            found = _refers_back(self.doc, sentence) or _moves_unnamed_goods(self.doc, sentence)
            self._points_back[i] = found
        return found


def _add(index: dict[_Key, list[int]], key: _Key, i: int) -> None:
    found = index.setdefault(key, [])
    if not found or found[-1] != i:  # (hits come in text order)
        found.append(i)


# a definite reference back ("the shipment") belongs to an event told at most this many
# sentences before it
_NEAR = 2


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
