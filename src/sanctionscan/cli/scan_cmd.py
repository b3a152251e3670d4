"""`sanctionscan scan`: read articles, report possible violations."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from sanctionscan.atomic import atomic_writer
from sanctionscan.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    check_inputs_exist,
    count_documents,
    doc_timeout_option,
    exit_code_for,
    load_rules_or_exit,
    min_confidence_option,
    progress,
    quiet_option,
    remove_stale_temporaries,
    rule_options,
    verbose_option,
)
from sanctionscan.cli.output import (
    OutputPair,
    output_options,
    pair_outputs,
    use_color,
    write_error_message,
    write_outputs_or_exit,
)
from sanctionscan.engine import Scanner
from sanctionscan.errors import UsageError
from sanctionscan.formatters import jsonl
from sanctionscan.formatters._evidence import printable
from sanctionscan.manifest import build_manifest, scanned_inputs
from sanctionscan.models import (
    Document,
    DocumentResult,
    InputRecord,
    Report,
    Severity,
    SkippedDocument,
)
from sanctionscan.parallel import scan_documents
from sanctionscan.sources import iter_documents


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@rule_options
@output_options("text")
@min_confidence_option
@click.option("--fail-on", type=click.Choice(["high", "medium", "low", "none"]), default="none",
              show_default=True, help="Exit 1 when a finding at or above this severity is found.")
@click.option("--strict", is_flag=True, help="Exit 3 when any input had to be skipped.")
@doc_timeout_option
@quiet_option
@verbose_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores]. Output is the same for any number.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="local: process pool on this machine; dask: a dask cluster "
              "(needs sanctionscan[dask]).")
@click.option("--scheduler", metavar="ADDRESS",
              help="dask scheduler address (tcp://host:8786); without it a local dask cluster.")
def scan(inputs: tuple[str, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
         formats: tuple[str, ...], outputs: tuple[Path, ...], color: str, min_confidence: float,
         fail_on: str, strict: bool, doc_timeout: float, quiet: bool, verbose: bool,
         jobs: int | None, executor: str, scheduler: str | None) -> None:
    """Scan INPUTS (text, HTML or JSON Lines files, folders, or - for stdin)."""
    check_inputs_exist(inputs)
    try:
        pairs = pair_outputs(formats, outputs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    ruleset = load_rules_or_exit(rules_dirs, no_default_rules)
    remove_stale_temporaries(path for _, path in pairs if path is not None)
    scanner = Scanner(ruleset, min_confidence=min_confidence, doc_timeout=doc_timeout or None)
    # no start time: a scan's report is the same bytes for the same inputs (and any --jobs)
    started = None
    run_options = {
        "command": "scan", "inputs": " ".join(inputs), "fail_on": fail_on,
        "strict": str(strict).lower(), "min_confidence": str(min_confidence),
        "rules": " ".join(str(p) for p in rules_dirs),
        "default_rules": str(not no_default_rules).lower(),
    }
    keep_texts = any(name in {"html", "markdown", "text", "sarif"} for name, _ in pairs)
    texts: dict[str, str] = {}
    documents = 0

    def read() -> Iterator[Document | SkippedDocument]:
        nonlocal documents
        for item in iter_documents(list(inputs)):
            if isinstance(item, Document):
                documents += 1
                if keep_texts:
                    texts[item.id] = item.text
            yield item

    if executor == "dask":
        try:
            from sanctionscan.parallel import scan_with_dask
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise click.UsageError("--executor dask needs: pip install 'sanctionscan[dask]'"
                                   ) from exc
        try:
            results = scan_with_dask(read(), ruleset=ruleset, scheduler=scheduler,
                                     min_confidence=min_confidence)
        except (OSError, TimeoutError) as exc:
            click.echo(f"sanctionscan: cannot use dask scheduler {scheduler}: {exc}", err=True)
            sys.exit(EXIT_USAGE)
    else:
        results = scan_documents(read(), ruleset, jobs=jobs, min_confidence=min_confidence,
                                 doc_timeout=doc_timeout or None)
    if keep_texts:
        results = _drop_texts_without_findings(results, texts)
    results = progress(results, quiet, count_documents(inputs), verbose)
    if all(name == "jsonl" for name, _ in pairs):
        # JSON Lines only: nothing needs the whole report, so results are not kept
        header = scanner.report([])
        header = header.model_copy(
            update={"manifest": build_manifest(header, run_options, [], started)})
        stream = _JsonlStream(header, pairs)
        for result in results:
            stream.add(result)
        try:
            stream.finish()
        except OSError as exc:
            click.echo(write_error_message(exc), err=True)
            sys.exit(EXIT_USAGE)
        found, skipped, code = stream.findings, stream.skipped, stream.exit_code(fail_on)
    else:
        report = scanner.report(results)
        report = report.model_copy(update={"manifest": build_manifest(
            report, run_options, scanned_inputs(report.documents), started)})
        write_outputs_or_exit(report, pairs, texts, color=use_color(color))
        found = sum(len(d.findings) for d in report.documents)
        skipped = [(d.id, d.skipped) for d in report.documents if d.skipped]
        code = exit_code_for(report, fail_on)
    if not quiet:
        click.echo(f"sanctionscan: {documents} document(s) scanned, {found} finding(s), "
                   f"{len(skipped)} skipped", err=True)
        for doc_id, reason in skipped:
            # a file name or JSON id can carry escape sequences: shown, never sent to the terminal
            click.echo(f"sanctionscan: skipped {printable(doc_id)}: {printable(reason)}",
                       err=True)
    if documents == 0 or (strict and skipped):
        sys.exit(EXIT_INPUT)
    sys.exit(code)


def _drop_texts_without_findings(results: Iterator[DocumentResult], texts: dict[str, str]
                                 ) -> Iterator[DocumentResult]:
    """Formatters read a document's text only to show its findings' evidence: the text of a
    document without findings is let go as soon as its result is in, so a large input held
    for a text or HTML report costs the documents with findings, not all of them."""
    for result in results:
        if not result.findings:
            texts.pop(result.id, None)
        yield result


class _JsonlStream:
    """JSON Lines output that never holds the whole report. Each document's lines are rendered
    as the document finishes: written at once to stdout (after a run line whose totals are
    still null; the closing summary line carries them), and spooled to a temporary file for
    file outputs, which at the end get the run line with the totals, the spooled lines and
    the summary: exactly what the formatter renders for the whole report, and still replaced
    atomically, so a reader never sees half of one."""

    def __init__(self, header: Report, pairs: list[OutputPair]) -> None:
        self._header = header
        self._files = [path for _, path in pairs if path is not None]
        self._stdout = any(path is None for _, path in pairs)
        self._spool: IO[str] | None = tempfile.TemporaryFile(  # noqa: SIM115 - closed in finish()
            "w+", encoding="utf-8") if self._files else None
        self.documents = 0
        self.inputs: list[InputRecord] = []  # for the manifest of file outputs
        self.findings = 0
        self.suppressed = 0
        self.skipped: list[tuple[str, str]] = []
        self._worst = 0  # highest severity rank of an unsuppressed finding
        if self._stdout:
            sys.stdout.write(jsonl.run_line(header, None))
            sys.stdout.flush()

    def add(self, result: DocumentResult) -> None:
        self.documents += 1
        self.inputs.extend(scanned_inputs([result]))
        if result.skipped is not None:
            self.skipped.append((result.id, result.skipped))
        elif not result.findings:
            return
        for finding in result.findings:
            self.findings += 1
            if finding.suppression is None:
                self._worst = max(self._worst, finding.severity.rank)
            else:
                self.suppressed += 1
        lines = "".join(jsonl.document_lines(self._header.model_copy(
            update={"documents": [result]})))
        if self._spool is not None:
            self._spool.write(lines)
        if self._stdout:
            sys.stdout.write(lines)
            sys.stdout.flush()

    def exit_code(self, fail_on: str) -> int:
        if fail_on != "none" and self._worst >= Severity(fail_on).rank:
            return EXIT_FINDINGS
        return EXIT_OK

    def finish(self) -> None:
        totals = {"documents": self.documents, "skipped": len(self.skipped),
                  "findings": self.findings, "suppressed": self.suppressed}
        # the files are written last, so their run line can carry every input's hash
        header = self._header
        if header.manifest is not None:
            header = header.model_copy(update={"manifest": header.manifest.model_copy(
                update={"inputs": self.inputs})})
        try:
            for path in self._files:
                assert self._spool is not None
                with atomic_writer(path) as handle:
                    handle.write(jsonl.run_line(header, totals))
                    self._spool.seek(0)
                    shutil.copyfileobj(self._spool, handle)
                    handle.write(jsonl.summary_line(totals))
            if self._stdout:
                sys.stdout.write(jsonl.summary_line(totals))
                sys.stdout.flush()
        finally:
            if self._spool is not None:
                self._spool.close()
