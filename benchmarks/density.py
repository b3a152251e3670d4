"""How sanctions-dense a corpus is: frames, party and goods mentions, findings per document.

    python benchmarks/density.py /work/shared/corpus/dev.jsonl
    python benchmarks/density.py corpus.jsonl --rules bench-rules --docs 300

A measuring tool for the benchmark corpora (gen_corpus.py --dense is tuned with it), not part
of the package. It reads sanctionscan's internals (extract, frames, text) read-only, in the
order `Scanner.scan_document` calls them, and counts two ways:
  * "read": what the scan itself makes: mentions in the sentences it chooses to read, and the
    frames assembled there (the work a scan does per document);
  * "whole": mentions found in the whole text, and frames assembled over every sentence.
Written against the engine of commit 0846023; when the core's internals change, only this
file's `_read_counts` / `_whole_counts` need following.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

from sanctionscan.analysis import DocumentAnalysis
from sanctionscan.dates import dateline
from sanctionscan.engine import Scanner
from sanctionscan.extract import find_mentions_folded
from sanctionscan.frames import assemble
from sanctionscan.lexicon import fold
from sanctionscan.models import Document
from sanctionscan.ruleset import RuleSet, default_rules_dir, load_ruleset
from sanctionscan.sources import read_jsonl
from sanctionscan.text import segment


class Counts(NamedTuple):
    frames: int
    parties: int
    goods: int
    actions: int


def _read_counts(ruleset: RuleSet, doc: Document) -> Counts:
    """What `Scanner.scan_document` builds for `doc`: its own analysis, then assembly."""
    analysis = Scanner(ruleset).analyse(doc)
    if analysis is None:
        return Counts(0, 0, 0, 0)
    mentions = analysis.mentions
    return Counts(len(assemble(analysis)), len(mentions.parties), len(mentions.goods),
                  len(mentions.actions))


def _whole_counts(ruleset: RuleSet, doc: Document) -> Counts:
    """Mentions anywhere in the text, frames over every sentence."""
    text = doc.text
    folded = fold(text)
    lexicon, lists = ruleset.lexicon, ruleset.list_matcher
    listed = list(lists.find(text)) if lists is not None else []
    mentions = find_mentions_folded(text, folded, lexicon, listed)
    analysis = DocumentAnalysis(
        text=text, folded=folded, lexicon=lexicon, sentences=segment(text),
        read=[(0, len(text))], mentions=mentions,
        published=doc.published or dateline(text, lexicon.grammar.dating.months))
    frames = assemble(analysis)
    return Counts(len(frames), len(mentions.parties), len(mentions.goods), len(mentions.actions))


def _summary(name: str, rows: list[Counts]) -> str:
    def col(values: list[int]) -> str:
        return f"{statistics.mean(values):6.1f} (median {statistics.median(values):4.0f})"
    return (f"  {name:6s} frames {col([r.frames for r in rows])}  parties "
            f"{col([r.parties for r in rows])}  goods {col([r.goods for r in rows])}  "
            f"transfer words {col([r.actions for r in rows])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="JSON Lines, one document a line")
    parser.add_argument("--rules", type=Path, action="append", default=[],
                        help="rule folder to add to the shipped one (e.g. a synthetic list)")
    parser.add_argument("--docs", type=int, default=0, help="only the first N documents")
    args = parser.parse_args(argv)
    ruleset = load_ruleset([default_rules_dir(), *args.rules])
    docs = [d for d in read_jsonl(args.corpus) if isinstance(d, Document)]
    if args.docs:
        docs = docs[:args.docs]
    read = [_read_counts(ruleset, d) for d in docs]
    whole = [_whole_counts(ruleset, d) for d in docs]
    scanner = Scanner(ruleset)
    start = time.process_time()
    results = [scanner.scan_document(d) for d in docs]
    cpu = time.process_time() - start
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    findings = [len(r.findings) for r in results]
    print(f"{args.corpus}: {len(docs)} documents, {size / len(docs) / 1000:.1f} KB of text "
          f"each (median {statistics.median(len(d.text) for d in docs) / 1000:.1f} K chars)")
    print(_summary("read", read))
    print(_summary("whole", whole))
    print(f"  findings (min_confidence 0) {statistics.mean(findings):.1f} a document, in "
          f"{sum(1 for f in findings if f)} of {len(docs)}; scan CPU "
          f"{1000 * cpu / len(docs):.2f} ms a document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
