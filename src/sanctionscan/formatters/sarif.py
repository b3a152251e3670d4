"""SARIF 2.1.0: findings for code-scanning dashboards and CI annotations.

One run. `tool.driver.rules` has one reporting descriptor per rule that fired, with its legal
basis as `help`. Each result is located by the article's URL (or its document id as a relative
URI) and a region with character offsets into the scanned text (`columnKind` is Unicode code
points, matching Python string indices), plus line/column for viewers that need them. Baselined
findings carry a SARIF `suppressions` entry with the reviewer's justification; syndicated copies
are `relatedLocations`; skipped inputs are tool execution notifications. Input hashes from the
run manifest become `artifacts`.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

from sanctionscan.formatters import RenderOptions
from sanctionscan.models import DocumentResult, Finding, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security results by this number (0-10)
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "2.0"}
INFO_URI = "https://github.com/sanctionscan/sanctionscan"


def document_uri(doc_id: str, url: str | None) -> str:
    """A location GitHub code scanning accepts: a relative reference, never an absolute URI.

    Code scanning rejects the whole upload when a location's scheme (https:, tag:) differs from
    the checkout's (file:), so an article's web address becomes the relative path
    `<host>/<path>` (port as `_<port>`, query and fragment dropped; the full address is in the
    location's `properties.url` and in the message), and a bare id ("feed.xml#item-3",
    "tag:example.org,2024:1") is percent-encoded with its colons, so it cannot read as a scheme.
    A file scanned from the checkout keeps its path and opens in the code view."""
    if url and url.startswith(("http://", "https://")):
        parts = urlsplit(url)
        host = (parts.hostname or "article") + (f"_{parts.port}" if parts.port else "")
        path = parts.path.strip("/") or "index"
        return quote(f"{host}/{path}", safe=_PATH_SAFE)
    return quote(doc_id, safe=_PATH_SAFE)


_PATH_SAFE = "/-._~!$&'()*+,;=@"


def _location(uri_id: str, url: str | None) -> dict[str, object]:
    location: dict[str, object] = {"uri": document_uri(uri_id, url)}
    if url and url.startswith(("http://", "https://")):
        location["properties"] = {"url": url}
    return location


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _region(finding: Finding, text: str | None) -> dict[str, object]:
    if finding.evidence:
        start = min(e.start for e in finding.evidence)
        end = max(e.end for e in finding.evidence)
    elif finding.sentence is not None:
        start, end = finding.sentence.start, finding.sentence.end
    else:
        start, end = 0, 0
    if finding.sentence is not None:
        # the whole evidence sentence is the region a reader wants highlighted
        start, end = min(start, finding.sentence.start), max(end, finding.sentence.end)
    region: dict[str, object] = {"charOffset": start, "charLength": max(end - start, 0)}
    if text is not None and end <= len(text):
        start_line, start_col = _line_col(text, start)
        end_line, end_col = _line_col(text, end)
        region.update(
            {
                "startLine": start_line,
                "startColumn": start_col,
                "endLine": end_line,
                "endColumn": end_col,
                "snippet": {"text": text[start:end]},
            }
        )
    return region


def _rule(finding: Finding) -> dict[str, object]:
    basis = "; ".join(finding.basis) if finding.basis else "not stated"
    title = finding.title or finding.rule_id
    return {
        "id": finding.rule_id,
        "name": finding.category,
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title} ({finding.category}). Legal basis: {basis}."},
        "help": {
            "text": f"Legal basis: {basis}",
            "markdown": f"**Legal basis:** {basis}\n\nCategory `{finding.category}`.",
        },
        "defaultConfiguration": {"level": LEVELS[finding.severity.value]},
        "properties": {
            "category": finding.category,
            "tags": ["sanctions", finding.category],
            "security-severity": SECURITY_SEVERITY[finding.severity.value],
        },
    }


def _message(doc: DocumentResult, finding: Finding) -> str:
    parties = finding.target + (f" / {finding.counterparty}" if finding.counterparty else "")
    hs = f" (HS {', '.join(finding.goods.hs)})" if finding.goods.hs else ""
    support = f"; {1 + len(finding.also_in)} articles" if finding.also_in else ""
    # code scanning shows a location only as a path; the article's address is said here
    where = f" ({doc.url})" if doc.url and doc.url != (doc.title or doc.id) else ""
    return (
        f"{finding.title or finding.rule_id}: {finding.status.value} transfer of "
        f'{finding.goods.text}{hs}, {parties}, in "{doc.title or doc.id}"{where}{support}.'
    )


def _as_url(doc_id: str) -> str | None:
    return doc_id if doc_id.startswith(("http://", "https://")) else None


def render(report: Report, options: RenderOptions) -> str:
    rules: dict[str, dict[str, object]] = {}
    rule_index: dict[str, int] = {}
    by_id = {d.id: d for d in report.documents}
    results: list[dict[str, object]] = []
    for doc in report.documents:
        text = options.texts.get(doc.id)
        location = _location(doc.id, doc.url)
        for finding in doc.findings:
            if finding.rule_id not in rules:
                rule_index[finding.rule_id] = len(rules)
                rules[finding.rule_id] = _rule(finding)
            result: dict[str, object] = {
                "ruleId": finding.rule_id,
                "ruleIndex": rule_index[finding.rule_id],
                "level": LEVELS[finding.severity.value],
                "message": {"text": _message(doc, finding)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": location,
                            "region": _region(finding, text),
                        },
                        "message": {"text": doc.title or doc.id},
                    }
                ],
                "partialFingerprints": {"sanctionscan/v1": finding.fingerprint},
                "properties": {
                    "category": finding.category,
                    "status": finding.status.value,
                    "confidence": finding.confidence,
                    "direction": finding.direction.value,
                    "target": finding.target,
                    "counterparty": finding.counterparty,
                    "goods": finding.goods.model_dump(mode="json"),
                    "basis": finding.basis,
                    "articles": 1 + len(finding.also_in),
                    "evidence": [e.model_dump(mode="json") for e in finding.evidence],
                    "documentId": doc.id,
                    "articleUrl": doc.url,
                },
            }
            if finding.also_in:
                result["relatedLocations"] = [
                    {
                        "id": n,
                        "physicalLocation": {
                            "artifactLocation": _location(
                                other, by_id[other].url if other in by_id else _as_url(other))
                        },
                        "message": {"text": "same finding in a syndicated copy"},
                    }
                    for n, other in enumerate(finding.also_in, 1)
                ]
            if finding.suppression is not None:
                s = finding.suppression
                props: dict[str, object] = {}
                if s.reviewer:
                    props["reviewer"] = s.reviewer
                if s.expires:
                    props["expires"] = s.expires.isoformat()
                suppression: dict[str, object] = {
                    "kind": "external",
                    "status": "accepted",
                    "justification": s.justification,
                }
                if props:
                    suppression["properties"] = props
                result["suppressions"] = [suppression]
            results.append(result)

    notifications = [
        {
            "level": "error",
            "message": {"text": f"skipped {doc.id}: {doc.skipped}"},
            "locations": [
                {"physicalLocation": {"artifactLocation": _location(doc.id, doc.url)}}
            ],
        }
        for doc in report.documents
        if doc.skipped is not None
    ]
    invocation: dict[str, object] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": INFO_URI,
                "rules": list(rules.values()),
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"rulesetDigest": report.ruleset.digest, "rules": report.ruleset.rules},
    }
    if report.manifest is not None:
        m = report.manifest
        if m.started:
            invocation["startTimeUtc"] = m.started.replace("+00:00", "Z")
        run["artifacts"] = [
            {
                "location": _location(i.id, _as_url(i.id)),
                "hashes": {"sha-256": i.sha256.removeprefix("sha256:")},
            }
            for i in m.inputs
        ]
        run["properties"] = {
            **run["properties"],  # type: ignore[dict-item]
            "options": m.options,
            "lists": [lst.model_dump(mode="json") for lst in m.lists],
        }
    sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=1) + "\n"
