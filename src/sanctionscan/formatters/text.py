"""The human report for a terminal: one block per finding, evidence quoted in its sentence."""

from __future__ import annotations

from sanctionscan.formatters import RenderOptions
from sanctionscan.models import DocumentResult, Finding, Report

_SEVERITY_COLOR = {"high": "\x1b[31m", "medium": "\x1b[33m", "low": "\x1b[36m"}
_RESET, _BOLD = "\x1b[0m", "\x1b[1m"


def render(report: Report, options: RenderOptions) -> str:
    lines: list[str] = []
    findings = skipped = 0
    for doc in report.documents:
        if doc.skipped:
            skipped += 1
            lines.append(f"{doc.id}: skipped: {doc.skipped}")
            continue
        if not doc.findings:
            continue
        lines.append(_style(f"== {doc.title or doc.id}", _BOLD, options))
        if doc.title:
            lines.append(f"   {doc.id}")
        for finding in doc.findings:
            findings += 1
            lines.extend(_finding(finding, doc, options))
        lines.append("")
    scanned = len(report.documents) - skipped
    summary = (f"{findings} possible violation{'s' if findings != 1 else ''} in "
               f"{sum(1 for d in report.documents if d.findings)} of {scanned} document"
               f"{'s' if scanned != 1 else ''}")
    suppressed = sum(1 for f in report.findings if f.suppression is not None)
    if suppressed:
        summary += f" ({suppressed} suppressed by the baseline)"
    if skipped:
        summary += f"; {skipped} skipped"
    lines.append(summary + f" (rules {report.ruleset.digest[:19]}, {report.ruleset.rules} rules)")
    return "\n".join(lines) + "\n"


def _finding(f: Finding, doc: DocumentResult, options: RenderOptions) -> list[str]:
    color = _SEVERITY_COLOR.get(f.severity.value, "")
    head = f"[{f.severity.value.upper()}] {f.category} ({f.rule_id})"
    flow = (f"{f.counterparty or '?'} -> {f.target}" if f.direction.value == "to_target"
            else f"{f.target} -> {f.counterparty or '?'}" if f.direction.value == "from_target"
            else f"{f.target} <-> {f.counterparty or '?'}")
    hs = f" HS {', '.join(f.goods.hs)}" if f.goods.hs else ""
    out = [
        "  " + _style(head, color, options) + f"  {f.title}",
        f"    goods: {f.goods.text}{hs}   flow: {flow}   status: {f.status.value}   "
        f"confidence: {f.confidence:.2f}",
    ]
    if f.basis:
        out.append(f"    basis: {'; '.join(f.basis)}")
    for ev in f.evidence:
        out.append(f"    {ev.role:>12} [{ev.start}:{ev.end}] {ev.text!r}")
    if f.suppression is not None:
        out.append(f"    suppressed by baseline: {f.suppression.justification}")
    return out


def _style(text: str, code: str, options: RenderOptions) -> str:
    return f"{code}{text}{_RESET}" if options.color and code else text
