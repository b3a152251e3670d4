"""The frames stage on its own: roles, status and carry-over, read from frames, not findings.

Each test builds the document analysis with the real engine (`Scanner.analyse`) and calls
`frames.assemble` directly, so a role or status bug shows up here as the wrong role, not
later as a wrong category.
"""

from __future__ import annotations

from datetime import date

import pytest

from sanctionscan.engine import Scanner
from sanctionscan.frames import REACH, Frame, assemble
from sanctionscan.models import Document, Status
from sanctionscan.ruleset import RuleSet


@pytest.fixture(scope="module")
def scanner(ruleset_no_lists: RuleSet) -> Scanner:
    return Scanner(ruleset_no_lists)


def frames_of(scanner: Scanner, text: str, published: date | None = None) -> list[Frame]:
    analysis = scanner.analyse(Document(id="t", text=text, published=published))
    return assemble(analysis) if analysis is not None else []


def words(scanner: Scanner, text: str, mentions: tuple[object, ...]) -> list[str]:
    return [text[m.start:m.end] for m in mentions]  # type: ignore[attr-defined]


def test_active_transfer_subject_supplies_and_to_marks_the_recipient(scanner: Scanner) -> None:
    text = "Russia delivered 40 heavy trucks to North Korea in March 2024."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["Russia"]
    assert words(scanner, text, frame.recipients) == ["North Korea"]
    assert words(scanner, text, frame.goods) == ["heavy trucks"]
    assert frame.status is Status.asserted and frame.when == date(2024, 3, 15)


def test_passive_agent_after_by_and_subject_of_acquisition(scanner: Scanner) -> None:
    text = "The limousines were supplied by China to Pyongyang."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["China"]
    assert words(scanner, text, frame.recipients) == ["Pyongyang"]
    text = "North Korea imported refined petroleum from Russia."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.recipients) == ["North Korea"]
    assert words(scanner, text, frame.suppliers) == ["Russia"]


def test_indirect_object_receives(scanner: Scanner) -> None:
    text = "Putin gave Kim Jong Un a limousine."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.recipients) == ["Kim Jong Un"]
    assert words(scanner, text, frame.suppliers) == ["Putin"]


def test_origin_demonym_makes_the_supplier_when_no_subject_says_it(scanner: Scanner) -> None:
    text = "Iranian-made drones were shipped to the Houthis."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["Iranian"]
    assert frame.inferred_supplier
    assert words(scanner, text, frame.recipients) == ["Houthis"]


def test_a_source_is_not_an_agent(scanner: Scanner) -> None:
    text = "According to a report by Japan, trucks were sent to North Korea."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == []
    assert words(scanner, text, frame.recipients) == ["North Korea"]


def test_the_means_of_transport_is_not_the_goods(scanner: Scanner) -> None:
    text = "Smugglers carried rifles to the Houthis on a dhow."
    frames = frames_of(scanner, text)
    assert frames and all(words(scanner, text, f.goods) == ["rifles"] for f in frames)


def test_status_cues_and_their_reach(scanner: Scanner) -> None:
    (frame,) = frames_of(scanner, "China allegedly sold trucks to North Korea.")
    assert frame.status is Status.alleged
    (frame,) = frames_of(scanner, "China did not sell trucks to North Korea.")
    assert frame.status is Status.denied
    # a negation reaches two words: here it belongs to another clause
    (frame,) = frames_of(scanner, "Officials did not say on Friday when or how China sold "
                                  "trucks to North Korea.")
    assert frame.status is Status.asserted
    (frame,) = frames_of(scanner, "The resolutions prohibit the supply of trucks to North Korea.")
    assert frame.status is Status.legal_context


def test_goods_carried_over_from_the_sentence_before(scanner: Scanner) -> None:
    text = "Twelve dump trucks left Dalian last month. They were delivered to North Korea."
    frames = frames_of(scanner, text)
    assert frames
    last = frames[-1]
    assert words(scanner, text, last.goods) == ["dump trucks"]
    assert last.carried and words(scanner, text, last.recipients) == ["North Korea"]


def test_a_run_on_sentence_is_read_clause_by_clause(scanner: Scanner) -> None:
    clause = "Russia delivered 40 trucks to North Korea, and "
    text = "Officials said " + clause * 300 + "that was all."
    frames = frames_of(scanner, text)
    assert len(frames) == 300
    assert all("North Korea" in words(scanner, text, f.recipients) for f in frames)


def test_a_frame_reads_its_sentence_only_within_reach(scanner: Scanner) -> None:
    # a recipient further than REACH characters away belongs to another clause
    filler = "with many words that say nothing at all " * (REACH // 40 + 2)
    text = f"Russia delivered trucks {filler}to North Korea."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.recipients) == []
    near = "Russia delivered trucks with a few words to North Korea."
    (frame,) = frames_of(scanner, near)
    assert words(scanner, near, frame.recipients) == ["North Korea"]


def test_possessive_pronoun_before_a_transfer_noun_stands_for_the_far_subject(
        scanner: Scanner) -> None:
    text = ("Syria is accused of a “grave breach” of the embargo on weapons, with inspectors "
            "reporting that it has quietly stepped up its purchases of rifles.")
    (frame,) = [f for f in frames_of(scanner, text) if words(scanner, text, f.goods) == ["rifles"]]
    assert words(scanner, text, frame.recipients) == ["Syria"]


def test_quotation_marks_do_not_push_the_owner_of_a_transfer_noun_away(
        scanner: Scanner) -> None:
    plain = "Eritrea is accused of a serious breach of limits on annual fuel imports."
    quoted = "Eritrea is accused of a “serious breach” of limits on annual fuel imports."
    for text in (plain, quoted):
        (frame,) = frames_of(scanner, text)
        assert words(scanner, text, frame.recipients) == ["Eritrea"]


def test_a_later_verb_shares_goods_only_close_to_the_verb_that_moved_them(
        scanner: Scanner) -> None:
    close = "The rifles were bought in Minsk and sent to Khartoum."
    frames = frames_of(scanner, close)
    assert [words(scanner, close, f.goods) for f in frames] == [["rifles"], ["rifles"]]
    far = ("Belarus has supplied Sudan with rifles and radar, an adviser said on Monday, "
           "calling it payment for the troops the army sent to fight in the north.")
    (frame,) = frames_of(scanner, far)
    assert words(scanner, far, frame.suppliers) == ["Belarus"]


def test_a_marker_after_a_word_for_money_names_no_role(scanner: Scanner) -> None:
    text = ("Chinese coal delivered by rail has arrived in Sinuiju to heat schools. The "
            "diplomats thanked a trading company in Jilin for the coal, which had been "
            "bought with funds from the North's education ministry.")
    for frame in frames_of(scanner, text):
        assert "the North" not in words(scanner, text, frame.suppliers)


def test_the_party_the_goods_support_is_the_recipient_not_the_place(scanner: Scanner) -> None:
    text = ("Tanzania sent two tonnes of ammunition to Ituri to support the Congolese army "
            "against the rebels.")
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.recipients) == ["Congolese"]
    plain = "Smugglers sent two tonnes of ammunition to Ituri last month."
    (frame,) = frames_of(scanner, plain)
    assert words(scanner, plain, frame.recipients) == ["Ituri"]


def test_a_pronoun_before_with_receives_for_the_party_named_last(scanner: Scanner) -> None:
    text = ("Officials said Belarus has begun rebuilding Sudan's ageing air force, providing it "
            "with eight attack helicopters since May.")
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["Belarus"]
    assert words(scanner, text, frame.recipients) == ["Sudan"]


def test_the_subject_of_a_relative_clause_is_the_party_before_its_comma(
        scanner: Scanner) -> None:
    text = ("Belarus, which has already sent two batches of rifles to Sudan over the past year "
            "and plans more, provides its army with ammunition as well, officials said.")
    frame = next(f for f in frames_of(scanner, text)
                 if text[f.action.start:f.action.end] == "provides")
    assert words(scanner, text, frame.suppliers) == ["Belarus"]


def test_an_acquiring_verb_reaches_over_the_transfer_noun_it_governs(scanner: Scanner) -> None:
    text = "The Syrian port of Tartus has received large shipments of grenades from Belarus."
    frame = next(f for f in frames_of(scanner, text)
                 if text[f.action.start:f.action.end] == "received")
    assert words(scanner, text, frame.goods) == ["grenades"]
    assert words(scanner, text, frame.recipients) == ["Syrian"]
    assert words(scanner, text, frame.suppliers) == ["Belarus"]


def test_a_carrier_named_before_its_verb_is_the_subject_not_the_goods(scanner: Scanner) -> None:
    text = ("For years the Eritrean ferry Massawa Star carried passengers, gifts and money "
            "between Massawa and Jeddah.")
    for frame in frames_of(scanner, text):
        assert "ferry" not in words(scanner, text, frame.goods)


def test_the_origin_in_the_subject_of_a_handing_over_supplies(scanner: Scanner) -> None:
    text = "Cargo flights from Belarus delivered combat drones to the Sudanese army in 2025."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["Belarus"]


def test_where_goods_were_loaded_sends_them(scanner: Scanner) -> None:
    text = "Four dhows loaded sacks of charcoal at the port of Kismayo and sailed for Oman."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.suppliers) == ["Kismayo"]
    assert words(scanner, text, frame.recipients) == ["Oman"]


def test_they_not_the_carrier_after_by_are_the_goods_of_a_passive(scanner: Scanner) -> None:
    text = ("Heavy trucks were carried to North Korea. They were delivered to Nampo in May by "
            "the cargo ship that had loaded them in Dalian.")
    delivered = next(f for f in frames_of(scanner, text)
                     if text[f.action.start:f.action.end] == "delivered")
    assert words(scanner, text, delivered.goods) == ["Heavy trucks"]


def test_goods_that_cross_into_a_place_were_moved_there(scanner: Scanner) -> None:
    text = "Thirty new Belarusian tractors crossed the bridge into the Sudanese town of Kassala."
    (frame,) = frames_of(scanner, text)
    assert words(scanner, text, frame.goods) == ["tractors"]
    assert words(scanner, text, frame.recipients) == ["Sudanese"]
    # a ship or plane that arrives is no goods of its arrival
    assert not frames_of(scanner, "The tanker arrived in Nampo in May.")


def test_a_clause_that_says_what_the_goods_are_for_ends_no_clause(scanner: Scanner) -> None:
    text = ("A broker exported vacuum pumps that could be used in centrifuges to a company in "
            "Tehran in 2011.")
    exported = next(f for f in frames_of(scanner, text)
                    if text[f.action.start:f.action.end] == "exported")
    assert words(scanner, text, exported.recipients) == ["Tehran"]
