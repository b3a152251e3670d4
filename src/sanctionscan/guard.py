"""The last line of defence around one unit of work: a time budget and isolation.

`scan_guarded` runs one document's scan so that nothing it does can take the run down: an
exception becomes a skipped result naming the error, and a scan that runs past its budget is
stopped and reported as skipped with the budget it exceeded. The budgets of the analysis stages
themselves (linear work per sentence) live in those stages; this only catches what they miss.

The clock is `signal.setitimer` (SIGALRM, the real-time timer of the process), which interrupts
pure-Python work between bytecodes and a blocking system call alike. Signals reach only the main
thread of a process, so off the main thread (a dask worker's thread pool, an embedding
application's thread), or where someone else's SIGALRM handler is installed, the work runs
without a time limit, still isolated. Worker processes of `parallel` run their tasks in their
main thread, so they do get the limit.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from sanctionscan.models import Document, DocumentResult

try:  # the C function: signal.getsignal converts to an enum on every call, 0.6 us a document
    from _signal import getsignal as _getsignal  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - not CPython
    _getsignal = signal.getsignal

DEFAULT_DOC_TIMEOUT = 30.0  # seconds per document; ordinary articles take milliseconds
_MAX_REASON = 300  # characters of an error message kept in a skipped result


class TimeLimitExceeded(Exception):
    """Raised inside a `time_limit` block when its budget runs out."""

    def __init__(self, seconds: float, limit: object = None) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds
        self.limit = limit  # which limit ran out, when several are nested


def can_time_limit() -> bool:
    """True where `time_limit` can interrupt work: the main thread, on a platform with timers."""
    return _HAS_TIMER and threading.current_thread() is threading.main_thread()


_HAS_TIMER = hasattr(signal, "setitimer")


class _Limit:
    __slots__ = ("seconds", "deadline")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds


# The limits now running in this process's main thread, outermost first, and when the pending
# timer fires (0: none pending). The timer is not disarmed when a document finishes: arming and
# disarming it for each document cost more than many a document's scan. When it fires it
# raises for a limit that ran out and otherwise re-arms for the nearest deadline, or does
# nothing when no limit is running. A SIGALRM handler installed by someone else is left alone,
# and the work then runs without a limit.
_active: list[_Limit] = []
_pending = {"until": 0.0}


def _forget_timer() -> None:
    _active.clear()
    _pending["until"] = 0.0


if hasattr(os, "register_at_fork"):  # a forked worker starts without its parent's timer
    os.register_at_fork(after_in_child=_forget_timer)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    _pending["until"] = 0.0
    now = time.monotonic()
    for limit in _active:
        if now >= limit.deadline - 0.001:
            _active.remove(limit)  # it is over, whether or not its block sees the exception
            _rearm(now)
            raise TimeLimitExceeded(limit.seconds, limit)
    _rearm(now)


def _rearm(now: float) -> None:
    if _active:
        first = min(limit.deadline for limit in _active)
        signal.setitimer(signal.ITIMER_REAL, max(first - now, 0.0001))
        _pending["until"] = first


def _enter(limit: _Limit) -> None:
    """Start `limit` (the alarm may fire before this returns: callers enter inside their try)."""
    handler = _getsignal(signal.SIGALRM)
    if handler is not _on_alarm:
        if handler not in (signal.SIG_DFL, None):
            return  # someone else's alarm: theirs to keep, and no limit
        signal.signal(signal.SIGALRM, _on_alarm)
    _active.append(limit)
    pending = _pending["until"]
    started = limit.deadline - limit.seconds
    # (a timer that should have fired a while ago is not pending: it was cancelled, or this is
    # a forked child, which does not inherit its parent's timer)
    if not pending or limit.deadline < pending or pending < started - 0.5:
        _pending["until"] = limit.deadline
        signal.setitimer(signal.ITIMER_REAL, max(limit.deadline - time.monotonic(), 0.0001))


def _exit(limit: _Limit | None) -> None:
    if limit is not None and limit in _active:
        _active.remove(limit)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `TimeLimitExceeded` inside the block once `seconds` have passed.

    No limit when `seconds` is None or not positive, or off the main thread. Nests: an outer
    limit that runs out first fires as the outer one (`exc.limit` tells them apart).
    """
    if seconds is None or seconds <= 0 or not can_time_limit():
        yield
        return
    limit = _Limit(seconds)
    try:
        _enter(limit)
        yield
    finally:
        _exit(limit)


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
    limit = _Limit(timeout) if timeout is not None and timeout > 0 and can_time_limit() else None
    try:
        try:
            if limit is not None:
                _enter(limit)
            return scan(doc)
        finally:
            _exit(limit)
    except TimeLimitExceeded as exc:
        if limit is None or exc.limit is not limit:
            raise  # an outer budget ran out: its owner reports it
        return skipped_result(
            doc, f"scan stopped: {exc} (the per-document budget, --doc-timeout)")
    except Exception as exc:  # one document must never take the run down
        return skipped_result(doc, f"internal error while scanning: {error_reason(exc)}")
