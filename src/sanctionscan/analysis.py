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
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.text import Sentence


@dataclass(slots=True)
class DocumentAnalysis:
    text: str  # the document text as read: every offset points into it
    folded: str  # lexicon.fold(text): lower-cased, the same length
    lexicon: CompiledLexicon
    published: date | None = None  # the document's reference date (metadata or dateline)
    sentences: list[Sentence] = field(default_factory=list)  # the sentences frames read
    read: list[tuple[int, int]] = field(default_factory=list)  # their stretches, merged
    mentions: Mentions = field(default_factory=Mentions)

    @property
    def grammar(self) -> CompiledGrammar:
        return self.lexicon.grammar
