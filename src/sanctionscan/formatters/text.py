"""The human report for a terminal: one block per finding, with the evidence sentence and its
key words marked, where it is (`line:column`), the parties (listed ones by name and list
reference), the explanation, and the baseline's verdict.

Colour (through rich) only when the caller asks for it (`RenderOptions.color`: the CLI decides
from `--color`, the terminal and NO_COLOR); without it the key words are marked `[like this]`.
Every field that comes from a document, a feed or a file (id, title, url, evidence, reasons) is
printed with its control characters escaped, so an article cannot move the cursor, retitle the
terminal or hide text with ESC/OSC sequences.
"""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.text import Text

from sanctionscan.formatters import RenderOptions
from sanctionscan.formatters._evidence import (
    evidence_sentences,
    highlight_segments,
    line_column,
    printable,
    summarize,
    text_is_usable,
)
from sanctionscan.models import DocumentResult, Finding, Report

_SEVERITY_STYLE = {"high": "bold red", "medium": "bold yellow", "low": "bold cyan"}
_ROLE_STYLE = {"goods": "bold yellow", "target": "bold red", "counterparty": "bold blue",
               "action": "bold green", "cue": "bold magenta", "basis": "bold",
               "listed": "bold red underline"}
_LISTED = re.compile(r"^listed (\w+) (\S+) '(.+?)' \((.*?)\) matched as '(.*?)'")
_BASELINE_NOTE = "baseline does not apply: "
_WS = re.compile(r"\s+")
_MAX_SENTENCES = 4  # evidence sentences quoted per finding; the evidence line names the rest


def _clean(text: str | None) -> str:
    return printable(_WS.sub(" ", text or "")).strip()


def render(report: Report, options: RenderOptions) -> str:
    lines: list[Text] = []
    for doc in report.documents:
        if doc.skipped:
            lines.append(Text(f"{_clean(doc.id)}: skipped: {_clean(doc.skipped)}"))
            continue
        if not doc.findings:
            continue
        lines.append(Text(f"== {_clean(doc.title or doc.id)}", style="bold"))
        if doc.title:
            lines.append(Text(f"   {_clean(doc.id)}"))
        if doc.url and doc.url != doc.id:
            lines.append(Text(f"   {_clean(doc.url)}", style="dim"))
        text = options.texts.get(doc.id)
        for finding in doc.findings:
            lines.extend(_finding(finding, doc, text, options.color))
        lines.append(Text(""))
    lines.append(Text(_summary(report)))
    return _to_string(lines, options.color)


def _summary(report: Report) -> str:
    s = summarize(report)
    flagged = sum(1 for d in report.documents if d.findings)
    line = (f"{s.findings} possible violation{'s' if s.findings != 1 else ''} in {flagged} of "
            f"{s.scanned} document{'s' if s.scanned != 1 else ''}")
    if s.suppressed:
        line += f" ({s.suppressed} suppressed by the baseline)"
    if s.skipped:
        line += f"; {s.skipped} skipped"
    return line + f" (rules {report.ruleset.digest[:19]}, {report.ruleset.rules} rules)"


def _listed(finding: Finding) -> list[tuple[str, str, str, str]]:
    """(type, reference, listed name, words in the text) of each listed party the finding's
    explanation names."""
    found = []
    for line in finding.explanation:
        match = _LISTED.match(line)
        if match:
            kind, ref, name, _regime, seen = match.groups()
            found.append((kind, ref, name, seen))
    return found


def _party(party: str | None, listed: dict[str, str]) -> str:
    if party is None:
        return "?"
    name = listed.get(party)
    return f"{_clean(party)} ({_clean(name)})" if name else _clean(party)


def _finding(f: Finding, doc: DocumentResult, text: str | None, color: bool) -> list[Text]:
    listed = _listed(f)
    names = {ref: name for _kind, ref, name, _seen in listed}
    target, counter = _party(f.target, names), _party(f.counterparty, names)
    flow = (f"{counter} -> {target}" if f.direction.value == "to_target"
            else f"{target} -> {counter}" if f.direction.value == "from_target"
            else f"{target} <-> {counter}")
    hs = f" HS {', '.join(f.goods.hs)}" if f.goods.hs else ""
    head = Text("  ")
    head.append(f"[{f.severity.value.upper()}] {f.category} ({_clean(f.rule_id)})",
                style=_SEVERITY_STYLE.get(f.severity.value, ""))
    head.append(f"  {_clean(f.title)}")
    usable = text_is_usable(f, text)
    where = ""
    if usable and f.key_evidence and text is not None:
        line, column = line_column(text, min(e.start for e in f.key_evidence))
        where = f"   at {line}:{column}"
    out = [
        head,
        Text(f"    goods: {_clean(f.goods.text)}{hs}   flow: {flow}   status: {f.status.value}"
             f"   confidence: {f.confidence:.2f}{where}"),
    ]
    if f.basis:
        out.append(Text(f"    basis: {_clean('; '.join(f.basis))}"))
    for kind, ref, name, seen in listed:
        out.append(Text(f"    listed {kind}: {_clean(name)} ({_clean(ref)}), in the text as "
                        f"'{_clean(seen)}'"))
    if usable and text is not None:
        sentences = evidence_sentences(f, text)
        for window in sentences[:_MAX_SENTENCES]:
            out.append(_sentence(f, text, window, color))
        if len(sentences) > _MAX_SENTENCES:
            out.append(Text(f"    > ... and {len(sentences) - _MAX_SENTENCES} more "
                            "sentence(s) with evidence", style="dim"))
        out.append(Text("    evidence: " + ", ".join(
            f"{e.role} '{_clean(e.text)}' {_at(text, e.start)}" for e in f.key_evidence),
            style="dim"))
    else:  # no text to quote (a saved report): the words and their offsets
        out.append(Text("    evidence: " + ", ".join(
            f"{e.role} '{_clean(e.text)}' [{e.start}:{e.end}]" for e in f.key_evidence)))
    reasons = [e for e in f.explanation if not e.startswith(_BASELINE_NOTE)]
    if reasons:
        out.append(Text("    why:"))
        out.extend(Text(f"      - {_clean(reason)}", style="dim") for reason in reasons)
    for note in f.explanation:
        if note.startswith(_BASELINE_NOTE):
            out.append(Text(f"    baseline no longer applies: "
                            f"{_clean(note[len(_BASELINE_NOTE):])}", style="bold"))
    if f.also_in:
        out.append(Text(f"    also in: {', '.join(_clean(a) for a in f.also_in)}"))
    if f.suppression is not None:
        s = f.suppression
        who = f" by {_clean(s.reviewer)}" if s.reviewer else ""
        until = f" until {s.expires.isoformat()}" if s.expires else ""
        out.append(Text(f"    suppressed by baseline{who}{until}: {_clean(s.justification)}"))
    return out


def _at(text: str, offset: int) -> str:
    line, column = line_column(text, offset)
    return f"{line}:{column}"


def _sentence(f: Finding, text: str, window: tuple[int, int], color: bool) -> Text:
    """One evidence sentence, whitespace folded, the evidence words marked by role (coloured,
    or in [brackets] without colour), prefixed with its `line:column`."""
    quoted = Text(f"    {_at(text, window[0])} > ")
    segments = highlight_segments(text, f.evidence, *window)
    for i, (segment, role) in enumerate(segments):
        piece = printable(_WS.sub(" ", segment))
        if i == 0:
            piece = piece.lstrip()
        if i == len(segments) - 1:
            piece = piece.rstrip()
        if role is None:
            quoted.append(piece)
        elif color:
            quoted.append(piece, style=_ROLE_STYLE.get(role, "bold"))
        else:
            quoted.append(f"[{piece}]")
    return quoted


def _to_string(lines: list[Text], color: bool) -> str:
    if not color:
        return "".join(line.plain + "\n" for line in lines)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=10_000,
                      highlight=False, markup=False, emoji=False, soft_wrap=True)
    for line in lines:
        console.print(line)
    return buffer.getvalue()
