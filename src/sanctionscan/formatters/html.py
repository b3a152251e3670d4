"""HTML: one self-contained page (no external CSS, JS or fonts) for reviewing a run.

It shows the summary, a filter bar (category, status, review state, severity), and per document
its findings as cards (rule, goods, parties, legal basis, evidence sentence) followed by the
article text with every evidence span highlighted by role. Filtering hides cards and un-highlights
the evidence of hidden findings; a URL fragment such as `#category=yemen.arms&review=open` presets
the filters. All article text is escaped, and a restrictive Content Security
Policy keeps a hostile article from running anything even if escaping were ever missed.
"""

from __future__ import annotations

import json
from html import escape
from itertools import pairwise

from sanctionscan.formatters import RenderOptions
from sanctionscan.formatters._evidence import (
    evidence_window,
    highlight_segments,
    review_state,
    summarize,
    text_is_usable,
)
from sanctionscan.models import DocumentResult, Finding, Report

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
"""

SCRIPT = """
(function () {
  var selects = document.querySelectorAll('.filters select');
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var visible = {};
    document.querySelectorAll('.finding').forEach(function (card) {
      var ok = Object.keys(want).every(function (k) {
        return want[k] === '' || card.dataset[k] === want[k];
      });
      card.classList.toggle('hidden', !ok);
      if (ok) { visible[card.id] = true; }
    });
    document.querySelectorAll('.doc').forEach(function (doc) {
      var any = doc.querySelector('.finding:not(.hidden)') !== null;
      var filtering = Object.keys(want).some(function (k) { return want[k] !== ''; });
      doc.classList.toggle('hidden', filtering && !any);
    });
    document.querySelectorAll('.article mark').forEach(function (m) {
      var ids = (m.dataset.f || '').split(' ');
      m.classList.toggle('dim', !ids.some(function (i) { return visible[i]; }));
    });
    var shown = document.querySelectorAll('.finding:not(.hidden)').length;
    document.getElementById('shown').textContent = shown;
  }
  // "#category=dprk.vehicles&review=open" preselects filters, so a link can share a view
  new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) {
    selects.forEach(function (s) { if (s.name === key) { s.value = value; } });
  });
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _safe_href(url: str | None) -> str | None:
    if url and url.startswith(("http://", "https://")):
        return _e(url)
    return None


def _link_or_text(doc: DocumentResult) -> str:
    href = _safe_href(doc.url)
    title = _e(doc.title or doc.id)
    return f'<a href="{href}" rel="noopener noreferrer">{title}</a>' if href else title


def _article_marks(text: str, findings: list[tuple[str, Finding]]) -> str:
    """The article with every evidence span marked; a mark knows which findings it supports."""
    spans = [
        (e.start, e.end, e.role, fid)
        for fid, f in findings
        for e in f.evidence
        if 0 <= e.start < e.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    parts: list[str] = []
    for a, b in pairwise(cuts):
        covering = [(s, e, r, fid) for s, e, r, fid in spans if s <= a and b <= e]
        piece = _e(text[a:b])
        if not covering:
            parts.append(piece)
            continue
        role = min(covering, key=lambda c: (c[0], -(c[1] - c[0])))[2]
        ids = " ".join(dict.fromkeys(c[3] for c in covering))
        parts.append(f'<mark class="{role}" data-f="{_e(ids)}" title="{_e(role)}">{piece}</mark>')
    return "".join(parts)


def _sentence(finding: Finding, text: str | None) -> str:
    if not text_is_usable(finding, text):
        return " … ".join(f'<mark class="{e.role}">{_e(e.text)}</mark>' for e in finding.evidence)
    assert text is not None
    window = evidence_window(finding, text)
    if window is None:
        return ""
    return "".join(
        _e(seg) if role is None else f'<mark class="{role}">{_e(seg)}</mark>'
        for seg, role in highlight_segments(text, finding.evidence, *window)
    )


def _parties(finding: Finding) -> str:
    other = _e(finding.counterparty or "?")
    target = _e(finding.target)
    if finding.direction.value == "to_target":
        return f"{other} → {target}"
    if finding.direction.value == "from_target":
        return f"{target} → {other}"
    return f"{target} ↔ {other}"


def _card(fid: str, doc: DocumentResult, finding: Finding, text: str | None) -> str:
    review = review_state(finding)
    badges = [
        f'<span class="badge {finding.severity.value}">{finding.severity.value}</span>',
        f'<span class="badge">{_e(finding.status.value)}</span>',
        f'<span class="badge">{_e(finding.category)}</span>',
    ]
    if finding.suppression is not None:
        badges.append('<span class="badge suppressed">suppressed</span>')
    goods = _e(finding.goods.text) + (
        f" <span class='muted'>(HS {_e(', '.join(finding.goods.hs))})</span>"
        if finding.goods.hs
        else ""
    )
    parties = _parties(finding)
    rows = [
        ("Rule", f"<code>{_e(finding.rule_id)}</code>"),
        ("Goods", goods),
        ("Parties", f"{parties} <span class='muted'>({_e(finding.direction.value)})</span>"),
        ("Legal basis", _e("; ".join(finding.basis) or "not stated")),
        ("Confidence", f"{finding.confidence:.2f}"),
        ("Articles", str(1 + len(finding.also_in))
         + (f" <span class='muted'>(also in {_e(', '.join(finding.also_in))})</span>"
            if finding.also_in else "")),
    ]  # fmt: skip
    if finding.suppression is not None:
        s = finding.suppression
        extra = (f" — {_e(s.reviewer)}" if s.reviewer else "") + (
            f", until {s.expires.isoformat()}" if s.expires else ""
        )
        rows.append(("Suppressed", _e(s.justification) + extra))
    rows.append(("Fingerprint", f"<code>{_e(finding.fingerprint)}</code>"))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    why = ""
    if finding.explanation:
        items = "".join(f"<li>{_e(x)}</li>" for x in finding.explanation)
        why = f"<details><summary>Why</summary><ul>{items}</ul></details>"
    return (
        f'<article class="finding sev-{finding.severity.value} {review}" id="{fid}" '
        f'data-category="{_e(finding.category)}" data-status="{_e(finding.status.value)}" '
        f'data-review="{review}" data-severity="{finding.severity.value}">'
        f"<div>{''.join(badges)} <strong>{_e(finding.title or finding.rule_id)}</strong></div>"
        f"<dl>{dl}</dl><blockquote class='evidence'>{_sentence(finding, text)}</blockquote>{why}"
        "</article>"
    )


def _select(name: str, label: str, values: list[str]) -> str:
    options = '<option value="">all</option>' + "".join(
        f'<option value="{_e(v)}">{_e(v)}</option>' for v in values
    )
    return f'<label>{label}<select name="{name}">{options}</select></label>'


def render(report: Report, options: RenderOptions) -> str:
    summary = summarize(report)
    findings = report.findings
    categories = sorted({f.category for f in findings})
    statuses = sorted({f.status.value for f in findings})
    body: list[str] = [
        "<header><h1>Sanctions screening report</h1>",
        f'<div class="muted">{_e(report.tool.name)} {_e(report.tool.version)} · rule set '
        f"<code>{_e(report.ruleset.digest)}</code> ({report.ruleset.rules} rules)"
        + (
            f" · started {_e(report.manifest.started)}"
            if report.manifest and report.manifest.started
            else ""
        )
        + "</div></header>",
        '<section class="summary">',
        f'<div class="stat"><b>{summary.active}</b>open findings</div>',
        f'<div class="stat"><b>{summary.suppressed}</b>suppressed</div>',
        f'<div class="stat"><b>{summary.by_severity["high"]}</b>high (open)</div>',
        f'<div class="stat"><b>{summary.scanned}</b>documents scanned</div>',
        f'<div class="stat"><b>{summary.skipped}</b>skipped</div>',
        f'<div class="stat"><b>{summary.articles}</b>supporting articles</div>',
        "</section>",
        '<nav class="filters">',
        _select("category", "Category", categories),
        _select("status", "Status", statuses),
        _select("review", "Review", ["open", "suppressed"]),
        _select("severity", "Severity", ["high", "medium", "low"]),
        '<span class="muted">showing <b id="shown">0</b> finding(s)</span>',
        '<span class="legend">'
        + "".join(
            f'<mark class="{r}">{r}</mark>'
            for r in ("goods", "target", "counterparty", "action", "cue")
        )
        + "</span></nav>",
    ]
    n = 0
    for doc in report.documents:
        if doc.skipped is not None or not doc.findings:
            continue
        text = options.texts.get(doc.id)
        ids: list[tuple[str, Finding]] = []
        cards: list[str] = []
        for finding in doc.findings:
            n += 1
            fid = f"f{n}"
            ids.append((fid, finding))
            cards.append(_card(fid, doc, finding, text))
        href = _safe_href(doc.url)
        title = _e(doc.title or doc.id)
        heading = f'<a href="{href}" rel="noopener noreferrer">{title}</a>' if href else title
        usable = text is not None and all(text_is_usable(f, text) for _, f in ids)
        article = (
            f'<details open><summary>Article text</summary><div class="article">'
            f"{_article_marks(text, ids)}</div></details>"
            if usable and text is not None
            else ""
        )
        body.append(
            f'<section class="doc"><h2>{heading}</h2>'
            f'<div class="muted"><code>{_e(doc.id)}</code> · {_e(doc.source)}</div>'
            f"{''.join(cards)}{article}</section>"
        )
    if n == 0:
        body.append('<section class="doc"><p>No findings.</p></section>')
    clean = [d for d in report.documents if d.skipped is None and not d.findings]
    if clean:
        items = "".join(
            f"<li>{_link_or_text(d)} <code class='muted'>{_e(d.id)}</code></li>" for d in clean
        )
        body.append(
            f'<section class="doc clean"><details><summary>{len(clean)} document(s) without '
            f"findings</summary><ul>{items}</ul></details></section>"
        )
    skipped = [d for d in report.documents if d.skipped is not None]
    if skipped:
        items = "".join(f"<li><code>{_e(d.id)}</code>: {_e(d.skipped)}</li>" for d in skipped)
        body.append(
            f'<section class="doc skipped"><h2>Skipped inputs</h2><ul>{items}</ul></section>'
        )
    if report.manifest is not None:
        m = report.manifest
        rows = "".join(
            f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in sorted(m.options.items())
        )
        inputs = "".join(
            f"<tr><td>{_e(i.id)}</td><td><code>{_e(i.sha256)}</code></td></tr>" for i in m.inputs
        )
        body.append(
            '<section class="doc"><details><summary>Run manifest</summary>'
            f"<p>tool {_e(m.tool_version)}, rule set <code>{_e(m.ruleset_digest)}</code></p>"
            f"<table><tr><th>option</th><th>value</th></tr>{rows}</table>"
            f"<table><tr><th>input</th><th>sha256</th></tr>{inputs}</table>"
            "</details></section>"
        )
    # machine-readable counts for scripts and tests; "<" escaped so no text can close the tag
    data = json.dumps({"findings": summary.findings, "suppressed": summary.suppressed})
    data = data.replace("<", "\\u003c")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>sanctionscan report</title>"
        f"<style>{STYLE}</style></head><body><main>"
        + "\n".join(body)
        + f'</main><script type="application/json" id="summary">{data}</script>'
        + f"<script>{SCRIPT}</script></body></html>\n"
    )
