"""JSON Lines: one self-contained record a line, for log pipelines and `jq` in CI.

The first line is the run (tool, rule set, manifest, summary); then, document by document, one
line per finding, carrying its document's id, source, title and url so each line stands alone, or
one line for a skipped document or feed; the last line is the summary again. Field names inside a
finding are those of the JSON report (DESIGN §5). Output streamed to a pipe while the run goes on
(`sanctionscan scan -f jsonl` to stdout) cannot know the totals at its first line: there the run
line's summary is null and the closing summary line carries them, and its manifest lists no
input hashes (a file output, written at the end, has them).
"""

from __future__ import annotations

import json

from sanctionscan.formatters import RenderOptions
from sanctionscan.formatters._evidence import summarize
from sanctionscan.models import Report


def _line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def render(report: Report, options: RenderOptions) -> str:
    summary = summarize(report)
    totals = {"documents": summary.documents, "skipped": summary.skipped,
              "findings": summary.findings, "suppressed": summary.suppressed}
    lines = [run_line(report, totals)]
    lines.extend(document_lines(report))
    lines.append(summary_line(totals))
    return "".join(lines)


def run_line(report: Report, totals: dict[str, int] | None) -> str:
    """The first line: tool, rule set, manifest and the totals (None while still unknown)."""
    return _line({
        "type": "run",
        "schema_version": report.schema_version,
        "tool": report.tool.model_dump(mode="json"),
        "ruleset": report.ruleset.model_dump(mode="json"),
        "manifest": report.manifest.model_dump(mode="json") if report.manifest else None,
        "summary": totals,
    }) + "\n"


def document_lines(report: Report) -> list[str]:
    """The lines of the report's documents, in document order."""
    lines = []
    for doc in report.documents:
        if doc.skipped is not None:
            lines.append(_line({"type": "skipped", "id": doc.id, "source": doc.source,
                                "reason": doc.skipped}) + "\n")
        for finding in doc.findings:
            record: dict[str, object] = {
                "type": "finding",
                "document": {"id": doc.id, "source": doc.source, "title": doc.title,
                             "url": doc.url},
                "articles": 1 + len(finding.also_in),
            }
            record.update(finding.model_dump(mode="json"))
            lines.append(_line(record) + "\n")
    return lines


def summary_line(totals: dict[str, int]) -> str:
    return _line({"type": "summary", **totals}) + "\n"
