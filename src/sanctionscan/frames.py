"""Frames: who moved which goods to whom, with what status and when — one per transfer word.

A frame is assembled inside one sentence from the mentions around a transfer word. Roles come
from voice and prepositions ("to X" recipient, "from X" supplier, "by X" agent of a passive, the
subject of an active verb, "gave X a car" indirect object), and from origin adjectives
("Iranian-made drones"). Status comes from cue words in scope. Goods or roles that the sentence
only refers back to ("the car", "they") are carried over from the previous sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sanctionscan.extract import Kind, Mention, Mentions, years_in
from sanctionscan.lexicon import (
    MARKER_RECIPIENT,
    MARKER_SUPPLIER,
    CompiledLexicon,
    PartyForm,
    fold,
)
from sanctionscan.models import Status
from sanctionscan.text import Sentence

_WORD = re.compile(r"[\w'-]+|[^\w\s]")
# words allowed between a preposition and its party ("to the rival Libyan government")
_NOUN_PHRASE_FILLER = frozenset(
    "the a an its their his her our rival neighbouring neighboring fellow eastern western "
    "northern southern isolated reclusive sanctioned impoverished nuclear-armed communist "
    "regime's country's".split()
)
_GAP_BREAKERS = frozenset(
    "from to by with that which who whom where when while after before and or but said says "
    "told , ; : ( ) \" was were is are has have had be will would in at on near under "
    "fight fighting combat combating counter countering defeat battle tackle confront against "
    "deter repel attack target strike kill push help build strengthen bolster boost defend "
    "protect replace replenish equip secure restore train monitor enforce prevent stop avoid "
    "evade circumvent hide conceal disguise sustain continue keep make produce develop "
    "manufacture use bomb hit guard patrol retake recapture capture control crush suppress "
    "quell end win expand increase reduce process refine pay buy".split())
# "forces in eastern Libya", "militias of the Houthis": the place or group names the party
_GROUP_NOUNS = frozenset(
    "forces force militia militias fighters rebels troops army units unit groups group "
    "government governments authorities factions faction gangs side allies proxies officials "
    "regime navy military buyers buyer customers clients firms firm companies company traders "
    "dealers agents brokers leadership administration ministry suppliers supplier sellers "
    "seller exporters exporter importers importer smugglers smuggler traffickers "
    "recipients end-users end-user businessmen businessman nationals plant plants factory "
    "factories facility facilities site sites port ports base bases complex shipyard yard "
    "mine mines warehouse warehouses".split())
_GROUP_LINKS = frozenset("in of at".split())
_NOT_A_RECIPIENT = re.compile(
    r"\b(?:according|due|thanks|prior|next|close|compared|similar|related|addition|response|"
    r"contrary|opposed|regard|reference|attributed|linked|tied|belonging|subject|equivalent|"
    r"talk|talked|spoke|speaking|told|appealed|wrote|return|returned|visit|trip|travelled|"
    r"traveled|flew|went|came|referred|letter|message|threat|threats|visits|ties|relations)"
    r"\s+$")
_ATTRIBUTION_NOUNS = frozenset(
    "report reports statement study analysis investigation data images survey assessment "
    "research findings review probe documents photos".split())
_AFTER_REDUCED_RELATIVE = frozenset(
    "to into from by in at via across through over under for on , . ; : ) abroad overseas "
    "illegally secretly covertly last this earlier since during before after and or out "
    "onward onwards aboard".split())
_COORDINATION = re.compile(r"\s*(?:,|and|or|, and)\s*(?:the\s+)?")
_MADE_IN = re.compile(r"^\s*,?\s+(?:(?:that|which) (?:were|was|are|is) )?(?:made|produced|"
                      r"manufactured|sewn|built|mined|caught|grown|assembled|originating|"
                      r"sourced|processed|fished)\s+(?:in|from|off)\s+(?:the\s+)?$")
_TO_A_CARRIER = re.compile(r"\b(?:to|into|onto|alongside|from)\s+"
                           r"(?:(?:a|an|the|its|their|another)\s+)?(?:[\w'-]+\s+){0,2}$")
_DETERMINERS = frozenset(
    "a an the of some two three several many these those its their his her any new".split())
_APPOSITIVE = re.compile(r",[^,;.]{1,90},")
_BE = frozenset("was were is are be been being get got gets 's".split())
_ADVERBS = frozenset(
    "reportedly allegedly illegally secretly covertly also later then subsequently directly "
    "indirectly already recently quietly likely eventually ultimately successfully "
    "clandestinely actually initially still".split()
)
_VIOLATION = frozenset(
    "despite violation violations violating violated breach breaching breached defiance defying "
    "evade evading evaded evasion circumvent circumventing skirt skirting flout flouting "
    "contravention bust busting".split()
)
_PARTICIPLE_IRREGULAR = frozenset(
    "given sold sent brought bought made built shipped supplied provided".split())
_ORIGIN_LINK = re.compile(r"^\s*-?\s*(?:made|built|manufactured|produced|origin|designed|"
                          r"supplied|provided|sourced)?\s*$")
# "Panamanian-registered tanker": a flag or base, never the actor of the sentence
_FLAG_COMPOUND = re.compile(r"-(?:registered|flagged|flag|owned|operated|based|controlled)\b")
_DEFINITE_GOODS = re.compile(r"\b(?:the|this|that|these|those) (?:shipment|cargo|consignment|"
                             r"delivery|deliveries|goods|vehicles?|cars?|trucks?|weapons|arms|"
                             r"oil|fuel|coal|vessels?|ship|tanker)\b")
_DEFINITE = re.compile(r"\b(?:the|these|those|such|this|that)\s+(?:[\w-]+\s+)?$")
# "Iranian-made ballistic and cruise missiles": an explicit origin reaches across a short list
_MADE_LINK = re.compile(r"^\s*-\s*(?:made|built|manufactured|produced|origin|designed|supplied|"
                        r"provided|sourced)\b")
_ANAPHOR = re.compile(r"\b(it|they|them|these|those|this|the same)\b")
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november "
    "december".split(), 1)}
_FOUR_DIGITS = re.compile(r"\d\d\d\d")
_CARRIER_TAGS = frozenset(["vehicle", "vessel", "aircraft"])
# patterns the frame builder tries beside a word, compiled once
_DATELINE_AFTER = re.compile(r"(?:,[^,\n]{1,25})?(?:\s*\([^)]{1,30}\))?\s+[-—–:]\s")
_PRONOUN_AFTER = re.compile(r"\s+(?:it|them|these|those)\b")
_GOODS_WORD_AFTER = re.compile(r"\s+(chains?|lines?|routes?|companies|company|firms?|agents?|"
                               r"costs?|industry|sector|lanes?)\b")
_CLAUSE_BREAK = re.compile(r"[,;.]\s")
_PARTICLE_IN = re.compile(r"\s+in\b(?!\s+(?:the|a|an|\d))")
_POSSESSIVE = re.compile(r"\s*'s?\b")
_ONLY_AFTER = re.compile(r"\s+(only|just|merely)\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(?:\d{1,2},?\s+)?(\d{4})\b")


@dataclass(frozen=True, slots=True)
class Frame:
    sentence: Sentence
    action: Mention
    kind: str
    goods: tuple[Mention, ...]
    suppliers: tuple[Mention, ...] = ()
    recipients: tuple[Mention, ...] = ()
    status: Status = Status.asserted
    cues: tuple[Mention, ...] = ()
    when: date | None = None
    goods_tags: tuple[frozenset[str], ...] = ()  # modifier tags per goods mention
    notes: tuple[str, ...] = ()
    carried: bool = False
    inferred_supplier: bool = False


@dataclass(slots=True)
class _Context:
    text: str
    folded: str
    lex: CompiledLexicon
    m: Mentions
    published: date | None
    previous: list[Frame] = field(default_factory=list)
    previous_goods: list[Mention] = field(default_factory=list)
    # the previous sentence's goods and parties, for the origin of goods referred back to
    # ("Libyan crude ... the crude was sold to"); worked out only when a frame needs it
    origin_source: tuple[list[Mention], list[Mention]] = ([], [])

    def previous_origin(self, goods: Mention) -> Mention | None:
        earlier_goods, earlier_parties = self.origin_source
        return _origins_by_entry(self.folded, earlier_parties, earlier_goods).get(goods.ref)


def assemble(text: str, folded: str, sentences: list[Sentence], mentions: Mentions,
             lex: CompiledLexicon, published: date | None) -> list[Frame]:
    ctx = _Context(text, folded, lex, mentions, published)
    frames: list[Frame] = []
    analysable = [s for s in sentences if s.analysable]
    starts = [a.start for a in mentions.actions]
    with_action = [bisect_left(starts, s.start) < bisect_left(starts, s.end) for s in analysable]
    for i, sentence in enumerate(analysable):
        if not with_action[i] and not (i + 1 < len(analysable) and with_action[i + 1]):
            # No transfer word here or in the next sentence: whatever this sentence leaves
            # for the next one is overwritten there, so it needs no work at all.
            continue
        goods = mentions.in_span(mentions.goods, sentence.start, sentence.end)
        actions = mentions.in_span(mentions.actions, sentence.start, sentence.end)
        # Without goods here or in the sentence before, only a word that stands for its goods
        # ("armed by Iran"), beside a party, can make a frame.
        if not actions or not (goods or ctx.previous_goods or (
                not lex.implies_goods.isdisjoint([a.ref for a in actions])
                and mentions.in_span(mentions.parties, sentence.start, sentence.end))):
            # a sentence with nothing to assemble still names what the next one refers back to
            ctx.previous, ctx.previous_goods = [], goods
            if goods:
                ctx.origin_source = (goods, mentions.in_span(
                    mentions.parties, sentence.start, sentence.end))
            else:
                ctx.origin_source = ([], [])
            continue
        parties = mentions.in_span(mentions.parties, sentence.start, sentence.end)
        found = _sentence_frames(ctx, sentence, goods, actions, parties)
        frames.extend(found)
        ctx.previous = found
        ctx.previous_goods = goods or [g for f in found for g in f.goods]
        if goods:
            ctx.origin_source = (goods, parties)
    return frames


def _origins_by_entry(folded: str, parties: list[Mention], goods: list[Mention]
                      ) -> dict[int, Mention]:
    by_start = _origins(folded, parties, goods)
    return {g.ref: by_start[g.start] for g in goods if g.start in by_start}


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


_UNDATED = object()


def _sentence_frames(ctx: _Context, sentence: Sentence, goods: list[Mention],
                     actions: list[Mention], parties: list[Mention]) -> list[Frame]:
    lex, folded = ctx.lex, ctx.folded
    cues = ctx.m.in_span(ctx.m.cues, sentence.start, sentence.end)
    markers = ctx.m.in_span(ctx.m.markers, sentence.start, sentence.end)
    modifiers = ctx.m.in_span(ctx.m.modifiers, sentence.start, sentence.end)
    live_parties = [_as_government(folded, lex, p) for p in parties
                    if not _is_lookalike(lex, p) and not _is_dateline(folded, sentence, p)]
    when: date | None | object = _UNDATED  # read from the sentence once a frame needs it
    frames = []
    found_goods: list[Mention] = []
    actions = [a for a in actions if not _participle_adjective(folded, a, goods)]
    spans = sorted({(a.start, a.end) for a in actions})
    readings: dict[tuple[int, int], list[Mention]] = {}
    for a in actions:
        readings.setdefault((a.start, a.end), []).append(a)
    made: set[tuple[int, int]] = set()
    cargo: list[Mention] | None = None
    for action in actions:
        span = (action.start, action.end)
        if span in made:
            continue  # an earlier reading of this word already made a frame
        i = spans.index(span)
        entry = lex.actions[action.ref]
        kind = entry.kind
        nominal = action.form == 1
        left_bound = spans[i - 1][1] if i else sentence.start
        right_bound = spans[i + 1][0] if i + 1 < len(spans) else sentence.end
        passive = not nominal and _is_passive(folded, sentence.start, action, goods)
        if _marked_as_goods_word(folded, action):
            continue
        if cargo is None:
            # "on a dhow", "aboard the tanker", "by truck": the means of transport is not the
            # goods (unless nothing else is); the same for every transfer word here
            cargo = [g for g in goods if not _is_conveyance(folded, g, lex)] or goods
        frame_goods = _cargo_over_carrier(folded, _goods_for(
            folded, action, cargo, left_bound, right_bound, nominal, passive), goods)
        carried = False
        if frame_goods and ctx.previous_goods and all(
                lex.goods[g.ref].generic and _DEFINITE.search(folded[max(0, g.start - 12):g.start])
                for g in frame_goods):
            # "the equipment" after "vacuum pumps": the definite generic word points back
            specific = [g for g in ctx.previous_goods if not lex.goods[g.ref].generic]
            if specific:
                frame_goods = frame_goods + specific
                carried = True
        if not frame_goods and i and found_goods:
            frame_goods = list(found_goods)  # "was bought in Shenyang and sent to Pyongyang"
        elif not frame_goods and ctx.previous_goods and _refers_back(
                folded, sentence, action, passive, nominal):
            frame_goods = list(ctx.previous_goods)
            carried = True
        if entry.only_with:
            frame_goods = [
                g for g in frame_goods
                if (set(lex.goods[g.ref].tags) | _modifier_tags(folded, g, modifiers, lex))
                & set(entry.only_with)]
        if entry.conveyance:
            frame_goods = [g for g in frame_goods
                           if not set(lex.goods[g.ref].tags) & set(entry.conveyance)]
        if not frame_goods and entry.implied_goods and _used_as_verb(folded, action, parties):
            implied = lex.goods_by_term.get(fold(entry.implied_goods))
            if implied:  # the word itself stands for the goods: "armed by Iran"
                frame_goods = [Mention(Kind.GOODS, action.start, action.end, implied[0])]
        if not frame_goods:
            continue
        found_goods = frame_goods
        # a demonym is the goods' origin only for the goods of this frame: in "Russian
        # tankers delivered diesel" the tankers carry, so "Russian" names the supplier
        origin = _origins(folded, live_parties, frame_goods)
        suppliers, recipients, notes = _roles(
            folded, action, kind, nominal, passive, live_parties, markers, origin, frame_goods,
            sentence, left_bound, right_bound, actions, entry.place_is_recipient)
        inferred = False
        if not suppliers:
            found_origins = [origin.get(g.start) or (ctx.previous_origin(g) if carried else None)
                             for g in frame_goods]
            origins = [o for o in found_origins if o is not None]
            if origins and not any(o in recipients for o in origins):
                suppliers = origins[:1]
                inferred = True
                notes.append("supplier inferred from the origin of the goods")
        if entry.needs_origin and not inferred:
            continue  # "North Korea fired missiles": a use, not a transfer
        if not suppliers and not recipients and not live_parties and ctx.previous and (
                carried or _ANAPHOR.search(folded[sentence.start:sentence.end])
                or _DEFINITE_GOODS.search(folded[sentence.start:sentence.end])):
            prev = ctx.previous[-1]
            if prev.status is not Status.legal_context and (prev.suppliers or prev.recipients):
                suppliers, recipients = list(prev.suppliers), list(prev.recipients)
                carried = True
                notes.append("parties carried over from the previous sentence")
        status, status_cues = _status(folded, action, cues, lex, sentence)
        tags = tuple(_modifier_tags(folded, g, modifiers, lex) for g in frame_goods)
        made.add(span)
        if when is _UNDATED:
            when = _event_date(folded[sentence.start:sentence.end], ctx.published)
        frames.append(Frame(
            sentence=sentence, action=action, kind=kind, goods=tuple(frame_goods),
            suppliers=tuple(suppliers), recipients=tuple(recipients), status=status,
            cues=tuple(status_cues), when=cast("date | None", when), goods_tags=tags,
            notes=tuple(notes),
            carried=carried, inferred_supplier=inferred,
        ))
    return frames


_STATE_FORCES = re.compile(
    r"'s?\s+(?:own\s+)?(?:federal\s+|national\s+|transitional\s+)?(?:government|army|armed forces|"
    r"military|navy|air force|police|security forces|defence ministry|defense ministry|"
    r"ministry of defence|ministry of defense|coast guard)\b")
# "Haitian police", "Somali army": a demonym directly before the state's own forces
_DEMONYM_FORCES = re.compile(
    r"\s+(?:national\s+|federal\s+)?(?:government|army|armed forces|military|navy|air force|"
    r"police|security forces|coast guard)\b")
_FORCES_OF = re.compile(r"\b(?:government|army|armed forces|military|police|security forces|"
                        r"ministry of defen[cs]e)\s+of\s+(?:the\s+)?$")


def _as_government(folded: str, lex: CompiledLexicon, p: Mention) -> Mention:
    """ "Somalia's government", "the armed forces of Somalia": the state's own forces, which
    some embargoes exempt, stand for the party the lexicon names as its government."""
    if p.kind is not Kind.PARTY:
        return p
    government = lex.parties[p.ref].government
    if government is None or government not in lex.party_index:
        return p
    after = folded[p.end:p.end + 40]
    if _STATE_FORCES.match(after) or _FORCES_OF.search(folded[max(0, p.start - 40):p.start]) or (
            p.form == PartyForm.DEMONYM and _DEMONYM_FORCES.match(after)):
        return p._replace(ref=lex.party_index[government])
    return p


def _is_dateline(folded: str, sentence: Sentence, p: Mention) -> bool:
    # "SEOUL — Ski equipment...", "TEHRAN (Reuters) -": where the story was filed
    return p.start - sentence.start <= 2 and bool(
        _DATELINE_AFTER.match(folded[p.end:p.end + 40]))


def _refers_back(folded: str, sentence: Sentence, action: Mention, passive: bool,
                 nominal: bool) -> bool:
    """A pronoun that stands for goods of the previous sentence: the object of an active verb
    ("delivered them"), the subject of a passive ("They were later smuggled"). In "it sent a
    warning" the pronoun is the sender, not the goods."""
    if nominal:
        return False
    if passive:
        before = folded[max(sentence.start, action.start - 40):action.start]
        return bool(re.search(r"\b(?:it|they|these|those)\s+(?:[\w']+\s+){0,4}$", before))
    return bool(_PRONOUN_AFTER.match(folded[action.end:action.end + 8]))


def _is_lookalike(lex: CompiledLexicon, p: Mention) -> bool:
    return p.kind is Kind.PARTY and lex.parties[p.ref].kind == "lookalike"


def _marked_as_goods_word(folded: str, action: Mention) -> bool:
    # "shipping" in "shipping container" or "supply" in "supply chain" is not a transfer
    after = folded[action.end:action.end + 12]
    return bool(_GOODS_WORD_AFTER.match(after))


_VERB_FOLLOWERS = frozenset(
    "the a an its their his her them him it these those this that by with and , . ; to "
    "through via".split())


def _used_as_verb(folded: str, action: Mention, parties: list[Mention]) -> bool:
    """ "Iran armed the Houthis", "are armed by Iran" — but not "armed groups", "armed forces"."""
    if any(p.start - action.end in (0, 1) for p in parties):
        return True
    after = _words(folded[action.end:action.end + 16])[:1]
    return not after or after[0] in _VERB_FOLLOWERS


def _participle_adjective(folded: str, action: Mention, goods: list[Mention]) -> bool:
    """ "a shipment of used buses", "the smuggled cars": a participle between a determiner and
    its noun describes the goods; it is not a second event."""
    word = folded[action.start:action.end]
    if not word.endswith(("ed", "en")) or " " in word:
        return False
    before = _words(folded[max(0, action.start - 12):action.start])[-1:]
    if not before or before[0] not in _DETERMINERS:
        return False
    if any(g.start > action.end and len(_words(folded[action.end:g.start])) <= 3
           and not _CLAUSE_BREAK.search(folded[action.end:g.start]) for g in goods):
        return True
    after = _words(folded[action.end:action.end + 16])[:1]
    # "the armed forces": a plain word after the participle is the noun it describes
    return bool(after) and after[0].isalpha() and after[0] not in _VERB_FOLLOWERS


def _is_passive(folded: str, sent_start: int, action: Mention, goods: list[Mention]) -> bool:
    before = _words(folded[max(sent_start, action.start - 60):action.start])
    j = len(before) - 1
    while j >= 0 and (before[j] in _ADVERBS or before[j] == "being"):
        j -= 1
    word = folded[action.start:action.end].split(" ")[0]
    participle = word.endswith(("ed", "en")) or word in _PARTICIPLE_IRREGULAR
    if j >= 0 and before[j] in _BE and participle:
        return True
    # reduced relative: "drones sent to Russia" — unlike the active "dhows shipped charcoal",
    # nothing but a preposition, adverb or punctuation follows the participle
    if participle and any(0 <= action.start - g.end <= 2 for g in goods):
        after = _words(folded[action.end:action.end + 20])[:1]
        return not after or after[0] in _AFTER_REDUCED_RELATIVE
    return False


def _goods_for(folded: str, action: Mention, goods: list[Mention], left: int, right: int,
               nominal: bool, passive: bool) -> list[Mention]:
    """The goods of `action`, of its sentence's `goods` that are not a means of transport."""
    after = [g for g in goods if action.end <= g.start < right]
    before = [g for g in goods if left <= g.start and g.end <= action.start]
    near_before = [g for g in before if len(_words(folded[g.end:action.start])) <= 3]
    if passive:
        return near_before or before[-1:] or after
    if nominal:
        # "sale of two yachts", "deliveries of munitions"; "coal exports", "arms sales"
        # "the refurbishment by North Korea of Angolan naval vessels": "of" may follow the agent
        of_goods = [g for g in after if "of" in _words(folded[action.end:g.start])[:5]
                    and len(_words(folded[action.end:g.start])) <= 8]
        compound = [g for g in before if len(_words(folded[g.end:action.start])) <= 1]
        return of_goods[:1] + [g for g in of_goods[1:] if g.start - of_goods[0].end < 40] \
            + compound
    return after or before[-1:]


_CARRIES = re.compile(r"^\s*(?:,\s*)?(?:of|with|carrying|containing|filled with|loaded with|"
                      r"laden with|full of|packed with|holding|transporting)\b")


def _cargo_over_carrier(folded: str, chosen: list[Mention], goods: list[Mention]
                        ) -> list[Mention]:
    """ "containers of munitions", "a tanker carrying oil": the cargo is the goods, not the
    thing it travels in."""
    out: list[Mention] = []
    for g in chosen:
        cargo = [c for c in goods if c.start >= g.end and len(_words(folded[g.end:c.start])) <= 8
                 and _CARRIES.match(folded[g.end:c.start])]
        if cargo:
            out.extend(c for c in cargo[:3] if c not in out)
        elif g not in out:
            out.append(g)
    return out


def _is_conveyance(folded: str, g: Mention, lex: CompiledLexicon) -> bool:
    before = _words(folded[max(0, g.start - 30):g.start])
    while before and before[-1] in _NOUN_PHRASE_FILLER:
        before.pop()
    if not before:
        return False
    if before[-1] in {"on", "aboard", "onboard", "via", "by"}:
        return True
    carrier = not _CARRIER_TAGS.isdisjoint(lex.goods[g.ref].tags)
    if carrier and _TO_A_CARRIER.search(folded[max(0, g.start - 50):g.start]):
        return True  # "transferred oil to a North Korean-flagged ship": where, not what
    return before[-1] == "in" and bool(
        {"vehicle", "vessel", "aircraft"} & set(lex.goods[g.ref].tags))


def _origins(folded: str, parties: list[Mention], goods: list[Mention]) -> dict[int, Mention]:
    """goods start -> the party the goods come from ("Iranian-made drones", "garments sewn in
    North Korea")."""
    out: dict[int, Mention] = {}
    for g in goods:
        for p in parties:
            if p.start >= g.end and _MADE_IN.match(folded[g.end:p.start]):
                out[g.start] = p
                break
        if g.start in out:
            continue
        for p in parties:
            if p.form != PartyForm.DEMONYM or p.end > g.start:
                continue
            gap = folded[p.end:g.start]
            words = _words(gap)
            # adjacent, or one modifier between ("Iranian-made drones", "Russian Aurus car")
            if _ORIGIN_LINK.match(gap) or (len(words) == 1 and words[0].isalpha()) or (
                    _MADE_LINK.match(gap) and len(words) <= 6 and ";" not in words):
                out[g.start] = p
    return out


def _marker_before(folded: str, p: Mention, markers: list[Mention], floor: int,
                   actions: list[Mention], parties: list[Mention]) -> int:
    """MARKER_RECIPIENT / MARKER_SUPPLIER / 3 for "by" / 0, for the words before party p."""
    near = _words(folded[max(floor, p.start - 24):p.start])
    while near and near[-1] in _NOUN_PHRASE_FILLER:
        near.pop()
    if len(near) >= 2 and near[-1] in {"from", "of", "in"} and near[-2] in _GROUP_NOUNS:
        # "to buyers from Pyongyang", "by traders from China": the group's own marker decides
        group_at = folded.rfind(near[-2], max(floor, p.start - 24), p.start)
        inside_party = any(q.start <= group_at < q.end for q in parties)
        if group_at > floor and not inside_party:
            proxy = Mention(p.kind, group_at, group_at + len(near[-2]), p.ref, p.form)
            role = _marker_before(folded, proxy, markers, floor, actions, [])
            if role in (MARKER_RECIPIENT, MARKER_SUPPLIER, 3):
                return role
    for m in reversed(markers):
        if m.end > p.start:
            continue
        if m.end < floor:
            break
        between = [q for q in parties if m.end <= q.start and q.end <= p.start]
        if between and not _COORDINATION.fullmatch(folded[between[-1].end:p.start]):
            # "to the Somali army in Mogadishu": the marker belongs to the first party
            break
        gap = _words(folded[m.end:(between[0].start if between else p.start)])
        # "to one of the two rival Libyan governments": a short noun phrase may stand between
        breakers = _GAP_BREAKERS - _GROUP_LINKS if any(w in _GROUP_NOUNS for w in gap) \
            else _GAP_BREAKERS
        if gap and gap[-1] == ",":
            gap = gap[:-1]  # "to a plant in Kanggye, North Korea": the country of a place
        if len(gap) <= 5 and not any(w in breakers for w in gap) and not any(
                m.end <= a.start < p.start for a in actions) and not _NOT_A_RECIPIENT.search(
                folded[max(floor, m.start - 14):m.start]):  # "according to", "to resupply"
            return m.form
        break
    before = _words(folded[max(floor, p.start - 24):p.start])
    while before and before[-1] in _NOUN_PHRASE_FILLER:
        before.pop()
    if before and before[-1] == "by":
        # "a report by the Security Council's panel" attributes a source, not an agent
        return 4 if len(before) > 1 and before[-2] in _ATTRIBUTION_NOUNS else 3
    if before and before[-1] in {"in", "of"} and any(w in _GROUP_NOUNS for w in before[-4:-1]):
        # "armed groups in eastern Libya sold...": the group stands for the place, unless a
        # party names the group itself ("M23 rebels in eastern Congo")
        group_start = max(floor, p.start - 40)
        named = any(q.end <= p.start and q.end >= group_start and q is not p for q in parties)
        return 4 if named else 0
    if before and before[-1] in {"with", "of", "in", "at", "on", "against", "between",
                                 "among", "via", "through", "like", "as", "than", "and"}:
        return 4  # other prepositions: not a subject
    return 0


def _roles(folded: str, action: Mention, kind: str, nominal: bool, passive: bool,
           parties: list[Mention], markers: list[Mention], origin: dict[int, Mention],
           goods: list[Mention], sentence: Sentence, left: int, right: int,
           actions: list[Mention], place_is_recipient: bool = False
           ) -> tuple[list[Mention], list[Mention], list[str]]:
    suppliers: list[Mention] = []
    recipients: list[Mention] = []
    notes: list[str] = []
    origin_ids = {id(p) for p in origin.values()}
    subject: Mention | None = None
    hyphen_agent: Mention | None = None
    for p in parties:
        if p.end <= action.start and folded[p.end:action.start] == "-":
            hyphen_agent = p  # "North Korean-provided missiles"
            continue
        in_right = action.end <= p.start < right
        in_left = p.end <= action.start
        if kind == "exchange" and in_right and re.search(
                r"\b(?:with|between|and)\s+(?:(?:a|an|the|its)\s+)?$",
                folded[max(action.end, p.start - 20):p.start]):
            suppliers.append(p)  # "set up a joint venture with a North Korean company"
            recipients.append(p)
            continue
        mark = _marker_before(folded, p, markers, sentence.start, actions, parties)
        if place_is_recipient and in_right and re.search(
                r"\b(?:in|at)\s+(?:(?:the|a|an|several|many|various)\s+)?$",
                folded[max(action.end, p.start - 20):p.start]):
            recipients.append(p)  # "North Korean labourers work in Russia"
            continue
        if mark == MARKER_RECIPIENT and (in_right or nominal or kind == "carry"):
            recipients.append(p)
        elif mark == MARKER_SUPPLIER and (in_right or nominal or kind == "carry"):
            suppliers.append(p)
        elif mark == 3 and (passive or nominal):
            (recipients if kind == "acquire" else suppliers).append(p)
        elif in_right and mark == 0 and not passive and not nominal and kind == "transfer" \
                and not recipients and _is_indirect_object(folded, action, p):
            recipients.append(p)
        elif in_left and mark == 0 and id(p) not in origin_ids and p.start >= left - 200 \
                and not _FLAG_COMPOUND.match(folded[p.end:p.end + 12]):
            subject = p  # nearest unmarked party to the left wins (later ones overwrite)
    particle_in = _PARTICLE_IN.match(folded[action.end:action.end + 8])
    # an appositive between commas ("a tanker owned by X, a company blacklisted in 2018,")
    # does not push the subject away from its verb
    if subject is not None and not particle_in and len(_words(
            _APPOSITIVE.sub(" ", folded[subject.end:action.start]))) > 14:
        subject = None
    if hyphen_agent is not None:
        (recipients if kind == "acquire" else suppliers).append(hyphen_agent)
    if subject is not None:
        if particle_in:
            recipients.append(subject)
            notes.append("'... in' read as brought into the subject's country")
        elif nominal:
            # "Iran's delivery of drones", "North Korea's coal exports", and the subject of the
            # clause when the noun has no owner: "North Korea earned $1m from exports of coal"
            own = _POSSESSIVE.match(folded[subject.end:subject.end + 3]) or len(
                _words(folded[subject.end:action.start])) <= 2
            side = recipients if kind == "acquire" else suppliers
            if own or (not side and subject not in recipients + suppliers
                       and len(_words(folded[subject.end:action.start])) <= 12):
                side.append(subject)
        elif passive:
            between = _words(folded[subject.end:action.start])
            if kind == "transfer" and all(w in _BE or w in _ADVERBS or w in _GROUP_NOUNS
                                          or w in {"'s", "s", "have", "has", "had"}
                                          for w in between):
                recipients.append(subject)  # "Kim was given a limousine"
        elif kind == "acquire":
            recipients.append(subject)
        elif kind == "transfer":
            suppliers.append(subject)
        elif kind == "exchange":
            suppliers.append(subject)
            recipients.append(subject)
    return suppliers, recipients, notes


def _is_indirect_object(folded: str, action: Mention, p: Mention) -> bool:
    gap = _words(folded[action.end:p.start])
    return all(w in _NOUN_PHRASE_FILLER for w in gap) and len(gap) <= 2


def _status(folded: str, action: Mention, cues: list[Mention], lex: CompiledLexicon,
            sentence: Sentence) -> tuple[Status, list[Mention]]:
    found: dict[str, list[Mention]] = {}
    for c in cues:
        status = lex.cue_status[c.ref]
        if status == "legal_context":
            if c.end > action.start or len(_words(folded[c.end:action.start])) > 15:
                continue
            before = _words(folded[max(sentence.start, c.start - 40):c.start])[-4:]
            if any(w in _VIOLATION for w in before):
                continue
        elif status == "negation":
            if c.end > action.start or len(_words(folded[c.end:action.start])) > 2:
                continue
            if _ONLY_AFTER.match(folded[c.end:c.end + 8]):
                continue
        elif status == "planned":
            if c.end > action.start or len(_words(folded[c.end:action.start])) > 6:
                continue
        found.setdefault(status, []).append(c)
    for status in ("legal_context", "negation", "denied", "attempted", "planned", "alleged",
                   "historical"):
        if status in found:
            if status in ("denied", "negation") and "alleged" in found and status == "denied":
                return Status.alleged, found["alleged"] + found["denied"]
            mapped = Status.denied if status == "negation" else Status(status)
            return mapped, found[status]
    return Status.asserted, []


def _modifier_tags(folded: str, g: Mention, modifiers: list[Mention], lex: CompiledLexicon
                   ) -> frozenset[str]:
    tags = set()
    for mod in modifiers:
        if mod.end <= g.start and len(_words(folded[mod.end:g.start])) <= 2:
            tags.add(lex.modifier_tags[mod.ref])
    return frozenset(tags)


def _event_date(sentence_folded: str, published: date | None) -> date | None:
    # both patterns read four digits: most sentences have none, and one search says so
    if _FOUR_DIGITS.search(sentence_folded):
        found = _MONTH_YEAR.findall(sentence_folded)
        if found:
            month, year = max(((_MONTHS[m], int(y)) for m, y in found),
                              key=lambda t: (t[1], t[0]))
            if 1950 <= year <= 2049:
                return date(year, month, 15)
        years = years_in(sentence_folded)
        if years:
            return date(max(years), 7, 1)
    if published is not None and re.search(r"\blast year\b", sentence_folded):
        return published.replace(year=published.year - 1) if not (
            published.month == 2 and published.day == 29) else date(published.year - 1, 2, 28)
    return published
