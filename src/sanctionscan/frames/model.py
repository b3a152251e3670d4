"""The frame: one transfer word with its goods, parties, status and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sanctionscan.extract import Mention
from sanctionscan.models import Status
from sanctionscan.schema import ActionKind
from sanctionscan.text import Sentence


@dataclass(frozen=True, slots=True)
class Frame:
    """Who moved which goods to whom, as one sentence tells it around one transfer word."""

    sentence: Sentence
    action: Mention
    kind: ActionKind
    goods: tuple[Mention, ...]
    suppliers: tuple[Mention, ...] = ()
    recipients: tuple[Mention, ...] = ()
    status: Status = Status.asserted
    cues: tuple[Mention, ...] = ()
    when: date | None = None
    dated: bool = False  # `when` is the sentence's own date, not the article's
    goods_tags: tuple[frozenset[str], ...] = ()  # modifier tags per goods mention
    notes: tuple[str, ...] = ()
    carried: bool = False  # goods or parties come from an earlier sentence
    inferred_supplier: bool = False  # the supplier is the goods' origin, not a role in the clause
