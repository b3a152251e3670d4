"""JUnit XML: one test case per document, so any CI system shows the feed check as tests.

A document with open findings fails (one `<failure>` naming each finding); a skipped input is an
`<error>`; a document whose findings are all baselined passes, with the suppressions written to
its `system-out`. Test cases are grouped in one suite per source (feed).
"""

from __future__ import annotations

import re
from collections import defaultdict
from xml.etree import ElementTree as ET

from sanctionscan.formatters import RenderOptions
from sanctionscan.models import DocumentResult, Report

# XML 1.0 cannot carry most control characters; article text sometimes does.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _finding_line(doc: DocumentResult, index: int) -> str:
    f = doc.findings[index]
    hs = f" HS {', '.join(f.goods.hs)}" if f.goods.hs else ""
    parties = f.target + (f"/{f.counterparty}" if f.counterparty else "")
    evidence = " | ".join(e.text for e in f.key_evidence)
    basis = "; ".join(f.basis) or "-"
    return (
        f"[{f.severity.value}] {f.rule_id} {f.category} ({f.status.value}, "
        f"confidence {f.confidence:.2f}): {f.goods.text}{hs}, {parties}; "
        f"articles {1 + len(f.also_in)}; basis {basis}; evidence: {evidence}; "
        f"fingerprint {f.fingerprint}"
    )


def render(report: Report, options: RenderOptions) -> str:
    suites: dict[str, list[DocumentResult]] = defaultdict(list)
    for doc in report.documents:
        suites[doc.source or "documents"].append(doc)
    root = ET.Element("testsuites", name="sanctionscan")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for source, docs in suites.items():
        suite = ET.SubElement(root, "testsuite", name=_clean(source))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for doc in docs:
            counts["tests"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_clean(source),
                name=_clean(doc.title or doc.id),
            )
            ET.SubElement(case, "properties").extend(
                [
                    ET.Element("property", name="document", value=_clean(doc.id)),
                    *(
                        [ET.Element("property", name="url", value=_clean(doc.url))]
                        if doc.url
                        else []
                    ),
                ]
            )
            if doc.skipped is not None:
                counts["errors"] += 1
                error = ET.SubElement(case, "error", message=_clean(doc.skipped), type="skipped")
                error.text = _clean(doc.skipped)
                continue
            open_ = [i for i, f in enumerate(doc.findings) if f.suppression is None]
            closed = [i for i, f in enumerate(doc.findings) if f.suppression is not None]
            if open_:
                counts["failures"] += 1
                worst = max(doc.findings[i].severity.rank for i in open_)
                severity = {3: "high", 2: "medium", 1: "low"}[worst]
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=_clean(
                        f"{len(open_)} possible sanctions violation(s), worst {severity}"
                    ),
                    type=severity,
                )
                failure.text = _clean("\n".join(_finding_line(doc, i) for i in open_))
            if closed:
                out = ET.SubElement(case, "system-out")
                out.text = _clean(
                    "\n".join(
                        f"suppressed by baseline ({doc.findings[i].suppression.justification}): "  # type: ignore[union-attr]
                        + _finding_line(doc, i)
                        for i in closed
                    )
                )
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
