"""Activities: what a listed party does that a measure forbids with no goods changing hands.

A listed person who travels abroad ("Ri Pyong Chol flew to Moscow"), a listed vessel that calls
at a port ("the Kum Un San 3 docked at Nakhodka") or meets another at sea for a ship-to-ship
transfer. An activity is its word (the lexicon's `activities`), the listed party that does it
(for travel, a listed individual before the word, in its clause), the place it goes to (for
travel, a state or capital after the word; required, so "visited a factory" is no travel
abroad), and the status and date of its sentence, read as a frame's are.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.dates import event_date
from sanctionscan.extract import Kind, Mention
from sanctionscan.frames.roles import is_bystander
from sanctionscan.frames.status import frame_status
from sanctionscan.models import Status
from sanctionscan.schema import ActivityKind
from sanctionscan.text import Sentence, words

_APPOSITIVE = re.compile(r",[^,;.]{1,120},")
# how far, in words, the traveller may stand before the travel word, and the place after it
_TRAVELLER_WORDS = 12
_PLACE_WORDS = 6
# how far from a port-call or ship-to-ship word its listed vessel may stand, in characters
_VESSEL_REACH = 160


@dataclass(frozen=True, slots=True)
class Activity:
    sentence: Sentence
    word: Mention  # the activity word (kind ACTIVITY, ref: the lexicon's activity entry)
    kind: ActivityKind
    party: Mention  # the listed party that does it (kind LISTED)
    place: Mention | None  # where to: the destination or the port's state
    status: Status
    cues: tuple[Mention, ...]
    when: date | None


def find_activities(doc: DocumentAnalysis) -> list[Activity]:
    """Every activity of a listed party in the sentences read, in text order."""
    if not doc.activities:
        return []
    mentions, lex, g = doc.mentions, doc.lexicon, doc.grammar
    starts = [s.start for s in doc.sentences]
    out: list[Activity] = []
    for hit in doc.activities:
        k = bisect_left(starts, hit[0] + 1) - 1
        if k < 0 or hit[0] >= doc.sentences[k].end:
            continue
        sentence = doc.sentences[k]
        word = Mention(Kind.ACTIVITY, hit[0], hit[1], hit[3])
        kind = lex.activities[hit[3]]
        parties = [p for p in mentions.in_span(mentions.parties, sentence.start, sentence.end)
                   if not is_bystander(g, doc.folded, p)]
        party, place = (_traveller(doc, parties, word) if kind == "travel"
                        else _vessel(doc, parties, word))
        if party is None:
            continue
        cues = mentions.in_span(mentions.cues, sentence.start, sentence.end)
        status, said = frame_status(g, lex, doc.folded, sentence, word, cues)
        when = event_date(doc.folded[sentence.start:sentence.end], doc.published, g.dating)
        out.append(Activity(sentence, word, kind, party, place, status, tuple(said), when))
    return out


def _listed_type(doc: DocumentAnalysis, m: Mention) -> str | None:
    return doc.mentions.listed[m.ref].type if m.kind is Kind.LISTED else None


def _traveller(doc: DocumentAnalysis, parties: list[Mention], word: Mention
               ) -> tuple[Mention | None, Mention | None]:
    """The listed individual who travels (the nearest before the word, in its clause) and the
    state or capital travelled to (the first party after the word)."""
    before = [p for p in parties if p.end <= word.start and _listed_type(doc, p) == "individual"]
    traveller = before[-1] if before else None
    if traveller is None:
        return None, None
    # "Ri Pyong Chol, a senior official in charge of munitions, arrived in": an appositive
    # between the name and its verb does not count
    gap = words(_APPOSITIVE.sub(" ", doc.folded[traveller.end:word.start]))
    if len(gap) > _TRAVELLER_WORDS or any(w in (";", ":", ".") for w in gap):
        return None, None
    place = next((p for p in parties if p.start >= word.end and p.kind is Kind.PARTY), None)
    if place is None or len(words(doc.folded[word.end:place.start])) > _PLACE_WORDS:
        return None, None
    return traveller, place


def _vessel(doc: DocumentAnalysis, parties: list[Mention], word: Mention
            ) -> tuple[Mention | None, Mention | None]:
    """The listed vessel nearest the port-call or ship-to-ship word, and the port's party."""
    vessels = [p for p in parties if _listed_type(doc, p) == "vessel"
               and abs((p.start + p.end) - (word.start + word.end)) // 2 <= _VESSEL_REACH]
    if not vessels:
        return None, None
    vessel = min(vessels, key=lambda p: abs(p.start - word.start))
    place = next((p for p in parties if p.start >= word.end and p.kind is Kind.PARTY), None)
    return vessel, place
