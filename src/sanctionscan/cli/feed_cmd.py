"""`sanctionscan feed` (the CI check on news feeds) and `sanctionscan baseline create|update`.

Thin: options are parsed here, the run is `feedrun.run_feed`, reports are written with
`cli.output`, and only after every report is on disk is the state committed. Exit codes as in
DESIGN §6: 0 nothing new at or above --fail-on, 1 new findings at or above it, 2 usage or
rule-file error, 3 every source failed (or, with --strict, any source or entry failed), or the
state could not be locked, read or written.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import click

from sanctionscan.baseline import create_baseline, load_baseline, save_baseline, update_baseline
from sanctionscan.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    check_inputs_exist,
    doc_timeout_option,
    load_rules_or_exit,
    min_confidence_option,
    progress,
    quiet_option,
    remove_stale_temporaries,
    rule_options,
    verbose_option,
)
from sanctionscan.cli.output import output_options, pair_outputs, use_color, write_outputs
from sanctionscan.engine import Scanner
from sanctionscan.errors import InputError, UsageError
from sanctionscan.formatters._evidence import printable
from sanctionscan.models import Document, DocumentResult, Report
from sanctionscan.parallel import scan_documents
from sanctionscan.state import DEFAULT_LOCK_TIMEOUT, State, StateError

# httpx and feedparser come with the 'feeds' extra. Without them `feed` says so, while `--help`,
# `scan` and `baseline` keep working (the command registry imports this module for all of them).
try:
    from sanctionscan.feedrun import FeedOptions, FeedRun, Progress, commit, run_feed
    from sanctionscan.fetch import Fetcher, FetchPolicy

    MISSING_DEPENDENCY: str | None = None
except ModuleNotFoundError as exc:  # pragma: no cover - exercised only without the extra
    if exc.name not in ("httpx", "feedparser"):
        raise
    MISSING_DEPENDENCY = exc.name

DEFAULT_STATE = Path(".sanctionscan/state.sqlite")
FAIL_ON_CHOICES = ("high", "medium", "low", "none")


def feed_exit_code(run: FeedRun, fail_on: str, strict: bool) -> int:
    if run.all_sources_failed:
        return EXIT_INPUT
    if strict and (run.failed_sources or any(d.skipped for d in run.report.documents)):
        return EXIT_INPUT
    if run.failing_findings(fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STATE,
    show_default=True,
    help="SQLite file remembering the entries already scanned.",
)
@click.option(
    "--no-state", is_flag=True, help="Remember nothing: scan every entry, record nothing."
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reviewed findings (YAML or JSON) shown as suppressed; they never fail the job.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="high",
    show_default=True,
    help="Exit 1 when a new, non-baselined finding at or above this severity is found.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 3 when any feed or entry failed, not only when all feeds failed.",
)
@click.option(
    "--fetch-articles",
    is_flag=True,
    help="For entries with only a link, download the page and scan its main text.",
)
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Let --fetch-articles follow links to loopback, private-network and link-local "
    "addresses (refused by default: a feed must not make us read the local network).",
)
@output_options("text")
@rule_options
@min_confidence_option
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=20.0,
    show_default=True,
    help="Seconds allowed for each request as a whole: connect, headers and body.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1024),
    default=10 * 1024 * 1024,
    show_default=True,
    help="Largest feed or page accepted.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Retries of a failed download, with exponential backoff.",
)
@click.option(
    "--dedupe-threshold",
    type=click.FloatRange(0, 1),
    default=0.6,
    show_default=True,
    help="Shingle similarity at which two articles count as copies of one story.",
)
@doc_timeout_option
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait while another run uses the same --state.",
)
@quiet_option
@verbose_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the scan [default: all cores], as for scan.")
def feed(
    sources: tuple[str, ...],
    state_path: Path,
    no_state: bool,
    baseline_path: Path | None,
    fail_on: str,
    strict: bool,
    fetch_articles: bool,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    color: str,
    rules_dirs: tuple[Path, ...],
    no_default_rules: bool,
    min_confidence: float,
    timeout: float,
    max_bytes: int,
    retries: int,
    dedupe_threshold: float,
    allow_private_addresses: bool,
    doc_timeout: float,
    lock_timeout: float,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
) -> None:
    """Scan new entries of RSS/Atom feeds (URLs, files, or files listing feeds one a line)."""

    def say(message: str) -> None:
        if not quiet:
            # feed names, entry ids and errors come from outside: control characters escaped
            click.echo(f"sanctionscan: {printable(message)}", err=True)

    if MISSING_DEPENDENCY is not None:
        click.echo(
            f"sanctionscan: the feed check needs {MISSING_DEPENDENCY}: "
            "pip install 'sanctionscan[feeds]'",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    check_inputs_exist(sources, "SOURCES", allow_urls=True)
    try:
        pairs = pair_outputs(formats, outputs)
        baseline = None
        if baseline_path is not None:
            baseline = load_baseline(baseline_path, missing_ok=True)
            if not baseline_path.exists():
                # a first CI run has no reviewed findings yet: say so, and go on without
                say(f"baseline {baseline_path} not found: starting from an empty baseline "
                    "(write one with: sanctionscan baseline create REPORT.json -o "
                    f"{baseline_path} --reason ...)")
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    ruleset = load_rules_or_exit(rules_dirs, no_default_rules)
    scanner = Scanner(ruleset, min_confidence=min_confidence)

    def scan_many(docs: list[Document]) -> Iterable[DocumentResult]:
        # the same process pool as `scan --jobs` (small runs stay in this process)
        return progress(scan_documents(docs, ruleset, jobs=jobs, min_confidence=min_confidence,
                                       doc_timeout=doc_timeout or None),
                        quiet, len(docs), verbose)

    policy = FetchPolicy(timeout=timeout, max_bytes=max_bytes, retries=retries,
                         allow_private_addresses=allow_private_addresses)
    options = FeedOptions(
        fetch_articles=fetch_articles,
        dedupe_threshold=dedupe_threshold,
        baseline=baseline,
        doc_timeout=doc_timeout or None,
        options={
            "command": "feed",
            "sources": " ".join(sources),
            "fail_on": fail_on,
            "strict": str(strict).lower(),
            "fetch_articles": str(fetch_articles).lower(),
            "min_confidence": str(min_confidence),
            "baseline": str(baseline_path) if baseline_path else "",
            "baseline_sha256": _file_sha256(baseline_path)
            if baseline_path and baseline_path.exists() else "",
            "state": "" if no_state else str(state_path),
            "rules": " ".join(str(p) for p in rules_dirs),
            "dedupe_threshold": str(dedupe_threshold),
            "allow_private_addresses": str(allow_private_addresses).lower(),
            "doc_timeout": str(doc_timeout),
        },
    )
    try:
        state = State.open(None if no_state else state_path, lock_timeout=lock_timeout)
    except InputError as exc:
        click.echo(f"sanctionscan: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    remove_stale_temporaries(path for _, path in pairs if path is not None)
    with state, Fetcher(policy) as fetcher:
        run = run_feed(list(sources), scanner, state, fetcher, options, progress=say,
                       scan_many=scan_many)
        try:
            write_outputs(run.report, pairs, run.texts, color=use_color(color))
        except OSError as exc:
            # No report, no commit: the next run scans these entries again.
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"sanctionscan: cannot write report{where}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_USAGE)
        # Only now, with every report on disk, do these entries count as seen.
        try:
            commit(state, run)
        except StateError as exc:
            click.echo(f"sanctionscan: {exc}; the reports are written, and these entries "
                       "will be scanned and reported again next run", err=True)
            sys.exit(EXIT_INPUT)
    _summary(run, fail_on, say)
    sys.exit(feed_exit_code(run, fail_on, strict))


def _file_sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _summary(run: FeedRun, fail_on: str, say: Progress) -> None:
    report = run.report
    findings = report.findings
    suppressed = sum(1 for f in findings if f.suppression is not None)
    scanned = sum(1 for d in report.documents if d.skipped is None)
    for source in run.failed_sources:
        say(f"feed failed: {source.error}")
    for source in run.sources:
        if source.warning:
            say(f"feed warning: {source.warning}")
    for doc in report.documents:
        if doc.skipped and doc.id not in {s.source for s in run.failed_sources}:
            say(f"skipped {doc.id}: {doc.skipped}")
    failing = run.failing_findings(fail_on)
    not_modified = sum(1 for s in run.sources if s.not_modified)
    say(
        f"{len(run.sources)} feed(s), {len(run.failed_sources)} failed, {not_modified} not "
        f"modified; {scanned} new or changed "
        f"entr{'y' if scanned == 1 else 'ies'} scanned, {run.unchanged} unchanged; "
        f"{len(findings)} finding(s), {suppressed} suppressed by the baseline, "
        f"{len(run.new_fingerprints)} not reported before; "
        f"{len(failing)} fail the job (new, not baselined, at or above {fail_on})"
    )


# -- baseline ----------------------------------------------------------------------------------


def _read_report(path: Path) -> Report:
    try:
        return Report.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        click.echo(f"sanctionscan: {path}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT)
    except ValueError as exc:  # JSON or validation error
        click.echo(f"sanctionscan: {path}: not a sanctionscan JSON report ({exc})", err=True)
        sys.exit(EXIT_USAGE)


@click.group()
def baseline() -> None:
    """Write the reviewed baseline of accepted findings from a JSON report."""


_reason = click.option(
    "--reason", required=True, help="Why these findings are accepted (shown as the justification)."
)
_reviewer = click.option("--reviewer", help="Who reviewed them.")
_expires = click.option(
    "--expires",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date (YYYY-MM-DD) after which the entries fail again.",
)


@baseline.command("create")
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Baseline file to write (.yaml/.yml or .json).",
)
@_reason
@_reviewer
@_expires
def baseline_create(
    report: Path, output: Path, reason: str, reviewer: str | None, expires: datetime | None
) -> None:
    """Create a baseline accepting every finding in REPORT (from --format json)."""
    until = _date(expires)
    result = create_baseline(_read_report(report), reason, reviewer, until)
    save_baseline(result, output)
    click.echo(f"sanctionscan: {len(result.entries)} finding(s) baselined in {output}", err=True)


@baseline.command("update")
@click.argument("baseline_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("report", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_reason
@_reviewer
@_expires
@click.option(
    "--accept-changed",
    is_flag=True,
    help="Re-record entries whose finding changed in substance (after a new review).",
)
@click.option("--prune", is_flag=True, help="Drop entries whose finding is not in REPORT.")
def baseline_update(
    baseline_file: Path,
    report: Path,
    reason: str,
    reviewer: str | None,
    expires: datetime | None,
    accept_changed: bool,
    prune: bool,
) -> None:
    """Add REPORT's findings that BASELINE_FILE does not have yet; keep reviewed entries."""
    try:
        current = load_baseline(baseline_file)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    updated, counts = update_baseline(
        current, _read_report(report), reason, reviewer, _date(expires), accept_changed, prune
    )
    save_baseline(updated, baseline_file)
    click.echo(
        "sanctionscan: baseline " + ", ".join(f"{v} {k}" for k, v in counts.items()), err=True
    )


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None  # click.DateTime gives a datetime
