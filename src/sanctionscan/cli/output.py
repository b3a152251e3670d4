"""`--format/--output` pairs shared by `scan` and `feed`: one run, several reports.

Formats and files are paired by what the file names say (`-o report.sarif -o report.html` needs
no `--format` at all), then in order; one format without a file goes to stdout (see
`pair_outputs`); `-o -` is stdout. Regular files are replaced atomically, so a CI step that
reads a report never sees half of one; a device, FIFO or symlink is written in place (see
`atomic`). The feed state is committed only after all are written.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

from sanctionscan.atomic import write_text_atomic
from sanctionscan.cli.common import EXIT_USAGE
from sanctionscan.errors import UsageError
from sanctionscan.formatters import FORMATTERS, RenderOptions, format_names, get_formatter
from sanctionscan.models import Report

F = TypeVar("F", bound=Callable[..., object])

EXTENSION_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".sarif": "sarif",
    ".xml": "junit",
}

OutputPair = tuple[str, Path | None]  # (format name, file or None for stdout)


def output_options(default_format: str = "text") -> Callable[[F], F]:
    """Add repeatable `--format` and `--output` options to a click command."""

    def decorate(func: F) -> F:
        func = click.option(
            "--color",
            "color",
            type=click.Choice(["auto", "always", "never"]),
            default="auto",
            show_default=True,
            help="Colour in the text report on stdout: auto = only on a terminal and when "
            "NO_COLOR is not set.",
        )(func)
        func = click.option(
            "--output",
            "-o",
            "outputs",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write a report to FILE, or - for stdout (repeatable). The extension picks "
            "the format (.sarif .html .md .json .jsonl .xml=junit .txt); a --format pairs "
            "with a file whose extension names it, else with the next .txt or extensionless file.",
        )(func)
        func = click.option(
            "--format",
            "-f",
            "formats",
            multiple=True,
            metavar="FORMAT",
            help=f"Report format (repeatable): {', '.join(format_names())}. One format "
            f"without a file goes to stdout. Default: {default_format} on stdout.",
        )(func)
        return func

    return decorate


# Extensions that say nothing certain about the content, and formats that share a file type.
_ANY_CONTENT = frozenset({".txt", ".out", ".log", ""})
_SAME_KIND = (frozenset({"json", "jsonl"}),)


def _implied(path: Path) -> str | None:
    """The format a file's extension names, or None when it names none for certain."""
    suffix = path.suffix.lower()
    return None if suffix in _ANY_CONTENT else EXTENSION_FORMATS.get(suffix)


def _same_kind(a: str, b: str) -> bool:
    return a == b or any({a, b} <= kind for kind in _SAME_KIND)


def pair_outputs(
    formats: Sequence[str], outputs: Sequence[Path], default_format: str = "text"
) -> list[OutputPair]:
    """Decide which format goes to which file; raise `UsageError` when that is ambiguous.

    click does not tell how the options were interleaved, so pairing goes by content: an output
    whose extension names a requested format takes it (`-o r.sarif -f sarif`, in any order);
    the other formats pair, in order, with outputs whose extension names no format (`.txt`,
    none) or a format of the same kind (`-f jsonl -o r.json`); an output still without one takes
    its extension's; one format left over goes to stdout.
    """
    for name in formats:
        if name not in FORMATTERS:
            get_formatter(name)  # raises with a "did you mean" hint
    left = list(formats)
    chosen: list[str | None] = [None] * len(outputs)
    for i, path in enumerate(outputs):
        implied = _implied(path)
        if implied is not None and implied in left:
            left.remove(implied)
            chosen[i] = implied
    for i, path in enumerate(outputs):
        if chosen[i] is not None or not left:
            continue
        implied = _implied(path)
        if implied is None or _same_kind(implied, left[0]):
            chosen[i] = left.pop(0)
    pairs: list[OutputPair] = []
    for i, path in enumerate(outputs):
        picked = chosen[i] or EXTENSION_FORMATS.get(path.suffix.lower())
        if picked is None:
            raise UsageError(
                f"no --format for output {str(path)!r} and its extension names none "
                f"(known: {', '.join(sorted(EXTENSION_FORMATS))})"
            )
        pairs.append((picked, path))
    pairs.extend((name, None) for name in left)
    if not pairs:
        pairs.append((default_format, None))
    # `-o -` is stdout, as for every other Unix tool (not a file named "-")
    pairs = [(name, None if path is not None and str(path) == "-" else path)
             for name, path in pairs]
    to_stdout = [name for name, path in pairs if path is None]
    if len(to_stdout) > 1:
        raise UsageError(f"formats {', '.join(to_stdout)} would all go to stdout; "
                         "give each an --output")
    return pairs


def use_color(choice: str, stream: object = None) -> bool:
    """Whether the text report on stdout is coloured: `always`, `never`, or (auto) only on a
    terminal, with NO_COLOR (https://no-color.org) unset or empty and TERM not `dumb`."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    out = stream if stream is not None else sys.stdout
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def write_outputs(
    report: Report,
    pairs: Sequence[OutputPair],
    texts: dict[str, str] | None = None,
    color: bool = False,
) -> None:
    """Render every requested format and write it; files atomically, stdout last."""
    rendered: list[tuple[str, Path | None]] = []
    for name, path in pairs:
        # stdout is never colored when it is one of several outputs or not a terminal
        options = RenderOptions(texts=dict(texts or {}), color=color and path is None)
        rendered.append((get_formatter(name)(report, options), path))
    for content, path in rendered:
        if path is not None:
            write_text_atomic(path, content)
    for content, path in rendered:
        if path is None:
            sys.stdout.write(content)
            sys.stdout.flush()


def write_error_message(exc: OSError) -> str:
    """One line for a report that could not be written (full disk, no permission): the file,
    the reason in words, and that nothing half-written was left behind."""
    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    return f"sanctionscan: cannot write report{where}: {reason}"


def write_outputs_or_exit(
    report: Report,
    pairs: Sequence[OutputPair],
    texts: dict[str, str] | None = None,
    color: bool = False,
) -> None:
    """`write_outputs`, ending the run with a clear message (exit 2) when a file cannot be
    written; a regular file is then left as it was, never half-written."""
    try:
        write_outputs(report, pairs, texts, color)
    except OSError as exc:
        click.echo(write_error_message(exc), err=True)
        sys.exit(EXIT_USAGE)


