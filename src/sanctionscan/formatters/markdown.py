"""Markdown: the compliance report a reviewer reads (and a CI job posts as a job summary).

A summary table comes first (counts by severity, then one row per finding), then each finding
with its article title and link, the evidence sentence with the evidence words in bold, the goods
with HS headings, the parties and the legal basis. Suppressed findings are listed with the
reviewer's justification; skipped inputs with their reason; the run manifest closes the report.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from sanctionscan.formatters import RenderOptions
from sanctionscan.formatters._evidence import (
    evidence_window,
    highlight_segments,
    ordered_findings,
    printable,
    review_state,
    summarize,
    text_is_usable,
)
from sanctionscan.models import DocumentResult, Finding, Report

_WS = re.compile(r"\s+")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")
# what a link destination may keep; everything else (spaces, newlines, tabs, quotes, <, >,
# parentheses, controls) is percent-encoded, so a url cannot end the link or open raw HTML
_URL_SAFE = ":/?#[]@!$&'*+,;=%-._~"


def md(text: str) -> str:
    """Escape text so Markdown shows it literally (and an article cannot inject links/HTML)."""
    return _SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))


def md_inline(text: str) -> str:
    """Like `md` but keeps edge spaces: for pieces of a sentence joined back together."""
    return _SPECIAL.sub(r"\\\1", printable(_WS.sub(" ", text)))


def code(text: str) -> str:
    """Inline code; backticks inside would end it early, and newlines would break the line."""
    return "`" + printable(" ".join(text.split())).replace("`", "'") + "`"


def safe_url(url: str) -> str:
    return quote(url.strip(), safe=_URL_SAFE)


def cell(text: str) -> str:
    return md(text) or " "


def _link(title: str, url: str | None) -> str:
    if url and re.match(r"https?://", url.strip()):
        return f"[{md(title)}]({safe_url(url)})"
    if url:  # not a web address (javascript:, data:, a path): shown, never linked
        return f"{md(title)} ({code(url)})"
    return md(title)


def _evidence_sentence(finding: Finding, text: str | None) -> str:
    if not text_is_usable(finding, text):
        return "; ".join(f"**{md(e.text)}** ({e.role})" for e in finding.key_evidence)
    assert text is not None
    window = evidence_window(finding, text)
    if window is None:
        return ""
    parts = []
    for segment, role in highlight_segments(text, finding.evidence, *window):
        if role is None:
            parts.append(md_inline(segment))
        elif segment.strip():
            # bold markers must hug non-space characters or Markdown ignores them
            lead = segment[: len(segment) - len(segment.lstrip())]
            trail = segment[len(segment.rstrip()) :]
            parts.append(f"{lead}**{md_inline(segment.strip())}**{trail}")
    return "".join(parts).strip()


def _finding_section(n: int, doc: DocumentResult, finding: Finding, text: str | None) -> str:
    title = doc.title or doc.id
    heading = finding.title or finding.rule_id
    lines = [
        f"### {n}. {md(heading)}",
        "",
        f"- **Article:** {_link(title, doc.url)}",
        f"- **Document:** {code(doc.id)} ({md(doc.source or '-')})",
        (
            f"- **Rule:** {code(finding.rule_id)} ({md(finding.category)}), "
            f"severity **{finding.severity.value}**, status **{finding.status.value}**, "
            f"confidence {finding.confidence:.2f}"
        ),
        f"- **Goods:** {md(finding.goods.text)}"
        + (f" (HS {md(', '.join(finding.goods.hs))})" if finding.goods.hs else ""),
        f"- **Parties:** target {md(finding.target)}"
        + (f", counterparty {md(finding.counterparty)}" if finding.counterparty else "")
        + f" ({finding.direction.value.replace('_', ' ')})",
        f"- **Legal basis:** {md('; '.join(finding.basis)) if finding.basis else 'not stated'}",
        f"- **Supported by:** {1 + len(finding.also_in)} article(s)"
        + (f" (also in {', '.join(md(a) for a in finding.also_in)})" if finding.also_in else ""),
    ]
    if finding.suppression is not None:
        s = finding.suppression
        who = f" by {md(s.reviewer)}" if s.reviewer else ""
        until = f", until {s.expires.isoformat()}" if s.expires else ""
        lines.append(f"- **Suppressed**{who}{until}: {md(s.justification)}")
    lines.append(f"- **Fingerprint:** {code(finding.fingerprint)}")
    sentence = _evidence_sentence(finding, text)
    if sentence:
        lines += ["", f"> {sentence}"]
    if finding.explanation:
        lines += ["", "<details><summary>Why</summary>", ""]
        lines += [f"- {md(e)}" for e in finding.explanation]
        lines += ["", "</details>"]
    return "\n".join(lines)


def render(report: Report, options: RenderOptions) -> str:
    summary = summarize(report)
    out = [
        "# Sanctions screening report",
        "",
        (
            f"{summary.scanned} document(s) scanned, {summary.skipped} skipped; "
            f"**{summary.active} finding(s)** open, {summary.suppressed} suppressed by the "
            f"baseline; {summary.articles} supporting article(s)."
        ),
        "",
        "| Severity | Open |",
        "| --- | ---: |",
    ]
    for name, count in summary.by_severity.items():
        out.append(f"| {name} | {count} |")
    out += ["", "## Summary", ""]
    pairs = ordered_findings(report)
    if pairs:
        out += [
            "| # | Severity | Category | Status | Review | Article | Sources |",
            "| ---: | --- | --- | --- | --- | --- | ---: |",
        ]
        for n, (doc, finding) in enumerate(pairs, 1):
            out.append(
                f"| {n} | {finding.severity.value} | {cell(finding.category)} | "
                f"{finding.status.value} | {review_state(finding)} | "
                f"{cell(doc.title or doc.id)} | {1 + len(finding.also_in)} |"
            )
    else:
        out.append("No findings.")
    if pairs:
        out += ["", "## Findings", ""]
        for n, (doc, finding) in enumerate(pairs, 1):
            out += [_finding_section(n, doc, finding, options.texts.get(doc.id)), ""]
    skipped = [d for d in report.documents if d.skipped is not None]
    if skipped:
        out += ["", "## Skipped inputs", ""]
        out += [f"- {code(d.id)}: {md(d.skipped or '')}" for d in skipped]
    out += ["", "## Run", ""]
    out.append(f"- Tool: {md(report.tool.name)} {md(report.tool.version)}")
    out.append(f"- Rule set: {code(report.ruleset.digest)} ({report.ruleset.rules} rules)")
    for lst in report.ruleset.lists:
        out.append(f"- List: {md(lst.name)} {md(lst.version)} ({lst.entries} entries)")
    if report.manifest is not None:
        m = report.manifest
        if m.started:
            out.append(f"- Started: {md(m.started)}")
        for key, value in sorted(m.options.items()):
            out.append(f"- Option {md(key)}: {md(value)}")
        if m.inputs:
            out += ["", "<details><summary>Input hashes</summary>", ""]
            out += [f"- {code(i.sha256)} {md(i.id)}" for i in m.inputs]
            out += ["", "</details>"]
    return "\n".join(out).rstrip() + "\n"
