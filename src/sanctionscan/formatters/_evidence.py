"""Helpers the human-facing formats share: which words to highlight and how to count findings.

It owns turning a finding's evidence spans into non-overlapping highlighted segments of the
article text (or of its evidence sentence), and the summary counts every format reports the same
way: findings, suppressed findings, skipped documents, supporting articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sanctionscan.models import DocumentResult, Evidence, Finding, Report

Segment = tuple[str, str | None]  # (text, evidence role or None for plain text)


def highlight_segments(
    text: str, evidence: list[Evidence], start: int = 0, end: int | None = None
) -> list[Segment]:
    """Split text[start:end] into plain and highlighted pieces. Overlapping spans are merged:
    the earlier-starting (then longer) span names the role of the overlap."""
    end = len(text) if end is None else min(end, len(text))
    spans = sorted(
        (
            (max(e.start, start), min(e.end, end), e.role)
            for e in evidence
            if e.end > start and e.start < end and e.end > e.start
        ),
        key=lambda s: (s[0], -(s[1] - s[0])),
    )
    segments: list[Segment] = []
    cursor = start
    for s_start, s_end, role in spans:
        if s_end <= cursor:
            continue
        s_start = max(s_start, cursor)
        if s_start > cursor:
            segments.append((text[cursor:s_start], None))
        segments.append((text[s_start:s_end], role))
        cursor = s_end
    if cursor < end:
        segments.append((text[cursor:end], None))
    return segments


def evidence_window(finding: Finding, text: str | None) -> tuple[int, int] | None:
    """The sentence to show for a finding: its sentence span, else the evidence extent."""
    if text is None:
        return None
    if finding.sentence is not None and finding.sentence.end <= len(text):
        return finding.sentence.start, finding.sentence.end
    if not finding.evidence:
        return None
    start = min(e.start for e in finding.evidence)
    end = max(e.end for e in finding.evidence)
    # widen to the surrounding sentence-ish boundaries so the reader sees context
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    if start - left > 400:
        left = start
    if right - end > 400:
        right = end
    return left, min(right, len(text))


def text_is_usable(finding: Finding, text: str | None) -> bool:
    """Evidence offsets match the text we were given (guards against a mismatched text map)."""
    if text is None:
        return False
    return all(text[e.start : e.end] == e.text for e in finding.evidence)


@dataclass(frozen=True)
class Summary:
    documents: int
    scanned: int
    skipped: int
    findings: int
    active: int
    suppressed: int
    articles: int  # articles supporting the findings, syndicated copies included
    by_severity: dict[str, int]
    by_category: dict[str, int]


def summarize(report: Report) -> Summary:
    findings = report.findings
    active = [f for f in findings if f.suppression is None]
    severity = Counter(f.severity.value for f in active)
    category = Counter(f.category for f in findings)
    skipped = sum(1 for d in report.documents if d.skipped is not None)
    return Summary(
        documents=len(report.documents),
        scanned=len(report.documents) - skipped,
        skipped=skipped,
        findings=len(findings),
        active=len(active),
        suppressed=len(findings) - len(active),
        articles=sum(1 + len(f.also_in) for f in findings),
        by_severity={k: severity.get(k, 0) for k in ("high", "medium", "low")},
        by_category=dict(sorted(category.items())),
    )


def ordered_findings(report: Report) -> list[tuple[DocumentResult, Finding]]:
    """Findings in a stable reading order: severity, then document order, then offset."""
    pairs = [(d, f) for d in report.documents for f in d.findings]
    order = {id(d): i for i, d in enumerate(report.documents)}
    return sorted(
        pairs,
        key=lambda p: (
            -p[1].severity.rank,
            order[id(p[0])],
            min((e.start for e in p[1].evidence), default=0),
            p[1].rule_id,
        ),
    )


def review_state(finding: Finding) -> str:
    """ "suppressed" when a reviewed baseline covers the finding, else "open"."""
    return "suppressed" if finding.suppression is not None else "open"
