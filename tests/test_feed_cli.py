"""`sanctionscan feed` end to end with the shipped rules, against feeds served from 127.0.0.1:
first run reports, second run is quiet, changed entries are rescanned, a killed run loses
nothing, bad feeds are reported while the others are scanned, the baseline suppresses, and the
SARIF output validates against the 2.1.0 schema."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from feedkit import FeedServer, serve

pytest.importorskip("httpx", reason="the feed check needs the 'feeds' extra (httpx)")
pytest.importorskip("feedparser", reason="the feed check needs the 'feeds' extra (feedparser)")

from sanctionscan.cli import cli
from sanctionscan.htmltext import extract_main_text
from test_feeds import ATOM, BOMB, MALFORMED, rss

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

TRUCKS = "Russia delivered 40 trucks to North Korea in March 2024, customs records show."
TRUCKS_AND_TANKS = (
    "Russia delivered 40 trucks and 12 tanks to North Korea in March 2024, customs records show."
)
ALLEGED = "Russia allegedly delivered 40 trucks to North Korea in March 2024, customs records show."
QUIET = "The harbour authority opened a new ferry terminal for tourists on Tuesday."


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def server() -> Iterator[FeedServer]:
    with serve() as s:
        yield s


def feed_args(tmp_path: Path, *sources: str) -> list[str]:
    return ["feed", *sources, "--state", str(tmp_path / "state.sqlite"), "--retries", "0"]


def findings_of(path: Path) -> list[dict[str, Any]]:
    report = json.loads(path.read_text())
    return [f for d in report["documents"] for f in d["findings"]]


def test_first_run_reports_second_run_is_quiet_changed_entry_rescanned(
    tmp_path: Path, server: FeedServer
) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS), ("g2", "Ferry", QUIET)]))
    url = server.url("/wire.xml")
    out = tmp_path / "out"
    args = feed_args(tmp_path, url)
    first = invoke(
        *args,
        "-f",
        "json",
        "-o",
        str(out / "1.json"),
        "-o",
        str(out / "1.sarif"),
        "-o",
        str(out / "1.html"),
        "-o",
        str(out / "1.md"),
        "-o",
        str(out / "1.xml"),
    )
    assert first.exit_code == 1, first.output
    (finding,) = findings_of(out / "1.json")
    assert finding["category"] == "dprk.vehicles" and finding["counterparty"] == "RU"
    for name in ("1.sarif", "1.html", "1.md", "1.xml"):
        assert "UN-KP-VEH-001" in (out / name).read_text()
    sarif = json.loads((out / "1.sarif").read_text())
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()),
                        cls=jsonschema.Draft4Validator)  # fmt: skip
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["snippet"]["text"] == TRUCKS
    assert "1 new or changed" not in first.stderr and "2 new or changed entries" in first.stderr

    second = invoke(*args, "-f", "json", "-o", str(out / "2.json"))
    assert second.exit_code == 0, second.output
    assert findings_of(out / "2.json") == []
    assert "0 new or changed entries scanned, 2 unchanged" in second.stderr

    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS_AND_TANKS), ("g2", "Ferry", QUIET)]))
    third = invoke(*args, "-f", "json", "-o", str(out / "3.json"))
    assert third.exit_code == 1, third.output  # the tanks are a new finding
    assert "1 new or changed entry scanned, 1 unchanged" in third.stderr
    rules = sorted(str(f["rule_id"]) for f in findings_of(out / "3.json"))
    assert rules == ["UN-KP-ARM-001", "UN-KP-VEH-001"]


def test_killed_run_loses_nothing(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    args = feed_args(tmp_path, server.url("/wire.xml"))
    report = tmp_path / "killed.json"
    # A real kill (SIGKILL) after the report is written and before the state is committed.
    script = (
        "import os, signal, sys\n"
        "import sanctionscan.cli.feed_cmd as feed_cmd\n"
        "feed_cmd.commit = lambda state, run: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from sanctionscan.cli import cli\n"
        "cli(sys.argv[1:])\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, *args, "-q", "-f", "json",
                             "-o", str(report)], capture_output=True, timeout=120, check=False)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    (lost,) = findings_of(report)

    again = invoke(*args, "-f", "json", "-o", str(tmp_path / "again.json"))
    assert again.exit_code == 1, again.output  # reported again, still new: not lost
    (recovered,) = findings_of(tmp_path / "again.json")
    assert recovered["fingerprint"] == lost["fingerprint"]
    quiet = invoke(*args, "-f", "json", "-o", str(tmp_path / "quiet.json"))
    assert quiet.exit_code == 0 and findings_of(tmp_path / "quiet.json") == []


def test_crash_in_commit_leaves_state_untouched(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanctionscan.cli import feed_cmd
    from sanctionscan.state import State

    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    args = feed_args(tmp_path, server.url("/wire.xml"))

    def crash(state: object, run: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(feed_cmd, "commit", crash)
    result = CliRunner().invoke(cli, [*args, "-q"])
    # an error nobody planned for is an internal error: its own exit code, never 1 (findings)
    assert result.exit_code == 70
    assert "internal error (OSError: disk full)" in result.stderr
    with State.open(tmp_path / "state.sqlite") as state:
        assert state.entry_count() == 0
    monkeypatch.undo()
    assert invoke(*args, "-q").exit_code == 1


def test_bad_feeds_are_reported_while_the_others_are_scanned(
    tmp_path: Path, server: FeedServer
) -> None:
    server.set("/good.xml", rss([("g1", "Trucks", TRUCKS)]))
    server.set("/atom.xml", ATOM, "application/atom+xml")
    server.set("/malformed.xml", MALFORMED)
    server.set("/bomb.xml", BOMB)
    server.set("/huge.xml", "<rss>" + "<!-- padding -->" * 200_000 + "</rss>")
    listing = tmp_path / "feeds.txt"
    listing.write_text("\n".join(server.url(p) for p in ("/good.xml", "/atom.xml",
                                 "/malformed.xml", "/bomb.xml", "/huge.xml")))  # fmt: skip
    args = [*feed_args(tmp_path, str(listing)), "--max-bytes", "1000000"]
    result = invoke(*args, "-f", "junit", "-o", str(tmp_path / "junit.xml"))
    assert result.exit_code == 1, result.output
    assert "malformed XML" in result.stderr
    assert "unsafe XML" in result.stderr and "EntitiesForbidden" in result.stderr
    assert "exceeds limit" in result.stderr
    assert "5 feed(s), 3 failed, 0 not modified" in result.stderr
    junit = (tmp_path / "junit.xml").read_text()
    assert junit.count("<error") == 4  # three feeds and the link-only Atom entry
    # --strict makes any failed feed an input error
    strict = invoke(*feed_args(tmp_path / "s2", str(listing)), "--strict", "-q")
    assert strict.exit_code == 3


def test_every_feed_failing_is_exit_3(tmp_path: Path, server: FeedServer) -> None:
    server.set("/malformed.xml", MALFORMED)
    result = invoke(*feed_args(tmp_path, server.url("/malformed.xml"), server.url("/gone.xml")))
    assert result.exit_code == 3
    assert "HTTP 404" in result.stderr


def test_baselined_findings_do_not_fail_the_job(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", ALLEGED)]))
    url = server.url("/wire.xml")
    report = tmp_path / "report.json"
    assert invoke(*feed_args(tmp_path / "a", url), "-q", "-o", str(report)).exit_code == 1
    baseline = tmp_path / "baseline.yaml"
    created = invoke(
        "baseline",
        "create",
        str(report),
        "-o",
        str(baseline),
        "--reason",
        "Reviewed: reported to the panel in 2024",
        "--reviewer",
        "ana",
    )
    assert created.exit_code == 0, created.output
    assert "Reviewed: reported to the panel" in baseline.read_text()

    sarif = tmp_path / "b.sarif"
    suppressed = invoke(*feed_args(tmp_path / "b", url), "--baseline", str(baseline),
                        "-o", str(tmp_path / "b.json"), "-o", str(sarif), "-o",
                        str(tmp_path / "b.md"), "-o", str(tmp_path / "b.html"))  # fmt: skip
    assert suppressed.exit_code == 0, suppressed.output
    (finding,) = findings_of(tmp_path / "b.json")
    assert finding["suppression"]["justification"] == "Reviewed: reported to the panel in 2024"
    (result,) = json.loads(sarif.read_text())["runs"][0]["results"]
    assert result["suppressions"][0]["justification"].startswith("Reviewed")
    assert "1 suppressed by the baseline" in (tmp_path / "b.md").read_text()
    assert 'data-review="suppressed"' in (tmp_path / "b.html").read_text()
    assert "1 suppressed" in suppressed.stderr

    # the article now asserts what it only alleged: the reviewed entry no longer covers it
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    changed = invoke(*feed_args(tmp_path / "b", url), "--baseline", str(baseline),
                     "-o", str(tmp_path / "c.json"))  # fmt: skip
    assert changed.exit_code == 1, changed.output
    (finding,) = findings_of(tmp_path / "c.json")
    assert finding["suppression"] is None
    assert "status alleged -> asserted" in finding["explanation"][-1]


def test_expired_baseline_fails_again(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    url = server.url("/wire.xml")
    report = tmp_path / "report.json"
    invoke(*feed_args(tmp_path / "a", url), "-q", "-o", str(report))
    baseline = tmp_path / "baseline.json"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    invoke("baseline", "create", str(report), "-o", str(baseline), "--reason", "ok",
           "--expires", yesterday)  # fmt: skip
    result = invoke(*feed_args(tmp_path / "b", url), "--baseline", str(baseline), "-q")
    assert result.exit_code == 1


def test_fail_on_threshold_and_none(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    url = server.url("/wire.xml")
    assert invoke(*feed_args(tmp_path / "a", url), "--fail-on", "none", "-q").exit_code == 0
    assert invoke(*feed_args(tmp_path / "b", url), "--fail-on", "low", "-q").exit_code == 1


def test_syndicated_copies_are_one_finding_with_several_sources(
    tmp_path: Path, server: FeedServer
) -> None:
    story = TRUCKS + " The convoy crossed the bridge at Khasan early on Tuesday, witnesses said."
    server.set("/one.xml", rss([("https://one.example/a", "Trucks", story)]))
    server.set("/two.xml", rss([("https://two.example/b", "Trucks (wire)", story + " Agencies.")]))
    out = tmp_path / "r.json"
    result = invoke(*feed_args(tmp_path, server.url("/one.xml"), server.url("/two.xml")),
                    "-q", "-o", str(out), "-o", str(tmp_path / "r.md"))  # fmt: skip
    assert result.exit_code == 1
    (finding,) = findings_of(out)
    assert finding["also_in"] == ["https://two.example/b"]
    assert "2 article(s) (also in https://two.example/b)" in (tmp_path / "r.md").read_text()


def test_link_only_entries_with_fetch_articles(tmp_path: Path, server: FeedServer) -> None:
    page = f"<html><body><nav>Home</nav><article><p>{TRUCKS}</p></article><footer>c</footer>"
    server.set("/story.html", page, "text/html")
    server.set("/links.xml", '<rss version="2.0"><channel><title>t</title><item><guid>s1</guid>'
               f"<link>{server.url('/story.html')}</link></item></channel></rss>")  # fmt: skip
    args = feed_args(tmp_path, server.url("/links.xml"))
    without = invoke(*args, "-q", "--no-state")
    assert without.exit_code == 0
    out = tmp_path / "r.json"
    fetched = invoke(*args, "-q", "--fetch-articles", "--allow-private-addresses", "-o", str(out))
    assert fetched.exit_code == 1
    assert findings_of(out)[0]["evidence"][0]["text"] in TRUCKS


def test_quiet_means_nothing_on_stderr(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Ferry", QUIET)]))
    result = invoke(*feed_args(tmp_path, server.url("/wire.xml")), "-q", "-f", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["documents"][0]["id"] == "https://news.example/g1"


def test_usage_errors_are_exit_2(tmp_path: Path) -> None:
    assert invoke(*feed_args(tmp_path, "x.xml"), "-f", "sarf").exit_code == 2
    bad = tmp_path / "baseline.yaml"
    bad.write_text("entries: [{fingerprint: x}]\n")
    assert invoke(*feed_args(tmp_path, "x.xml"), "--baseline", str(bad)).exit_code == 2
    missing = tmp_path / "missing.yaml"
    assert invoke(*feed_args(tmp_path, "x.xml"), "--baseline", str(missing)).exit_code == 2


def test_scan_reads_html_pages_with_offsets_into_the_extracted_text(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text("<html><head><title>T</title><script>x()</script></head><body>"
                    f"<nav>Menu</nav><article><h1>Headline</h1><p>{TRUCKS}</p></article>")  # fmt: skip
    result = invoke("scan", str(page), "-f", "json", "-q")
    text, _ = extract_main_text(page.read_text())
    findings = [f for d in json.loads(result.stdout)["documents"] for f in d["findings"]]
    assert findings
    for finding in findings:
        for ev in finding["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]


def test_state_file_is_created_where_asked(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Ferry", QUIET)]))
    state = tmp_path / "cache" / "nested" / "state.sqlite"
    invoke("feed", server.url("/wire.xml"), "--state", str(state), "-q")
    assert state.exists()


def test_a_finding_that_grows_stronger_is_new_again(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", ALLEGED)]))
    args = feed_args(tmp_path, server.url("/wire.xml"))
    assert invoke(*args, "-q").exit_code == 1
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))  # alleged -> asserted
    assert invoke(*args, "-q").exit_code == 1
    server.set("/wire.xml", rss([("g1", "Trucks (updated)", TRUCKS)]))  # same substance
    assert invoke(*args, "-q").exit_code == 0


def test_unchanged_feed_costs_a_304_with_its_etag(tmp_path: Path, server: FeedServer) -> None:
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    server.etags["/wire.xml"] = '"v1"'
    args = feed_args(tmp_path, server.url("/wire.xml"))
    assert invoke(*args).exit_code == 1
    again = invoke(*args)
    assert again.exit_code == 0 and "1 not modified" in again.stderr
    # a new version of the feed carries a new ETag and is read again
    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS_AND_TANKS)]))
    server.etags["/wire.xml"] = '"v2"'
    changed = invoke(*args)
    assert changed.exit_code == 1 and "0 not modified" in changed.stderr
    # switching on --fetch-articles ignores the ETag recorded without it
    assert "0 not modified" in invoke(*args, "--fetch-articles").stderr


def test_unwritable_report_commits_nothing(tmp_path: Path, server: FeedServer) -> None:
    from sanctionscan.state import State

    server.set("/wire.xml", rss([("g1", "Trucks", TRUCKS)]))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    args = feed_args(tmp_path, server.url("/wire.xml"))
    result = invoke(*args, "-q", "-o", str(blocker / "r.sarif"))
    assert result.exit_code == 2 and "cannot write report" in result.stderr
    with State.open(tmp_path / "state.sqlite") as state:
        assert state.entry_count() == 0


def test_atom_feed_entries_are_scanned(tmp_path: Path, server: FeedServer) -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom wire</title><id>urn:test:wire</id><updated>2024-04-03T00:00:00Z</updated>
  <entry><id>urn:test:wire:7</id><title>Convoy</title>
    <link rel="alternate" href="https://atom.example/convoy"/>
    <updated>2024-04-03T08:00:00Z</updated>
    <summary type="html">&lt;p&gt;{TRUCKS}&lt;/p&gt;</summary></entry>
</feed>"""
    server.set("/atom.xml", atom, "application/atom+xml")
    out = tmp_path / "r.json"
    result = invoke(*feed_args(tmp_path, server.url("/atom.xml")), "-q", "-o", str(out))
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    (doc,) = report["documents"]
    assert (doc["id"], doc["url"], doc["title"]) == (
        "urn:test:wire:7",
        "https://atom.example/convoy",
        "Convoy",
    )
    assert doc["findings"][0]["rule_id"] == "UN-KP-VEH-001"
    assert report["manifest"]["options"]["fail_on"] == "high"


def test_a_syndicated_copy_in_a_later_run_does_not_fail_again(
    tmp_path: Path, server: FeedServer
) -> None:
    story = TRUCKS + " The convoy crossed the bridge at Khasan early on Tuesday, witnesses said."
    server.set("/one.xml", rss([("https://one.example/a", "Trucks", story)]))
    args = feed_args(tmp_path, server.url("/one.xml"), server.url("/two.xml"))
    server.set("/two.xml", rss([]))
    assert invoke(*args, "-q").exit_code == 1
    server.set("/two.xml", rss([("https://two.example/b", "Trucks (wire)", story + " Agencies.")]))
    out = tmp_path / "later.json"
    later = invoke(*args, "-o", str(out))
    assert later.exit_code == 0, later.output
    (finding,) = findings_of(out)
    assert finding["also_in"] == ["https://one.example/a"]
    assert "0 not reported before; 0 fail the job" in later.stderr
