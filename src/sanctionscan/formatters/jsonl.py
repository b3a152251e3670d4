"""JSON Lines: one self-contained record a line, for log pipelines and `jq` in CI.

The first line is the run (tool, rule set, manifest, summary); then one line per finding, carrying
its document's id, source, title and url so each line stands alone; then one line per skipped
document or feed. Field names inside a finding are those of the JSON report (DESIGN §5).
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
    lines = [
        _line(
            {
                "type": "run",
                "schema_version": report.schema_version,
                "tool": report.tool.model_dump(mode="json"),
                "ruleset": report.ruleset.model_dump(mode="json"),
                "manifest": report.manifest.model_dump(mode="json") if report.manifest else None,
                "summary": {
                    "documents": summary.documents,
                    "skipped": summary.skipped,
                    "findings": summary.findings,
                    "suppressed": summary.suppressed,
                },
            }
        )
    ]
    for doc in report.documents:
        for finding in doc.findings:
            record: dict[str, object] = {
                "type": "finding",
                "document": {
                    "id": doc.id,
                    "source": doc.source,
                    "title": doc.title,
                    "url": doc.url,
                },
                "articles": 1 + len(finding.also_in),
            }
            record.update(finding.model_dump(mode="json"))
            lines.append(_line(record))
    for doc in report.documents:
        if doc.skipped is not None:
            lines.append(
                _line(
                    {"type": "skipped", "id": doc.id, "source": doc.source, "reason": doc.skipped}
                )
            )
    return "\n".join(lines) + "\n"
