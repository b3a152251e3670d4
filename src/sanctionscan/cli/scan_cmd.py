"""`sanctionscan scan`: read articles, report possible violations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sanctionscan.cli.common import EXIT_INPUT, exit_code_for, load_rules_or_exit, progress
from sanctionscan.cli.output import output_options, pair_outputs, write_outputs
from sanctionscan.engine import Scanner
from sanctionscan.errors import UsageError
from sanctionscan.models import Document, SkippedDocument
from sanctionscan.sources import iter_documents


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rules", "rules_dirs", multiple=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Rule folder to add (repeatable); files with the same path replace shipped ones.")
@click.option("--no-default-rules", is_flag=True, help="Use only the --rules folders.")
@output_options("text")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="Report only findings at or above this confidence.")
@click.option("--fail-on", type=click.Choice(["high", "medium", "low", "none"]), default="none",
              show_default=True, help="Exit 1 when a finding at or above this severity is found.")
@click.option("--strict", is_flag=True, help="Exit 3 when any input had to be skipped.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
def scan(inputs: tuple[str, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
         formats: tuple[str, ...], outputs: tuple[Path, ...], min_confidence: float,
         fail_on: str, strict: bool, quiet: bool) -> None:
    """Scan INPUTS (text, HTML or JSON Lines files, folders, or - for stdin)."""
    try:
        pairs = pair_outputs(formats, outputs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    ruleset = load_rules_or_exit(rules_dirs, no_default_rules)
    scanner = Scanner(ruleset, min_confidence=min_confidence)
    keep_texts = any(name in {"html", "markdown", "text"} for name, _ in pairs)
    texts: dict[str, str] = {}
    results = []
    documents = 0
    for item in progress(iter_documents(list(inputs)), quiet):
        if isinstance(item, Document):
            documents += 1
            if keep_texts:
                texts[item.id] = item.text
        results.extend(scanner.scan_all([item]))
    report = scanner.report(results)
    write_outputs(report, pairs, texts, color=sys.stdout.isatty())
    skipped = [d for d in report.documents if d.skipped]
    if not quiet:
        found = sum(len(d.findings) for d in report.documents)
        click.echo(f"sanctionscan: {documents} document(s) scanned, {found} finding(s), "
                   f"{len(skipped)} skipped", err=True)
        for d in skipped:
            click.echo(f"sanctionscan: skipped {d.id}: {d.skipped}", err=True)
    if documents == 0 or (strict and skipped):
        sys.exit(EXIT_INPUT)
    sys.exit(exit_code_for(report, fail_on))
