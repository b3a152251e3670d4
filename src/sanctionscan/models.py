"""Immutable values that flow through the pipeline: documents in, findings and reports out.

Every stage hands the next one frozen pydantic models, so nothing downstream can change what an
earlier stage decided, and the JSON report (DESIGN §5) is a plain dump of these models.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"

    @property
    def rank(self) -> int:
        return {"low": 1, "medium": 2, "high": 3}[self.value]


class Status(str, Enum):
    asserted = "asserted"
    alleged = "alleged"
    denied = "denied"
    attempted = "attempted"
    planned = "planned"
    historical = "historical"
    legal_context = "legal_context"  # the text states the law: no event
    not_in_force = "not_in_force"  # the text places the event before the measure began
    hypothetical = "hypothetical"  # a question or a condition: no event told
    exempted = "exempted"  # the text says the sanctions committee allowed it
    cleared = "cleared"  # a court or an inspection found it did not happen


# Statuses of frames that tell no event: no finding is made of them, whatever the rule says.
NOT_EVENTS = frozenset([Status.legal_context, Status.not_in_force, Status.hypothetical,
                        Status.exempted, Status.cleared])


class Direction(str, Enum):
    to_target = "to_target"
    from_target = "from_target"
    dealing = "dealing"


class Span(Frozen):
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


class Document(Frozen):
    """One article as read. `text` is never altered: every offset points into it."""

    id: str
    text: str
    source: str = ""
    title: str | None = None
    url: str | None = None
    published: date | None = None


class SkippedDocument(Frozen):
    """An input that could not become a document; reported, never silently dropped."""

    id: str
    source: str
    reason: str


# "sentence": a whole sentence the event is told in (the transfer, the goods identified, the
# hedge or breach wording)
EvidenceRole = Literal["goods", "target", "counterparty", "action", "cue", "basis", "listed",
                       "sentence"]


class Evidence(Frozen):
    role: EvidenceRole
    start: int
    end: int
    text: str


class Goods(Frozen):
    text: str
    hs: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)


class Suppression(Frozen):
    """Why a finding is not counted against the run: a reviewed baseline entry."""

    kind: Literal["baseline"] = "baseline"
    justification: str
    reviewer: str | None = None
    expires: date | None = None


class Finding(Frozen):
    rule_id: str
    category: str
    title: str = ""
    severity: Severity
    confidence: float
    status: Status
    direction: Direction
    target: str
    counterparty: str | None = None
    goods: Goods
    basis: list[str] = Field(default_factory=list)
    evidence: list[Evidence]
    explanation: list[str] = Field(default_factory=list)
    fingerprint: str
    sentence: Span | None = None
    suppression: Suppression | None = None
    # ids of other documents (syndicated copies) that carry the same finding
    also_in: list[str] = Field(default_factory=list)

    @property
    def key_evidence(self) -> list[Evidence]:
        """The evidence words (goods, parties, the transfer word, cues, listed names) without
        the whole sentences the event is told in: what a report marks in its sentences."""
        return [e for e in self.evidence if e.role != "sentence"]

    @property
    def event_sentences(self) -> list[Evidence]:
        """The sentences the event is told in (evidence of role `sentence`)."""
        return [e for e in self.evidence if e.role == "sentence"]


class DocumentResult(Frozen):
    id: str
    source: str = ""
    title: str | None = None
    url: str | None = None
    skipped: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    digest: str | None = None


class ToolInfo(Frozen):
    name: str = "sanctionscan"
    version: str


class ListInfo(Frozen):
    name: str
    version: str
    entries: int
    digest: str


class RulesetInfo(Frozen):
    digest: str
    rules: int
    lists: list[ListInfo] = Field(default_factory=list)


class InputRecord(Frozen):
    id: str
    sha256: str


class Manifest(Frozen):
    """Enough to reproduce a report: what ran, with which rules and lists, on which inputs."""

    tool_version: str
    ruleset_digest: str
    lists: list[ListInfo] = Field(default_factory=list)
    options: dict[str, str] = Field(default_factory=dict)
    inputs: list[InputRecord] = Field(default_factory=list)
    started: str | None = None


class Report(Frozen):
    schema_version: Literal[1] = 1
    tool: ToolInfo
    ruleset: RulesetInfo
    documents: list[DocumentResult]
    manifest: Manifest | None = None

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.documents for f in d.findings]
