"""Who supplies and who receives: roles of the parties around one transfer word.

Roles come from the words before a party (a `Marker`: "to X" recipient, "from X" supplier,
"by X" agent), from voice (the subject of an active "sold" supplies, of an active "bought"
receives, of a passive "was given" receives), from origin adjectives ("Iranian-made drones"),
and from a few constructions the grammar file names ("a joint venture with X", "workers in
Russia"). Every word list these rules read is in the grammar file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from sanctionscan.extract import Kind, Mention
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon, Marker, PartyForm
from sanctionscan.schema import ActionKind
from sanctionscan.text import Sentence, words

# Shapes of text, not words of a language: punctuation and spacing only.
_COORDINATION = re.compile(r"\s*(?:,|and|or|, and)\s*(?:the\s+)?")
_APPOSITIVE = re.compile(r",[^,;.]{1,90},")
_POSSESSIVE = re.compile(r"\s*'s?\b")
_DATELINE_AFTER = re.compile(r"(?:,[^,\n]{1,25})?(?:\s*\([^)]{1,30}\))?\s+[-—–:]\s")

# how far back from a party its marker and noun phrase are looked for, in characters
_MARKER_REACH = 24
_GROUP_REACH = 40
# an unmarked party further left of its verb than this is not its subject
_SUBJECT_REACH = 200
_MAX_SUBJECT_GAP_WORDS = 14
# a demonym further before its goods than this is not their origin (the tests below need at
# most six words between them)
_ORIGIN_REACH = 200


def as_government(g: CompiledGrammar, lex: CompiledLexicon, folded: str, p: Mention) -> Mention:
    """ "Somalia's government", "the armed forces of Somalia": the state's own forces, which
    some embargoes exempt, stand for the party the lexicon names as its government."""
    if p.kind is not Kind.PARTY:
        return p
    government = lex.parties[p.ref].government
    if government is None or government not in lex.party_index:
        return p
    after = folded[p.end:p.end + 40]
    if g.state_forces_after_owner.match(after) \
            or g.forces_of_before.search(folded[max(0, p.start - 40):p.start]) \
            or (p.form == PartyForm.DEMONYM and g.state_forces_after_demonym.match(after)):
        return p._replace(ref=lex.party_index[government])
    return p


def is_dateline(folded: str, sentence: Sentence, p: Mention) -> bool:
    """ "SEOUL — Ski equipment...", "TEHRAN (Reuters) -": where the story was filed."""
    return p.start - sentence.start <= 2 and bool(
        _DATELINE_AFTER.match(folded[p.end:p.end + 40]))


def is_lookalike(lex: CompiledLexicon, p: Mention) -> bool:
    return p.kind is Kind.PARTY and lex.parties[p.ref].kind == "lookalike"


def is_bystander(g: CompiledGrammar, folded: str, p: Mention) -> bool:
    """A name that takes no part in the dealing: a descriptor of another party ("an
    al-Qaida-linked group") or the enemy ("the fight against ISIL")."""
    if g.descriptor_compound.match(folded, p.end, p.end + 16):
        return True
    return bool(g.enemy_before.search(folded, max(0, p.start - 40), p.start))


def origins(g: CompiledGrammar, folded: str, parties: list[Mention], goods: list[Mention]
            ) -> dict[int, Mention]:
    """goods start -> the party the goods come from ("Iranian-made drones", "garments sewn in
    North Korea")."""
    out: dict[int, Mention] = {}
    for m in goods:
        made_in = next((p for p in parties
                        if p.start >= m.end and g.made_in.match(folded, m.end, p.start)), None)
        if made_in is not None:
            out[m.start] = made_in
            continue
        for p in parties:
            if p.form != PartyForm.DEMONYM or p.end > m.start or m.start - p.end > _ORIGIN_REACH:
                continue
            gap = folded[p.end:m.start]
            gap_words = words(gap)
            # adjacent, or one modifier between ("Iranian-made drones", "Russian Aurus car")
            if g.origin_link.match(gap) or (len(gap_words) == 1 and gap_words[0].isalpha()) or (
                    g.made_link.match(gap) and len(gap_words) <= 6 and ";" not in gap_words):
                out[m.start] = p
    return out


def origins_by_entry(g: CompiledGrammar, folded: str, parties: list[Mention],
                     goods: list[Mention]) -> dict[int, Mention]:
    """goods lexicon entry -> its origin party, for goods referred back to later."""
    by_start = origins(g, folded, parties, goods)
    return {m.ref: by_start[m.start] for m in goods if m.start in by_start}


@dataclass(slots=True)
class RoleContext:
    """One transfer word and what its roles are read from."""

    g: CompiledGrammar
    folded: str
    sentence: Sentence
    action: Mention
    kind: ActionKind
    nominal: bool
    passive: bool
    parties: list[Mention]
    markers: list[Mention]
    actions: list[Mention]
    goods: list[Mention]
    origin: dict[int, Mention]
    left: int  # end of the transfer word before this one (or the sentence start)
    right: int  # start of the transfer word after this one (or the sentence end)
    place_is_recipient: bool = False
    place_is_origin: bool = False
    # sorted offsets for bisection (markers and parties are disjoint and sorted by start, so
    # their ends are sorted too)
    marker_ends: list[int] = field(default_factory=list)
    party_starts: list[int] = field(default_factory=list)
    action_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.marker_ends = [m.end for m in self.markers]
        self.party_starts = [p.start for p in self.parties]
        self.action_starts = [a.start for a in self.actions]

    def parties_between(self, parties: list[Mention], start: int, end: int) -> list[Mention]:
        """The parties of `parties` (the context's own, or none) inside [start, end)."""
        if parties is not self.parties:
            return [q for q in parties if start <= q.start and q.end <= end]
        i = bisect_left(self.party_starts, start)
        j = bisect_left(self.party_starts, end, lo=i)
        return [q for q in parties[i:j] if q.end <= end]

    def action_between(self, start: int, end: int) -> bool:
        """Whether a transfer word starts inside [start, end)."""
        k = bisect_left(self.action_starts, start)
        return k < len(self.action_starts) and self.action_starts[k] < end


@dataclass(slots=True)
class Roles:
    suppliers: list[Mention] = field(default_factory=list)
    recipients: list[Mention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def side(self, kind: ActionKind) -> list[Mention]:
        """Where the agent of `kind` goes: the recipients of an acquisition, else suppliers."""
        return self.recipients if kind == "acquire" else self.suppliers


def assign_roles(rc: RoleContext) -> Roles:
    """Suppliers and recipients of `rc.action` among the sentence's parties."""
    g, folded, action = rc.g, rc.folded, rc.action
    roles = Roles()
    origin_ids = {id(p) for p in rc.origin.values()}
    subject: Mention | None = None
    hyphen_agent: Mention | None = None
    antecedent = _pronoun_recipient(rc)
    for p in rc.parties:
        if p is antecedent:
            roles.recipients.append(p)
            continue
        if p.end <= action.start and folded[p.end:action.start] == "-":
            hyphen_agent = p  # "North Korean-provided missiles"
            continue
        in_right = action.end <= p.start < rc.right
        in_left = p.end <= action.start
        window = folded[max(action.end, p.start - 20):p.start]
        if rc.kind == "exchange" and in_right and g.exchange_partner_before.search(window):
            roles.suppliers.append(p)  # "set up a joint venture with a North Korean company"
            roles.recipients.append(p)
            continue
        if rc.place_is_recipient and in_right and g.place_before.search(window):
            roles.recipients.append(p)  # "North Korean labourers work in Russia"
            continue
        if rc.place_is_origin and in_right and g.place_before.search(window):
            roles.suppliers.append(p)  # "dhows loaded charcoal at Kismayo"
            continue
        mark = marker_before(rc, p, rc.parties)
        if _marked_role(rc, roles, p, mark, in_right):
            continue
        if in_left and mark is Marker.NONE and id(p) not in origin_ids \
                and p.start >= rc.left - _SUBJECT_REACH \
                and not g.flag_compound.match(folded[p.end:p.end + 12]):
            subject = p  # nearest unmarked party to the left wins (later ones overwrite)
    particle_in = bool(g.particle_into.match(folded[action.end:action.end + 8]))
    # an appositive between commas ("a tanker owned by X, a company blacklisted in 2018,")
    # does not push the subject away from its verb
    if subject is not None and not particle_in and not _owns(rc, subject) \
            and not _relative_subject(rc, subject) and _distance(
            _APPOSITIVE.sub(" ", folded[subject.end:action.start])) > _MAX_SUBJECT_GAP_WORDS:
        subject = None
    if hyphen_agent is not None:
        roles.side(rc.kind).append(hyphen_agent)
    if subject is not None:
        _place_subject(rc, roles, subject, particle_in)
    _beneficiaries_only(rc, roles)
    return roles


def _pronoun_recipient(rc: RoleContext) -> Mention | None:
    """ "Russia is rebuilding North Korea's air force, providing it with jets": the pronoun
    before "with" stands for the party named last before the verb, and receives; the party
    before that stays the subject. (With one party before the verb, that is the subject.)"""
    if rc.nominal or not rc.g.pronoun_with_after.match(rc.folded, rc.action.end):
        return None
    before = [p for p in rc.parties
              if rc.sentence.start <= p.start and p.end <= rc.action.start]
    return before[-1] if len(before) >= 2 else None


def _beneficiaries_only(rc: RoleContext, roles: Roles) -> None:
    """ "sent ammunition to North Kivu to support the Congolese army": where a recipient is
    named as the one the goods support, the other recipients were only where they went."""
    if len(roles.recipients) < 2:
        return
    floor = rc.sentence.start
    named = [p for p in roles.recipients if rc.g.beneficiary_before.search(
        rc.folded, max(floor, p.start - _MARKER_REACH - 8), p.start)]
    if named and len(named) < len(roles.recipients):
        roles.recipients[:] = named
        roles.notes.append("the recipient is the party the goods support, not the place")


def _marked_role(rc: RoleContext, roles: Roles, p: Mention, mark: Marker, in_right: bool
                 ) -> bool:
    """Give `p` the role its marker says, if it says one here; whether it did."""
    # a marker reaches its verb from the right, from a noun, for a carrying verb, and from
    # the subject of a passive ("Charcoal from Somalia was shipped to Oman")
    reaches = in_right or rc.nominal or rc.kind == "carry" or rc.passive
    if mark is Marker.RECIPIENT and reaches:
        roles.recipients.append(p)
    elif mark is Marker.SUPPLIER and (reaches or rc.kind == "transfer"):
        # (and the origin in the subject of a handing-over: "cargo flights from Iran
        # delivered drones")
        roles.suppliers.append(p)
    elif mark is Marker.AGENT and (rc.passive or rc.nominal):
        roles.side(rc.kind).append(p)
    elif in_right and mark is Marker.NONE and not rc.passive and not rc.nominal \
            and rc.kind == "transfer" and not roles.recipients \
            and _is_indirect_object(rc, p):
        roles.recipients.append(p)  # "gave Kim a limousine"
    else:
        return False
    return True


def _place_subject(rc: RoleContext, roles: Roles, subject: Mention, particle_in: bool) -> None:
    """The role of the unmarked party before the verb, by voice and kind."""
    g, folded, action = rc.g, rc.folded, rc.action
    if particle_in:
        roles.recipients.append(subject)
        roles.notes.append("'... in' read as brought into the subject's country")
    elif rc.nominal:
        # "Iran's delivery of drones", "North Korea's coal exports", and the subject of the
        # clause when the noun has no owner: "North Korea earned $1m from exports of coal"
        gap = _distance(folded[subject.end:action.start])
        # "North Korea ... has accelerated its acquisition of vessels": a possessive
        # pronoun before the noun stands for the subject of the clause, however far
        own = _POSSESSIVE.match(folded[subject.end:subject.end + 3]) or gap <= 2 or _owns(
            rc, subject)
        side = roles.side(rc.kind)
        # a far subject of the clause ("the panel is investigating North Korean coal
        # exports") yields to the goods' own origin
        if own or (not side and subject not in roles.recipients + roles.suppliers
                   and gap <= 12 and not rc.origin):
            side.append(subject)
    elif rc.passive:
        between = words(folded[subject.end:action.start])
        allowed = g.be_forms | g.adverbs | g.group_nouns | g.perfect_auxiliaries
        if rc.kind == "transfer" and all(w in allowed for w in between):
            roles.recipients.append(subject)  # "Kim was given a limousine"
    elif rc.kind == "exchange":
        roles.suppliers.append(subject)
        roles.recipients.append(subject)
    elif rc.kind in ("acquire", "transfer"):
        roles.side(rc.kind).append(subject)


def _owns(rc: RoleContext, subject: Mention) -> bool:
    """Whether a possessive pronoun before the transfer noun stands for the clause's subject
    ("North Korea ... has accelerated its acquisition of vessels"), however far it is."""
    return rc.nominal and bool(rc.g.possessive_before.search(
        rc.folded, max(subject.end, rc.action.start - 40), rc.action.start))


def _relative_subject(rc: RoleContext, subject: Mention) -> bool:
    """ "Russia, which has already made two deliveries ... and provides it with": the verbs
    of a relative clause opened by a comma after a party have it for subject, however long
    the clause (up to the verb's reach)."""
    after = words(rc.folded[subject.end:subject.end + 12])
    return len(after) >= 2 and after[0] == "," and after[1] in rc.g.relative_pronouns and not any(
        w in _CLAUSE_BREAKS for w in words(rc.folded[subject.end:rc.action.start]))


_CLAUSE_BREAKS = frozenset({";", ":"})


def _distance(stretch: str) -> int:
    """How many words and marks `stretch` holds, quotation marks not counted: quoting a
    phrase ("a “substantial breach” of") moves nothing further away."""
    return sum(1 for w in words(stretch) if w not in _QUOTES)


_QUOTES = frozenset({'"', "'"})


def _is_indirect_object(rc: RoleContext, p: Mention) -> bool:
    gap = words(rc.folded[rc.action.end:p.start])
    return all(w in rc.g.filler for w in gap) and len(gap) <= 2


def _words_to_action(rc: RoleContext, p: Mention) -> list[str] | None:
    """The words between party `p` and a transfer word after it (None: it is not after),
    less adverbs and the group noun the party may qualify ("an Iranian company to buy")."""
    if p.end > rc.action.start:
        return None
    g = rc.g
    return [w for w in words(rc.folded[p.end:rc.action.start])
            if w not in g.adverbs and w not in g.group_nouns]


def _words_before(rc: RoleContext, start: int) -> list[str]:
    """The words just before `start` in its sentence, noun-phrase filler taken off the end."""
    near = words(rc.folded[max(rc.sentence.start, start - _MARKER_REACH):start])
    while near and near[-1] in rc.g.filler:
        near.pop()
    return near


def marker_before(rc: RoleContext, p: Mention, parties: list[Mention]) -> Marker:
    """What the words before party `p` say of its role."""
    near = _words_before(rc, p.start)
    via_group = _group_marker(rc, p, near, parties)
    if via_group is not None:
        return via_group
    via_hit = _nearest_marker(rc, p, parties)
    if via_hit is not None:
        return via_hit
    return _preposition_marker(rc, p, near, parties)


def _group_marker(rc: RoleContext, p: Mention, near: list[str], parties: list[Mention]
                  ) -> Marker | None:
    """ "to buyers from Pyongyang", "by traders from China": the group's own marker decides."""
    g, floor = rc.g, rc.sentence.start
    if len(near) < 2 or near[-1] not in g.group_origin_links or near[-2] not in g.group_nouns:
        return None
    group_at = rc.folded.rfind(near[-2], max(floor, p.start - _MARKER_REACH), p.start)
    if group_at <= floor or any(q.start <= group_at < q.end for q in parties):
        return None
    if any(0 <= group_at - q.end <= 2 for q in rc.parties):
        # "to the Congolese army in North Kivu": a party names the group, the place only
        # locates it
        return Marker.OTHER
    proxy = Mention(p.kind, group_at, group_at + len(near[-2]), p.ref, p.form)
    role = marker_before(rc, proxy, [])
    return role if role in (Marker.RECIPIENT, Marker.SUPPLIER, Marker.AGENT) else None


def _nearest_marker(rc: RoleContext, p: Mention, parties: list[Mention]) -> Marker | None:
    """The role of the marker hit nearest before `p` ("to", "bound for"), if it governs `p`:
    few words between, none that break the phrase, no transfer word between."""
    g, folded, floor = rc.g, rc.folded, rc.sentence.start
    k = bisect_right(rc.marker_ends, p.start) - 1
    if k < 0 or rc.markers[k].end < floor:
        return None
    m = rc.markers[k]
    between = rc.parties_between(parties, m.end, p.start)
    if between and not _COORDINATION.fullmatch(folded[between[-1].end:p.start]):
        return None  # "to the Somali army in Mogadishu": the marker belongs to the first party
    gap = words(folded[m.end:(between[0].start if between else p.start)])
    # "to one of the two rival Libyan governments": a short noun phrase may stand between
    breakers = g.gap_breakers - g.group_links if any(w in g.group_nouns for w in gap) \
        else g.gap_breakers
    if gap and gap[-1] == ",":
        gap = gap[:-1]  # "to a plant in Kanggye, North Korea": the country of a place
    if len(gap) <= 5 and not any(w in breakers for w in gap) \
            and not rc.action_between(m.end, p.start) \
            and not g.not_a_recipient.search(folded[max(floor, m.start - 14):m.start]):
        return Marker(m.form)
    return None


def _preposition_marker(rc: RoleContext, p: Mention, before: list[str],
                        parties: list[Mention]) -> Marker:
    """Roles said by the word right before `p`: "by" an agent, other prepositions none."""
    g = rc.g
    if not before:
        return Marker.NONE
    last = before[-1]
    if last == g.agent_marker:
        # "a report by the Security Council's panel" attributes a source, not an agent
        if len(before) > 1 and before[-2] in g.attribution_nouns:
            return Marker.OTHER
        # "an effort by North Korea to buy lathes": the agent does what the infinitive says
        if _words_to_action(rc, p) == [g.infinitive_marker]:
            return Marker.NONE
        return Marker.AGENT
    if last == g.absolute_with and _words_to_action(rc, p) == [] \
            and rc.folded[rc.action.start:rc.action.end].endswith("ing"):
        return Marker.NONE  # "with Iran supplying weapons to the Houthis"
    if last in g.group_place_links and any(w in g.group_nouns for w in before[-4:-1]):
        # "armed groups in eastern Libya sold...": the group stands for the place, unless a
        # party names the group itself ("M23 rebels in eastern Congo")
        group_start = max(rc.sentence.start, p.start - _GROUP_REACH)
        named = any(group_start <= q.end <= p.start and q is not p for q in parties)
        return Marker.OTHER if named else Marker.NONE
    if last in g.non_subject_prepositions:
        return Marker.OTHER  # other prepositions: not a subject
    return Marker.NONE
