"""`--format/--output` pairs shared by `scan` and `feed`: one run, several reports.

The i-th `--format` goes to the i-th `--output`. A format with no output left goes to stdout
(only one may); an output with no format left takes its format from the file extension
(`report.sarif`, `report.html`, ...). Files are written atomically, so a CI step that reads a
report never sees half of one, and the feed state is committed only after all are written.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

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
            "--output",
            "-o",
            "outputs",
            multiple=True,
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write a report to FILE (repeatable; pairs with --format in order; format "
            "taken from the extension when no --format is left for it).",
        )(func)
        func = click.option(
            "--format",
            "-f",
            "formats",
            multiple=True,
            metavar="FORMAT",
            help=f"Report format (repeatable): {', '.join(format_names())}. "
            f"Default: {default_format} on stdout.",
        )(func)
        return func

    return decorate


def pair_outputs(
    formats: Sequence[str], outputs: Sequence[Path], default_format: str = "text"
) -> list[OutputPair]:
    """Pair formats with outputs as the options help says; raise `UsageError` when ambiguous."""
    for name in formats:
        if name not in FORMATTERS:
            get_formatter(name)  # raises with a "did you mean" hint
    pairs: list[OutputPair] = []
    for i, path in enumerate(outputs):
        if i < len(formats):
            pairs.append((formats[i], path))
            continue
        guessed = EXTENSION_FORMATS.get(path.suffix.lower())
        if guessed is None:
            raise UsageError(
                f"no --format for output {str(path)!r} and its extension names none "
                f"(known: {', '.join(sorted(EXTENSION_FORMATS))})"
            )
        pairs.append((guessed, path))
    to_stdout = list(formats[len(outputs) :])
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to stdout; give each an --output"
        )
    if to_stdout:
        pairs.append((to_stdout[0], None))
    if not pairs:
        pairs.append((default_format, None))
    return pairs


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
            _write_atomic(path, content)
    for content, path in rendered:
        if path is None:
            sys.stdout.write(content)
            sys.stdout.flush()


def _write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
