"""Compiled gazetteers: every lexicon term in Aho-Corasick automata, built once per rule set.

A document is scanned once for its transfer words and goods words, whatever the number of
terms, and once more, only in the sentences a frame could be made of, for everything else.
Terms are matched on a lower-cased copy of the text that has exactly the same length as the
original (characters whose lower case would change the length are left as they are), so match
offsets are offsets into the article.
"""

from __future__ import annotations

import codecs
import re
from enum import IntEnum
from operator import attrgetter
from typing import NamedTuple

import ahocorasick

from sanctionscan.grammar import CompiledGrammar, compile_grammar
from sanctionscan.schema import (
    ActionEntry,
    ActionsLexicon,
    ActivityKind,
    CueStatus,
    GoodsEntry,
    GoodsLexicon,
    Grammar,
    PartiesLexicon,
    PartyEntry,
)
from sanctionscan.text import CREDIT_WORDS, starting_in


class Layer(IntEnum):
    GOODS = 1
    PARTY = 2
    ACTION = 3
    CUE = 4
    MARKER = 5
    MODIFIER = 6
    LISTED = 7  # names from imported sanctions lists; matched by sanctionscan.names
    CREDIT = 8  # words of a photo credit ("Getty Images"), for segmentation
    ACTIVITY = 9  # what a listed party does without goods: "travelled to", "docked at"


class PartyForm(IntEnum):
    NAME = 1
    DEMONYM = 2
    METONYM = 3
    SHORT = 4


class Hit(NamedTuple):
    """One raw automaton match, before overlaps are resolved."""

    # A named tuple, not a frozen dataclass: a document yields hundreds of hits and a tuple is
    # built several times faster.

    start: int
    end: int
    layer: Layer
    ref: int  # index into the layer's table
    form: int = 0  # PartyForm for parties, 1 for nominal actions, marker kind for markers


# Characters folded before matching; each maps one character to one character.
_FOLD = str.maketrans({
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "\u00a0": " ",
})


_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())


def fold(text: str) -> str:
    """Lower-case and fold punctuation without changing the length of the text."""
    # The same as text.translate(_FOLD), 10x faster: str.translate looks every character up
    # in a dict, while `in` and `replace` of the few characters present run at memchr speed.
    folded = text
    for char, replacement in _FOLD_PAIRS:
        if char in folded:
            folded = folded.replace(char, replacement)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


_SPACE = re.compile(r"\s+")


def _variants(term: str, plural: bool) -> set[str]:
    base = _SPACE.sub(" ", fold(term).strip())
    forms = {base}
    if "-" in base:
        forms.add(base.replace("-", " "))
        forms.add(base.replace("-", ""))
    elif " " in base and len(base.split()) == 2:
        forms.add(base.replace(" ", "-"))
    if plural:
        forms |= {_pluralise(f) for f in list(forms)}
    return {f for f in forms if f}


def _pluralise(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    if not last or not last[-1].isalpha():
        return phrase
    if last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith("fe"):
        plural = last[:-2] + "ves"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


class Marker(IntEnum):
    """What the words before a party say of its role (a marker hit's `form`)."""

    NONE = 0  # nothing: the party may be the subject
    RECIPIENT = 1  # "to", "into", "bound for"
    SUPPLIER = 2  # "from", "out of"
    AGENT = 3  # "by", after a passive or a noun
    OTHER = 4  # another preposition, a source ("a report by"): not a subject, no role


class CompiledLexicon:
    """All lexicon terms of a rule set in one automaton, plus the tables the hits point into."""

    def __init__(self, goods: GoodsLexicon, parties: PartiesLexicon,
                 actions: ActionsLexicon, grammar: Grammar) -> None:
        # how the language arranges these words: role markers, fillers, cue scopes
        self.grammar: CompiledGrammar = compile_grammar(grammar)
        self.goods: list[GoodsEntry] = list(goods.goods)
        self.parties: list[PartyEntry] = list(parties.parties)
        self.actions: list[ActionEntry] = list(actions.actions)
        # transfer words that stand for their goods ("armed by Iran"): frames without goods words
        self.implies_goods = frozenset(i for i, a in enumerate(self.actions) if a.implied_goods)
        self.cue_status: list[CueStatus] = [c.status for c in actions.cues]
        # every one-word form of a transfer word, for status scopes that skip over them
        self.transfer_words = frozenset(fold(f) for a in self.actions
                                        for f in (*a.forms, *a.nouns) if " " not in f)
        # single words that hedge a claim ("allegedly", "suspected"), to tell an event's
        # sentences apart without a scan
        self.hedge_words = frozenset(fold(t) for c in actions.cues if c.status == "alleged"
                                     for t in c.terms if " " not in t)
        # what says a court or an inspection cleared it ("allowed to continue its voyage"),
        # to find it in the later sentences of an event
        cleared = sorted({fold(t) for c in actions.cues if c.status == "cleared"
                          for t in c.terms}, key=len, reverse=True)
        self.cleared_words = re.compile(
            r"\b(?:" + "|".join(re.escape(t) for t in cleared) + r")\b" if cleared else "(?!)")
        self.modifier_tags: list[str] = list(goods.modifiers)
        # tag -> the tags of goods that take it when moved with goods that have it
        self.company_tags: dict[str, frozenset[str]] = {
            tag: frozenset(takers) for tag, takers in goods.company_tags.items()}
        self.company_tags_generic = frozenset(goods.company_tags_generic)
        self.party_index = {p.id: i for i, p in enumerate(self.parties)}
        self.goods_terms: list[str] = [e.terms[0] for e in self.goods]
        # term text -> goods entry index, for rule selectors that name terms
        self.goods_by_term: dict[str, list[int]] = {}
        table: dict[str, list[_Entry]] = {}

        def add(term: str, layer: Layer, ref: int, form: int = 0, plural: bool = False,
                exact: bool = False) -> None:
            for key in _variants(term, plural):
                table.setdefault(key, []).append((layer, ref, form, term if exact else None))

        for i, entry in enumerate(self.goods):
            for term in entry.terms:
                add(term, Layer.GOODS, i, plural=True, exact=entry.case_sensitive)
                self.goods_by_term.setdefault(fold(term), []).append(i)
        # sums of money ("$10 million") are goods of the grammar's money term
        money_term = self.grammar.money_term
        refs = self.goods_by_term.get(fold(money_term)) if money_term else None
        self._money_ref: int | None = refs[0] if refs else None
        money = grammar.goods.money
        self._money_signs = tuple(fold(s) for s in money.currency_signs) if money else ()
        for i, party in enumerate(self.parties):
            exact = set(party.case_sensitive)
            for names, form, plural in (
                (party.names + party.case_sensitive, PartyForm.NAME, False),
                (party.demonyms, PartyForm.DEMONYM, True),
                (party.metonyms, PartyForm.METONYM, False),
                (party.short_forms, PartyForm.SHORT, False),
            ):
                for term in dict.fromkeys(names):
                    add(term, Layer.PARTY, i, form, plural, exact=term in exact)
        for i, action in enumerate(self.actions):
            for term in action.forms:
                add(term, Layer.ACTION, i, 0)
            for term in action.nouns:
                add(term, Layer.ACTION, i, 1, plural=True)
        self.activities: list[ActivityKind] = [a.kind for a in actions.activities]
        for i, activity in enumerate(actions.activities):
            for term in activity.terms:
                add(term, Layer.ACTIVITY, i)
        for i, cue in enumerate(actions.cues):
            for term in cue.terms:
                add(term, Layer.CUE, i)
        for term in actions.recipient_markers:
            add(term, Layer.MARKER, 0, Marker.RECIPIENT)
        for term in actions.supplier_markers:
            add(term, Layer.MARKER, 0, Marker.SUPPLIER)
        for i, (_tag, words) in enumerate(goods.modifiers.items()):
            for term in words:
                add(term, Layer.MODIFIER, i)
        # Transfer words that make a frame only with goods of some tags ("opened" a joint
        # venture, "remained" as workers), and the tags goods words and modifiers give them
        # ("military" equipment is arms).
        self._restricted = {i: frozenset(a.only_with) for i, a in enumerate(self.actions)
                            if a.only_with and not a.implied_goods}
        wanted = frozenset().union(*self._restricted.values())
        self._goods_tags = [wanted.intersection(e.tags) for e in self.goods]
        self._modifier_tags = [frozenset([t]) & wanted for t in self.modifier_tags]
        # Two automata over the same keys. The first, over the whole text, finds what decides
        # which sentences are read at all: transfer words, goods words (no frame without
        # goods), and the modifiers that give a tag some transfer word needs. The second
        # finds parties and the rest, only in the sentences that are read.
        # Photo-credit words ride along, so that segmentation need not look for them line
        # by line where there are none.
        first = {Layer.ACTION: 0, Layer.GOODS: 1, Layer.MODIFIER: 2, Layer.CREDIT: 3,
                 Layer.ACTIVITY: 4}
        for word in CREDIT_WORDS:
            table.setdefault(word.rstrip("/"), []).append((Layer.CREDIT, 0, 0, None))
        self._transfers = _Automata({k: [(first[p[0]], *p) for p in ps if p[0] in first and (
            p[0] is not Layer.MODIFIER or self._modifier_tags[p[1]])] for k, ps in table.items()},
            groups=5)
        self._context = _Automata({k: [(0 if p[0] is Layer.PARTY else 1, *p) for p in ps
                                       if p[0] in _SECOND_PASS]
                                   for k, ps in table.items()}, groups=2)
        self._keys = tuple(k for k, ps in table.items() if ps[-1][0] is not Layer.CREDIT
                           or len(ps) > 1)
        self.size = len(self._keys)

    def patterns(self) -> tuple[str, ...]:
        """Every key the automata match (folded terms and their variants)."""
        return self._keys

    def scan_split(self, text: str, folded: str
                   ) -> tuple[list[Hit], list[Hit], list[Hit]]:
        """Every term of the lexicon in `text` as a whole word: goods and parties, actions,
        and the rest (cues, markers, modifiers), each group in the order the automaton finds
        them (by end, longer first)."""
        actions, goods, _, _, _ = self._transfers.scan(text, folded, None)
        goods = self._with_money(folded, goods)
        parties, others = self._context.scan(text, folded, None)
        return _merged(goods, parties), actions, others

    def _with_money(self, folded: str, goods: list[Hit]) -> list[Hit]:
        """`goods` and the sums of money of the text ("$10 million"), in the automaton's order
        (by end, longer first)."""
        if self._money_ref is None or not any(s in folded for s in self._money_signs):
            return goods
        found = [Hit(m.start(), m.end(), Layer.GOODS, self._money_ref, 0)
                 for m in self.grammar.money.finditer(folded)]
        if not found:
            return goods
        return sorted(goods + found, key=lambda h: (h.end, h.start))

    def scan_transfers(self, text: str, folded: str) -> Transfers:
        """The transfer words of `text` (as `scan_split` gives them), those of them that can
        make a frame in it, and its goods words."""
        actions, goods, modifiers, credits, activities = self._transfers.scan(text, folded, None)
        goods = self._with_money(folded, goods)
        triggers = actions
        if not goods and self.implies_goods.isdisjoint([a[3] for a in actions]):
            triggers = []  # no goods, and no word that stands for them: no frame
        elif self._restricted and actions:
            # a reading that needs goods of a tag no word of the text gives makes no frame
            # (fields by index: this runs for every transfer word of every text)
            goods_tags, modifier_tags = self._goods_tags, self._modifier_tags
            present = frozenset().union(*[goods_tags[g[3]] for g in goods],
                                        *[modifier_tags[m[3]] for m in modifiers])
            restricted = self._restricted
            triggers = [a for a in actions if a[3] not in restricted
                        or not restricted[a[3]].isdisjoint(present)]
        return Transfers(actions, triggers, goods, bool(credits), activities)

    def scan_context(self, text: str, folded: str, within: list[tuple[int, int]],
                     goods: list[Hit] | None = None) -> tuple[list[Hit], list[Hit]]:
        """Goods and parties, and the rest, that start in the stretches `within` (sorted,
        disjoint) of `text`, as `scan_split` gives them; `goods`: the goods words of the whole
        text, when `scan_transfers` found them already."""
        if goods is None:
            goods = self._transfers.scan(text, folded, within)[1]
        else:
            goods = starting_in(goods, within)
        parties, others = self._context.scan(text, folded, within)
        # goods first where a goods word and a party share a span, as the terms were added
        return _merged(goods, parties), others


class Transfers(NamedTuple):
    """What one pass over a whole text finds (`CompiledLexicon.scan_transfers`)."""

    actions: list[Hit]  # every transfer word, each reading a hit
    # the readings that can make a frame in this text: none without goods words or a transfer
    # word that stands for its goods; none that need goods of a tag no word here gives
    triggers: list[Hit]
    goods: list[Hit]  # goods words: a frame needs one, or a transfer word that stands for one
    credits: bool  # whether a word of text.CREDIT_WORDS is there (segment's `credits`)
    # travel, port-call and ship-to-ship words: a listed party's activity needs no goods
    activities: list[Hit]


_Entry = tuple[Layer, int, int, "str | None"]  # layer, ref, form, exact spelling or None
_Routed = tuple[int, Layer, int, int, "str | None"]  # the same after the list its hits go to
_Payload = tuple[_Routed, ...]
_Lists = tuple[list[Hit], ...]
_SECOND_PASS = frozenset([Layer.PARTY, Layer.CUE, Layer.MARKER, Layer.MODIFIER])


class _Automata:
    """One set of keys, compiled padded with spaces (see `_scan_ascii`), and the few keys
    written with letters beyond ASCII as they are. Per text, one pass finds every key as a
    whole word."""

    def __init__(self, entries: dict[str, list[_Routed]], groups: int) -> None:
        # each payload starts with the index of the list its hits go to, of `groups` lists
        table = {k: v for k, v in entries.items() if v}
        self._groups = groups
        self._padded = _padded_automaton(table)
        self._longest = max(map(len, table), default=1)
        # the keys written with characters beyond ASCII ("élysée"), and those characters
        beyond = {k: v for k, v in table.items() if not k.isascii()}
        self._beyond_chars = frozenset(ch for key in beyond for ch in key if not ch.isascii())
        self._beyond_longest = max(map(len, beyond), default=0)
        self._beyond: ahocorasick.Automaton | None = None
        if beyond:
            self._beyond = ahocorasick.Automaton()
            for key, payloads in beyond.items():
                self._beyond.add_word(key, (len(key), tuple(payloads)))
            self._beyond.make_automaton()

    def reference(self) -> ahocorasick.Automaton:
        """Every key as written, for `_scan_any` with its boundary checks: the plain path the
        padded one must agree with (the tests compare them). Rebuilt from the compiled
        automata, so the rule set carries no third copy of the keys."""
        automaton = ahocorasick.Automaton()
        for pattern, (_length, keyed, payloads) in self._padded.items():
            for key, routed in keyed if keyed is not None else [(pattern.strip(), payloads)]:
                automaton.add_word(key, (len(key), routed))
        if self._beyond is not None:
            for key, value in self._beyond.items():
                automaton.add_word(key, value)
        automaton.make_automaton()
        return automaton

    def scan(self, text: str, folded: str, within: list[tuple[int, int]] | None) -> _Lists:
        """The hits of the keys that start in the stretches `within` (sorted, disjoint; None:
        everywhere) as whole words, in the lists their payloads name, each in the order a
        plain automaton finds them (by end, the longer first)."""
        lists: _Lists = tuple([] for _ in range(self._groups))
        if within is None:
            within = [(0, len(folded))]
        ascii_only = folded.isascii()
        near = self._near_beyond(folded) if not ascii_only and self._beyond is not None else []
        if near:
            # Keys written with letters beyond ASCII ("élysée") may match: they are looked for
            # on their own, only around those letters, and their hits merged into the others
            # in the plain automaton's order (by end, the longer first), which is (end, start).
            beyond: _Lists = tuple([] for _ in range(self._groups))
            for lo, hi in within:
                for a, b in near:
                    if a < hi and b > lo:
                        _scan_any(self._beyond, text, folded, max(lo, a), hi, b, beyond)
            if any(beyond):
                self._scan_padded(text, folded, within, ascii_only, lists)
                return tuple(_merged(hits, extra) for hits, extra in zip(lists, beyond))
        self._scan_padded(text, folded, within, ascii_only, lists)
        return lists

    def _near_beyond(self, folded: str) -> list[tuple[int, int]]:
        """The stretches of `folded` that a key written with letters beyond ASCII can lie in:
        around each such letter, as far as the longest of those keys reaches; merged."""
        positions = []
        for ch in self._beyond_chars:  # a search per letter, at memchr speed
            i = folded.find(ch)
            while i >= 0:
                positions.append(i)
                i = folded.find(ch, i + 1)
        reach = self._beyond_longest
        near: list[tuple[int, int]] = []
        for i in sorted(positions):
            a, b = max(0, i - reach + 1), min(len(folded), i + reach)
            if near and a <= near[-1][1]:
                near[-1] = (near[-1][0], b)
            else:
                near.append((a, b))
        return near

    def _scan_padded(self, text: str, folded: str, within: list[tuple[int, int]],
                     ascii_only: bool, lists: _Lists) -> None:
        spaced = _spaced(folded, ascii_only)
        for lo, hi in within:
            # keys that start in [lo, hi): " key " starts at `lo` in `spaced`, which runs
            # one character ahead of `folded`, and may end past `hi`
            _scan_ascii(self._padded, text, folded, spaced, lo, hi,
                        min(len(spaced), hi + self._longest + 2), lists)
        if len(within) > 1:
            # a key that starts in one stretch may end past the start of the next one's
            # hits: put them back in the one automaton's order (by end, the longer first)
            for hits in lists:
                hits.sort(key=_END_START)


def _spaced(folded: str, ascii_only: bool) -> str:
    """`folded` with every character that is not a letter or digit made a space, a space
    added at each end: letters and digits beyond ASCII become "X" (a word character no key
    holds), everything else beyond ASCII a space, and the ASCII keys match as in ASCII text.
    The last one made is kept, for the second pass over the same text."""
    global _last_spaced
    last = _last_spaced
    if last[0] is folded:
        return last[1]
    spaced = " " + (folded.encode("ascii") if ascii_only else folded.encode(
        "ascii", _AS_WORD_CHARS)).translate(_WORDS_ONLY).decode("ascii") + " "
    _last_spaced = (folded, spaced)  # one assignment: a thread reads the old pair or the new
    return spaced


_last_spaced = ("", "  ")


def _merged(hits: list[Hit], extra: list[Hit]) -> list[Hit]:
    """Two lists of hits in the order one automaton would give them (by end, the longer
    first), `hits` first where both hold the same span."""
    if not extra:
        return hits
    return sorted(hits + extra, key=_END_START) if hits else extra


def _scan_any(automaton: ahocorasick.Automaton, text: str, folded: str, lo: int, hi: int,
              stop: int, lists: _Lists) -> None:
    """The hits of the keys of `automaton` that start in [lo, hi) of `folded` as whole words:
    the general path, with a boundary check on each side of every match."""
    adds = tuple(h.append for h in lists)
    # tuple.__new__ builds the same Hit as Hit(...) without the named tuple's __new__
    new, hit_type = tuple.__new__, Hit
    n = len(folded)
    piece, offset = _piece(folded, lo, stop)
    for last, (length, payloads) in automaton.iter(piece):
        end = last + offset + 1
        start = end - length
        if start >= hi:
            continue
        if start > 0 and folded[start - 1].isalnum():
            continue
        if end < n and folded[end].isalnum():
            continue
        for group, layer, ref, form, exact in payloads:  # as in _scan_ascii
            if exact is None or text[start:end].replace("-", " ") == exact.replace("-", " "):
                adds[group](new(hit_type, (start, end, layer, ref, form)))


def _piece(text: str, lo: int, stop: int) -> tuple[str, int]:
    """The stretch text[lo:stop] to hand the automaton, and its offset in `text`.

    (pyahocorasick copies the whole string it is given on every call: over the stretches of a
    long document, one call per stretch, `iter(text, lo, stop)` made the scan quadratic in the
    document. A slice costs only its own length.)"""
    if lo == 0 and stop >= len(text):
        return text, 0
    return text[lo:stop], lo


def _scan_ascii(automaton: ahocorasick.Automaton, text: str, folded: str, spaced: str,
                lo: int, hi: int, stop: int,
                lists: _Lists) -> None:
    """`_scan_any` of an ASCII text, where every character that is not a letter or digit is
    made a space at C speed (`spaced`): keys padded with spaces then match whole words only,
    and the automaton drops the matches inside words (two in five) itself."""
    adds = tuple(h.append for h in lists)
    new, hit_type = tuple.__new__, Hit
    piece, offset = _piece(spaced, lo, stop)
    for last, (length, keyed, payloads) in automaton.iter(piece):
        start = last + offset - length + 1
        if start >= hi:
            continue
        end = last + offset - 1
        if keyed is not None:
            # several keys, or one with punctuation or spaces: the text decides which (a
            # loop, not next() over a generator: this runs for every phrase found)
            region = folded[start:end]
            for key, matched in keyed:
                if key == region:
                    payloads = matched
                    break
            else:
                continue
        for group, layer, ref, form, exact in payloads:
            # `exact`: a case-sensitive term ("US", not "us")
            if exact is None or text[start:end].replace("-", " ") == exact.replace("-", " "):
                adds[group](new(hit_type, (start, end, layer, ref, form)))


def _word_chars(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: each character beyond ASCII as "X" if it is a letter or digit
    (it joins a word, as `str.isalnum` says for the general path; no key holds a capital, so
    none matches across it), else as a space."""
    assert isinstance(error, UnicodeEncodeError)
    run = error.object[error.start:error.end]
    return "".join("X" if ch.isalnum() else " " for ch in run), error.end


_AS_WORD_CHARS = "sanctionscan-word-chars"
_END_START = attrgetter("end", "start")
codecs.register_error(_AS_WORD_CHARS, _word_chars)

# ASCII byte -> itself for lower-case letters and digits (folded text has no capitals) and
# the "X" standing for a letter beyond ASCII, a space for everything else
_WORDS_ONLY = bytes(c if chr(c).isascii() and chr(c).isalnum() and (
    not chr(c).isupper() or chr(c) == "X") else 32 for c in range(256))


def _padded_automaton(table: dict[str, list[_Routed]]) -> ahocorasick.Automaton:
    """The ASCII keys as " key " with their punctuation made spaces, for `_scan_ascii`. Keys
    that become the same pattern ("u.s." and "u s") share it, and a key with anything but
    letters and digits is checked against the text, so the hits are exactly those of the
    plain automaton with its boundary checks."""
    groups: dict[str, list[tuple[str, _Payload]]] = {}
    for key, payloads in table.items():
        if key.isascii():
            pattern = " " + key.encode("ascii").translate(_WORDS_ONLY).decode("ascii") + " "
            groups.setdefault(pattern, []).append((key, tuple(payloads)))
    automaton = ahocorasick.Automaton()
    for pattern, keyed in groups.items():
        if len(keyed) == 1 and keyed[0][0].isalnum():
            automaton.add_word(pattern, (len(pattern), None, keyed[0][1]))
        else:
            automaton.add_word(pattern, (len(pattern), tuple(keyed), ()))
    if not len(automaton):
        automaton.add_word(" \x00 ", (3, None, ()))  # an automaton needs one word
    automaton.make_automaton()
    return automaton
