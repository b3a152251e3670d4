"""Importing the UN consolidated list, writing list files and loading them back."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from sanctionscan.errors import RuleSetError
from sanctionscan.lists import (
    Alias,
    ListEntry,
    ListImportError,
    SanctionsList,
    import_consolidated_xml,
    import_vessels_csv,
    load_list_file,
    load_lists,
    split_packed_alias,
    write_list_file,
)
from sanctionscan.models import ListInfo

ROOT = Path(__file__).resolve().parents[1]
# a 14-record extract of the UN consolidated list (public UN data), kept with the tests
SAMPLE = ROOT / "tests" / "data" / "un-consolidated-sample.xml"
SHIPPED_LISTS = ROOT / "rules" / "lists"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="reference sample not available")


def _xml_records() -> dict[str, tuple[str, str]]:
    """Reference number -> (record tag, UN_LIST_TYPE), read straight from the XML."""
    root = SafeET.parse(str(SAMPLE)).getroot()
    found = {}
    for tag in ("INDIVIDUAL", "ENTITY"):
        for record in root.iter(tag):
            ref = (record.findtext("REFERENCE_NUMBER") or "").strip()
            found[ref] = (tag, (record.findtext("UN_LIST_TYPE") or "").strip())
    return found


def _sample_with(old: str, new: str, tmp_path: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text, "the fixture changed: update this test"
    path = tmp_path / "consolidated.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- import


def test_sample_imports_every_record_with_its_type_and_regime() -> None:
    result = import_consolidated_xml(SAMPLE)
    records = _xml_records()
    assert result.problems == []
    assert {e.ref for e in result.list.entries} == set(records)
    for entry in result.list.entries:
        tag, regime = records[entry.ref]
        assert entry.type == tag.lower()
        assert entry.regime == regime
    kinds = [e.type for e in result.list.entries]
    assert kinds.count("individual") == sum(1 for t, _ in records.values() if t == "INDIVIDUAL")
    assert kinds.count("entity") == sum(1 for t, _ in records.values() if t == "ENTITY")


def test_sample_header_and_info() -> None:
    lst = import_consolidated_xml(SAMPLE).list
    root = SafeET.parse(str(SAMPLE)).getroot()
    assert lst.version == root.get("dateGenerated")
    info = lst.info()
    assert isinstance(info, ListInfo)
    assert (info.name, info.entries, info.digest) == (lst.name, len(lst.entries), lst.digest)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", info.digest)


def test_real_file_quirks_are_normalised() -> None:
    entries = {e.ref: e for e in import_consolidated_xml(SAMPLE).list.entries}
    # trailing space in the reference number, stray spaces in name parts
    assert "KPe.023" in entries
    assert entries["KPi.033"].name == "RI WON HO"
    # a LISTED_ON with a time-zone offset
    assert entries["YEi.004"].listed_on == date(2015, 4, 14)
    # the empty alias placeholder is not an alias; quotes around an alias are not part of it
    assert entries["KPi.033"].aliases == []
    assert "KOMID" in [a.name for a in entries["KPe.001"].aliases]
    # alias qualities of both vocabularies
    tanchon = {a.name: a for a in entries["KPe.003"].aliases}
    assert tanchon["CHANGGWANG CREDIT BANK"].former
    assert [a.quality for a in entries["HTi.001"].aliases] == ["low"]
    assert all(a.quality == "good" for a in entries["KPi.008"].aliases)
    # the original-script name is an alias marked as such
    script = [a for a in entries["QDe.004"].aliases if a.original_script]
    assert [a.name for a in script] == ["القاعدة"]


def test_company_imo_numbers_come_from_comments_and_are_not_ship_numbers() -> None:
    root = SafeET.parse(str(SAMPLE)).getroot()
    comments = {
        (r.findtext("REFERENCE_NUMBER") or "").strip(): r.findtext("COMMENTS1") or ""
        for r in root.iter("ENTITY")
    }
    for entry in import_consolidated_xml(SAMPLE).list.entries:
        assert entry.imo == []  # the consolidated list has no vessels
        in_comment = re.findall(r"IMO\)? [Nn]umber:?\s*(\d{7})", comments.get(entry.ref, ""))
        assert entry.company_imo == in_comment


def test_one_broken_record_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    path = _sample_with("<FIRST_NAME>TANCHON COMMERCIAL BANK</FIRST_NAME>",
                        "<FIRST_NAME>  </FIRST_NAME>", tmp_path)
    result = import_consolidated_xml(path)
    refs = {e.ref for e in result.list.entries}
    assert "KPe.003" not in refs
    assert refs == set(_xml_records()) - {"KPe.003"}
    assert len(result.problems) == 1
    assert "KPe.003" in result.problems[0]


def test_record_without_reference_is_named_by_its_dataid(tmp_path: Path) -> None:
    path = _sample_with("<REFERENCE_NUMBER>HTi.001</REFERENCE_NUMBER>", "", tmp_path)
    result = import_consolidated_xml(path)
    assert len(result.list.entries) == len(_xml_records()) - 1
    assert len(result.problems) == 1 and "6908911" in result.problems[0]


def test_bad_listing_date_keeps_the_record(tmp_path: Path) -> None:
    path = _sample_with("<LISTED_ON>2016-11-30</LISTED_ON>", "<LISTED_ON>30 Nov</LISTED_ON>",
                        tmp_path)
    result = import_consolidated_xml(path)
    entry = next(e for e in result.list.entries if e.ref == "KPi.033")
    assert entry.listed_on is None
    assert any("KPi.033" in p and "LISTED_ON" in p for p in result.problems)


def test_children_are_found_by_name_not_position(tmp_path: Path) -> None:
    # Real files put elements out of XSD order; move the name after the comments.
    path = _sample_with(
        "<FIRST_NAME>AL-QAIDA</FIRST_NAME>\n            <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>",
        "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>\n<FIRST_NAME>AL-QAIDA</FIRST_NAME>", tmp_path)
    entries = {e.ref: e for e in import_consolidated_xml(path).list.entries}
    assert entries["QDe.004"].name == "AL-QAIDA"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Qasim Soleimani; Qasem Sulaimani", ["Qasim Soleimani", "Qasem Sulaimani"]),
    ("جبهة النصرة (the Victory Front; Jabhat al-Nusrah)",
     ["جبهة النصرة", "the Victory Front", "Jabhat al-Nusrah"]),
    ('"The Base"', ["The Base"]),
    ("Ocean Maritime Management Company, Limited (OMM)",
     ["Ocean Maritime Management Company, Limited (OMM)"]),
])
def test_packed_aliases_are_split(raw: str, expected: list[str]) -> None:
    assert split_packed_alias(raw) == expected


def test_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n'
        '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        "<CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>&c;</FIRST_NAME>"
        "</ENTITY></ENTITIES></CONSOLIDATED_LIST>\n", encoding="utf-8")
    with pytest.raises(ListImportError, match="refused"):
        import_consolidated_xml(bomb)


def test_external_entity_is_refused(tmp_path: Path) -> None:
    xxe = tmp_path / "xxe.xml"
    xxe.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   "<CONSOLIDATED_LIST>&e;</CONSOLIDATED_LIST>", encoding="utf-8")
    with pytest.raises(ListImportError, match="refused"):
        import_consolidated_xml(xxe)


def test_not_the_un_list_and_broken_xml_are_clear_errors(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<rss><channel/></rss>", encoding="utf-8")
    with pytest.raises(ListImportError, match="CONSOLIDATED_LIST"):
        import_consolidated_xml(other)
    broken = tmp_path / "broken.xml"
    broken.write_text("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n</CONSOLIDATED_LIST>",
                      encoding="utf-8")
    with pytest.raises(ListImportError, match=r"broken\.xml:3:"):
        import_consolidated_xml(broken)
    with pytest.raises(ListImportError, match="cannot read"):
        import_consolidated_xml(tmp_path / "missing.xml")


# --------------------------------------------------------------------------- list files


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    lst = import_consolidated_xml(SAMPLE).list
    path = tmp_path / "lists" / "un.yaml"
    write_list_file(lst, path)
    loaded = load_list_file(path)
    assert loaded == lst
    assert loaded.digest == lst.digest
    assert [p.name for p in path.parent.iterdir()] == ["un.yaml"]  # no temp file left behind
    header = path.read_text(encoding="utf-8")
    for key in ("format_version: 1", f"entry_count: {len(lst.entries)}",
                f"digest: {lst.digest}", "source_date:"):
        assert key in header


def test_digest_follows_content() -> None:
    lst = import_consolidated_xml(SAMPLE).list
    before = lst.digest
    assert lst.model_copy(update={"name": "renamed"}).digest != before
    first = lst.entries[0]
    changed = lst.model_copy(update={"entries": [
        first.model_copy(update={"aliases": [*first.aliases, Alias(name="Someone Else")]}),
        *lst.entries[1:]]})
    assert changed.digest != lst.digest
    rebuilt = SanctionsList.model_validate(lst.model_dump())
    assert rebuilt.digest == lst.digest


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _written(tmp_path: Path) -> Path:
    path = tmp_path / "un.yaml"
    write_list_file(import_consolidated_xml(SAMPLE).list, path)
    return path


def _load_errors(path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        load_list_file(path)
    return [str(e) for e in info.value.errors]


def test_unknown_key_is_reported_at_its_line(tmp_path: Path) -> None:
    path = _written(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  name: TANCHON COMMERCIAL BANK\n",
                                 "  name: TANCHON COMMERCIAL BANK\n  colour: red\n"),
                    encoding="utf-8")
    errors = _load_errors(path)
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:{_line_of(path, 'colour: red')}:")
    assert "colour" in errors[0]


def test_bad_value_is_reported_at_its_line(tmp_path: Path) -> None:
    path = _written(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  type: vessel", "  type: ship").replace(
        "ref: KPi.033\n  type: individual", "ref: KPi.033\n  type: person"), encoding="utf-8")
    errors = _load_errors(path)
    assert any(e.startswith(f"{path}:{_line_of(path, 'type: person')}:") for e in errors)


def test_hand_edit_breaks_the_digest(tmp_path: Path) -> None:
    path = _written(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: RI WON HO", "name: RI WON HOO"), encoding="utf-8")
    errors = _load_errors(path)
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:{_line_of(path, 'digest:')}:")
    assert "digest" in errors[0]


def test_count_duplicate_and_imo_misuse_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    path.write_text(
        "format_version: 1\nname: hand\nentry_count: 3\n"
        f"digest: sha256:{'0' * 64}\n"
        "entries:\n"
        "- ref: KPe.001\n  type: entity\n  name: ONE\n  regime: DPRK\n"
        "- ref: KPe.001\n  type: entity\n  name: TWO\n  regime: DPRK\n  imo: ['1234567']\n",
        encoding="utf-8")
    errors = _load_errors(path)
    assert any(f"{path}:3:" in e and "entry_count" in e for e in errors)
    assert any(f"{path}:10:" in e and "duplicate ref" in e and "line 6" in e for e in errors)
    assert any(f"{path}:14:" in e and "company_imo" in e for e in errors)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format_version: 1\nname: [unclosed\nentries: []\n", encoding="utf-8")
    errors = _load_errors(path)
    assert len(errors) == 1 and re.match(rf"{re.escape(str(path))}:\d+: YAML syntax", errors[0])


def test_load_lists_reads_every_file_and_reports_all_errors(tmp_path: Path) -> None:
    lst = import_consolidated_xml(SAMPLE).list
    write_list_file(lst, tmp_path / "a.yaml")
    vessels = SanctionsList(name="vessels", entries=[ListEntry(
        ref="KPv.TEST", type="vessel", name="TEST SHIP", regime="DPRK", imo=["8910811"])])
    write_list_file(vessels, tmp_path / "b.yaml")
    assert [x.name for x in load_lists(tmp_path)] == [lst.name, "vessels"]
    (tmp_path / "c.yaml").write_text("format_version: 2\n", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("name: [\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_lists(tmp_path)
    files = {Path(e.file).name for e in info.value.errors}
    assert files == {"c.yaml", "d.yaml"}
    with pytest.raises(RuleSetError, match="no such lists folder"):
        load_lists(tmp_path / "missing")


def test_shipped_list_is_the_real_list_of_2024_09_26() -> None:
    lists = {x.name: x for x in load_lists(SHIPPED_LISTS)}
    shipped = lists["un-consolidated"]
    # the whole published list (682 individuals, 193 entities), dated as the UN dated it
    kinds = [e.type for e in shipped.entries]
    assert (kinds.count("individual"), kinds.count("entity")) == (682, 193)
    assert shipped.version.startswith("2024-09-26")
    # The sample holds real records of the same file: the shipped entries name them alike.
    by_ref = {e.ref: e for e in shipped.entries}
    for sample in import_consolidated_xml(SAMPLE).list.entries:
        entry = by_ref[sample.ref]
        assert (entry.name, entry.regime, entry.listed_on) == (
            sample.name, sample.regime, sample.listed_on)
        # (the sample abridges some records: its aliases are among the real ones)
        assert {a.name for a in sample.aliases} <= {a.name for a in entry.aliases}
    for lst in lists.values():
        for entry in lst.entries:
            assert entry.imo == [] or entry.type == "vessel"


def test_shipped_list_keeps_what_tells_a_person_from_a_namesake() -> None:
    shipped = {x.name: x for x in load_lists(SHIPPED_LISTS)}["un-consolidated"]
    people = [e for e in shipped.entries if e.type == "individual"]
    assert sum(bool(e.birth_dates) for e in people) > 600
    assert sum(bool(e.birth_places) for e in people) > 500
    assert sum(bool(e.documents) for e in people) > 200
    assert sum(bool(e.designations) for e in people) > 200
    saif = next(e for e in people if e.ref == "LYi.017")
    assert "1972-06-25" in saif.birth_dates and any("Tripoli" in p for p in saif.birth_places)
    details = saif.details()
    assert any(d.startswith("born 1972-06-25") for d in details)
    assert any(d.startswith("listed on 2011-02-26") for d in details)


# --------------------------------------------------------------------------- vessel CSV


def test_vessel_csv_imports_rows_and_reports_bad_ones(tmp_path: Path) -> None:
    # Invented rows in the shape of a designated-vessels sheet.
    path = tmp_path / "vessels.csv"
    path.write_text(
        "Vessel Name,IMO Number,Flag,Also known as,Date of designation\n"
        "PACIFIC EXAMPLE,8910811,Sierra Leone,Example One; Example 1,2018-03-30\n"
        "NORTHERN TEST, IMO 9123456 ,,,\n"
        "BROKEN NUMBER,12345,,,\n"
        ",9999999,,,\n"
        "\n", encoding="utf-8")
    result = import_vessels_csv(path)
    entries = {e.name: e for e in result.list.entries}
    assert set(entries) == {"PACIFIC EXAMPLE", "NORTHERN TEST"}
    example = entries["PACIFIC EXAMPLE"]
    assert (example.type, example.imo, example.flag, example.listed_on) == (
        "vessel", ["8910811"], "Sierra Leone", date(2018, 3, 30))
    assert [a.name for a in example.aliases] == ["Example One", "Example 1"]
    assert entries["NORTHERN TEST"].imo == ["9123456"]
    assert len(result.problems) == 2
    assert any("vessels.csv:4" in p and "12345" in p for p in result.problems)
    assert any("vessels.csv:5" in p and "no vessel name" in p for p in result.problems)
    write_list_file(result.list, tmp_path / "v.yaml")
    assert load_list_file(tmp_path / "v.yaml") == result.list


def test_vessel_csv_without_a_name_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("Ship,Number\nA,1\n", encoding="utf-8")
    with pytest.raises(ListImportError, match="no vessel name column"):
        import_vessels_csv(path)
