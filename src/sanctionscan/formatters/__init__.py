"""Output formats: one module per format, looked up by name in an explicit table.

A formatter turns a finished `Report` into bytes for a file or stdout. It never decides what is a
finding; it only renders. Add a format by writing a module with a `render(report, options)`
function and adding one line to `FORMATTERS`.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sanctionscan.errors import UsageError
from sanctionscan.models import Report


@dataclass(frozen=True)
class RenderOptions:
    """What a formatter may need beyond the report itself."""

    texts: dict[str, str] = field(default_factory=dict)  # document id -> text, for highlighting
    color: bool = False


Render = Callable[[Report, RenderOptions], str]

# name -> module under sanctionscan.formatters; imported on first use so a format's optional
# dependencies never slow down or break the others.
FORMATTERS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "jsonl": "jsonl",
    "markdown": "markdown",
    "html": "html",
    "sarif": "sarif",
    "junit": "junit",
}


def format_names() -> list[str]:
    return sorted(FORMATTERS)


def get_formatter(name: str) -> Render:
    module_name = FORMATTERS.get(name)
    if module_name is None:
        close = difflib.get_close_matches(name, FORMATTERS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"no output format {name!r}{hint} (known: {', '.join(format_names())})")
    module = importlib.import_module(f"sanctionscan.formatters.{module_name}")
    render: Render = module.render
    return render
