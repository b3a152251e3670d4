"""Mentions: goods, parties, transfer words, status cues and dates found in one document.

The compiled lexicon reports every raw match; this module decides which of them stand: the
longest of overlapping names wins, look-alikes keep their span but never count, short forms of a
name ("Kim") count only where the full name appears in the same article, and a word that is both
goods and a verb ("ships") is read from its neighbours.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import NamedTuple

from sanctionscan.lexicon import CompiledLexicon, Hit, Layer, PartyForm, fold
from sanctionscan.text import starting_in

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
        # Measured against a cache of each list's starts searched with plain bisects: this
        # is faster, most spans holding no item of the list at all.
        i = bisect_left(items, start, key=_start)  # no list of starts built per call
        out = []
        while i < len(items) and items[i].start < end:
            if items[i].end <= end:
                out.append(items[i])
            i += 1
        return out


_start = attrgetter("start")

_VERB_CONTEXT = re.compile(r"(?:\b(?:he|she|it|they|who|which|that|also|and|has|have|had)\s+)$")
# (`\b` before the year written as a look-behind after its first digit: the pattern then
# opens with a "1" or "2", which the regex engine skips to at C speed)
_YEAR = re.compile(r"(1(?<!\w1)9[5-9]\d|2(?<!\w2)0[0-4]\d)(s)?\b")


def find_mentions(text: str, lexicon: CompiledLexicon, listed: list[object] | None = None
                  ) -> Mentions:
    return find_mentions_folded(text, fold(text), lexicon, listed)


def find_mentions_folded(text: str, folded: str, lexicon: CompiledLexicon,
                         listed: list[object] | None = None,
                         hits: tuple[list[Hit], list[Hit], list[Hit]] | None = None,
                         within: list[tuple[int, int]] | None = None) -> Mentions:
    """`find_mentions` for a caller that already holds `fold(text)`, and perhaps the lexicon's
    hits. With `within` (sorted, disjoint stretches) only mentions that start there are made
    (frame assembly reads no others); `hits` then holds the goods, parties and the rest found
    there (`lexicon.scan_context`) and the transfer words of the whole text."""
    if hits is None:
        entities, actions, others = lexicon.scan_split(text, folded)
        if within is not None:
            entities, others = starting_in(entities, within), starting_in(others, within)
    else:
        entities, actions, others = hits
    if within is not None:
        actions = starting_in(actions, within)
    mentions = Mentions()
    cues, markers, modifiers = mentions.cues, mentions.markers, mentions.modifiers
    new = tuple.__new__  # Mention(...) without the named tuple's Python-level __new__
    for start, end, layer, ref, form in others:
        # the values Mention(kind, start, end, ref[, form]) gives, defaults spelt out
        if layer is Layer.CUE:
            cues.append(new(Mention, (Kind.CUE, start, end, ref, 0, -1)))
        elif layer is Layer.MARKER:
            markers.append(new(Mention, (Kind.MARKER, start, end, 0, form, -1)))
        elif layer is Layer.MODIFIER:
            modifiers.append(new(Mention, (Kind.MODIFIER, start, end, ref, 0, -1)))

    listed_hits: list[Hit] = []
    for i, match in enumerate(listed or []):
        mentions.listed.append(match)
        listed_hits.append(Hit(match.start, match.end, Layer.PARTY, i, -1))  # type: ignore[attr-defined]

    kept_entities = _longest(entities + listed_hits, _entity_rank)
    # readings of each action span, in scan order, for the verb-or-noun choice
    readings: dict[tuple[int, int], list[Hit]] = {}
    for h in actions:
        readings.setdefault((h.start, h.end), []).append(h)
    chosen = [_verb_or_noun(h, readings[(h.start, h.end)], folded)
              for h in _longest(actions, None)]
    # Other lemmas on a chosen span stay as alternative readings ("launched" a joint venture
    # or a drone); the frame builder keeps the first reading that makes a frame.
    chosen_keys = {(h.start, h.end, h.form) for h in chosen}
    kept_actions = sorted(
        chosen + [h for h in actions if (h.start, h.end, h.form) in chosen_keys
                  and h not in chosen],
        key=_hit_start)

    # A word that is both goods and an action ("ships", "supplies"): a verb after a subject-like
    # word, goods otherwise.
    action_spans = {(h.start, h.end) for h in kept_actions}
    final_entities = []
    entity_ends: set[int] | None = None
    for hit in kept_entities:
        if hit.layer is Layer.GOODS and (hit.start, hit.end) in action_spans:
            if entity_ends is None:
                entity_ends = {h.end for h in kept_entities if h.layer is Layer.PARTY}
            before = folded[max(0, hit.start - 12):hit.start]
            # a party ending right before the word, with nothing but spaces between: the
            # spaces run back from the word to `k`, so that party ends in k..start
            k = hit.start
            while k > 0 and folded[k - 1].isspace():
                k -= 1
            verb_like = bool(_VERB_CONTEXT.search(before)) or any(
                e in entity_ends for e in range(k, hit.start + 1))
            if verb_like:
                continue
            kept_actions = [a for a in kept_actions if (a.start, a.end) != (hit.start, hit.end)]
        final_entities.append(hit)

    # Both only matter for some documents (a short form, a listed name): built on first need.
    full_names: dict[int, set[str]] | None = None
    lexicon_parties: list[Hit] | None = None
    goods_table, parties_out, goods_out = lexicon.goods, mentions.parties, mentions.goods
    # A lexicon party that holds a listed name ("Houthi rebels" around "Houthi") is that one
    # listed party: it keeps the lexicon's span and party and carries the list reference.
    listed_inside: dict[tuple[int, int], int] = {}
    if listed_hits:
        kept_spans = {(h.start, h.end) for h in final_entities if h.form == -1}
        for h in listed_hits:
            if (h.start, h.end) not in kept_spans:
                for p in final_entities:
                    if (p.layer is Layer.PARTY and p.form != -1 and p.start <= h.start
                            and h.end <= p.end and lexicon.parties[p.ref].kind != "lookalike"):
                        listed_inside.setdefault((p.start, p.end), h.ref)
    for hit in final_entities:
        if listed_inside and hit.form != -1 and (hit.start, hit.end) in listed_inside:
            parties_out.append(Mention(Kind.LISTED, hit.start, hit.end,
                                       listed_inside[(hit.start, hit.end)], -1, hit.ref))
            continue
        if hit.form == -1:
            if lexicon_parties is None:
                lexicon_parties = [h for h in entities if h.layer is Layer.PARTY
                                   and lexicon.parties[h.ref].kind != "lookalike"]
            same = next((h.ref for h in lexicon_parties
                         if h.start < hit.end and hit.start < h.end), -1)
            parties_out.append(Mention(Kind.LISTED, hit.start, hit.end, hit.ref, -1, same))
        elif hit.layer is Layer.GOODS:
            if not goods_table[hit.ref].ignore:
                goods_out.append(new(Mention, (Kind.GOODS, hit.start, hit.end, hit.ref, 0, -1)))
        else:
            if hit.form == PartyForm.SHORT:
                if full_names is None:
                    # a full name anywhere in the article counts, in the stretches read or not
                    if within is None:
                        full_names = _full_name_words(final_entities, entities, folded)
                    else:
                        every = lexicon.scan_context(text, folded, [(0, len(folded))])[0]
                        full_names = _full_name_words(
                            _longest(every + listed_hits, _entity_rank), every, folded)
                if not _short_form_ok(folded[hit.start:hit.end], full_names.get(hit.ref)):
                    continue
            parties_out.append(
                new(Mention, (Kind.PARTY, hit.start, hit.end, hit.ref, hit.form, -1)))
    # a word inside a name is part of the name: "Korea Samma Shipping Co" ships nothing.
    # The parties come from one overlap resolution, so their (non-empty) spans are disjoint
    # and sorted: only the last one starting at or before a word can hold it.
    party_spans = [(p.start, p.end) for p in parties_out if p.start < p.end]
    party_starts = [s for s, _ in party_spans]
    actions_out = mentions.actions
    for hit in kept_actions:
        k = bisect_right(party_starts, hit.start) - 1
        if k >= 0 and hit.end <= party_spans[k][1]:
            continue
        actions_out.append(new(Mention, (Kind.ACTION, hit.start, hit.end, hit.ref, hit.form, -1)))
    for items in (cues, markers, modifiers):
        # sorted by (start, -end), stably: keys by comprehension, ordered by index
        keys = [(m[1], -m[2]) for m in items]
        items[:] = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
    mentions.cues = _drop_nested(cues)
    mentions.markers = _drop_nested(markers)
    return mentions


def _entity_rank(h: Hit) -> int:
    return 2 if h.form == -1 else (1 if h.layer is Layer.PARTY else 0)


_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|this|that|these|those|any|no|every|further|new|"
    r"illegal|illicit|alleged|suspected)|'s?)\s+$")


def _verb_or_noun(hit: Hit, readings: list[Hit], folded: str) -> Hit:
    """Pick the noun or verb reading of a word that has both ("supply", "export").
    `readings` are all action hits on the span of `hit`, in scan order."""
    if len(readings) < 2 or len({h.form for h in readings}) < 2:
        return hit
    noun = bool(_DETERMINER_BEFORE.search(folded[max(0, hit.start - 16):hit.start])) or bool(
        _OF_AFTER.match(folded[hit.end:hit.end + 4]))
    return next(h for h in readings if (h.form == 1) == noun)


_OF_AFTER = re.compile(r"\s+of\b")


def _longest(hits: list[Hit], rank: Callable[[Hit], int] | None) -> list[Hit]:
    """Resolve overlaps: longest span first, then the preferred kind (higher `rank`), then the
    earliest. Without `rank` all kinds rank alike."""
    by_start = sorted(hits, key=_hit_start)
    if any(h[0] >= h[1] for h in by_start):
        return _longest_greedy(hits, rank)  # empty spans overlap by other rules: no shortcut
    # Whether a hit is kept depends only on the hits it overlaps, so each group of hits
    # linked by overlaps (found in one sweep by start) is resolved on its own, and a hit that
    # overlaps nothing, as most do, is kept without sorting or marking.
    kept: list[Hit] = []
    group: list[Hit] = []
    group_end = -1
    for hit in by_start:
        if hit[0] >= group_end:  # starts after everything so far: a new group
            if len(group) == 1:
                kept.append(group[0])
            elif len(group) == 2:  # two that overlap: the preferred one, the first on a tie
                first, second = group
                kept.append(first if _preference(first, rank) <= _preference(second, rank)
                            else second)
            elif group:
                kept.extend(_longest_greedy(group, rank))
            group = [hit]
            group_end = hit[1]
        else:
            group.append(hit)
            if hit[1] > group_end:
                group_end = hit[1]
    if len(group) == 1:
        kept.append(group[0])
    elif group:
        kept.extend(_longest_greedy(group, rank))
    # kept spans are disjoint, so no two share a start and the groups come in start order:
    # `kept` is already what sorting by start would give
    return kept


def _preference(hit: Hit, rank: Callable[[Hit], int] | None) -> tuple[int, ...]:
    """The order `_longest_greedy` takes hits in: the longest, then the higher `rank`, then
    the earliest."""
    start, end = hit[0], hit[1]
    if rank is None:
        return (start - end, start)
    if rank is _entity_rank:
        return (start - end, -2 if hit[4] == -1 else (-1 if hit[2] is Layer.PARTY else 0), start)
    return (start - end, -rank(hit), start)


def _longest_greedy(hits: list[Hit], rank: Callable[[Hit], int] | None) -> list[Hit]:
    """`_longest` by its definition: every hit in preference order, kept unless it overlaps
    a hit kept before it; returned by start."""
    # The sort keys are built in one comprehension and the hits ordered by index through
    # keys.__getitem__: the same stable order as sorted(hits, key=...), without a Python call
    # per hit.
    keys: list[tuple[int, ...]]
    if rank is None:
        keys = [(h[0] - h[1], h[0]) for h in hits]
    elif rank is _entity_rank:
        party = Layer.PARTY
        keys = [(start - end, -2 if form == -1 else (-1 if layer is party else 0), start)
                for start, end, layer, _ref, form in hits]  # _entity_rank, inlined
    else:
        keys = [(h.start - h.end, -rank(h), h.start) for h in hits]
    taken: list[tuple[int, int]] = []
    kept: list[Hit] = []
    seen_spans: set[tuple[int, int]] = set()
    # characters already under a kept span: an overlap test per hit without a pass over `taken`
    base = min(map(_hit_start, hits), default=0)  # offsets into `covered` are from here
    covered = bytearray(max(map(_hit_end, hits), default=0) - base)
    for i in sorted(range(len(hits)), key=keys.__getitem__):
        hit = hits[i]
        start, end = hit[0], hit[1]
        span = (start, end)
        if span in seen_spans:
            continue  # one reading per span; the preferred kind came first
        if start < end:
            if covered.find(1, start - base, end - base) != -1:
                continue
        elif any(start < e and s < end for s, e in taken):
            continue
        taken.append(span)
        seen_spans.add(span)
        kept.append(hit)
        if start < end:
            covered[start - base:end - base] = b"\x01" * (end - start)
    kept.sort(key=_hit_start)
    return kept


_hit_start = itemgetter(0)  # Hit.start, in C
_hit_end = itemgetter(1)  # Hit.end


def _drop_nested(items: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in items:
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out


_NAME_WORD_BREAK = re.compile(r"[\s-]+")


def _full_name_words(kept: list[Hit], raw: list[Hit], folded: str) -> dict[int, set[str]]:
    """For each party, the words of its full names (metonyms, names) present in the text,
    also where a listed name ("KIM JONG UN" on a list) stands on the lexicon's name."""
    words: dict[int, set[str]] = {}
    full = (PartyForm.METONYM, PartyForm.NAME)
    for hit in kept:
        if hit.layer is Layer.PARTY and hit.form in full:
            names = [hit]
        elif hit.form == -1:
            names = [h for h in raw if h.layer is Layer.PARTY and h.form in full
                     and h.start < hit.end and hit.start < h.end]
        else:
            continue
        for name in names:
            words.setdefault(name.ref, set()).update(
                _NAME_WORD_BREAK.split(folded[name.start:name.end]))
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
