"""The pipeline on small sentences written for these tests: roles, voice, status, look-alikes,
carry-over, dates, offsets."""

from __future__ import annotations

from datetime import date

from rulesets import shipped_ruleset
from sanctionscan.engine import Scanner
from sanctionscan.lexicon import fold
from sanctionscan.models import Document, Finding, Status
from sanctionscan.ruleset import RuleSet, load_ruleset


def scan(scanner: Scanner, text: str, published: date | None = date(2024, 6, 1)
         ) -> list[Finding]:
    result = scanner.scan_document(Document(id="t", text=text, published=published))
    for f in result.findings:
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.text
    return result.findings


def categories(findings: list[Finding]) -> set[str]:
    return {f.category for f in findings}


def test_active_transfer_names_supplier_and_recipient(scanner: Scanner) -> None:
    findings = scan(scanner, "Russia delivered 40 heavy trucks to North Korea in March.")
    (veh,) = [f for f in findings if f.category == "dprk.vehicles"]
    assert veh.target == "KP" and veh.counterparty == "RU"
    assert veh.direction.value == "to_target"
    assert veh.status is Status.asserted
    roles = {e.role: e.text for e in veh.evidence}
    assert roles["goods"].endswith("trucks") and roles["target"] == "North Korea"
    assert roles["counterparty"] == "Russia" and roles["action"] == "delivered"
    assert "87" in "".join(veh.goods.hs)


def test_passive_with_agent(scanner: Scanner) -> None:
    findings = scan(scanner, "The armoured limousine was handed over to Kim Jong Un by "
                             "Chinese officials last week.")
    veh = [f for f in findings if f.category == "dprk.vehicles"]
    assert veh and veh[0].counterparty == "CN" and veh[0].target == "KP"


def test_indirect_object_of_give(scanner: Scanner) -> None:
    findings = scan(scanner, "The Russian president gave Kim Jong Un a new Aurus sedan.")
    assert {"dprk.vehicles", "dprk.luxury_goods"} <= categories(findings)


def test_nominal_transfer(scanner: Scanner) -> None:
    findings = scan(scanner, "Customs officers documented a shipment of used buses to "
                             "Pyongyang from Dandong.")
    veh = [f for f in findings if f.category == "dprk.vehicles"]
    assert veh and veh[0].target == "KP"


def test_export_from_target(scanner: Scanner) -> None:
    findings = scan(scanner, "North Korea has shipped thousands of artillery shells to Russia, "
                             "officials said.")
    arms = [f for f in findings if f.category == "dprk.arms"]
    assert arms and arms[0].direction.value == "from_target" and arms[0].counterparty == "RU"


def test_hedged_is_alleged_with_lower_confidence(scanner: Scanner) -> None:
    plain = scan(scanner, "Russia delivered 40 heavy trucks to North Korea.")
    hedged = scan(scanner, "Russia allegedly delivered 40 heavy trucks to North Korea.")
    p = next(f for f in plain if f.category == "dprk.vehicles")
    h = next(f for f in hedged if f.category == "dprk.vehicles")
    assert h.status is Status.alleged
    assert h.confidence < p.confidence


def test_denied_transfer(scanner: Scanner) -> None:
    findings = scan(scanner, "Beijing denied that it had sold any trucks to North Korea.")
    for f in findings:
        assert f.status is Status.denied


def test_legal_context_is_not_an_event(scanner: Scanner) -> None:
    text = ("Security Council resolutions prohibit supplying trucks, cars and other vehicles "
            "to North Korea.")
    assert scan(scanner, text) == []


def test_look_alike_party_is_never_the_target(scanner: Scanner) -> None:
    assert scan(scanner, "Hyundai shipped 300 trucks to South Korea last month.") == []
    assert scan(scanner, "Korean Air bought four new aircraft from Airbus.") == []


def test_wrong_direction_does_not_flag_import_ban(scanner: Scanner) -> None:
    # vehicles are banned going to the DPRK; the DPRK's own train going to Russia is not a sale
    findings = scan(scanner, "Kim Jong Un travelled to Russia on his armoured train.")
    assert "dprk.vehicles" not in categories(findings)


def test_goods_carried_over_from_previous_sentence(scanner: Scanner) -> None:
    text = ("Chinese traders bought twenty used excavators and trucks in Dandong. "
            "They were later smuggled into North Korea across the river.")
    veh = [f for f in scan(scanner, text) if f.category == "dprk.vehicles"]
    assert veh and veh[0].target == "KP"


def test_event_before_measure_is_not_a_finding(scanner: Scanner) -> None:
    # the ban on all vehicles dates from December 2017
    early = scan(scanner, "In 2015 a Chinese company sold 30 trucks to North Korea.")
    late = scan(scanner, "In 2019 a Chinese company sold 30 trucks to North Korea.")
    assert "dprk.vehicles" not in categories(early)
    assert "dprk.vehicles" in categories(late)


def test_repeated_sentence_gives_one_finding(scanner: Scanner) -> None:
    once = "Russia delivered 40 heavy trucks to North Korea."
    findings = scan(scanner, f"{once}\n{once}\n")
    veh = [f for f in findings if f.category == "dprk.vehicles"]
    assert len(veh) == 1
    assert all(e.end <= len(once) for e in veh[0].evidence)


def test_boilerplate_after_comment_prompt_is_ignored(scanner: Scanner) -> None:
    text = ("Seoul hosted a trade fair.\n\nWould you like to comment on this article?\n"
            "Russia delivered 40 heavy trucks to North Korea.\n")
    assert scan(scanner, text) == []


def test_fingerprint_ignores_offsets(scanner: Scanner) -> None:
    a = scan(scanner, "Russia delivered 40 heavy trucks to North Korea.")
    b = scan(scanner, "Officials said on Monday that Russia delivered 40 heavy trucks to "
                      "North Korea.")
    fa = {f.fingerprint for f in a if f.category == "dprk.vehicles"}
    fb = {f.fingerprint for f in b if f.category == "dprk.vehicles"}
    assert fa and fa == fb


def test_use_of_foreign_goods_implies_a_transfer(scanner: Scanner) -> None:
    used = scan(scanner, "Russian forces fired North Korean KN-23 missiles at Kyiv in 2024.")
    arms = [f for f in used if f.category == "dprk.arms"]
    assert arms and arms[0].direction.value == "from_target" and arms[0].counterparty == "RU"
    # a party firing its own missiles hands nothing over
    assert scan(scanner, "North Korea fired two ballistic missiles into the sea in 2024.") == []


def test_seizure_names_the_origin_as_supplier(scanner: Scanner) -> None:
    findings = scan(scanner, "Japanese customs seized a cargo of North Korean clams in 2019.")
    ban = [f for f in findings if f.category == "dprk.export_ban"]
    assert ban and ban[0].status is Status.attempted and ban[0].target == "KP"


def test_cargo_not_its_container_or_carrier(scanner: Scanner) -> None:
    findings = scan(scanner, "North Korea sent 6,000 containers of artillery shells to Russia.")
    assert categories(findings) == {"dprk.arms"}
    findings = scan(scanner, "A tanker transferred diesel to a North Korean-flagged ship off "
                             "Shanghai in 2023.")
    assert "dprk.petroleum" in categories(findings)
    assert "dprk.vehicles" not in categories(findings)


def test_made_in_gives_origin(scanner: Scanner) -> None:
    findings = scan(scanner, "A Dandong firm imported garments sewn in North Korea in 2019.")
    ban = [f for f in findings if f.category == "dprk.export_ban"]
    assert ban and ban[0].direction.value == "from_target" and ban[0].counterparty == "CN"


def test_recipient_named_through_a_group(scanner: Scanner) -> None:
    findings = scan(scanner, "The traders sold Swiss watches to buyers from Pyongyang in 2023.")
    lux = [f for f in findings if f.category == "dprk.luxury_goods"]
    assert lux and lux[0].direction.value == "to_target"


def test_participle_adjective_is_not_an_event(scanner: Scanner) -> None:
    findings = scan(scanner, "A Chinese broker sold a used 6,000-tonne cargo ship to a North "
                             "Korean company in 2022.")
    veh = [f for f in findings if f.category == "dprk.vehicles"]
    assert veh and veh[0].counterparty == "CN"


def test_joint_venture_only_with_its_own_words(scanner: Scanner) -> None:
    jv = scan(scanner, "A Chinese firm set up a joint venture with a North Korean trading "
                       "company in 2019.")
    assert any(f.target == "KP" for f in jv)
    assert scan(scanner, "A Chinese firm set up a new office in Shanghai in 2019.") == []


def test_pronoun_subject_is_not_carried_goods(scanner: Scanner) -> None:
    text = ("North Korea launched an intercontinental ballistic missile on Wednesday. "
            "Kim Jong Un said it sent a warning to the United States.")
    assert scan(scanner, text) == []


def test_dateline_city_is_not_a_party(scanner: Scanner) -> None:
    findings = scan(scanner, "SEOUL — Ski equipment has been shipped to North Korea's "
                             "Masikryong resort, researchers say.")
    lux = [f for f in findings if f.category == "dprk.luxury_goods"]
    assert lux and lux[0].counterparty is None


def test_decade_dates_an_event_before_the_measure(scanner: Scanner) -> None:
    old = scan(scanner, "In the 1990s North Korea sold Scud missiles to Iran.")
    new = scan(scanner, "In 2019 North Korea sold Scud missiles to Iran.")
    assert "dprk.arms" not in categories(old)
    assert "dprk.arms" in categories(new)


def test_last_year_is_dated_from_the_article(scanner: Scanner) -> None:
    text = "A Chinese company sold 30 trucks to North Korea last year."
    assert "dprk.vehicles" in categories(scan(scanner, text, published=date(2019, 3, 1)))
    # "last year" from a 2017 article is 2016: before the ban on all vehicles
    assert "dprk.vehicles" not in categories(scan(scanner, text, published=date(2017, 3, 1)))


def test_arming_implies_weapons_but_armed_groups_do_not(scanner: Scanner) -> None:
    findings = scan(scanner, "The Houthis are armed by Iran, the panel said.",
                    published=date(2026, 2, 1))
    assert "yemen.arms" in categories(findings)
    assert scan(scanner, "Armed groups clashed with Houthi fighters near Marib.",
                published=date(2026, 2, 1)) == []


def test_state_forces_exempt_where_the_regime_exempts_them(scanner: Scanner) -> None:
    assert scan(scanner, "Somalia's government received 2,000 rifles from Turkey in 2024.") == []
    assert scan(scanner, "Turkey delivered rifles to the armed forces of Somalia in 2024.") == []
    assert "somalia.arms" in categories(
        scan(scanner, "Arms dealers in Yemen sold rifles to Al-Shabaab in 2024."))


def test_reference_back_carries_the_origin(scanner: Scanner) -> None:
    text = ("A tanker full of Libyan crude left Zuwara in 2017, smugglers said. "
            "Armed groups later sold the crude to a Maltese-registered trader.")
    pet = [f for f in scan(scanner, text) if f.category == "libya.petroleum"]
    assert pet and pet[0].direction.value == "from_target"


def test_place_then_country_and_appositive_subjects(scanner: Scanner) -> None:
    findings = scan(scanner, "The lathes were forwarded to a munitions plant in Kanggye, "
                             "North Korea, police said in 2022.")
    assert "dprk.machinery_metals" in categories(findings)
    text = ("A Chinese tanker owned by a Hong Kong firm, a company fined in 2019, delivered "
            "diesel to North Korea in 2020.")
    pet = [f for f in scan(scanner, text) if f.category == "dprk.petroleum"]
    assert pet and pet[0].counterparty == "CN"


def test_demonym_forces_are_the_state_forces(scanner: Scanner) -> None:
    assert scan(scanner, "Haitian police received armoured vehicles from Canada in 2024.") == []
    assert "haiti.arms" in categories(
        scan(scanner, "Smugglers sold assault rifles to Haitian gangs in 2024."))


def test_workers_abroad_are_a_presence(scanner: Scanner) -> None:
    findings = scan(scanner, "Thousands of North Korean labourers still work at Russian "
                             "construction sites in 2024, a UN report said.")
    wrk = [f for f in findings if f.category == "dprk.workers"]
    assert wrk and wrk[0].counterparty == "RU"
    assert scan(scanner, "South Korean workers live in Seoul.") == []


def test_short_form_counts_after_a_full_name_a_list_matched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"Kim" stands for Kim Jong Un after his full name, also where a list file names him too
    and the listed match, not the lexicon's name, covers those words."""
    from sanctionscan.lists import ListEntry, SanctionsList, write_list_file
    from sanctionscan.ruleset import default_rules_dir

    lists = tmp_path / "rules" / "lists"
    lists.mkdir(parents=True)
    write_list_file(SanctionsList(name="test", version="1", entries=[
        ListEntry(ref="KPi.999", type="individual", name="KIM JONG UN", regime="DPRK")]),
        lists / "test.yaml")
    scanner = Scanner(load_ruleset([default_rules_dir(), tmp_path / "rules"]))
    text = ("Kim Jong Un toured a tractor factory on Monday. "
            "Russia later delivered a limousine to Kim, officials said.")
    found = scan(scanner, text)
    assert "dprk.vehicles" in categories(found)
    target = next(f for f in found if f.category == "dprk.vehicles")
    assert any(e.text == "Kim" for e in target.evidence)


def _read(text: str) -> tuple[list[str], list[str]]:
    """The sentences frame assembly reads in `text`, and the stretches they cover."""
    from sanctionscan.frames import frame_sentences as _frame_sentences
    from sanctionscan.text import segment

    lexicon = shipped_ruleset(with_lists=False).lexicon
    found = lexicon.scan_transfers(text, fold(text))
    chosen, spans = _frame_sentences(segment(text, analysable_only=True), found,
                                     lexicon.implies_goods)
    return [text[s.start:s.end] for s in chosen], [text[a:b] for a, b in spans]


def test_frames_read_transfer_sentences_and_the_sentence_before_each() -> None:
    chosen, spans = _read(
        "The weather was fine. Officials met in Geneva. Russia shipped trucks to Nampo.\n"
        "Image: a file photo\nA second paragraph begins. The rifles were sold on to Iran.")
    assert spans == ["Officials met in Geneva. Russia shipped trucks to Nampo.",
                     "A second paragraph begins. The rifles were sold on to Iran."]
    assert chosen == ["Officials met in Geneva.", "Russia shipped trucks to Nampo.",
                      "A second paragraph begins.", "The rifles were sold on to Iran."]


def test_a_transfer_word_without_goods_to_make_a_frame_with_sends_nothing_to_be_read() -> None:
    # no goods word in the sentence, nor in the one before it
    assert _read("The weather was fine. Talks began in Geneva. Rates were cut by the bank. "
                 "It was sold on to Iran.") == ([], [])
    # goods in the sentence before: it refers back to them
    chosen, _ = _read("The weather was fine. Customs counted two tractors. "
                      "They were sold on to Iran.")
    assert chosen == ["Customs counted two tractors.", "They were sold on to Iran."]
    # goods further back, carried through a sentence with a transfer word
    chosen, _ = _read("The weather was fine. Two tractors were counted in May. They were sold "
                      "on. Then they were shipped to Iran.")
    assert chosen == ["Two tractors were counted in May.", "They were sold on.",
                      "Then they were shipped to Iran."]
    # "ships" is a transfer word or goods, never both at once: alone it makes no frame
    assert _read("The weather was fine. Ships registered in Panama were inspected.") == (
        [], [])
    chosen, _ = _read("The weather was fine. Ships registered in Panama carried trucks.")
    assert chosen == ["The weather was fine.", "Ships registered in Panama carried trucks."]
    # no goods word anywhere, but a word that stands for its goods
    chosen, _ = _read("The weather was fine. Iran armed the Houthis.")
    assert chosen == ["The weather was fine.", "Iran armed the Houthis."]


def test_a_transfer_word_that_needs_goods_of_a_tag_triggers_only_beside_such_goods(
        ruleset_no_lists: RuleSet) -> None:
    lexicon = ruleset_no_lists.lexicon
    # "opened" makes a frame only with a joint venture, "remained" only with workers
    text = "The museum, which shows old cars, opened in May. Its director remained in Paris."
    found = lexicon.scan_transfers(text, fold(text))
    assert {text[a.start:a.end] for a in found.actions} >= {"opened", "remained"}
    assert {text[g.start:g.end] for g in found.goods} == {"cars"}
    assert found.triggers == []
    text = "Officials opened a joint venture in Rason. The museum remained closed."
    found = lexicon.scan_transfers(text, fold(text))
    assert {text[a.start:a.end] for a in found.triggers} == {"opened"}
    # a modifier can give the tag too: "repaired" needs arms, and military trucks are arms
    text = "The workshop repaired military trucks."
    found = lexicon.scan_transfers(text, fold(text))
    assert "repaired" in {text[a.start:a.end] for a in found.triggers}
    text = "The workshop repaired trucks."
    assert lexicon.scan_transfers(text, fold(text)).triggers == []


def test_frame_sentences_read_back_over_sentences_with_transfer_words() -> None:
    text = ("The weather was fine. Talks began in Geneva. The museum opened in May. "
            "Russia shipped trucks to Nampo.")
    chosen, spans = _read(text)
    # the sentence before the shipment holds a transfer word ("opened"), so what it carries
    # into the next one depends on the one before it: both are read
    assert chosen == [
        "Talks began in Geneva.", "The museum opened in May.", "Russia shipped trucks to Nampo."]
    assert spans == [text[text.index("Talks"):]]


def test_findings_of_held_back_transfer_words_are_kept_beside_their_goods(
        ruleset_no_lists: RuleSet) -> None:
    scanner = Scanner(ruleset_no_lists)
    text = ("North Korea and a Chinese firm opened a joint venture in Dandong in 2019, "
            "officials said.")
    assert "dprk.joint_ventures" in categories(scan(scanner, text))


def test_the_first_pass_tells_segmentation_whether_a_photo_credit_can_be_there(
        ruleset_no_lists: RuleSet) -> None:
    from sanctionscan.text import segment

    lexicon = ruleset_no_lists.lexicon
    with_credit = "Trucks were shipped to Nampo.\nThe port at night. AP Photo/Someone\nMore text."
    found = lexicon.scan_transfers(with_credit, fold(with_credit))
    assert found.credits
    assert segment(with_credit, credits=found.credits) == segment(with_credit)
    assert any(s.boilerplate for s in segment(with_credit, credits=found.credits))
    plain = "Trucks were shipped to Nampo.\nThe port at night, by a map photographer.\n"
    found = lexicon.scan_transfers(plain, fold(plain))
    assert not found.credits
    assert segment(plain, credits=False) == segment(plain)
