"""Hostile servers and feeds (issue 16): decompression bombs across Content-Encoding layers, a
server that trickles its answer, feed links into the local network, `file://` links, and feeds
that crashed the parser. Every server here listens on 127.0.0.1 and stops by itself."""

from __future__ import annotations

import gzip
import json
import os
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from feedkit import serve
from sanctionscan import fetch
from sanctionscan.cli import cli
from sanctionscan.fetch import AddressRefused, Fetcher, FetchError, FetchPolicy, check_public
from test_feeds import rss

TRUCKS = "Russia delivered 40 trucks to North Korea in March 2024, customs records show."


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def no_sleep(_seconds: float) -> None:
    return None


@contextmanager
def raw_server(answer: Any, seconds: float = 5.0) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that runs `answer(connection)` for each connection, for at most
    `seconds` in all; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.1)
    stop = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn, suppress(OSError):
                answer(conn, stop)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop = 0
        thread.join(seconds + 1)
        listener.close()


def respond(headers: dict[str, str], body: bytes, status: str = "200 OK") -> Any:
    def answer(conn: socket.socket, stop: float) -> None:
        conn.settimeout(1)
        conn.recv(65536)
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.sendall(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    return answer


# -- decompression bombs ----------------------------------------------------------------------------


def test_nested_gzip_bomb_stops_at_the_limit_with_memory_bounded() -> None:
    inner = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MB of zeros
    body = gzip.compress(inner, compresslevel=9)
    assert len(body) < 100_000
    policy = FetchPolicy(max_bytes=1024 * 1024, retries=0)
    with raw_server(respond({"Content-Encoding": "gzip, gzip"}, body)) as port, \
            Fetcher(policy) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="exceeds limit of 1048576 bytes"):
                fetcher.get(f"http://127.0.0.1:{port}/bomb.xml")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # never the 64 MB (the old path held the bomb whole)


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate", "deflate, gzip",
                                      "identity"])
def test_honest_encodings_still_decode(encoding: str) -> None:
    feed = rss([("g1", "Trucks", TRUCKS)]).encode()
    body = feed
    for name in [e.strip() for e in encoding.split(",")]:
        body = gzip.compress(body) if name == "gzip" else zlib.compress(body) \
            if name == "deflate" else body
    with raw_server(respond({"Content-Encoding": encoding}, body)) as port, \
            Fetcher(FetchPolicy(retries=0)) as fetcher:
        assert fetcher.get(f"http://127.0.0.1:{port}/f.xml").content == feed


@pytest.mark.parametrize(("encoding", "message"), [
    ("gzip, gzip, gzip, gzip", "4 layers of Content-Encoding"),
    ("br", "unsupported Content-Encoding 'br'"),
])
def test_too_many_layers_and_unknown_encodings_are_refused(encoding: str, message: str) -> None:
    with (raw_server(respond({"Content-Encoding": encoding}, b"x")) as port,
          Fetcher(FetchPolicy(retries=0)) as fetcher,
          pytest.raises(FetchError, match=message)):
        fetcher.get(f"http://127.0.0.1:{port}/f.xml")


# -- one deadline per request ---------------------------------------------------------------------


def trickle(prefix: bytes) -> Any:
    """Answer one byte every 20 ms, forever (until the server stops)."""

    def answer(conn: socket.socket, stop: float) -> None:
        conn.settimeout(1)
        conn.recv(65536)
        data = prefix + b"X-Padding: " + b"a" * 100_000
        for byte in data:
            if time.monotonic() > stop:
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.02)

    return answer


@pytest.mark.parametrize("prefix", [
    b"HTTP/1.1 200 OK\r\n",  # headers that never end
    b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",  # a body that never ends
])
def test_a_trickling_server_is_stopped_at_the_deadline(prefix: bytes) -> None:
    policy = FetchPolicy(timeout=0.4, retries=0)
    with raw_server(trickle(prefix), seconds=4) as port, Fetcher(policy) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"no complete response within 0.4 s"):
            fetcher.get(f"http://127.0.0.1:{port}/slow.xml")
        assert time.monotonic() - started < 1.5


# -- where requests may go --------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4",
                                     "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
                                     "fe80::1", "fc00::5", "::ffff:127.0.0.1", "224.0.0.1",
                                     "localhost"])
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(AddressRefused, match="is not a public address"):
        check_public(address, 80)


def test_public_addresses_pass() -> None:
    assert check_public("8.8.8.8", 80) == "8.8.8.8"
    assert check_public("2606:4700:4700::1111", 443) == "2606:4700:4700::1111"


def test_a_feed_link_to_the_local_network_is_refused_unless_allowed(tmp_path: Path) -> None:
    with serve() as server:
        server.set("/secret.html", f"<html><body><article><p>{TRUCKS}</p></article>",
                   "text/html")
        server.set("/links.xml", '<rss version="2.0"><channel><title>t</title><item>'
                   f"<guid>s1</guid><link>{server.url('/secret.html')}</link></item>"
                   "</channel></rss>")
        args = ["feed", server.url("/links.xml"), "--no-state", "--retries", "0",
                "--fetch-articles", "-f", "json"]
        refused = invoke(*args)
        (doc,) = json.loads(refused.stdout)["documents"]
        assert "refused: 127.0.0.1 is not a public address" in doc["skipped"]
        assert "--allow-private-addresses" in doc["skipped"]
        assert [p for p, _ in server.requests] == ["/links.xml"]  # the page was never asked for
        allowed = invoke(*args, "--allow-private-addresses")
        (doc,) = json.loads(allowed.stdout)["documents"]
        assert doc["skipped"] is None and doc["findings"]


def test_every_redirect_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real_check = fetch.check_public

    def check(host: str, port: int) -> str:
        checked.append(host)
        # the first hop stands in for a public server (offline tests have none)
        return host if host == "127.0.0.1" else real_check(host, port)

    monkeypatch.setattr(fetch, "check_public", check)
    with serve() as server:
        port = server.port

        def redirect(conn: socket.socket, stop: float) -> None:
            respond({"Location": f"http://localhost:{port}/secret"}, b"", "302 Found")(conn, stop)

        with (raw_server(redirect) as redirector, Fetcher(FetchPolicy(retries=0)) as fetcher,
              pytest.raises(AddressRefused, match="localhost .* is not a public address")):
            fetcher.get(f"http://127.0.0.1:{redirector}/story", public_only=True)
        assert checked == ["127.0.0.1", "localhost"]
        assert server.requests == []


def test_file_links_are_refused_at_once_never_retried() -> None:
    slept: list[float] = []
    with Fetcher(FetchPolicy(retries=3), sleep=slept.append) as fetcher:
        with pytest.raises(AddressRefused, match="only http:// and https:// addresses"):
            fetcher.get("file:///etc/passwd", public_only=True)
        redirect = respond({"Location": "file:///etc/passwd"}, b"", "302 Found")
        with raw_server(redirect) as port, pytest.raises(AddressRefused, match="only http://"):
            fetcher.get(f"http://127.0.0.1:{port}/story")
    assert slept == []


# -- feeds that crashed the parser ---------------------------------------------------------------


def test_a_surrogate_character_reference_no_longer_crashes_the_feed(tmp_path: Path) -> None:
    hostile = rss([("g1", "Trucks &#xD800; again", TRUCKS + " &#55296;")])
    with serve() as server:
        server.set("/hostile.xml", hostile)
        server.set("/good.xml", rss([("g2", "More trucks", TRUCKS)]))
        out = tmp_path / "r.json"
        result = invoke("feed", server.url("/hostile.xml"), server.url("/good.xml"),
                        "--no-state", "--retries", "0", "-o", str(out), "-q")
    assert result.exit_code == 1  # both feeds read, findings in both
    docs = {d["id"]: d for d in json.loads(out.read_text())["documents"]}
    assert docs["https://news.example/g1"]["title"] == "Trucks \ufffd again"
    assert docs["https://news.example/g1"]["findings"] and docs["https://news.example/g2"]


def test_an_error_inside_one_feed_leaves_the_others(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    from sanctionscan import feedrun

    real_parse = feedrun.parse_feed

    def parse(data: bytes, source: str) -> Any:
        if source.endswith("/broken.xml"):
            raise KeyError("a bug of ours")
        return real_parse(data, source)

    monkeypatch.setattr(feedrun, "parse_feed", parse)
    with serve() as server:
        server.set("/broken.xml", rss([("g1", "x", TRUCKS)]))
        server.set("/good.xml", rss([("g2", "More trucks", TRUCKS)]))
        result = invoke("feed", server.url("/broken.xml"), server.url("/good.xml"),
                        "--no-state", "--retries", "0", "-f", "json")
    assert result.exit_code == 1
    docs = {d["id"]: d for d in json.loads(result.stdout)["documents"]}
    assert "internal error reading the feed: KeyError" in docs[server.url("/broken.xml")][
        "skipped"]
    assert docs["https://news.example/g2"]["findings"]


def test_an_entry_over_its_time_budget_is_skipped_and_scanned_again_next_run(
        tmp_path: Path) -> None:
    with serve() as server:
        server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
        args = ["feed", server.url("/wire.xml"), "--state", str(tmp_path / "s.sqlite"),
                "--retries", "0", "-f", "json"]
        first = invoke(*args, "--doc-timeout", "0.000001")
        (doc,) = json.loads(first.stdout)["documents"]
        assert "--doc-timeout" in doc["skipped"]
        assert invoke(*args, "--doc-timeout", "0.000001", "--strict").exit_code == 3
        second = invoke(*args)
        (doc,) = json.loads(second.stdout)["documents"]
        assert doc["skipped"] is None and doc["findings"]  # not recorded as seen before
        assert second.exit_code == 1


# -- the state and the reports around a run -------------------------------------------------------


def test_a_full_disk_at_commit_is_named_and_exit_3(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from sanctionscan.cli import feed_cmd
    from sanctionscan.state import State

    real_open = State.open

    def open_full(path: Path | None, lock_timeout: float = 60.0) -> State:
        state = real_open(path, lock_timeout)
        pages = state._db.execute("PRAGMA page_count").fetchone()[0]
        state._db.execute(f"PRAGMA max_page_count={pages}")  # SQLite's SQLITE_FULL
        return state

    monkeypatch.setattr(feed_cmd.State, "open", staticmethod(open_full))
    with serve() as server:
        # enough entries that recording them needs pages the database may not grow
        items = [(f"g{i}", "Ferry", "The ferry terminal opened.") for i in range(300)]
        server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS), *items[2:]]))
        out = tmp_path / "r.json"
        result = invoke("feed", server.url("/wire.xml"), "--state", str(tmp_path / "s.sqlite"),
                        "--retries", "0", "-o", str(out), "-q")
    assert result.exit_code == 3
    assert "the disk is full" in result.stderr
    assert "scanned and reported again next run" in result.stderr
    assert out.exists()  # the reports were written before the commit was tried


def test_temporary_reports_of_a_killed_run_are_cleaned_up(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    stale = reports / ".feed.json.k1ll3d.tmp"
    stale.write_text("half a report")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = reports / ".feed.json.wr1t1ng.tmp"  # another writer, still at work
    fresh.write_text("being written")
    other = reports / ".notes.txt.x.tmp"
    other.write_text("not ours")
    os.utime(other, (old, old))
    with serve() as server:
        server.set("/wire.xml", rss([("g1", "Quiet", "The ferry terminal opened.")]))
        result = invoke("feed", server.url("/wire.xml"), "--no-state", "--retries", "0",
                        "-o", str(reports / "feed.json"), "-q")
    assert result.exit_code == 0
    assert not stale.exists() and fresh.exists() and other.exists()
    assert sorted(p.name for p in reports.iterdir()) == [
        ".feed.json.wr1t1ng.tmp", ".notes.txt.x.tmp", "feed.json"]
