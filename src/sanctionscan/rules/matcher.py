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

from sanctionscan.extract import Kind, Mention, Mentions
from sanctionscan.frames import Frame
from sanctionscan.lexicon import CompiledLexicon, fold
from sanctionscan.models import Direction, Evidence, Finding, Goods, Span, Status
from sanctionscan.rules.schema import GoodsEntry, GoodsSelector
from sanctionscan.ruleset import LoadedRule, RuleSet

# How much a status lowers the confidence that a frame is a real breach.
_STATUS_FACTOR = {
    Status.asserted: 1.0, Status.attempted: 0.9, Status.alleged: 0.8, Status.historical: 0.6,
    Status.planned: 0.45, Status.denied: 0.3,
}
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
        self.goods_rules = [r for r in ruleset.rules if r.rule.goods is not None]
        self.listed_rules = [r for r in ruleset.rules if r.rule.listed is not None]
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
                          if _selects(r.rule.goods, entry, extra_tags))  # type: ignore[arg-type]
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
    spans: dict[tuple[str, int, int], None] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    sentence: tuple[int, int] | None = None
    hs: dict[str, None] = field(default_factory=dict)
    tags: dict[str, None] = field(default_factory=dict)
    listed_party: str | None = None


class FindingBuilder:
    def __init__(self, index: RuleIndex, doc_id: str, text: str, mentions: Mentions) -> None:
        self.index = index
        self.lex = index.lex
        self.doc_id = doc_id
        self.text = text
        self.mentions = mentions
        self.drafts: dict[tuple[str, str, str | None], _Draft] = {}
        # (regime, party) pairs a goods measure already flagged in this document: a listed
        # group such as the Houthis then needs no second, designated-party finding
        self._goods_hits: set[tuple[str, str]] = set()

    def party_id(self, m: Mention) -> str:
        if m.kind is Kind.LISTED:
            if m.party >= 0:
                return self.lex.parties[m.party].id
            return str(self.mentions.listed[m.ref].ref)  # type: ignore[attr-defined]
        return self.lex.parties[m.ref].id

    def add_frames(self, frames: Iterable[Frame]) -> None:
        for frame in frames:
            if frame.status is Status.legal_context:
                continue
            self._add_frame(frame)

    def _add_listed(self, frame: Frame) -> None:
        """Dealings with a listed person, entity or vessel that takes part in the frame: as
        supplier or recipient, or in the frame's sentence when the frame names no party or
        names the listed party's own state."""
        if not self.index.listed_rules:
            return
        sentence = frame.sentence
        participants = set(frame.suppliers + frame.recipients)
        for m in self.mentions.in_span(self.mentions.parties, sentence.start, sentence.end):
            if m.kind is not Kind.LISTED:
                continue
            match = self.mentions.listed[m.ref]
            for loaded in self.index.listed_rules:
                rule = loaded.rule
                # a listed firm beside its own state ("Green Pine ... by North Korea") acts for it
                if participants and m not in participants and not any(
                        self.party_id(p) in loaded.targets for p in participants):
                    continue
                sel = rule.listed
                if sel is None or match.regime not in sel.regimes or match.type not in sel.types:  # type: ignore[attr-defined]
                    continue
                if frame.status not in rule.statuses:
                    continue
                if frame.when is not None and not rule.in_force.covers(frame.when):
                    continue
                listed_on = getattr(match, "listed_on", None)
                if frame.when is not None and listed_on is not None and frame.when < listed_on:
                    continue  # a dealing before the listing breaks no listing
                others = [p for p in frame.suppliers + frame.recipients if p is not m]
                counter = others[0] if others else None
                goods = frame.goods[0]
                self._record(loaded, Direction.dealing, frame, goods, frame.goods_tags[0], m,
                             counter, target_id=str(match.ref))  # type: ignore[attr-defined]
                key = (rule.id, str(match.ref),  # type: ignore[attr-defined]
                       self.party_id(counter) if counter else None)
                why = (f"listed {match.type} {match.ref} '{match.primary_name}' "  # type: ignore[attr-defined]
                       f"({match.regime}) matched as '{match.text}' via alias "  # type: ignore[attr-defined]
                       f"'{match.alias}' ({match.alias_quality}), similarity "  # type: ignore[attr-defined]
                       f"{match.score:.0f} >= {match.threshold:.0f}"  # type: ignore[attr-defined]
                       + (f"; steps: {', '.join(match.steps)}" if match.steps else "")  # type: ignore[attr-defined]
                       + "".join(f"; {d}" for d in getattr(match, "details", ())))
                draft = self.drafts[key]
                if m.party >= 0 and self.lex.parties[m.party].kind == "group":
                    # the listed entry is the group itself (the Houthis, Al-Shabaab)
                    draft.listed_party = self.party_id(m)
                draft.spans[("listed", m.start, m.end)] = None
                draft.spans.pop(("target", m.start, m.end), None)
                if why not in draft.explanation:
                    draft.explanation.insert(0, why)

    def _add_frame(self, frame: Frame) -> None:
        self._add_goods_rules(frame)
        self._add_listed(frame)

    def _add_goods_rules(self, frame: Frame) -> None:
        if not frame.suppliers and not frame.recipients:
            return  # every goods measure names its target as a supplier or a recipient
        supplier_ids = [self.party_id(p) for p in frame.suppliers]
        recipient_ids = [self.party_id(p) for p in frame.recipients]
        for g, tags in zip(frame.goods, frame.goods_tags, strict=True):
            for loaded in self.index.rules_for(g.ref, tags):
                rule = loaded.rule
                if frame.status not in rule.statuses:
                    continue
                if frame.when is not None and not rule.in_force.covers(frame.when):
                    continue
                if rule.context_any and not self._has_context(loaded, frame):
                    continue
                for direction in rule.direction:
                    hit = self._match_direction(direction, loaded.targets, frame, supplier_ids,
                                                recipient_ids)
                    if hit is None:
                        continue
                    target_m, counter_m = hit
                    self._record(loaded, direction, frame, g, tags, target_m, counter_m)
                    self._goods_hits.add((loaded.regime, self.party_id(target_m)))
                    break

    def _match_direction(self, direction: Direction, targets: tuple[str, ...], frame: Frame,
                         supplier_ids: list[str], recipient_ids: list[str]
                         ) -> tuple[Mention, Mention | None] | None:
        if direction is Direction.to_target:
            sides = (frame.recipients, recipient_ids, frame.suppliers, supplier_ids)
        elif direction is Direction.from_target:
            sides = (frame.suppliers, supplier_ids, frame.recipients, recipient_ids)
        else:
            # "dealing" is for flows with no clear direction (trading, exchanges, dealings with
            # a listed party); a clear supply to or from the target is judged by the other two.
            if frame.kind != "exchange" and not any(
                    p.kind is Kind.LISTED for p in frame.suppliers + frame.recipients):
                return None
            both = frame.suppliers + frame.recipients
            ids = supplier_ids + recipient_ids
            sides = (both, ids, both, ids)
        mentions, ids, other_mentions, other_ids = sides
        for m, pid in zip(mentions, ids, strict=True):
            if pid in targets:
                counter = next((om for om, oid in zip(other_mentions, other_ids, strict=True)
                                if oid not in targets), None)
                return m, counter
        return None

    def _record(self, loaded: LoadedRule, direction: Direction, frame: Frame, goods: Mention,
                tags: frozenset[str], target_m: Mention, counter_m: Mention | None,
                target_id: str | None = None) -> None:
        target = target_id or self.party_id(target_m)
        counterparty = self.party_id(counter_m) if counter_m is not None else None
        key = (loaded.rule.id, target, counterparty)
        confidence = self._confidence(frame, goods, counter_m)
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
        entry = self.lex.goods[goods.ref]
        if goods not in draft.goods:
            draft.goods.append(goods)
        draft.hs.update(dict.fromkeys(entry.hs))
        draft.tags.update(dict.fromkeys(sorted(set(entry.tags) | tags)))
        for role, m in (("goods", goods), ("target", target_m), ("counterparty", counter_m),
                        ("action", frame.action)):
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
        if why not in draft.explanation:
            draft.explanation.append(why)
        for m in (target_m, counter_m):
            # a lexicon party that is also a listed entry ("the Houthis"): name the entry
            if m is not None and m.kind is Kind.LISTED:
                match = self.mentions.listed[m.ref]
                note = (f"{self._t(m)!r} is listed {match.type} {match.ref} "  # type: ignore[attr-defined]
                        f"'{match.primary_name}' ({match.regime})")  # type: ignore[attr-defined]
                if note not in draft.explanation:
                    draft.explanation.append(note)

    def _has_context(self, loaded: LoadedRule, frame: Frame) -> bool:
        pattern = self.index.context_pattern(loaded)
        start = frame.sentence.start
        window = self.text[max(0, start - 400):frame.sentence.end]
        return bool(pattern.search(fold(window)))

    def _t(self, m: Mention) -> str:
        return self.text[m.start:m.end]

    def _confidence(self, frame: Frame, goods: Mention, counter: Mention | None) -> float:
        score = 0.75
        if counter is not None:
            score += 0.1
        if frame.action.form == 0:
            score += 0.05
        if self.lex.goods[goods.ref].generic:
            score -= 0.15
        if frame.carried:
            score -= 0.1
        if frame.inferred_supplier:
            score -= 0.05
        if frame.kind == "carry" and not (frame.recipients and frame.suppliers):
            score -= 0.05
        return round(max(0.05, min(0.99, score * _STATUS_FACTOR[frame.status])), 2)

    def findings(self) -> list[Finding]:
        out = []
        for draft in self.drafts.values():
            rule = draft.rule.rule
            if rule.listed is not None and (draft.rule.regime, draft.listed_party) in \
                    self._goods_hits:
                continue
            best_goods = max(draft.goods, key=lambda g: (not self.lex.goods[g.ref].generic,
                                                         g.end - g.start))
            goods_keys = sorted({self.lex.goods_terms[g.ref] for g in draft.goods})
            fingerprint = hashlib.sha256("\x1f".join(
                [rule.id, self.doc_id, draft.target, draft.counterparty or "",
                 *goods_keys]).encode()).hexdigest()[:32]
            evidence = [
                Evidence(role=role, start=s, end=e, text=self.text[s:e])  # type: ignore[arg-type]
                for role, s, e in sorted(draft.spans, key=lambda k: (k[1], k[2], k[0]))
            ]
            out.append(Finding(
                rule_id=rule.id, category=rule.category, title=rule.title,
                severity=rule.severity, confidence=draft.confidence, status=draft.status,
                direction=draft.direction, target=draft.target, counterparty=draft.counterparty,
                goods=Goods(text=self._t(best_goods), hs=list(draft.hs), tags=list(draft.tags)),
                basis=[b.cite() for b in rule.basis], evidence=evidence,
                explanation=draft.explanation, fingerprint=fingerprint,
                sentence=Span(start=draft.sentence[0], end=draft.sentence[1])
                if draft.sentence else None,
            ))
        out.sort(key=lambda f: (f.evidence[0].start if f.evidence else 0, f.rule_id))
        return out
