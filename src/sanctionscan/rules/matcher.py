"""Rules over frames: which UN measure a frame may breach, and the finding that says so.

Goods coverage is decided once per rule set: for every goods lexicon entry (and every modifier
tag) the list of rules whose selector covers it. Per frame the work is a few set lookups, not a
pass over the rules. Findings from several frames with the same rule and parties in one article
merge into one finding that keeps all their evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.extract import Kind, ListedName, Mention
from sanctionscan.frames import Frame
from sanctionscan.frames.activities import Activity
from sanctionscan.frames.assembly import is_headline as _is_headline
from sanctionscan.lexicon import CompiledLexicon, fold
from sanctionscan.models import (
    NOT_EVENTS,
    Direction,
    Evidence,
    EvidenceRole,
    Finding,
    Goods,
    Span,
    Status,
)
from sanctionscan.rules.confidence import activity_score, score
from sanctionscan.rules.events import EventIndex
from sanctionscan.rules.kinds import RULE_KINDS, GoodsRules
from sanctionscan.ruleset import LoadedRule, RuleSet
from sanctionscan.schema import GoodsEntry, GoodsSelector
from sanctionscan.text import Sentence

# When several frames merge, the finding keeps the strongest status in this order.
_STATUS_ORDER = [Status.asserted, Status.attempted, Status.alleged, Status.historical,
                 Status.planned, Status.denied]


@lru_cache(maxsize=4096)
def _folded(terms: tuple[str, ...]) -> frozenset[str]:
    # _selects runs for every rule on each new (goods entry, tags) pair; folding the same
    # term lists again each time was most of a scanner's warm-up.
    return frozenset(fold(t) for t in terms)


def _selects(sel: GoodsSelector, entry: GoodsEntry, extra_tags: frozenset[str]) -> bool:
    tags = set(entry.tags) | extra_tags
    terms = _folded(tuple(entry.terms))
    if any(h.replace(".", "").startswith(x.replace(".", "")) for h in entry.hs
           for x in sel.exclude_hs):
        return False
    if tags & set(sel.exclude_tags) or terms & _folded(tuple(sel.exclude_terms)):
        return False
    if any(h.replace(".", "").startswith(x.replace(".", "")) for h in entry.hs for x in sel.hs):
        return True
    return bool(tags & set(sel.tags) or terms & _folded(tuple(sel.terms)))


class RuleIndex:
    """Goods entry -> rules, built once per rule set."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.lex: CompiledLexicon = ruleset.lexicon
        # each kind's rules, in rule-set order (a rule belongs to every kind that covers it)
        self.by_kind: dict[str, list[LoadedRule]] = {
            name: [r for r in ruleset.rules if kind.covers(r.rule)]
            for name, kind in RULE_KINDS.items()}
        self.goods_rules = self.by_kind[GoodsRules.name]
        self._cache: dict[tuple[int, frozenset[str]], tuple[LoadedRule, ...]] = {}
        self._context: dict[str, re.Pattern[str]] = {}

    def context_pattern(self, loaded: LoadedRule) -> re.Pattern[str]:
        found = self._context.get(loaded.rule.id)
        if found is None:
            words = sorted((re.escape(fold(w)) for w in loaded.rule.context_any), key=len,
                           reverse=True)
            found = re.compile(r"\b(?:" + "|".join(words) + r")\b")
            self._context[loaded.rule.id] = found
        return found

    def rules_for(self, entry_index: int, extra_tags: frozenset[str]) -> tuple[LoadedRule, ...]:
        key = (entry_index, extra_tags)
        found = self._cache.get(key)
        if found is None:
            entry = self.lex.goods[entry_index]
            found = tuple(r for r in self.goods_rules
                          if r.rule.goods is not None and _selects(r.rule.goods, entry,
                                                                   extra_tags))
            self._cache[key] = found
        return found


@dataclass
class _Draft:
    rule: LoadedRule
    direction: Direction
    target: str
    counterparty: str | None
    status: Status
    confidence: float
    goods: list[Mention] = field(default_factory=list)
    spans: dict[tuple[EvidenceRole, int, int], None] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    # the listed-party lines, newest first, shown before the rest
    explanation_head: list[str] = field(default_factory=list)
    # (membership sets beside the lists: a run-on sentence merges hundreds of frames here)
    said: set[str] = field(default_factory=set)
    goods_seen: set[Mention] = field(default_factory=set)
    sentences: dict[tuple[int, int], Sentence] = field(default_factory=dict)  # of its frames
    listed: dict[Mention, None] = field(default_factory=dict)  # the listed parties it names
    activity: Mention | None = None  # the activity word, for a finding with no goods
    activity_kind: str = ""
    sentence: tuple[int, int] | None = None
    hs: dict[str, None] = field(default_factory=dict)
    tags: dict[str, None] = field(default_factory=dict)
    listed_party: str | None = None


# how far before a frame's sentence a rule's context words may stand, in characters
_CONTEXT_BEFORE = 400


def _listed_explanation(match: ListedName) -> str:
    return (f"listed {match.type} {match.ref} '{match.primary_name}' ({match.regime}) matched "
            f"as '{match.text}' via alias '{match.alias}' ({match.alias_quality}), similarity "
            f"{match.score:.0f} >= {match.threshold:.0f}"
            + (f"; steps: {', '.join(match.steps)}" if match.steps else "")
            + "".join(f"; {detail}" for detail in match.details))


class FindingBuilder:
    def __init__(self, index: RuleIndex, doc_id: str, analysis: DocumentAnalysis) -> None:
        self.index = index
        self.lex = index.lex
        self.doc_id = doc_id
        self.analysis = analysis
        self.text = analysis.text
        self.mentions = analysis.mentions
        self.drafts: dict[tuple[str, str, str | None], _Draft] = {}
        # (regime, party) pairs a goods measure already flagged in this document: a listed
        # group such as the Houthis then needs no second, designated-party finding
        self._goods_hits: set[tuple[str, str]] = set()
        # (regime, sentence span) of the frames a goods measure flagged
        self._event_hits: set[tuple[str, int, int]] = set()

    def party_id(self, m: Mention) -> str:
        if m.kind is Kind.LISTED:
            if m.party >= 0:
                return self.lex.parties[m.party].id
            return str(self.mentions.listed[m.ref].ref)
        return self.lex.parties[m.ref].id

    def add_frames(self, frames: Iterable[Frame]) -> None:
        for frame in frames:
            if frame.status in NOT_EVENTS:
                continue
            for name, kind in RULE_KINDS.items():
                kind.draft(self, frame, self.index.by_kind[name])

    def add_activities(self, activities: Iterable[Activity]) -> None:
        for activity in activities:
            if activity.status in NOT_EVENTS:
                continue
            for name, kind in RULE_KINDS.items():
                kind.draft_activity(self, activity, self.index.by_kind[name])

    def admits_activity(self, loaded: LoadedRule, activity: Activity) -> bool:
        """`admits` for an activity: its status is flagged and its date in force."""
        rule = loaded.rule
        if activity.status not in rule.statuses:
            return False
        return activity.when is None or rule.in_force.covers(activity.when)

    def record_activity(self, loaded: LoadedRule, activity: Activity, match: ListedName
                        ) -> None:
        """A listed party's activity (travel abroad, a port call, a ship-to-ship transfer)."""
        place = activity.place
        counterparty = self.party_id(place) if place is not None else None
        key = (loaded.rule.id, str(match.ref), counterparty)
        confidence = activity_score(activity.status, has_place=place is not None).value
        sentence = activity.sentence
        draft = self.drafts.get(key)
        if draft is None:
            draft = _Draft(loaded, Direction.dealing, str(match.ref), counterparty,
                           activity.status, confidence,
                           sentence=(sentence.start, sentence.end))
            draft.activity, draft.activity_kind = activity.word, activity.kind
            self.drafts[key] = draft
        elif confidence > draft.confidence:
            draft.confidence, draft.sentence = confidence, (sentence.start, sentence.end)
        draft.sentences[(sentence.start, sentence.end)] = sentence
        draft.listed[activity.party] = None
        roles: tuple[tuple[EvidenceRole, Mention | None], ...] = (
            ("listed", activity.party), ("action", activity.word), ("counterparty", place))
        for role, m in roles:
            if m is not None:
                draft.spans[(role, m.start, m.end)] = None
        for cue in activity.cues:
            draft.spans[("cue", cue.start, cue.end)] = None
        why = (f"{activity.status.value} {activity.kind.replace('_', ' ')} "
               f"'{self._t(activity.word)}' by listed {_listed_explanation(match)}")
        if place is not None:
            why += f"; to {counterparty} via '{self._t(place)}'"
        if activity.when is not None:
            why += f"; dated {activity.when.isoformat()}, in force"
        if why not in draft.said:
            draft.said.add(why)
            draft.explanation.append(why)

    def admits(self, loaded: LoadedRule, frame: Frame) -> bool:
        """The checks every kind of rule makes: the frame's status is one the rule flags, its
        date is in force, and the rule's context words (if any) stand near it."""
        rule = loaded.rule
        if frame.status not in rule.statuses:
            return False
        if frame.when is not None and not rule.in_force.covers(frame.when):
            return False
        return not rule.context_any or self._has_context(loaded, frame)

    def goods_hit(self, regime: str, party: str, frame: Frame, targets: tuple[str, ...]
                  ) -> None:
        """A goods measure of `regime` (on `targets`) flagged `party` here: a designation
        finding for the same party (the Houthis, Al-Shabaab) would say nothing more, nor one
        for a group the measure also targets, told in the same sentence. A measure on no
        group (antiquities taken from Syria) leaves the dealing with the group a finding of
        its own: the event falls under two measures."""
        self._goods_hits.add((regime, party))
        if any(self._is_group(t) for t in targets):
            self._event_hits.add((regime, frame.sentence.start, frame.sentence.end))

    def _is_group(self, party: str) -> bool:
        index = self.lex.party_index.get(party)
        return index is not None and self.lex.parties[index].kind != "state"

    def record_listed(self, loaded: LoadedRule, frame: Frame, m: Mention, match: ListedName,
                      counter: Mention | None) -> None:
        """A dealing with the listed party `m` (its list entry `match`) in `frame`."""
        self.record(loaded, Direction.dealing, frame, frame.goods[0], frame.goods_tags[0], m,
                    counter, target_id=str(match.ref))
        key = (loaded.rule.id, str(match.ref), self.party_id(counter) if counter else None)
        why = _listed_explanation(match)
        draft = self.drafts[key]
        if m.party >= 0 and self.lex.parties[m.party].kind == "group":
            # the listed entry is the group itself (the Houthis, Al-Shabaab)
            draft.listed_party = self.party_id(m)
        draft.spans[("listed", m.start, m.end)] = None
        draft.listed[m] = None
        draft.spans.pop(("target", m.start, m.end), None)
        if why not in draft.said:
            draft.said.add(why)
            draft.explanation_head.insert(0, why)

    def record(self, loaded: LoadedRule, direction: Direction, frame: Frame, goods: Mention,
                tags: frozenset[str], target_m: Mention, counter_m: Mention | None,
                target_id: str | None = None) -> None:
        target = target_id or self.party_id(target_m)
        counterparty = self.party_id(counter_m) if counter_m is not None else None
        key = (loaded.rule.id, target, counterparty)
        confidence = score(frame, generic_goods=self.lex.goods[goods.ref].generic,
                           has_counterparty=counter_m is not None).value
        draft = self.drafts.get(key)
        if draft is None:
            draft = _Draft(loaded, direction, target, counterparty, frame.status, confidence,
                           sentence=(frame.sentence.start, frame.sentence.end))
            self.drafts[key] = draft
        else:
            if _STATUS_ORDER.index(frame.status) < _STATUS_ORDER.index(draft.status):
                draft.status = frame.status
            if confidence > draft.confidence:
                draft.confidence = confidence
                draft.sentence = (frame.sentence.start, frame.sentence.end)
        draft.sentences[(frame.sentence.start, frame.sentence.end)] = frame.sentence
        entry = self.lex.goods[goods.ref]
        if goods not in draft.goods_seen:
            draft.goods_seen.add(goods)
            draft.goods.append(goods)
        draft.hs.update(dict.fromkeys(entry.hs))
        draft.tags.update(dict.fromkeys(sorted(set(entry.tags) | tags)))
        roles: tuple[tuple[EvidenceRole, Mention | None], ...] = (
            ("goods", goods), ("target", target_m), ("counterparty", counter_m),
            ("action", frame.action))
        for role, m in roles:
            if m is not None:
                draft.spans[(role, m.start, m.end)] = None
        for cue in frame.cues:
            draft.spans[("cue", cue.start, cue.end)] = None
        why = (f"{frame.status.value} {frame.kind} '{self._t(frame.action)}' of "
               f"'{self._t(goods)}' ({', '.join(entry.hs) or 'no HS'}; "
               f"{', '.join(sorted(set(entry.tags) | tags)) or 'no tags'})"
               f" {direction.value.replace('_', ' ')} {target} via '{self._t(target_m)}'")
        if counter_m is not None:
            why += f", counterparty {counterparty} via '{self._t(counter_m)}'"
        if frame.when is not None:
            why += f"; dated {frame.when.isoformat()}, in force"
        for note in frame.notes:
            why += f"; {note}"
        if why not in draft.said:
            draft.said.add(why)
            draft.explanation.append(why)
        for m in (target_m, counter_m):
            # a lexicon party that is also a listed entry ("the Houthis"): name the entry
            if m is not None and m.kind is Kind.LISTED:
                match = self.mentions.listed[m.ref]
                note = (f"{self._t(m)!r} is listed {match.type} {match.ref} "
                        f"'{match.primary_name}' ({match.regime})")
                if note not in draft.said:
                    draft.said.add(note)
                    draft.explanation.append(note)

    def _has_context(self, loaded: LoadedRule, frame: Frame) -> bool:
        pattern = self.index.context_pattern(loaded)
        start = max(0, frame.sentence.start - _CONTEXT_BEFORE)
        return bool(pattern.search(self.analysis.folded, start, frame.sentence.end))

    def _t(self, m: Mention) -> str:
        return self.text[m.start:m.end]

    def _covered_by_goods(self, draft: _Draft) -> bool:
        """Whether a listed armed group's finding says nothing a goods measure of its regime
        did not: the group itself was flagged as a goods target, or every event the finding
        is told in was (arms to the Houthis are the arms embargo's, not a second finding)."""
        if draft.listed_party is None:
            return False  # a listed firm or person: dealings with it are a measure of their own
        regime = draft.rule.regime
        if (regime, draft.listed_party) in self._goods_hits:
            return True
        return bool(draft.sentences) and all(
            (regime, *span) in self._event_hits for span in draft.sentences)

    def _merge_unnamed_sides(self) -> list[_Draft]:
        """One event, one finding: a headline's draft that names no counterparty ("trucks
        bound for Nampo") joins the one draft of the same rule and target that names one ("a
        Chinese firm shipped dump trucks to North Korea"), keeping all its evidence. (Only a
        headline's: in the body, a second draft without a counterparty is as often a second
        event, "other vehicles were believed smuggled".)"""
        named: dict[tuple[str, str], list[_Draft]] = {}
        for (rule_id, target, counterparty), draft in self.drafts.items():
            if counterparty is not None:
                named.setdefault((rule_id, target), []).append(draft)
        out = []
        for (rule_id, target, counterparty), draft in self.drafts.items():
            headline = all(_is_headline(self.text, s) for s in draft.sentences.values())
            partners = named.get((rule_id, target), []) \
                if counterparty is None and headline else []
            if len(partners) != 1:
                out.append(draft)
                continue
            into = partners[0]
            for goods in draft.goods:
                if goods not in into.goods_seen:
                    into.goods_seen.add(goods)
                    into.goods.append(goods)
            into.spans.update(draft.spans)
            into.sentences.update(draft.sentences)
            into.listed.update(draft.listed)
            into.hs.update(draft.hs)
            into.tags.update(draft.tags)
            for why in draft.explanation:
                if why not in into.said:
                    into.said.add(why)
                    into.explanation.append(why)
            if _STATUS_ORDER.index(draft.status) < _STATUS_ORDER.index(into.status):
                into.status = draft.status
        return out

    def findings(self) -> list[Finding]:
        out = []
        drafts = self._merge_unnamed_sides()
        told = {(d.rule.rule.category, d.target) for d in drafts}
        events: EventIndex | None = None  # built for the first finding that needs its event
        for draft in drafts:
            rule = draft.rule.rule
            if rule.listed is not None and self._covered_by_goods(draft):
                continue
            if any((c, draft.target) in told for c in rule.covered_by):
                continue  # another measure's finding tells this story
            if draft.goods:
                best_goods = max(draft.goods, key=lambda g: (not self.lex.goods[g.ref].generic,
                                                             g.end - g.start))
                goods = Goods(text=self._t(best_goods), hs=list(draft.hs),
                              tags=list(draft.tags))
                goods_keys = sorted({self.lex.goods_terms[g.ref] for g in draft.goods})
            else:  # an activity: what the listed party did stands for the goods
                assert draft.activity is not None
                goods = Goods(text=self._t(draft.activity), hs=[], tags=[draft.activity_kind])
                goods_keys = [draft.activity_kind]
            fingerprint = hashlib.sha256("\x1f".join(
                [rule.id, self.doc_id, draft.target, draft.counterparty or "",
                 *goods_keys]).encode()).hexdigest()[:32]
            if events is None:
                events = EventIndex(self.analysis)
            event = events.event_sentences(
                list(draft.sentences.values()), (g.ref for g in draft.goods),
                [str(self.mentions.listed[m.ref].ref) for m in draft.listed])
            if events.cleared(event, draft.sentences.values()):
                continue  # the suspicion was cleared later in the story
            spans = dict(draft.spans)
            for sentence in event:
                spans[("sentence", sentence.start, sentence.end)] = None
            evidence = [
                Evidence(role=role, start=s, end=e, text=self.text[s:e])
                for role, s, e in sorted(spans, key=lambda k: (k[1], k[2], k[0]))
            ]
            shown = events.main_sentence(event, draft.sentence) \
                if draft.sentence is not None else None
            out.append(Finding(
                rule_id=rule.id, category=rule.category, title=rule.title,
                severity=rule.severity, confidence=draft.confidence, status=draft.status,
                direction=draft.direction, target=draft.target, counterparty=draft.counterparty,
                goods=goods,
                basis=[b.cite() for b in rule.basis], evidence=evidence,
                explanation=draft.explanation_head + draft.explanation,
                fingerprint=fingerprint,
                sentence=Span(start=shown[0], end=shown[1]) if shown else None,
            ))
        out.sort(key=lambda f: (f.evidence[0].start if f.evidence else 0, f.rule_id))
        return out
