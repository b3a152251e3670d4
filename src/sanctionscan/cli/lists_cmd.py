"""`sanctionscan lists`: import the UN consolidated list into a normalised list file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sanctionscan.cli.common import EXIT_INPUT
from sanctionscan.lists import ListImportError, import_consolidated_xml, write_list_file
from sanctionscan.ruleset import default_rules_dir


@click.group()
def lists() -> None:
    """Sanctions lists: import and refresh."""


@lists.command("import")
@click.argument("xml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="List file to write (default: the shipped "
              "rules/lists/un-consolidated.yaml).")
@click.option("--strict", is_flag=True, help="Exit 3 when any record could not be read.")
def import_cmd(xml_file: Path, out: Path | None, strict: bool) -> None:
    """Import the UN Security Council Consolidated List XML."""
    target = out or default_rules_dir() / "lists" / "un-consolidated.yaml"
    try:
        result = import_consolidated_xml(xml_file)
    except ListImportError as exc:
        click.echo(f"sanctionscan: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    for problem in result.problems:
        click.echo(f"sanctionscan: {problem}", err=True)
    # Checked before writing: a failed import never replaces a good list with a worse one.
    if not result.list.entries:
        click.echo(f"sanctionscan: no record of {xml_file} could be read; {target} is left "
                   "as it was", err=True)
        sys.exit(EXIT_INPUT)
    if strict and result.problems:
        click.echo(f"sanctionscan: {len(result.problems)} problem(s) and --strict: {target} is "
                   "left as it was", err=True)
        sys.exit(EXIT_INPUT)
    write_list_file(result.list, target)
    counts: dict[str, int] = {}
    for entry in result.list.entries:
        counts[entry.type] = counts.get(entry.type, 0) + 1
    plural = {"entity": "entities", "individual": "individuals", "vessel": "vessels"}
    summary = ", ".join(f"{n} {plural.get(kind, kind)}" for kind, n in sorted(counts.items()))
    click.echo(f"wrote {target}: {len(result.list.entries)} entries ({summary}), version "
               f"{result.list.version}, {len(result.problems)} problem(s)")
