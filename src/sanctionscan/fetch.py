"""Network fetching for feeds and article pages: the only module that talks HTTP.

It owns the politeness and safety policy of every request the tool makes: a clear User-Agent,
one deadline per request covering connect, TLS, headers and body (a server trickling one byte a
second cannot hold a run), a size limit enforced on the decoded body while it streams in, across
every layer of Content-Encoding (a server that lies about or omits Content-Length, or nests
gzip in gzip, cannot make us buffer a gigabyte), only http and https, no private or loopback
addresses for links that came from a feed (checked after DNS resolution, on every redirect), a
few retries with exponential backoff for failures that are worth retrying, and optional ETag
revalidation. It returns bytes; parsing belongs to `feeds` and `htmltext`.

The deadline and the address check sit in the network layer httpx's transport uses (an
httpcore network backend): every connection and every read or write of a request sees what is
left of its deadline, and a connection goes to the very address that was checked.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpcore
import httpx

from sanctionscan import __version__
from sanctionscan.errors import SanctionscanError

USER_AGENT = f"sanctionscan/{__version__} (+compliance feed check)"

# 429 and 5xx are the server saying "not now"; other 4xx will not get better by asking again.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


MAX_ENCODINGS = 3  # layers of Content-Encoding undone; more is no real server's doing
ALLOW_PRIVATE_FLAG = "--allow-private-addresses"


class FetchError(SanctionscanError):
    """A URL or file could not be read within the policy; the message says why."""


class AddressRefused(FetchError):
    """A feed's link points at a non-public address (or a scheme we never fetch)."""


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 20.0  # seconds for a whole request: connect, TLS, headers and body
    max_bytes: int = 10 * 1024 * 1024  # of the decoded body
    retries: int = 3  # attempts after the first one
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    max_backoff: float = 8.0
    user_agent: str = USER_AGENT
    allow_private_addresses: bool = False  # let feed links reach loopback / private networks


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
            transport=transport or _GuardedTransport(),
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

    def get(self, url: str, etag: str | None = None, accept: str | None = None,
            public_only: bool = False) -> Fetched:
        """GET `url`, retrying transient failures; raise `FetchError` when it cannot be had.

        `public_only`: the URL came from a feed (an entry's link), so it and every redirect must
        resolve to public addresses, unless the policy allows private ones."""
        if not is_url(url):
            raise AddressRefused(
                f"{url}: refused: only http:// and https:// addresses are fetched")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if accept:
            headers["Accept"] = accept
        last_problem = "no attempt made"
        retry_after: float | None = None
        public = public_only and not self.policy.allow_private_addresses
        for attempt in range(self.policy.retries + 1):
            if attempt:
                delay = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
                if retry_after is not None:
                    # the server said when to come back; honour it within our own ceiling
                    delay = min(max(delay, retry_after), self.policy.max_backoff)
                self._sleep(delay)
            try:
                return self._get_once(url, headers, public)
            except _Retryable as exc:
                last_problem = str(exc)
                retry_after = exc.retry_after
        raise FetchError(f"{url}: {last_problem} (after {self.policy.retries + 1} attempts)")

    def _get_once(self, url: str, headers: dict[str, str], public_only: bool) -> Fetched:
        limit = self.policy.timeout
        _request.deadline = time.monotonic() + limit
        _request.public_only = public_only
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
        except AddressRefused as exc:
            raise AddressRefused(f"{url}: {exc}") from exc
        except _DeadlinePassed as exc:
            raise _Retryable(f"no complete response within {limit:g} s (--timeout)") from exc
        except httpx.TimeoutException as exc:
            if _request.deadline is not None and time.monotonic() >= _request.deadline - 0.01:
                raise _Retryable(f"no complete response within {limit:g} s (--timeout)") from exc
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.UnsupportedProtocol as exc:  # a redirect to file:// or ftp://
            raise AddressRefused(
                f"{url}: refused: only http:// and https:// addresses are fetched ({exc})"
            ) from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"network error: {exc}") from exc
        except httpx.HTTPError as exc:  # redirect loops, invalid URLs: asking again won't help
            raise FetchError(f"{url}: {exc}") from exc
        finally:
            _request.deadline = None
            _request.public_only = False

    def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{url}: response of {int(declared)} bytes exceeds limit of {limit}")
        try:
            decoder = _BoundedDecoder(response.headers.get("Content-Encoding"), limit)
        except ValueError as exc:
            raise FetchError(f"{url}: {exc}") from exc
        if response.is_stream_consumed:
            # a response built whole in memory (httpx reads bytes content at once: test
            # transports); nothing left to bound but its size
            if len(response.content) > limit:
                raise FetchError(f"{url}: response exceeds limit of {limit} bytes")
            return response.content
        chunks: list[bytes] = []
        deadline = self._clock() + self.policy.timeout
        try:
            # raw bytes, decoded here layer by layer under the limit: httpx would inflate the
            # inner layer of "gzip, gzip" in one piece, whatever its size
            for raw in response.iter_raw():
                chunks.append(decoder.decode(raw))
                if self._clock() > deadline:
                    raise _Retryable(f"response took longer than {self.policy.timeout:g} s")
            chunks.append(decoder.flush())
        except _TooLarge as exc:
            raise FetchError(f"{url}: response exceeds limit of {limit} bytes{exc}") from exc
        except zlib.error as exc:
            raise FetchError(f"{url}: body does not decode as its Content-Encoding ({exc})"
                             ) from exc
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
    """Read a local feed or page under the same size limit as a download; only a regular file
    (a FIFO would block, a device never end)."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise FetchError(f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise FetchError(f"{path}: file of {info.st_size} bytes exceeds limit of {max_bytes}")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FetchError(f"{path}: file exceeds limit of {max_bytes} bytes")
        return data
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or exc}") from exc


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


# -- decoding under a limit ---------------------------------------------------------------------


class _TooLarge(Exception):
    """The decoded body (or one of its layers) passed the size limit."""


class _Layer:
    """One Content-Encoding layer undone incrementally, never producing more than asked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.produced = 0
        # gzip; deflate is a zlib stream, or (from some servers) raw deflate: decided on first use
        wbits = 16 + zlib.MAX_WBITS if name == "gzip" else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(wbits)
        self._started = False

    def decode(self, data: bytes, limit: int) -> bytes:
        room = limit - self.produced
        if self.name == "deflate" and not self._started and data:
            self._started = True
            try:
                out = self._inflate.decompress(data, room + 1)
            except zlib.error:
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inflate.decompress(data, room + 1)
        else:
            self._started = True
            out = self._inflate.decompress(data, room + 1)
        # asked for room + 1: getting it means more was there than the limit allows; getting
        # less means all the input was consumed (nothing waits in unconsumed_tail)
        self.produced += len(out)
        if self.produced > limit:
            raise _TooLarge(f" (decoding {self.name})")
        return out

    def flush(self, limit: int) -> bytes:
        out = self._inflate.flush(limit - self.produced + 1)
        self.produced += len(out)
        if self.produced > limit:
            raise _TooLarge(f" (decoding {self.name})")
        return out


class _BoundedDecoder:
    """Undo every layer of a Content-Encoding header, streaming, each layer under `limit`."""

    def __init__(self, header: str | None, limit: int) -> None:
        names = [n.strip().lower() for n in (header or "").split(",") if n.strip()]
        names = [{"x-gzip": "gzip"}.get(n, n) for n in names if n != "identity"]
        unknown = [n for n in names if n not in ("gzip", "deflate")]
        if unknown:
            raise ValueError(f"unsupported Content-Encoding {unknown[0]!r}")
        if len(names) > MAX_ENCODINGS:
            raise ValueError(f"refused: {len(names)} layers of Content-Encoding "
                             f"(at most {MAX_ENCODINGS})")
        self._layers = [_Layer(n) for n in reversed(names)]  # the last applied comes off first
        self._limit = limit
        self._size = 0

    def decode(self, data: bytes) -> bytes:
        for layer in self._layers:
            data = layer.decode(data, self._limit)
        return self._count(data)

    def flush(self) -> bytes:
        data = b""
        for layer in self._layers:
            data = layer.decode(data, self._limit) if data else b""
            data += layer.flush(self._limit)
        return self._count(data)

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._limit:
            raise _TooLarge("")
        return data


# -- the network layer: one deadline per request, public addresses only ------------------------

# What the request now running on this thread allows: its deadline (time.monotonic) and whether
# it may reach only public addresses. Set by Fetcher._get_once around each request.
_request = threading.local()
_request.deadline = None
_request.public_only = False


class _DeadlinePassed(Exception):
    """The request's deadline passed before the next read or write could start."""


def _budget(timeout: float | None) -> float | None:
    deadline = getattr(_request, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed
    return left if timeout is None else min(timeout, left)


def check_public(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public
    (not loopback, private, link-local, shared, multicast or reserved); raise
    `AddressRefused` otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            ip = mapped
        if not ip.is_global or ip.is_multicast:
            shown = host if host == address else f"{host} ({address})"
            raise AddressRefused(
                f"refused: {shown} is not a public address (loopback, private network, "
                f"link-local or reserved); {ALLOW_PRIVATE_FLAG} fetches it anyway")
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    return addresses[0]


class _GuardedStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _budget(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _budget(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _GuardedStream(
            self._stream.start_tls(ssl_context, server_hostname, _budget(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        if getattr(_request, "public_only", False):
            # connect to the address checked, so a second DNS answer cannot differ from it
            host = check_public(host, port)
        stream = self._inner.connect_tcp(host, port, _budget(timeout), local_address,
                                         socket_options)
        return _GuardedStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:  # pragma: no cover - never asked for
        raise AddressRefused("refused: Unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool on the guarded network backend."""

    def __init__(self) -> None:
        super().__init__()
        # (httpx takes no network backend; its pool is rebuilt alike, on ours. No proxy
        # here: with a proxy from the environment httpx mounts its own transport for it.)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(),
        )
