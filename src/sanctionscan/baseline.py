"""The reviewed baseline: findings a person has looked at and accepted, with a reason.

It owns the baseline file (YAML or JSON by extension, `version: 1`), writing it from a report
(`create`, `update`), and applying it to a report: a finding whose fingerprint is in the baseline
gets a `Suppression` carrying the reviewer's justification, unless the entry has expired or the
finding changed in substance since review: goods not reviewed, a different counterparty or
target, or a status that got stronger (alleged -> asserted). A suppressed finding stays in the
report (every format shows and counts it) but never fails the job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctionscan.atomic import write_text_atomic
from sanctionscan.errors import UsageError
from sanctionscan.models import DocumentResult, Finding, Report, Status, Suppression

BASELINE_VERSION = 1

# How strongly a text claims the transfer happened; a move up this scale is new substance.
STATUS_STRENGTH: dict[Status, int] = {
    Status.legal_context: 0,
    Status.not_in_force: 0,
    Status.hypothetical: 0,
    Status.exempted: 0,
    Status.cleared: 0,
    Status.denied: 1,
    Status.planned: 2,
    Status.attempted: 3,
    Status.historical: 3,
    Status.alleged: 4,
    Status.asserted: 5,
}


class Substance(BaseModel):
    """What a reviewer saw: the parts of a finding whose change needs a new review."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    target: str
    counterparty: str | None = None
    goods: list[str] = Field(default_factory=list)  # HS headings, or the goods words
    status: Status

    @classmethod
    def of(cls, finding: Finding) -> Substance:
        goods = sorted(set(finding.goods.hs)) or [finding.goods.text.casefold()]
        return cls(
            rule_id=finding.rule_id,
            target=finding.target,
            counterparty=finding.counterparty,
            goods=goods,
            status=finding.status,
        )

    def changes_in(self, now: Substance) -> list[str]:
        """Why `now` is not what was reviewed; empty when it is."""
        changes: list[str] = []
        new_goods = sorted(set(now.goods) - set(self.goods))
        if new_goods:
            changes.append(f"new goods {', '.join(new_goods)}")
        if now.counterparty != self.counterparty:
            changes.append(f"counterparty {self.counterparty or '-'} -> {now.counterparty or '-'}")
        if now.target != self.target:
            changes.append(f"target {self.target} -> {now.target}")
        if STATUS_STRENGTH[now.status] > STATUS_STRENGTH[self.status]:
            changes.append(f"status {self.status.value} -> {now.status.value}")
        return changes


class BaselineEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fingerprint: str
    reason: str
    reviewer: str | None = None
    expires: date | None = None
    document: str | None = None
    category: str | None = None
    substance: Substance | None = None


class Baseline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = BASELINE_VERSION
    entries: list[BaselineEntry] = Field(default_factory=list)

    def by_fingerprint(self) -> dict[str, BaselineEntry]:
        return {e.fingerprint: e for e in self.entries}


# -- reading and writing -----------------------------------------------------------------------


def load_baseline(path: Path, *, missing_ok: bool = False) -> Baseline:
    """Read a baseline file; with `missing_ok`, a file that does not exist is an empty
    baseline (a first CI run, before anything was reviewed) and the caller says so."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if missing_ok:
            return Baseline()
        raise UsageError(f"{path}: cannot read baseline ({exc.strerror or exc})") from exc
    except OSError as exc:
        # a baseline named on the command line that is not there is a configuration mistake
        raise UsageError(f"{path}: cannot read baseline ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: baseline is not valid {_kind(path)}: {exc}") from exc
    if data is None:
        return Baseline()
    if not isinstance(data, dict):
        raise UsageError(f"{path}: baseline must be a mapping with 'version' and 'entries'")
    if data.get("version", BASELINE_VERSION) != BASELINE_VERSION:
        raise UsageError(
            f"{path}: baseline version {data.get('version')!r}; this tool reads {BASELINE_VERSION}"
        )
    try:
        return Baseline.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise UsageError(f"{path}: invalid baseline: {problems}") from exc


def _kind(path: Path) -> str:
    return "JSON" if path.suffix == ".json" else "YAML"


def dump_baseline(baseline: Baseline) -> dict[str, object]:
    return baseline.model_dump(mode="json", exclude_none=True)


def save_baseline(baseline: Baseline, path: Path) -> None:
    """Write atomically: a reader never sees half a baseline."""
    data = dump_baseline(baseline)
    if path.suffix == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = "# sanctionscan baseline: reviewed findings that do not fail the feed check\n"
        text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_text_atomic(path, text)




# -- building from a report --------------------------------------------------------------------


def _entries_for(
    report: Report, reason: str, reviewer: str | None, expires: date | None
) -> Iterable[BaselineEntry]:
    for doc in report.documents:
        for finding in doc.findings:
            yield BaselineEntry(
                fingerprint=finding.fingerprint,
                reason=reason,
                reviewer=reviewer,
                expires=expires,
                document=doc.id,
                category=finding.category,
                substance=Substance.of(finding),
            )


def create_baseline(
    report: Report, reason: str, reviewer: str | None = None, expires: date | None = None
) -> Baseline:
    entries = {e.fingerprint: e for e in _entries_for(report, reason, reviewer, expires)}
    return Baseline(entries=sorted(entries.values(), key=lambda e: e.fingerprint))


def update_baseline(
    baseline: Baseline,
    report: Report,
    reason: str,
    reviewer: str | None = None,
    expires: date | None = None,
    accept_changed: bool = False,
    prune: bool = False,
) -> tuple[Baseline, dict[str, int]]:
    """Add the report's unreviewed findings; keep reviewed entries as they are.

    `accept_changed` re-records entries whose finding changed in substance (the reviewer has
    looked again); `prune` drops entries whose finding is not in this report.
    """
    current = baseline.by_fingerprint()
    seen: set[str] = set()
    counts = {"added": 0, "refreshed": 0, "kept": 0, "pruned": 0}
    for entry in _entries_for(report, reason, reviewer, expires):
        seen.add(entry.fingerprint)
        old = current.get(entry.fingerprint)
        if old is None:
            current[entry.fingerprint] = entry
            counts["added"] += 1
        elif accept_changed and (
            old.substance is None
            or (entry.substance is not None and old.substance.changes_in(entry.substance))
        ):
            current[entry.fingerprint] = entry
            counts["refreshed"] += 1
    if prune:
        for fingerprint in list(current):
            if fingerprint not in seen:
                del current[fingerprint]
                counts["pruned"] += 1
    counts["kept"] = len(current) - counts["added"] - counts["refreshed"]
    entries = sorted(current.values(), key=lambda e: e.fingerprint)
    return Baseline(entries=entries), counts


# -- applying ----------------------------------------------------------------------------------


def baseline_verdict(entry: BaselineEntry, finding: Finding, today: date) -> list[str]:
    """Why a baselined finding is NOT suppressed after all; empty when it is."""
    reasons: list[str] = []
    if entry.expires is not None and entry.expires < today:
        reasons.append(f"baseline entry expired on {entry.expires.isoformat()}")
    if entry.substance is not None:
        changes = entry.substance.changes_in(Substance.of(finding))
        if changes:
            reasons.append("changed since review: " + "; ".join(changes))
    return reasons


def apply_baseline(report: Report, baseline: Baseline, today: date | None = None) -> Report:
    """Mark baselined findings as suppressed; explain the ones a stale entry no longer covers."""
    today = today or date.today()
    entries = baseline.by_fingerprint()
    documents: list[DocumentResult] = []
    for doc in report.documents:
        findings: list[Finding] = []
        for finding in doc.findings:
            entry = entries.get(finding.fingerprint)
            if entry is not None:
                reasons = baseline_verdict(entry, finding, today)
                if reasons:
                    note = "baseline does not apply: " + "; ".join(reasons)
                    finding = finding.model_copy(
                        update={"explanation": [*finding.explanation, note], "suppression": None}
                    )
                else:
                    suppression = Suppression(
                        justification=entry.reason, reviewer=entry.reviewer, expires=entry.expires
                    )
                    finding = finding.model_copy(update={"suppression": suppression})
            findings.append(finding)
        documents.append(doc.model_copy(update={"findings": findings}))
    return report.model_copy(update={"documents": documents})
