"""Writing files so that a reader never sees half of one: reports, baselines, list files, the
rule-set cache.

A regular file (or a path that does not exist yet) is written to a temporary file beside it,
flushed to disk and renamed over it. Anything else is written in place and never replaced: a
device (`-o /dev/null`), a FIFO, or the file a symlink points to (the link stays a link). A new
file gets the permissions the umask gives (not the 0600 of a temporary file); a replaced file
keeps its own.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replaces_atomically(path: Path) -> bool:
    """True when `path` is a regular file (not a symlink) or does not exist: only those are
    replaced by rename. Devices, FIFOs, sockets and symlinks are written in place."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    return stat.S_ISREG(info.st_mode)


def _open(path: Path, mode: str, binary: bool) -> IO[Any]:
    if binary:
        return open(path, mode + "b")
    return open(path, mode, encoding="utf-8", newline="")


@contextmanager
def atomic_writer(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle whose content replaces `path` only when the block ends without an error.

    For a device, FIFO or symlink the handle writes to it in place: replacing `/dev/null` with a
    regular file (as root), a FIFO with a file, or a symlink with a copy would break whatever
    else relies on them.
    """
    if not replaces_atomically(path):
        with _open(path, "w", binary) as in_place:
            yield in_place
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)  # a replaced file keeps its permissions
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # a new file gets what open() would have given it
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        if binary:
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)
