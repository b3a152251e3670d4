"""Test helpers for the feed check and the report formats: hand-built reports and a local
HTTP server on 127.0.0.1 that serves feeds written for the tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sanctionscan.models import (
    Direction,
    DocumentResult,
    Evidence,
    Finding,
    Goods,
    InputRecord,
    Manifest,
    Report,
    RulesetInfo,
    Severity,
    Span,
    Status,
    Suppression,
    ToolInfo,
)

TEXT_A = (
    "Officials met in Vladivostok on Monday.\n\n"
    "Russia delivered 40 trucks to North Korea in March 2024, customs records show. "
    "The <b>convoy</b> crossed the Tumen bridge & was photographed."
)
TEXT_B = "A dhow reportedly carried rifles to the Houthis off the coast of Yemen last week."


def _ev(text: str, role: str, word: str) -> Evidence:
    start = text.index(word)
    return Evidence(role=role, start=start, end=start + len(word), text=word)  # type: ignore[arg-type]


def make_finding(
    text: str = TEXT_A,
    *,
    rule_id: str = "dprk-vehicles-01",
    category: str = "dprk.vehicles",
    severity: Severity = Severity.high,
    status: Status = Status.asserted,
    goods: tuple[str, list[str]] = ("trucks", ["8704"]),
    counterparty: str | None = "RU",
    target: str = "KP",
    words: tuple[tuple[str, str], ...] = (
        ("counterparty", "Russia"),
        ("action", "delivered"),
        ("goods", "trucks"),
        ("target", "North Korea"),
    ),
    fingerprint: str = "fp-a1",
    suppression: Suppression | None = None,
    also_in: list[str] | None = None,
) -> Finding:
    evidence = [_ev(text, role, word) for role, word in words]
    sentence_start = text.index(words[0][1])
    sentence_start = text.rfind("\n", 0, sentence_start) + 1
    sentence_end = text.index(".", max(e.end for e in evidence)) + 1
    return Finding(
        rule_id=rule_id,
        category=category,
        title="Vehicles to the DPRK" if category == "dprk.vehicles" else "Arms to the Houthis",
        severity=severity,
        confidence=0.9,
        status=status,
        direction=Direction.to_target,
        target=target,
        counterparty=counterparty,
        goods=Goods(text=goods[0], hs=goods[1]),
        basis=["UNSCR 2397 (2017) para 7"],
        evidence=evidence,
        explanation=["transfer verb 'delivered' with recipient 'North Korea'"],
        fingerprint=fingerprint,
        sentence=Span(start=sentence_start, end=sentence_end),
        suppression=suppression,
        also_in=also_in or [],
    )


def make_report(suppress_second: bool = True) -> tuple[Report, dict[str, str]]:
    f1 = make_finding(also_in=["https://example.org/copy-of-a"])
    f2 = make_finding(
        TEXT_B,
        rule_id="yemen-arms-01",
        category="yemen.arms",
        severity=Severity.medium,
        status=Status.alleged,
        goods=("rifles", ["9301"]),
        counterparty=None,
        target="HOUTHIS",
        words=(("cue", "reportedly"), ("goods", "rifles"), ("target", "Houthis")),
        fingerprint="fp-b1",
        suppression=Suppression(
            justification="Known 2019 incident, already reported", reviewer="analyst@example.org"
        )
        if suppress_second
        else None,
    )
    docs = [
        DocumentResult(
            id="https://example.org/a",
            source="http://127.0.0.1/feed.xml",
            title="Trucks cross the border <again>",
            url="https://example.org/a",
            findings=[f1],
        ),
        DocumentResult(
            id="tag:example.org,2024:b",
            source="http://127.0.0.1/feed.xml",
            title="Dhow intercepted",
            url=None,
            findings=[f2],
        ),
        DocumentResult(id="https://example.org/c", source="feeds.txt", title="Quiet day"),
        DocumentResult(
            id="http://127.0.0.1/broken.xml",
            source="http://127.0.0.1/broken.xml",
            skipped="malformed XML (mismatched tag: line 3)",
        ),
    ]
    report = Report(
        tool=ToolInfo(version="0.1.0"),
        ruleset=RulesetInfo(digest="sha256:abc", rules=12),
        documents=docs,
        manifest=Manifest(
            tool_version="0.1.0",
            ruleset_digest="sha256:abc",
            options={"fail_on": "high"},
            inputs=[InputRecord(id="https://example.org/a", sha256="sha256:" + "0" * 64)],
            started="2026-01-01T00:00:00+00:00",
        ),
    )
    texts = {"https://example.org/a": TEXT_A, "tag:example.org,2024:b": TEXT_B}
    return report, texts


TODAY = date(2026, 1, 15)


# -- local HTTP server -------------------------------------------------------------------------


class FeedServer:
    """Serves `routes` (path -> (status, content type, body)) on 127.0.0.1; records requests."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[tuple[str, str]] = []  # (path, user agent)
        self.failures_left: dict[str, int] = {}  # path -> how many 503s to answer first
        self.etags: dict[str, str] = {}  # path -> ETag to send (and honour in If-None-Match)
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: bytes | str, content_type: str = "application/rss+xml") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (200, content_type, data)


@contextmanager
def serve() -> Iterator[FeedServer]:
    server_state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.requests.append((self.path, self.headers.get("User-Agent", "")))
            left = server_state.failures_left.get(self.path, 0)
            if left:
                server_state.failures_left[self.path] = left - 1
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            route = server_state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, content_type, body = route
            etag = server_state.etags.get(self.path)
            if etag is not None and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            if etag is not None:
                self.send_header("ETag", etag)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
