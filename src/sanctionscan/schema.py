"""The typed schema of every YAML file in a rule set: regime rule files and lexicons.

Strict on purpose: unknown keys are refused, models are frozen, HS codes must be quoted strings
(YAML reads `8701.10` as a float and `NO` as false), and every list field says what it holds.
`sanctionscan rules schema` exports these models as JSON Schema for editors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from sanctionscan.models import Direction, Severity, Status

_EntryType = Literal["individual", "entity", "vessel"]
_ENTRY_TYPES: tuple[_EntryType, ...] = ("individual", "entity", "vessel")

# the patterns are named so that loaders can say them in words
HS_PATTERN = r"^\d{2}(\d{2}(\.?\d{2}(\d{2})?)?)?$"
TAG_PATTERN = r"^[a-z][a-z0-9_]*$"
PARTY_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
CATEGORY_PATTERN = r"^[a-z_]+\.[a-z_]+$"

HsCode = Annotated[
    str,
    StringConstraints(strict=True, pattern=HS_PATTERN),
    Field(description="HS chapter ('87'), heading ('8703') or subheading ('8703.10'); quoted"),
]
Term = Annotated[str, StringConstraints(strict=True, min_length=1)]
Tag = Annotated[str, StringConstraints(strict=True, pattern=TAG_PATTERN)]
PartyId = Annotated[str, StringConstraints(strict=True, pattern=PARTY_PATTERN)]
RuleId = Annotated[str, StringConstraints(strict=True, pattern=RULE_ID_PATTERN)]
Category = Annotated[str, StringConstraints(strict=True, pattern=CATEGORY_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- rule files


class Basis(Strict):
    resolution: Annotated[str, StringConstraints(strict=True)] = Field(
        description="Security Council resolution number, e.g. '2397'")
    paragraph: Annotated[str, StringConstraints(strict=True)] | None = Field(
        default=None, description="operative paragraph, e.g. '7' or '8(a)(iii)'")
    verified: bool = Field(default=True, description="false where the reference marks it [?]")
    note: str | None = None

    def cite(self) -> str:
        para = f" para. {self.paragraph}" if self.paragraph else ""
        mark = "" if self.verified else " (unverified)"
        return f"UNSCR {self.resolution}{para}{mark}"


class GoodsSelector(Strict):
    """Which goods a rule covers. A goods mention is covered when it matches any positive clause
    and no exclusion."""

    hs: list[HsCode] = Field(default_factory=list, description="HS prefixes covered")
    tags: list[Tag] = Field(default_factory=list, description="lexicon tags covered")
    terms: list[Term] = Field(default_factory=list, description="lexicon terms covered")
    exclude_hs: list[HsCode] = Field(default_factory=list)
    exclude_tags: list[Tag] = Field(default_factory=list)
    exclude_terms: list[Term] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> GoodsSelector:
        if not (self.hs or self.tags or self.terms):
            raise ValueError("a goods selector needs at least one of hs, tags or terms")
        return self


class ListedSelector(Strict):
    """Covers dealings with parties on an imported sanctions list."""

    regimes: list[Annotated[str, StringConstraints(strict=True)]] = Field(
        description="UN list types, e.g. 'DPRK', 'Al-Qaida', 'Taliban'")
    types: list[_EntryType] = Field(default_factory=lambda: list(_ENTRY_TYPES))
    exempt_tags: list[Tag] = Field(
        default_factory=list,
        description="goods tags the measure exempts (e.g. humanitarian, resolution 2664): a "
                    "dealing whose every goods word carries one is no finding")


ActivityKind = Literal["travel", "port_call", "ship_to_ship"]


class ActivitySelector(Strict):
    """Covers what a listed party does that a measure forbids without any goods changing
    hands: a listed person's travel abroad (a travel ban), a listed vessel's port call or
    ship-to-ship transfer."""

    kinds: list[ActivityKind] = Field(min_length=1)
    regimes: list[Annotated[str, StringConstraints(strict=True)]] = Field(
        description="UN list types, e.g. 'DPRK', 'Taliban'")
    types: list[_EntryType] = Field(default_factory=lambda: list(_ENTRY_TYPES))


class Period(Strict):
    start: date | None = Field(default=None, alias="from")
    until: date | None = None


class InForce(Strict):
    start: date | None = Field(default=None, alias="from", description="first day in force")
    until: date | None = Field(default=None, description="last day in force")
    gaps: list[Period] = Field(default_factory=list, description="periods when not in force")

    def covers(self, day: date) -> bool:
        if self.start and day < self.start:
            return False
        if self.until and day > self.until:
            return False
        for gap in self.gaps:
            if (gap.start is None or day >= gap.start) and (gap.until is None or day <= gap.until):
                return False
        return True


class Example(Strict):
    text: Term
    published: date | None = None
    evidence: list[Term] = Field(
        default_factory=list, description="words the finding's evidence must cover")
    note: str | None = None


ExampleItem = Example | Term


class Examples(Strict):
    flag: list[ExampleItem] = Field(default_factory=list, description="must produce a finding")
    no_flag: list[ExampleItem] = Field(default_factory=list, description="must not")


class Rule(Strict):
    id: RuleId = Field(description="stable identifier, never reused")
    category: Category
    title: Term
    severity: Severity
    basis: list[Basis] = Field(min_length=1)
    direction: list[Direction] = Field(
        min_length=1, description="which flows are covered: to_target, from_target, dealing")
    target: list[PartyId] | None = Field(
        default=None, description="party ids of the regime's target; defaults to the file's")
    goods: GoodsSelector | None = None
    listed: ListedSelector | None = None
    activity: ActivitySelector | None = None
    in_force: InForce = Field(default_factory=InForce)
    exemptions: list[str] = Field(default_factory=list, description="exemptions, in words")
    context_any: list[Term] = Field(
        default_factory=list,
        description="the rule fires only when one of these words is in the sentence or the one "
                    "before (e.g. illicit, smuggled for a ban on illicit exports only)")
    statuses: list[Status] = Field(
        default_factory=lambda: [Status.asserted, Status.alleged, Status.attempted,
                                 Status.planned, Status.denied, Status.historical])
    covered_by: list[Category] = Field(
        default_factory=list,
        description="categories whose finding for the same target in the same article tells "
                    "the story this rule would tell again (workers' wages sent home are the "
                    "workers measure's): with one, this rule's finding is left out")
    description: str | None = None
    examples: Examples = Field(default_factory=Examples)

    @model_validator(mode="after")
    def _selects_something(self) -> Rule:
        if self.goods is None and self.listed is None and self.activity is None:
            raise ValueError("a rule needs a goods, a listed or an activity selector")
        return self


class RegimeFile(Strict):
    regime: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z_]+$")]
    title: Term
    committee: str | None = None
    target: list[PartyId] = Field(min_length=1, description="default target party ids")
    categories: list[Category] = Field(
        default_factory=list, description="categories this file adds to the built-in list")
    rules: list[Rule] = Field(default_factory=list)


# --------------------------------------------------------------------------- lexicons


class GoodsEntry(Strict):
    terms: list[Term] = Field(min_length=1)
    hs: list[HsCode] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    generic: bool = Field(
        default=False,
        description="a vague word (car, equipment): counts only as the object of a transfer")
    ignore: bool = Field(
        default=False, description="a look-alike that must never count as goods (Shell plc)")
    case_sensitive: bool = False
    to_governments: bool = Field(
        default=False,
        description="what states give states ('military aid to Somalia'): the recipient state "
                    "stands for its government, which some embargoes exempt")
    note: str | None = None


class GoodsLexicon(Strict):
    modifiers: dict[Tag, list[Term]] = Field(
        default_factory=dict,
        description="words just before a goods term that add a tag ('luxury' -> luxury)")
    company_tags: dict[Tag, list[Tag]] = Field(
        default_factory=dict,
        description="goods moved together with goods of the key tag take it too: "
                    "{arms: [aircraft]} makes the aircraft of an arms deal military")
    company_tags_generic: list[Tag] = Field(
        default_factory=list,
        description="a vague goods word (generic) moved together with goods of these tags "
                    "takes them: the 'spare engines' of 'fighter jets and spare engines'")
    goods: list[GoodsEntry]


PartyKind = Literal["state", "group", "organisation", "person", "lookalike"]


class PartyEntry(Strict):
    id: PartyId
    label: Term
    kind: PartyKind = "state"
    names: list[Term] = Field(default_factory=list, description="names and aliases")
    demonyms: list[Term] = Field(default_factory=list, description="North Korean, Iranian")
    metonyms: list[Term] = Field(
        default_factory=list, description="capitals, leaders, organs, places standing for it")
    government: PartyId | None = Field(
        default=None,
        description="the party that '<name>'s government / army / police' stands for, where "
                    "the regime treats the state's own forces differently (SO -> SO-GOV)")
    armed_groups: PartyId | None = Field(
        default=None,
        description="the party 'gangs' or 'armed groups' stand for in an article filed from "
                    "this state (HT -> HT-GANGS), where no group is named")
    short_forms: list[Term] = Field(
        default_factory=list,
        description="short names ('Kim') that count only after a full name in the same article")
    case_sensitive: list[Term] = Field(
        default_factory=list, description="aliases matched only in exactly this case (US, ROK)")
    note: str | None = None


class PartiesLexicon(Strict):
    parties: list[PartyEntry]


ActionKind = Literal["transfer", "acquire", "carry", "exchange"]


class ActionEntry(Strict):
    lemma: Term
    kind: ActionKind = Field(
        description="transfer: subject supplies; acquire: subject receives; carry: subject "
                    "moves goods, direction from prepositions only; exchange: goods go both ways")
    forms: list[Term] = Field(min_length=1, description="every inflected form used in news")
    nouns: list[Term] = Field(default_factory=list, description="nominal forms (shipment)")
    only_with: list[Tag] = Field(
        default_factory=list,
        description="the word is a transfer only for goods with one of these tags (\"set up\" "
                    "a joint venture, not a missile launch)")
    implied_goods: Term | None = Field(
        default=None,
        description="a goods term the word carries in itself when the sentence names none "
                    "('the Houthis are armed by Iran' moves weapons)")
    place_is_recipient: bool = Field(
        default=False,
        description="'in X' / 'at X' names the receiving side: North Korean workers 'work in "
                    "Russia'")
    subject_is_goods: bool = Field(
        default=False,
        description="what stands before the verb is the goods, even a vehicle: 'new buses "
                    "crossed into Sinuiju' (for the means of transport, see conveyance)")
    place_is_origin: bool = Field(
        default=False,
        description="'in X' / 'at X' names the sending side: dhows 'loaded charcoal at "
                    "Kismayo'")
    needs_origin: bool = Field(
        default=False,
        description="a use word (fired, deployed, found) that implies a transfer only when the "
                    "goods come from another party: 'Russia fired North Korean missiles'")
    conveyance: list[Tag] = Field(
        default_factory=list,
        description="goods tags that are how the goods travel, not the goods (a ship-to-ship "
                    "transfer's vessels)")


CueStatus = Literal["alleged", "denied", "attempted", "planned", "historical", "legal_context",
                    "negation", "not_in_force", "hypothetical", "exempted", "cleared"]


class CueEntry(Strict):
    status: CueStatus
    terms: list[Term] = Field(min_length=1)


class ActivityEntry(Strict):
    """Words for what a listed party does without goods: 'travelled to', 'docked at'."""

    kind: ActivityKind
    terms: list[Term] = Field(min_length=1)


class ActionsLexicon(Strict):
    actions: list[ActionEntry]
    activities: list[ActivityEntry] = Field(
        default_factory=list,
        description="travel, port-call and ship-to-ship words, for measures with no goods")
    cues: list[CueEntry] = Field(default_factory=list)
    recipient_markers: list[Term] = Field(
        default_factory=list, description="words before a recipient: to, into, bound for")
    supplier_markers: list[Term] = Field(
        default_factory=list, description="words before a supplier: from, out of")


# --------------------------------------------------------------------------- grammar files
#
# lexicon/grammar.<lang>.yaml: how a language arranges the words the lexicons name. Every
# field is a list of words or phrases (lower case, matched on folded text) that frame assembly
# reads; the descriptions say what each list decides.

Words = list[Term]


class NounPhraseGrammar(Strict):
    filler: Words = Field(description="words allowed between a preposition and its party")
    determiners: Words = Field(description="words before a participle that make it describe "
                                           "the goods ('the smuggled cars')")
    noun_determiners: Words = Field(description="words before a transfer word that make it a "
                                                "noun ('the supply')")
    unnamed_groups: Words = Field(
        default_factory=list,
        description="'a gang', 'armed groups': in an article filed from a state whose party "
                    "gives armed_groups, they stand for those groups")
    group_nouns: Words = Field(description="nouns for a group that a place or party names "
                                           "('forces in eastern Libya')")
    group_links: Words = Field(description="prepositions tying a group noun to its place")
    group_place_links: Words = Field(description="'groups in eastern Libya': the place names "
                                                 "the group")
    articles: Words
    possessives: Words
    group_origin_links: Words = Field(description="'buyers from Pyongyang': the group's marker "
                                                  "decides the role")
    attribution_nouns: Words = Field(description="'a report by X' names a source, not an agent")
    flag_compounds: Words = Field(description="'-registered', '-flagged': a flag, not an actor")
    descriptor_compounds: Words = Field(
        default_factory=list,
        description="'al-Qaida-linked', 'Iran-backed': the name describes another party")
    state_forces: Words = Field(description="the state's own forces ('Somalia's army')")
    state_force_ministries: Words = Field(description="ministries that stand for the state's "
                                                      "forces")
    state_force_qualifiers: Words = Field(description="'own', 'federal' before the forces")


class RolesGrammar(Strict):
    agent_marker: Term = Field(description="the word before the agent of a passive ('by')")
    non_subject_prepositions: Words = Field(description="after these a party is no subject")
    gap_breakers: Words = Field(description="words between a marker and a party that show "
                                            "the party belongs to another clause")
    not_recipient_before_to: Words = Field(description="'according to', 'a visit to': no "
                                                       "recipient")
    absolute_with: Term | None = Field(
        default=None, description="'with Iran supplying weapons': its party is the subject")
    infinitive_marker: Term | None = Field(
        default=None, description="'an effort by X to buy': the agent is the subject")
    enemy_markers: Words = Field(
        default_factory=list, description="'the fight against X': X is no party to a dealing")
    exchange_partner_markers: Words = Field(description="'a joint venture with X'")
    place_markers: Words = Field(description="'workers remain in Russia'")
    place_quantifiers: Words = Field(description="words between a place marker and the place")
    place_heads: Words = Field(
        default_factory=list,
        description="'at the port of Kismayo': a noun for a place, with 'of', may stand "
                    "between a place marker and the place")
    beneficiary_markers: Words = Field(
        default_factory=list,
        description="'sent ammunition to North Kivu to support the army': the party these "
                    "name is the recipient; the place only says where")


class VerbsGrammar(Strict):
    be_forms: Words = Field(description="auxiliaries of the passive")
    finite_be: Words = Field(description="'goods that were made in'")
    relative_pronouns: Words
    perfect_auxiliaries: Words = Field(description="'Kim has been given'")
    particle_into: Term = Field(description="'brought in trucks': into the subject's country")
    adverbs: Words = Field(description="adverbs skipped between auxiliary and participle")
    irregular_participles: Words
    after_reduced_relative: Words = Field(description="what may follow the participle of a "
                                                      "reduced relative ('drones sent to')")
    verb_followers: Words = Field(description="what may follow a word used as a verb")
    verb_context: Words = Field(description="words before a goods-or-verb word that make it a "
                                            "verb ('they ship')")
    compound_heads: Words = Field(description="'supply chain': the transfer word is part of a "
                                              "noun")
    light_verbs: Words = Field(
        default_factory=list,
        description="'Russia made two deliveries of weapons': before a transfer noun, the "
                    "subject of these acts as of the verb itself")
    origin_participles: Words = Field(description="'made in', 'sewn in': the goods' origin")
    origin_prepositions: Words
    origin_compounds: Words = Field(description="'Iranian-made': a demonym names the origin")


class MoneyGrammar(Strict):
    currency_signs: Words = Field(min_length=1, description="'$', 'US$', '€'")
    multipliers: Words = Field(default_factory=list, description="'million', 'bn'")
    term: Term = Field(description="the goods term whose lexicon entry a sum of money is")
    value_markers: Words = Field(
        default_factory=list,
        description="'worth $14 million', 'for $25 a barrel': a sum after these is a price or a "
                    "value, not money handed over")
    approximators: Words = Field(
        default_factory=list, description="'worth at least $14 million': words before a sum")
    value_after: Words = Field(
        default_factory=list,
        description="'$800,000 worth of steel': a sum before these is the goods' value")


class GoodsGrammar(Strict):
    carrier_tags: list[Tag] = Field(description="goods tags of things that carry goods")
    conveyance_prepositions: Words = Field(description="'on a dhow': the means of transport")
    conveyance_inside: Words = Field(description="'in a truck': the carrier, for carrier goods")
    carrier_prepositions: Words = Field(description="'transferred oil to a ship': the place")
    carrier_determiners: Words
    cargo_links: Words = Field(description="'a tanker carrying oil': the cargo is the goods")
    nominal_of: Term = Field(description="'deliveries of munitions'")
    exchange_links: Words = Field(
        default_factory=list, description="'in exchange for': the goods after flow back")
    negating_prefixes: Words = Field(
        default_factory=list, description="'anti-aircraft': the word after is no goods")
    organisation_suffixes: Words = Field(
        default_factory=list, description="'Hyundai Motor Company': a goods word in a name")
    source_markers: Words = Field(
        default_factory=list,
        description="'according to three workers': the people after these are the source")
    money: MoneyGrammar | None = Field(
        default=None,
        description="sums of money written with a currency sign ('$10 million'): goods of "
                    "the lexicon entry of `term`")
    qualified_heads: Words = Field(
        default_factory=list,
        description="'ship tracking', 'car dealers': a goods word right before these only "
                    "qualifies them")


class ReferencesGrammar(Strict):
    definite: Words = Field(description="definite words before a generic goods word that "
                                        "point back ('the equipment')")
    demonstratives: Words
    definite_goods_nouns: Words = Field(description="'the shipment': refers to goods named "
                                                    "before")
    anaphors: Words
    referring_determiners: Words = Field(
        default_factory=list,
        description="'his cars': a vague goods word after these refers to goods named before")
    object_pronouns: Words = Field(description="'delivered them'")
    passive_subject_pronouns: Words = Field(description="'They were smuggled'")


StatusName = CueStatus  # the statuses a cue can give


class StatusGrammar(Strict):
    precedence: list[StatusName] = Field(
        min_length=1, description="when several cues govern a transfer word, the first wins")
    scopes: dict[StatusName, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict,
        description="how many words before the transfer word a cue of this status reaches")
    violation_words: Words = Field(description="a legal formula after these describes a breach")
    negation_exceptions: Words = Field(description="'not only': negates nothing")
    sentence_negations: Words = Field(
        default_factory=list,
        description="a negation that opens the sentence ('No workers were found') negates its "
                    "whole clause, however far the verb")
    noun_phrase_breakers: Words = Field(
        default_factory=list,
        description="between 'no' and the goods these show 'no' is another noun's: 'no idea "
                    "how those vehicles'")
    scope_transparent: Words = Field(
        default_factory=list,
        description="words a scope does not count between a cue and its transfer word, beside "
                    "other transfer words ('agreed not to load, transport or deliver')")
    legal_after_links: Words = Field(
        default_factory=list,
        description="a legal cue after the transfer word governs it when one of these stands "
                    "right before the cue ('Selling coal ... is banned')")
    legal_after_reach: Annotated[int, Field(ge=0, le=30)] = Field(
        default=8, description="how many words after the transfer word such a cue may stand")
    question_marks: Words = Field(
        default_factory=list, description="a sentence ending in one of these asks, not tells")
    conditionals: Words = Field(
        default_factory=list, description="'if', 'unless': with a modal, a hypothetical")
    modals: Words = Field(
        default_factory=list,
        description="'could', 'would': before the transfer word, with a conditional in the "
                    "sentence, the transfer is hypothetical")
    modal_reach: Annotated[int, Field(ge=0, le=10)] = Field(
        default=3, description="how many words before the transfer word the modal may stand")
    fiction_markers: Words = Field(
        default_factory=list,
        description="words of a review or a story ('the film', 'fictional', 'the plot'): an "
                    "article with `fiction_threshold` different ones tells no real event")
    fiction_threshold: Annotated[int, Field(ge=1, le=20)] = 3


class DatesGrammar(Strict):
    months: Words = Field(min_length=12, max_length=12)
    last_year: Words
    lower_bound: Words = Field(
        default_factory=list, description="'since 2014': the event is after the date")
    measure_dated: Words = Field(
        default_factory=list, description="'adopted in 2017': a measure's date, not an event's")


class Grammar(Strict):
    language: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z]{2,3}$")]
    noun_phrases: NounPhraseGrammar
    roles: RolesGrammar
    verbs: VerbsGrammar
    goods: GoodsGrammar
    references: ReferencesGrammar
    status: StatusGrammar
    dates: DatesGrammar


# --------------------------------------------------------------------------- editor schema

SCHEMA_ID_BASE = "urn:sanctionscan:schema:1:"  # a name, not a download location
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Where a rule file *refers to* a known value (and so an editor can offer the list), as
# (model, field) -> kind. Fields that *define* values (a party's own id, a goods entry's tags,
# a regime file's extra categories) stay free.
_REFERENCES: dict[tuple[str, str], str] = {
    ("Rule", "category"): "category",
    ("GoodsSelector", "tags"): "tag",
    ("GoodsSelector", "exclude_tags"): "tag",
    ("ListedSelector", "exempt_tags"): "tag",
    ("ActionEntry", "only_with"): "tag",
    ("ActionEntry", "conveyance"): "tag",
    ("Rule", "target"): "party",
    ("RegimeFile", "target"): "party",
    ("PartyEntry", "government"): "party",
    ("PartyEntry", "armed_groups"): "party",
}


def _enumerate(node: object, values: list[str]) -> None:
    """Give every string leaf under a field's schema the list of known values."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["enum"] = values
            node.pop("pattern", None)
        for key in ("items", "anyOf", "oneOf"):
            child = node.get(key)
            for item in child if isinstance(child, list) else [child]:
                _enumerate(item, values)


def _rename_defs(node: object) -> object:
    # draft-07 keeps shared definitions under "definitions", not 2020-12's "$defs"
    if isinstance(node, dict):
        out: dict[str, object] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            else:
                out["definitions" if key == "$defs" else key] = _rename_defs(value)
        return out
    if isinstance(node, list):
        return [_rename_defs(item) for item in node]
    return node


def editor_schema(
    model: type[BaseModel],
    name: str,
    *,
    categories: list[str],
    tags: list[str],
    party_ids: list[str],
) -> dict[str, object]:
    """A draft-07 JSON Schema of one rule-file kind, with a stable `$id`, that lists the rule
    set's categories, tags and party ids where a file refers to them (editors complete them and
    flag a misspelling)."""
    schema = model.model_json_schema(by_alias=True)
    known = {"category": sorted(categories), "tag": sorted(tags), "party": sorted(party_ids)}
    definitions = dict(schema.get("$defs", {}))
    for (owner, field_name), kind in _REFERENCES.items():
        holder = schema if owner == model.__name__ else definitions.get(owner)
        if holder is None:
            continue
        prop = holder.get("properties", {}).get(field_name)
        if prop is not None:
            _enumerate(prop, known[kind])
    if model.__name__ != "RegimeFile":
        # a lexicon file in a user's folder adds to the shipped one: every top-level key is
        # optional there, and `replace: true` asks for a full replacement instead
        schema.pop("required", None)
        schema.setdefault("properties", {})["replace"] = {
            "type": "boolean", "default": False,
            "description": "true: replace the shipped file of this name instead of adding to it"}
    out = _rename_defs(schema)
    assert isinstance(out, dict)
    return {
        "$schema": DRAFT_07,
        "$id": f"{SCHEMA_ID_BASE}{name}",
        "title": out.pop("title", model.__name__),
        **out,
    }
