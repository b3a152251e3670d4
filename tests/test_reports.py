"""Reports an analyst can read: the text report (sentences, line:column, listed parties,
explanations, baseline verdicts, colour rules, escaped control characters), Markdown and HTML
escaping, the HTML review tools, and the progress line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit import TEXT_A, make_finding, make_report
from sanctionscan.cli import cli
from sanctionscan.cli.common import progress, progress_line
from sanctionscan.cli.output import use_color
from sanctionscan.formatters import RenderOptions, get_formatter
from sanctionscan.models import Report

ESC = "\x1b"
HOSTILE = "Evil\x1b]0;pwned\x07title\x1b[2J\u202eexe.txt"


def render(name: str, report: Report, texts: dict[str, str] | None = None,
           color: bool = False) -> str:
    return get_formatter(name)(report, RenderOptions(texts=texts or {}, color=color))


def test_text_report_quotes_the_sentence_with_line_and_column() -> None:
    report, texts = make_report()
    out = render("text", report, texts)
    # the evidence sentence, its key words marked, located by line:column (line 3 of TEXT_A)
    assert ("3:1 > [Russia] [delivered] 40 [trucks] to [North Korea] in March 2024, customs "
            "records show.") in out
    assert "at 3:1" in out and "goods 'trucks' 3:" in out
    assert "suppressed by baseline by analyst@example.org: Known 2019 incident" in out
    assert ESC not in out


def test_text_report_names_listed_parties_and_why_a_baseline_stopped_applying() -> None:
    listed = ("listed entity KPe.001 'Green Pine Associated Corporation' (DPRK) matched as "
              "'Green Pine' via alias 'Green Pine' (good), similarity 100 >= 90")
    finding = make_finding(target="KPe.001").model_copy(update={"explanation": [
        listed, "asserted transfer 'delivered' of 'trucks'",
        "baseline does not apply: changed since review: status alleged -> asserted"]})
    report, texts = make_report()
    doc = report.documents[0].model_copy(update={"findings": [finding]})
    out = render("text", report.model_copy(update={"documents": [doc]}), texts)
    assert "listed entity: Green Pine Associated Corporation (KPe.001), in the text as " \
           "'Green Pine'" in out
    assert "-> KPe.001 (Green Pine Associated Corporation)" in out
    assert "      - asserted transfer 'delivered' of 'trucks'" in out
    assert "baseline no longer applies: changed since review: status alleged -> asserted" in out


def test_document_fields_cannot_drive_the_terminal() -> None:
    report, texts = make_report()
    doc = report.documents[0].model_copy(update={"title": HOSTILE, "id": "id\x1b[31m",
                                                 "url": "https://x/\x9b2J"})
    finding = doc.findings[0].model_copy(update={"rule_id": "R\x1b[8m", "title": "t\x07"})
    doc = doc.model_copy(update={"findings": [finding]})
    hostile = report.model_copy(update={"documents": [doc]})
    texts = {"id\x1b[31m": TEXT_A}
    for color in (False, True):
        out = render("text", hostile, texts, color=color)
        # the only ESC bytes left are rich's own SGR colour codes
        assert "\x07" not in out and "\x9b" not in out and "\u202e" not in out
        assert not re.search(r"\x1b(?!\[[0-9;]*m)", out)
        assert "\\x1b]0;pwned\\x07title\\x1b[2J\\u202eexe.txt" in out
        assert "R\\x1b[8m" in out and "id\\x1b[31m" in out
    assert ESC not in render("text", hostile, texts, color=False)


def test_colour_only_when_asked_and_never_with_no_color(
        monkeypatch: pytest.MonkeyPatch) -> None:
    report, texts = make_report()
    coloured = render("text", report, texts, color=True)
    assert "\x1b[" in coloured and "[trucks]" not in coloured  # colour marks the words
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)

    class Tty:
        def isatty(self) -> bool:
            return True

    assert use_color("auto", Tty()) is True
    assert use_color("auto", object()) is False
    assert use_color("never", Tty()) is False and use_color("always", object()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Tty()) is False


def test_scan_color_option(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Russia delivered 40 heavy trucks to North Korea in March 2024.\n")
    always = CliRunner().invoke(cli, ["scan", str(article), "-q", "--color", "always"])
    never = CliRunner().invoke(cli, ["scan", str(article), "-q", "--color", "never"])
    auto = CliRunner().invoke(cli, ["scan", str(article), "-q"])  # not a terminal
    assert "\x1b[" in always.stdout
    assert "\x1b[" not in never.stdout and "\x1b[" not in auto.stdout
    assert "trucks]" in never.stdout and "at 1:1" in never.stdout


def test_markdown_escapes_every_field_and_urls_cannot_open_html() -> None:
    report, texts = make_report()
    url = "https://example.org/a\n\t<img src=x onerror=alert(1)>)"
    doc = report.documents[0].model_copy(update={"url": url, "title": "T *bold* & <i>"})
    out = render("markdown", report.model_copy(update={"documents": [doc]}), texts)
    assert "<img" not in out and "onerror=alert(1)>" not in out
    assert "(https://example.org/a%0A%09%3Cimg%20src=x%20onerror=alert%281%29%3E%29)" in out
    assert "T \\*bold\\* \\& \\<i\\>" in out
    doc = doc.model_copy(update={"url": "javascript:alert(1)", "title": HOSTILE})
    out = render("markdown", report.model_copy(update={"documents": [doc]}), texts)
    assert "](javascript:" not in out and ESC not in out and "\x07" not in out


def test_html_has_summary_table_sorting_search_confidence_and_places() -> None:
    report, texts = make_report()
    out = render("html", report, texts)
    assert '<table id="summary-table">' in out
    assert out.count("<tr data-for=") == 2 and '<a href="#f1">' in out
    assert 'th data-sort="num">Confidence' in out  # sortable columns
    assert 'id="search"' in out and 'type="range" name="confidence"' in out
    assert 'data-confidence="0.9"' in out
    # the card links to the anchor just before the finding's first evidence in the article
    assert 'href="#f1-at">show in article</a>' in out
    assert re.search(r'<a class="anchor" id="f1-at"></a><mark class="counterparty" '
                     r'data-f="f1"[^>]*>Russia</mark>', out)


def test_html_template_escapes_what_documents_provide() -> None:
    report, texts = make_report()
    doc = report.documents[0].model_copy(update={
        "title": "</script><script>alert(1)</script>", "url": "https://x/\"><img src=x>",
        "source": "<b>src</b>"})
    out = render("html", report.model_copy(update={"documents": [doc]}), texts)
    assert "<script>alert(1)" not in out and "<img src=x>" not in out and "<b>src" not in out
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in out


def test_progress_line_counts_rate_and_eta() -> None:
    assert progress_line(1200, 5000, 4.0) == (
        "sanctionscan: 1,200 of 5,000 document(s) scanned (300/s, about 13 s left)")
    assert progress_line(50, None, 2.0) == "sanctionscan: 50 document(s) scanned (25/s)"
    assert "about 3 min 20 s left" in progress_line(100, 1100, 20.0)


def test_progress_goes_to_stderr_only_with_verbose_off_a_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    ticks = iter(range(0, 100, 3))

    def clock() -> float:
        return float(next(ticks))

    assert list(progress(range(4), quiet=False, total=4, clock=clock)) == [0, 1, 2, 3]
    assert capsys.readouterr().err == ""  # stderr is not a terminal here
    ticks = iter(range(0, 100, 3))
    list(progress(range(4), quiet=False, total=4, verbose=True, clock=clock))
    err = capsys.readouterr().err
    assert "1 of 4 document(s) scanned" in err and "left)" in err
    ticks = iter(range(0, 100, 3))
    list(progress(range(4), quiet=True, total=4, verbose=True, clock=clock))
    assert capsys.readouterr().err == ""


def test_skipped_names_on_stderr_are_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "ok", "text": "Russia delivered 40 trucks to North Korea."}\n'
                      '{"id": "bad\\u001b]0;owned\\u0007", "text": 5}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(corpus)])
    assert "skipped bad\\x1b]0;owned\\x07: " in result.stderr and "\x1b" not in result.stderr
