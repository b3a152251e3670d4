"""`sanctionscan lists`: import, refresh and compare sanctions lists (UN XML, vessel CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sanctionscan.cli.common import EXIT_INPUT
from sanctionscan.errors import RuleSetError
from sanctionscan.lists import (
    UN_CONSOLIDATED_URL,
    ImportResult,
    ListDiff,
    ListImportError,
    diff_lists,
    import_consolidated_xml,
    import_vessels_csv,
    read_list,
    write_list_file,
)
from sanctionscan.ruleset import default_rules_dir

_PLURAL = {"entity": "entities", "individual": "individuals", "vessel": "vessels"}


@click.group()
def lists() -> None:
    """Sanctions lists: import, refresh and compare."""


def _default_target(name: str) -> Path:
    return default_rules_dir() / "lists" / name


def _fail(message: object) -> None:
    click.echo(f"sanctionscan: {message}", err=True)
    sys.exit(EXIT_INPUT)


def _write(result: ImportResult, target: Path, strict: bool) -> None:
    for problem in result.problems:
        click.echo(f"sanctionscan: {problem}", err=True)
    # Checked before writing: a failed import never replaces a good list with a worse one.
    if not result.list.entries:
        _fail(f"no record could be read; {target} is left as it was")
    if strict and result.problems:
        _fail(f"{len(result.problems)} problem(s) and --strict: {target} is left as it was")
    try:
        write_list_file(result.list, target)
    except (ListImportError, OSError) as exc:
        _fail(exc)
    counts: dict[str, int] = {}
    for entry in result.list.entries:
        counts[entry.type] = counts.get(entry.type, 0) + 1
    summary = ", ".join(f"{n} {_PLURAL.get(kind, kind)}" for kind, n in sorted(counts.items()))
    click.echo(f"wrote {target}: {len(result.list.entries)} entries ({summary}), version "
               f"{result.list.version or '-'}, {len(result.problems)} problem(s)")


@lists.command("import")
@click.argument("xml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="List file to write (default: the shipped "
              "rules/lists/un-consolidated.yaml).")
@click.option("--strict", is_flag=True, help="Exit 3 when any record could not be read.")
def import_cmd(xml_file: Path, out: Path | None, strict: bool) -> None:
    """Import the UN Security Council Consolidated List XML.

    A record that cannot be read is skipped with its reason; when no record can be read,
    nothing is written and the command exits 3."""
    target = out or _default_target("un-consolidated.yaml")
    try:
        result = import_consolidated_xml(xml_file)
    except ListImportError as exc:
        _fail(f"{exc}; {target} is left as it was")
        return
    _write(result, target, strict)


@lists.command("import-vessels")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="List file to write (default: the shipped "
              "rules/lists/un-1718-vessels.yaml).")
@click.option("--version", "version", default="", help="Date of the vessel list, e.g. "
              "2024-09-26 (shown in reports).")
@click.option("--source", "source", default="", help="Where the CSV came from (URL).")
@click.option("--strict", is_flag=True, help="Exit 3 when any row could not be read.")
def import_vessels_cmd(csv_file: Path, out: Path | None, version: str, source: str,
                       strict: bool) -> None:
    """Import a CSV copy of the 1718 Designated Vessels List (name, IMO number, flag, ...)."""
    try:
        result = import_vessels_csv(csv_file, source=source, version=version)
    except ListImportError as exc:
        _fail(exc)
        return
    if not result.list.entries:
        _fail(f"{csv_file}: no vessel could be read; nothing written")
    _write(result, out or _default_target("un-1718-vessels.yaml"), strict)


@lists.command("update")
@click.argument("url", default=UN_CONSOLIDATED_URL)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="List file to replace (default: the shipped "
              "rules/lists/un-consolidated.yaml); the file it replaces is kept beside it as "
              "<file>.previous.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Seconds for the whole download: connect, headers and body.")
@click.option("--max-mb", type=click.IntRange(min=1), default=64, show_default=True,
              help="Refuse a download larger than this.")
@click.option("--force", is_flag=True, help="Accept a list that lost more than half of its "
              "entries.")
def update_cmd(url: str, out: Path | None, timeout: float, max_mb: int, force: bool) -> None:
    """Fetch the official UN XML, validate it and replace the list in use.

    When the download fails or the file is not a valid UN list, nothing changes: the list in
    use (out of the box, the shipped one) stays in use."""
    from sanctionscan.fetch import FetchPolicy
    from sanctionscan.listupdate import update_list

    target = out or _default_target("un-consolidated.yaml")
    policy = FetchPolicy(timeout=timeout, max_bytes=max_mb * 1024 * 1024, retries=2)
    try:
        result = update_list(url, target, policy=policy, force=force)
    except (ListImportError, OSError) as exc:
        _fail(f"{exc}; the list in use is unchanged")
        return
    for problem in result.problems:
        click.echo(f"sanctionscan: {problem}", err=True)
    diff = result.diff
    kept = f", previous version kept as {result.previous}" if result.previous else ""
    click.echo(f"updated {result.target} to version {diff.new_version}: {len(diff.added)} "
               f"added, {len(diff.removed)} removed, {len(diff.changed)} changed{kept}")


@lists.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def diff_cmd(old: Path, new: Path) -> None:
    """Entries added, removed and changed between two lists (list files or UN XML files).

    Exit 0 when they hold the same entries, 1 when they differ."""
    try:
        result = diff_lists(read_list(old), read_list(new))
    except ListImportError as exc:
        _fail(exc)
        return
    except RuleSetError as exc:
        _fail("\n".join(str(e) for e in exc.errors))
        return
    click.echo(_render_diff(result))
    sys.exit(0 if result.empty else 1)


def _render_diff(diff: ListDiff) -> str:
    lines = [f"{diff.old_version or '-'} -> {diff.new_version or '-'}: {len(diff.added)} "
             f"added, {len(diff.removed)} removed, {len(diff.changed)} changed"]
    lines += [f"+ {e.ref} {e.name} ({e.regime})" for e in diff.added]
    lines += [f"- {e.ref} {e.name} ({e.regime})" for e in diff.removed]
    lines += [f"~ {c.ref} {c.name}: {', '.join(c.fields)}" for c in diff.changed]
    return "\n".join(lines)
