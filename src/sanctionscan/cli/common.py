"""What every command shares: exit codes, loading rules with readable errors, progress, and
clearing away the temporary report files a killed run left."""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from sanctionscan.cache import load_ruleset_cached
from sanctionscan.errors import RuleSetError
from sanctionscan.guard import DEFAULT_DOC_TIMEOUT
from sanctionscan.models import Report, Severity
from sanctionscan.ruleset import RuleSet, default_rules_dir

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2  # also rule-file errors
EXIT_INPUT = 3
EXIT_INTERNAL = 70  # a bug of ours (EX_SOFTWARE), never confused with "findings"
# a temporary report file untouched this long is left by a killed run, not one writing now
STALE_TEMPORARY_SECONDS = 60.0

T = TypeVar("T")


F = TypeVar("F", bound=Callable[..., Any])


def rule_options(func: F) -> F:
    """`--rules DIR` (repeatable) and `--no-default-rules`, as every scanning command takes
    them."""
    func = click.option("--no-default-rules", is_flag=True,
                        help="Use only the --rules folders.")(func)
    return click.option("--rules", "rules_dirs", multiple=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Rule folder to add (repeatable); files with the same path "
                        "replace shipped ones.")(func)


def min_confidence_option(func: F) -> F:
    return click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.3,
                        show_default=True,
                        help="Report only findings at or above this confidence.")(func)


def doc_timeout_option(func: F) -> F:
    return click.option("--doc-timeout", type=click.FloatRange(min=0), default=DEFAULT_DOC_TIMEOUT,
                        show_default=True, metavar="SECONDS",
                        help="Time budget of one document's scan; a document over it is "
                        "reported as skipped (0: no budget).")(func)


def quiet_option(func: F) -> F:
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress or summary on stderr.")(func)


def verbose_option(func: F) -> F:
    return click.option("--verbose", "-v", is_flag=True,
                        help="More detail on stderr (progress even when it is not a "
                        "terminal; every case, not only failures).")(func)


def check_inputs_exist(inputs: Iterable[str], param: str = "INPUTS",
                       allow_urls: bool = False) -> None:
    """A path that does not exist is a usage error (exit 2), as in ruff and Semgrep, not an
    input error found halfway through the run. `-` (stdin) and, where allowed, URLs pass."""
    for raw in inputs:
        if raw == "-" or (allow_urls and raw.startswith(("http://", "https://"))):
            continue
        if not Path(raw).exists():
            raise click.BadParameter(f"{raw!r}: no such file or folder", param_hint=param)


def load_rules_or_exit(rules_dirs: Iterable[Path], no_default: bool = False) -> RuleSet:
    dirs = list(rules_dirs)
    if not no_default:
        dirs.insert(0, default_rules_dir())
    try:
        ruleset = load_ruleset_cached(dirs)
    except RuleSetError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"sanctionscan: {len(exc.errors)} rule-file error(s)", err=True)
        sys.exit(EXIT_USAGE)
    # The compiled rule set is tens of thousands of long-lived objects; keeping them out of
    # the collector's generations saves it from walking them again on every document.
    gc.freeze()
    return ruleset


def exit_code_for(report: Report, fail_on: str) -> int:
    if fail_on == "none":
        return EXIT_OK
    threshold = Severity(fail_on).rank
    for finding in report.findings:
        if finding.suppression is None and finding.severity.rank >= threshold:
            return EXIT_FINDINGS
    return EXIT_OK


_LINE_FORMATS = frozenset({".jsonl", ".ndjson"})


def count_documents(inputs: Iterable[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know: plain files and folders
    of them count one a file; stdin and JSON Lines (one document a line, read as a stream)
    leave the total unknown (None)."""
    from sanctionscan.sources import _DIRECTORY_SUFFIXES

    total = 0
    try:
        for raw in inputs:
            path = Path(raw)
            if raw == "-" or path.suffix.lower() in _LINE_FORMATS:
                return None
            if path.is_dir():
                for child in path.rglob("*"):
                    suffix = child.suffix.lower()
                    if suffix in _LINE_FORMATS:
                        return None
                    if suffix in _DIRECTORY_SUFFIXES and child.is_file():
                        total += 1
            else:
                total += 1
    except OSError:
        return None  # a folder that cannot be listed: the reader reports it, the total is open
    return total


def progress_line(done: int, total: int | None, elapsed: float) -> str:
    """`1,200 of 5,000 documents scanned (310/s, about 12 s left)`; without a total, the count
    and rate only."""
    rate = done / elapsed if elapsed > 0 else 0.0
    counted = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
    line = f"sanctionscan: {counted} document(s) scanned ({rate:,.0f}/s"
    if total is not None and rate > 0 and done < total:
        line += f", about {_duration((total - done) / rate)} left"
    return line + ")"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress(items: Iterable[T], quiet: bool, total: int | None = None, verbose: bool = False,
             every: float = 2.0, clock: Callable[[], float] = time.monotonic) -> Iterator[T]:
    """Pass items through, printing how many were scanned (of the total when known), the rate
    and the time left to stderr every few seconds. Only on a terminal, or with --verbose, so a
    CI log is not filled with it; never with --quiet."""
    show = not quiet and (verbose or sys.stderr.isatty())
    start = last = clock()
    count = 0
    for item in items:
        count += 1
        yield item
        if show and clock() - last > every:
            last = clock()
            click.echo(progress_line(count, total, last - start), err=True)


def remove_stale_temporaries(outputs: Iterable[Path]) -> list[Path]:
    """Remove the temporary files a killed run left beside these reports (the atomic writer
    names them `.<report name>.<random>.tmp`); a file still being written is left alone."""
    removed: list[Path] = []
    now = time.time()
    for output in outputs:
        try:
            leftovers = list(output.parent.glob(f".{output.name}.*.tmp"))
        except OSError:
            continue
        for leftover in leftovers:
            try:
                if not leftover.is_file() or leftover.is_symlink():
                    continue
                if now - leftover.stat().st_mtime >= STALE_TEMPORARY_SECONDS:
                    leftover.unlink()
                    removed.append(leftover)
            except OSError:
                continue  # not ours to fight over: the run goes on
    return removed
