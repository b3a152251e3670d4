"""Sources: everything that turns input into `Document`s — files, folders, stdin, JSON Lines,
HTML pages. A source that cannot be read becomes a `SkippedDocument` with a reason; it never
ends the run and never vanishes silently.

Readers are looked up by file suffix in an explicit table. Inputs are streamed: a JSON Lines
file is read line by line, so its size does not bound memory.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from sanctionscan.models import Document, SkippedDocument

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

Item = Document | SkippedDocument
Reader = Callable[[Path], Iterator[Item]]


def decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason). UTF-8 first; legacy single-byte pages as cp1252."""
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


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return None, f"file too large ({size} bytes; limit {MAX_DOCUMENT_BYTES})"
        return path.read_bytes(), None
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"


def _read_text(path: Path) -> str | SkippedDocument:
    data, reason = _read_bytes(path)
    if data is not None:
        text, reason = decode(data)
        if text is not None:
            return text
    return SkippedDocument(id=str(path), source=str(path), reason=reason or "unreadable")


def read_text_file(path: Path) -> Iterator[Item]:
    text = _read_text(path)
    if isinstance(text, SkippedDocument):
        yield text
        return
    yield Document(id=str(path), text=text, source=str(path))


def read_html_file(path: Path) -> Iterator[Item]:
    text = _read_text(path)
    if isinstance(text, SkippedDocument):
        yield text
        return
    try:
        from sanctionscan.htmltext import extract_main_text
    except ImportError:
        yield SkippedDocument(id=str(path), source=str(path),
                              reason="HTML input is not supported in this build")
        return
    try:
        body, title = extract_main_text(text)
    except Exception as exc:
        yield SkippedDocument(id=str(path), source=str(path),
                              reason=f"cannot extract text from HTML: {exc}")
        return
    yield Document(id=str(path), text=body, title=title, source=str(path))


def read_jsonl(path: Path) -> Iterator[Item]:
    try:
        handle: IO[bytes] = path.open("rb")
    except OSError as exc:
        yield SkippedDocument(id=str(path), source=str(path),
                              reason=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        yield from read_jsonl_stream(handle, str(path))


def read_jsonl_stream(handle: Iterable[bytes], source: str) -> Iterator[Item]:
    for number, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        line, reason = decode(raw)
        if line is None:
            yield SkippedDocument(id=where, source=where, reason=reason or "unreadable line")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedDocument(id=where, source=where, reason=f"invalid JSON: {exc.msg}")
            continue
        yield _record_document(record, where)


def _record_document(record: object, where: str) -> Item:
    if not isinstance(record, dict):
        return SkippedDocument(id=where, source=where, reason="a JSON object was expected")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(text, str):
        return SkippedDocument(id=str(doc_id or where), source=where,
                               reason="missing or non-string 'text'")
    try:
        return Document(
            id=str(doc_id) if doc_id is not None else where, text=text, source=where,
            title=record.get("title") if isinstance(record.get("title"), str) else None,
            url=record.get("url") if isinstance(record.get("url"), str) else None,
            published=_parse_date(record.get("published")),
        )
    except ValidationError as exc:
        return SkippedDocument(id=str(doc_id or where), source=where,
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
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.suffix.lower() in _DIRECTORY_SUFFIXES)
            if not files:
                yield SkippedDocument(id=raw, source=raw, reason="folder holds no readable files")
            for file in files:
                yield from READERS.get(file.suffix.lower(), read_text_file)(file)
        elif path.exists():
            yield from READERS.get(path.suffix.lower(), read_text_file)(path)
        else:
            yield SkippedDocument(id=raw, source=raw, reason="no such file or folder")


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
    if head.lstrip().startswith(b"{"):
        yield from read_jsonl_stream(_prepend(head, stream), "stdin")
        return
    data = head + _read_up_to(stream, MAX_DOCUMENT_BYTES + 1 - len(head))
    if len(data) > MAX_DOCUMENT_BYTES:
        yield SkippedDocument(id="-", source="stdin", reason="input too large")
        return
    text, reason = decode(data)
    if text is None:
        yield SkippedDocument(id="-", source="stdin", reason=reason or "unreadable")
        return
    yield Document(id="-", text=text, source="stdin")


def _prepend(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    yield from head.splitlines(keepends=True)
    for line in stream:
        yield line.encode("utf-8") if isinstance(line, str) else line


def _read_up_to(stream: IO[bytes], limit: int) -> bytes:
    data = stream.read(max(0, limit))
    return data.encode("utf-8") if isinstance(data, str) else data
