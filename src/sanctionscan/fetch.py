"""Network fetching for feeds and article pages: the only module that talks HTTP.

It owns the politeness and safety policy of every request the tool makes: a clear User-Agent,
connect/read timeouts, a size limit enforced while the body streams in (a server that lies about
or omits Content-Length cannot make us buffer a gigabyte), a few retries with exponential backoff
for failures that are worth retrying, and optional ETag revalidation. It returns bytes; parsing
belongs to `feeds` and `htmltext`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from sanctionscan import __version__
from sanctionscan.errors import SanctionscanError

USER_AGENT = f"sanctionscan/{__version__} (+compliance feed check)"

# 429 and 5xx are the server saying "not now"; other 4xx will not get better by asking again.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(SanctionscanError):
    """A URL or file could not be read within the policy; the message says why."""


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 20.0  # seconds, per connect / read / write phase
    total_timeout: float = 120.0  # seconds for a whole response: a slow drip cannot stall a run
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3  # attempts after the first one
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    max_backoff: float = 8.0
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    status: int = 200
    content_type: str | None = None
    etag: str | None = None
    not_modified: bool = False  # the server answered 304 to our If-None-Match


class Fetcher:
    """One HTTP client with one policy, reused for every request of a run.

    `transport` lets tests plug in `httpx.MockTransport`; `sleep` and `clock` let them skip the
    backoff and fake a slow server.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self._clock = clock
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=True,
            max_redirects=5,
            transport=transport,
        )

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
        self._client.close()

    def get(self, url: str, etag: str | None = None, accept: str | None = None) -> Fetched:
        """GET `url`, retrying transient failures; raise `FetchError` when it cannot be had."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if accept:
            headers["Accept"] = accept
        last_problem = "no attempt made"
        retry_after: float | None = None
        for attempt in range(self.policy.retries + 1):
            if attempt:
                delay = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
                if retry_after is not None:
                    # the server said when to come back; honour it within our own ceiling
                    delay = min(max(delay, retry_after), self.policy.max_backoff)
                self._sleep(delay)
            try:
                return self._get_once(url, headers)
            except _Retryable as exc:
                last_problem = str(exc)
                retry_after = exc.retry_after
        raise FetchError(f"{url}: {last_problem} (after {self.policy.retries + 1} attempts)")

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(
                        url=str(response.url),
                        content=b"",
                        status=304,
                        etag=response.headers.get("ETag"),
                        not_modified=True,
                    )
                if response.status_code in RETRY_STATUSES:
                    raise _Retryable(
                        f"HTTP {response.status_code}",
                        _retry_after(response.headers.get("Retry-After")),
                    )
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code}")
                body = self._read_limited(url, response)
                return Fetched(
                    url=str(response.url),
                    content=body,
                    status=response.status_code,
                    content_type=response.headers.get("Content-Type"),
                    etag=response.headers.get("ETag"),
                )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"network error: {exc}") from exc
        except httpx.HTTPError as exc:  # redirect loops, invalid URLs: asking again won't help
            raise FetchError(f"{url}: {exc}") from exc

    def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{url}: response of {int(declared)} bytes exceeds limit of {limit}")
        chunks: list[bytes] = []
        size = 0
        deadline = self._clock() + self.policy.total_timeout
        # iter_bytes yields decoded bytes, so a small gzip bomb is caught here too
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{url}: response exceeds limit of {limit} bytes")
            if self._clock() > deadline:
                raise _Retryable(f"response took longer than {self.policy.total_timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)


class _Retryable(Exception):
    """A failure worth another attempt (timeouts, connection resets, 429, 5xx)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (the delta-seconds form; dates are ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def read_local(path: Path, max_bytes: int) -> bytes:
    """Read a local feed or page under the same size limit as a download."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(f"{path}: file of {size} bytes exceeds limit of {max_bytes}")
        return path.read_bytes()
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or exc}") from exc


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))
