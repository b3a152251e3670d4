"""The shipped real UN list against sentences we wrote: listed parties under spellings the list
does not give are found, and look-alikes (first names, common words, places, firm and newspaper
names, the list's own one-word aliases in ordinary use) are not.

The sentences are in tests/data/list_matching.jsonl: `refs` are the entries a sentence names,
empty for a look-alike."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sanctionscan.engine import Scanner
from sanctionscan.lists import load_lists
from sanctionscan.models import Document
from sanctionscan.names import ListMatcher
from sanctionscan.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
CASES = [json.loads(line) for line in
         (ROOT / "tests" / "data" / "list_matching.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
NAMED = [c for c in CASES if c["refs"]]
LOOK_ALIKES = [c for c in CASES if not c["refs"]]
RECALL_FLOOR = 0.9


@pytest.fixture(scope="module")
def matcher() -> ListMatcher:
    return ListMatcher.compile(load_lists(ROOT / "rules" / "lists"))


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(load_ruleset())


def test_the_set_is_large_enough() -> None:
    assert len(NAMED) >= 40 and len(LOOK_ALIKES) >= 40


def test_the_variants_are_not_in_the_list() -> None:
    # a variant the list spells out word for word would test nothing
    spelt = {a.name.casefold() for lst in load_lists(ROOT / "rules" / "lists")
             for e in lst.entries for a in [*e.aliases]} | {
        e.name.casefold() for lst in load_lists(ROOT / "rules" / "lists") for e in lst.entries}
    for case in NAMED:
        assert case["text"].casefold() not in spelt


def test_recall_on_variants_the_list_does_not_spell(matcher: ListMatcher) -> None:
    found = [c for c in NAMED if set(c["refs"]) <= {m.ref for m in matcher.find(c["text"])}]
    missed = [c["text"] for c in NAMED if c not in found]
    assert len(found) / len(NAMED) >= RECALL_FLOOR, missed


def test_named_sentences_name_no_other_entry(matcher: ListMatcher) -> None:
    wrong = {c["text"]: sorted({m.ref for m in matcher.find(c["text"])} - set(c["refs"]))
             for c in NAMED}
    assert {t: r for t, r in wrong.items() if r} == {}


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=lambda c: c["text"][:40])
def test_look_alikes_match_no_entry(matcher: ListMatcher, case: dict[str, object]) -> None:
    assert [(m.text, m.ref, m.alias) for m in matcher.find(str(case["text"]))] == []


def test_look_alikes_give_no_finding_on_a_listed_party(scanner: Scanner) -> None:
    refs = {e.ref for lst in load_lists(ROOT / "rules" / "lists") for e in lst.entries}
    for case in LOOK_ALIKES:
        result = scanner.scan_document(Document(id="t", text=case["text"],
                                                published=date(2024, 6, 1)))
        assert [f.target for f in result.findings if f.target in refs] == [], case["text"]


def test_a_weak_alias_counts_beside_another_name_of_its_entry(matcher: ListMatcher) -> None:
    # "The Sentinels" alone is a newspaper; next to AL MOURABITOUN's own name it is the group
    alone = matcher.find("The Sentinels printed a correction.")
    assert alone == []
    both = matcher.find("Al Mourabitoun, also called the Sentinels, claimed the raid.")
    sentinels = [m for m in both if m.text == "Sentinels"]
    assert sentinels and sentinels[0].ref == "QDe.141"
    assert "other-name-nearby" in sentinels[0].steps


def test_a_listed_match_explains_who_it_is(matcher: ListMatcher) -> None:
    [match] = matcher.find("Saif al-Islam Gaddafi gave an interview.")
    assert (match.ref, match.primary_name) == ("LYi.017", "SAIF AL-ISLAM QADHAFI")
    assert match.listed_on == date(2011, 2, 26)
    assert any(d.startswith("born 1972-06-25") for d in match.details)
    assert any("Tripoli" in d for d in match.details)


def test_one_typo_in_a_name_of_ordinary_words_but_not_two(matcher: ListMatcher) -> None:
    assert [m.ref for m in matcher.find("Ocean Maritime Managment operated it.")] == ["KPe.020"]
    assert matcher.find("Ocean Maritme Managment operated it.") == []


def test_a_lexicon_party_holding_a_listed_name_carries_the_reference(scanner: Scanner) -> None:
    result = scanner.scan_document(Document(
        id="t", text="Iran supplied drones to Houthi rebels in 2023.", published=date(2024, 6, 1)))
    yemen = [f for f in result.findings if f.target == "HOUTHIS"]
    assert yemen
    assert any("YEe.001" in line and "THE HOUTHIS" in line for line in yemen[0].explanation)


def test_every_report_names_the_list_and_its_publication_date(scanner: Scanner) -> None:
    info = {i.name: i for i in scanner.ruleset.info.lists}
    assert info["un-consolidated"].version == "2024-09-26T00:00:07.514Z"
    assert info["un-consolidated"].entries == 875


def test_a_group_named_alone_is_not_its_regional_branches(matcher: ListMatcher) -> None:
    # "Al-Qaida of Jihad Organization in the Arabian Peninsula" must not shrink to "Al-Qaida"
    assert {m.ref for m in matcher.find("A cell loyal to al Qaeda planned it.")} == {"QDe.004"}
    assert {m.ref for m in matcher.find("Al-Qaida in Iraq claimed it.")} == {"QDe.115"}


def test_a_finding_on_a_listed_party_names_its_entry_and_details(scanner: Scanner) -> None:
    result = scanner.scan_document(Document(
        id="t", text="Green Pine Associated Corp. sold rocket launchers to Iran in 2022.",
        published=date(2024, 6, 1)))
    [finding] = [f for f in result.findings if f.target == "KPe.010"]
    why = finding.explanation[0]
    assert "KPe.010 'GREEN PINE ASSOCIATED CORPORATION'" in why
    assert "listed on 2012-05-02" in why


def test_a_dealing_before_the_listing_is_not_flagged(scanner: Scanner) -> None:
    # Ibrahim Saeed Salim Jadhran (LYi.027) was listed in 2018
    def listed(text: str) -> list[str]:
        result = scanner.scan_document(Document(id="t", text=text, published=date(2024, 6, 1)))
        return [f.target for f in result.findings if f.target == "LYi.027"]

    assert listed("In March 2013 Ibrahim Jadhran sold crude oil to a tanker.") == []
    assert listed("In March 2020 Ibrahim Jadhran sold crude oil to a tanker.") == ["LYi.027"]
