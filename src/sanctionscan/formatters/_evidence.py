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
            # (a whole event sentence is what is shown, not a word to mark in it)
            if e.end > start and e.start < end and e.end > e.start and e.role != "sentence"
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
    if not finding.key_evidence:
        return None
    start = min(e.start for e in finding.key_evidence)
    end = max(e.end for e in finding.key_evidence)
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


# Characters an article, a feed or a file name may carry that a terminal or a viewer would act
# on instead of showing: C0/C1 controls (ESC starts colour, cursor and OSC title/hyperlink
# sequences) and the bidirectional overrides that reorder what a reader sees.
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0 or code in _BIDI


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`) rather than
    sent to the terminal; tabs (and newlines when kept) pass."""
    if not any(_unsafe(ch) for ch in text):
        return text
    out = []
    for ch in text:
        if ch == "\t" or (keep_newlines and ch == "\n") or not _unsafe(ch):
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of an offset, as editors and SARIF count."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    ends = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(ends) + 1 if ends else len(text)
    if start - left > 400:
        left = start
    if right - end > 400:
        right = end
    return left, min(right, len(text))


def evidence_sentences(finding: Finding, text: str) -> list[tuple[int, int]]:
    """Every sentence that holds some of the finding's evidence, in text order: the finding's
    own sentence and the ones its carried-in words come from."""
    windows: list[tuple[int, int]] = []
    own = evidence_window(finding, text)
    if own is not None:
        windows.append(own)
    for e in finding.event_sentences:  # the sentences the event is told in, as found
        if not any(lo <= e.start and e.end <= hi for lo, hi in windows):
            windows.append((e.start, e.end))
    for e in sorted(finding.key_evidence, key=lambda e: e.start):
        if any(lo <= e.start and e.end <= hi for lo, hi in windows):
            continue
        windows.append(_sentence_around(text, e.start, e.end))
    return sorted(set(windows))
