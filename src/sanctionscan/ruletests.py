"""The rule-example harness: every rule's `examples` run through the real scanner.

Shared by `sanctionscan rules test`, `rules validate` and pytest (tests/test_rule_examples.py),
so a rule author sees the same verdict everywhere. A `flag` example passes when the scan of its
text yields a finding of that rule and the finding's evidence covers every `evidence` word; a
`no_flag` example passes when no finding of that rule appears. Findings of other rules never
decide a case: an example tests its own rule only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from sanctionscan.engine import Scanner
from sanctionscan.errors import RuleFileError
from sanctionscan.models import Document, Finding
from sanctionscan.ruleset import LoadedRule, RuleSet
from sanctionscan.schema import Example
from sanctionscan.yamlfile import YamlDoc, load_yaml

CaseKind = Literal["flag", "no_flag"]


@dataclass(frozen=True)
class ExampleCase:
    """One example of one rule, with where it is written."""

    rule_id: str
    kind: CaseKind
    index: int
    text: str
    published: date | None
    evidence: tuple[str, ...]
    note: str | None
    file: str
    line: int

    @property
    def id(self) -> str:
        """Stable test id: `UN-KP-VEH-001-flag-0`, `UN-KP-VEH-001-no_flag-1`."""
        return f"{self.rule_id}-{self.kind}-{self.index}"

    @property
    def where(self) -> str:
        return f"{_display(self.file)}:{self.line}"


@dataclass(frozen=True)
class CaseResult:
    case: ExampleCase
    passed: bool
    message: str = ""
    findings: tuple[Finding, ...] = ()


@dataclass
class RuleSummary:
    rule_id: str
    file: str
    line: int
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results)


def _display(file: str) -> str:
    """A path as an author would type it: relative to the working folder when inside it, with
    the packaged rules' symlink resolved (rules/regimes/x.yaml, not .../data/rules/...)."""
    path = Path(file).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _case_lines(loaded: LoadedRule, docs: dict[str, YamlDoc | None]) -> YamlDoc | None:
    if loaded.file not in docs:
        try:
            docs[loaded.file] = load_yaml(Path(loaded.file))
        except RuleFileError:  # the file loaded once already; lines are a nicety here
            docs[loaded.file] = None
    return docs[loaded.file]


def _rule_index(doc: YamlDoc | None, rule_id: str) -> int | None:
    if doc is None or not isinstance(doc.data, dict):
        return None
    for i, raw in enumerate(doc.data.get("rules") or []):
        if isinstance(raw, dict) and raw.get("id") == rule_id:
            return i
    return None


def collect_cases(ruleset: RuleSet, rule_ids: Iterable[str] | None = None) -> list[ExampleCase]:
    """Every example of every rule (or of the rules named), in rule-set order."""
    wanted = set(rule_ids) if rule_ids is not None else None
    docs: dict[str, YamlDoc | None] = {}
    cases: list[ExampleCase] = []
    for loaded in ruleset.rules:
        rule = loaded.rule
        if wanted is not None and rule.id not in wanted:
            continue
        doc = _case_lines(loaded, docs)
        index = _rule_index(doc, rule.id)
        for kind in ("flag", "no_flag"):
            items = getattr(rule.examples, kind)
            for j, item in enumerate(items):
                ex = item if isinstance(item, Example) else Example(text=item)
                line = loaded.line
                if doc is not None and index is not None:
                    line = doc.line_of(("rules", index, "examples", kind, j))
                cases.append(ExampleCase(
                    rule_id=rule.id, kind=kind, index=j, text=ex.text, published=ex.published,
                    evidence=tuple(ex.evidence), note=ex.note, file=loaded.file, line=line,
                ))
    return cases


def _covered(text: str, word: str, finding: Finding) -> bool:
    """True when some occurrence of `word` in the text lies inside the finding's evidence.

    Spaces and punctuation between two evidence spans count as covered, so "North Korean
    workers" is covered by the spans "North Korean" and "workers".
    """
    covered = [False] * len(text)
    for e in finding.evidence:
        for i in range(max(0, e.start), min(len(text), e.end)):
            covered[i] = True
    low, needle = text.lower(), word.lower()
    start = low.find(needle)
    while start != -1:
        end = start + len(needle)
        if all(covered[i] or not text[i].isalnum() for i in range(start, end)) and any(
                covered[start:end]):
            return True
        start = low.find(needle, start + 1)
    return False


def run_case(scanner: Scanner, case: ExampleCase) -> CaseResult:
    """Scan one example with `scanner` (a `sanctionscan.engine.Scanner`) and judge it."""
    doc = Document(id=f"example:{case.id}", text=case.text, source="rule-example",
                   published=case.published)
    try:
        result = scanner.scan_document(doc)
    except Exception as exc:
        return CaseResult(case, False, f"scanner raised {type(exc).__name__}: {exc}")
    own = tuple(f for f in result.findings if f.rule_id == case.rule_id)
    others = sorted({f.rule_id for f in result.findings if f.rule_id != case.rule_id})
    seen = f" (other rules found: {', '.join(others)})" if others else ""
    if case.kind == "no_flag":
        if own:
            f = own[0]
            return CaseResult(case, False,
                              f"expected no finding, got {f.status.value} {f.direction.value} "
                              f"'{f.goods.text}' target {f.target}", own)
        return CaseResult(case, True, "", own)
    if not own:
        return CaseResult(case, False, f"expected a finding of {case.rule_id}, got none{seen}")
    missing = [w for w in case.evidence
               if not any(_covered(case.text, w, f) for f in own)]
    if missing:
        got = "; ".join(", ".join(repr(e.text) for e in f.evidence) for f in own)
        return CaseResult(case, False,
                          f"evidence does not cover {', '.join(map(repr, missing))} (got {got})",
                          own)
    return CaseResult(case, True, "", own)


def iter_results(ruleset: RuleSet, rule_ids: Iterable[str] | None = None,
                 scanner: Scanner | None = None) -> Iterator[CaseResult]:
    if scanner is None:
        scanner = Scanner(ruleset)
    for case in collect_cases(ruleset, rule_ids):
        yield run_case(scanner, case)


def run_examples(ruleset: RuleSet, rule_ids: Iterable[str] | None = None,
                 scanner: Scanner | None = None) -> list[RuleSummary]:
    """Run the examples and group the verdicts per rule (rules without examples included)."""
    wanted = set(rule_ids) if rule_ids is not None else None
    summaries: dict[str, RuleSummary] = {}
    for loaded in ruleset.rules:
        if wanted is None or loaded.rule.id in wanted:
            summaries[loaded.rule.id] = RuleSummary(loaded.rule.id, loaded.file, loaded.line)
    for result in iter_results(ruleset, rule_ids, scanner):
        summaries[result.case.rule_id].results.append(result)
    return list(summaries.values())


def cases_in(cases: Iterable[ExampleCase], folders: Iterable[Path]) -> list[ExampleCase]:
    """The cases written in files under `folders` (a user's own rule folders), so their tests
    run the user's rules without re-running every shipped example."""
    roots = [Path(f).resolve() for f in folders]
    return [c for c in cases
            if any(Path(c.file).resolve().is_relative_to(root) for root in roots)]
