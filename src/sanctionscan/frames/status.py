"""The status of a frame: which status cues govern its transfer word.

A cue's reach is grammar data (`status.scopes`: how many words before the transfer word a
legal formula, a negation or a plan word reaches; such a cue never governs a word before it);
statuses without a scope reach over the whole sentence. When several cues govern one word,
the grammar's `status.precedence` decides.
"""

from __future__ import annotations

from sanctionscan.extract import Mention
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.models import Status
from sanctionscan.schema import StatusName
from sanctionscan.text import Sentence, words


def frame_status(g: CompiledGrammar, lex: CompiledLexicon, folded: str, sentence: Sentence,
                 action: Mention, cues: list[Mention]) -> tuple[Status, list[Mention]]:
    """The status of the frame on `action`, and the cues that say so."""
    found: dict[StatusName, list[Mention]] = {}
    for cue in cues:
        status = lex.cue_status[cue.ref]
        if _governs(g, folded, sentence, action, cue, status):
            found.setdefault(status, []).append(cue)
    for status in g.status.precedence:
        if status not in found:
            continue
        if status == "denied" and "alleged" in found:
            # "denied the allegations": a denial of an allegation leaves it alleged
            return Status.alleged, found["alleged"] + found["denied"]
        mapped = Status.denied if status == "negation" else Status(status)
        return mapped, found[status]
    return Status.asserted, []


def _governs(g: CompiledGrammar, folded: str, sentence: Sentence, action: Mention, cue: Mention,
             status: StatusName) -> bool:
    reach = g.status.reach.get(status)
    # a scoped cue governs only a transfer word after it, within its reach
    if reach is not None and (cue.end > action.start
                              or len(words(folded[cue.end:action.start])) > reach):
        return False
    if status == "legal_context":
        # "in violation of the resolutions banning...": the formula names a breach
        before = words(folded[max(sentence.start, cue.start - 40):cue.start])[-4:]
        return not any(w in g.violation_words for w in before)
    if status == "negation":
        # "not only ... but": negates nothing
        return not g.negation_exception_after.match(folded[cue.end:cue.end + 8])
    return True
