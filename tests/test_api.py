"""The Python API: `sanctionscan.scan_text` and `sanctionscan.Engine` with the CLI's defaults."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import sanctionscan
from sanctionscan.cli import cli

EVENT = "Russia delivered 40 heavy trucks to North Korea in March 2024."
WEAK = "Trucks were reportedly seen near a port that may have links to North Korea."


def test_scan_text_finds_with_offsets_into_the_text() -> None:
    result = sanctionscan.scan_text(EVENT, id="a1")
    assert result.id == "a1"
    (finding,) = [f for f in result.findings if f.category == "dprk.vehicles"]
    assert finding.target == "KP" and finding.counterparty == "RU"
    for ev in finding.evidence:
        assert EVENT[ev.start:ev.end] == ev.text


def test_engine_has_the_cli_default_min_confidence(tmp_path: Path) -> None:
    engine = sanctionscan.Engine()
    assert engine.min_confidence == 0.3
    article = tmp_path / "a.txt"
    article.write_text(EVENT + "\n" + WEAK + "\n")
    report = engine.scan([article])
    cli_report = json.loads(CliRunner().invoke(cli, ["scan", str(article), "-q", "-f", "json",
                                                     "--jobs", "1"]).stdout)
    ours = [(f.rule_id, f.confidence) for f in report.findings]
    theirs = [(f["rule_id"], f["confidence"]) for d in cli_report["documents"]
              for f in d["findings"]]
    assert ours == theirs and ours
    assert report.manifest is not None and report.manifest.inputs[0].id == str(article)
    everything = sanctionscan.Engine(ruleset=engine.ruleset, min_confidence=0.0)
    assert len(everything.scan([article]).findings) >= len(ours)
