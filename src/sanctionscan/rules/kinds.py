"""Rule kinds: what a rule of each kind reads in a frame, behind one small interface.

A rule's kind follows from its selector (`goods:` a goods measure, `listed:` dealings with a
listed party). Each kind is one class with `covers` (is this rule mine?) and `draft` (the
findings it drafts from one frame); the shared checks every kind needs (status, dates in
force, context words) are `FindingBuilder.admits`, written once. A new kind of rule is a class
here and a line in `RULE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from sanctionscan.extract import Kind, Mention
from sanctionscan.frames import REACH, Frame
from sanctionscan.frames.activities import Activity
from sanctionscan.frames.roles import is_bystander
from sanctionscan.models import Direction
from sanctionscan.ruleset import LoadedRule
from sanctionscan.schema import Rule

if TYPE_CHECKING:  # the builder calls the kinds; the kinds only record into it
    from sanctionscan.rules.matcher import FindingBuilder


class RuleKind(Protocol):
    name: str

    def covers(self, rule: Rule) -> bool:
        """Whether rules like `rule` are of this kind."""
        ...

    def draft(self, builder: FindingBuilder, frame: Frame, rules: Sequence[LoadedRule]) -> None:
        """Record in `builder` what `frame` breaches of `rules` (this kind's rules)."""
        ...

    def draft_activity(self, builder: FindingBuilder, activity: Activity,
                       rules: Sequence[LoadedRule]) -> None:
        """Record in `builder` what a listed party's `activity` breaches of `rules`."""
        ...


class _FramesOnly:
    """A kind of rule that reads frames only: activities make none of its findings."""

    def draft_activity(self, builder: FindingBuilder, activity: Activity,
                       rules: Sequence[LoadedRule]) -> None:
        return None


class GoodsRules(_FramesOnly):
    """Goods measures: the frame's goods are covered and its target supplies or receives."""

    name = "goods"

    def covers(self, rule: Rule) -> bool:
        return rule.goods is not None

    def draft(self, builder: FindingBuilder, frame: Frame, rules: Sequence[LoadedRule]) -> None:
        if not frame.suppliers and not frame.recipients:
            return  # every goods measure names its target as a supplier or a recipient
        supplier_ids = [builder.party_id(p) for p in frame.suppliers]
        recipient_ids = [builder.party_id(p) for p in frame.recipients]
        for goods, tags in zip(frame.goods, frame.goods_tags, strict=True):
            for loaded in builder.index.rules_for(goods.ref, tags):
                if not builder.admits(loaded, frame):
                    continue
                for direction in loaded.rule.direction:
                    hit = _match_direction(direction, loaded.targets, frame, supplier_ids,
                                           recipient_ids)
                    if hit is None:
                        continue
                    target, counter = hit
                    builder.record(loaded, direction, frame, goods, tags, target, counter)
                    builder.goods_hit(loaded.regime, builder.party_id(target), frame,
                                      loaded.targets)
                    break


def _match_direction(direction: Direction, targets: tuple[str, ...], frame: Frame,
                     supplier_ids: list[str], recipient_ids: list[str]
                     ) -> tuple[Mention, Mention | None] | None:
    """The target's mention on the side `direction` names, and a counterparty on the other."""
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


class ListedPartyRules(_FramesOnly):
    """Dealings with a listed person, entity or vessel that takes part in the frame: as
    supplier or recipient, or in the frame's sentence when the frame names no party or names
    the listed party's own state."""

    name = "listed_party"

    def covers(self, rule: Rule) -> bool:
        return rule.listed is not None

    def draft(self, builder: FindingBuilder, frame: Frame, rules: Sequence[LoadedRule]) -> None:
        if not rules:
            return
        mentions = builder.mentions
        sentence = frame.sentence
        participants = set(frame.suppliers + frame.recipients)
        # (within the frame's reach: in a run-on sentence, the names near its own clause)
        start = max(sentence.start, frame.action.start - REACH)
        end = min(sentence.end, frame.action.end + REACH)
        g, folded = builder.analysis.grammar, builder.analysis.folded
        for m in mentions.in_span(mentions.parties, start, end):
            if m.kind is not Kind.LISTED or is_bystander(g, folded, m):
                continue
            match = mentions.listed[m.ref]
            for loaded in rules:
                # a listed firm beside its own state ("Green Pine ... by North Korea") acts for it
                if participants and m not in participants and not any(
                        builder.party_id(p) in loaded.targets for p in participants):
                    continue
                sel = loaded.rule.listed
                if sel is None or match.regime not in sel.regimes or match.type not in sel.types:
                    continue
                if sel.exempt_tags and _all_exempt(builder, frame, sel.exempt_tags):
                    continue  # wheat docked at a port the group holds: humanitarian
                if not builder.admits(loaded, frame):
                    continue
                if frame.when is not None and match.listed_on is not None \
                        and frame.when < match.listed_on:
                    continue  # a dealing before the listing breaks no listing
                others = [p for p in frame.suppliers + frame.recipients if p is not m]
                counter = others[0] if others else None
                builder.record_listed(loaded, frame, m, match, counter)


def _all_exempt(builder: FindingBuilder, frame: Frame, exempt: list[str]) -> bool:
    """Whether every goods word of the frame carries a tag the measure exempts."""
    lex = builder.analysis.lexicon
    return all(set(lex.goods[m.ref].tags) & set(exempt) for m in frame.goods)


class ActivityRules:
    """Measures with no goods: a listed person's travel abroad (not to the regime's own
    state), a listed vessel's port call or ship-to-ship transfer."""

    name = "activity"

    def covers(self, rule: Rule) -> bool:
        return rule.activity is not None

    def draft(self, builder: FindingBuilder, frame: Frame, rules: Sequence[LoadedRule]) -> None:
        return None  # frames move goods: activity rules read activities only

    def draft_activity(self, builder: FindingBuilder, activity: Activity,
                       rules: Sequence[LoadedRule]) -> None:
        match = builder.mentions.listed[activity.party.ref]
        for loaded in rules:
            sel = loaded.rule.activity
            if sel is None or activity.kind not in sel.kinds or match.regime not in sel.regimes \
                    or match.type not in sel.types:
                continue
            if activity.kind == "travel" and activity.place is not None \
                    and builder.party_id(activity.place) in loaded.targets:
                continue  # home: travel to the regime's own state breaks no travel ban
            if not builder.admits_activity(loaded, activity):
                continue
            if activity.when is not None and match.listed_on is not None \
                    and activity.when < match.listed_on:
                continue  # before the listing
            builder.record_activity(loaded, activity, match)


# Every kind of rule, by name. A rule belongs to each kind that covers it.
RULE_KINDS: dict[str, RuleKind] = {
    kind.name: kind for kind in (GoodsRules(), ListedPartyRules(), ActivityRules())}
