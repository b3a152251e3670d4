"""The feed check as a plain function: sources in, a report and the pending state change out.

It owns the order of a feed run (DESIGN §1, use 3): expand sources (feed URLs, feed files, files
listing feeds), fetch and parse each feed (a bad one becomes a skipped result with its reason),
keep only entries that are new or changed since the state last recorded them, fetch article
pages for link-only entries when asked, scan, merge syndicated copies, apply the baseline and
stamp the run manifest. It does not write anything: the caller writes the reports first and only
then calls `commit`, so a crash in between never marks an unscanned entry as seen.

No printing, no exiting, no click: progress goes to an optional callback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from sanctionscan.baseline import Baseline, Substance, apply_baseline
from sanctionscan.dedupe import (
    DEFAULT_THRESHOLD,
    finding_key_text,
    merge_syndicated,
    signature,
    signature_similarity,
)
from sanctionscan.feeds import (
    FeedEntry,
    FeedError,
    content_hash,
    entry_document,
    looks_like_xml,
    parse_feed,
)
from sanctionscan.fetch import Fetcher, FetchError, is_url, read_local
from sanctionscan.guard import error_reason, scan_guarded, skipped_result
from sanctionscan.htmltext import decode_html, extract_main_text
from sanctionscan.manifest import build_manifest
from sanctionscan.models import (
    Document,
    DocumentResult,
    Finding,
    InputRecord,
    Manifest,
    Report,
    Severity,
)
from sanctionscan.state import RememberedDocument, SeenEntry, State

Progress = Callable[[str], None]
ScanMany = Callable[[list[Document]], Iterable[DocumentResult]]


class ScannerLike(Protocol):
    def scan_document(self, doc: Document) -> DocumentResult: ...

    def report(self, results: Iterable[DocumentResult]) -> Report: ...


@dataclass(frozen=True)
class FeedOptions:
    fetch_articles: bool = False
    dedupe_threshold: float = DEFAULT_THRESHOLD
    baseline: Baseline | None = None
    today: date | None = None  # for baseline expiry; tests pin it
    doc_timeout: float | None = None  # seconds per entry's scan (guard.py); None: no limit
    options: dict[str, str] = field(default_factory=dict)  # recorded in the manifest


@dataclass(frozen=True)
class SourceOutcome:
    """One feed as the run saw it: how many entries, how many were new, or why it failed."""

    source: str
    entries: int = 0
    scanned: int = 0
    error: str | None = None
    not_modified: bool = False  # the server answered 304 to the ETag of the last run
    warning: str | None = None  # read, but with a problem worth telling (lenient XML)


@dataclass(frozen=True)
class FeedRun:
    report: Report
    texts: dict[str, str]  # document id -> scanned text, for formatters that highlight
    sources: list[SourceOutcome]
    pending: list[SeenEntry]  # what `commit` records once the reports are written
    new_fingerprints: frozenset[str]  # findings no earlier run reported in this substance
    reopened: frozenset[str]  # baselined findings whose entry expired or no longer matches
    unchanged: int  # entries skipped because the state has them with the same content
    etags: dict[str, tuple[str, str]] = field(default_factory=dict)  # feed -> (ETag, mode)
    remembered: list[RememberedDocument] = field(default_factory=list)  # for later copies

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [s for s in self.sources if s.error is not None]

    @property
    def all_sources_failed(self) -> bool:
        return bool(self.sources) and all(s.error is not None for s in self.sources)

    def failing_findings(self, fail_on: str) -> list[Finding]:
        """New, unsuppressed findings at or above `fail_on`: the ones that fail the job."""
        if fail_on == "none":
            return []
        floor = Severity(fail_on).rank
        return [
            f
            for f in self.report.findings
            if f.suppression is None
            and (f.fingerprint in self.new_fingerprints or f.fingerprint in self.reopened)
            and f.severity.rank >= floor
        ]


# -- sources -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FeedBytes:
    source: str
    data: bytes | None
    error: str | None = None
    etag: str | None = None
    not_modified: bool = False


EtagLookup = Callable[[str], str | None]


def _read(source: str, fetcher: Fetcher, etag: str | None = None) -> _FeedBytes:
    """Read one source; raise `FetchError` when it cannot be had."""
    if is_url(source):
        got = fetcher.get(
            source, etag=etag, accept="application/rss+xml, application/atom+xml, */*"
        )
        return _FeedBytes(source, got.content, etag=got.etag, not_modified=got.not_modified)
    path = Path(source.removeprefix("file://"))
    return _FeedBytes(source, read_local(path, fetcher.policy.max_bytes))


def expand_sources(
    sources: Iterable[str], fetcher: Fetcher, etag_for: EtagLookup | None = None
) -> list[_FeedBytes]:
    """Read every source; a local file that is not XML is a list of feeds, one a line."""
    lookup = etag_for or (lambda _source: None)
    out: list[_FeedBytes] = []
    done: set[str] = set()  # a feed named twice (directly and in a list) is read once
    for source in sources:
        if source in done:
            continue
        done.add(source)
        try:
            read = _read(source, fetcher, lookup(source))
        except FetchError as exc:
            out.append(_FeedBytes(source, None, str(exc)))
            continue
        if is_url(source) or looks_like_xml(read.data or b""):
            out.append(read)
            continue
        listed = _feed_list(source, read.data or b"")
        if not listed:
            out.append(_FeedBytes(source, None, f"{source}: neither a feed nor a list of feeds"))
        for item in listed:
            if item in done:
                continue
            done.add(item)
            try:
                out.append(_read(item, fetcher, lookup(item)))
            except FetchError as exc:
                out.append(_FeedBytes(item, None, str(exc)))
    return out


def _feed_list(source: str, data: bytes) -> list[str]:
    base = Path(source).parent
    items: list[str] = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # relative paths in a list are relative to the list, so the list works from any cwd
        items.append(line if is_url(line) or Path(line).is_absolute() else str(base / line))
    return items


# -- the run -----------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _entry_key(entry: FeedEntry, fetch_articles: bool) -> str:
    """The state hash of an entry, decided from the feed alone so unchanged pages are never
    fetched again. A link-only entry seen without `--fetch-articles` is marked so that a later
    run with it fetches the page."""
    base = content_hash(entry_document(entry))
    return base if (not entry.link_only or fetch_articles) else "unfetched:" + base


def run_feed(
    sources: list[str],
    scanner: ScannerLike,
    state: State,
    fetcher: Fetcher,
    options: FeedOptions | None = None,
    progress: Progress | None = None,
    scan_many: ScanMany | None = None,
) -> FeedRun:
    """Read every feed, scan its new or changed entries, and prepare (not commit) the state.

    Entries are gathered first and scanned together by `scan_many` (documents in, results in
    the same order: `parallel.scan_documents` for `--jobs`), one by one with `scanner` when
    it is not given.
    """
    options = options or FeedOptions()
    scan_many = scan_many or (lambda docs: (
        scan_guarded(scanner.scan_document, doc, options.doc_timeout) for doc in docs))
    to_scan: list[tuple[int, Document, str]] = []  # (index in results, document, feed)
    say = progress or (lambda _msg: None)
    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    results: list[DocumentResult] = []
    texts: dict[str, str] = {}
    outcomes: list[SourceOutcome] = []
    inputs: list[InputRecord] = []
    pending_keys: dict[str, tuple[str, str, str]] = {}  # doc id -> (feed, entry id, hash)
    duplicates: list[tuple[str, str, str, str]] = []  # (feed, entry id, hash, doc id)
    scanned_ids: set[str] = set()
    etags: dict[str, tuple[str, str]] = {}
    unchanged = 0
    # An ETag is only good for the mode it was recorded in: switching --fetch-articles on must
    # re-read the feed to fetch the pages of link-only entries.
    mode = "articles" if options.fetch_articles else "entries"

    feeds = expand_sources(sources, fetcher, lambda source: state.etag(source, mode))
    for index, feed in enumerate(feeds, 1):
        say(f"[{index}/{len(feeds)}] {feed.source}")
        if feed.not_modified:
            outcomes.append(SourceOutcome(feed.source, not_modified=True))
            say("  not modified since the last run")
            continue
        if feed.data is None:
            reason = feed.error or "unreadable"
            outcomes.append(SourceOutcome(feed.source, error=reason))
            results.append(DocumentResult(id=feed.source, source=feed.source, skipped=reason))
            continue
        inputs.append(InputRecord(id=feed.source, sha256=_sha256(feed.data)))
        try:
            parsed = parse_feed(feed.data, feed.source)
        except FeedError as exc:
            outcomes.append(SourceOutcome(feed.source, error=str(exc)))
            results.append(DocumentResult(id=feed.source, source=feed.source, skipped=str(exc)))
            continue
        except Exception as exc:  # one feed never takes the others down with it
            reason = f"{feed.source}: internal error reading the feed: {error_reason(exc)}"
            outcomes.append(SourceOutcome(feed.source, error=reason))
            results.append(DocumentResult(id=feed.source, source=feed.source, skipped=reason))
            continue
        scanned = 0
        complete = True
        for entry in parsed.entries:
            key = _entry_key(entry, options.fetch_articles)
            if not state.needs_scan(entry.feed, entry.entry_id, key):
                unchanged += 1
                continue
            if entry.entry_id in scanned_ids:
                # the same article in two feeds: scanned once, remembered for both (unless its
                # page could not be fetched, then for neither)
                if entry.entry_id in pending_keys:
                    duplicates.append((entry.feed, entry.entry_id, key, entry.entry_id))
                else:
                    complete = False
                continue
            scanned_ids.add(entry.entry_id)
            result, doc = _read_entry(entry, fetcher, options)
            if doc is not None:
                to_scan.append((len(results), doc, feed.source))
            results.append(result)
            if doc is not None:
                texts[doc.id] = doc.text
                inputs.append(InputRecord(id=doc.id, sha256=_sha256(doc.text.encode("utf-8"))))
            if result.skipped is None or (entry.link_only and not options.fetch_articles):
                pending_keys[result.id] = (entry.feed, entry.entry_id, key)
            else:
                # a page that failed to download, or a scan that failed or ran out of time, is
                # tried again next run, so neither it nor the feed's ETag (which would answer
                # 304 next time) is recorded
                complete = False
            scanned += 1
            if scanned % 50 == 0:  # long feeds (or page fetches) show they are moving
                say(f"  {scanned} entries scanned...")
        if complete and feed.etag:
            etags[feed.source] = (feed.etag, mode)
        if parsed.warning:
            say(f"  warning: {parsed.warning}")
        outcomes.append(
            SourceOutcome(
                feed.source, entries=len(parsed.entries), scanned=scanned, warning=parsed.warning
            )
        )
        say(f"  {len(parsed.entries)} entries, {scanned} new or changed")

    for (index, doc, source), scanned_result in zip(
            to_scan, scan_many([doc for _, doc, _ in to_scan]), strict=True):
        results[index] = scanned_result
        if scanned_result.skipped is not None:
            # a scan that failed or ran out of time is tried again next run: neither the entry
            # nor the feed's ETag (which would answer 304 next time) is recorded, and there is
            # no text to keep for it
            pending_keys.pop(doc.id, None)
            etags.pop(source, None)
            texts.pop(doc.id, None)
    report = scanner.report(results)
    # The state remembers what each document's own scan found, before copies are merged.
    own_findings = {
        d.id: tuple((f.fingerprint, substance_key(f)) for f in d.findings) for d in report.documents
    }
    documents = merge_syndicated(report.documents, texts, options.dedupe_threshold)
    report = report.model_copy(update={"documents": documents})
    if options.baseline is not None:
        report = apply_baseline(report, options.baseline, options.today)
    report = report.model_copy(
        update={"manifest": _manifest(report, options.options, inputs, started)}
    )

    pending = [
        SeenEntry(feed, entry_id, key, own_findings.get(doc_id, ()))
        for doc_id, (feed, entry_id, key) in pending_keys.items()
    ]
    pending += [
        SeenEntry(feed, entry_id, key, own_findings.get(doc_id, ()))
        for feed, entry_id, key, doc_id in duplicates
    ]
    known = state.known_findings(f.fingerprint for f in report.findings)
    new = {f.fingerprint for f in report.findings if _is_new(f, known.get(f.fingerprint))}
    # only documents with findings need one (signatures cost ~64 hash passes per article)
    signatures = {
        d.id: signature(texts[d.id]) for d in report.documents if d.findings and d.id in texts
    }
    report, reported_before = _copies_of_earlier_stories(
        report, new, signatures, state, options.dedupe_threshold
    )
    remembered = [
        RememberedDocument(
            d.id, signatures[d.id], frozenset(finding_key_text(f) for f in d.findings)
        )
        for d in report.documents
        if d.findings and signatures.get(d.id)
    ]
    baselined = options.baseline.by_fingerprint() if options.baseline is not None else {}
    return FeedRun(
        report=report,
        texts=texts,
        sources=outcomes,
        pending=pending,
        new_fingerprints=frozenset(new - reported_before),
        reopened=frozenset(
            f.fingerprint
            for f in report.findings
            if f.suppression is None and f.fingerprint in baselined
        ),
        unchanged=unchanged,
        etags=etags,
        remembered=remembered,
    )


def _copies_of_earlier_stories(
    report: Report,
    new: set[str],
    signatures: dict[str, tuple[int, ...]],
    state: State,
    threshold: float,
) -> tuple[Report, set[str]]:
    """Findings that a copy of an already reported story carries again: not new, and the earlier
    article is named in `also_in`. Returns the report and those findings' fingerprints."""
    candidates = {d.id for d in report.documents if any(f.fingerprint in new for f in d.findings)}
    if not candidates:
        return report, set()
    earlier = state.recent_documents()
    if not earlier:
        return report, set()
    seen_before: set[str] = set()
    documents = []
    for doc in report.documents:
        sig = signatures.get(doc.id)
        if doc.id not in candidates or not sig:
            documents.append(doc)
            continue
        copies_of = [
            e
            for e in earlier
            if e.doc_id != doc.id and signature_similarity(sig, e.signature) >= threshold
        ]
        findings = []
        for finding in doc.findings:
            if finding.fingerprint in new:
                key = finding_key_text(finding)
                sources = [e.doc_id for e in copies_of if key in e.keys]
                if sources:
                    seen_before.add(finding.fingerprint)
                    also = list(dict.fromkeys([*finding.also_in, *sources]))
                    finding = finding.model_copy(update={"also_in": also})
            findings.append(finding)
        documents.append(doc.model_copy(update={"findings": findings}))
    return report.model_copy(update={"documents": documents}), seen_before


def substance_key(finding: Finding) -> str:
    """The finding's substance as stored in the state (stable JSON)."""
    return Substance.of(finding).model_dump_json()


def _is_new(finding: Finding, recorded: set[str] | None) -> bool:
    """New unless an earlier run reported it with the same or stronger substance."""
    if not recorded:
        return True
    now = Substance.of(finding)
    for raw in recorded:
        try:
            before = Substance.model_validate_json(raw)
        except ValueError:
            continue
        if not before.changes_in(now):
            return False
    return True


def _read_entry(
    entry: FeedEntry, fetcher: Fetcher, options: FeedOptions
) -> tuple[DocumentResult, Document | None]:
    """`_entry_document`, where whatever goes wrong in reading the entry, including an error
    of our own, is this entry's skipped result and never the run's end."""
    try:
        return _entry_document(entry, fetcher, options)
    except Exception as exc:
        reason = f"internal error: {error_reason(exc)}"
        return skipped_result(entry_document(entry), reason), None


def _entry_document(
    entry: FeedEntry, fetcher: Fetcher, options: FeedOptions
) -> tuple[DocumentResult, Document | None]:
    """The entry's document to scan (with a placeholder result of the same id, replaced by the
    scan's), or a skipped result and None."""
    def skipped(reason: str) -> tuple[DocumentResult, None]:
        result = DocumentResult(
            id=entry.entry_id, source=entry.feed, title=entry.title, url=entry.link, skipped=reason
        )
        return result, None

    fetch_articles = options.fetch_articles
    if entry.link_only:
        if not fetch_articles:
            return skipped("entry has only a link; use --fetch-articles to scan the article page")
        assert entry.link is not None  # link_only implies a link
        try:
            # an entry's link is the feed's word, not the user's: only public addresses
            page = fetcher.get(entry.link, accept="text/html, application/xhtml+xml",
                               public_only=True)
        except FetchError as exc:
            return skipped(f"article page: {exc}")
        text, page_title = extract_main_text(decode_html(page.content, page.content_type))
        if not text.strip():
            return skipped("article page has no main text")
        doc = entry_document(entry, text=text, title=page_title)
    else:
        doc = entry_document(entry)
    return DocumentResult(id=doc.id, source=doc.source, title=doc.title, url=doc.url), doc


def _manifest(
    report: Report, options: dict[str, str], inputs: list[InputRecord], started: str
) -> Manifest:
    return build_manifest(report, options, inputs, started)  # shared with `scan`


def commit(state: State, run: FeedRun) -> None:
    """Record the run as seen: call only after every report of the run has been written."""
    state.commit(run.pending, run.etags, run.remembered)
