"""`sanctionscan scan`: read articles, report possible violations."""

from __future__ import annotations

import json
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
    exit_code_for,
    load_rules_or_exit,
    progress,
)
from sanctionscan.cli.output import OutputPair, output_options, pair_outputs, write_outputs
from sanctionscan.engine import Scanner
from sanctionscan.errors import UsageError
from sanctionscan.formatters import RenderOptions, get_formatter
from sanctionscan.models import Document, DocumentResult, Report, Severity, SkippedDocument
from sanctionscan.parallel import scan_documents
from sanctionscan.sources import iter_documents


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rules", "rules_dirs", multiple=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder to add (repeatable); files with the same path replace "
              "shipped ones.")
@click.option("--no-default-rules", is_flag=True, help="Use only the --rules folders.")
@output_options("text")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="Report only findings at or above this confidence.")
@click.option("--fail-on", type=click.Choice(["high", "medium", "low", "none"]), default="none",
              show_default=True, help="Exit 1 when a finding at or above this severity is found.")
@click.option("--strict", is_flag=True, help="Exit 3 when any input had to be skipped.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores]. Output is the same for any number.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="local: process pool on this machine; dask: a dask cluster "
              "(needs sanctionscan[dask]).")
@click.option("--scheduler", metavar="ADDRESS",
              help="dask scheduler address (tcp://host:8786); without it a local dask cluster.")
def scan(inputs: tuple[str, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
         formats: tuple[str, ...], outputs: tuple[Path, ...], min_confidence: float,
         fail_on: str, strict: bool, quiet: bool, jobs: int | None, executor: str,
         scheduler: str | None) -> None:
    """Scan INPUTS (text, HTML or JSON Lines files, folders, or - for stdin)."""
    try:
        pairs = pair_outputs(formats, outputs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    ruleset = load_rules_or_exit(rules_dirs, no_default_rules)
    scanner = Scanner(ruleset, min_confidence=min_confidence)
    keep_texts = any(name in {"html", "markdown", "text", "sarif"} for name, _ in pairs)
    texts: dict[str, str] = {}
    documents = 0

    def read() -> Iterator[Document | SkippedDocument]:
        nonlocal documents
        for item in progress(iter_documents(list(inputs)), quiet):
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
        results = scan_documents(read(), ruleset, jobs=jobs, min_confidence=min_confidence)
    if all(name == "jsonl" for name, _ in pairs):
        # JSON Lines only: nothing needs the whole report, so results are not kept
        stream = _JsonlStream(scanner.report([]))
        for result in results:
            stream.add(result)
        stream.finish(pairs)
        found, skipped, code = stream.findings, stream.skipped, stream.exit_code(fail_on)
    else:
        report = scanner.report(results)
        write_outputs(report, pairs, texts, color=sys.stdout.isatty())
        found = sum(len(d.findings) for d in report.documents)
        skipped = [(d.id, d.skipped) for d in report.documents if d.skipped]
        code = exit_code_for(report, fail_on)
    if not quiet:
        click.echo(f"sanctionscan: {documents} document(s) scanned, {found} finding(s), "
                   f"{len(skipped)} skipped", err=True)
        for doc_id, reason in skipped:
            click.echo(f"sanctionscan: skipped {doc_id}: {reason}", err=True)
    if documents == 0 or (strict and skipped):
        sys.exit(EXIT_INPUT)
    sys.exit(code)


class _JsonlStream:
    """JSON Lines output that never holds the whole report: each document's lines are rendered
    by the jsonl formatter as the document finishes and spooled to temporary files; at the end
    the run line (which carries the totals) is written, then the spooled lines. The bytes are
    exactly what the formatter renders for the whole report; a file is still replaced
    atomically, so a reader never sees half of one."""

    def __init__(self, header: Report) -> None:
        self._header = header
        self._render = get_formatter("jsonl")
        self._finding_lines: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - lives until finish()
            "w+", encoding="utf-8")
        self._skipped_lines: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - lives until finish()
            "w+", encoding="utf-8")
        self.documents = 0
        self.findings = 0
        self.suppressed = 0
        self.skipped: list[tuple[str, str]] = []
        self._worst = 0  # highest severity rank of an unsuppressed finding

    def add(self, result: DocumentResult) -> None:
        self.documents += 1
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
        one = self._header.model_copy(update={"documents": [result]})
        for line in self._render(one, RenderOptions()).splitlines(keepends=True)[1:]:
            target = self._skipped_lines if line.startswith('{"type":"skipped"') \
                else self._finding_lines
            target.write(line)

    def exit_code(self, fail_on: str) -> int:
        if fail_on != "none" and self._worst >= Severity(fail_on).rank:
            return EXIT_FINDINGS
        return EXIT_OK

    def _run_line(self) -> str:
        first = self._render(self._header, RenderOptions()).split("\n", 1)[0]
        record = json.loads(first)
        record["summary"] = {"documents": self.documents, "skipped": len(self.skipped),
                             "findings": self.findings, "suppressed": self.suppressed}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"

    def _copy_to(self, handle: IO[str]) -> None:
        handle.write(self._run_line())
        for spool in (self._finding_lines, self._skipped_lines):
            spool.seek(0)
            shutil.copyfileobj(spool, handle)

    def finish(self, pairs: list[OutputPair]) -> None:
        try:
            for _, path in pairs:
                if path is None:
                    continue
                with atomic_writer(path) as handle:
                    self._copy_to(handle)
            if any(path is None for _, path in pairs):
                self._copy_to(sys.stdout)
                sys.stdout.flush()
        finally:
            self._finding_lines.close()
            self._skipped_lines.close()
