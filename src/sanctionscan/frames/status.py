"""The status of a frame: which status cues govern its transfer word, and what the sentence
as a whole says of it (a question, a condition).

A cue's reach is grammar data (`status.scopes`: how many words before the transfer word a
legal formula, a negation or a plan word reaches; such a cue never governs a word before it,
and the words of `status.scope_transparent` and other transfer words do not count: "agreed
not to load, transport or deliver"). Statuses without a scope reach over the whole sentence.
When several cues govern one word, the grammar's `status.precedence` decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from sanctionscan.extract import Mention
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.models import Status
from sanctionscan.schema import StatusName
from sanctionscan.text import Sentence, words


def frame_status(g: CompiledGrammar, lex: CompiledLexicon, folded: str, sentence: Sentence,
                 action: Mention, cues: list[Mention], goods: Sequence[Mention] = ()
                 ) -> tuple[Status, list[Mention]]:
    """The status of the frame on `action` (moving `goods`), and the cues that say so."""
    found: dict[StatusName, list[Mention]] = {}
    for cue in cues:
        status = lex.cue_status[cue.ref]
        if _governs(g, lex, folded, sentence, action, cue, status) or (
                status == "negation" and _negates_goods(g, folded, cue, goods)):
            found.setdefault(status, []).append(cue)
    if _hypothetical(g, folded, sentence, action):
        found.setdefault("hypothetical", [])
    for status in g.status.precedence:
        if status not in found:
            continue
        if status == "denied" and "alleged" in found:
            # "denied the allegations": a denial of an allegation leaves it alleged
            return Status.alleged, found["alleged"] + found["denied"]
        mapped = Status.denied if status == "negation" else Status(status)
        return mapped, found[status]
    return Status.asserted, []


def _counted(g: CompiledGrammar, lex: CompiledLexicon, stretch: str) -> int:
    """The words of `stretch` a scope counts."""
    skip = g.status.transparent
    return sum(1 for w in words(stretch) if w not in skip and w not in lex.transfer_words)


def _governs(g: CompiledGrammar, lex: CompiledLexicon, folded: str, sentence: Sentence,
             action: Mention, cue: Mention, status: StatusName) -> bool:
    st = g.status
    if status == "legal_context":
        return _states_the_law(g, lex, folded, sentence, action, cue)
    reach = st.reach.get(status)
    if reach is not None:
        # a scoped cue governs only a transfer word after it, within its reach
        if cue.end > action.start:
            return False
        opens = status == "negation" and _opens_sentence(folded, sentence, cue) \
            and folded[cue.start:cue.end] in st.sentence_negations
        if not opens and _counted(g, lex, folded[cue.end:action.start]) > reach:
            return False
    if status == "negation":
        # "not only ... but": negates nothing
        return not g.negation_exception_after.match(folded[cue.end:cue.end + 8])
    return True


def _negates_goods(g: CompiledGrammar, folded: str, cue: Mention, goods: Sequence[Mention]
                   ) -> bool:
    """ "no North Korean workers were found": a negating determiner of the goods negates the
    transfer, however far its verb."""
    st = g.status
    if folded[cue.start:cue.end] not in st.sentence_negations:
        return False
    for m in goods:
        if m.start < cue.end:
            continue
        between = words(folded[cue.end:m.start])
        # "no idea how those vehicles": the negation is another noun's
        if len(between) <= 3 and not any(w in st.noun_phrase_breakers or w in (",", ";", ":")
                                         for w in between):
            return True
    return False


def _opens_sentence(folded: str, sentence: Sentence, cue: Mention) -> bool:
    return not words(folded[sentence.start:cue.start].strip(" \"'“‘(-"))


def _states_the_law(g: CompiledGrammar, lex: CompiledLexicon, folded: str, sentence: Sentence,
                    action: Mention, cue: Mention) -> bool:
    """Whether a legal formula governs the transfer word: before it, within reach ("the
    resolutions prohibit supplying"), or after it through a copula ("Selling coal is
    banned"); never as an adjective of the goods ("UN-prohibited transfers") or after
    breach wording ("in violation of the ban on")."""
    st = g.status
    if cue.start > 0 and folded[cue.start - 1] == "-":
        return False  # "UN-prohibited", "sanctions-banned": it describes the transfer
    if cue.end <= action.start:
        if _inside_aside(g, folded, sentence, cue, action):
            return False  # "the ship, which is on the list of vessels banned from ..., docked"
        said = folded[cue.start:cue.end]
        if action.form == 1 and said.endswith(("ed", "en")) and not words(
                folded[cue.end:action.start]):
            return False  # "banned shipments of coal continued": the shipments happened
        reach = st.reach.get("legal_context")
        if reach is not None and _counted(g, lex, folded[cue.end:action.start]) > reach:
            return False
        before = words(folded[max(sentence.start, cue.start - 40):cue.start])[-4:]
        return not any(w in g.violation_words for w in before)
    if cue.start < action.end:
        return False
    between = words(folded[action.end:cue.start])
    return bool(between) and between[-1] in st.legal_after_links \
        and len(between) <= st.legal_after_reach and not any(
            w in (",", ";", ":") for w in between)


def _inside_aside(g: CompiledGrammar, folded: str, sentence: Sentence, cue: Mention,
                  action: Mention) -> bool:
    """Whether the cue stands in an aside closed before the transfer word: a relative clause
    or appositive between commas (", which is on the UN list of vessels banned from ports,")."""
    close = folded.find(",", cue.end, action.start)
    if close == -1:
        return False
    open_ = folded.rfind(",", sentence.start, cue.start)
    if open_ == -1:
        return False
    first = words(folded[open_ + 1:cue.start])[:1]
    return bool(first) and (first[0] in g.relative_pronouns or first[0] in g.articles)


def _hypothetical(g: CompiledGrammar, folded: str, sentence: Sentence, action: Mention) -> bool:
    """A question ("Did Russia deliver jets?") or a condition with a modal before the verb
    ("Iran could supply drones if talks succeed") tells no event."""
    st = g.status
    if folded[sentence.start:sentence.end].rstrip(" \"'”’)").endswith(st.question_marks):
        return True
    if not st.modals:
        return False
    before = words(folded[max(sentence.start, action.start - 40):action.start])
    if not any(w in st.modals for w in before[-st.modal_reach - 1:]):
        return False
    return bool(st.conditional.search(folded, sentence.start, sentence.end))
