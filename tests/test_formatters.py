"""Every report format, on hand-built reports: exhaustive over the registry, SARIF against the
2.1.0 schema, and the `--format/--output` pairing shared by `scan` and `feed`."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from feedkit import TEXT_A, make_report
from sanctionscan.cli.output import pair_outputs, write_outputs
from sanctionscan.errors import UsageError
from sanctionscan.formatters import FORMATTERS, RenderOptions, get_formatter
from sanctionscan.models import DocumentResult, Report, RulesetInfo, ToolInfo

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def render(name: str, report: Report, texts: dict[str, str] | None = None) -> str:
    return get_formatter(name)(report, RenderOptions(texts=texts or {}))


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_renders_a_report(name: str) -> None:
    report, texts = make_report()
    out = render(name, report, texts)
    assert out.endswith("\n")
    # every format names the finding's rule and shows the skipped feed
    assert "dprk-vehicles-01" in out
    assert "broken.xml" in out


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_renders_an_empty_report(name: str) -> None:
    report = Report(tool=ToolInfo(version="0.1.0"), ruleset=RulesetInfo(digest="sha256:x", rules=0),
                    documents=[])  # fmt: skip
    assert render(name, report)


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_survives_missing_texts(name: str) -> None:
    report, _ = make_report()
    assert "dprk-vehicles-01" in render(name, report, {})


def test_unknown_format_suggests_the_close_one() -> None:
    with pytest.raises(UsageError, match="did you mean 'sarif'"):
        get_formatter("sarf")


# -- SARIF -------------------------------------------------------------------------------------


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    report, texts = make_report()
    sarif = json.loads(render("sarif", report, texts))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema, cls=jsonschema.Draft4Validator)
    empty = Report(tool=ToolInfo(version="0"), ruleset=RulesetInfo(digest="d", rules=0),
                   documents=[])  # fmt: skip
    jsonschema.validate(json.loads(render("sarif", empty)), schema, cls=jsonschema.Draft4Validator)


def test_sarif_results_carry_basis_offsets_and_suppressions() -> None:
    report, texts = make_report()
    run = json.loads(render("sarif", report, texts))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert "UNSCR 2397" in rules["dprk-vehicles-01"]["help"]["text"]
    first, second = run["results"]
    location = first["locations"][0]["physicalLocation"]
    # code scanning rejects locations whose scheme is not the checkout's (file:): the article's
    # address is a relative path there, the full URL beside it
    assert location["artifactLocation"] == {"uri": "example.org/a",
                                            "properties": {"url": "https://example.org/a"}}
    assert "(https://example.org/a)" in first["message"]["text"]
    region = location["region"]
    snippet = TEXT_A[region["charOffset"] : region["charOffset"] + region["charLength"]]
    assert snippet == region["snippet"]["text"]
    assert "Russia delivered 40 trucks to North Korea" in snippet
    assert run["columnKind"] == "unicodeCodePoints"
    assert "suppressions" not in first
    assert first["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "example.org/copy-of-a"
    )
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
            for loc in r["locations"] + r.get("relatedLocations", [])]
    uris += [a["location"]["uri"] for a in run.get("artifacts", [])]
    assert all(":" not in uri for uri in uris), uris  # no scheme anywhere (tag: ids too)
    assert second["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Known 2019 incident, already reported",
            "properties": {"reviewer": "analyst@example.org"},
        }
    ]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "malformed XML" in notes[0]["message"]["text"]


# -- JUnit, JSON Lines, Markdown, HTML ----------------------------------------------------------


def test_junit_has_one_test_case_per_document() -> None:
    report, texts = make_report()
    root = ET.fromstring(render("junit", report, texts))
    cases = root.findall(".//testcase")
    assert len(cases) == len(report.documents)
    assert root.get("failures") == "1"  # the suppressed finding does not fail its case
    assert root.get("errors") == "1"  # the broken feed
    failing = [c for c in cases if c.find("failure") is not None]
    assert failing[0].get("name") == "Trucks cross the border <again>"


def test_junit_drops_characters_xml_cannot_carry() -> None:
    report, _ = make_report()
    doc = report.documents[2].model_copy(update={"title": "bell\x07 and nul\x00"})
    report = report.model_copy(update={"documents": [doc]})
    ET.fromstring(render("junit", report))


def test_jsonl_lines_stand_alone() -> None:
    report, texts = make_report()
    records = [json.loads(line) for line in render("jsonl", report, texts).splitlines()]
    assert [r["type"] for r in records] == ["run", "finding", "finding", "skipped", "summary"]
    assert records[0]["summary"]["suppressed"] == 1
    assert records[-1] == {"type": "summary", **records[0]["summary"]}
    assert records[1]["document"]["url"] == "https://example.org/a"
    assert records[1]["articles"] == 2
    assert records[2]["suppression"]["justification"].startswith("Known 2019")


def test_markdown_is_a_compliance_report() -> None:
    report, texts = make_report()
    out = render("markdown", report, texts)
    assert "| # | Severity | Category | Status | Review | Article | Sources |" in out
    assert "[Trucks cross the border \\<again\\>](https://example.org/a)" in out
    assert "> **Russia** **delivered** 40 **trucks** to **North Korea** in March 2024" in out
    assert "UNSCR 2397" in out
    assert "**Suppressed** by analyst@example.org: Known 2019 incident" in out
    assert "malformed XML" in out
    assert "Input hashes" in out


def test_html_is_self_contained_and_escapes_article_text() -> None:
    report, texts = make_report()
    out = render("html", report, texts)
    assert "Content-Security-Policy" in out
    assert "<link" not in out and 'src="http' not in out  # nothing loaded from elsewhere
    assert '<mark class="goods" data-f="f1" title="goods">trucks</mark>' in out
    assert "The &lt;b&gt;convoy&lt;/b&gt; crossed the Tumen bridge &amp; was" in out
    assert 'data-category="yemen.arms"' in out and 'data-review="suppressed"' in out
    assert '<option value="dprk.vehicles">' in out


def test_html_neutralises_a_hostile_title() -> None:
    report, texts = make_report()
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    doc = report.documents[0].model_copy(update={"title": hostile, "url": "javascript:alert(3)"})
    report = report.model_copy(update={"documents": [doc]})
    out = render("html", report, texts)
    assert "<script>alert(1)" not in out and "<img src=x" not in out
    assert 'href="javascript:' not in out


# -- several outputs in one run -----------------------------------------------------------------


def test_pairs_follow_order_and_extensions() -> None:
    pairs = pair_outputs(["sarif", "html"], [Path("a.sarif"), Path("b.html"), Path("c.md")])
    assert pairs == [("sarif", Path("a.sarif")), ("html", Path("b.html")),
                     ("markdown", Path("c.md"))]  # fmt: skip
    assert pair_outputs([], []) == [("text", None)]
    assert pair_outputs(["json"], [], default_format="text") == [("json", None)]


def test_pairs_follow_what_the_files_say() -> None:
    html, md, sarif, txt = Path("r.html"), Path("r.md"), Path("r.sarif"), Path("r.txt")
    # files listed first, the format for stdout last: click cannot see the interleaving
    assert pair_outputs(["text"], [html, md]) == [("html", html), ("markdown", md), ("text", None)]
    assert pair_outputs(["html", "sarif"], [sarif, html]) == [("sarif", sarif), ("html", html)]
    assert pair_outputs(["jsonl"], [Path("r.json")]) == [("jsonl", Path("r.json"))]
    assert pair_outputs(["json", "sarif"], [txt, Path("out")]) == [("json", txt),
                                                                   ("sarif", Path("out"))]  # fmt: skip
    assert pair_outputs([], [txt]) == [("text", txt)]


def test_pairs_refuse_ambiguity() -> None:
    with pytest.raises(UsageError, match="stdout"):
        pair_outputs(["json", "sarif"], [])
    with pytest.raises(UsageError, match="extension"):
        pair_outputs([], [Path("report.bin")])
    with pytest.raises(UsageError, match="stdout"):
        pair_outputs(["text", "json"], [Path("r.html")])
    with pytest.raises(UsageError, match="did you mean"):
        pair_outputs(["markdwn"], [])


def test_write_outputs_writes_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, texts = make_report()
    pairs = [("sarif", tmp_path / "out" / "r.sarif"), ("junit", tmp_path / "r.xml"),
             ("jsonl", None)]  # fmt: skip
    write_outputs(report, pairs, texts)
    assert json.loads((tmp_path / "out" / "r.sarif").read_text())["version"] == "2.1.0"
    ET.parse(tmp_path / "r.xml")
    assert capsys.readouterr().out.startswith('{"type":"run"')
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary files left behind


def test_every_extension_names_a_registered_format() -> None:
    from sanctionscan.cli.output import EXTENSION_FORMATS

    assert set(EXTENSION_FORMATS.values()) <= set(FORMATTERS)


def test_document_without_findings_is_listed_in_junit_only_as_passing() -> None:
    report, texts = make_report()
    quiet = [
        d for d in report.documents if isinstance(d, DocumentResult) and d.title == "Quiet day"
    ]
    root = ET.fromstring(render("junit", report.model_copy(update={"documents": quiet}), texts))
    case = root.find(".//testcase")
    assert case is not None and len(case.findall("failure")) == 0
