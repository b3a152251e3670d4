"""Hostile input never takes a run down (issue 16): each case below once crashed the run, hung it
or lost input without a word; now it is a skipped document, feed or record with a reason, a
clear `file:line` error, or a refusal, and the run goes on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sanctionscan.cli import cli
from sanctionscan.engine import Scanner
from sanctionscan.errors import RuleFileError
from sanctionscan.guard import can_time_limit, scan_guarded, time_limit
from sanctionscan.models import Document, DocumentResult, SkippedDocument
from sanctionscan.parallel import scan_documents
from sanctionscan.ruleset import RuleSet, load_ruleset
from sanctionscan.sources import MAX_RECORD_BYTES, decode, iter_documents, read_jsonl_stream
from sanctionscan.state import SeenEntry, State, StateError
from sanctionscan.yamlfile import MAX_ALIASES, load_yaml

TRUCKS = "Russia delivered 40 trucks to North Korea in March 2024, customs records show."


def invoke(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def jsonl_items(*lines: bytes) -> list[Document | SkippedDocument]:
    return list(read_jsonl_stream(io.BytesIO(b"".join(lines)), "in.jsonl"))


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset()


# -- JSON Lines ----------------------------------------------------------------------------------


def test_hostile_json_lines_records_are_skipped_and_the_good_ones_read() -> None:
    good = json.dumps({"id": "ok", "text": TRUCKS}).encode() + b"\n"
    huge_int = b'{"id": "n", "text": "x", "count": ' + b"7" * 5000 + b"}\n"
    deep = b'{"id": "d", "text": "x", "more": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    huge_id = b'{"id": ' + b"9" * 5000 + b', "text": "x"}\n'
    items = jsonl_items(good, huge_int, deep, huge_id, good)
    assert [type(i).__name__ for i in items] == ["Document", "SkippedDocument",
                                                 "SkippedDocument", "SkippedDocument",
                                                 "Document"]
    assert "digits" in items[1].reason  # type: ignore[union-attr]
    assert "nested too deeply" in items[2].reason  # type: ignore[union-attr]
    assert [i.id for i in items[1:4]] == ["in.jsonl:2", "in.jsonl:3", "in.jsonl:4"]


def test_scan_of_hostile_json_lines_reports_every_record(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(json.dumps({"id": "ok", "text": TRUCKS}).encode() + b"\n"
                     + b'{"id": "n", "text": "x", "count": ' + b"7" * 5000 + b"}\n"
                     + b'{"id": "s\\ud800", "text": "Trucks \\udfff."}\n')
    for fmt in ("json", "text", "jsonl", "markdown"):
        result = invoke("scan", str(path), "-f", fmt, "--jobs", "1")
        assert result.exit_code == 0, fmt  # the run finished (it used to crash with exit 1)
        assert "1 document(s) scanned, 1 finding(s), 2 skipped" in result.stderr
    report = json.loads(invoke("scan", str(path), "-f", "json", "-q").stdout)
    assert [(d["id"], d["skipped"] is None) for d in report["documents"]] == [
        ("ok", True), (f"{path}:2", False), ("s\\ud800", False)]
    assert invoke("scan", str(path), "--strict", "-q").exit_code == 3


@pytest.mark.parametrize("key", ["text", "id", "title", "url"])
def test_a_lone_surrogate_skips_the_record_and_the_report_still_writes(key: str) -> None:
    record = {"id": "s1", "text": TRUCKS, "title": "Title", "url": "https://a.example/1"}
    line = json.dumps(record).replace(json.dumps(record[key]), '"bad \\ud800 value"', 1)
    (item,) = jsonl_items(line.encode() + b"\n")
    assert isinstance(item, SkippedDocument)
    assert f"'{key}' holds a lone surrogate (\\ud800 at character 4)" in item.reason
    item.model_dump_json().encode("utf-8")  # the skipped result itself can be written


def test_a_paired_surrogate_escape_is_an_ordinary_character() -> None:
    (item,) = jsonl_items(b'{"id": "e", "text": "flag \\ud83c\\uddf0\\ud83c\\uddf5"}\n')
    assert isinstance(item, Document) and item.text == "flag \U0001f1f0\U0001f1f5"


def test_a_record_over_the_size_limit_is_skipped_without_being_held(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctionscan.sources as sources

    monkeypatch.setattr(sources, "MAX_RECORD_BYTES", 1000)
    big = json.dumps({"id": "big", "text": "trucks " * 1000}).encode() + b"\n"
    good = json.dumps({"id": "ok", "text": TRUCKS}).encode() + b"\n"
    items = jsonl_items(good, big, good)
    assert [i.id for i in items] == ["ok", "in.jsonl:2", "ok"]
    assert f"record too large ({len(big)} bytes; limit 1000)" in items[1].reason  # type: ignore[union-attr]
    assert MAX_RECORD_BYTES == 20 * 1024 * 1024  # the real limit: that of one file


def test_broken_json_names_line_and_column() -> None:
    good = json.dumps({"id": "ok", "text": TRUCKS}).encode() + b"\n"
    (_, bad) = jsonl_items(good, b'{"id": "x" "text": "no comma"}\n')
    assert bad.id == "in.jsonl:2"
    assert bad.reason == (  # type: ignore[union-attr]
        "invalid JSON at line 2, column 12: Expecting ',' delimiter")


def test_stdin_json_lines_with_an_over_long_first_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctionscan.sources as sources

    monkeypatch.setattr(sources, "MAX_RECORD_BYTES", 500)
    monkeypatch.setattr(sources, "MAX_DOCUMENT_BYTES", 500)
    big = json.dumps({"id": "big", "text": "x" * 2000}).encode() + b"\n"
    good = json.dumps({"id": "ok", "text": TRUCKS}).encode() + b"\n"
    items = list(iter_documents(["-"], stdin=io.BytesIO(big + good)))
    assert [i.id for i in items] == ["stdin:1", "ok"]
    assert "record too large" in items[0].reason  # type: ignore[union-attr]


# -- files -----------------------------------------------------------------------------------------


def test_utf16_with_a_bom_is_text_not_binary(tmp_path: Path) -> None:
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        data = TRUCKS.encode(codec)
        if codec == "utf-16-be":
            data = b"\xfe\xff" + data
        assert decode(data) == (TRUCKS, None), codec
    (tmp_path / "a.txt").write_bytes(TRUCKS.encode("utf-16"))
    (item,) = iter_documents([str(tmp_path / "a.txt")])
    assert isinstance(item, Document) and item.text == TRUCKS
    assert decode(b"plain\x00binary")[1] == "binary file (contains NUL bytes), not text"


def test_devices_and_fifos_are_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    jsonl_fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(jsonl_fifo)
    started = time.monotonic()
    items = list(iter_documents(["/dev/zero", str(fifo), str(jsonl_fifo)]))
    assert time.monotonic() - started < 2  # no open() of a FIFO without a writer: no block
    assert [i.reason for i in items] == [  # type: ignore[union-attr]
        "not a regular file (a device); pipe it to stdin with - instead",
        "not a regular file (a FIFO); pipe it to stdin with - instead",
        "not a regular file (a FIFO); pipe it to stdin with - instead",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_subfolder_is_reported_and_fails_with_strict(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TRUCKS)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(TRUCKS)
    locked.chmod(0)
    try:
        items = list(iter_documents([str(tmp_path)]))
        assert [(i.id, getattr(i, "reason", None)) for i in items] == [
            (str(locked), "cannot read folder: Permission denied"), (str(tmp_path / "a.txt"), None)]
        result = invoke("scan", str(tmp_path), "--strict", "-q", "--jobs", "1")
        assert result.exit_code == 3
    finally:
        locked.chmod(0o755)


def test_a_subfolder_that_cannot_be_listed_is_reported_even_as_root(tmp_path: Path) -> None:
    # a path longer than the system allows cannot be listed, whoever asks (PATH_MAX is 4096)
    (tmp_path / "a.txt").write_text(TRUCKS)
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(20):
            os.mkdir("d" * 250, dir_fd=fd)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    items = list(iter_documents([str(tmp_path)]))
    reasons = [getattr(i, "reason", None) for i in items]
    assert reasons == ["cannot read folder: File name too long", None]
    assert invoke("scan", str(tmp_path), "--strict", "-q", "--jobs", "1").exit_code == 3
    assert invoke("scan", str(tmp_path), "-q", "--jobs", "1").exit_code == 0


# -- the per-document guard -----------------------------------------------------------------------


def test_a_document_that_raises_is_a_skipped_result_and_the_run_goes_on(ruleset: RuleSet
                                                                        ) -> None:
    docs = [Document(id="good-1", text=TRUCKS),
            Document(id="bad", text="Trucks \ud800 to North Korea."),  # cannot be encoded
            Document(id="good-2", text=TRUCKS)]
    results = list(Scanner(ruleset).scan_all(docs))
    assert [r.id for r in results] == ["good-1", "bad", "good-2"]
    assert results[0].findings and results[2].findings
    assert results[1].skipped is not None
    assert results[1].skipped.startswith("internal error while scanning: UnicodeEncodeError")


@pytest.mark.skipif(not can_time_limit(), reason="needs setitimer in the main thread")
def test_time_limit_stops_a_runaway_and_restores_the_outer_one() -> None:
    def spin(doc: Document) -> DocumentResult:
        while True:
            pass

    started = time.monotonic()
    with time_limit(5):
        result = scan_guarded(spin, Document(id="slow", text="x"), 0.05)
        assert result.skipped == ("scan stopped: took longer than 0.05 s (the per-document "
                                  "budget, --doc-timeout)")
        import signal

        assert 4 < signal.getitimer(signal.ITIMER_REAL)[0] <= 5  # the outer limit is back
    assert time.monotonic() - started < 1


def _spin(doc: Document) -> DocumentResult:
    while True:
        pass


def _spin_guarded(budget: float) -> str | None:
    return scan_guarded(_spin, Document(id="slow", text="x"), budget).skipped


@pytest.mark.skipif(not can_time_limit(), reason="needs setitimer in the main thread")
def test_a_forked_worker_gets_its_own_timer() -> None:
    import multiprocessing

    # a budget here leaves this process's timer pending (for 1 s from now); a forked child has
    # no timer, and one of its documents with a later deadline must still arm one
    assert scan_guarded(lambda d: DocumentResult(id=d.id), Document(id="a", text="x"),
                        1.0).skipped is None
    with multiprocessing.get_context("fork").Pool(1) as pool:
        reason = pool.apply_async(_spin_guarded, (1.2,)).get(timeout=10)
    assert reason is not None and "took longer than 1.2 s" in reason


def test_without_the_main_thread_the_scan_runs_unlimited_but_isolated() -> None:
    out: list[DocumentResult] = []

    def slow(doc: Document) -> DocumentResult:
        time.sleep(0.05)
        return DocumentResult(id=doc.id)

    def boom(doc: Document) -> DocumentResult:
        raise RecursionError("too deep")

    def work() -> None:
        out.append(scan_guarded(slow, Document(id="a", text="x"), 0.001))
        out.append(scan_guarded(boom, Document(id="b", text="x"), 0.001))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert out[0].skipped is None
    assert out[1].skipped == "internal error while scanning: RecursionError: too deep"


@pytest.mark.skipif(not can_time_limit(), reason="needs setitimer in the main thread")
def test_doc_timeout_reaches_the_scanner_and_the_worker_processes(ruleset: RuleSet) -> None:
    docs = [Document(id=f"d{i}", text=TRUCKS * 20) for i in range(5)]
    in_process = list(Scanner(ruleset, doc_timeout=1e-6).scan_all(docs[:1]))
    assert "--doc-timeout" in (in_process[0].skipped or "")
    workers = list(scan_documents(docs, ruleset, jobs=2, chunk_size=1, doc_timeout=1e-6))
    assert [r.id for r in workers] == [d.id for d in docs]
    assert all("--doc-timeout" in (r.skipped or "") for r in workers)
    normal = list(scan_documents(docs, ruleset, jobs=2, chunk_size=1, doc_timeout=30))
    assert all(r.skipped is None and r.findings for r in normal)


@pytest.mark.skipif(not can_time_limit(), reason="needs setitimer in the main thread")
def test_scan_cli_reports_an_overrun_document_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TRUCKS)
    result = invoke("scan", str(tmp_path / "a.txt"), "--doc-timeout", "0.000001", "-f", "json",
                    "--strict", "--jobs", "1")
    assert result.exit_code == 3
    (doc,) = json.loads(result.stdout)["documents"]
    assert "--doc-timeout" in doc["skipped"]


# -- rule and list YAML ---------------------------------------------------------------------------


def _alias_bomb() -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi"):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    return text


@pytest.mark.parametrize(("text", "line", "message"), [
    (_alias_bomb(), None, "aliases expand to more than 10000 extra nodes"),
    ("x: &v 1\n" + "".join(f"k{i}: *v\n" for i in range(MAX_ALIASES + 1)), MAX_ALIASES + 2,
     f"more than {MAX_ALIASES} aliases"),
    ("rules: " + "[" * 1000 + "]" * 1000 + "\n", 1, "nested more than 100 levels deep"),
    ("".join("  " * i + f"k{i}:\n" for i in range(1000)) + "  " * 1000 + "v\n", 100,
     "nested more than 100 levels deep"),
    ("id: " + "1" * 5000 + "\n", 1, "cannot read the value"),
])
def test_hostile_yaml_is_a_file_line_error_at_once(tmp_path: Path, text: str, line: int | None,
                                                   message: str) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(text)
    started = time.monotonic()
    with pytest.raises(RuleFileError) as error:
        load_yaml(path)
    assert time.monotonic() - started < 2
    assert message in error.value.message
    if line is not None:
        assert str(error.value).startswith(f"{path}:{line}: ")


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {hs: ['8703']}\none: *b\ntwo: *b\n")
    assert load_yaml(path).data == {"base": {"hs": ["8703"]}, "one": {"hs": ["8703"]},
                                    "two": {"hs": ["8703"]}}


def test_an_alias_bomb_in_a_rule_folder_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "regimes").mkdir()
    (tmp_path / "regimes" / "bomb.yaml").write_text(_alias_bomb())
    (tmp_path / "a.txt").write_text(TRUCKS)
    result = invoke("scan", str(tmp_path / "a.txt"), "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'regimes' / 'bomb.yaml'}:" in result.stderr
    assert "alias bomb" in result.stderr


# -- the feed state ---------------------------------------------------------------------------------


def test_a_full_disk_under_the_state_is_named(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        pages = state._db.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own limit on the file's size: writing past it is SQLITE_FULL, exactly what
        # a full disk gives
        state._db.execute(f"PRAGMA max_page_count={pages + 1}")
        rows = [SeenEntry("feed", f"entry-{i}", "sha256:" + "0" * 64 * 8) for i in range(500)]
        with pytest.raises(StateError, match="the disk is full"):
            state.commit(rows)
        assert state.entry_count() == 0  # all or nothing


def test_a_second_run_on_the_same_state_waits_then_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with State.open(path):
        started = time.monotonic()
        with pytest.raises(StateError, match="in use by another sanctionscan feed run"):
            State.open(path, lock_timeout=0.2)
        assert 0.2 <= time.monotonic() - started < 2
    with State.open(path, lock_timeout=0.2) as state:  # released on close
        assert state.entry_count() == 0


def test_a_run_waits_for_another_process_holding_the_state(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from sanctionscan.state import State\n"
         f"state = State.open(__import__('pathlib').Path({str(path)!r}))\n"
         "print('locked', flush=True); time.sleep(0.3); state.close()"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with State.open(path, lock_timeout=10) as state:  # waits for the other run to end
            assert state.entry_count() == 0
        assert time.monotonic() - started >= 0.1
    finally:
        holder.wait(10)


def test_a_fifo_in_place_of_the_lock_or_a_local_feed_is_refused(tmp_path: Path) -> None:
    from sanctionscan.fetch import FetchError, read_local

    os.mkfifo(tmp_path / "s.sqlite.lock")
    with pytest.raises(StateError, match="cannot open the state"):  # at once: no hang
        State.open(tmp_path / "s.sqlite")
    os.mkfifo(tmp_path / "feed.xml")
    with pytest.raises(FetchError, match="not a regular file"):
        read_local(tmp_path / "feed.xml", 1000)


# -- lists import --------------------------------------------------------------------------------

BAD_RECORDS = ("<CONSOLIDATED_LIST dateGenerated='2026-01-01'><INDIVIDUALS>"
               "<INDIVIDUAL><DATAID>1</DATAID></INDIVIDUAL>"
               "<INDIVIDUAL><DATAID>2</DATAID></INDIVIDUAL>"
               "</INDIVIDUALS></CONSOLIDATED_LIST>")
ONE_GOOD = BAD_RECORDS.replace(
    "<INDIVIDUAL><DATAID>2</DATAID></INDIVIDUAL>",
    "<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>TEST</SECOND_NAME>"
    "<REFERENCE_NUMBER>KPi.900</REFERENCE_NUMBER><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
    "</INDIVIDUAL>")


def test_an_import_where_every_record_is_bad_writes_nothing(tmp_path: Path) -> None:
    xml = tmp_path / "list.xml"
    xml.write_text(BAD_RECORDS)
    out = tmp_path / "out.yaml"
    result = invoke("lists", "import", str(xml), "--out", str(out))
    assert result.exit_code == 3
    assert not out.exists()
    assert "left as it was" in result.stderr


def test_strict_import_checks_before_writing(tmp_path: Path) -> None:
    xml = tmp_path / "list.xml"
    xml.write_text(ONE_GOOD)
    out = tmp_path / "out.yaml"
    out.write_text("previous list\n")
    strict = invoke("lists", "import", str(xml), "--out", str(out), "--strict")
    assert strict.exit_code == 3 and out.read_text() == "previous list\n"
    lenient = invoke("lists", "import", str(xml), "--out", str(out))
    assert lenient.exit_code == 0 and "KPi.900" in out.read_text()


def test_an_html_page_in_utf16_with_a_bom_is_decoded() -> None:
    from sanctionscan.htmltext import decode_html

    page = f"<html><body><p>{TRUCKS}</p></body></html>".encode("utf-16")
    assert TRUCKS in decode_html(page, "text/html; charset=utf-8")  # the mark outranks the label


def test_the_text_report_keeps_only_the_texts_it_shows() -> None:
    from sanctionscan.cli.scan_cmd import _drop_texts_without_findings

    texts = {"quiet": "nothing here", "flagged": TRUCKS}
    results = iter([DocumentResult(id="quiet"), DocumentResult(id="flagged", findings=[
        _a_finding()])])
    assert [r.id for r in _drop_texts_without_findings(results, texts)] == ["quiet", "flagged"]
    assert texts == {"flagged": TRUCKS}


def _a_finding() -> Any:
    (result,) = Scanner(load_ruleset()).scan_all([Document(id="flagged", text=TRUCKS)])
    return result.findings[0]


def test_a_file_name_that_is_not_utf8_is_scanned_and_reported(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    for suffix in (b".txt", b".jsonl"):
        with open(os.path.join(folder, b"caf\xe9" + suffix), "w") as handle:
            handle.write(TRUCKS if suffix == b".txt" else json.dumps({"text": TRUCKS}) + "\n")
    result = invoke("scan", str(tmp_path), "-f", "json", "--jobs", "1", "-q")
    assert result.exit_code == 0
    docs = json.loads(result.stdout)["documents"]
    assert [d["id"] for d in docs] == [f"{tmp_path}/caf\\udce9.jsonl:1", f"{tmp_path}/caf\\udce9.txt"]
    assert all(d["skipped"] is None and d["findings"] for d in docs)


def test_scan_clears_temporary_reports_a_killed_scan_left(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TRUCKS)
    stale = tmp_path / ".r.json.x1.tmp"
    stale.write_text("{half")
    os.utime(stale, (time.time() - 600, time.time() - 600))
    assert invoke("scan", str(tmp_path / "a.txt"), "-f", "json", "-o", str(tmp_path / "r.json"),
                  "-q", "--jobs", "1").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "r.json"]
