"""The run manifest every report carries (`scan` and `feed` alike): enough to reproduce it.

Tool version, rule-set digest, list versions, the options of the run, a hash of every input
and, for `feed`, when the run started. `feed` hashes the feed bytes and each entry's text;
`scan` each document's text (the digest the scan already computed) and records no start time,
so that the same inputs give the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sanctionscan import __version__
from sanctionscan.models import DocumentResult, InputRecord, Manifest, Report


def started_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def build_manifest(
    report: Report, options: dict[str, str], inputs: list[InputRecord], started: str | None
) -> Manifest:
    """The report's manifest: an earlier one on the report (a merged or re-rendered report)
    keeps its tool, rules and lists, and its options are extended by these."""
    earlier = report.manifest
    return Manifest(
        tool_version=earlier.tool_version if earlier else __version__,
        ruleset_digest=earlier.ruleset_digest if earlier else report.ruleset.digest,
        lists=earlier.lists if earlier else report.ruleset.lists,
        options={**(earlier.options if earlier else {}), **options},
        inputs=inputs,
        started=started,
    )


def scanned_inputs(results: Iterable[DocumentResult]) -> list[InputRecord]:
    """One input record per scanned document, from the text digest its scan computed."""
    return [
        InputRecord(id=r.id, sha256=r.digest)
        for r in results
        if r.skipped is None and r.digest
    ]
