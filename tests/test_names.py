"""The listed-party matcher: name variants find the right entry, look-alikes find nothing."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

import sanctionscan.names as names_module
from sanctionscan.lists import Alias, ListEntry, SanctionsList, import_consolidated_xml
from sanctionscan.names import ListedMatch, ListMatcher

SAMPLE = Path(__file__).resolve().parent / "data" / "un-consolidated-sample.xml"

# Hand-written entries (facts from the reference notes, plus one invented test vessel) for the
# cases the 14-record sample does not cover.
EXTRA = SanctionsList(name="hand", version="test", entries=[
    ListEntry(ref="KPe.035", type="entity", name="KOREA DAESONG BANK", regime="DPRK",
              aliases=[Alias(name="Choson Taesong Unhaeng"), Alias(name="Taesong Bank")]),
    ListEntry(ref="KPi.024", type="individual", name="KIM YONG CHOL", regime="DPRK"),
    ListEntry(ref="KPi.901", type="individual", name="KIM CHOL SAM", regime="DPRK",
              aliases=[Alias(name="Jin Tiesan"),
                       Alias(name="金铁三", original_script=True)]),
    ListEntry(ref="KPe.054", type="entity", name="MINISTRY OF NATIONAL DEFENCE", regime="DPRK",
              aliases=[Alias(name="MINISTRY OF DEFENCE"),
                       Alias(name="MINISTRY OF THE PEOPLE'S ARMED FORCES (MPAF)", former=True)]),
    ListEntry(ref="KPe.030", type="entity", name="OFFICE 39", regime="DPRK",
              aliases=[Alias(name="Bureau 39"), Alias(name="Third Floor")]),
    ListEntry(ref="SDi.002", type="individual", name="MUSA HILAL ABDALLA ALNSIEM", regime="Sudan",
              aliases=[Alias(name="Musa Hilal", quality="low"),
                       Alias(name="Abu Fatma", quality="low")]),
    ListEntry(ref="KPv.TEST-SHIP", type="vessel", name="PACIFIC EXAMPLE", regime="DPRK",
              imo=["8910811"]),
    ListEntry(ref="KPv.HUA-FU", type="vessel", name="HUA FU", regime="DPRK"),
    ListEntry(ref="KPv.SAM-MA-2", type="vessel", name="SAM MA 2", regime="DPRK",
              aliases=[Alias(name="Hai Xin You 606")]),
])


@pytest.fixture(scope="module")
def matcher() -> ListMatcher:
    if not SAMPLE.exists():
        pytest.skip("reference sample not available")
    return ListMatcher.compile([import_consolidated_xml(SAMPLE).list, EXTRA])


def _found(matcher: ListMatcher, text: str) -> list[ListedMatch]:
    matches = matcher.find(text)
    for match in matches:
        assert text[match.start:match.end] == match.text
        assert match.score >= match.threshold
    return matches


@pytest.mark.parametrize(("text", "ref", "matched"), [
    # Korean names: hyphens, apostrophes, romanisation, word order, joined given names
    ("Officials named Kim Jong Sik as the organiser.", "KPi.066", "Kim Jong Sik"),
    ("Kim Jong-sik attended.", "KPi.066", "Kim Jong-sik"),
    ("Kim Chong-sik attended.", "KPi.066", "Kim Chong-sik"),
    ("Kim Cho’ng-sik attended.", "KPi.066", "Kim Cho’ng-sik"),
    ("Kim Jongsik attended.", "KPi.066", "Kim Jongsik"),
    ("Jong Sik Kim attended.", "KPi.066", "Jong Sik Kim"),
    ("The envoy KIM Yong Chol flew in.", "KPi.024", "KIM Yong Chol"),
    ("The envoy Yong Chol Kim flew in.", "KPi.024", "Yong Chol Kim"),
    ("Kim Yong-chol flew in.", "KPi.024", "Kim Yong-chol"),
    ("Lee Won-ho was seen in Damascus.", "KPi.033", "Lee Won-ho"),
    ("Ri Won Ho was seen in Damascus.", "KPi.033", "Ri Won Ho"),
    ("The banker Ra Kyong Su met them.", "KPi.008", "Ra Kyong Su"),
    ("The banker Ra Ky'ong-su met them.", "KPi.008", "Ra Ky'ong-su"),
    ("Chang Myong-ho signed.", "KPi.008", "Chang Myong-ho"),
    # Choson / Chosun and voicing (Taedong / Daedong)
    ("Funds passed through Chosun Taesong Unhaeng.", "KPe.035", "Chosun Taesong Unhaeng"),
    ("Funds passed through Korea Daesong Bank.", "KPe.035", "Korea Daesong Bank"),
    ("Funds passed through Taedong Credit Bank.", "KPe.023", "Taedong Credit Bank"),
    ("Funds passed through Dae Dong Credit Bank.", "KPe.023", "Dae Dong Credit Bank"),
    # entities: case, legal forms, possessives, acronyms, former names
    ("Pyongyang's KOMID sold the launchers.", "KPe.001", "KOMID"),
    ("the Korea Mining Development Trading Corp. sold them", "KPe.001",
     "Korea Mining Development Trading Corp"),
    ("Tanchon Commercial Bank's accounts were frozen.", "KPe.003", "Tanchon Commercial Bank"),
    ("formerly Changgwang Credit Bank", "KPe.003", "Changgwang Credit Bank"),
    ("the vessel operator Ocean Maritime Management", "KPe.020", "Ocean Maritime Management"),
    ("shares of Korea Samma Shipping Co., Ltd. were", "KPe.065",
     "Korea Samma Shipping Co., Ltd"),
    # a three-letter acronym counts beside another name of its entry
    ("Daedong Credit Bank, or DCB, wired money to the DCB account", "KPe.023", "DCB"),
    ("the owner, Samma Shipping, denied it", "KPe.065", "Samma Shipping"),
    ("the Ministry of the People’s Armed Forces ordered", "KPe.054",
     "Ministry of the People’s Armed Forces"),
    ("Office 39 of the party", "KPe.030", "Office 39"),
    # other regimes and transliteration
    ("Fighters of al-Shabaab attacked.", "SOe.001", "al-Shabaab"),
    ("Fighters of Al-Qa’ida attacked.", "QDe.004", "Al-Qa’ida"),
    ("The Houthis fired missiles.", "YEe.001", "Houthis"),
    ("Ansarullah fired missiles.", "YEe.001", "Ansarullah"),
    ("Houthi rebels fired missiles.", "YEe.001", "Houthi"),
    ("Abdulmalik al-Huthi spoke.", "YEi.004", "Abdulmalik al-Huthi"),
    ("Abdul Malik al-Houthi spoke.", "YEi.004", "Abdul Malik al-Houthi"),
    ("Jimmy “Barbecue” Cherizier leads G9.", "HTi.001", "Jimmy “Barbecue” Cherizier"),
    ("Yun Yuan Tsang brokered coal.", "KPi.080", "Yun Yuan Tsang"),
    ("Kim Chol Sam, also known as Jin Tiesan, arranged it.", "KPi.901", "Jin Tiesan"),
    ("他的名字是金铁三。", "KPi.901", "金铁三"),
    # vessels: named with a vessel word, in capitals, or with a hull number
    ("the tanker Sam Ma 2 took on fuel", "KPv.SAM-MA-2", "Sam Ma 2"),
    ("the ship Hua Fu docked", "KPv.HUA-FU", "Hua Fu"),
    ("HUA FU docked", "KPv.HUA-FU", "HUA FU"),
    ("painted as Hai Xin You 606", "KPv.SAM-MA-2", "Hai Xin You 606"),
    # a name wrapped onto the next line is still one name
    ("the official Kim Jong\nSik arrived", "KPi.066", "Kim Jong\nSik"),
])
def test_name_variants_find_the_right_entry(matcher: ListMatcher, text: str, ref: str,
                                            matched: str) -> None:
    matches = _found(matcher, text)
    hits = [(m.ref, m.text) for m in matches]
    assert (ref, matched) in hits, hits


@pytest.mark.parametrize("text", [
    # a common Korean name, a surname alone, a leader who is not listed, near namesakes
    "Mr Kim said the talks went well.",
    "Mr Kim Chol said the talks went well.",
    "Kim Jong Un met Kim Jong-il's widow.",
    "Kim Jong Nam and Kim Il Sung Square.",
    "Ri Won Hong and Ri Won met Won Ho.",
    "Kim Jong, Sik Kim.",
    # South Korean companies with a "Korea" prefix, and Korean Air
    "Korea Development Bank, Korea Exchange Bank and Korea Zinc reported profits.",
    "Korean Air and Korea National Oil Corporation signed a deal.",
    "Korea Shipping Corporation and Korea Mining Corporation merged.",
    "The Chosun Ilbo reported from Seoul.",
    # generic institutions and ordinary words that are also list aliases
    "The UK Ministry of Defence said it had no comment.",
    "Taiwan's Ministry of National Defence said so.",
    "The youth of Somalia and the base of the army.",
    "THE YOUTH WING OF THE PARTY MET; THE BASE WAS EMPTY",
    "He lives on the third floor.",
    "They ate barbeque at the party.",
    "Musa said Hilal was away.",
    "a Hua Fu restaurant opened",
    "The bank's commercial credit grew.",
    "mpaf and dcb in lower case are not acronyms",
    "the DCB account alone",  # a three-letter acronym alone names many bodies
    # names must not run across clause punctuation
    "the first was Ri; Won Ho came later",
    "the first was Ri Won – Ho came later",
    "a paragraph ending with Kim Jong\n\nSik starts the next one",
])
def test_look_alikes_do_not_match(matcher: ListMatcher, text: str) -> None:
    assert _found(matcher, text) == []


def test_low_quality_alias_needs_two_real_names(matcher: ListMatcher) -> None:
    assert [m.ref for m in _found(matcher, "Abu Fatma was seen.")] == []
    hits = _found(matcher, "Musa Hilal was seen.")
    assert [(m.ref, m.alias_quality) for m in hits] == [("SDi.002", "low")]
    assert hits[0].threshold > names_module.THRESHOLD_GOOD


def test_match_explains_itself(matcher: ListMatcher) -> None:
    text = "Kim Chong-sik visited."
    (match,) = _found(matcher, text)
    assert (match.ref, match.primary_name, match.regime, match.type) == (
        "KPi.066", "KIM JONG SIK", "DPRK", "individual")
    assert match.alias in {"KIM JONG SIK", "Kim Cho’ng-sik"}
    assert "romanisation" in match.steps
    (exact,) = _found(matcher, "KIM JONG SIK visited.")
    assert exact.steps == ["exact"] and exact.score == 100
    (former,) = _found(matcher, "CHANGGWANG CREDIT BANK paid.")
    assert former.ref == "KPe.003" and "former-name" in former.steps


@pytest.mark.parametrize("text", [
    "The vessel (IMO 8910811) was seized.",
    "It carried IMO number 8910811 on its hull.",
    "IMO No. 8910811 was painted over.",
    "imo: 8910811",
])
def test_imo_number_matches_the_vessel_exactly(matcher: ListMatcher, text: str) -> None:
    (match,) = _found(matcher, text)
    assert (match.ref, match.type) == ("KPv.TEST-SHIP", "vessel")
    assert match.text.endswith("8910811") and match.steps == ["imo-exact"]


@pytest.mark.parametrize("text", [
    "IMO 8910812 is another ship.",
    "Call 8910811 for details.",
    "IMO 89108110 is not seven digits.",
])
def test_other_numbers_do_not_match_a_vessel(matcher: ListMatcher, text: str) -> None:
    assert _found(matcher, text) == []


def test_company_imo_number_finds_the_company_not_a_vessel(matcher: ListMatcher) -> None:
    (match,) = _found(matcher, "registered owner IMO 5145892")
    assert (match.ref, match.type) == ("KPe.065", "entity")
    assert match.steps == ["company-imo-exact"]


@pytest.mark.parametrize("prefix", ["", "İİİ ", "ﬁ ", "e\u0301e\u0301 ", "😀😀 ", "ǅ\u0130 "])
def test_offsets_point_into_the_original_text(matcher: ListMatcher, prefix: str) -> None:
    text = prefix + "İstanbul talks: KİM JONG SİK and Tanchon Commercial Bank’s envoy."
    matches = _found(matcher, text)
    assert {m.ref for m in matches} == {"KPi.066", "KPe.003"}
    for match in matches:
        assert text[match.start:match.end] == match.text


def test_matches_are_in_text_order_and_do_not_overlap(matcher: ListMatcher) -> None:
    text = ("KOMID and Korea Samma Shipping Co and Ri Won Ho; then the Houthis, "
            "Tanchon Commercial Bank and KIM JONG SIK.")
    matches = _found(matcher, text)
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    for a, b in zip(matches, matches[1:]):
        assert a.end <= b.start
    assert [m.ref for m in matches] == [
        "KPe.001", "KPe.065", "KPi.033", "YEe.001", "KPe.003", "KPi.066"]


def test_matcher_survives_pickling(matcher: ListMatcher) -> None:
    text = "Chosun Taesong Unhaeng and the tanker Sam Ma 2 (IMO 8910811)."
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy.find(text) == matcher.find(text)
    assert len(copy.find(text)) == 3


def test_empty_and_matchless_inputs() -> None:
    assert ListMatcher.compile([]).find("Kim Jong Sik") == []
    matcher = ListMatcher.compile([EXTRA])
    assert matcher.find("") == []
    assert matcher.find("   ...   ") == []


def _synthetic(count: int, seed: int) -> SanctionsList:
    rng = random.Random(seed)
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"

    def word() -> str:
        return "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(rng.randint(3, 4)))

    entries = [ListEntry(ref=f"XXe.{i:05d}", type="entity", regime="Test",
                         name=f"{word()} {word()} Trading Company".upper())
               for i in range(count)]
    return SanctionsList(name=f"synthetic-{count}", entries=entries)


def test_document_work_does_not_grow_with_the_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The number of fuzzy comparisons per document stays flat from 50 to 5,000 entries."""
    small = _synthetic(50, seed=1)
    large = _synthetic(5000, seed=1)  # the same first 50 entries, then 4,950 more
    assert large.entries[:50] == small.entries
    name = small.entries[7].name.title()
    document = (f"Reports said {name} shipped coal through the Trading Company of a third "
                "country, a company whose trading arm the general bank financed. ") * 5

    calls = {"n": 0}
    real = names_module.fuzz

    class Counting:
        @staticmethod
        def ratio(*args: object, **kwargs: object) -> float:
            calls["n"] += 1
            return real.ratio(*args, **kwargs)

        @staticmethod
        def token_sort_ratio(*args: object, **kwargs: object) -> float:
            calls["n"] += 1
            return real.token_sort_ratio(*args, **kwargs)

    counts = []
    for lst in (small, large):
        matcher = ListMatcher.compile([lst])
        monkeypatch.setattr(names_module, "fuzz", Counting)
        calls["n"] = 0
        found = matcher.find(document)
        monkeypatch.setattr(names_module, "fuzz", real)
        assert {m.ref for m in found} == {small.entries[7].ref}
        counts.append(calls["n"])
    assert counts[1] <= counts[0] * 1.5 + 10, counts


def test_aliases_made_only_of_common_names_need_every_word() -> None:
    others = [ListEntry(ref=f"QDi.{i:03d}", type="individual", regime="Al-Qaida",
                        name=f"AHMED ALI HASSAN AL-{surname}")
              for i, surname in enumerate(["ZARQAWI", "MASRI", "SHAMI", "LIBI", "YEMENI",
                                           "IRAQI", "MAGHRIBI", "SUDANI", "TUNISI", "KUWAITI",
                                           "URDUNI", "BAGHDADI", "HADRAMI", "SAUDI"])]
    common = SanctionsList(name="common", entries=[*others,
        ListEntry(ref="QDi.900", type="individual", regime="Al-Qaida", name="AHMED ALI",
                  aliases=[Alias(name="Ahmed Hassan Ali")]),
        ListEntry(ref="QDi.901", type="individual", regime="Al-Qaida", name="AHMED ALI ZUBAIR")])
    matcher = ListMatcher.compile([common])
    assert matcher.find("Ahmed Ali said the talks failed.") == []
    # no fuzziness on common names (fuzzy scoring would give this 94) ...
    assert matcher.find("Ahmed Hassen Ali said so.") == []
    # ... but spellings that normalise alike (Hasan / Hassan) are the same word
    assert [m.ref for m in matcher.find("Ahmed Hasan Ali said so.")] == ["QDi.900"]
    assert [m.ref for m in matcher.find("Ahmed Hassan Ali said so.")] == ["QDi.900"]
    # a rare name among common ones still matches as usual
    assert [m.ref for m in matcher.find("Ahmed Ali Zubayr said so.")] == ["QDi.901"]


def test_random_text_never_breaks_the_offsets(matcher: ListMatcher) -> None:
    rng = random.Random(11)
    pieces = ["Kim", "Jong", "Sik", "-", "’s", " ", "  ", "\n", "\n\n", ";", ".", ",", "İ", "ß",
              "é", "e\u0301", "金铁三", "Tanchon", "Commercial", "Bank", "IMO", "8910811", "(",
              ")", "\"", "Co.", "Ltd", "KOMID", "al-", "Shabaab", "😀", "\u200b", "\x00"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for match in _found(matcher, text):
            assert 0 <= match.start < match.end <= len(text)


def test_shortened_firm_names_match_their_entry() -> None:
    entries = [
        ListEntry(ref="XXe.00001", type="entity", regime="DPRK",
                  name="GREEN PINE ASSOCIATED CORPORATION"),
        ListEntry(ref="XXe.00002", type="entity", regime="DPRK",
                  name="MANSUDAE OVERSEAS PROJECT GROUP OF COMPANIES"),
    ]
    matcher = ListMatcher.compile([SanctionsList(name="t", entries=entries)])
    text = ("The Green Pine Corporation office and the Mansudae Overseas Project Group "
            "both appear; a green pine forest does not.")
    found = {m.text: m.ref for m in matcher.find(text)}
    assert found == {"Green Pine Corporation": "XXe.00001",
                     "Mansudae Overseas Project Group": "XXe.00002"}


@pytest.mark.parametrize("seed", range(4))
def test_fast_tokenizer_reads_text_like_the_reference_one(seed: int) -> None:
    """`re` tokenizes where it classifies every character like `regex`; otherwise (Han script,
    combining marks, words that fold to nothing) the reference path runs. Either way the tokens,
    keys and breaks are the reference ones."""
    rng = random.Random(seed)
    pieces = ["Kim", "Jong", "sik", "KOMID", "Co.", "Ltd", "No.", "J.", "said.", "Bank",
              "’s", "'s", "'", "`", "´", "’", "ʼ", "-", " ", "  ", "\n", "\n\n", ";", ".",
              ",", ", ", "(", ")", "\"", "“", "”", "_", "é", "e\u0301", "İ", "ß", "ﬁ", "²",
              "٣", "金铁三", "ひ", "한", "😀", "\u200b", "\u00a0", "\t", "–", "x", "O's"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        doc = names_module._scan(text)
        reference = names_module._tokens_slow(text)
        expected = names_module._Doc.of(reference)
        assert doc[:4] == expected[:4], text
        assert doc.token_starts() == expected.starts
        assert [t.end for t in reference] == [
            start + len(word.raw) for start, word in zip(doc.token_starts(), doc.words)]
        assert all(type(w) is names_module._Word for w in doc.words)


def _whole_text(matcher: ListMatcher, text: str) -> list[tuple[int, int, str]]:
    """What the matcher finds reading the whole text, without looking for anchors first."""
    return sorted((m.start, m.end, m.ref) for m in matcher._find_in(text, 0, len(text)))


def test_names_are_found_in_any_stretch_of_a_long_text(matcher: ListMatcher) -> None:
    """Only the text around anchor words is read; names at the very start, the very end, far
    apart or close together are found exactly as reading the whole text finds them."""
    filler = ("The committee met again on Tuesday and said little of substance. " * 12).split()
    names = ["Kim Jong-sik", "KOMID", "Korea Daesong Bank", "Taesong Bank", "Office 39",
             "the tanker Hua Fu", "Ri Won Ho", "Kim Yong Chol"]
    rng = random.Random(5)
    for _ in range(40):
        parts = [rng.choice(names) + " " + " ".join(filler[: rng.randint(0, len(filler))])
                 for _ in range(rng.randint(1, 5))]
        text = "".join(parts).strip() + (" " + rng.choice(names) if rng.random() < 0.5 else "")
        found = sorted((m.start, m.end, m.ref) for m in _found(matcher, text))
        assert found == _whole_text(matcher, text)
        assert found, text


def test_a_name_written_all_in_lower_case_is_not_a_name(matcher: ListMatcher) -> None:
    assert [m.ref for m in _found(matcher, "He met Kim Yong Chol.")] == ["KPi.024"]
    assert _found(matcher, "he met kim yong chol.") == []
    # a hyphen carries the capital on: "Jong-sik" is written with one
    assert [m.text for m in _found(matcher, "Kim Jong-sik arrived.")] == ["Kim Jong-sik"]


def test_an_anchor_word_needs_another_word_of_its_name_in_the_text() -> None:
    entries = [ListEntry(ref="XXe.00001", type="entity", regime="DPRK",
                         name="PORIMAKA TRADING COMPANY"),
               ListEntry(ref="XXe.00002", type="entity", regime="DPRK",
                         name="ZANDOKA SANMIRO GENERAL CORPORATION")]
    matcher = ListMatcher.compile([SanctionsList(name="t", entries=entries)])
    # the rare word alone, with none of the other words of its name, is not read at all
    assert matcher._anchors("Zandoka is a town by the sea.") == []
    assert matcher._anchors("Zandoka Sanmiro General Corporation") != []
    assert [m.ref for m in matcher.find("the Zandoka Sanmiro General Corp said")] == [
        "XXe.00002"]
    assert [m.ref for m in matcher.find("Porimaka Trading Company paid")] == ["XXe.00001"]


def test_find_within_stretches_reads_only_those(matcher: ListMatcher) -> None:
    text = "KOMID was named first. Nothing here. Kim Yong Chol spoke. IMO 8910811 sailed."
    everywhere = {m.text for m in _found(matcher, text)}
    assert {"KOMID", "Kim Yong Chol"} <= everywhere
    second = text.index("Kim Yong Chol")
    within = {m.text for m in matcher.find(text, [(second, second + 20)])}
    assert within == {"Kim Yong Chol"}
    assert matcher.find(text, []) == []


def test_a_korean_name_with_a_syllable_in_lower_case_is_found() -> None:
    # The family name is always capitalised, a given-name syllable often is not, and here the
    # rarest word of the name ("sam") is the one in lower case.
    people = [ListEntry(ref=f"KPi.{i:03d}", type="individual", regime="DPRK",
                        name=f"KIM CHOL {syllable}")
              for i, syllable in enumerate(["SU", "HO", "NAM", "IL", "JIN", "SOK"])]
    people.append(ListEntry(ref="KPi.900", type="individual", regime="DPRK", name="KIM CHOL SAM"))
    matcher = ListMatcher.compile([SanctionsList(name="t", entries=people)])
    assert [m.ref for m in _found(matcher, "Officials said Kim Chol sam arrived.")] == [
        "KPi.900"]
    assert _found(matcher, "Officials said kim chol sam arrived.") == []


# --------------------------------------------------------------------------- word data


@pytest.mark.parametrize(("one", "other"), [
    ("Qadhafi", "Gaddafi"), ("Gadhafi", "Kadhafi"), ("Mohammed", "Muhammad"),
    ("Haqqani", "Haqani"), ("Yousef", "Yusuf"), ("Dept", "Department"), ("Corp", "Corporation"),
    ("Ltd", "Limited"), ("Co", "Company"), ("el", "al"),
])
def test_transliterations_and_abbreviations_fold_alike(one: str, other: str) -> None:
    assert names_module._fold(one) == names_module._fold(other)


@pytest.mark.parametrize(("one", "other"), [("Saeed", "said"), ("Min", "Ministry"),
                                             ("Kim", "Kin")])
def test_different_words_stay_apart(one: str, other: str) -> None:
    assert names_module._fold(one) != names_module._fold(other)


def test_word_data_is_read_from_its_file(tmp_path: Path) -> None:
    words = tmp_path / "names" / "name-words.yaml"
    words.parent.mkdir()
    words.write_text("common_words: [Sentinels]\nfirst_names: [Romeo]\nplaces: [Gotham]\n"
                     "variants: [[colour, color]]\nabbreviations: {clr: colour}\n"
                     "phrases: [[joint venture, jv]]\n", encoding="utf-8")
    loaded = names_module._load_name_words(words)
    assert {"sentinels", "romeo", "gotham"} <= loaded.weak
    assert loaded.variants["color"] == "colour" and loaded.abbreviations["clr"] == "colour"
    assert loaded.phrases == (("joint venture", "jv"),)
    assert names_module._load_name_words(tmp_path / "missing.yaml").weak == frozenset()


def test_an_alias_of_weak_words_needs_another_name_of_its_entry() -> None:
    lst = SanctionsList(name="t", entries=[
        ListEntry(ref="CDi.930", type="individual", name="JEAN-BAPTISTE KAMBALE MUTEBUTSI",
                  regime="DRC", aliases=[Alias(name="Romeo"), Alias(name="Israel")]),
        ListEntry(ref="QDe.941", type="entity", name="JAMAAT AL-MURABITIN AL-JADID",
                  regime="Al-Qaida", aliases=[Alias(name="The Sentinels")])])
    matcher = ListMatcher.compile([lst])
    assert matcher.find("Romeo met Israel at the Sentinels office.") == []
    found = matcher.find("Jean-Baptiste Kambale Mutebutsi, known as Romeo, crossed over.")
    assert {m.text for m in found if m.ref == "CDi.930"} >= {"Romeo"}
    both = matcher.find("Jamaat al-Murabitin al-Jadid, called the Sentinels, denied it.")
    assert sorted(m.text for m in both) == ["Jamaat al-Murabitin al-Jadid", "Sentinels"]
