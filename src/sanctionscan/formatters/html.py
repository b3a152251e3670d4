"""HTML: one self-contained page (no external CSS, JS or fonts) for reviewing a run.

It shows the summary counts, a summary table of every finding (click a column to sort), a
filter bar (category, status, review state, severity, a confidence floor and a text search),
and per document its findings as cards (rule, goods, parties, legal basis, evidence sentence,
a link to the evidence's place in the article) followed by the article text with every
evidence span highlighted by role. Filtering hides cards and rows and un-highlights the
evidence of hidden findings; a URL fragment such as `#category=yemen.arms&review=open` (also
`confidence=0.5`, `q=words`) presets the filters.

The page is a jinja2 template (templates/report.html.j2) rendered with autoescaping, so every
value from an article, a feed or a file is escaped by default; a restrictive Content Security
Policy keeps a hostile article from running anything even if escaping were ever missed.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import jinja2

from sanctionscan.formatters import RenderOptions
from sanctionscan.formatters._evidence import (
    Segment,
    evidence_window,
    highlight_segments,
    review_state,
    summarize,
    text_is_usable,
)
from sanctionscan.models import Finding, Report

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STYLE = """
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dee7; --bg:#f6f7f9; --card:#fff;
  --goods:#ffe08a; --target:#ffb3b3; --counterparty:#b8d8ff; --action:#c8f0c0; --cue:#e6ccff;
  --basis:#d5d5d5; --listed:#ffc98a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0; padding: 24px; }
main { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 0 0 6px; }
.muted { color: var(--muted); } a { color: #1558b0; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 16px; min-width: 120px; } .stat b { display: block; font-size: 22px; }
.filters { position: sticky; top: 0; background: var(--bg); padding: 10px 0; z-index: 2;
  display: flex; gap: 14px; flex-wrap: wrap; border-bottom: 1px solid var(--line); }
.filters label { font-size: 13px; color: var(--muted); }
.filters select { margin-left: 4px; font: inherit; }
.doc { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 20px; margin: 18px 0; }
.finding { border-left: 5px solid #999; background: #fbfbfc; padding: 10px 14px; margin: 12px 0;
  border-radius: 6px; }
.finding.sev-high { border-color: #c62828; } .finding.sev-medium { border-color: #ef8f00; }
.finding.sev-low { border-color: #6d8fb3; } .finding.suppressed { opacity: .75; }
.badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
  background: #eceff4; margin-right: 4px; }
.badge.high { background: #c62828; color: #fff; } .badge.medium { background: #ef8f00; color:#fff; }
.badge.low { background: #6d8fb3; color: #fff; } .badge.suppressed { background: #777; color:#fff; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dt { color: var(--muted); } dd { margin: 0; }
blockquote { margin: 8px 0; padding: 6px 12px; background: #fff; border: 1px solid var(--line);
  border-radius: 6px; }
.article { white-space: pre-wrap; line-height: 1.6; max-height: 28em; overflow: auto;
  border-top: 1px dashed var(--line); padding-top: 8px; }
mark { border-radius: 3px; padding: 0 1px; color: inherit; }
mark.goods { background: var(--goods); } mark.target { background: var(--target); }
mark.counterparty { background: var(--counterparty); } mark.action { background: var(--action); }
mark.cue { background: var(--cue); } mark.basis { background: var(--basis); }
mark.listed { background: var(--listed); }
mark.dim { background: transparent; }
.legend mark { margin-right: 6px; }
.hidden { display: none !important; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; font-size: 14px; }
code { font-size: 12px; }
#summary-table th { cursor: pointer; user-select: none; }
#summary-table th.asc::after { content: " ▲"; } #summary-table th.desc::after { content: " ▼"; }
.filters input[type=search] { font: inherit; margin-left: 4px; }
a.place { font-size: 13px; margin-left: 6px; }
a.anchor { scroll-margin-top: 70px; }
:target + mark { outline: 2px solid #1558b0; }
"""

SCRIPT = """
(function () {
  var selects = document.querySelectorAll('.filters select');
  var search = document.getElementById('search');
  var range = document.getElementById('confidence');
  var rangeValue = document.getElementById('confidence-value');
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var floor = parseFloat(range.value) || 0;
    rangeValue.textContent = floor.toFixed(2);
    var visible = {};
    document.querySelectorAll('.finding').forEach(function (card) {
      var ok = Object.keys(want).every(function (k) {
        return want[k] === '' || card.dataset[k] === want[k];
      });
      ok = ok && parseFloat(card.dataset.confidence) >= floor - 1e-9;
      if (ok && words.length) {
        var hay = card.textContent.toLowerCase();
        ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
      }
      card.classList.toggle('hidden', !ok);
      if (ok) { visible[card.id] = true; }
    });
    var filtering = floor > 0 || words.length > 0 ||
      Object.keys(want).some(function (k) { return want[k] !== ''; });
    document.querySelectorAll('.doc').forEach(function (doc) {
      if (!doc.querySelector('.finding')) { return; }
      var any = doc.querySelector('.finding:not(.hidden)') !== null;
      doc.classList.toggle('hidden', filtering && !any);
    });
    document.querySelectorAll('#summary-table tbody tr').forEach(function (row) {
      row.classList.toggle('hidden', !visible[row.dataset.for]);
    });
    document.querySelectorAll('.article mark').forEach(function (m) {
      var ids = (m.dataset.f || '').split(' ');
      m.classList.toggle('dim', !ids.some(function (i) { return visible[i]; }));
    });
    var shown = document.querySelectorAll('.finding:not(.hidden)').length;
    document.getElementById('shown').textContent = shown;
  }
  // click a summary column to sort by it (again to reverse)
  document.querySelectorAll('#summary-table th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = th.closest('table').tBodies[0];
      var asc = !th.classList.contains('asc');
      th.parentNode.querySelectorAll('th').forEach(function (h) {
        h.classList.remove('asc', 'desc');
      });
      th.classList.add(asc ? 'asc' : 'desc');
      var kind = th.dataset.sort;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var u = x.dataset.value || x.textContent, v = y.dataset.value || y.textContent;
        var r = (kind === 'text') ? u.localeCompare(v) : parseFloat(u) - parseFloat(v);
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  // "#category=dprk.vehicles&review=open&confidence=0.5&q=limousine" presets the filters
  new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) {
    selects.forEach(function (s) { if (s.name === key) { s.value = value; } });
    if (key === 'confidence') { range.value = value; }
    if (key === 'q') { search.value = value; }
  });
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  range.addEventListener('input', apply);
  search.addEventListener('input', apply);
  apply();
})();
"""

LEGEND = ("goods", "target", "counterparty", "action", "cue")


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sanctionscan.formatters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    return env.get_template("report.html.j2")


def _safe_href(url: str | None) -> str | None:
    """Only web addresses become links (never javascript:, data: or a path)."""
    if url and url.strip().startswith(("http://", "https://")):
        return url.strip()
    return None


@dataclass(frozen=True)
class _Piece:
    text: str
    role: str | None = None
    ids: str = ""
    anchors: tuple[str, ...] = ()  # "f3-at": where finding f3's evidence starts


def _article_pieces(text: str, findings: list[tuple[str, Finding]]) -> list[_Piece]:
    """The article cut at every evidence boundary; a marked piece knows which findings it
    supports, and the piece where a finding's evidence starts carries its anchor."""
    spans = [
        (e.start, e.end, e.role, fid)
        for fid, f in findings
        for e in f.key_evidence
        if 0 <= e.start < e.end <= len(text)
    ]
    first: dict[str, int] = {}
    for start, _end, _role, fid in spans:
        first[fid] = min(first.get(fid, start), start)
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    pieces: list[_Piece] = []
    for a, b in pairwise(cuts):
        anchors = tuple(f"{fid}-at" for fid, at in first.items() if at == a)
        covering = [(s, e, r, fid) for s, e, r, fid in spans if s <= a and b <= e]
        if not covering:
            pieces.append(_Piece(text[a:b], anchors=anchors))
            continue
        role = min(covering, key=lambda c: (c[0], -(c[1] - c[0])))[2]
        ids = " ".join(dict.fromkeys(c[3] for c in covering))
        pieces.append(_Piece(text[a:b], role, ids, anchors))
    return pieces


def _sentence(finding: Finding, text: str | None) -> list[Segment]:
    if not text_is_usable(finding, text):
        out: list[Segment] = []
        for i, e in enumerate(finding.key_evidence):
            if i:
                out.append((" … ", None))
            out.append((e.text, e.role))
        return out
    assert text is not None
    window = evidence_window(finding, text)
    return [] if window is None else highlight_segments(text, finding.evidence, *window)


def _parties(finding: Finding) -> str:
    other = finding.counterparty or "?"
    if finding.direction.value == "to_target":
        return f"{other} → {finding.target}"
    if finding.direction.value == "from_target":
        return f"{finding.target} → {other}"
    return f"{finding.target} ↔ {other}"


def render(report: Report, options: RenderOptions) -> str:
    summary = summarize(report)
    findings = report.findings
    cards: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    for doc in report.documents:
        if doc.skipped is not None or not doc.findings:
            continue
        text = options.texts.get(doc.id)
        usable = text is not None and all(text_is_usable(f, text) for f in doc.findings)
        ids: list[tuple[str, Finding]] = []
        doc_cards = []
        for finding in doc.findings:
            fid = f"f{len(cards) + 1}"
            ids.append((fid, finding))
            card = {"fid": fid, "doc": doc, "finding": finding, "review": review_state(finding),
                    "severity_rank": finding.severity.rank, "parties": _parties(finding),
                    "sentence": _sentence(finding, text),
                    "in_article": usable and bool(finding.evidence)}
            cards.append(card)
            doc_cards.append(card)
        docs.append({"doc": doc, "href": _safe_href(doc.url), "cards": doc_cards,
                     "article": _article_pieces(text, ids) if usable and text else None})
    # machine-readable counts for scripts and tests; "<" escaped so no text can close the tag
    data = json.dumps({"findings": summary.findings, "suppressed": summary.suppressed})
    return _template().render(
        csp=CSP, style=STYLE, script=SCRIPT, report=report, summary=summary,
        selects=[("category", "Category", sorted({f.category for f in findings})),
                 ("status", "Status", sorted({f.status.value for f in findings})),
                 ("review", "Review", ["open", "suppressed"]),
                 ("severity", "Severity", ["high", "medium", "low"])],
        legend=LEGEND, cards=cards, docs=docs,
        clean=[{"doc": d, "href": _safe_href(d.url)} for d in report.documents
               if d.skipped is None and not d.findings],
        skipped=[d for d in report.documents if d.skipped is not None],
        data=data.replace("<", "\\u003c"),
    ) + "\n"
