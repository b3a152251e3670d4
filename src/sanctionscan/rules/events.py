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
from collections.abc import Iterable, Iterator
from typing import TypeVar

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.extract import Kind, Mention
from sanctionscan.lexicon import Hit
from sanctionscan.text import Sentence, words

# An event's evidence stays readable: its frames' sentences, at most this many more that name
# its goods or listed party, and at most MAX_NEAR_SENTENCES that only point back near them.
MAX_EXTRA_SENTENCES = 5
MAX_NEAR_SENTENCES = 2

_Key = TypeVar("_Key", int, str)
_Item = TypeVar("_Item", Hit, Mention)


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
        for hit, i in self._in_sentences(doc.goods_everywhere):
            _add(self._by_goods, hit.ref, i)
        mentions = doc.mentions
        listed = [m for m in mentions.parties if m.kind is Kind.LISTED]
        for m, i in self._in_sentences(listed):
            if m.end <= self.sentences[i].end:
                _add(self._by_listed, str(mentions.listed[m.ref].ref), i)
        # per sentence, on first need: whether it only points back near an event, says the
        # event was cleared, hedges or names a breach (findings share their sentences)
        self._points_back: dict[int, bool] = {}
        self._clears: dict[tuple[int, int], bool] = {}
        self._hedges: dict[tuple[int, int], bool] = {}

    def _in_sentences(self, items: list[_Item]) -> Iterator[tuple[_Item, int]]:
        """Each of `items` (sorted by start) that starts inside a sentence, with the position
        of that sentence: one walk over both, the sentences being sorted and disjoint."""
        sentences, i = self.sentences, 0
        for item in items:
            while i < len(sentences) and sentences[i].end <= item.start:
                i += 1
            if i < len(sentences) and sentences[i].start <= item.start:
                yield item, i

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


    def cleared(self, event: list[Sentence], told: Iterable[Sentence]) -> bool:
        """Whether a sentence of the event other than those it is told in says a court or an
        inspection cleared it ("... and the ship was allowed to continue its voyage")."""
        own = {(s.start, s.end) for s in told}
        return any(self._says_cleared(s) for s in event if (s.start, s.end) not in own)

    def _says_cleared(self, sentence: Sentence) -> bool:
        key = (sentence.start, sentence.end)
        found = self._clears.get(key)
        if found is None:
            found = bool(self.doc.lexicon.cleared_words.search(self.doc.folded, *key))
            self._clears[key] = found
        return found

    def main_sentence(self, candidates: list[Sentence], fallback: tuple[int, int]
                      ) -> tuple[int, int]:
        """The sentence to show first: the first that hedges or names a breach, else
        `fallback`."""
        for sentence in candidates:
            if self._hedges_or_breaches(sentence):
                return sentence.start, sentence.end
        return fallback

    def _hedges_or_breaches(self, sentence: Sentence) -> bool:
        key = (sentence.start, sentence.end)
        found = self._hedges.get(key)
        if found is None:
            breach, hedges = self.doc.grammar.violation_words, self.doc.lexicon.hedge_words
            found = any(w in breach or w in hedges
                        for w in words(self.doc.folded[sentence.start:sentence.end]))
            self._hedges[key] = found
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
