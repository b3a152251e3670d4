""""Did you mean" hints and lists of valid values for error messages, in one place so every
message reads the same way."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or nothing when none is close."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def valid_values(choices: Iterable[str], limit: int = 40) -> str:
    """The valid values, sorted, cut after `limit` with a count of the rest."""
    values = sorted(set(choices))
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += f", ... ({len(values) - limit} more)"
    return shown


def unknown(kind: str, value: str, choices: Iterable[str]) -> str:
    """`unknown tag 'luxary'; did you mean 'luxury'? (valid: arms, luxury, ...)`"""
    options = list(choices)
    hint = did_you_mean(value, options)
    return f"unknown {kind} {value!r}{hint} (valid: {valid_values(options)})"
