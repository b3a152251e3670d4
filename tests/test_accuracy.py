"""Accuracy on our own written, labelled articles (tests/data/labelled_articles.jsonl).

The file holds two subsets, scored separately:

- the original 77 articles, held to the accuracy targets (category precision and recall 0.85,
  specificity and evidence hit rate 0.90);
- the issue-13 articles (ids `pos-mN-…` / `neg-mN-…`, one per mechanism m1-m8 of issue 13),
  written to measure the engine work on events, goods sense, roles, status scope, time, the
  right measure, measures with no goods and text shape. The engine that existed when they were
  written scored them at category P 0.576, R 0.745, specificity 0.683, evidence hit 0.816; after
  the issue-13 engine work, at P 0.78, R 0.902, specificity 0.878, evidence hit 0.935. Their
  floors are the latter rounded down to two decimals minus 0.02: a ratchet, raised with each
  round of engine work, towards the targets above.

- a fresh batch (ids `pos-m9-…` / `neg-m9-…`, 20 articles, half negatives) written in the
  second round of issue-13 work before any engine change for them, as a check on articles the
  mechanisms were not written from: the engine then scored them at category P 0.89, R 0.80,
  specificity 0.90, evidence hit 1.00. Three of its errors led to general fixes (a carrier
  named before its verb, the origin inside a subject, where goods were loaded), so it is no
  longer unseen; its floors guard those. A second fresh batch (m10, 20 more) was scored once
  before any change for it: category P 0.91, R 0.83, specificity 1.00, evidence hit 0.90
  (its errors: goods that "crossed" into a city, a gang named only as "a gang", a witness
  read as goods; only the last was fixed, and one label, a 2017 car export labelled under
  the December 2017 vehicle ban, was ours to correct). A third (m11, 20 more, harder
  negatives: an acquittal, an inspection that found nothing, a debate about easing the
  sanctions) scored P 0.54, R 0.70, specificity 0.60 unseen; its errors led to the `cleared`
  status, laws argued for as legal context, antiquities traded with ISIL as a dealing beside
  the cultural-property measure, and two lexicon gaps (the GNA, a date we had mislabelled).
  A fourth (m12, 20 more) scored P 0.89, R 0.80, specificity 0.90 unseen; one fix came of it
  (a clause that says what the goods are for, "pumps that could be used in centrifuges",
  ends no clause), one label was ours to correct (a denied report is a finding with status
  denied), and money given as "$200,000" is still not read as goods. A fifth (m13, 20 more)
  scored P 0.91, R 0.83, specificity 1.00, evidence hit 1.00 unseen: a Haitian gang's name
  was missing from the parties (added); North Korean "women" working abroad are still not
  read as workers (a common noun for people is too often no worker at all). A sixth (m14, 20
  more) scored P 0.91, R 0.83, specificity 1.00, evidence hit 1.00 unseen: "ship tracking"
  read as a ship (fixed: a goods word that qualifies another noun is no goods); machines
  "imported" with no importer named, and a factory built for a state, still missed. A seventh
  (m15, 20 more) scored P 1.00, R 0.83, specificity 1.00, evidence hit 1.00 unseen: North
  Korea's provinces and "handed ... to" were missing from the lexicon (added).

A change that takes the engine below any subset's floors fails CI.
"""

from __future__ import annotations

import re
from pathlib import Path

from sanctionscan.engine import Scanner
from sanctionscan.evaluate import LabelledDocument, as_document, read_corpus, score

CORPUS = Path(__file__).parent / "data" / "labelled_articles.jsonl"

# Issue-13 articles carry their mechanism in the id, the fresh batches m9 to m15; everything
# else is the original set.
_ISSUE13_ID = re.compile(r"(pos|neg)-m[1-8]-")
_FRESH_ID = re.compile(r"(pos|neg)-m(9|1[0-5])-")

# Measured after the second round of issue-13 work, minus 0.02 (see the module docstring).
ORIGINAL_FLOORS = {"cat_precision": 0.93, "cat_recall": 0.92,
                   "specificity": 0.98, "evidence_hit": 0.92}
ISSUE13_FLOORS = {"cat_precision": 0.90, "cat_recall": 0.90,
                  "specificity": 0.93, "evidence_hit": 0.91}
FRESH_FLOORS = {"cat_precision": 0.96, "cat_recall": 0.90,
                "specificity": 0.96, "evidence_hit": 0.98}


def _summary(scanner: Scanner, items: list[LabelledDocument]) -> dict[str, object]:
    # the shipped rules and lists, reporting what the CLI reports by default (conftest.py)
    report = scanner.report(scanner.scan_document(as_document(i)) for i in items)
    return score(items, report).summary()


def _subsets() -> tuple[list[LabelledDocument], list[LabelledDocument],
                        list[LabelledDocument]]:
    items = list(read_corpus(CORPUS))
    original = [i for i in items if not _ISSUE13_ID.match(i.id) and not _FRESH_ID.match(i.id)]
    issue13 = [i for i in items if _ISSUE13_ID.match(i.id)]
    fresh = [i for i in items if _FRESH_ID.match(i.id)]
    return original, issue13, fresh


def test_original_articles_stay_above_floors(cli_scanner: Scanner) -> None:
    original, _, _ = _subsets()
    summary = _summary(cli_scanner, original)
    assert len(original) >= 40
    for key, floor in ORIGINAL_FLOORS.items():
        assert summary[key] >= floor, (key, summary)


def test_issue13_articles_stay_above_floors(cli_scanner: Scanner) -> None:
    _, issue13, _ = _subsets()
    summary = _summary(cli_scanner, issue13)
    assert len(issue13) >= 64
    for key, floor in ISSUE13_FLOORS.items():
        assert summary[key] >= floor, (key, summary)


def test_fresh_articles_stay_above_floors(cli_scanner: Scanner) -> None:
    _, _, fresh = _subsets()
    summary = _summary(cli_scanner, fresh)
    assert len(fresh) >= 140
    for key, floor in FRESH_FLOORS.items():
        assert summary[key] >= floor, (key, summary)
