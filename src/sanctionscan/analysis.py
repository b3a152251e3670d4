"""The analysis of one document, built once and read by every stage after extraction.

The engine fills it stage by stage (folded text, the sentences worth reading, mentions, the
reference date); frame assembly and the rules read it instead of taking a long list of
parameters, so a stage that needs one more fact of the document reads a field, and no stage
recomputes what another already knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sanctionscan.extract import Mentions
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon, Hit
from sanctionscan.text import Segmentation, Sentence, segment


@dataclass(slots=True)
class DocumentAnalysis:
    text: str  # the document text as read: every offset points into it
    folded: str  # lexicon.fold(text): lower-cased, the same length
    lexicon: CompiledLexicon
    published: date | None = None  # the document's reference date (metadata or dateline)
    sentences: list[Sentence] = field(default_factory=list)  # the sentences frames read
    read: list[tuple[int, int]] = field(default_factory=list)  # their stretches, merged
    mentions: Mentions = field(default_factory=Mentions)
    # goods words of the whole text (the first automaton pass), sorted by start
    goods_everywhere: list[Hit] = field(default_factory=list)
    # travel, port-call and ship-to-ship words in the sentences read, sorted by start
    activities: list[Hit] = field(default_factory=list)
    # the engine's split of the text, which every_sentence goes on with
    segmentation: Segmentation | None = None
    _every: list[Sentence] | None = None
    _first_named: dict[int, int] | None = None

    @property
    def grammar(self) -> CompiledGrammar:
        return self.lexicon.grammar

    def every_sentence(self) -> list[Sentence]:
        """Every analysable sentence of the text, not only those frames read: the sentences
        an event is told in (split on first need: only documents with a finding ask)."""
        if self._every is None:
            split = self.segmentation
            if split is not None and split.text is self.text and split.analysable_only \
                    and split.reads_credits_as_segment():
                self._every = split.up_to(None)  # the lines already split are not again
            else:
                self._every = segment(self.text, analysable_only=True)
        return self._every

    def first_named(self, goods_ref: int) -> int | None:
        """Where the text first names goods of lexicon entry `goods_ref`, if it does."""
        if self._first_named is None:
            first: dict[int, int] = {}
            for hit in self.goods_everywhere:
                first.setdefault(hit.ref, hit.start)
            self._first_named = first
        return self._first_named.get(goods_ref)
