"""Errors the core raises; the CLI maps each kind to its own exit code (DESIGN §6)."""

from __future__ import annotations


class SanctionscanError(Exception):
    """Base of every error the core raises on purpose."""


class RuleFileError(SanctionscanError):
    """A rule, lexicon or list file is wrong. Always carries `file:line`."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")


class RuleSetError(SanctionscanError):
    """Several rule-file errors found in one load; all are reported, not only the first."""

    def __init__(self, errors: list[RuleFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class InputError(SanctionscanError):
    """No usable input at all (every source unreadable, nothing to scan)."""


class UsageError(SanctionscanError):
    """A caller asked for something that does not exist (unknown format, bad option value)."""
