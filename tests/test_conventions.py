"""What every command shares: -h, the same report options, usage errors for missing inputs,
`feed --jobs`, a missing baseline on a first run, the run manifest on `scan` reports, and
`eval --fail-under` with errors that name the corpus line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sanctionscan.cli import cli
from test_feeds import rss

EVENT = "Russia delivered 40 heavy trucks to North Korea in March 2024."
CORPUS = Path(__file__).parent / "data" / "labelled_articles.jsonl"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", [
    [], ["scan"], ["feed"], ["eval"], ["rules"], ["rules", "validate"], ["rules", "test"],
    ["rules", "list"], ["rules", "schema"], ["lists", "import"], ["baseline", "create"],
])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    result = invoke(*command, "-h")
    assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("command", [
    ["scan"], ["feed"], ["eval"], ["rules", "validate"], ["rules", "test"], ["rules", "list"],
])
def test_the_same_options_on_every_command_that_reads_rules(command: list[str]) -> None:
    usage = invoke(*command, "--help").stdout
    for option in ("--rules", "-f, --format", "-o, --output", "-q, --quiet", "-v, --verbose"):
        assert option in usage, f"{' '.join(command)} lacks {option}"


def test_missing_inputs_are_usage_errors(tmp_path: Path) -> None:
    for args in (["scan", str(tmp_path / "nope.txt")],
                 ["feed", str(tmp_path / "nope.xml"), "--no-state"],
                 ["eval", str(tmp_path / "nope.jsonl")],
                 ["rules", "test", "--rules", str(tmp_path / "nope")]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "nope" in result.stderr


def test_feed_scans_with_jobs_like_scan_and_accepts_a_missing_baseline(tmp_path: Path) -> None:
    items = [(f"https://news.example/{i}", f"Item {i}", EVENT if i % 7 == 0 else
              f"The harbour authority opened ferry terminal number {i}.") for i in range(160)]
    feed = tmp_path / "wire.xml"
    feed.write_text(rss(items), encoding="utf-8")
    baseline = tmp_path / "sanctions-baseline.yaml"
    reports = []
    for jobs in ("1", "2"):
        out = tmp_path / f"feed-{jobs}.json"
        result = invoke("feed", str(feed), "--no-state", "--baseline", str(baseline),
                        "--fail-on", "none", "--jobs", jobs, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert f"baseline {baseline} not found: starting from an empty baseline" in result.stderr
        report = json.loads(out.read_text())
        report["manifest"] = None  # start time and the jobs option differ
        reports.append(report)
    assert reports[0] == reports[1]
    # 23 copies of one story: one finding, supported by every copy
    findings = [f for d in reports[0]["documents"] for f in d["findings"]]
    assert sum(1 + len(f["also_in"]) for f in findings) == 23 * len(findings)


def test_scan_reports_carry_the_run_manifest(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(EVENT)
    out, lines = tmp_path / "r.json", tmp_path / "r.jsonl"
    assert invoke("scan", str(article), "-q", "-o", str(out), "--fail-on", "high").exit_code == 1
    manifest = json.loads(out.read_text())["manifest"]
    assert manifest["options"]["command"] == "scan" and manifest["options"]["fail_on"] == "high"
    assert manifest["ruleset_digest"].startswith("sha256:") and manifest["started"] is None
    (record,) = manifest["inputs"]
    assert record["id"] == str(article) and record["sha256"].startswith("sha256:")
    assert invoke("scan", str(article), "-q", "-o", str(lines)).exit_code == 0
    run = json.loads(lines.read_text().splitlines()[0])
    assert run["type"] == "run" and run["manifest"]["inputs"] == manifest["inputs"]


def test_eval_fail_under_and_errors_that_name_the_corpus_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:3]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ok = invoke("eval", str(corpus), "-f", "json", "--fail-under", "doc_recall=0.0")
    assert ok.exit_code == 0, ok.output
    scores = json.loads(ok.stdout)
    assert all(e["where"].startswith(f"{corpus}:") for e in scores["errors"])
    failing = invoke("eval", str(corpus), "--fail-under", "specificity=1.0",
                     "--fail-under", "doc_f1=1.01")
    assert failing.exit_code == 2 and "between 0 and 1" in failing.stderr
    strict = invoke("eval", str(corpus), "--fail-under", "doc_precision=1.0",
                    "--fail-under", "evidence_hit=1.0", "--report", str(_empty_report(tmp_path)))
    assert strict.exit_code == 1 and "--fail-under: evidence_hit 0.000 is below" in strict.stderr
    typo = invoke("eval", str(corpus), "--fail-under", "cat_f2=0.5")
    assert typo.exit_code == 2 and "did you mean 'cat_f1'?" in typo.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text(lines[0] + "\n" + '{"id": "x", "text": "no label"}\n', encoding="utf-8")
    bad = invoke("eval", str(broken))
    assert bad.exit_code == 3 and f"{broken}:2: expect_flag: Field required" in bad.stderr


def _empty_report(tmp_path: Path) -> Path:
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"schema_version": 1, "tool": {"version": "0.1.0"},
                                "ruleset": {"digest": "sha256:x", "rules": 0},
                                "documents": []}))
    return path
