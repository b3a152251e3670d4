"""What the feed check remembers between runs: a small SQLite database.

It owns the record of every feed entry seen (feed, entry id, content hash, first/last seen), the
fingerprints of the findings reported for it, and each feed's last ETag (so an unchanged feed
costs a 304). Reading is free; writing happens only in
`commit`, one transaction for the whole run, called by the feed command after its reports are
written. So a run that dies between scanning and committing leaves the state as it was: the
entries are scanned again next time and their findings reported again (never lost), and the
primary keys make a repeated commit idempotent (never duplicated).

One run at a time: `open` takes an exclusive lock on a file beside the database (waiting up to
a timeout), so two runs on one state cannot both report the same entries as new. A write that
fails (a full disk) raises `StateError` naming the cause.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from sanctionscan.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no lock, as before
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 1
DEFAULT_LOCK_TIMEOUT = 60.0  # seconds to wait for another run on the same state to finish


class StateError(InputError):
    """The state could not be read, locked or written; the message says why."""


def _cause(exc: sqlite3.Error) -> str:
    full = getattr(sqlite3, "SQLITE_FULL", 13)
    if getattr(exc, "sqlite_errorcode", None) == full or "disk is full" in str(exc):
        return f"the disk is full ({exc})"
    return str(exc)


def _lock(path: Path, timeout: float) -> IO[bytes] | None:
    """An exclusive lock on `<state>.lock`, held while the returned handle is open."""
    if fcntl is None:  # pragma: no cover
        return None
    lock_path = path.with_name(path.name + ".lock")
    # non-blocking open: a FIFO planted under the lock's name must not hang the run
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StateError(f"{path}: the lock {lock_path} is not a regular file")
    handle = os.fdopen(fd, "ab")
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise StateError(
                    f"{path}: in use by another sanctionscan feed run (waited {timeout:g} s "
                    f"for the lock {lock_path}); run again when it has finished"
                ) from None
            time.sleep(0.05)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    feed         TEXT NOT NULL,
    entry_id     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_scanned TEXT NOT NULL,
    PRIMARY KEY (feed, entry_id)
);
CREATE TABLE IF NOT EXISTS findings (
    feed        TEXT NOT NULL,
    entry_id    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    substance   TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (feed, entry_id, fingerprint, substance)
);
CREATE INDEX IF NOT EXISTS findings_by_fingerprint ON findings (fingerprint);
CREATE TABLE IF NOT EXISTS documents (
    doc_id       TEXT PRIMARY KEY,
    signature    TEXT NOT NULL,
    finding_keys TEXT NOT NULL,
    first_seen   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    feed    TEXT PRIMARY KEY,
    etag    TEXT NOT NULL,
    mode    TEXT NOT NULL,
    fetched TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class SeenEntry:
    """One scanned entry, to be recorded when the run commits.

    `findings` holds (fingerprint, substance) pairs: the fingerprint names the finding across
    edits of the article; the substance (goods, parties, status as JSON) tells a later run whether
    the same finding now says something stronger and so counts as new again.
    """

    feed: str
    entry_id: str
    content_hash: str
    findings: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RememberedDocument:
    """A scanned document with findings, kept so a later syndicated copy is recognised."""

    doc_id: str
    signature: tuple[int, ...]
    keys: frozenset[str]  # dedupe.finding_key_text of its findings


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class State:
    """The state database of one run. Open with `State.open(path)`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None,
                 lock: IO[bytes] | None = None) -> None:
        self._db = connection
        self.path = path
        self._lock = lock

    @classmethod
    def open(cls, path: Path | None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> State:
        """Open (creating if needed) the state at `path`; `None` gives a throwaway in-memory one.

        Waits up to `lock_timeout` seconds while another run holds the state."""
        lock = None
        try:
            if path is None:
                connection = sqlite3.connect(":memory:", isolation_level=None)
            else:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    lock = _lock(path, lock_timeout)
                except OSError as exc:
                    raise StateError(f"{path}: cannot open the state: {exc.strerror or exc}"
                                     ) from exc
                connection = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            # WAL keeps readers unblocked and a crash mid-commit rolls back cleanly.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.executescript(_SCHEMA)
            row = connection.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif row[0] != str(SCHEMA_VERSION):
                connection.close()
                raise InputError(
                    f"{path}: state schema {row[0]} is not the supported {SCHEMA_VERSION}"
                )
        except sqlite3.OperationalError as exc:
            if lock is not None:
                lock.close()
            raise StateError(f"{path}: cannot open the state: {_cause(exc)}") from exc
        except sqlite3.DatabaseError as exc:
            if lock is not None:
                lock.close()
            raise InputError(f"{path}: not a usable state database ({exc})") from exc
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        return cls(connection, path, lock)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    # -- reading ---------------------------------------------------------------------------

    def known_hash(self, feed: str, entry_id: str) -> str | None:
        row = self._db.execute(
            "SELECT content_hash FROM entries WHERE feed=? AND entry_id=?", (feed, entry_id)
        ).fetchone()
        return None if row is None else str(row[0])

    def needs_scan(self, feed: str, entry_id: str, content_hash: str) -> bool:
        """New entries and entries whose content changed are scanned; the rest are not."""
        return self.known_hash(feed, entry_id) != content_hash

    def known_findings(self, fingerprints: Iterable[str]) -> dict[str, set[str]]:
        """Fingerprint -> substances recorded for it by earlier runs (absent: never reported)."""
        wanted = list(dict.fromkeys(fingerprints))
        found: dict[str, set[str]] = {}
        # chunks keep us under SQLite's bound-parameter limit
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT fingerprint, substance FROM findings WHERE fingerprint IN ({marks})",
                chunk,
            )
            for fingerprint, substance in rows:
                found.setdefault(str(fingerprint), set()).add(str(substance))
        return found

    def etag(self, feed: str, mode: str) -> str | None:
        """The ETag of the feed as last fully processed in this mode (see `FeedRun.etags`)."""
        row = self._db.execute(
            "SELECT etag FROM feeds WHERE feed=? AND mode=?", (feed, mode)
        ).fetchone()
        return None if row is None else str(row[0])

    def recent_documents(self, limit: int = 5000) -> list[RememberedDocument]:
        """Signatures and finding keys of the most recently recorded documents with findings."""
        rows = self._db.execute(
            "SELECT doc_id, signature, finding_keys FROM documents"
            " ORDER BY first_seen DESC, rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        out: list[RememberedDocument] = []
        for doc_id, signature, keys in rows:
            try:
                sig = tuple(int(x) for x in json.loads(signature))
                finding_keys = frozenset(str(k) for k in json.loads(keys))
            except (ValueError, TypeError):
                continue  # a damaged row costs one comparison, not the run
            out.append(RememberedDocument(str(doc_id), sig, finding_keys))
        return out

    def entry_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def finding_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM findings").fetchone()[0])

    # -- writing ---------------------------------------------------------------------------

    def commit(
        self,
        seen: Iterable[SeenEntry],
        etags: Mapping[str, tuple[str, str]] | None = None,
        documents: Iterable[RememberedDocument] = (),
    ) -> None:
        """Record a whole run in one transaction: all of it, or (on any failure) none of it.

        `etags` maps a feed to (ETag, mode) for feeds whose every entry is now recorded;
        `documents` are signatures of documents with findings, to recognise later copies.
        """
        now = _now()
        rows = list(seen)
        feeds = dict(etags or {})
        remembered = list(documents)
        cursor = self._db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for entry in rows:
                cursor.execute(
                    "INSERT INTO entries (feed, entry_id, content_hash, first_seen, last_scanned)"
                    " VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (feed, entry_id) DO UPDATE SET"
                    " content_hash=excluded.content_hash, last_scanned=excluded.last_scanned",
                    (entry.feed, entry.entry_id, entry.content_hash, now, now),
                )
                cursor.executemany(
                    "INSERT OR IGNORE INTO findings"
                    " (feed, entry_id, fingerprint, substance, first_seen) VALUES (?, ?, ?, ?, ?)",
                    [(entry.feed, entry.entry_id, fp, sub, now) for fp, sub in entry.findings],
                )
            cursor.executemany(
                "INSERT INTO documents (doc_id, signature, finding_keys, first_seen)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (doc_id) DO UPDATE SET"
                " signature=excluded.signature, finding_keys=excluded.finding_keys",
                [
                    (d.doc_id, json.dumps(list(d.signature)), json.dumps(sorted(d.keys)), now)
                    for d in remembered
                ],
            )
            cursor.executemany(
                "INSERT INTO feeds (feed, etag, mode, fetched) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (feed) DO UPDATE SET"
                " etag=excluded.etag, mode=excluded.mode, fetched=excluded.fetched",
                [(feed, etag, mode, now) for feed, (etag, mode) in feeds.items()],
            )
            cursor.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                cursor.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StateError(
                    f"{self.path or 'state'}: cannot record this run: {_cause(exc)}") from exc
            raise
