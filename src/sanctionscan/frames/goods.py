"""Which goods mentions a transfer word moves, and whether a word is a verb or part of a noun.

"containers of munitions" moves munitions, "on a dhow" names the carrier, "the smuggled cars"
is one event with a participle adjective, "supply chain" is no transfer at all. Every word
these tests look for comes from the grammar file (`goods`, `verbs`, `noun_phrases`).
"""

from __future__ import annotations

import re

from sanctionscan.extract import Mention
from sanctionscan.grammar import CompiledGrammar
from sanctionscan.lexicon import CompiledLexicon
from sanctionscan.text import words

_CLAUSE_BREAK = re.compile(r"[,;.]\s")


def marked_as_goods_word(g: CompiledGrammar, folded: str, action: Mention) -> bool:
    """ "shipping" in "shipping container", "supply" in "supply chain": not a transfer."""
    return bool(g.compound_head_after.match(folded[action.end:action.end + 12]))


def used_as_verb(g: CompiledGrammar, folded: str, action: Mention,
                 parties: list[Mention]) -> bool:
    """ "Iran armed the Houthis", "are armed by Iran" — but not "armed groups"."""
    if any(p.start - action.end in (0, 1) for p in parties):
        return True
    after = words(folded[action.end:action.end + 16])[:1]
    return not after or after[0] in g.verb_followers


def participle_adjective(g: CompiledGrammar, folded: str, action: Mention,
                         goods: list[Mention]) -> bool:
    """ "a shipment of used buses", "the smuggled cars": a participle between a determiner and
    its noun describes the goods; it is not a second event."""
    word = folded[action.start:action.end]
    if not word.endswith(("ed", "en")) or " " in word:
        return False
    before = words(folded[max(0, action.start - 12):action.start])[-1:]
    if not before or before[0] not in g.determiners:
        return False
    if any(m.start > action.end and len(words(folded[action.end:m.start])) <= 3
           and not _CLAUSE_BREAK.search(folded[action.end:m.start]) for m in goods):
        return True
    after = words(folded[action.end:action.end + 16])[:1]
    # "the armed forces": a plain word after the participle is the noun it describes
    return bool(after) and after[0].isalpha() and after[0] not in g.verb_followers


def is_passive(g: CompiledGrammar, folded: str, sent_start: int, action: Mention,
               goods: list[Mention]) -> bool:
    """ "was delivered", "were reportedly sent", and the reduced relative "drones sent to"."""
    before = words(folded[max(sent_start, action.start - 60):action.start])
    j = len(before) - 1
    while j >= 0 and (before[j] in g.adverbs or before[j] == "being"):
        j -= 1
    word = folded[action.start:action.end].split(" ")[0]
    participle = word.endswith(("ed", "en")) or word in g.irregular_participles
    if j >= 0 and before[j] in g.be_forms and participle:
        return True
    # reduced relative: "drones sent to Russia" — unlike the active "dhows shipped charcoal",
    # nothing but a preposition, adverb or punctuation follows the participle
    if participle and any(0 <= action.start - m.end <= 2 for m in goods):
        after = words(folded[action.end:action.end + 20])[:1]
        return not after or after[0] in g.after_reduced_relative
    return False


def goods_for(g: CompiledGrammar, folded: str, action: Mention, goods: list[Mention],
              left: int, right: int, nominal: bool, passive: bool,
              lex: CompiledLexicon | None = None, text: str | None = None) -> list[Mention]:
    """The goods of `action`, of its sentence's `goods` that are not a means of transport,
    between the neighbouring transfer words `left` and `right`."""
    goods = _heads(folded, goods)
    after = [m for m in goods if action.end <= m.start < right]
    before = [m for m in goods if left <= m.start and m.end <= action.start]
    near_before = [m for m in before if len(words(folded[m.end:action.start])) <= 3]
    if passive:
        return near_before or before[-1:] or after
    if nominal:
        # "sale of two yachts", "deliveries of munitions"; "coal exports", "arms sales"
        # "the refurbishment by North Korea of Angolan naval vessels": "of" may follow the agent
        of_goods = [m for m in after if g.nominal_of in words(folded[action.end:m.start])[:5]
                    and len(words(folded[action.end:m.start])) <= 8]
        compound = [m for m in before if len(words(folded[m.end:action.start])) <= 1]
        return of_goods[:1] + [m for m in of_goods[1:] if m.start - of_goods[0].end < 40] \
            + compound
    # an active verb's goods before it are its object moved up ("the trucks that Russia
    # delivered"): close by, in its own clause
    close = [m for m in before[-1:] if len(words(folded[m.end:action.start])) <= _OBJECT_BEFORE
             and not _CLAUSE_END.search(folded, m.end, action.start)
             and not (_carrier_subject(g, lex, folded, m, action, text)
                      and not (lex is not None and lex.actions[action.ref].subject_is_goods))]
    return after or close


def _heads(folded: str, goods: list[Mention]) -> list[Mention]:
    """The goods words that head their noun phrase: in "diesel buses" or "steel pipes" the
    first word qualifies the second (`with_compounds` takes back a brand of the same kind)."""
    heads = []
    for i, m in enumerate(goods):
        nxt = goods[i + 1] if i + 1 < len(goods) else None
        if nxt is not None and nxt.start >= m.end and not folded[m.end:nxt.start].strip():
            continue  # right before another goods word: its qualifier
        heads.append(m)
    return heads


def _carrier_subject(g: CompiledGrammar, lex: CompiledLexicon | None, folded: str, m: Mention,
                     action: Mention, text: str | None = None) -> bool:
    """ "tankers loading at Vostochny", "ships delivered oil", "the ferry Mangyongbong-92
    carried": a carrier right before an active verb, or its name between, is its subject,
    not its object."""
    if lex is None or g.carrier_tags.isdisjoint(lex.goods[m.ref].tags):
        return False
    # ("the ship that had loaded them": a relative clause's subject too)
    between = [w for w in words(folded[m.end:action.start])
               if w not in g.relative_pronouns and w not in g.auxiliaries]
    return not between or (text is not None and _is_name(text[m.end:action.start]))


def _is_name(stretch: str) -> bool:
    """Whether `stretch` is a short proper name ("Mangyongbong-92", "Wise Honest")."""
    tokens = stretch.split()
    return 0 < len(tokens) <= _NAME_WORDS and all(t[0].isupper() or t[0].isdigit()
                                                   for t in tokens)


_NAME_WORDS = 4


def with_compounds(lex: CompiledLexicon, folded: str, chosen: list[Mention],
                   goods: list[Mention]) -> list[Mention]:
    """`chosen` with the specific goods words that qualify them in one noun phrase ("Three
    Lexus LX 600 sport utility vehicles": the brand is the goods too). A qualifier of another
    kind ("diesel buses", "steel pipes") names what the goods run on or are made of."""
    out = list(chosen)
    for m in chosen:
        kind = set(lex.goods[m.ref].tags)
        for other in goods:
            if other.end <= m.start and other not in out and not lex.goods[other.ref].generic \
                    and kind & set(lex.goods[other.ref].tags) \
                    and len(words(folded[other.end:m.start])) <= _COMPOUND_GAP \
                    and not any(c in folded[other.end:m.start] for c in ",;:()"):
                out.append(other)
    return out


# words (a model number: "LX 600") that may stand between a brand and the noun it qualifies
_COMPOUND_GAP = 2


# how many words an active verb's object may stand before it ("the 40 trucks Russia's
# state firm delivered"), and what ends its clause on the way
_OBJECT_BEFORE = 14
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:and|but|while)\b")


def cargo_over_carrier(g: CompiledGrammar, folded: str, chosen: list[Mention],
                       goods: list[Mention]) -> list[Mention]:
    """ "containers of munitions", "a tanker carrying oil": the cargo is the goods, not the
    thing it travels in."""
    out: list[Mention] = []
    for m in chosen:
        cargo = [c for c in goods if c.start >= m.end and g.cargo_link.match(folded, m.end, c.start)
                 and len(words(folded[m.end:c.start])) <= 8]
        if cargo:
            out.extend(c for c in cargo[:3] if c not in out)
        elif m not in out:
            out.append(m)
    return out


def is_conveyance(g: CompiledGrammar, lex: CompiledLexicon, folded: str, m: Mention) -> bool:
    """ "on a dhow", "aboard the tanker", "by truck", "transferred oil to a tanker": how or
    where the goods travel, not what they are."""
    before = words(folded[max(0, m.start - 30):m.start])
    while before and before[-1] in g.filler:
        before.pop()
    if not before:
        return False
    if before[-1] in g.conveyance_prepositions:
        return True
    carrier = not g.carrier_tags.isdisjoint(lex.goods[m.ref].tags)
    if carrier and g.to_a_carrier.search(folded[max(0, m.start - 50):m.start]):
        return True
    return before[-1] in g.conveyance_inside and carrier


def modifier_tags(lex: CompiledLexicon, folded: str, m: Mention,
                  modifiers: list[Mention]) -> frozenset[str]:
    """Tags the words just before a goods word add ("luxury cars", "military trucks")."""
    tags = set()
    for mod in modifiers:
        if mod.end <= m.start and len(words(folded[mod.end:m.start])) <= 2:
            tags.add(lex.modifier_tags[mod.ref])
    return frozenset(tags)


def in_company(lex: CompiledLexicon, goods: list[Mention], tags: tuple[frozenset[str], ...]
               ) -> tuple[frozenset[str], ...]:
    """`tags` (one set per goods mention) with the tags goods take from the goods they are
    moved with (the goods lexicon's `company_tags`: aircraft moved with arms are military)."""
    if not lex.company_tags and not lex.company_tags_generic:
        return tags
    present = set().union(*(lex.goods[m.ref].tags for m in goods), *tags)
    out = []
    for m, own in zip(goods, tags, strict=True):
        entry = lex.goods[m.ref]
        entry_tags = set(entry.tags) | own
        taken = {tag for tag, takers in lex.company_tags.items()
                 if tag in present and tag not in entry_tags and takers & entry_tags}
        if entry.generic:
            taken |= (lex.company_tags_generic & present) - entry_tags
        out.append(own | taken if taken else own)
    return tuple(out)
