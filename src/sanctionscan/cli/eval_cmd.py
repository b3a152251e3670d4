"""`sanctionscan eval`: score the engine (or a saved report) on a labelled corpus.

Exit codes: 0 scored (and every `--fail-under` reached), 1 a `--fail-under` threshold missed,
2 usage or rule-file error, 3 the corpus or report cannot be read (the message names
`file:line`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sanctionscan.atomic import write_text_atomic
from sanctionscan.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    load_rules_or_exit,
    min_confidence_option,
    quiet_option,
    rule_options,
    verbose_option,
)
from sanctionscan.engine import Scanner
from sanctionscan.evaluate import (
    METRICS,
    Score,
    as_document,
    below,
    load_report,
    parse_threshold,
    read_corpus,
    score,
)


def _threshold(_ctx: click.Context, _param: click.Parameter,
               values: tuple[str, ...]) -> list[tuple[str, float]]:
    try:
        return [parse_threshold(v) for v in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _text(corpus: Path, result: Score, verbose: bool) -> str:
    lines: list[str] = []
    for error in result.errors:
        lines.append(f"{corpus}:{error.line}: {error.kind} {error.document} :: {error.category}")
        lines.append(f"    {error.sentence}")
    if verbose or not result.errors:
        lines.append("per category (tp fp fn):")
        for category, (tp, fp, fn) in sorted(result.per_category.items()):
            lines.append(f"  {category:26s} {tp:3d} {fp:3d} {fn:3d}")
    lines.append(result.line())
    return "\n".join(lines) + "\n"


@click.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_path", type=click.Path(exists=True, path_type=Path),
              help="Score this saved JSON report instead of scanning the corpus.")
@rule_options
@min_confidence_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the scores to FILE (- or none: stdout).")
@click.option("--fail-under", "thresholds", multiple=True, metavar="METRIC=VALUE",
              callback=_threshold,
              help=f"Exit 1 when METRIC is below VALUE (repeatable); metrics: "
              f"{', '.join(METRICS)}.")
@quiet_option
@verbose_option
def eval_cmd(corpus: Path, report_path: Path | None, rules_dirs: tuple[Path, ...],
             no_default_rules: bool, min_confidence: float, fmt: str, output: Path | None,
             thresholds: list[tuple[str, float]], quiet: bool, verbose: bool) -> None:
    """Score findings against CORPUS (JSON Lines with id, text, expect_flag, labels)."""
    try:
        items = list(read_corpus(corpus))
    except ValueError as exc:  # CorpusError names file:line
        click.echo(f"sanctionscan: not a labelled corpus: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    if report_path is not None:
        try:
            report = load_report(report_path)
        except (OSError, ValueError) as exc:
            click.echo(f"sanctionscan: {report_path}: not a sanctionscan JSON report "
                       f"({str(exc).splitlines()[0]})", err=True)
            sys.exit(EXIT_INPUT)
    else:
        scanner = Scanner(load_rules_or_exit(rules_dirs, no_default_rules),
                          min_confidence=min_confidence)
        report = scanner.report(scanner.scan_document(as_document(i)) for i in items)
    result = score(items, report)
    summary = result.summary()
    if fmt == "json":
        for error in summary["errors"]:
            error["where"] = f"{corpus}:{error['line']}"
        content = json.dumps(summary, indent=1) + "\n"
    else:
        content = _text(corpus, result, verbose)
    if output is None or str(output) == "-":
        click.echo(content, nl=False)
    else:
        write_text_atomic(output, content)
    missed = below(summary, thresholds)
    for sentence in missed:
        click.echo(f"sanctionscan: --fail-under: {sentence}", err=True)
    if not quiet and not missed and thresholds:
        click.echo("sanctionscan: every --fail-under threshold reached", err=True)
    sys.exit(EXIT_FINDINGS if missed else EXIT_OK)
