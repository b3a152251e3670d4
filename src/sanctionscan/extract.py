"""Mentions: goods, parties, transfer words, status cues and dates found in one document.

The compiled lexicon reports every raw match; this module decides which of them stand: the
longest of overlapping names wins, look-alikes keep their span but never count, short forms of a
name ("Kim") count only where the full name appears in the same article, and a word that is both
goods and a verb ("ships") is read from its neighbours.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from typing import NamedTuple, Protocol

from sanctionscan.grammar import CompiledGrammar
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


class ListedName(Protocol):
    """What the stages read of a listed name found in a text (sanctionscan.names.ListedMatch,
    which lives above this layer)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def primary_name(self) -> str: ...
    @property
    def regime(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def alias(self) -> str: ...
    @property
    def alias_quality(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def threshold(self) -> float: ...
    @property
    def steps(self) -> Sequence[str]: ...
    @property
    def listed_on(self) -> date | None: ...
    @property
    def details(self) -> Sequence[str]: ...


@dataclass(slots=True)
class Mentions:
    """All mentions of a document, sorted by start offset, one list per kind."""

    goods: list[Mention] = field(default_factory=list)
    parties: list[Mention] = field(default_factory=list)
    actions: list[Mention] = field(default_factory=list)
    cues: list[Mention] = field(default_factory=list)
    markers: list[Mention] = field(default_factory=list)
    modifiers: list[Mention] = field(default_factory=list)
    listed: list[ListedName] = field(default_factory=list)  # by Mention.ref

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



def find_mentions(text: str, lexicon: CompiledLexicon, listed: Sequence[ListedName] | None = None
                  ) -> Mentions:
    return find_mentions_folded(text, fold(text), lexicon, listed)


def find_mentions_folded(text: str, folded: str, lexicon: CompiledLexicon,
                         listed: Sequence[ListedName] | None = None,
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
    _add_cue_words(mentions, others)
    listed_hits: list[Hit] = []
    for i, match in enumerate(listed or []):
        mentions.listed.append(match)
        listed_hits.append(Hit(match.start, match.end, Layer.PARTY, i, -1))
    defined = _defined_abbreviations(entities + listed_hits, text, within)
    groups = _home_groups(entities, text, folded, lexicon, within)
    kept_entities = _longest(entities + listed_hits + defined + groups, _entity_rank)
    goods_ends = {h.end for h in kept_entities if h.layer is Layer.GOODS}
    kept_actions = _transfer_words(actions, folded, lexicon, goods_ends)
    final_entities, kept_actions = _goods_or_verbs(kept_entities, kept_actions, folded, lexicon)
    _add_entities(mentions, final_entities, entities, listed_hits, text, folded, lexicon, within)
    _add_transfer_words(mentions, kept_actions)
    return mentions


_new = tuple.__new__  # Mention(...) without the named tuple's Python-level __new__

# "BANGUI —", "PORT-AU-PRINCE, Haiti (Reuters) -": a place opening a line as a dateline
_DATELINE_TAIL = re.compile(r"(?:,[ \t]*[\w .'-]{2,30}?)?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?"
                            r"(?:—|–|--?|:)[ \t]")


def _home_groups(entities: list[Hit], text: str, folded: str, lexicon: CompiledLexicon,
                 within: list[tuple[int, int]] | None) -> list[Hit]:
    """In an article filed from a state whose entry gives its armed groups (a dateline
    "PORT-AU-PRINCE —"), "a gang", "armed groups" and the like name those groups."""
    home = _dateline_state(entities, text, lexicon)
    if home is None:
        return []
    group = lexicon.party_index.get(lexicon.parties[home].armed_groups or "")
    if group is None:
        return []
    pattern = lexicon.grammar.unnamed_group
    spans = within if within is not None else [(0, len(folded))]
    return [Hit(m.start(), m.end(), Layer.PARTY, group, PartyForm.NAME)
            for lo, hi in spans for m in pattern.finditer(folded, lo, hi)]


def _dateline_state(entities: list[Hit], text: str, lexicon: CompiledLexicon) -> int | None:
    """The state (party index) whose place opens a line of the article as its dateline."""
    firsts = sorted(h for h in entities if h.layer is Layer.PARTY)
    for hit in firsts:
        line_start = text.rfind("\n", 0, hit.start) + 1
        if text[line_start:hit.start].strip() or not text[hit.start:hit.end].isupper():
            continue
        if _DATELINE_TAIL.match(text, hit.end) and lexicon.parties[hit.ref].kind == "state":
            return hit.ref
    return None


# "al-Nusrah Front (ANF)": an upper-case abbreviation in brackets right after a name
_DEFINITION = re.compile(r"\s*\(([A-Z][A-Z0-9]{1,7})\)")
# an upper-case word of the shape of such an abbreviation, standing alone
_ABBREVIATION = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]{1,7}(?![\w-])")


def _defined_abbreviations(entities: list[Hit], text: str,
                           within: list[tuple[int, int]] | None) -> list[Hit]:
    """A party's abbreviation the article defines ("the Coalition for the North-East (CNE)")
    stands for the party wherever it is used after the definition (where mentions are read).
    One pass over the text's upper-case words, whatever the number of definitions."""
    definitions: dict[str, tuple[int, Hit]] = {}  # abbreviation -> (where defined, party)
    # (in the order given: the lexicon's party before a listed name on the same words)
    for hit in entities:
        if hit.layer is not Layer.PARTY:
            continue
        found = _DEFINITION.match(text, hit.end, hit.end + 12)
        if found is not None:
            definitions.setdefault(found.group(1), (found.end(), hit))
    if not definitions:
        return []
    uses = []
    for m in _ABBREVIATION.finditer(text, min(end for end, _ in definitions.values())):
        defined = definitions.get(m.group())
        if defined is not None and m.start() >= defined[0]:
            party = defined[1]
            uses.append(Hit(m.start(), m.end(), Layer.PARTY, party.ref, party.form))
    return uses if within is None else starting_in(uses, within)


def _add_cue_words(mentions: Mentions, others: list[Hit]) -> None:
    """Status cues, role markers and goods modifiers, sorted, nested ones dropped."""
    cues, markers, modifiers = mentions.cues, mentions.markers, mentions.modifiers
    for start, end, layer, ref, form in others:
        # the values Mention(kind, start, end, ref[, form]) gives, defaults spelt out
        if layer is Layer.CUE:
            cues.append(_new(Mention, (Kind.CUE, start, end, ref, 0, -1)))
        elif layer is Layer.MARKER:
            markers.append(_new(Mention, (Kind.MARKER, start, end, 0, form, -1)))
        elif layer is Layer.MODIFIER:
            modifiers.append(_new(Mention, (Kind.MODIFIER, start, end, ref, 0, -1)))
    for items in (cues, markers, modifiers):
        # sorted by (start, -end), stably: keys by comprehension, ordered by index
        keys = [(m[1], -m[2]) for m in items]
        items[:] = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
    mentions.cues = _drop_nested(cues)
    mentions.markers = _drop_nested(markers)


def _transfer_words(actions: list[Hit], folded: str, lexicon: CompiledLexicon,
                    goods_ends: set[int]) -> list[Hit]:
    """The transfer words that stand, each with its verb or noun reading chosen first."""
    # readings of each action span, in scan order, for the verb-or-noun choice
    readings: dict[tuple[int, int], list[Hit]] = {}
    for h in actions:
        readings.setdefault((h.start, h.end), []).append(h)
    chosen = [_verb_or_noun(h, readings[(h.start, h.end)], folded, lexicon.grammar, goods_ends)
              for h in _longest(actions, None)]
    # Other lemmas on a chosen span stay as alternative readings ("launched" a joint venture
    # or a drone); the frame builder keeps the first reading that makes a frame.
    chosen_keys = {(h.start, h.end, h.form) for h in chosen}
    chosen_set = set(chosen)
    return sorted(
        chosen + [h for h in actions if (h.start, h.end, h.form) in chosen_keys
                  and h not in chosen_set],
        key=_hit_start)


def _goods_or_verbs(kept_entities: list[Hit], kept_actions: list[Hit], folded: str,
                    lexicon: CompiledLexicon) -> tuple[list[Hit], list[Hit]]:
    """A word that is both goods and an action ("ships", "supplies"): a verb after a
    subject-like word, goods otherwise. The entities and transfer words that remain."""
    action_spans = {(h.start, h.end) for h in kept_actions}
    final_entities = []
    as_goods: set[tuple[int, int]] = set()
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
            verb_like = bool(lexicon.grammar.verb_context_before.search(before)) or any(
                e in entity_ends for e in range(k, hit.start + 1))
            if verb_like:
                continue
            as_goods.add((hit.start, hit.end))
        final_entities.append(hit)
    if as_goods:
        kept_actions = [a for a in kept_actions if (a.start, a.end) not in as_goods]
    return final_entities, kept_actions


def _add_entities(mentions: Mentions, final_entities: list[Hit], entities: list[Hit],
                  listed_hits: list[Hit], text: str, folded: str, lexicon: CompiledLexicon,
                  within: list[tuple[int, int]] | None) -> None:
    """Goods and parties (lexicon and listed) that stand; short forms only after a full name."""
    # Both only matter for some documents (a short form, a listed name): built on first need.
    full_names: dict[int, set[str]] | None = None
    lexicon_parties: _PartyIndex | None = None
    goods_table, parties_out, goods_out = lexicon.goods, mentions.parties, mentions.goods
    # A lexicon party that holds a listed name ("Houthi rebels" around "Houthi") is that one
    # listed party: it keeps the lexicon's span and party and carries the list reference.
    listed_inside: dict[tuple[int, int], int] = {}
    if listed_hits:
        kept_spans = {(h.start, h.end) for h in final_entities if h.form == -1}
        # the kept entities are disjoint and sorted: only the last one starting at or before
        # a listed name can hold it
        starts = [h.start for h in final_entities]
        for h in listed_hits:
            if (h.start, h.end) in kept_spans:
                continue
            k = bisect_right(starts, h.start) - 1
            p = final_entities[k] if k >= 0 else None
            if p is not None and p.layer is Layer.PARTY and p.form != -1 \
                    and h.end <= p.end and lexicon.parties[p.ref].kind != "lookalike":
                listed_inside.setdefault((p.start, p.end), h.ref)
    for hit in final_entities:
        if listed_inside and hit.form != -1 and (hit.start, hit.end) in listed_inside:
            parties_out.append(Mention(Kind.LISTED, hit.start, hit.end,
                                       listed_inside[(hit.start, hit.end)], -1, hit.ref))
            continue
        if hit.form == -1:
            if lexicon_parties is None:
                lexicon_parties = _PartyIndex([h for h in entities if h.layer is Layer.PARTY
                                               and lexicon.parties[h.ref].kind != "lookalike"])
            same = lexicon_parties.first_overlapping(hit.start, hit.end)
            parties_out.append(Mention(Kind.LISTED, hit.start, hit.end, hit.ref, -1, same))
        elif hit.layer is Layer.GOODS:
            if not goods_table[hit.ref].ignore and not _not_goods(hit, text, folded,
                                                                   lexicon.grammar):
                goods_out.append(_new(Mention, (Kind.GOODS, hit.start, hit.end, hit.ref, 0, -1)))
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
                _new(Mention, (Kind.PARTY, hit.start, hit.end, hit.ref, hit.form, -1)))


def _not_goods(hit: Hit, text: str, folded: str, grammar: CompiledGrammar) -> bool:
    """A goods word that names no goods here: after a negating prefix ("anti-aircraft"), for
    the source of the story ("according to three workers"), qualifying another noun ("ship
    tracking", "car dealers"), or capitalised inside an organisation's name ("Hyundai Motor
    Company")."""
    start = hit.start
    if start > 1 and folded[start - 1] == "-" and grammar.negating_prefix_before.search(
            folded, max(0, start - 12), start):
        return True
    if grammar.source_before.search(folded, max(0, start - 40), start):
        return True
    if grammar.qualified_head_after.match(folded, hit.end, hit.end + 16):
        return True
    if (grammar.money_value_before.search(folded, max(0, start - 30), start)
            or grammar.money_value_after.match(folded, hit.end)) \
            and grammar.money.match(folded, start):
        return True  # "worth at least $14 million", "$800,000 worth of": a value, not money
    if not text[start:start + 1].isupper():
        return False
    name_tail = grammar.organisation_after.match(folded, hit.end, hit.end + 40)
    # every word of the tail capitalised ("Motor Company"), as in a name
    return name_tail is not None and all(
        w[:1].isupper() or not w[:1].isalpha() for w in text[hit.end:name_tail.end()].split())


class _PartyIndex:
    """Lexicon party hits by start, to find the one a listed name overlaps."""

    # a party name is far shorter than this: hits starting further back cannot overlap
    _LONGEST = 200

    def __init__(self, hits: list[Hit]) -> None:
        order = sorted(range(len(hits)), key=lambda i: hits[i].start)
        self._hits = [hits[i] for i in order]
        self._rank = order  # each hit's place in scan order: the first found wins
        self._starts = [h.start for h in self._hits]

    def _overlapping(self, start: int, end: int) -> list[int]:
        lo = bisect_left(self._starts, start - self._LONGEST)
        hi = bisect_left(self._starts, end)
        return [k for k in range(lo, hi) if self._hits[k].end > start]

    def overlapping(self, start: int, end: int) -> list[Hit]:
        """The hits overlapping [start, end), in scan order."""
        found = sorted(self._overlapping(start, end), key=self._rank.__getitem__)
        return [self._hits[k] for k in found]

    def first_overlapping(self, start: int, end: int) -> int:
        """The lexicon index of the first party (in scan order) overlapping [start, end)."""
        found = self._overlapping(start, end)
        if not found:
            return -1
        return self._hits[min(found, key=self._rank.__getitem__)].ref


def _add_transfer_words(mentions: Mentions, kept_actions: list[Hit]) -> None:
    """The transfer words that are not inside a name: "Korea Samma Shipping Co" ships nothing."""
    # The parties come from one overlap resolution, so their (non-empty) spans are disjoint
    # and sorted: only the last one starting at or before a word can hold it.
    party_spans = [(p.start, p.end) for p in mentions.parties if p.start < p.end]
    party_starts = [s for s, _ in party_spans]
    actions_out = mentions.actions
    for hit in kept_actions:
        k = bisect_right(party_starts, hit.start) - 1
        if k >= 0 and hit.end <= party_spans[k][1]:
            continue
        actions_out.append(_new(Mention, (Kind.ACTION, hit.start, hit.end, hit.ref, hit.form,
                                          -1)))


def _entity_rank(h: Hit) -> int:
    return 2 if h.form == -1 else (1 if h.layer is Layer.PARTY else 0)


def _verb_or_noun(hit: Hit, readings: list[Hit], folded: str, grammar: CompiledGrammar,
                  goods_ends: set[int]) -> Hit:
    """Pick the noun or verb reading of a word that has both ("supply", "export"): a noun
    after a determiner ("the supply"), before "of" ("exports of coal") or right after a goods
    word ("coal exports"). `readings` are all action hits on the span of `hit`, in scan
    order."""
    if len(readings) < 2 or len({h.form for h in readings}) < 2:
        return hit
    noun = bool(grammar.noun_determiner_before.search(folded[max(0, hit.start - 16):hit.start])) \
        or bool(grammar.of_after.match(folded[hit.end:hit.end + 4])) \
        or (hit.start - 1 in goods_ends and folded[hit.start - 1:hit.start] == " ")
    return next(h for h in readings if (h.form == 1) == noun)


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
    full_raw: _PartyIndex | None = None
    for hit in kept:
        if hit.layer is Layer.PARTY and hit.form in full:
            names = [hit]
        elif hit.form == -1:
            if full_raw is None:
                full_raw = _PartyIndex([h for h in raw
                                        if h.layer is Layer.PARTY and h.form in full])
            names = full_raw.overlapping(hit.start, hit.end)
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
