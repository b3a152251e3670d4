"""Sources: everything that turns input into `Document`s — files, folders, stdin, JSON Lines,
HTML pages. A source that cannot be read becomes a `SkippedDocument` with a reason; it never
ends the run and never vanishes silently.

Readers are looked up by file suffix in an explicit table. Inputs are streamed: a JSON Lines
file is read line by line, so its size does not bound memory, and no line is read past the size
limit of one document. Only regular files are opened: a device (`/dev/zero`) or a FIFO would
never end, or never start.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from sanctionscan.guard import error_reason, printable
from sanctionscan.models import Document, SkippedDocument

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_RECORD_BYTES = MAX_DOCUMENT_BYTES  # one JSON Lines record: the same limit as one file
_DRAIN_CHUNK = 1024 * 1024  # an over-long line is skipped in pieces of this size

Item = Document | SkippedDocument
Reader = Callable[[Path], Iterator[Item]]

# json.loads pairs valid surrogate escapes into one character: any surrogate left is alone, and
# a string holding one cannot be encoded (the digest, every report)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason). UTF-16/32 when a byte-order mark says so; else UTF-8
    first, legacy single-byte pages as cp1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                return None, f"not valid {codec.upper()} text ({exc.reason} at byte {exc.start})"
            return (text, None) if not _LONE_SURROGATE.search(text) else (
                None, f"not valid {codec.upper()} text (a lone surrogate)")
    if b"\x00" in data[:8192]:
        return None, "binary file (contains NUL bytes), not text"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), None
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 or Windows-1252 text ({exc.reason} at byte {exc.start})"


def _name(path: Path) -> str:
    """A path as a document id: a file name that is not valid UTF-8 reaches Python with lone
    surrogates in it, which no report can write; they are shown as escapes instead."""
    return printable(str(path))


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "a special file")
    return f"not a regular file ({kind}); pipe it to stdin with - instead"


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    try:
        info = path.stat()
        refused = _not_regular(info.st_mode)
        if refused:
            return None, refused
        if info.st_size > MAX_DOCUMENT_BYTES:
            return None, f"file too large ({info.st_size} bytes; limit {MAX_DOCUMENT_BYTES})"
        with path.open("rb") as handle:
            # read with the bound, not the size seen a moment ago: the file may be growing
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            return None, f"file too large (over the limit of {MAX_DOCUMENT_BYTES} bytes)"
        return data, None
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def _read_text(path: Path) -> str | SkippedDocument:
    data, reason = _read_bytes(path)
    if data is not None:
        text, reason = decode(data)
        if text is not None:
            return text
    return SkippedDocument(id=_name(path), source=_name(path), reason=reason or "unreadable")


def read_text_file(path: Path) -> Iterator[Item]:
    text = _read_text(path)
    if isinstance(text, SkippedDocument):
        yield text
        return
    yield Document(id=_name(path), text=text, source=_name(path))


def read_html_file(path: Path) -> Iterator[Item]:
    text = _read_text(path)
    if isinstance(text, SkippedDocument):
        yield text
        return
    try:
        from sanctionscan.htmltext import extract_main_text
    except ImportError:
        yield SkippedDocument(id=_name(path), source=_name(path),
                              reason="HTML input is not supported in this build")
        return
    try:
        body, title = extract_main_text(text)
    except Exception as exc:
        yield SkippedDocument(id=_name(path), source=_name(path),
                              reason=f"cannot extract text from HTML: {exc}")
        return
    yield Document(id=_name(path), text=body, title=title, source=_name(path))


def read_jsonl(path: Path) -> Iterator[Item]:
    try:
        refused = _not_regular(path.stat().st_mode)
        if refused:
            yield SkippedDocument(id=_name(path), source=_name(path), reason=refused)
            return
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        yield SkippedDocument(id=_name(path), source=_name(path),
                              reason=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        yield from read_jsonl_stream(handle, _name(path))


def _bounded_lines(handle: Iterable[bytes], limit: int) -> Iterator[bytes | int]:
    """The lines of `handle`; a line longer than `limit` bytes is read past in pieces and given
    as its length instead, so no line longer than the limit is ever held."""
    readline = getattr(handle, "readline", None)
    if readline is None:  # a plain iterable of lines (already in memory)
        for line in handle:
            yield line if len(line.rstrip(b"\r\n")) <= limit else len(line)
        return
    while True:
        line = readline(limit + 1)
        if isinstance(line, str):  # a text stream was passed
            line = line.encode("utf-8")
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = readline(_DRAIN_CHUNK)
            if isinstance(line, str):
                line = line.encode("utf-8")
            if not line:
                break
            size += len(line)
        yield size


def read_jsonl_stream(handle: Iterable[bytes], source: str) -> Iterator[Item]:
    source = printable(source)
    for number, raw in enumerate(_bounded_lines(handle, MAX_RECORD_BYTES), 1):
        where = f"{source}:{number}"
        if isinstance(raw, int):
            yield SkippedDocument(id=where, source=where, reason=(
                f"record too large ({raw} bytes; limit {MAX_RECORD_BYTES})"))
            continue
        if not raw.strip():
            continue
        line, reason = decode(raw)
        if line is None:
            yield SkippedDocument(id=where, source=where, reason=reason or "unreadable line")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedDocument(id=where, source=where, reason=(
                f"invalid JSON at line {number}, column {exc.colno}: {exc.msg}"))
            continue
        except RecursionError:
            yield SkippedDocument(id=where, source=where,
                                  reason="invalid JSON: nested too deeply to read")
            continue
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            yield SkippedDocument(id=where, source=where,
                                  reason=f"invalid JSON: {printable(str(exc))}")
            continue
        try:
            yield _record_document(record, where)
        except (ValueError, RecursionError) as exc:  # str() of a huge or deeply nested id
            yield SkippedDocument(id=where, source=where,
                                  reason=f"invalid record: {error_reason(exc)}")


def _record_document(record: object, where: str) -> Item:
    if not isinstance(record, dict):
        return SkippedDocument(id=where, source=where, reason="a JSON object was expected")
    doc_id, text = record.get("id"), record.get("text")
    if isinstance(doc_id, dict | list):
        doc_id = None  # an id is a plain value; a structure is named by its line instead
    if not isinstance(text, str):
        return SkippedDocument(id=printable(str(doc_id or where)), source=where,
                               reason="missing or non-string 'text'")
    for key in ("id", "text", "title", "url"):
        value = record.get(key)
        found = _LONE_SURROGATE.search(value) if isinstance(value, str) else None
        if found is not None:
            return SkippedDocument(id=printable(str(doc_id or where)), source=where, reason=(
                f"'{key}' holds a lone surrogate (\\u{ord(found.group()):04x} at character "
                f"{found.start()}), which is not text"))
    try:
        return Document(
            id=str(doc_id) if doc_id is not None else where, text=text, source=where,
            title=record.get("title") if isinstance(record.get("title"), str) else None,
            url=record.get("url") if isinstance(record.get("url"), str) else None,
            published=_parse_date(record.get("published")),
        )
    except ValidationError as exc:
        return SkippedDocument(id=printable(str(doc_id or where)), source=where,
                               reason=f"invalid record: {exc.errors()[0]['msg']}")


def _parse_date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


# suffix -> reader; anything else is read as plain text
READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".html": read_html_file,
    ".htm": read_html_file,
}
_DIRECTORY_SUFFIXES = {".txt", ".text", ".md", ".jsonl", ".ndjson", ".html", ".htm"}


def iter_documents(inputs: list[str], stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Documents from paths, folders (recursively, known suffixes) and `-` for stdin."""
    for raw in inputs:
        if raw == "-":
            yield from _read_stdin(stdin or sys.stdin.buffer)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _read_folder(raw, path)
        elif path.exists():
            yield from READERS.get(path.suffix.lower(), read_text_file)(path)
        else:
            yield SkippedDocument(id=printable(raw), source=printable(raw),
                                  reason="no such file or folder")


def _read_folder(raw: str, path: Path) -> Iterator[Item]:
    """Every file of a known suffix under `path`, in path order; a subfolder that cannot be
    listed is reported as skipped, never dropped without a word."""
    unreadable: list[OSError] = []
    files: list[Path] = []
    for folder, dirs, names in os.walk(path, onerror=unreadable.append):
        dirs.sort()
        files.extend(p for name in names
                     if (p := Path(folder, name)).suffix.lower() in _DIRECTORY_SUFFIXES
                     and p.is_file())
    for error in unreadable:
        where = printable(str(error.filename or raw))
        yield SkippedDocument(id=where, source=where,
                              reason=f"cannot read folder: {error.strerror or error}")
    if not files and not unreadable:
        yield SkippedDocument(id=printable(raw), source=printable(raw),
                              reason="folder holds no readable files")
    for file in sorted(files):
        yield from READERS.get(file.suffix.lower(), read_text_file)(file)


class _Prepended:
    """A byte stream that first gives back `head` (already read to look at it), then the rest."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = io.BytesIO(head)
        self._stream = stream

    def readline(self, limit: int = -1) -> bytes:
        line = self._head.readline(limit)
        if line.endswith(b"\n") or 0 <= limit <= len(line):
            return line
        rest = self._stream.readline(limit - len(line) if limit >= 0 else -1)
        return line + (rest.encode("utf-8") if isinstance(rest, str) else rest)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def _read_stdin(stream: IO[bytes]) -> Iterator[Item]:
    """JSON Lines on stdin are read line by line as they arrive (a pipe from a crawler can run
    for hours); anything else is one document, read whole up to the size limit."""
    head = b""
    while not head.strip():
        # enough of the input to see its first character, without waiting for more
        chunk = stream.readline(MAX_DOCUMENT_BYTES + 1)
        if isinstance(chunk, str):  # a text stream was passed
            chunk = chunk.encode("utf-8")
        if not chunk:
            break
        head += chunk
        if len(head) > MAX_DOCUMENT_BYTES:
            break  # blank lines without end: no document in the limit
    if head.lstrip().startswith(b"{"):
        yield from read_jsonl_stream(_Prepended(head, stream), "stdin")
        return
    data = head + _read_up_to(stream, MAX_DOCUMENT_BYTES + 1 - len(head))
    if len(data) > MAX_DOCUMENT_BYTES:
        yield SkippedDocument(id="-", source="stdin",
                              reason=f"input too large (limit {MAX_DOCUMENT_BYTES} bytes)")
        return
    text, reason = decode(data)
    if text is None:
        yield SkippedDocument(id="-", source="stdin", reason=reason or "unreadable")
        return
    yield Document(id="-", text=text, source="stdin")


def _read_up_to(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(max(0, limit))
    return data.encode("utf-8") if isinstance(data, str) else data
