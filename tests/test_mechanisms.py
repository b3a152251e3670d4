"""The mechanisms that carry accuracy over to unseen news (issue 13), each with examples we
wrote: events across sentences, goods sense, roles, status scope, time, the right measure,
measures with no goods, and text shape. Frame-level checks read frames and activities
directly; the rest read findings, as an analyst sees them.
"""

from __future__ import annotations

from datetime import date

import pytest

from sanctionscan.engine import Scanner
from sanctionscan.frames import Frame, assemble
from sanctionscan.frames.activities import find_activities
from sanctionscan.models import Document, Finding, Status
from sanctionscan.ruleset import RuleSet
from sanctionscan.text import segment

PUBLISHED = date(2024, 6, 1)


@pytest.fixture(scope="module")
def frames_scanner(ruleset_no_lists: RuleSet) -> Scanner:
    return Scanner(ruleset_no_lists)


def frames_of(scanner: Scanner, text: str, published: date | None = PUBLISHED) -> list[Frame]:
    analysis = scanner.analyse(Document(id="t", text=text, published=published))
    return assemble(analysis) if analysis is not None else []


def findings(scanner: Scanner, text: str, published: date | None = PUBLISHED) -> list[Finding]:
    result = scanner.scan_document(Document(id="t", text=text, published=published))
    for f in result.findings:
        for e in f.evidence:
            assert text[e.start:e.end] == e.text
    return result.findings


def categories(found: list[Finding]) -> set[str]:
    return {f.category for f in found}


def said(text: str, mentions: tuple[object, ...]) -> list[str]:
    return [text[m.start:m.end] for m in mentions]  # type: ignore[attr-defined]


# -- m1: events, not sentences ------------------------------------------------------------


def test_an_event_reports_the_sentences_it_is_told_in(cli_scanner: Scanner) -> None:
    text = ("Customs find trucks bound for Nampo\n\n"
            "A Chinese firm shipped 30 dump trucks to North Korea in March, officials said. "
            "The dump trucks were identified by their serial plates at the quay. "
            "The weather was mild all week. "
            "The shipment was in violation of the vehicle ban, the customs office said.")
    (finding,) = [f for f in findings(cli_scanner, text) if f.category == "dprk.vehicles"]
    sentences = [e.text for e in finding.event_sentences]
    assert any(s.startswith("A Chinese firm shipped") for s in sentences)
    assert any(s.startswith("The dump trucks were identified") for s in sentences)
    assert any(s.startswith("The shipment was in violation") for s in sentences)
    assert not any("weather" in s for s in sentences)
    # the sentence shown first is the one that names the breach
    assert finding.sentence is not None
    assert text[finding.sentence.start:finding.sentence.end].startswith("The shipment")


def test_an_event_goes_on_in_a_transfer_that_names_no_goods(cli_scanner: Scanner) -> None:
    text = ("Refined petroleum shipments to North Korea broke the cap in 2023, officials said. "
            "Nearly 900,000 barrels were delivered to the port of Nampo in eight months. "
            "The weather was mild all week. The weather stayed mild. The weather turned. "
            "Later, 20 tonnes were delivered to Chongjin.")
    (finding,) = [f for f in findings(cli_scanner, text) if f.category == "dprk.petroleum"]
    sentences = [text[e.start:e.end] for e in finding.evidence if e.role == "sentence"]
    assert any(s.startswith("Nearly 900,000 barrels") for s in sentences)
    # far from the event, a transfer without goods is no part of it
    assert not any(s.startswith("Later") for s in sentences)


def test_a_brand_named_once_makes_the_cars_luxury(cli_scanner: Scanner) -> None:
    text = ("A Rolls-Royce Phantom was photographed outside a Pyongyang hotel in 2023. "
            "Nobody could say how those cars were delivered to North Korea.")
    assert {"dprk.luxury_goods", "dprk.vehicles"} <= categories(findings(cli_scanner, text))


def test_the_brand_before_the_goods_a_vague_word_stands_for_comes_along(
        cli_scanner: Scanner) -> None:
    text = ("Kim Jong Un's new Bentley limousines crossed the border last spring. A report "
            "found a network that let Kim acquire his swish cars despite the sanctions.")
    assert {"dprk.luxury_goods", "dprk.vehicles"} <= categories(findings(cli_scanner, text))


def test_goods_named_again_with_a_determiner_keep_the_parties(cli_scanner: Scanner) -> None:
    text = ("A Dalian broker sold two Bentley sedans to Kim Jong Un in 2023, a report said. "
            "The two Bentley sedans were smuggled through networks spanning three ports.")
    (finding,) = [f for f in findings(cli_scanner, text) if f.category == "dprk.luxury_goods"]
    sentences = [text[e.start:e.end] for e in finding.evidence if e.role == "action"]
    assert "smuggled" in sentences


def test_a_headline_takes_the_date_its_body_gives(cli_scanner: Scanner) -> None:
    # Sept 2024 lies in the gap between Iran's old and snapped-back measures
    text = ("How the Iranian missiles reached Russia\n\n"
            "In September 2024, Iran sent Russia short-range ballistic missiles, officials said.")
    assert not findings(cli_scanner, text, published=date(2025, 12, 10))


def test_last_year_in_the_body_dates_the_headline(cli_scanner: Scanner) -> None:
    # "last year" is 2017, before the December 2017 vehicle ban; the luxury ban applied
    text = ("Trader arrested over luxury cars sent to North Korea\n\n"
            "Police arrested a car dealer on suspicion of exporting two Lexus SUVs to North "
            "Korea through a firm in Dalian last year.")
    found = categories(findings(cli_scanner, text, published=date(2018, 5, 9)))
    assert "dprk.luxury_goods" in found and "dprk.vehicles" not in found


def test_a_headline_does_not_take_the_date_of_a_legal_statement(cli_scanner: Scanner) -> None:
    # published in the gap; the only date the body gives is when a restriction ended
    text = ("Iranian missiles shipped to Russia, officials say\n\n"
            "Iran has shipped short-range missiles to Russia, officials said on Monday.\n\n"
            "The UN restrictions on missile transfers from Iran expired in October 2023.")
    assert not findings(cli_scanner, text, published=date(2024, 9, 10))


# -- m2: goods sense ----------------------------------------------------------------------


def test_a_negating_prefix_names_no_goods(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "Russia delivered anti-aircraft missile systems to North "
                                  "Korea in 2024.")
    assert categories(found) == {"dprk.arms"}
    assert "dprk.vehicles" not in categories(findings(
        cli_scanner, "Aid workers trucked medicines into a former anti-aircraft bunker near "
                     "Sinuiju in 2024."))


def test_a_goods_word_inside_a_company_name_is_no_goods(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "Trucks Motor Company of Ohio sold shares to investors in "
                                  "Pyongyang's rival Seoul in 2024.")
    assert "dprk.vehicles" not in categories(found)


def test_a_goods_word_that_qualifies_another_noun_is_no_goods(cli_scanner: Scanner) -> None:
    text = "Tanker delivered diesel to Nampo in 2019, ship tracking shows"
    found = categories(findings(cli_scanner, text, published=date(2019, 7, 30)))
    assert "dprk.petroleum" in found and "dprk.vehicles" not in found


def test_a_sum_of_money_is_goods_but_a_price_is_not(cli_scanner: Scanner) -> None:
    paid = "Businesses in Kismayo paid $2 million to Al-Shabaab in 2023, investigators said."
    assert "somalia.arms" in categories(findings(cli_scanner, paid))
    for text in ("Steel bars worth at least $14 million were exported to North Korea in 2023.",
                 "A broker sold $800,000 worth of steel bars to North Korea in 2023."):
        found = findings(cli_scanner, text)
        assert categories(found) == {"dprk.machinery_metals"}, text
        assert all("$" not in f.goods.text for f in found)


def test_goods_handed_to_a_party_and_a_province_as_the_place(cli_scanner: Scanner) -> None:
    handed = "Belarus has handed jamming systems and drones to the M23 rebels in 2025."
    assert "drc.arms" in categories(findings(cli_scanner, handed))
    province = "New Chinese heavy trucks were delivered to North Hamgyong province in 2021."
    assert "dprk.vehicles" in categories(findings(cli_scanner, province))


def test_the_people_a_story_is_told_by_are_no_goods(cli_scanner: Scanner) -> None:
    text = ("Seafood plants in Hunchun bought hundreds of tonnes of squid from North Korean "
            "fishing boats this summer, paying in cash at sea, according to three workers at "
            "the plants.")
    found = categories(findings(cli_scanner, text))
    assert "dprk.export_ban" in found and "dprk.workers" not in found


def test_people_far_before_an_active_verb_are_not_its_goods(frames_scanner: Scanner) -> None:
    text = ("Reporters interviewed fifteen factory workers and lawyers, who said that Chinese "
            "companies are importing products semi-manufactured in North Korea.")
    assert all("workers" not in said(text, f.goods) for f in frames_of(frames_scanner, text))


def test_a_carrier_before_its_verb_is_its_subject_not_its_goods(frames_scanner: Scanner
                                                                 ) -> None:
    text = "In 2024, North Korean tankers loading at Vostochny took on diesel."
    assert all("tankers" not in said(text, f.goods) for f in frames_of(frames_scanner, text))
    text = "The trucks that Russia delivered to North Korea were seen in Nampo."
    assert any(said(text, f.goods) == ["trucks"] for f in frames_of(frames_scanner, text))


def test_a_brand_in_the_noun_phrase_is_the_goods_too(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "Three Lexus LX 600 sport utility vehicles were sold in "
                                  "2024 to a buyer in Pyongyang.")
    assert {"dprk.vehicles", "dprk.luxury_goods"} <= categories(found)
    # a fuel that qualifies the goods is no goods of its own
    found = findings(cli_scanner, "The diesel buses are being sold one by one to North Korea.")
    assert "dprk.petroleum" not in categories(found)


# -- m3: roles ----------------------------------------------------------------------------


def test_with_x_supplying_makes_x_the_supplier(frames_scanner: Scanner) -> None:
    text = "The war dragged on, with Iran supplying weapons to the Houthis."
    (frame,) = frames_of(frames_scanner, text)
    assert said(text, frame.suppliers) == ["Iran"]
    assert said(text, frame.recipients) == ["Houthis"]


def test_the_agent_of_an_effort_is_the_buyer(frames_scanner: Scanner) -> None:
    text = "Records show an effort by a North Korean company to buy six lathes from Taiwan."
    (frame,) = frames_of(frames_scanner, text)
    assert said(text, frame.recipients) == ["North Korean"]
    assert said(text, frame.suppliers) == ["Taiwan"]


def test_in_exchange_for_reverses_the_flow(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "North Korea supplied artillery shells to Russia in "
                                  "exchange for oil in 2024.")
    by_category = {f.category: f for f in found}
    assert by_category["dprk.arms"].direction.value == "from_target"
    assert by_category["dprk.petroleum"].direction.value == "to_target"


def test_the_goods_origin_beats_a_reporting_clause_subject(cli_scanner: Scanner) -> None:
    # "coal exports": a noun after its goods; the panel investigates, North Korea exports
    (finding,) = findings(cli_scanner, "The UN panel says it is also investigating North "
                                       "Korean coal exports to China in 2024.")
    assert finding.category == "dprk.export_ban" and finding.direction.value == "from_target"
    assert finding.status is Status.alleged and finding.counterparty == "CN"


def test_a_descriptor_or_an_enemy_takes_no_part_in_the_dealing(frames_scanner: Scanner
                                                               ) -> None:
    text = "Officials said an Iran-backed militia received rifles from Sudan in 2024."
    for frame in frames_of(frames_scanner, text):
        assert "Iran" not in said(text, frame.suppliers + frame.recipients)
    text = "Kenya sent rifles to Somalia to fight al-Shabaab in 2024."
    for frame in frames_of(frames_scanner, text):
        assert "al-Shabaab" not in said(text, frame.suppliers + frame.recipients)


def test_a_marker_in_the_subject_of_a_passive(cli_scanner: Scanner) -> None:
    (finding,) = findings(cli_scanner, "Charcoal from Somalia was shipped to Oman in 2024.")
    assert finding.category == "somalia.charcoal" and finding.counterparty == "OM"


def test_a_place_that_locates_a_named_army_is_not_the_recipient(frames_scanner: Scanner
                                                                ) -> None:
    text = "Burundi sent ammunition to the Congolese army in North Kivu in 2024."
    (frame,) = frames_of(frames_scanner, text)
    assert said(text, frame.recipients) == ["Congolese"]


def test_state_to_state_deliveries_go_to_the_exempt_government(cli_scanner: Scanner) -> None:
    # since resolution 2714 the Federal Government's forces are exempt (SO-GOV)
    assert not findings(cli_scanner, "Egypt delivered rifles to Somalia in 2024.")
    assert not findings(cli_scanner, "Kenya sent ammunition to Somali forces in 2024.")
    (finding,) = findings(cli_scanner, "Smugglers delivered rifles to Somalia in 2024.")
    assert finding.category == "somalia.arms" and finding.target == "SO"
    # a flow from a state, or traffickers in it, are no state's own delivery
    assert findings(cli_scanner, "American rifles were smuggled into Somalia in 2024.")
    assert findings(cli_scanner, "Traffickers in Kenya shipped rifles to Somalia in 2024.")


def test_a_transfer_word_that_qualifies_people_is_no_transfer(frames_scanner: Scanner
                                                              ) -> None:
    text = ("Reuters interviewed industry workers, trade lawyers and economists, and reported "
            "that Chinese companies are importing products made in North Korea.")
    for frame in frames_of(frames_scanner, text):
        assert text[frame.action.start:frame.action.end] != "trade"
        assert "workers" not in said(text, frame.goods)


def test_state_to_state_also_through_a_light_verb_aid_or_a_minister(cli_scanner: Scanner
                                                                      ) -> None:
    # the Somali government's forces are outside the embargo since December 2023
    for text in ("Turkey made two deliveries of rifles to Somalia in March 2024, officials said.",
                 "A shipment of military aid was delivered to Somalia in March 2024.",
                 "The rifles were received by Somalia's defence minister in March 2024."):
        assert "somalia.arms" not in categories(findings(cli_scanner, text)), text
    smuggled = "Smugglers delivered rifles to Somalia in March 2024, officials said."
    assert "somalia.arms" in categories(findings(cli_scanner, smuggled))


def test_gangs_in_an_article_filed_from_haiti_are_its_armed_gangs(cli_scanner: Scanner) -> None:
    body = ("smugglers sold 100 rifles and boxes of ammunition to a gang that controls the "
            "road to the airport in January 2025, police said.")
    filed = "PORT-AU-PRINCE — Haitian police said " + body
    found = [f for f in findings(cli_scanner, filed) if f.category == "haiti.arms"]
    assert found and found[0].target == "HT-GANGS"
    # without a dateline, a gang is no party: gangs are everywhere
    assert "haiti.arms" not in categories(findings(cli_scanner, "Police said " + body))


def test_an_abbreviation_the_article_defines_names_the_party_after(
        cli_scanner: Scanner) -> None:
    text = ("Fighters of Raia Mutomboki (RMK) held the mine for a week, officials said. "
            "Traders from Uganda sold 200 rifles to the RMK in March 2024.")
    found = [f for f in findings(cli_scanner, text) if f.category == "drc.arms"]
    assert found and any(e.text == "RMK" for f in found for e in f.evidence)
    undefined = "Traders from Uganda sold 200 rifles to the RMK in March 2024."
    assert "drc.arms" not in categories(findings(cli_scanner, undefined))


# -- m4: status scope ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "status"), [
    ("Did Russia deliver fighter jets to North Korea?", Status.hypothetical),
    ("Iran could supply Russia with drones if the negotiations succeed.", Status.hypothetical),
    ("Selling coal from North Korea to any country is banned.", Status.legal_context),
    ("No North Korean workers were found at the site in Vladivostok.", Status.denied),
    ("Inspectors said no North Korean workers were found at the site.", Status.denied),
    ("We have no idea how those trucks were delivered to North Korea.", Status.asserted),
    ("The captain agreed not to load, transport or deliver the crude oil from Libya.",
     Status.denied),
    ("The UN-prohibited transfers of North Korean coal to China continued.", Status.asserted),
    ("The army rejected claims that soldiers had sold rifles to gangs in Haiti.",
     Status.denied),
    ("Before the ban, Chinese firms sold 300 trucks to North Korea.", Status.not_in_force),
    ("The council renewed powers to inspect vessels suspected of exporting oil from Libya.",
     Status.legal_context),
    ("The tanker Ji Song 6, which is on the list of vessels banned from foreign ports, "
     "delivered diesel to Nampo.", Status.asserted),
])
def test_status_scope(frames_scanner: Scanner, text: str, status: Status) -> None:
    frames = frames_of(frames_scanner, text)
    assert frames and frames[0].status is status, [f.status for f in frames]


def test_questions_conditionals_and_laws_make_no_finding(cli_scanner: Scanner) -> None:
    for text in ("Did Russia deliver fighter jets to North Korea in 2024?",
                 "Iran could supply Russia with drones if the negotiations succeed.",
                 "Selling coal from North Korea to any country is banned."):
        assert not findings(cli_scanner, text), text


def test_a_review_of_a_story_tells_no_event(cli_scanner: Scanner) -> None:
    story = ("In the film, a fictional smuggler ships a Maybach limousine to Pyongyang for a "
             "general. The plot thins after an hour, and the comedy opens in cinemas on Friday.")
    assert not findings(cli_scanner, story, published=date(2025, 3, 1))
    news = "A smuggler shipped a Maybach limousine to Pyongyang for a general in 2024."
    assert "dprk.luxury_goods" in categories(findings(cli_scanner, news))


def test_what_a_court_or_an_inspection_cleared_tells_no_event(cli_scanner: Scanner) -> None:
    for text in ("A court acquitted a car dealer who had been charged with exporting two "
                 "luxury sedans to North Korea in 2022.",
                 "Officers searched a freighter suspected of carrying weapons to Libya in 2023 "
                 "and found only building materials."):
        assert not findings(cli_scanner, text), text
    charged = ("Prosecutors charged a car dealer with exporting two luxury sedans to North "
               "Korea in 2022.")
    assert "dprk.luxury_goods" in categories(findings(cli_scanner, charged))


def test_a_suspicion_cleared_later_in_the_story_is_no_finding(cli_scanner: Scanner) -> None:
    suspected = ("A frigate boarded a freighter bound for the Libyan port of Misrata in 2025 on "
                 "suspicion that it was carrying military equipment.")
    assert "libya.arms" in categories(findings(cli_scanner, suspected))
    cleared = suspected + (" The cargo was identified as farm tractors, and the ship was "
                           "allowed to continue its voyage.")
    assert "libya.arms" not in categories(findings(cli_scanner, cleared))


def test_a_change_to_the_law_argued_for_tells_no_event(cli_scanner: Scanner) -> None:
    text = ("Some diplomats argue the Security Council should allow North Korea to import "
            "buses and tractors to help its economy.")
    assert not findings(cli_scanner, text)


# -- m5: time -----------------------------------------------------------------------------


def test_since_bounds_the_event_and_a_measure_date_is_not_the_event_date(
        frames_scanner: Scanner) -> None:
    text = ("Egypt delivered armoured vehicles to Somalia, the largest shipment since the "
            "embargo was lifted in December 2023.")
    frames = frames_of(frames_scanner, text, published=None)
    assert frames and all(f.when == date(2023, 12, 15) for f in frames)
    text = "Russia delivered trucks to North Korea despite resolution 2397, adopted in 2017."
    frames = frames_of(frames_scanner, text)
    assert frames and all(f.when == PUBLISHED for f in frames)


# -- m6: one event, the right measure -----------------------------------------------------


def test_aircraft_moved_with_arms_are_arms_not_vehicles(cli_scanner: Scanner) -> None:
    assert categories(findings(cli_scanner, "In 2024 Russia provided North Korea with tanks "
                                            "and aircraft.")) == {"dprk.arms"}
    assert categories(findings(cli_scanner, "In 2024 Russia provided North Korea with trucks "
                                            "and aircraft.")) == {"dprk.vehicles"}


def test_a_luxury_car_is_both_a_vehicle_and_a_luxury_good(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "In 2024 a broker shipped two Maybach limousines to "
                                  "Pyongyang.")
    assert {"dprk.vehicles", "dprk.luxury_goods"} <= categories(found)


def test_what_workers_earn_is_no_financial_measure(cli_scanner: Scanner) -> None:
    text = ("About 2,000 North Korean women are working in fish plants in Donggang, earning "
            "wages that are paid to a North Korean state company, a report said in 2022.")
    assert "dprk.financial" not in categories(findings(cli_scanner, text))


def test_a_vague_goods_word_moved_with_arms_is_arms(cli_scanner: Scanner) -> None:
    found = findings(cli_scanner, "Russia supplied North Korea with six fighter jets and spare "
                                  "engines in 2024.")
    assert categories(found) == {"dprk.arms"}
    alone = findings(cli_scanner, "A Chinese firm sold spare engines to North Korea in 2024.")
    assert "dprk.arms" not in categories(alone)


def test_the_bare_head_word_is_the_goods_named_before_with_it(cli_scanner: Scanner) -> None:
    def told(kind: str) -> set[str]:
        return categories(findings(cli_scanner, (
            f"The dhow carried 30 {kind} for the Houthis, the navy said. The crew said the "
            "missiles had been loaded from a ship off the Iranian coast."),
            published=date(2026, 2, 3)))
    # battlefield missiles are arms only; cruise missiles are the missile measure's too
    assert "iran.nuclear_missile" not in told("anti-tank guided missiles")
    assert "iran.nuclear_missile" in told("cruise missiles")


def test_a_measure_that_covers_the_story_leaves_the_other_out(cli_scanner: Scanner) -> None:
    text = ("About 300 North Korean workers are working on building sites in Russia, an aid "
            "group said in 2024. Their supervisors sent most of the wages back to Pyongyang.")
    found = categories(findings(cli_scanner, text))
    assert "dprk.workers" in found and "dprk.financial" not in found
    cash = "Couriers carried bulk cash to Pyongyang on flights from Beijing in 2024."
    assert "dprk.financial" in categories(findings(cli_scanner, cash))


def test_an_event_under_two_measures_keeps_both(cli_scanner: Scanner) -> None:
    text = ("A Syrian trader bought Roman mosaics from Islamic State commanders in 2015 and "
            "sold them to dealers in Gaziantep, who shipped them on to collectors in Europe.")
    found = categories(findings(cli_scanner, text, published=date(2016, 4, 12)))
    assert {"isil_alqaida.designated", "isil_alqaida.cultural_property"} <= found


# -- m7: measures with no goods -----------------------------------------------------------


def test_a_listed_person_travelling_abroad(cli_scanner: Scanner) -> None:
    text = ("Jimmy Cherizier, the gang leader known as Barbecue, travelled to the Dominican "
            "Republic in April 2024.")
    (finding,) = findings(cli_scanner, text)
    assert finding.category == "haiti.designated" and finding.target == "HTi.001"
    assert {e.role for e in finding.key_evidence} >= {"listed", "action", "counterparty"}
    analysis = cli_scanner.analyse(Document(id="t", text=text, published=PUBLISHED))
    assert analysis is not None
    (activity,) = find_activities(analysis)
    assert activity.kind == "travel" and text[activity.place.start:activity.place.end] == \
        "Dominican Republic"  # type: ignore[union-attr]


def test_travel_home_exempted_travel_and_visits_without_a_place_are_no_breach(
        cli_scanner: Scanner) -> None:
    for text in ("Jimmy Cherizier travelled to Haiti in April 2024.",
                 "Jimmy Cherizier travelled to Santo Domingo in April 2024 under an exemption "
                 "approved by the committee.",
                 "Jimmy Cherizier visited a market in April 2024."):
        assert not findings(cli_scanner, text), text


def test_a_designated_vessel_in_port(cli_scanner: Scanner) -> None:
    (finding,) = findings(cli_scanner, "The tanker Yu Jong 2 docked at the port of Nakhodka "
                                       "in June 2024.")
    assert finding.category == "dprk.designated_party"
    assert not findings(cli_scanner, "The tanker Morning Breeze docked at the port of "
                                     "Nakhodka in June 2024.")


# -- m8: text shape -----------------------------------------------------------------------


def test_sentences_glued_without_a_space_are_split() -> None:
    text = "No shipments were seen.Two trucks were sent to Juba. Mr.Smith left."
    assert [text[s.start:s.end] for s in segment(text)] == [
        "No shipments were seen.", "Two trucks were sent to Juba.", "Mr.Smith left."]
