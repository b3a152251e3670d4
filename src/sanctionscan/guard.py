"""The last line of defence around one unit of work: a time budget and isolation.

`scan_guarded` runs one document's scan so that nothing it does can take the run down: an
exception becomes a skipped result naming the error, and a scan that runs past its budget is
stopped and reported as skipped with the budget it exceeded. The budgets of the analysis stages
themselves (linear work per sentence) live in those stages; this only catches what they miss.

The clock is `signal.setitimer` (SIGALRM), which interrupts pure-Python work between bytecodes
and a blocking system call alike. Signals reach only the main thread of a process, so off the
main thread (a dask worker's thread pool, an embedding application's thread) the work runs
without a time limit, still isolated. Worker processes of `parallel` run their tasks in their
main thread, so they do get the limit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from sanctionscan.models import Document, DocumentResult

DEFAULT_DOC_TIMEOUT = 30.0  # seconds per document; ordinary articles take milliseconds
_MAX_REASON = 300  # characters of an error message kept in a skipped result


class TimeLimitExceeded(Exception):
    """Raised inside a `time_limit` block when its budget runs out."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


def can_time_limit() -> bool:
    """True where `time_limit` can interrupt work: the main thread, on a platform with timers."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `TimeLimitExceeded` inside the block once `seconds` have passed.

    No limit when `seconds` is None or not positive, or off the main thread. Nests: an outer
    limit that runs out first still fires as the outer one, and is re-armed on the way out.
    """
    if seconds is None or seconds <= 0 or not can_time_limit():
        yield
        return
    started = time.monotonic()
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if time.monotonic() - started >= seconds * 0.999 or not callable(outer_handler):
            raise TimeLimitExceeded(seconds)
        outer_handler(signum, frame)  # the outer budget ran out first

    outer_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_left) if outer_left else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def printable(value: str) -> str:
    """`value` with lone surrogates written as `\\udXXX` escapes: they cannot be encoded, so a
    report that carried one raw would fail at write time."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def error_reason(exc: BaseException) -> str:
    message = printable(str(exc))
    if len(message) > _MAX_REASON:
        message = message[:_MAX_REASON] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def skipped_result(doc: Document, reason: str) -> DocumentResult:
    return DocumentResult(
        id=printable(doc.id), source=printable(doc.source),
        title=printable(doc.title) if doc.title is not None else None,
        url=printable(doc.url) if doc.url is not None else None,
        skipped=reason,
    )


def scan_guarded(scan: Callable[[Document], DocumentResult], doc: Document,
                 timeout: float | None) -> DocumentResult:
    """`scan(doc)`, or a skipped result saying why it could not finish."""
    try:
        with time_limit(timeout):
            return scan(doc)
    except TimeLimitExceeded as exc:
        return skipped_result(
            doc, f"scan stopped: {exc} (the per-document budget, --doc-timeout)")
    except Exception as exc:  # one document must never take the run down
        return skipped_result(doc, f"internal error while scanning: {error_reason(exc)}")
