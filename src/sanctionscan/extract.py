"""Mentions: goods, parties, transfer words, status cues and dates found in one document.

The compiled lexicon reports every raw match; this module decides which of them stand: the
longest of overlapping names wins, look-alikes keep their span but never count, short forms of a
name ("Kim") count only where the full name appears in the same article, and a word that is both
goods and a verb ("ships") is read from its neighbours.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from sanctionscan.lexicon import CompiledLexicon, Hit, Layer, PartyForm, fold

# A mention's kind is the lexicon layer it came from, plus LISTED for sanctions-list names.
Kind = Layer


class Mention(NamedTuple):
    # Internal per-document values: named tuples, since a document yields hundreds of them
    # and they never leave the engine (findings are the pydantic results). A tuple is built
    # several times faster than a frozen dataclass; equality and hashing are the same.
    kind: Kind
    start: int
    end: int
    ref: int  # index into the lexicon table of its kind (or into Mentions.listed)
    form: int = 0
    # for a listed party that is also a lexicon party ("the Houthis"): that party's index, so
    # goods rules aimed at the group and list rules aimed at the entry both see it
    party: int = -1


@dataclass(slots=True)
class Mentions:
    """All mentions of a document, sorted by start offset, one list per kind."""

    goods: list[Mention] = field(default_factory=list)
    parties: list[Mention] = field(default_factory=list)
    actions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    markers: list[Mention] = field(default_factory=list)
    modifiers: list[Mention] = field(default_factory=list)
    listed: list[object] = field(default_factory=list)  # ListedMatch values, by Mention.ref

    def in_span(self, items: list[Mention], start: int, end: int) -> list[Mention]:
        i = bisect_left(items, start, key=_start)  # no list of starts built per call
        out = []
        while i < len(items) and items[i].start < end:
            if items[i].end <= end:
                out.append(items[i])
            i += 1
        return out


_start = attrgetter("start")

_VERB_CONTEXT = re.compile(r"(?:\b(?:he|she|it|they|who|which|that|also|and|has|have|had)\s+)$")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)(s)?\b")


def find_mentions(text: str, lexicon: CompiledLexicon, listed: list[object] | None = None
                  ) -> Mentions:
    folded = fold(text)
    entities: list[Hit] = []
    actions: list[Hit] = []
    mentions = Mentions()
    for hit in lexicon.scan(text, folded):
        if hit.layer in (Layer.GOODS, Layer.PARTY):
            entities.append(hit)
        elif hit.layer is Layer.ACTION:
            actions.append(hit)
        elif hit.layer is Layer.CUE:
            mentions.cues.append(Mention(Kind.CUE, hit.start, hit.end, hit.ref))
        elif hit.layer is Layer.MARKER:
            mentions.markers.append(Mention(Kind.MARKER, hit.start, hit.end, 0, hit.form))
        elif hit.layer is Layer.MODIFIER:
            mentions.modifiers.append(Mention(Kind.MODIFIER, hit.start, hit.end, hit.ref))

    listed_hits: list[Hit] = []
    for i, match in enumerate(listed or []):
        mentions.listed.append(match)
        listed_hits.append(Hit(match.start, match.end, Layer.PARTY, i, -1))  # type: ignore[attr-defined]

    kept_entities = _longest(entities + listed_hits, prefer=lambda h: 2 if h.form == -1 else
                             (1 if h.layer is Layer.PARTY else 0))
    chosen = [_verb_or_noun(h, actions, folded) for h in _longest(actions, lambda h: 0)]
    # Other lemmas on a chosen span stay as alternative readings ("launched" a joint venture
    # or a drone); the frame builder keeps the first reading that makes a frame.
    chosen_keys = {(h.start, h.end, h.form) for h in chosen}
    kept_actions = sorted(
        chosen + [h for h in actions if (h.start, h.end, h.form) in chosen_keys
                  and h not in chosen],
        key=lambda h: h.start)

    # A word that is both goods and an action ("ships", "supplies"): a verb after a subject-like
    # word, goods otherwise.
    action_spans = {(h.start, h.end) for h in kept_actions}
    entity_ends = {h.end for h in kept_entities if h.layer is Layer.PARTY}
    final_entities = []
    for hit in kept_entities:
        if hit.layer is Layer.GOODS and (hit.start, hit.end) in action_spans:
            before = folded[max(0, hit.start - 12):hit.start]
            verb_like = bool(_VERB_CONTEXT.search(before)) or any(
                e <= hit.start and not folded[e:hit.start].strip() for e in entity_ends)
            if verb_like:
                continue
            kept_actions = [a for a in kept_actions if (a.start, a.end) != (hit.start, hit.end)]
        final_entities.append(hit)

    full_names = _full_name_words(final_entities, folded, lexicon)
    lexicon_parties = [h for h in entities if h.layer is Layer.PARTY
                       and lexicon.parties[h.ref].kind != "lookalike"]
    for hit in final_entities:
        if hit.form == -1:
            same = next((h.ref for h in lexicon_parties
                         if h.start < hit.end and hit.start < h.end), -1)
            mentions.parties.append(Mention(Kind.LISTED, hit.start, hit.end, hit.ref, -1, same))
        elif hit.layer is Layer.GOODS:
            if not lexicon.goods[hit.ref].ignore:
                mentions.goods.append(Mention(Kind.GOODS, hit.start, hit.end, hit.ref))
        else:
            if hit.form == PartyForm.SHORT and not _short_form_ok(
                    folded[hit.start:hit.end], full_names.get(hit.ref)):
                continue
            mentions.parties.append(Mention(Kind.PARTY, hit.start, hit.end, hit.ref, hit.form))
    # a word inside a name is part of the name: "Korea Samma Shipping Co" ships nothing
    party_spans = [(p.start, p.end) for p in mentions.parties]
    for hit in kept_actions:
        if any(s <= hit.start and hit.end <= e for s, e in party_spans):
            continue
        mentions.actions.append(Mention(Kind.ACTION, hit.start, hit.end, hit.ref, hit.form))
    for items in (mentions.cues, mentions.markers, mentions.modifiers):
        items.sort(key=lambda m: (m.start, -m.end))
    mentions.cues = _drop_nested(mentions.cues)
    mentions.markers = _drop_nested(mentions.markers)
    return mentions


_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|this|that|these|those|any|no|every|further|new|"
    r"illegal|illicit|alleged|suspected)|'s?)\s+$")


def _verb_or_noun(hit: Hit, actions: list[Hit], folded: str) -> Hit:
    """Pick the noun or verb reading of a word that has both ("supply", "export")."""
    readings = [h for h in actions if h.start == hit.start and h.end == hit.end]
    if len({h.form for h in readings}) < 2:
        return hit
    noun = bool(_DETERMINER_BEFORE.search(folded[max(0, hit.start - 16):hit.start])) or bool(
        re.match(r"\s+of\b", folded[hit.end:hit.end + 4]))
    return next(h for h in readings if (h.form == 1) == noun)


def _longest(hits: list[Hit], prefer: object) -> list[Hit]:
    """Resolve overlaps: longest span first, then the preferred kind, then the earliest."""
    rank = prefer  # callable
    ordered = sorted(hits, key=lambda h: (-(h.end - h.start), -rank(h), h.start))  # type: ignore[operator]
    taken: list[tuple[int, int]] = []
    kept: list[Hit] = []
    seen_spans: set[tuple[int, int]] = set()
    # characters already under a kept span: an overlap test per hit without a pass over `taken`
    covered = bytearray(max((h.end for h in hits), default=0))
    for hit in ordered:
        span = (hit.start, hit.end)
        if span in seen_spans:
            continue  # one reading per span; the preferred kind came first
        if hit.start < hit.end:
            if covered.find(1, hit.start, hit.end) != -1:
                continue
        elif any(hit.start < e and s < hit.end for s, e in taken):
            continue
        taken.append(span)
        seen_spans.add(span)
        kept.append(hit)
        if hit.start < hit.end:
            covered[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
    kept.sort(key=lambda h: h.start)
    return kept


def _drop_nested(items: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in items:
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out


def _full_name_words(hits: list[Hit], folded: str, lexicon: CompiledLexicon
                     ) -> dict[int, set[str]]:
    """For each party, the words of its full names (metonyms, names) present in the text."""
    words: dict[int, set[str]] = {}
    for hit in hits:
        if hit.layer is Layer.PARTY and hit.form in (PartyForm.METONYM, PartyForm.NAME):
            words.setdefault(hit.ref, set()).update(
                re.split(r"[\s-]+", folded[hit.start:hit.end]))
    return words


def _short_form_ok(short: str, full_words: set[str] | None) -> bool:
    # "Kim" stands for Kim Jong Un only where his full name is in the article; a phrase such
    # as "the North" needs some full name of the same party in the article.
    if not full_words:
        return False
    return " " in short or short in full_words


def years_in(text: str) -> list[int]:
    """Years a sentence names; a decade ("the 1990s") counts as its middle year."""
    return [int(m.group(1)) + (5 if m.group(2) else 0) for m in _YEAR.finditer(text)]
