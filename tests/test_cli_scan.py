"""The scan command as a user runs it, in-process through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sanctionscan.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_3d0252c053af697a.txt"
EVENT = "Russia delivered 40 heavy trucks to North Korea in March 2024.\n"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_seed_acceptance_case() -> None:
    result = run("scan", str(SEED), "--format", "json", "--quiet")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1 and report["tool"]["name"] == "sanctionscan"
    text = SEED.read_text(encoding="utf-8")
    (doc,) = report["documents"]
    findings = doc["findings"]
    assert {f["category"] for f in findings} == {
        "dprk.vehicles", "dprk.luxury_goods", "dprk.arms"}
    for f in findings:
        for ev in f["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    aurus = [f for f in findings if f["counterparty"] == "RU" and f["direction"] == "to_target"]
    assert {f["category"] for f in aurus} == {"dprk.vehicles", "dprk.luxury_goods"}
    for f in aurus:
        assert f["status"] == "asserted" and f["direction"] == "to_target"
        words = {ev["text"] for ev in f["evidence"]}
        assert "limousine" in words and "Kim Jong Un" in words
        assert words & {"Putin", "Vladimir Putin", "Russian"}
        assert words & {"gave", "delivered", "gifts"}
    smuggled = [f for f in findings if f["counterparty"] is None]
    assert smuggled and all(f["status"] == "alleged" for f in smuggled)
    assert max(f["confidence"] for f in smuggled) < min(f["confidence"] for f in aurus)
    (arms,) = [f for f in findings if f["category"] == "dprk.arms"]
    assert arms["direction"] == "from_target" and arms["counterparty"] == "RU"
    assert arms["status"] == "alleged"
    # the sentence quoting the law and the special train produce nothing
    law = text.index("Security Council sanctions on North Korea prohibit")
    train = text.index("special train")
    for f in findings:
        for ev in f["evidence"]:
            assert not (law <= ev["start"] < law + 300)
            assert abs(ev["start"] - train) > 60


def test_stdin_and_min_confidence() -> None:
    result = run("scan", "-", "--format", "json", "-q", input=EVENT)
    assert json.loads(result.stdout)["documents"][0]["findings"]
    result = run("scan", "-", "--format", "json", "-q", "--min-confidence", "0.99", input=EVENT)
    assert json.loads(result.stdout)["documents"][0]["findings"] == []


def test_jsonl_input_with_a_bad_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": EVENT, "published": "2024-04-01"}) + "\n"
                   + "{not json\n" + json.dumps({"id": "b", "text": "Nothing here."}) + "\n")
    result = run("scan", str(src), "--format", "json", "-q")
    docs = {d["id"]: d for d in json.loads(result.stdout)["documents"]}
    assert docs["a"]["findings"] and docs["b"]["findings"] == []
    bad = [d for d in docs.values() if d["skipped"]]
    assert len(bad) == 1 and "invalid JSON" in bad[0]["skipped"] and bad[0]["id"].endswith(":2")


def test_exit_codes(tmp_path: Path) -> None:
    art = tmp_path / "a.txt"
    art.write_text(EVENT)
    assert run("scan", str(art), "-q").exit_code == 0
    assert run("scan", str(art), "-q", "--fail-on", "high").exit_code == 1
    calm = tmp_path / "calm.txt"
    calm.write_text("The weather in Seoul was mild.\n")
    assert run("scan", str(calm), "-q", "--fail-on", "low").exit_code == 0
    # a missing input is a usage error (2), as in ruff and Semgrep; no document at all is 3
    missing = run("scan", str(tmp_path / "missing.txt"), "-q")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("scan", str(empty), "-q").exit_code == 3
    assert run("scan", str(art), "--format", "nope").exit_code == 2


def test_rule_file_error_exits_2_with_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "extra" / "regimes"
    bad.mkdir(parents=True)
    (bad / "broken.yaml").write_text("regime: broken\ntitle: x\ntarget: [KP]\nrules:\n"
                                     "  - id: BROKEN-1\n    category: dprk.vehicles\n")
    art = tmp_path / "a.txt"
    art.write_text(EVENT)
    result = CliRunner().invoke(cli, ["scan", str(art), "--rules", str(tmp_path / "extra")])
    assert result.exit_code == 2
    assert f"{bad / 'broken.yaml'}:5:" in result.stderr


def test_binary_input_is_skipped_with_reason(tmp_path: Path) -> None:
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\x01\x02binary")
    ok = tmp_path / "ok.txt"
    ok.write_text(EVENT)
    result = run("scan", str(blob), str(ok), "--format", "json", "-q")
    docs = json.loads(result.stdout)["documents"]
    assert [d["skipped"] is not None for d in docs] == [True, False]
    assert run("scan", str(blob), str(ok), "-q", "--strict").exit_code == 3


def test_core_never_imports_click() -> None:
    import ast
    src = ROOT / "src" / "sanctionscan"
    for path in src.rglob("*.py"):
        if "cli" in path.relative_to(src).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "click" or n.startswith("click.") for n in names), path


def test_text_summary_counts_suppressed_findings() -> None:
    from sanctionscan.formatters import RenderOptions, get_formatter
    from sanctionscan.models import Suppression

    report_json = run("scan", "-", "--format", "json", "-q", input=EVENT).stdout
    from sanctionscan.models import Report
    report = Report.model_validate_json(report_json)
    doc = report.documents[0]
    quiet = doc.model_copy(update={"findings": [
        f.model_copy(update={"suppression": Suppression(justification="reviewed")})
        for f in doc.findings]})
    text = get_formatter("text")(report.model_copy(update={"documents": [quiet]}),
                                 RenderOptions())
    assert f"({len(doc.findings)} suppressed by the baseline)" in text
