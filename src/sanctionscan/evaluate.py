"""Scoring a report against a labelled corpus: the numbers analysts and CI track.

The arithmetic follows the project's reference scorer exactly (document- and (document,
category)-level precision/recall/F1, specificity on negatives, evidence hit rate), so
`sanctionscan eval` and that scorer agree on the same report. On top, every miss and false alarm
comes with the sentence that caused it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctionscan.models import Document, Report


class Label(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    category: str
    evidence: str


class LabelledDocument(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    text: str
    expect_flag: bool
    labels: list[Label] = Field(default_factory=list)
    published: str | None = None
    line: int = Field(default=0, exclude=True)  # where it is in the corpus file (1-based)


class CorpusError(ValueError):
    """A corpus line that is not a labelled document; names the file and the line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = path, line


def read_corpus(path: Path) -> Iterator[LabelledDocument]:
    """Labelled documents, each stamped with its line in the file (`LabelledDocument.line`);
    a bad line raises `CorpusError` naming `file:line` and what is wrong with it."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = LabelledDocument.model_validate_json(line)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'line'}: {e['msg']}"
                    for e in exc.errors())
                raise CorpusError(path, number, problems) from exc
            yield item.model_copy(update={"line": number})


def as_document(item: LabelledDocument) -> Document:
    from sanctionscan.sources import _parse_date
    return Document(id=item.id, text=item.text, source="corpus",
                    published=_parse_date(item.published))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class ErrorCase:
    kind: str  # "miss", "false alarm", "missed category", "extra category"
    document: str
    category: str | None
    sentence: str
    line: int = 0  # the document's line in the corpus file


@dataclass
class Score:
    documents: int = 0
    doc_tp: int = 0
    doc_fp: int = 0
    doc_fn: int = 0
    doc_tn: int = 0
    pair_tp: int = 0
    pair_fp: int = 0
    pair_fn: int = 0
    evidence_hit: int = 0
    evidence_total: int = 0
    per_category: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    errors: list[ErrorCase] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        dp, dr, df = _prf(self.doc_tp, self.doc_fp, self.doc_fn)
        cp, cr, cf = _prf(self.pair_tp, self.pair_fp, self.pair_fn)
        negatives = self.doc_tn + self.doc_fp
        return {
            "documents": self.documents,
            "doc_precision": round(dp, 3), "doc_recall": round(dr, 3), "doc_f1": round(df, 3),
            "specificity": round(self.doc_tn / negatives, 3) if negatives else 1.0,
            "cat_precision": round(cp, 3), "cat_recall": round(cr, 3), "cat_f1": round(cf, 3),
            "evidence_hit": round(self.evidence_hit / self.evidence_total, 3)
            if self.evidence_total else 0.0,
            "per_category": {c: dict(zip(("tp", "fp", "fn"), v, strict=True))
                             for c, v in sorted(self.per_category.items())},
            "errors": [e.__dict__ for e in self.errors],
        }

    def line(self) -> str:
        s = self.summary()
        return (f"doc P={s['doc_precision']:.2f} R={s['doc_recall']:.2f} F1={s['doc_f1']:.2f} "
                f"specificity={s['specificity']:.2f} | category P={s['cat_precision']:.2f} "
                f"R={s['cat_recall']:.2f} F1={s['cat_f1']:.2f} | "
                f"evidence hit={s['evidence_hit']:.2f}")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _sentence_at(text: str, offset: int) -> str:
    start = max(text.rfind(". ", 0, offset) + 2, text.rfind("\n", 0, offset) + 1, 0)
    ends = [i for i in (text.find(". ", offset), text.find("\n", offset)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[start:end].split())[:300]


def score(corpus: list[LabelledDocument], report: Report) -> Score:
    findings = {d.id: d.findings for d in report.documents}
    result = Score(documents=len(corpus))
    for item in corpus:
        found = findings.get(item.id, [])
        flagged = bool(found)
        if item.expect_flag and flagged:
            result.doc_tp += 1
        elif item.expect_flag:
            result.doc_fn += 1
        elif flagged:
            result.doc_fp += 1
        else:
            result.doc_tn += 1
        gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for label in item.labels:
            start = item.text.find(label.evidence)
            gold[label.category].append((start, start + len(label.evidence)))
        predicted: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for f in found:
            predicted[f.category].extend((e.start, e.end) for e in f.evidence)
        for category in sorted(set(gold) | set(predicted)):
            if category in gold and category in predicted:
                result.pair_tp += 1
                result.per_category[category][0] += 1
                result.evidence_total += 1
                if any(_overlaps(g, p) for g in gold[category] for p in predicted[category]):
                    result.evidence_hit += 1
                else:
                    result.errors.append(ErrorCase(
                        "evidence elsewhere", item.id, category,
                        _sentence_at(item.text, predicted[category][0][0]), item.line))
            elif category in predicted:
                result.pair_fp += 1
                result.per_category[category][1] += 1
                result.errors.append(ErrorCase(
                    "false alarm", item.id, category,
                    _sentence_at(item.text, predicted[category][0][0]), item.line))
            else:
                result.pair_fn += 1
                result.per_category[category][2] += 1
                start = gold[category][0][0]
                result.errors.append(ErrorCase(
                    "miss", item.id, category,
                    _sentence_at(item.text, start) if start >= 0 else "(evidence not in text)",
                    item.line))
    return result


def load_report(path: Path) -> Report:
    return Report.model_validate(json.loads(path.read_text(encoding="utf-8")))


# `--fail-under` names: the summary's headline numbers, all between 0 and 1
METRICS: tuple[str, ...] = ("doc_precision", "doc_recall", "doc_f1", "specificity",
                            "cat_precision", "cat_recall", "cat_f1", "evidence_hit")


def parse_threshold(text: str) -> tuple[str, float]:
    """`METRIC=VALUE` (e.g. `cat_f1=0.8`) as a pair; ValueError in words, with a "did you
    mean" for a misspelt metric."""
    import difflib

    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise ValueError(f"{text!r} is not METRIC=VALUE (e.g. cat_f1=0.8)")
    if name not in METRICS:
        close = difflib.get_close_matches(name, METRICS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"no metric {name!r}{hint} (known: {', '.join(METRICS)})")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number (in {text!r})") from None
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} is between 0 and 1, not {number}")
    return name, number


def below(summary: dict[str, Any], thresholds: list[tuple[str, float]]) -> list[str]:
    """The thresholds the summary does not reach, each as a sentence."""
    return [f"{name} {summary[name]:.3f} is below {floor:.3f}"
            for name, floor in thresholds if summary[name] < floor]
