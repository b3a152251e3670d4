"""Frame assembly: one frame per transfer word that has goods, read sentence by sentence.

A frame is assembled inside one sentence from the mentions around a transfer word: its goods
(`frames.goods`), its parties' roles (`frames.roles`), its status (`frames.status`) and its
date (`dates`). What a sentence only refers back to ("the car", "they") is carried over from
the sentence before.

Work is bounded: a transfer word looks for goods, parties, markers and cues only within
`REACH` characters of itself, so a run-on sentence of a thousand clauses costs a thousand
times one clause, not a billion. Sentences of news prose are far shorter than the reach, and
for them nothing changes.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from datetime import date

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.dates import event_date, own_date
from sanctionscan.extract import Kind, Mention, Mentions
from sanctionscan.frames import goods as goods_sense
from sanctionscan.frames.model import Frame
from sanctionscan.frames.roles import (
    RoleContext,
    as_government,
    assign_roles,
    is_bystander,
    is_dateline,
    is_lookalike,
    origins,
    origins_by_entry,
)
from sanctionscan.frames.status import frame_status
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon, fold
from sanctionscan.models import NOT_EVENTS, Status
from sanctionscan.schema import ActionEntry
from sanctionscan.text import Sentence, words

# How far from its transfer word, in characters, a frame reads its sentence.
REACH = 600
# "was bought in Shenyang and sent to Pyongyang": the words a transfer word may stand after the
# one before it and still move its goods
_SHARED_GOODS_GAP = 8
# "received (large) shipments of": the words an acquiring verb may stand before a transfer
# noun that is its object
_NOUN_OBJECT_GAP = 3


@dataclass(slots=True)
class _Carry:
    """What one sentence leaves for the next: its frames, its goods, and where they came from."""

    frames: list[Frame] = field(default_factory=list)
    goods: list[Mention] = field(default_factory=list)
    # the goods and parties of the last sentence that named goods, for the origin of goods
    # referred back to ("Libyan crude ... the crude was sold to"); origins worked out on need
    origin_goods: list[Mention] = field(default_factory=list)
    origin_parties: list[Mention] = field(default_factory=list)
    _origins: dict[int, Mention] | None = None

    def leave(self, frames: list[Frame], goods: list[Mention], parties: list[Mention]) -> None:
        self.frames = frames
        self.goods = goods or [m for f in frames for m in f.goods]
        if goods:
            self.origin_goods, self.origin_parties, self._origins = goods, parties, None

    def leave_nothing_but(self, goods: list[Mention], parties: list[Mention]) -> None:
        """A sentence with nothing to assemble still names what the next one refers back to."""
        self.frames, self.goods = [], goods
        self.origin_goods, self.origin_parties = (goods, parties) if goods else ([], [])
        self._origins = None

    def origin_of(self, g: CompiledGrammar, folded: str, m: Mention) -> Mention | None:
        if self._origins is None:
            self._origins = origins_by_entry(g, folded, self.origin_parties, self.origin_goods)
        return self._origins.get(m.ref)


def assemble(doc: DocumentAnalysis) -> list[Frame]:
    """Every frame of the document's chosen sentences, in text order."""
    mentions = doc.mentions
    carry = _Carry()
    frames: list[Frame] = []
    analysable = [s for s in doc.sentences if s.analysable]
    starts = [a.start for a in mentions.actions]
    with_action = [bisect_left(starts, s.start) < bisect_left(starts, s.end) for s in analysable]
    for i, sentence in enumerate(analysable):
        if not with_action[i] and not (i + 1 < len(analysable) and with_action[i + 1]):
            # No transfer word here or in the next sentence: whatever this sentence leaves
            # for the next one is overwritten there, so it needs no work at all.
            continue
        goods = mentions.in_span(mentions.goods, sentence.start, sentence.end)
        actions = mentions.in_span(mentions.actions, sentence.start, sentence.end)
        parties = mentions.in_span(mentions.parties, sentence.start, sentence.end)
        # Without goods here or in the sentence before, only a word that stands for its goods
        # ("armed by Iran"), beside a party, can make a frame.
        if not actions or not (goods or carry.goods or (
                not doc.lexicon.implies_goods.isdisjoint([a.ref for a in actions])
                and parties)):
            carry.leave_nothing_but(goods, parties)
            continue
        found = _SentenceFrames(doc, carry, sentence, goods, actions, parties).frames()
        frames.extend(found)
        if is_headline(doc.text, sentence):
            # a headline's goods are the story's, not the object of the lead's verbs
            carry.leave_nothing_but([], [])
        else:
            carry.leave(found, goods, parties)
    frames = _dated_by_the_story(doc, frames)
    if frames and tells_fiction(doc):
        frames = [replace(f, status=Status.hypothetical, cues=(), notes=(
            *f.notes, "the article reviews or tells a story")) for f in frames]
    return frames


def tells_fiction(doc: DocumentAnalysis) -> bool:
    """Whether the article is a review or a story: it uses enough different words of one."""
    st = doc.grammar.status
    seen: set[str] = set()
    for hit in st.fiction.finditer(doc.folded):
        seen.add(hit.group())
        if len(seen) >= st.fiction_threshold:
            return True
    return False


def is_headline(text: str, sentence: Sentence) -> bool:
    """The first line of an article, standing alone without a full stop."""
    if text[:sentence.start].strip():
        return False
    last = text[sentence.start:sentence.end].rstrip()[-1:]
    return last not in _SENTENCE_ENDS and text[sentence.end:sentence.end + 1] in ("\n", "")


_SENTENCE_ENDS = (".", "!", "?", '"', "”", "'", "’")
# how far back, in characters, "the missiles" looks for the "anti-tank guided missiles" it means
_SAME_HEAD_REACH = 1500
_LONGEST_TERM = 80  # characters: no goods term of the lexicon is longer


def _singular(term: str) -> str:
    """The term with a plural -s of its last word taken off ("missiles" -> "missile")."""
    return term[:-1] if term.endswith("s") and not term.endswith("ss") else term


def _dated_by_the_story(doc: DocumentAnalysis, frames: list[Frame]) -> list[Frame]:
    """A headline's frame, which gives no date, takes the date of the first later frame of the
    same goods, or goods of a tag it shares with a party it shares, where that frame dates
    itself: the story tells its event in the headline and dates it in the body. (Tried for
    every undated frame: it then moved frames of the body onto background dates as often as
    it helped.)"""
    if not any(f.dated for f in frames):
        return frames
    # the body's first retelling of the event decides: undated, it leaves the headline at the
    # article's date; a legal statement ("restrictions ... expired in October 2023") retells
    # no event
    events = [f for f in frames if f.status not in NOT_EVENTS]
    lex = doc.lexicon
    out = []
    for frame in frames:
        headline = is_headline(doc.text, frame.sentence)
        retold = None if frame.dated or not headline else next(
            (d for d in events if d.sentence.start > frame.sentence.start
             and _same_event(lex, frame, d)), None)
        source = retold if retold is not None and retold.dated else None
        out.append(frame if source is None else replace(
            frame, when=source.when, notes=(*frame.notes, "dated by a later sentence of the "
                                                          "same event")))
    return out


def _same_event(lex: CompiledLexicon, a: Frame, b: Frame) -> bool:
    refs_a, refs_b = {m.ref for m in a.goods}, {m.ref for m in b.goods}
    if refs_a & refs_b:
        return True
    tags_a = set().union(*(lex.goods[m.ref].tags for m in a.goods))
    tags_b = set().union(*(lex.goods[m.ref].tags for m in b.goods))
    parties_a = {(m.kind, m.ref) for m in (*a.suppliers, *a.recipients)}
    parties_b = {(m.kind, m.ref) for m in (*b.suppliers, *b.recipients)}
    return bool(tags_a & tags_b) and bool(parties_a & parties_b)


def _reversed(frame: Frame, goods: list[Mention], sentence: _SentenceFrames) -> Frame:
    """The frame of what a transfer gets in exchange: the same parties, the other way."""
    tags = tuple(goods_sense.modifier_tags(sentence.lex, sentence.folded, m,
                                           sentence.modifiers) for m in goods)
    return replace(frame, goods=tuple(goods), goods_tags=tags, suppliers=frame.recipients,
                   recipients=frame.suppliers, inferred_supplier=False,
                   notes=(*frame.notes, "given in exchange: flows the other way"))


def _within(items: list[Mention], lo: int, hi: int) -> list[Mention]:
    """The mentions of `items` (sorted by start) that lie inside [lo, hi)."""
    i = bisect_left(items, lo, key=_start)
    j = bisect_left(items, hi, lo=i, key=_start)
    return [m for m in items[i:j] if m.end <= hi]


def _start(m: Mention) -> int:
    return m.start


@dataclass(slots=True)
class _Clause:
    """One transfer word of a sentence and the mentions within its reach."""

    action: Mention
    entry: ActionEntry
    index: int  # among the distinct transfer-word spans of the sentence
    nominal: bool
    passive: bool
    left: int  # end of the transfer word before it, or the sentence start
    right: int  # start of the transfer word after it, or the sentence end
    goods: list[Mention]
    cargo: list[Mention]
    parties: list[Mention]
    markers: list[Mention]
    modifiers: list[Mention]
    cues: list[Mention]
    actions: list[Mention]


class _SentenceFrames:
    """The frames of one sentence: a clause per transfer word, a frame per clause with goods."""

    def __init__(self, doc: DocumentAnalysis, carry: _Carry, sentence: Sentence,
                 goods: list[Mention], actions: list[Mention], parties: list[Mention]) -> None:
        self.doc, self.carry, self.sentence = doc, carry, sentence
        self.g: CompiledGrammar = doc.grammar
        self.lex: CompiledLexicon = doc.lexicon
        self.folded = doc.folded
        m: Mentions = doc.mentions
        span = (sentence.start, sentence.end)
        self.goods = goods
        self.cues = m.in_span(m.cues, *span)
        self.markers = m.in_span(m.markers, *span)
        self.modifiers = m.in_span(m.modifiers, *span)
        self.parties = [as_government(self.g, self.lex, self.folded, p) for p in parties
                        if not is_lookalike(self.lex, p)
                        and not is_dateline(self.folded, sentence, p)
                        and not is_bystander(self.g, self.folded, p)]
        self.raw_parties = parties  # look-alikes and datelines too
        self.actions = actions
        self._cargo: list[Mention] | None = None
        self._refers: bool | None = None
        self._when: date | None = None
        self._own_date = False  # whether the sentence dates its event itself
        self._exchange: tuple[int, int] | None = None  # where "in exchange for" stands
        self._dated = False

    # -- facts of the whole sentence, worked out once and only when a frame needs them

    @property
    def cargo(self) -> list[Mention]:
        """Its goods less the means of transport ("on a dhow", "by truck"), unless nothing
        else is named."""
        if self._cargo is None:
            self._cargo = [m for m in self.goods if not goods_sense.is_conveyance(
                self.g, self.lex, self.folded, m)] or self.goods
        return self._cargo

    @property
    def refers_back(self) -> bool:
        """Whether the sentence points back at a thing named before ("it", "the shipment")."""
        if self._refers is None:
            stretch = self.folded[self.sentence.start:self.sentence.end]
            self._refers = bool(self.g.anaphor.search(stretch)
                                or self.g.definite_goods.search(stretch)
                                or any(self._names_again(m) for m in self.goods))
        return self._refers

    def _names_again(self, m: Mention) -> bool:
        """ "The two Mercedes Maybach S600 Guards" after "Maybach limousines": goods named
        before in the article, now with a referring determiner."""
        g, folded = self.g, self.folded
        if not g.referring_before.search(folded, max(self.sentence.start, m.start - 30),
                                         m.start):
            return False
        first = self.doc.first_named(m.ref)
        return first is not None and first < self.sentence.start

    @property
    def when(self) -> date | None:
        if not self._dated:
            stretch = self.folded[self.sentence.start:self.sentence.end]
            own, lower = own_date(stretch, self.g.dating)
            self._when = event_date(stretch, self.doc.published, self.g.dating, (own, lower))
            # ("last year" dates the event too, though it names no year)
            self._own_date = own is not None or self._when != self.doc.published
            self._dated = True
        return self._when

    # -- the frames

    def frames(self) -> list[Frame]:
        g, folded = self.g, self.folded
        long = self.sentence.end - self.sentence.start > REACH
        actions = [a for a in self.actions if not goods_sense.participle_adjective(
            g, folded, a, _within(self.goods, a.start - REACH, a.end + REACH) if long
            else self.goods)]
        spans = sorted({(a.start, a.end) for a in actions})
        index = {span: i for i, span in enumerate(spans)}
        made: set[tuple[int, int]] = set()
        # the goods the last transfer word with goods moved, and where that word ends
        found_goods: tuple[list[Mention], int] = ([], 0)
        out: list[Frame] = []
        for action in actions:
            span = (action.start, action.end)
            if span in made:
                continue  # an earlier reading of this word already made a frame
            if goods_sense.marked_as_goods_word(g, folded, action):
                continue
            clause = self._clause(action, index[span], spans, actions)
            goods, carried = self._goods(clause, found_goods)
            if not goods:
                continue
            found_goods = (goods, action.end)  # the next verb may move the same goods
            goods, returned = self._exchanged(clause, goods)
            frame = self._frame(clause, goods or returned, carried)
            if frame is not None:
                made.add(span)
                out.append(frame)
                if goods and returned and (frame.suppliers or frame.recipients):
                    out.append(_reversed(frame, returned, self))
        return out

    def _exchanged(self, c: _Clause, goods: list[Mention]
                   ) -> tuple[list[Mention], list[Mention]]:
        """The clause's goods less those it gets "in exchange for", and those: they flow the
        other way ("exported coal in exchange for machinery")."""
        if self._exchange is None:  # (searched once per sentence)
            found = self.g.exchange_link.search(self.folded, self.sentence.start,
                                                self.sentence.end)
            self._exchange = (found.start(), found.end()) if found else (-1, -1)
        link_start, link_end = self._exchange
        if link_start < 0:
            return goods, []
        if link_start >= c.action.end:
            returned = [m for m in c.goods if m.start >= link_end]
            kept = [m for m in goods if m.start < link_start]
        else:  # "In exchange for the shells, Russia provided ...": before the verb
            returned = [m for m in c.goods if link_end <= m.start and m.end <= c.action.start]
            kept = [m for m in goods if m not in returned]
        return (kept, returned) if kept and returned else (goods, [])

    def _clause(self, action: Mention, i: int, spans: list[tuple[int, int]],
                actions: list[Mention]) -> _Clause:
        sentence = self.sentence
        if sentence.end - sentence.start <= REACH:
            # (a sentence shorter than the reach is within reach of each of its words)
            def near(items: list[Mention]) -> list[Mention]:
                return items
        else:
            def near(items: list[Mention]) -> list[Mention]:
                return _within(items, action.start - REACH, action.end + REACH)
        goods = near(self.goods)
        nominal = action.form == 1
        passive = not nominal and goods_sense.is_passive(
            self.g, self.folded, sentence.start, action, goods)
        entry = self.lex.actions[action.ref]
        after = i + 1
        if not nominal and entry.kind == "acquire" and after < len(spans) \
                and self._noun_object(action, spans[after], actions):
            after += 1  # "has received large shipments of perchlorate from China"
        while after < len(spans) and self._describes_goods(spans[after][0]):
            after += 1  # "exported pumps that could be used in centrifuges to a firm in Tehran"
        return _Clause(
            action=action, entry=entry, index=i, nominal=nominal,
            passive=passive,
            left=spans[i - 1][1] if i else sentence.start,
            right=spans[after][0] if after < len(spans) else sentence.end,
            goods=goods, cargo=near(self.cargo), parties=near(self.parties),
            markers=near(self.markers), modifiers=near(self.modifiers), cues=near(self.cues),
            actions=near(actions))

    def _describes_goods(self, start: int) -> bool:
        """Whether the transfer word at `start` opens no clause of its own but says what the
        goods before it are for: "pumps that could be used in centrifuges"."""
        g, folded = self.g, self.folded
        i = bisect_left(self.goods, start, key=_start) - 1
        if i < 0 or self.goods[i].end < self.sentence.start:
            return False
        between = words(folded[self.goods[i].end:start])
        return len(between) >= 1 and between[0] in g.relative_pronouns and all(
            w in g.auxiliaries for w in between[1:])

    def _noun_object(self, verb: Mention, span: tuple[int, int], actions: list[Mention]
                     ) -> bool:
        """Whether the transfer word at `span` is a noun a few words after `verb`, its object:
        then the verb's clause reaches over it to the goods and parties of the noun."""
        if not any(a.start == span[0] and a.form == 1 for a in actions):
            return False
        return len(words(self.folded[verb.end:span[0]])) <= _NOUN_OBJECT_GAP

    def _frame(self, c: _Clause, goods: list[Mention], carried: bool) -> Frame | None:
        # a demonym is the goods' origin only for the goods of this frame: in "Russian
        # tankers delivered diesel" the tankers carry, so "Russian" names the supplier
        origin = origins(self.g, self.folded, c.parties, goods)
        roles = assign_roles(RoleContext(
            g=self.g, folded=self.folded, sentence=self.sentence, action=c.action,
            kind=c.entry.kind, nominal=c.nominal, passive=c.passive, parties=c.parties,
            markers=c.markers, actions=c.actions, goods=goods, origin=origin, left=c.left,
            right=c.right, place_is_recipient=c.entry.place_is_recipient,
            place_is_origin=c.entry.place_is_origin))
        suppliers, recipients, notes = roles.suppliers, roles.recipients, roles.notes
        if recipients and (self._state_acts(c, suppliers) or any(
                self.lex.goods[m.ref].to_governments for m in goods)):
            # state-to-state: what one state hands another goes to its government, which
            # some embargoes exempt ("Egypt delivered arms to Somalia", "military aid to
            # Somalia")
            recipients = [self._government_of(p) for p in recipients]
        inferred = False
        if not suppliers:
            found_origins = [origin.get(m.start) or (
                self.carry.origin_of(self.g, self.folded, m) if carried else None)
                for m in goods]
            known = [o for o in found_origins if o is not None]
            if known and not any(o in recipients for o in known):
                suppliers = known[:1]
                inferred = True
                notes.append("supplier inferred from the origin of the goods")
        if c.entry.needs_origin and not inferred:
            return None  # "North Korea fired missiles": a use, not a transfer
        previous = self.carry.frames
        if not suppliers and not recipients and not self.parties and previous and (
                carried or self.refers_back):
            last = previous[-1]
            if last.status not in NOT_EVENTS and (last.suppliers or last.recipients):
                suppliers, recipients = list(last.suppliers), list(last.recipients)
                carried = True
                notes.append("parties carried over from the previous sentence")
        status, status_cues = frame_status(self.g, self.lex, self.folded, self.sentence,
                                           c.action, c.cues, goods)
        tags = goods_sense.in_company(self.lex, goods, tuple(
            goods_sense.modifier_tags(self.lex, self.folded, m, c.modifiers) for m in goods))
        return Frame(
            sentence=self.sentence, action=c.action, kind=c.entry.kind, goods=tuple(goods),
            suppliers=tuple(suppliers), recipients=tuple(recipients), status=status,
            cues=tuple(status_cues), when=self.when, dated=self._own_date, goods_tags=tags,
            notes=tuple(notes),
            carried=carried, inferred_supplier=inferred,
        )

    def _goods(self, c: _Clause, found_goods: tuple[list[Mention], int]
               ) -> tuple[list[Mention], bool]:
        """The goods the clause moves, and whether they come from an earlier sentence."""
        g, lex, folded = self.g, self.lex, self.folded
        goods = goods_sense.cargo_over_carrier(g, folded, goods_sense.goods_for(
            g, folded, c.action, c.cargo, c.left, c.right, c.nominal, c.passive, lex,
            self.doc.text), c.goods)
        carried = False
        earlier = self.carry.goods
        if goods and c.passive and earlier and self._points_back(c) and all(
                goods_sense.is_conveyance(g, lex, folded, m) for m in goods):
            goods = []  # "They were delivered to Nampo by the cargo ship": they, not the ship
        if goods:
            goods = goods_sense.with_compounds(lex, folded, goods, c.goods)
        if goods and earlier and all(
                lex.goods[m.ref].generic and g.definite_before.search(
                    folded[max(0, m.start - 12):m.start]) for m in goods):
            # "the equipment" after "vacuum pumps": the definite generic word points back
            specific = [m for m in earlier if not lex.goods[m.ref].generic]
            if specific:
                goods = goods + specific
                carried = True
        if goods and not carried and all(lex.goods[m.ref].generic for m in goods):
            named = [n for m in goods for n in self._named_before(m)]
            if named:  # "his swish cars" after "a Maybach": the brand is the goods
                goods = goods + named
                carried = True
        shared, shared_end = found_goods
        # "was bought in Shenyang and sent to Pyongyang", counted from the word that moved
        # them: "supplied missiles ..., calling it payment for the troops it sent" shares none
        if not goods and c.index and shared and len(
                words(folded[shared_end:c.action.start])) <= _SHARED_GOODS_GAP:
            goods = list(shared)
        elif not goods and earlier and self._points_back(c):
            goods = list(earlier)
            carried = True
        entry = c.entry
        if entry.only_with:
            wanted = set(entry.only_with)
            goods = [m for m in goods if (set(lex.goods[m.ref].tags) | goods_sense.modifier_tags(
                lex, folded, m, c.modifiers)) & wanted]
        if entry.conveyance:
            goods = [m for m in goods if not set(lex.goods[m.ref].tags) & set(entry.conveyance)]
        if not goods and entry.implied_goods and goods_sense.used_as_verb(
                g, folded, c.action, _within(self.raw_parties, c.action.start,
                                             c.action.end + REACH)):
            implied = lex.goods_by_term.get(fold(entry.implied_goods))
            if implied:  # the word itself stands for the goods: "armed by Iran"
                goods = [Mention(Kind.GOODS, c.action.start, c.action.end, implied[0])]
        return [self._same_head_before(m) for m in goods], carried

    def _state_acts(self, c: _Clause, suppliers: list[Mention]) -> bool:
        """Whether a state itself hands the goods over: the subject of an active transfer
        verb ("Egypt delivered", "Russia made two deliveries of"), not the origin of a flow
        ("guns from the US", "American rifles") or the agent after a passive."""
        if c.passive or c.entry.kind != "transfer":
            return False
        if c.nominal and not self.g.light_verb_before.search(
                self.folded, max(self.sentence.start, c.action.start - 40), c.action.start):
            return False
        lex = self.lex
        return any(p.kind is Kind.PARTY and lex.parties[p.ref].kind == "state"
                   and p.end <= c.action.start and not self._placed(p) for p in suppliers)

    def _placed(self, p: Mention) -> bool:
        """ "traffickers in Florida": the party only says where the actor is."""
        before = words(self.folded[max(self.sentence.start, p.start - 16):p.start])[-1:]
        return bool(before) and before[0] in self.g.non_subject_prepositions

    def _government_of(self, p: Mention) -> Mention:
        """The party a state's government is, for a state the lexicon gives one."""
        if p.kind is not Kind.PARTY:
            return p
        government = self.lex.parties[p.ref].government
        if government is None or government not in self.lex.party_index:
            return p
        return p._replace(ref=self.lex.party_index[government])

    def _named_before(self, m: Mention) -> list[Mention]:
        """The specific goods a vague word with a referring determiner ("those vehicles",
        "his cars") stands for: the last goods named before it in the article that share a
        tag with it and are not vague themselves, with the brand right before them ("Maybach
        limousines")."""
        g, lex, folded = self.g, self.lex, self.folded
        if not g.referring_before.search(folded, max(0, m.start - 30), m.start):
            return []
        tags = set(lex.goods[m.ref].tags)
        hits = self.doc.goods_everywhere
        i = bisect_left(hits, (m.start,)) - 1
        while i >= 0:
            start, end, _layer, ref, _form = hits[i]
            entry = lex.goods[ref]
            if not entry.generic and not entry.ignore and tags & set(entry.tags):
                named = [Mention(Kind.GOODS, start, end, ref)]
                for before in reversed(hits[max(0, i - 4):i]):
                    if before[1] < start and not folded[before[1]:start].strip() and \
                            tags & set(lex.goods[before[3]].tags):
                        named.insert(0, Mention(Kind.GOODS, before[0], before[1], before[3]))
                        break
                return named
            i -= 1
        return []

    def _same_head_before(self, m: Mention) -> Mention:
        """ "the missiles" after "40 anti-tank guided missiles": a bare goods word with a
        referring determiner is the goods named last before it with the same head word, and
        takes that entry (its tags and heading) where it is another."""
        g, lex, folded = self.g, self.lex, self.folded
        if not g.referring_before.search(folded, max(0, m.start - 30), m.start):
            return m
        head = " " + _singular(folded[m.start:m.end])
        hits = self.doc.goods_everywhere
        lowest = bisect_left(hits, (m.start - _SAME_HEAD_REACH,))
        found: tuple[int, int] | None = None  # (length, ref) of the longest hit at one end
        found_end = -1
        for i in range(bisect_left(hits, (m.start,)) - 1, lowest - 1, -1):
            start, end, _layer, ref, _form = hits[i]
            if found is not None:
                # the longest hit that ends where the found one does: "guided missiles" lies
                # inside "anti-tank guided missiles", which starts before it
                if start < found_end - _LONGEST_TERM:
                    break
                if end == found_end and end - start > found[0] and not lex.goods[ref].ignore:
                    found = (end - start, ref)
            elif _singular(folded[start:end]).endswith(head) and not lex.goods[ref].ignore:
                found, found_end = (end - start, ref), end
        if found is None or found[1] == m.ref:
            return m
        return m._replace(ref=found[1])

    def _points_back(self, c: _Clause) -> bool:
        """A pronoun that stands for goods of the previous sentence: the object of an active
        verb ("delivered them"), the subject of a passive ("They were later smuggled"). In "it
        sent a warning" the pronoun is the sender, not the goods."""
        if c.nominal:
            return False
        folded, action = self.folded, c.action
        if c.passive:
            before = folded[max(self.sentence.start, action.start - 40):action.start]
            return bool(self.g.passive_subject_before.search(before))
        return bool(self.g.pronoun_after.match(folded[action.end:action.end + 8]))
