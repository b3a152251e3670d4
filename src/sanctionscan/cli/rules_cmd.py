"""`sanctionscan rules validate|test|list|schema`: the rule author's commands.

Exit codes (DESIGN §6): 0 all good, 1 an example failed, 2 a rule file is wrong (schema or
semantic error, printed as `file:line: message`). Reports go to stdout; diagnostics and the
summary line go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from sanctionscan.atomic import write_text_atomic
from sanctionscan.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    quiet_option,
    verbose_option,
)
from sanctionscan.cli.output import write_error_message
from sanctionscan.errors import RuleSetError
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset

EXIT_EXAMPLES = EXIT_FINDINGS  # 1: an example did not behave as written


def _dirs_option(func):  # type: ignore[no-untyped-def]
    """Rule folders as `--rules DIR` (as `scan` takes them) or as arguments, which add up."""
    func = click.option("--no-default-rules", is_flag=True,
                        help="Use only the folders given, not the shipped rule set.")(func)
    func = click.option("--rules", "rules_dirs", multiple=True,
                        type=click.Path(exists=True, file_okay=False, path_type=Path),
                        help="Rule folder to add (repeatable), as for scan; its lexicon files "
                        "add to the shipped ones.")(func)
    func = click.argument("dirs", nargs=-1,
                          type=click.Path(exists=True, file_okay=False, path_type=Path))(func)
    return func


def _emit(content: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(content, nl=False)
        return
    try:
        write_text_atomic(output, content)
    except OSError as exc:
        click.echo(write_error_message(exc), err=True)
        sys.exit(EXIT_USAGE)


_output = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                       default=None, help="Write to FILE instead of stdout (- for stdout).")


def _format(*choices: str):  # type: ignore[no-untyped-def]
    return click.option("--format", "-f", "fmt", type=click.Choice(list(choices)),
                        default=choices[0], show_default=True)


def _load(dirs: tuple[Path, ...], no_default: bool) -> RuleSet:
    """Load the shipped rules plus DIRS (their lexicon files add to the shipped ones, other
    files replace the shipped file with the same relative path), or exit 2 listing every
    rule-file error."""
    folders = list(dirs)
    if not no_default:
        folders.insert(0, default_rules_dir())
    try:
        return load_ruleset(folders)
    except RuleSetError as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"sanctionscan: {len(exc.errors)} rule-file error(s)", err=True)
        sys.exit(EXIT_USAGE)


def _select(ruleset: RuleSet, patterns: tuple[str, ...]) -> list[str] | None:
    if not patterns:
        return None
    ids = [r.rule.id for r in ruleset.rules
           if any(r.rule.id == p or r.rule.id.startswith(p) or r.rule.category == p
                  or r.regime == p for p in patterns)]
    if not ids:
        raise click.UsageError(f"no rule matches {', '.join(patterns)} "
                               f"(give a rule id, an id prefix, a category or a regime)")
    return ids


@click.group()
def rules() -> None:
    """Validate, test, list and describe rule files."""


@rules.command()
@_dirs_option
@click.option("--no-examples", is_flag=True, help="Check the files only; do not run examples.")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. too few examples) as errors.")
@_format("text", "json")
@_output
@quiet_option
@verbose_option
def validate(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
             no_examples: bool, strict: bool, fmt: str, output: Path | None, quiet: bool,
             verbose: bool) -> None:
    """Check rule files in DIRS (added to the shipped rules) for schema and semantic errors.

    Problems go to stderr as file:line: level: message; with -f json, a list of them to stdout
    (or -o FILE)."""
    from sanctionscan.rules.checks import check_ruleset

    ruleset = _load(dirs + rules_dirs, no_default_rules)
    problems = check_ruleset(ruleset)
    if fmt == "json":
        _emit(json.dumps([{"file": p.error.file, "line": p.error.line, "level": p.level,
                           "message": p.error.message} for p in problems], indent=2) + "\n",
              output)
    for problem in problems:
        if verbose or not quiet or problem.level == "error":
            click.echo(str(problem), err=True)
    errors = sum(p.level == "error" or strict for p in problems)
    warnings = len(problems) - errors
    failed = 0
    if not errors and not no_examples:
        from sanctionscan.ruletests import iter_results

        for result in iter_results(ruleset):
            if not result.passed:
                failed += 1
                click.echo(f"{result.case.where}: example {result.case.id} failed: "
                           f"{result.message}", err=True)
    if not quiet:
        click.echo(f"sanctionscan: {len(ruleset.rules)} rule(s), {errors} error(s), "
                   f"{warnings} warning(s), {failed} failing example(s)", err=True)
    if errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_EXAMPLES if failed else EXIT_OK)


@rules.command("test")
@_dirs_option
@click.option("--rule", "-r", "patterns", multiple=True,
              help="Only these rules: an id, an id prefix (UN-KP-), a category or a regime.")
@_format("text", "json")
@_output
@quiet_option
@verbose_option
def test_cmd(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
             patterns: tuple[str, ...], fmt: str, output: Path | None, quiet: bool,
             verbose: bool) -> None:
    """Run every rule's examples and print a table per rule; exit 1 on any failure."""
    from sanctionscan.ruletests import run_examples

    ruleset = _load(dirs + rules_dirs, no_default_rules)
    summaries = run_examples(ruleset, _select(ruleset, patterns))
    total_pass = sum(s.passed for s in summaries)
    total_fail = sum(s.failed for s in summaries)
    if fmt == "json":
        _emit(json.dumps([{"rule": s.rule_id, "passed": s.passed, "failed": s.failed,
                           "cases": [{"id": r.case.id, "passed": r.passed, "where": r.case.where,
                                      "text": r.case.text, "message": r.message}
                                     for r in s.results]} for s in summaries],
                         indent=2, ensure_ascii=False) + "\n", output)
    else:
        width = max((len(s.rule_id) for s in summaries), default=4)
        lines = [f"{'RULE':<{width}}  {'PASS':>4}  {'FAIL':>4}  RESULT"]
        for s in summaries:
            verdict = "ok" if s.failed == 0 else "FAILED"
            if not s.results:
                verdict = "no examples"
            lines.append(f"{s.rule_id:<{width}}  {s.passed:>4}  {s.failed:>4}  {verdict}")
            for r in s.results:
                if verbose or not r.passed:
                    mark = "pass" if r.passed else "FAIL"
                    lines.append(f"    {mark} {r.case.id}: {r.case.text}")
                    if not r.passed:
                        lines.append(f"         {r.case.where}: {r.message}")
        _emit("\n".join(lines) + "\n", output)
    if not quiet:
        click.echo(f"sanctionscan: {len(summaries)} rule(s), {total_pass} example(s) passed, "
                   f"{total_fail} failed", err=True)
    sys.exit(EXIT_EXAMPLES if total_fail else EXIT_OK)


@rules.command("list")
@_dirs_option
@_format("text", "json")
@_output
@quiet_option
@verbose_option
def list_cmd(dirs: tuple[Path, ...], rules_dirs: tuple[Path, ...], no_default_rules: bool,
             fmt: str, output: Path | None, quiet: bool, verbose: bool) -> None:
    """List the rules: id, category, severity, direction, dates in force, title."""
    ruleset = _load(dirs + rules_dirs, no_default_rules)
    rows: list[dict[str, Any]] = []
    for loaded in ruleset.rules:
        rule = loaded.rule
        f = rule.in_force
        rows.append({
            "id": rule.id, "regime": loaded.regime, "category": rule.category,
            "severity": rule.severity.value,
            "direction": [d.value for d in rule.direction],
            "target": list(loaded.targets),
            "from": f.start.isoformat() if f.start else None,
            "until": f.until.isoformat() if f.until else None,
            "basis": [b.cite() for b in rule.basis],
            "title": rule.title,
            "file": f"{loaded.file}:{loaded.line}",
        })
    if fmt == "json":
        _emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", output)
        return
    id_w = max((len(r["id"]) for r in rows), default=2)
    cat_w = max((len(r["category"]) for r in rows), default=8)
    lines = []
    for r in rows:
        since = r["from"] or "-"
        if r["until"]:
            since += f"..{r['until']}"
        line = (f"{r['id']:<{id_w}}  {r['category']:<{cat_w}}  {r['severity']:<6}  "
                f"{','.join(r['direction']):<30}  {since:<22}  {r['title']}")
        lines.append(line + (f"  ({r['file']})" if verbose else ""))
    _emit("\n".join(lines) + "\n", output)
    if not quiet:
        click.echo(f"sanctionscan: {len(rows)} rule(s) in {len(ruleset.regimes)} regime "
                   "file(s)", err=True)


_SCHEMA_KINDS = ("regime", "goods", "parties", "actions", "grammar")


@rules.command()
@click.argument("kind", type=click.Choice([*_SCHEMA_KINDS, "all"]), default="regime")
@click.option("--rules", "rules_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Rule folder to add (repeatable): its categories, tags and party ids are "
              "listed too.")
@click.option("--no-default-rules", is_flag=True, help="Use only the --rules folders.")
@_output
def schema(kind: str, rules_dirs: tuple[Path, ...], no_default_rules: bool,
           output: Path | None) -> None:
    """Print the JSON Schema (draft-07) of a rule file (regime by default) for editors.

    The schema lists the rule set's categories, tags and party ids where a file refers to
    them, so an editor completes them and flags a misspelling. Point a file at it with a first
    line `# yaml-language-server: $schema=rules.schema.json` (see docs/rule-authoring.md)."""
    from sanctionscan.schema import (
        ActionsLexicon,
        GoodsLexicon,
        Grammar,
        PartiesLexicon,
        RegimeFile,
        editor_schema,
    )

    models: dict[str, type[BaseModel]] = {
        "regime": RegimeFile, "goods": GoodsLexicon, "parties": PartiesLexicon,
        "actions": ActionsLexicon, "grammar": Grammar}
    ruleset = _load(rules_dirs, no_default_rules)
    goods = ruleset.goods_lexicon
    tags = {t for e in (goods.goods if goods else []) for t in e.tags}
    tags |= set(goods.modifiers) if goods else set()
    parties = ruleset.parties_lexicon
    known = {
        "categories": sorted(ruleset.categories),
        "tags": sorted(tags),
        "party_ids": sorted(p.id for p in (parties.parties if parties else [])
                            if p.kind != "lookalike"),
    }
    if kind == "all":
        out: dict[str, Any] = {name: editor_schema(models[name], name, **known)
                               for name in _SCHEMA_KINDS}
    else:
        out = editor_schema(models[kind], kind, **known)
    _emit(json.dumps(out, indent=2) + "\n", output)
