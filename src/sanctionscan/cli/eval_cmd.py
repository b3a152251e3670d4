"""`sanctionscan eval`: score the engine (or a saved report) on a labelled corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sanctionscan.cli.common import (
    EXIT_INPUT,
    load_rules_or_exit,
    min_confidence_option,
    rule_options,
)
from sanctionscan.engine import Scanner
from sanctionscan.evaluate import as_document, load_report, read_corpus, score


@click.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_path", type=click.Path(exists=True, path_type=Path),
              help="Score this saved JSON report instead of scanning the corpus.")
@rule_options
@min_confidence_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def eval_cmd(corpus: Path, report_path: Path | None, rules_dirs: tuple[Path, ...],
             no_default_rules: bool, min_confidence: float, fmt: str) -> None:
    """Score findings against CORPUS (JSON Lines with id, text, expect_flag, labels)."""
    try:
        items = list(read_corpus(corpus))
    except ValueError as exc:
        click.echo(f"sanctionscan: {corpus}: not a labelled corpus: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    if report_path is not None:
        report = load_report(report_path)
    else:
        scanner = Scanner(load_rules_or_exit(rules_dirs, no_default_rules),
                          min_confidence=min_confidence)
        report = scanner.report(scanner.scan_document(as_document(i)) for i in items)
    result = score(items, report)
    if fmt == "json":
        click.echo(json.dumps(result.summary(), indent=1))
        return
    for error in result.errors:
        click.echo(f"{error.kind.upper():18s} {error.document} :: {error.category}")
        click.echo(f"{'':18s} {error.sentence}")
    click.echo("per category (tp fp fn):")
    for category, (tp, fp, fn) in sorted(result.per_category.items()):
        click.echo(f"  {category:26s} {tp:3d} {fp:3d} {fn:3d}")
    click.echo(result.line())
