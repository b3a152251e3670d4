"""Parallel scanning: same results in the same order as one process, input read as a stream,
and JSON Lines output that is streamed yet byte-identical to the formatter's."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from sanctionscan.cli import cli
from sanctionscan.engine import Scanner
from sanctionscan.models import Document, SkippedDocument
from sanctionscan.parallel import IN_FLIGHT_PER_WORKER, default_jobs, scan_documents
from sanctionscan.ruleset import RuleSet, default_rules_dir
from sanctionscan.sources import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled_articles.jsonl"

EVENTS = [
    "Russia delivered 40 heavy trucks to North Korea in March 2024.",
    "The vessel carried Iranian missile parts to the Houthis, the panel said.",
    "Officials said the talks would resume next week.",
    "China shipped luxury cars to Pyongyang despite the sanctions.",
    "The weather in Geneva was mild on Tuesday.",
]


def _items() -> list[Document | SkippedDocument]:
    items: list[Document | SkippedDocument] = list(read_jsonl(LABELLED))
    items.insert(5, SkippedDocument(id="broken", source="broken", reason="binary file"))
    items.append(SkippedDocument(id="last", source="last", reason="too large"))
    return items


def _dump(results: object) -> list[dict[str, object]]:
    return [r.model_dump(mode="json") for r in results]  # type: ignore[attr-defined]


def test_pool_gives_the_same_results_in_the_same_order(ruleset: RuleSet) -> None:
    items = _items()
    expected = _dump(Scanner(ruleset, min_confidence=0.3).scan_all(items))
    got = _dump(scan_documents(items, ruleset, jobs=2, min_confidence=0.3, chunk_size=3))
    assert got == expected
    assert [r["id"] for r in got] == [i.id for i in items]
    assert any(r["findings"] for r in got) and any(r["skipped"] for r in got)


def test_small_inputs_and_one_job_stay_in_process(ruleset: RuleSet) -> None:
    items = _items()[:4]
    expected = _dump(Scanner(ruleset).scan_all(items))
    assert _dump(scan_documents(items, ruleset, jobs=1)) == expected
    assert _dump(scan_documents(items, ruleset, jobs=2)) == expected  # fewer than 2 chunks/job
    assert _dump(scan_documents([], ruleset, jobs=2)) == []
    assert default_jobs() >= 1


def test_input_is_read_as_a_stream(ruleset: RuleSet) -> None:
    pulled = 0

    def documents() -> Iterator[Document]:
        nonlocal pulled
        for i in range(400):
            pulled += 1
            yield Document(id=f"d{i}", text=EVENTS[i % len(EVENTS)])

    jobs, chunk = 2, 4
    results = scan_documents(documents(), ruleset, jobs=jobs, chunk_size=chunk)
    first = next(results)
    assert first.id == "d0"
    # only the chunks in flight have been read, not the whole input
    assert pulled <= (jobs * IN_FLIGHT_PER_WORKER + 2) * chunk
    rest = list(results)
    assert [r.id for r in rest] == [f"d{i}" for i in range(1, 400)]
    assert pulled == 400


def _corpus(tmp_path: Path, n: int = 150) -> Path:
    # a private copy of the rules, so runs compared with each other use the same files
    shutil.copytree(default_rules_dir(), tmp_path / "rules", dirs_exist_ok=True)
    path = tmp_path / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = " ".join(EVENTS[(i + k) % len(EVENTS)] for k in range(3))
            handle.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
        handle.write("{not json\n")
    return path


def _run(*args: str) -> str:
    rules = Path(args[1]).parent / "rules"
    result = CliRunner().invoke(cli, [*args, "--no-default-rules", "--rules", str(rules)],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_cli_jobs_output_is_identical(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    one = _run("scan", str(corpus), "-f", "json", "-q", "--jobs", "1")
    two = _run("scan", str(corpus), "-f", "json", "-q", "--jobs", "2")
    assert one == two
    report = json.loads(one)
    assert len(report["documents"]) == 151
    assert sum(len(d["findings"]) for d in report["documents"]) > 0


def test_streamed_jsonl_is_byte_identical_to_the_formatter(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    # jsonl together with another format: the whole report is built and rendered at once
    batch, whole = tmp_path / "batch.jsonl", tmp_path / "whole.json"
    _run("scan", str(corpus), "-f", "jsonl", "-f", "json", "-o", str(batch), "-o", str(whole),
         "-q", "--jobs", "2")
    # jsonl alone: streamed document by document
    streamed = tmp_path / "streamed.jsonl"
    _run("scan", str(corpus), "-f", "jsonl", "-o", str(streamed), "-q", "--jobs", "2")
    assert streamed.read_bytes() == batch.read_bytes()
    lines = [json.loads(line) for line in streamed.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run"
    assert lines[0]["summary"]["documents"] == 151 and lines[0]["summary"]["skipped"] == 1
    assert lines[-2]["type"] == "skipped"  # the bad last line of the input
    assert lines[-1] == {"type": "summary", **lines[0]["summary"]}
    # to stdout the lines go out as documents finish, so the run line cannot hold the totals
    piped = _run("scan", str(corpus), "-f", "jsonl", "-q", "--jobs", "1").splitlines(True)
    batch_lines = batch.read_text(encoding="utf-8").splitlines(True)
    assert piped[1:] == batch_lines[1:]
    # nor the hashes of inputs not read yet: the manifest there lists none
    manifest = {**lines[0]["manifest"], "inputs": []}
    assert json.loads(piped[0]) == {**lines[0], "summary": None, "manifest": manifest}
    assert len(lines[0]["manifest"]["inputs"]) == 150


def test_jsonl_reaches_stdout_before_the_run_ends(tmp_path: Path) -> None:
    """A pipe reading `sanctionscan scan -f jsonl` sees each finding while later documents
    are still being read."""
    corpus = _corpus(tmp_path, n=40)
    rules = tmp_path / "rules"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctionscan", "scan", "-", "-f", "jsonl", "-q", "--jobs", "1",
         "--no-default-rules", "--rules", str(rules)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    arrived: queue.Queue[bytes] = queue.Queue()
    reader = threading.Thread(target=lambda: [arrived.put(line) for line in proc.stdout],
                              daemon=True)
    reader.start()
    lines = corpus.read_bytes().splitlines(True)[:40]
    try:
        for line in lines[:10]:
            proc.stdin.write(line)
        proc.stdin.flush()
        # stdin is still open: what arrives now was written before the end of the run
        first = json.loads(arrived.get(timeout=60))
        assert first["type"] == "run" and first["summary"] is None
        assert json.loads(arrived.get(timeout=60))["type"] == "finding"
        for line in lines[10:]:
            proc.stdin.write(line)
    finally:
        proc.stdin.close()
    proc.wait(timeout=60)
    reader.join(timeout=10)
    rest = [json.loads(arrived.get_nowait()) for _ in range(arrived.qsize())]
    assert rest[-1]["type"] == "summary" and rest[-1]["documents"] == 40


def test_fail_on_works_when_streaming(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, n=3)
    result = CliRunner().invoke(cli, ["scan", str(corpus), "-f", "jsonl", "-q", "--fail-on",
                                      "low"])
    assert result.exit_code == 1
    quiet = CliRunner().invoke(cli, ["scan", str(corpus), "-f", "jsonl", "-q"])
    assert quiet.exit_code == 0


def test_scheduler_needs_the_dask_executor(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, n=1)
    result = CliRunner().invoke(cli, ["scan", str(corpus), "--scheduler", "tcp://x:8786"])
    assert result.exit_code == 2 and "--executor dask" in result.output
