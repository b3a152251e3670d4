"""The feed check's parts: HTML main text, feed parsing and its XML safety, fetching with limits
and retries from a local server, the SQLite state, near-duplicate grouping, the baseline, and the
whole run with a stand-in scanner (the real engine is exercised in test_feed_cli.py)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

# The feed check needs the 'feeds' extra; say so plainly instead of failing on import.
pytest.importorskip("httpx", reason="the feed check needs the 'feeds' extra (httpx)")
pytest.importorskip("feedparser", reason="the feed check needs the 'feeds' extra (feedparser)")

import httpx

from feedkit import TODAY, make_finding, make_report, serve
from sanctionscan.baseline import (
    Baseline,
    BaselineEntry,
    Substance,
    apply_baseline,
    create_baseline,
    load_baseline,
    save_baseline,
    update_baseline,
)
from sanctionscan.dedupe import group_near_duplicates, merge_syndicated
from sanctionscan.errors import UsageError
from sanctionscan.feedrun import FeedOptions, FeedRun, commit, run_feed
from sanctionscan.feeds import FeedError, parse_feed
from sanctionscan.fetch import USER_AGENT, Fetcher, FetchError, FetchPolicy
from sanctionscan.htmltext import decode_html, extract_main_text
from sanctionscan.models import (
    Direction,
    Document,
    DocumentResult,
    Evidence,
    Finding,
    Goods,
    Report,
    RulesetInfo,
    Severity,
    Status,
    ToolInfo,
)
from sanctionscan.state import SeenEntry, State, StateError

# -- feeds written for these tests --------------------------------------------------------------

STORY = "Russia delivered 40 trucks to North Korea in March 2024, customs records show."
QUIET = "The harbour authority opened a new ferry terminal for tourists on Tuesday."


def u(guid: str) -> str:
    """The permalink guid the test feeds give an item."""
    return guid if "://" in guid else f"https://news.example/{guid}"


def rss(items: list[tuple[str, str, str]], title: str = "Test wire") -> str:
    body = "".join(
        f"<item><guid>{u(guid)}</guid><title>{t}</title><link>{u(guid)}</link>"
        f"<description>{d}</description><pubDate>Tue, 02 Apr 2024 10:00:00 GMT</pubDate></item>"
        for guid, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link><description>x</description>"
        f"{body}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom wire</title><id>urn:test:atom</id><updated>2024-04-03T00:00:00Z</updated>
  <entry>
    <id>urn:test:atom:1</id><title type="html">Border &amp;amp; trade</title>
    <link href="https://atom.example/1"/>
    <updated>2024-04-03T08:00:00Z</updated>
    <content type="html">&lt;p&gt;Customs officers counted the lorries.&lt;/p&gt;&lt;p&gt;Another paragraph.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>urn:test:atom:2</id><title>Link only</title>
    <link href="https://atom.example/2"/>
    <updated>2024-04-04T08:00:00Z</updated>
  </entry>
</feed>"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rss version="2.0"><channel><title>&d;</title></channel></rss>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>"""

MALFORMED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off in the mid'
BROKEN_DTD = (
    '<!DOCTYPE rss [<!ELEMENT rss ANY>]><rss version="2.0"><channel><title>a</channel></rss>'
)


# -- HTML main text ----------------------------------------------------------------------------


def test_main_text_keeps_the_article_and_drops_furniture() -> None:
    page = """<!doctype html><html><head><title>Site | Trucks</title>
    <meta property="og:title" content="Trucks cross the border">
    <script>var x = "<p>not text</p>";</script><style>p{color:red}</style></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <header>Breaking news ticker</header>
    <article><h1>Trucks cross the border</h1>
      <p>Russia delivered 40 trucks<br>to North Korea.</p>
      <div class="share-buttons">Share on social</div>
      <p>Officials declined   to &amp; comment.</p>
      <aside>Related: other stories</aside>
    </article>
    <footer>Copyright</footer></body></html>"""
    text, title = extract_main_text(page)
    assert title == "Trucks cross the border"
    assert text == (
        "Trucks cross the border\n\nRussia delivered 40 trucks\n\nto North Korea.\n\n"
        "Officials declined to & comment."
    )


def test_main_text_without_article_uses_body_and_page_title() -> None:
    text, title = extract_main_text("<html><head><title>Plain</title><body><p>One.</p>"
                                    "<div>Two.</div>")  # fmt: skip
    assert (text, title) == ("One.\n\nTwo.", "Plain")


def test_main_text_survives_hostile_markup() -> None:
    deep = "<div>" * 50_000 + "deep words" + "</div>" * 10 + "<p>after"
    text, _ = extract_main_text(deep)
    assert "deep words" in text and "after" in text
    text, _ = extract_main_text("<p>a\x00b</p><script>unclosed <p>never")
    assert text == "ab"
    text, _ = extract_main_text("<<<>>><p>&#xdeadbeef; &bogus; ok</p></b></i>")
    assert "ok" in text


def test_main_text_stays_linear_on_stray_end_tags() -> None:
    import time

    hostile = "<div>" * 50_000 + "words" + "</span>" * 50_000
    started = time.monotonic()
    text, _ = extract_main_text(hostile)
    assert text == "words"
    assert time.monotonic() - started < 5  # was quadratic: ~6 s before the open-tag counts


def test_decode_html_follows_declared_charset() -> None:
    page = '<meta charset="iso-8859-1"><p>Caf\xe9</p>'.encode("latin-1")
    assert "Café" in decode_html(page)
    assert "Café" in decode_html("<p>Café</p>".encode(), "text/html; charset=utf-8")


# -- feed parsing ------------------------------------------------------------------------------


def test_rss_entries_become_documents() -> None:
    feed = parse_feed(rss([("g1", "Trucks &amp; more", f"&lt;p&gt;{STORY}&lt;/p&gt;")]).encode(),
                      "wire.xml")  # fmt: skip
    (entry,) = feed.entries
    assert feed.title == "Test wire"
    assert (entry.entry_id, entry.title, entry.link) == (u("g1"), "Trucks & more", u("g1"))
    assert entry.text == STORY
    assert entry.published == date(2024, 4, 2)
    assert not entry.link_only


def test_atom_entries_prefer_content_and_mark_link_only() -> None:
    feed = parse_feed(ATOM.encode(), "atom.xml")
    first, second = feed.entries
    assert first.title == "Border & trade"
    assert first.text == "Customs officers counted the lorries.\n\nAnother paragraph."
    assert first.published == date(2024, 4, 3)
    assert second.link_only and second.link == "https://atom.example/2"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BOMB, "unsafe XML"),
        (EXTERNAL, "unsafe XML"),
        (MALFORMED, "malformed XML"),
        ('<rss version="2.0"><channel><item><title>oops</channel></rss>', "malformed XML"),
        (BROKEN_DTD, "malformed XML"),
        ("<html><body>not a feed</body></html>", "not an RSS or Atom feed"),
        ("\x00\x01binary", "malformed XML"),
    ],
)
def test_bad_feeds_are_refused_with_a_reason(data: str, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(data.encode(), "bad.xml")


def test_bare_guids_are_qualified_with_their_feed() -> None:
    xml = ('<rss version="2.0"><channel><title>t</title>'
           "<item><guid isPermaLink=\"false\">42</guid><description>x</description></item>"
           "</channel></rss>")  # fmt: skip
    a = parse_feed(xml.encode(), "https://a.example/feed").entries[0]
    b = parse_feed(xml.encode(), "https://b.example/feed").entries[0]
    assert (a.entry_id, b.entry_id) == ("https://a.example/feed#42", "https://b.example/feed#42")


def test_harmless_breakage_is_read_leniently_with_a_warning() -> None:
    xml = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
           "<item><guid>https://a.example/1</guid><title>Trucks&nbsp;north</title>"
           f"<description>{STORY}</description></item></channel></rss>")  # fmt: skip
    feed = parse_feed(xml.encode(), "wire.xml")
    assert feed.warning is not None and "undefined entity" in feed.warning
    assert feed.entries[0].title == "Trucks north" and feed.entries[0].text == STORY


def test_entries_without_ids_get_stable_ones_and_duplicates_collapse() -> None:
    xml = ('<rss version="2.0"><channel><title>t</title>'
           "<item><title>A</title><description>same text</description></item>"
           "<item><title>A</title><description>same text</description></item>"
           "<item></item></channel></rss>")  # fmt: skip
    first = parse_feed(xml.encode(), "x").entries
    assert len(first) == 1 and first[0].entry_id.startswith("sha256:")
    assert parse_feed(xml.encode(), "x").entries[0].entry_id == first[0].entry_id


# -- fetching ----------------------------------------------------------------------------------


def no_sleep(_: float) -> None:
    return None


def test_fetch_sends_user_agent_and_retries_transient_errors() -> None:
    with serve() as server:
        server.set("/feed.xml", rss([]))
        server.failures_left["/feed.xml"] = 2
        with Fetcher(FetchPolicy(retries=3), sleep=no_sleep) as fetcher:
            got = fetcher.get(server.url("/feed.xml"))
        assert got.content.startswith(b"<?xml")
        assert len(server.requests) == 3
        assert all(ua == USER_AGENT for _, ua in server.requests)
        assert USER_AGENT.startswith("sanctionscan/")


def test_fetch_gives_up_after_retries_with_backoff() -> None:
    delays: list[float] = []
    with serve() as server:
        server.set("/flaky", "x")
        server.failures_left["/flaky"] = 10
        policy = FetchPolicy(retries=2, backoff=0.25)
        with Fetcher(policy, sleep=delays.append) as fetcher, pytest.raises(FetchError) as error:
            fetcher.get(server.url("/flaky"))
        assert re.search("HTTP 503.*3 attempts", str(error.value))
    assert delays == [0.25, 0.5]


def test_fetch_honours_retry_after_within_its_ceiling() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}),
                    httpx.Response(429, headers={"Retry-After": "3600"}),
                    httpx.Response(200, content=b"<rss/>")])  # fmt: skip
    delays: list[float] = []
    policy = FetchPolicy(retries=2, backoff=0.5, max_backoff=8.0)
    transport = httpx.MockTransport(lambda request: next(answers))
    with Fetcher(policy, transport=transport, sleep=delays.append) as fetcher:
        assert fetcher.get("https://feeds.example/busy").content == b"<rss/>"
    assert delays == [3.0, 8.0]


def test_fetch_gives_up_on_a_slow_drip() -> None:
    clock = iter(range(0, 1000, 10))

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"<rss>"] * 50))

    policy = FetchPolicy(retries=0, timeout=25)
    transport = httpx.MockTransport(handler)
    with (
        Fetcher(policy, transport=transport, clock=lambda: float(next(clock))) as fetcher,
        pytest.raises(FetchError, match="longer than 25 s"),
    ):
        fetcher.get("https://feeds.example/drip")


def test_fetch_does_not_retry_a_404() -> None:
    with serve() as server, Fetcher(sleep=no_sleep) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404"):
            fetcher.get(server.url("/missing"))
        assert len(server.requests) == 1


def test_fetch_refuses_a_huge_body() -> None:
    with serve() as server:
        server.set("/huge.xml", b"<rss>" + b"x" * 300_000 + b"</rss>")
        with (
            Fetcher(FetchPolicy(max_bytes=100_000), sleep=no_sleep) as fetcher,
            pytest.raises(FetchError, match="exceeds limit"),
        ):
            fetcher.get(server.url("/huge.xml"))


def test_fetch_limit_holds_without_content_length() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        def body() -> Iterable[bytes]:
            for _ in range(100):
                yield b"y" * 10_000

        return httpx.Response(200, content=body())  # streamed: no Content-Length

    policy = FetchPolicy(max_bytes=50_000)
    with (
        Fetcher(policy, transport=httpx.MockTransport(handler)) as fetcher,
        pytest.raises(FetchError, match="exceeds limit"),
    ):
        fetcher.get("https://feeds.example/endless")


def test_fetch_times_out_and_retries() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    policy = FetchPolicy(retries=1)
    with (
        Fetcher(policy, transport=httpx.MockTransport(handler), sleep=no_sleep) as fetcher,
        pytest.raises(FetchError, match="timed out"),
    ):
        fetcher.get("https://feeds.example/slow")
    assert len(calls) == 2


def test_fetch_sends_etag_and_understands_304() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, content=b"<rss/>", headers={"ETag": '"v1"'})

    with Fetcher(transport=httpx.MockTransport(handler)) as fetcher:
        first = fetcher.get("https://feeds.example/f")
        again = fetcher.get("https://feeds.example/f", etag=first.etag)
    assert first.etag == '"v1"' and again.not_modified


# -- state -------------------------------------------------------------------------------------


def test_state_remembers_entries_and_findings(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite"
    with State.open(path) as state:
        assert state.needs_scan("f", "e1", "h1")
        rows = [SeenEntry("f", "e1", "h1", (("fp1", "s1"), ("fp2", "s2")))]
        state.commit(rows)
        state.commit(rows)  # idempotent
    with State.open(path) as state:
        assert not state.needs_scan("f", "e1", "h1")
        assert state.needs_scan("f", "e1", "h2")  # content changed
        assert state.needs_scan("other-feed", "e1", "h1")
        assert state.known_findings(["fp1", "fp3"]) == {"fp1": {"s1"}}
        assert (state.entry_count(), state.finding_count()) == (1, 2)


def test_state_commit_is_all_or_nothing(tmp_path: Path) -> None:
    class Boom(Exception):
        pass

    def rows() -> Iterable[SeenEntry]:
        yield SeenEntry("f", "e1", "h1", (("fp1", "s1"),))
        raise Boom

    path = tmp_path / "state.sqlite"
    with State.open(path) as state, pytest.raises(Boom):
        state.commit(rows())
    with State.open(path) as state:
        assert state.entry_count() == 0

    # the second row fails inside the transaction: the first must not stay behind
    poison = SeenEntry("f", "e2", "h2", (("fp2", object()),))  # type: ignore[arg-type]
    with State.open(path) as state, pytest.raises(StateError):  # an SQLite error, named
        state.commit([SeenEntry("f", "e1", "h1", (("fp1", "s1"),)), poison])
    with State.open(path) as state:
        assert (state.entry_count(), state.finding_count()) == (0, 0)


def test_state_rejects_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    from sanctionscan.errors import InputError

    bad = tmp_path / "state.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not a usable state database"):
        State.open(bad)


# -- near duplicates ---------------------------------------------------------------------------


def test_near_duplicate_articles_are_grouped() -> None:
    base = (
        STORY + " The convoy crossed the bridge at Khasan early on Tuesday morning, witnesses said."
    )
    copy = "UPDATED: " + base + " Reporting by a wire service."
    other = QUIET + " Tourists queued for hours in the rain to board the first boat."
    assert group_near_duplicates([base, other, copy]) == [[0, 2], [1]]


def test_syndicated_findings_merge_into_one_with_sources() -> None:
    text = (
        STORY + " The convoy crossed the bridge at Khasan early on Tuesday morning, witnesses said."
    )
    copy = text + " Reporting by a wire service."
    a = DocumentResult(id="a", findings=[make_finding(text, fingerprint="fa")])
    b = DocumentResult(id="b", findings=[make_finding(copy, fingerprint="fb")])
    c = DocumentResult(id="c", findings=[make_finding(QUIET + " trucks Russia North Korea "
                                                      "delivered.", fingerprint="fc")])  # fmt: skip
    merged = merge_syndicated([a, b, c], {"a": text, "b": copy, "c": QUIET + " trucks Russia "
                                          "North Korea delivered."})  # fmt: skip
    assert [len(d.findings) for d in merged] == [1, 0, 1]
    assert merged[0].findings[0].also_in == ["b"]
    assert merged[2].findings[0].also_in == []


# -- baseline ----------------------------------------------------------------------------------


def one_finding_report(finding: Finding) -> Report:
    return Report(tool=ToolInfo(version="0"), ruleset=RulesetInfo(digest="d", rules=1),
                  documents=[DocumentResult(id="doc", findings=[finding])])  # fmt: skip


def entry_for(finding: Finding, **changes: object) -> BaselineEntry:
    base = BaselineEntry(fingerprint=finding.fingerprint, reason="reviewed: old news",
                         reviewer="ana", substance=Substance.of(finding))  # fmt: skip
    return base.model_copy(update=changes)


def test_baselined_finding_is_suppressed_with_its_reason() -> None:
    finding = make_finding()
    report = apply_baseline(one_finding_report(finding), Baseline(entries=[entry_for(finding)]),
                            TODAY)  # fmt: skip
    (out,) = report.findings
    assert out.suppression is not None
    assert (out.suppression.justification, out.suppression.reviewer) == (
        "reviewed: old news",
        "ana",
    )


def test_expired_baseline_entry_fails_again() -> None:
    finding = make_finding()
    baseline = Baseline(entries=[entry_for(finding, expires=date(2026, 1, 1))])
    (out,) = apply_baseline(one_finding_report(finding), baseline, TODAY).findings
    assert out.suppression is None
    assert "expired on 2026-01-01" in out.explanation[-1]
    baseline = Baseline(entries=[entry_for(finding, expires=date(2026, 2, 1))])
    assert apply_baseline(one_finding_report(finding), baseline, TODAY).findings[0].suppression


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"goods": Goods(text="trucks and tanks", hs=["8704", "8710"])}, "new goods 8710"),
        ({"counterparty": "CN"}, "counterparty RU -> CN"),
        ({"status": Status.asserted}, "status alleged -> asserted"),
    ],
)
def test_changed_substance_fails_again(change: dict[str, object], message: str) -> None:
    reviewed = make_finding(status=Status.alleged)
    now = reviewed.model_copy(update=change)
    (out,) = apply_baseline(one_finding_report(now), Baseline(entries=[entry_for(reviewed)]),
                            TODAY).findings  # fmt: skip
    assert out.suppression is None
    assert message in out.explanation[-1]


def test_weaker_status_stays_suppressed() -> None:
    reviewed = make_finding(status=Status.asserted)
    now = reviewed.model_copy(update={"status": Status.alleged})
    report = apply_baseline(one_finding_report(now), Baseline(entries=[entry_for(reviewed)]), TODAY)
    assert report.findings[0].suppression is not None


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_baseline_file_round_trip_and_update(tmp_path: Path, suffix: str) -> None:
    report, _ = make_report(suppress_second=False)
    path = tmp_path / f"baseline{suffix}"
    save_baseline(create_baseline(report, "reviewed", "ana", date(2027, 1, 1)), path)
    loaded = load_baseline(path)
    assert loaded.version == 1
    assert {e.fingerprint for e in loaded.entries} == {"fp-a1", "fp-b1"}
    assert loaded.entries[0].expires == date(2027, 1, 1)
    # a new finding is added, the reviewed ones keep their reason
    extra = make_finding(fingerprint="fp-new")
    bigger = report.model_copy(
        update={"documents": [*report.documents, DocumentResult(id="n", findings=[extra])]}
    )
    updated, counts = update_baseline(loaded, bigger, "second review")
    assert counts["added"] == 1 and counts["kept"] == 2
    reasons = {e.fingerprint: e.reason for e in updated.entries}
    assert reasons == {"fp-a1": "reviewed", "fp-b1": "reviewed", "fp-new": "second review"}
    pruned, counts = update_baseline(updated, one_finding_report(extra), "x", prune=True)
    assert [e.fingerprint for e in pruned.entries] == ["fp-new"] and counts["pruned"] == 2


def test_bad_baseline_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text("version: 1\nentries:\n  - fingerprint: x\n    colour: red\n")
    with pytest.raises(UsageError, match="entries.0"):
        load_baseline(path)
    path.write_text("version: 7\nentries: []\n")
    with pytest.raises(UsageError, match="version 7"):
        load_baseline(path)


# -- the run, with a stand-in scanner ------------------------------------------------------------


class WordScanner:
    """Flags a document whose text says 'trucks' and 'North Korea' (enough to test the flow)."""

    def __init__(self) -> None:
        self.scanned: list[str] = []

    def scan_document(self, doc: Document) -> DocumentResult:
        self.scanned.append(doc.id)
        findings = []
        if "trucks" in doc.text and "North Korea" in doc.text:
            start = doc.text.index("trucks")
            goods = "trucks and tanks" if "tanks" in doc.text else "trucks"
            fingerprint = hashlib.sha256(f"{doc.id}|{goods}".encode()).hexdigest()[:16]
            findings.append(
                Finding(rule_id="t-vehicles", category="dprk.vehicles", severity=Severity.high,
                        confidence=0.9, status=Status.asserted, direction=Direction.to_target,
                        target="KP", counterparty="RU", goods=Goods(text=goods, hs=["8704"]),
                        evidence=[Evidence(role="goods", start=start, end=start + 6,
                                           text="trucks")],
                        fingerprint=fingerprint)
            )  # fmt: skip
        return DocumentResult(id=doc.id, source=doc.source, title=doc.title, url=doc.url,
                              findings=findings)  # fmt: skip

    def report(self, results: Iterable[DocumentResult]) -> Report:
        return Report(tool=ToolInfo(version="0"), ruleset=RulesetInfo(digest="d", rules=1),
                      documents=list(results))  # fmt: skip


def run_once(
    sources: list[str], state_path: Path, policy: FetchPolicy | None = None, **options: object
) -> tuple[FeedRun, WordScanner]:
    scanner = WordScanner()
    policy = policy or FetchPolicy(retries=0, allow_private_addresses=True)
    with State.open(state_path) as state, Fetcher(policy) as fetcher:
        run = run_feed(sources, scanner, state, fetcher, FeedOptions(**options))  # type: ignore[arg-type]
        commit(state, run)
    return run, scanner


def test_run_scans_only_new_and_changed_entries(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with serve() as server:
        server.set("/wire.xml", rss([("g1", "Trucks", STORY), ("g2", "Ferry", QUIET)]))
        url = server.url("/wire.xml")
        first, scanner = run_once([url], state)
        assert sorted(scanner.scanned) == [u("g1"), u("g2")]
        assert len(first.failing_findings("high")) == 1
        second, scanner = run_once([url], state)
        assert scanner.scanned == [] and second.report.findings == [] and second.unchanged == 2
        server.set("/wire.xml", rss([("g1", "Trucks", STORY + " Then tanks followed."),
                                     ("g2", "Ferry", QUIET)]))  # fmt: skip
        third, scanner = run_once([url], state)
        assert scanner.scanned == [u("g1")]
        assert len(third.failing_findings("high")) == 1  # goods changed: a new finding


def test_rescanned_entry_with_the_same_finding_does_not_fail_again(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with serve() as server:
        server.set("/wire.xml", rss([("g1", "Trucks", STORY)]))
        run_once([server.url("/wire.xml")], state)
        server.set("/wire.xml", rss([("g1", "Trucks (updated)", STORY)]))
        again, scanner = run_once([server.url("/wire.xml")], state)
    assert scanner.scanned == [u("g1")]
    assert len(again.report.findings) == 1 and again.failing_findings("high") == []


def test_crash_before_commit_loses_nothing(tmp_path: Path) -> None:
    state_path = tmp_path / "state.sqlite"
    with serve() as server:
        server.set("/wire.xml", rss([("g1", "Trucks", STORY)]))
        url = server.url("/wire.xml")
        with State.open(state_path) as state, Fetcher() as fetcher:
            crashed = run_feed([url], WordScanner(), state, fetcher)
            assert len(crashed.report.findings) == 1
            # the process dies here: reports maybe written, state never committed
        recovered, scanner = run_once([url], state_path)
        assert scanner.scanned == [u("g1")]
        assert [f.fingerprint for f in recovered.failing_findings("high")] == [
            crashed.report.findings[0].fingerprint
        ]
        again, _ = run_once([url], state_path)
        assert again.report.findings == []
    with State.open(state_path) as state:
        assert state.finding_count() == 1  # no duplicate rows after a repeated commit


def test_bad_feeds_are_reported_and_the_rest_scanned(tmp_path: Path) -> None:
    with serve() as server:
        server.set("/good.xml", rss([("g1", "Trucks", STORY)]))
        server.set("/atom.xml", ATOM, "application/atom+xml")
        server.set("/bomb.xml", BOMB)
        server.set("/broken.xml", MALFORMED)
        server.set("/huge.xml", "<rss>" + "x" * 200_000 + "</rss>")
        listing = tmp_path / "feeds.txt"
        listing.write_text("# our feeds\n" + "\n".join(
            server.url(p) for p in ("/good.xml", "/atom.xml", "/bomb.xml", "/broken.xml",
                                    "/huge.xml", "/missing.xml")) + "\n")  # fmt: skip
        run, scanner = run_once(
            [str(listing)], tmp_path / "s.sqlite", policy=FetchPolicy(retries=0, max_bytes=100_000)
        )
    failed = {s.source.rsplit("/", 1)[-1]: s.error for s in run.failed_sources}
    assert set(failed) == {"bomb.xml", "broken.xml", "huge.xml", "missing.xml"}
    assert "unsafe XML" in (failed["bomb.xml"] or "")
    assert "exceeds limit" in (failed["huge.xml"] or "")
    assert not run.all_sources_failed
    assert sorted(scanner.scanned) == [u("g1"), "urn:test:atom:1"]
    skipped = {d.id: d.skipped for d in run.report.documents if d.skipped}
    assert "--fetch-articles" in (skipped["urn:test:atom:2"] or "")
    assert len(run.report.findings) == 1


def test_link_only_entries_fetch_the_article_page(tmp_path: Path) -> None:
    page = f"<html><body><nav>Menu</nav><article><h1>Big story</h1><p>{STORY}</p></article></body>"
    with serve() as server:
        server.set("/story", page, "text/html; charset=utf-8")
        feed = ('<rss version="2.0"><channel><title>t</title><item><guid>p1</guid>'
                f"<link>{server.url('/story')}</link></item></channel></rss>")  # fmt: skip
        server.set("/links.xml", feed)
        run, scanner = run_once(
            [server.url("/links.xml")], tmp_path / "s.sqlite", fetch_articles=True
        )
    doc_id = f"{server.url('/links.xml')}#p1"  # a bare guid is qualified with its feed
    assert scanner.scanned == [doc_id]
    assert run.texts[doc_id] == "Big story\n\n" + STORY
    (finding,) = run.report.findings
    text = run.texts[doc_id]
    assert all(text[e.start : e.end] == e.text for e in finding.evidence)


def test_manifest_records_options_and_input_hashes(tmp_path: Path) -> None:
    feed_file = tmp_path / "wire.xml"
    feed_file.write_text(rss([("g1", "Trucks", STORY)]))
    run, _ = run_once([str(feed_file)], tmp_path / "s.sqlite", options={"fail_on": "high"})
    manifest = run.report.manifest
    assert manifest is not None and manifest.options == {"fail_on": "high"}
    ids = [i.id for i in manifest.inputs]
    assert ids == [str(feed_file), u("g1")]
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", i.sha256) for i in manifest.inputs)


def test_every_source_failing_is_an_input_error(tmp_path: Path) -> None:
    run, _ = run_once([str(tmp_path / "nope.xml")], tmp_path / "s.sqlite")
    assert run.all_sources_failed
    assert run.report.documents[0].skipped is not None


def test_feed_etag_is_kept_only_when_every_entry_was_recorded(tmp_path: Path) -> None:
    with serve() as server:
        feed = ('<rss version="2.0"><channel><title>t</title><item><guid>https://x.example/1</guid>'
                f"<link>{server.url('/gone')}</link></item></channel></rss>")  # fmt: skip
        server.set("/links.xml", feed)
        server.etags["/links.xml"] = '"e1"'
        run, _ = run_once([server.url("/links.xml")], tmp_path / "s.sqlite", fetch_articles=True)
        assert run.etags == {} and run.pending == []  # the page 404ed: try again next run
        server.set("/links.xml", rss([("g1", "Trucks", STORY)]))
        run, _ = run_once([server.url("/links.xml")], tmp_path / "s.sqlite")
        assert run.etags == {server.url("/links.xml"): ('"e1"', "entries")}
        again, scanner = run_once([server.url("/links.xml")], tmp_path / "s.sqlite")
        assert again.sources[0].not_modified and scanner.scanned == []


def test_a_feed_named_twice_is_read_once(tmp_path: Path) -> None:
    feed_file = tmp_path / "wire.xml"
    feed_file.write_text(rss([("g1", "Trucks", STORY)]))
    listing = tmp_path / "feeds.txt"
    listing.write_text("wire.xml\n")
    run, scanner = run_once([str(feed_file), str(listing), str(feed_file)], tmp_path / "s.sqlite")
    assert [s.source for s in run.sources] == [str(feed_file)]
    assert scanner.scanned == [u("g1")]


def test_same_article_in_two_feeds_is_scanned_once_and_remembered_for_both(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one.xml", tmp_path / "two.xml"
    one.write_text(rss([("g1", "Trucks", STORY)]))
    two.write_text(rss([("g1", "Trucks", STORY)], title="Other wire"))
    run, scanner = run_once([str(one), str(two)], tmp_path / "s.sqlite")
    assert scanner.scanned == [u("g1")] and len(run.report.findings) == 1
    assert sorted(p.feed for p in run.pending) == [str(one), str(two)]
    again, scanner = run_once([str(one), str(two)], tmp_path / "s.sqlite")
    assert scanner.scanned == [] and again.unchanged == 2


def test_signatures_are_stable_and_estimate_similarity() -> None:
    from sanctionscan.dedupe import signature, signature_similarity

    base = (
        STORY + " The convoy crossed the bridge at Khasan early on Tuesday morning, witnesses said."
    )
    copy = "UPDATED: " + base + " Reporting by a wire service."
    assert signature(base) == signature(base) and len(signature(base)) == 64
    assert signature_similarity(signature(base), signature(copy)) >= 0.6
    assert signature_similarity(signature(base), signature(QUIET * 3)) < 0.2
    assert signature("") == ()
    # fixed value: a signature stored by one process must mean the same to the next one
    assert signature("one two three four five")[0] == signature("one two three four five")[0]


def test_a_copy_arriving_in_a_later_run_is_not_new(tmp_path: Path) -> None:
    story = (
        STORY + " The convoy crossed the bridge at Khasan early on Tuesday morning, witnesses said."
    )
    state = tmp_path / "s.sqlite"
    with serve() as server:
        server.set("/a.xml", rss([("https://one.example/a", "Trucks", story)]))
        first, _ = run_once([server.url("/a.xml")], state)
        assert len(first.failing_findings("high")) == 1
        server.set("/b.xml", rss([("https://two.example/b", "Trucks (wire)", story + " AP.")]))
        later, scanner = run_once([server.url("/a.xml"), server.url("/b.xml")], state)
        assert scanner.scanned == ["https://two.example/b"]
        (finding,) = later.report.findings
        assert finding.also_in == ["https://one.example/a"]
        assert later.failing_findings("high") == []
        # an unrelated article with the same kind of finding is still new
        other = "Customs data show trucks went from Russia to North Korea via a new road link."
        server.set("/c.xml", rss([("https://three.example/c", "Road link", other)]))
        third, _ = run_once([server.url("/c.xml")], state)
        assert len(third.failing_findings("high")) == 1
