"""A language's grammar file compiled once per rule set: word sets and the patterns built on them.

`lexicon/grammar.<lang>.yaml` holds the words (role markers, fillers, cue scopes, reference
words); this module turns them into what frame assembly tests per word: frozensets for single
words and regular expressions whose *structure* (where spaces, hyphens and the end of the
string go) is fixed here while every word in them comes from the file. A rule author changes
what the engine knows of English by editing the file; nothing below hard-codes a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sanctionscan.dates import EventDating
from sanctionscan.schema import Grammar, MoneyGrammar, StatusName


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words` (phrases: any run of spaces between their words), the
    longest first so that a phrase wins over its first word."""
    ordered = sorted(dict.fromkeys(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in ordered)


def _starts_with_one_of(words: Iterable[str]) -> str:
    """A lookahead for the first letters of `words`: before a pattern searched over a whole
    text it lets the regex engine skip the places no word starts at (the fiction words
    are looked for in every article with a frame: measured 0.17 -> 0.10 ms per dense
    article)."""
    firsts = sorted({w[0] for w in words if w})
    return f"(?=[{''.join(re.escape(c) for c in firsts)}])" if firsts else ""


@dataclass(frozen=True, slots=True)
class StatusScope:
    """How a status cue governs a transfer word."""

    precedence: tuple[StatusName, ...]
    # status -> how many words before the transfer word its cues reach (absent: the sentence)
    reach: dict[StatusName, int]
    sentence_negations: frozenset[str]
    noun_phrase_breakers: frozenset[str]
    transparent: frozenset[str]
    legal_after_links: frozenset[str]
    legal_after_reach: int
    question_marks: tuple[str, ...]
    conditional: re.Pattern[str]
    modals: frozenset[str]
    modal_reach: int
    fiction: re.Pattern[str]
    fiction_threshold: int


@dataclass(frozen=True, slots=True)
class CompiledGrammar:
    language: str
    # single words
    filler: frozenset[str]
    determiners: frozenset[str]
    group_nouns: frozenset[str]
    group_links: frozenset[str]
    group_place_links: frozenset[str]
    group_origin_links: frozenset[str]
    attribution_nouns: frozenset[str]
    agent_marker: str
    non_subject_prepositions: frozenset[str]
    gap_breakers: frozenset[str]
    be_forms: frozenset[str]
    # be-forms, perfect auxiliaries, adverbs and modals: what may stand between a relative
    # pronoun and its verb ("that could be used", "that had loaded")
    auxiliaries: frozenset[str]
    adverbs: frozenset[str]
    irregular_participles: frozenset[str]
    after_reduced_relative: frozenset[str]
    verb_followers: frozenset[str]
    perfect_auxiliaries: frozenset[str]
    carrier_tags: frozenset[str]
    relative_pronouns: frozenset[str]
    articles: frozenset[str]
    conveyance_prepositions: frozenset[str]
    conveyance_inside: frozenset[str]
    violation_words: frozenset[str]
    nominal_of: str
    status: StatusScope
    # patterns (the words from the file, the shape from here); `made_in` and `cargo_link` are
    # meant for `match(text, pos, endpos)` over the gap between two mentions, without slicing
    not_a_recipient: re.Pattern[str]
    made_in: re.Pattern[str]
    to_a_carrier: re.Pattern[str]
    definite_goods: re.Pattern[str]
    definite_before: re.Pattern[str]
    made_link: re.Pattern[str]
    origin_link: re.Pattern[str]
    anaphor: re.Pattern[str]
    flag_compound: re.Pattern[str]
    descriptor_compound: re.Pattern[str]
    absolute_with: str | None
    infinitive_marker: str | None
    enemy_before: re.Pattern[str]
    pronoun_after: re.Pattern[str]
    pronoun_with_after: re.Pattern[str]  # "providing it with": the pronoun receives
    compound_head_after: re.Pattern[str]
    particle_into: re.Pattern[str]
    negation_exception_after: re.Pattern[str]
    state_forces_after_owner: re.Pattern[str]
    state_forces_after_demonym: re.Pattern[str]
    forces_of_before: re.Pattern[str]
    cargo_link: re.Pattern[str]
    exchange_partner_before: re.Pattern[str]
    place_before: re.Pattern[str]
    passive_subject_before: re.Pattern[str]
    dating: EventDating  # how a sentence dates its event
    verb_context_before: re.Pattern[str]
    noun_determiner_before: re.Pattern[str]
    possessive_before: re.Pattern[str]  # "its (rapid) acquisition": the noun has an owner
    beneficiary_before: re.Pattern[str]  # "to support the (Congolese) army"
    light_verb_before: re.Pattern[str]  # "made (two) deliveries": a noun used as a verb
    of_after: re.Pattern[str]
    negating_prefix_before: re.Pattern[str]
    source_before: re.Pattern[str]  # "according to (three) workers"
    qualified_head_after: re.Pattern[str]  # "(ship) tracking", "(car) dealers"
    unnamed_group: re.Pattern[str]  # "a gang", "armed groups": the home state's groups
    money: re.Pattern[str]  # "$10 million": a sum of money (see money_term)
    money_value_before: re.Pattern[str]  # "worth (at least) $14 million": a price
    money_value_after: re.Pattern[str]  # "$800,000 worth of": the value of goods
    money_term: str | None
    exchange_link: re.Pattern[str]
    referring_before: re.Pattern[str]
    organisation_after: re.Pattern[str]


def _dated_by(words: list[str], months: list[str], relative: list[str] | None = None
              ) -> re.Pattern[str]:
    """A date after one of `words`: "since 2014", "since the UN lifted its embargo in December
    2023" (up to eight words between), "adopted on 22 December 2017", and with `relative`
    ("last year") "since August last year"."""
    if not words:
        return re.compile(r"(?!)")
    month = _alternation(months)
    year = r"(?:19|20)\d\d\b"
    if relative:
        year = rf"(?:{year}|(?:{_alternation(relative)})\b)"
    return re.compile(
        rf"\b(?:{_alternation(words)})\s+(?:[\w'-]+\s+){{0,8}}?"
        rf"(?:\d{{1,2}}\s+)?(?:(?:{month})\s+)?(?:\d{{1,2}},?\s+)?{year}")


def _money(money: MoneyGrammar | None) -> re.Pattern[str]:
    """ "$10 million", "US$ 200,000", "€5m": a currency sign, a number, a multiplier."""
    if money is None:
        return re.compile(r"(?!)")
    signs = "|".join(re.escape(s) for s in sorted(money.currency_signs, key=len, reverse=True))
    multipliers = _alternation(money.multipliers)
    tail = rf"(?:\s?(?:{multipliers})\b)?" if multipliers else ""
    return re.compile(rf"(?<![\w$€£])(?:{signs})\s?\d[\d,.]*\d?{tail}")


def _money_value(money: MoneyGrammar | None) -> re.Pattern[str]:
    """ "worth (at least) ", "for ": what makes the sum after it a price or a value."""
    if money is None or not money.value_markers:
        return re.compile(r"(?!)")
    approx = _alternation(money.approximators)
    between = rf"(?:(?:{approx})\s+)?" if approx else ""
    return re.compile(rf"\b(?:{_alternation(money.value_markers)})\s+{between}$")


def _money_value_after(money: MoneyGrammar | None) -> re.Pattern[str]:
    """ " worth (of)": what makes the sum before it the value of goods."""
    if money is None or not money.value_after:
        return re.compile(r"(?!)")
    return re.compile(rf"\s+(?:{_alternation(money.value_after)})\b")


def _status_scope(g: Grammar) -> StatusScope:
    st = g.status
    conditionals = _alternation(st.conditionals) or r"(?!)"
    return StatusScope(
        precedence=tuple(st.precedence), reach=dict(st.scopes),
        sentence_negations=frozenset(st.sentence_negations),
        noun_phrase_breakers=frozenset(st.noun_phrase_breakers),
        transparent=frozenset(st.scope_transparent),
        legal_after_links=frozenset(st.legal_after_links), legal_after_reach=st.legal_after_reach,
        question_marks=tuple(st.question_marks),
        conditional=re.compile(rf"\b(?:{conditionals})\b"), modals=frozenset(st.modals),
        modal_reach=st.modal_reach,
        fiction=re.compile(rf"{_starts_with_one_of(st.fiction_markers)}\b"
                           rf"(?:{_alternation(st.fiction_markers) or '(?!)'})\b"),
        fiction_threshold=st.fiction_threshold)


def _event_dating(g: Grammar) -> EventDating:
    return EventDating(
        months={m: i for i, m in enumerate(g.dates.months, 1)},
        month_year=re.compile(
            rf"\b({_alternation(g.dates.months)})\s+(?:\d{{1,2}},?\s+)?(\d{{4}})\b"),
        last_year=re.compile(rf"\b(?:{_alternation(g.dates.last_year)})\b"),
        lower_bound=_dated_by(g.dates.lower_bound, g.dates.months, g.dates.last_year),
        measure=_dated_by(g.dates.measure_dated, g.dates.months))


def compile_grammar(g: Grammar) -> CompiledGrammar:
    np, roles, verbs, goods, refs = g.noun_phrases, g.roles, g.verbs, g.goods, g.references
    alt = _alternation
    forces = alt(np.state_forces)
    qualifiers = alt(np.state_force_qualifiers)
    return CompiledGrammar(
        language=g.language,
        filler=frozenset(np.filler),
        determiners=frozenset(np.determiners),
        group_nouns=frozenset(np.group_nouns),
        group_links=frozenset(np.group_links),
        group_place_links=frozenset(np.group_place_links),
        group_origin_links=frozenset(np.group_origin_links),
        attribution_nouns=frozenset(np.attribution_nouns),
        agent_marker=roles.agent_marker,
        non_subject_prepositions=frozenset(roles.non_subject_prepositions),
        gap_breakers=frozenset(roles.gap_breakers),
        be_forms=frozenset(verbs.be_forms),
        auxiliaries=frozenset([*verbs.be_forms, *verbs.perfect_auxiliaries, *verbs.adverbs,
                               *g.status.modals]),
        adverbs=frozenset(verbs.adverbs),
        irregular_participles=frozenset(verbs.irregular_participles),
        after_reduced_relative=frozenset(verbs.after_reduced_relative),
        verb_followers=frozenset(verbs.verb_followers),
        perfect_auxiliaries=frozenset(verbs.perfect_auxiliaries),
        carrier_tags=frozenset(goods.carrier_tags),
        relative_pronouns=frozenset(verbs.relative_pronouns),
        articles=frozenset(np.articles),
        conveyance_prepositions=frozenset(goods.conveyance_prepositions),
        conveyance_inside=frozenset(goods.conveyance_inside),
        violation_words=frozenset(g.status.violation_words),
        nominal_of=goods.nominal_of,
        status=_status_scope(g),
        not_a_recipient=re.compile(rf"\b(?:{alt(roles.not_recipient_before_to)})\s+$"),
        made_in=re.compile(
            rf"\s*,?\s+(?:(?:{alt(verbs.relative_pronouns)}) (?:{alt(verbs.finite_be)}) )?"
            rf"(?:{alt(verbs.origin_participles)})\s+(?:{alt(verbs.origin_prepositions)})\s+"
            rf"(?:(?:{alt(np.articles)})\s+)?$"),
        to_a_carrier=re.compile(
            rf"\b(?:{alt(goods.carrier_prepositions)})\s+"
            rf"(?:(?:{alt(goods.carrier_determiners)})\s+)?(?:[\w'-]+\s+){{0,2}}$"),
        definite_goods=re.compile(
            rf"\b(?:{alt(refs.demonstratives)}) (?:{alt(refs.definite_goods_nouns)})\b"),
        definite_before=re.compile(rf"\b(?:{alt(refs.definite)})\s+(?:[\w-]+\s+)?$"),
        made_link=re.compile(rf"^\s*-\s*(?:{alt(verbs.origin_compounds)})\b"),
        origin_link=re.compile(rf"^\s*-?\s*(?:{alt(verbs.origin_compounds)})?\s*$"),
        anaphor=re.compile(rf"\b({alt(refs.anaphors)})\b"),
        flag_compound=re.compile(rf"-(?:{alt(np.flag_compounds)})\b"),
        descriptor_compound=re.compile(
            rf"-(?:{alt(np.descriptor_compounds) or '(?!)'})\b"),
        absolute_with=roles.absolute_with,
        infinitive_marker=roles.infinitive_marker,
        enemy_before=re.compile(
            rf"\b(?:{alt(roles.enemy_markers) or '(?!)'})\s+(?:(?:{alt(np.filler)})\s+)*$"),
        pronoun_after=re.compile(rf"\s+(?:{alt(refs.object_pronouns)})\b"),
        pronoun_with_after=re.compile(
            rf"\s+(?:{alt(refs.object_pronouns)})\s+{re.escape(roles.absolute_with or 'with')}\b"),
        compound_head_after=re.compile(rf"\s+({alt(verbs.compound_heads)})\b"),
        particle_into=re.compile(
            rf"\s+{re.escape(verbs.particle_into)}\b(?!\s+(?:{alt(np.articles)}|\d))"),
        negation_exception_after=re.compile(rf"\s+({alt(g.status.negation_exceptions)})\b"),
        state_forces_after_owner=re.compile(
            rf"'s?\s+(?:(?:{qualifiers})\s+){{0,2}}"
            rf"(?:{alt([*np.state_forces, *np.state_force_ministries])})\b"),
        state_forces_after_demonym=re.compile(rf"\s+(?:(?:{qualifiers})\s+)?(?:{forces})\b"),
        forces_of_before=re.compile(
            rf"\b(?:{alt([*np.state_forces, *np.state_force_ministries])})\s+of\s+"
            rf"(?:(?:{alt(np.articles)})\s+)?$"),
        cargo_link=re.compile(rf"\s*(?:,\s*)?(?:{alt(goods.cargo_links)})\b"),
        exchange_partner_before=re.compile(
            rf"\b(?:{alt(roles.exchange_partner_markers)})\s+"
            rf"(?:(?:{alt([*np.articles, *np.possessives])})\s+)?$"),
        place_before=re.compile(
            rf"\b(?:{alt(roles.place_markers)})\s+(?:(?:{alt(roles.place_quantifiers)})\s+)?"
            rf"(?:(?:{alt(roles.place_heads) or '(?!)'})\s+of\s+)?$"),
        passive_subject_before=re.compile(
            rf"\b(?:{alt(refs.passive_subject_pronouns)})\s+(?:[\w']+\s+){{0,4}}$"),
        dating=_event_dating(g),
        verb_context_before=re.compile(rf"(?:\b(?:{alt(verbs.verb_context)})\s+)$"),
        noun_determiner_before=re.compile(rf"(?:\b(?:{alt(np.noun_determiners)})|'s?)\s+$"),
        possessive_before=re.compile(rf"\b(?:{alt(np.possessives)})\s+(?:[\w-]+\s+){{0,2}}$"),
        light_verb_before=re.compile(
            rf"\b(?:{alt(verbs.light_verbs) or '(?!)'})\s+(?:(?:{alt(np.determiners)}|\d+)\s+)?$"),
        beneficiary_before=re.compile(
            rf"\b(?:{alt(roles.beneficiary_markers) or '(?!)'})\s+"
            rf"(?:(?:{alt([*np.articles, *np.possessives])})\s+)?$"),
        of_after=re.compile(rf"\s+{re.escape(goods.nominal_of)}\b"),
        exchange_link=re.compile(rf"\b(?:{alt(goods.exchange_links) or '(?!)'})\b"),
        referring_before=re.compile(
            rf"\b(?:{alt(refs.referring_determiners) or '(?!)'})\s+(?:[\w-]+\s+){{0,2}}$"),
        money=_money(goods.money),
        money_value_before=_money_value(goods.money),
        money_value_after=_money_value_after(goods.money),
        money_term=goods.money.term if goods.money else None,
        unnamed_group=re.compile(rf"\b(?:{alt(np.unnamed_groups) or '(?!)'})\b"),
        qualified_head_after=re.compile(
            rf"[ \t]+(?:{alt(goods.qualified_heads) or '(?!)'})\b(?!-)"),
        source_before=re.compile(
            rf"\b(?:{alt(goods.source_markers) or '(?!)'})\s+(?:[\w-]+\s+){{0,2}}$"),
        negating_prefix_before=re.compile(
            rf"\b(?:{alt(goods.negating_prefixes) or '(?!)'})-$"),
        organisation_after=re.compile(
            rf"(?:\s+[\w&'-]+)?\s+(?:{alt(goods.organisation_suffixes) or '(?!)'})\b\.?"),
    )
