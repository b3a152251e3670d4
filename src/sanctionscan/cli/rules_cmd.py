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

from sanctionscan.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from sanctionscan.errors import RuleSetError
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset

EXIT_EXAMPLES = EXIT_FINDINGS  # 1: an example did not behave as written


def _dirs_option(func):  # type: ignore[no-untyped-def]
    func = click.option("--no-default-rules", is_flag=True,
                        help="Use only the folders given, not the shipped rule set.")(func)
    func = click.argument("dirs", nargs=-1,
                          type=click.Path(exists=True, file_okay=False, path_type=Path))(func)
    return func


def _load(dirs: tuple[Path, ...], no_default: bool) -> RuleSet:
    """Load the shipped rules plus DIRS (a DIR's file replaces the shipped file with the same
    relative path), or exit 2 listing every rule-file error."""
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
def validate(dirs: tuple[Path, ...], no_default_rules: bool, no_examples: bool,
             strict: bool) -> None:
    """Check rule files in DIRS (added to the shipped rules) for schema and semantic errors."""
    from sanctionscan.rules.checks import check_ruleset

    ruleset = _load(dirs, no_default_rules)
    problems = check_ruleset(ruleset)
    for problem in problems:
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
    click.echo(f"sanctionscan: {len(ruleset.rules)} rule(s), {errors} error(s), "
               f"{warnings} warning(s), {failed} failing example(s)", err=True)
    if errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_EXAMPLES if failed else EXIT_OK)


@rules.command("test")
@_dirs_option
@click.option("--rule", "-r", "patterns", multiple=True,
              help="Only these rules: an id, an id prefix (UN-KP-), a category or a regime.")
@click.option("--verbose", "-v", is_flag=True, help="Show every case, not only failures.")
def test_cmd(dirs: tuple[Path, ...], no_default_rules: bool, patterns: tuple[str, ...],
             verbose: bool) -> None:
    """Run every rule's examples and print a table per rule; exit 1 on any failure."""
    from sanctionscan.ruletests import run_examples

    ruleset = _load(dirs, no_default_rules)
    summaries = run_examples(ruleset, _select(ruleset, patterns))
    width = max((len(s.rule_id) for s in summaries), default=4)
    click.echo(f"{'RULE':<{width}}  {'PASS':>4}  {'FAIL':>4}  RESULT")
    total_pass = total_fail = 0
    for s in summaries:
        total_pass += s.passed
        total_fail += s.failed
        verdict = "ok" if s.failed == 0 else "FAILED"
        if not s.results:
            verdict = "no examples"
        click.echo(f"{s.rule_id:<{width}}  {s.passed:>4}  {s.failed:>4}  {verdict}")
        for r in s.results:
            if verbose or not r.passed:
                mark = "pass" if r.passed else "FAIL"
                click.echo(f"    {mark} {r.case.id}: {r.case.text}")
                if not r.passed:
                    click.echo(f"         {r.case.where}: {r.message}")
    click.echo(f"sanctionscan: {len(summaries)} rule(s), {total_pass} example(s) passed, "
               f"{total_fail} failed", err=True)
    sys.exit(EXIT_EXAMPLES if total_fail else EXIT_OK)


@rules.command("list")
@_dirs_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_cmd(dirs: tuple[Path, ...], no_default_rules: bool, fmt: str) -> None:
    """List the rules: id, category, severity, direction, dates in force, title."""
    ruleset = _load(dirs, no_default_rules)
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
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    id_w = max((len(r["id"]) for r in rows), default=2)
    cat_w = max((len(r["category"]) for r in rows), default=8)
    for r in rows:
        since = r["from"] or "-"
        if r["until"]:
            since += f"..{r['until']}"
        click.echo(f"{r['id']:<{id_w}}  {r['category']:<{cat_w}}  {r['severity']:<6}  "
                   f"{','.join(r['direction']):<30}  {since:<22}  {r['title']}")
    click.echo(f"sanctionscan: {len(rows)} rule(s) in {len(ruleset.regimes)} regime file(s)",
               err=True)


@rules.command()
@click.argument("kind", type=click.Choice(["regime", "goods", "parties", "actions", "all"]),
                default="regime")
def schema(kind: str) -> None:
    """Print the JSON Schema of a rule file (regime by default) for editor completion."""
    from sanctionscan.schema import ActionsLexicon, GoodsLexicon, PartiesLexicon, RegimeFile

    models: dict[str, type[BaseModel]] = {
        "regime": RegimeFile, "goods": GoodsLexicon, "parties": PartiesLexicon,
              "actions": ActionsLexicon}
    if kind == "all":
        out: dict[str, Any] = {name: model.model_json_schema(by_alias=True)
                               for name, model in models.items()}
    else:
        out = models[kind].model_json_schema(by_alias=True)
        out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out.setdefault("title", models[kind].__name__)
    click.echo(json.dumps(out, indent=2))
