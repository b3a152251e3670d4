"""Sanctions lists: the normalised list model, the UN consolidated XML importer and list files.

This module owns everything between the official UN Security Council Consolidated List (XML) and
the versioned YAML list files under `rules/lists/`: reading the XML leniently (real files break
the published XSD, see reference §6), writing list files atomically with a header that carries
the source, the source date, the entry count and a content digest, and loading them back with
`file:line` errors. Matching names in text is `sanctionscan.names`; this module never matches.
"""

from __future__ import annotations

import builtins
import csv
import hashlib
import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from sanctionscan.atomic import write_text_atomic
from sanctionscan.errors import RuleFileError, RuleSetError, SanctionscanError
from sanctionscan.models import ListInfo
from sanctionscan.yamlfile import load_yaml

LIST_FORMAT_VERSION = 1
UN_CONSOLIDATED_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

# The real file is ~3 MB; anything far larger is not the UN list and would only cost memory.
MAX_XML_BYTES = 64 * 1024 * 1024
_COMMENT_LIMIT = 300
# A real record's values are short; a value far beyond these is a broken or hostile file, and
# the record is skipped with a reason instead of aborting the import (or exhausting memory).
MAX_NAME_CHARS = 500
MAX_FIELD_CHARS = 20_000
MAX_DATAID_DIGITS = 12
MAX_ALIASES = 400
MAX_DETAIL_CHARS = 300

EntryType = Literal["individual", "entity", "vessel"]
AliasQuality = Literal["good", "low", "unknown"]
NonEmpty = Annotated[str, StringConstraints(strict=True, min_length=1)]
ImoNumber = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{7}$")]


class ListImportError(SanctionscanError):
    """The input cannot be imported at all (unreadable, hostile or not the UN list)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Alias(_Frozen):
    """One other name of a listed party, as the list gives it."""

    name: NonEmpty
    quality: AliasQuality = "good"
    original_script: bool = Field(
        default=False, description="written in a non-Latin script (Arabic, Chinese, ...)")
    former: bool = Field(default=False, description="a previous name (UN 'f.k.a.')")


class ListEntry(_Frozen):
    """One listed individual, entity or vessel."""

    ref: NonEmpty = Field(description="permanent reference, e.g. 'KPi.033'")
    type: EntryType
    name: NonEmpty = Field(description="primary name as listed")
    aliases: list[Alias] = Field(default_factory=list)
    regime: NonEmpty = Field(description="UN list type, e.g. 'DPRK', 'Al-Qaida', 'Taliban'")
    listed_on: date | None = None
    nationality: list[str] = Field(default_factory=list)
    imo: list[ImoNumber] = Field(
        default_factory=list, description="ship IMO numbers (vessels only)")
    company_imo: list[ImoNumber] = Field(
        default_factory=list,
        description="IMO company/registered-owner numbers; never a ship's number")
    flag: str | None = Field(default=None, description="flag state (vessels)")
    data_id: int | None = Field(default=None, description="UN DATAID, stable across versions")
    comments: str = Field(default="", description="short extract of the list's comments")
    # What an analyst needs to tell the listed person from a namesake (empty when not given).
    birth_dates: list[str] = Field(default_factory=list, description="'1961 (approximately)'")
    birth_places: list[str] = Field(default_factory=list, description="city, province, country")
    documents: list[str] = Field(default_factory=list,
                                 description="passport and ID numbers, with type and country")
    addresses: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list, description="'Mullah', 'Dr.'")
    designations: list[str] = Field(default_factory=list, description="positions held")

    def details(self) -> list[str]:
        """The identifying facts, one short phrase each, for a match explanation."""
        out = []
        for label, values in (("born", self.birth_dates), ("born in", self.birth_places),
                              ("nationality", self.nationality), ("IMO", self.imo),
                              ("company IMO", self.company_imo), ("flag", [self.flag or ""]),
                              ("document", self.documents), ("title", self.titles),
                              ("designation", self.designations), ("address", self.addresses)):
            shown = [v for v in values if v][:3]
            if shown:
                out.append(f"{label} {'; '.join(shown)}")
        if self.listed_on:
            out.append(f"listed on {self.listed_on.isoformat()}")
        return out


# Fields added after list format 1 was first written: left out of the digest when empty, so
# files written before them keep their digest.
_LATER_FIELDS = ("birth_dates", "birth_places", "documents", "addresses", "titles",
                 "designations")


class SanctionsList(_Frozen):
    """A whole normalised list: what one list file holds."""

    name: NonEmpty = Field(description="short list name, e.g. 'un-consolidated'")
    source: str = Field(default="", description="where it came from (URL or file name)")
    version: str = Field(default="", description="source date, e.g. the XML dateGenerated")
    entries: list[ListEntry] = Field(default_factory=list)

    @property
    def digest(self) -> str:
        """sha256 of the canonical content, so a rule-set digest changes when any entry does.

        Computed on each call, not cached: `model_copy(update=...)` would carry a cached value
        over to a copy with different content."""
        content = self.model_dump(mode="json")
        for entry in content["entries"]:
            for key in _LATER_FIELDS:
                if not entry.get(key):
                    entry.pop(key, None)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def info(self) -> ListInfo:
        return ListInfo(name=self.name, version=self.version, entries=len(self.entries),
                        digest=self.digest)


class ImportResult(_Frozen):
    """An imported list and the records that could not be read (one message per record)."""

    list: SanctionsList
    # (builtins.list: in this class body `list` is the field above)
    problems: builtins.list[str] = Field(default_factory=builtins.list)


# --------------------------------------------------------------------------- XML import

_REF_PATTERN = re.compile(r"^[A-Z]{2}[ie]\.\d+$")
_REGIME_BY_PREFIX = {
    "QD": "Al-Qaida", "TA": "Taliban", "KP": "DPRK", "IQ": "Iraq", "IR": "Iran", "LY": "Libya",
    "CD": "DRC", "SO": "Somalia", "CF": "CAR", "YE": "Yemen", "GB": "GB", "SS": "SouthSudan",
    "SD": "Sudan", "HT": "Haiti",
}
_INDIVIDUAL_QUALITY: dict[str, AliasQuality] = {"good": "good", "low": "low", "": "unknown"}
_IMO_PATTERNS = (
    re.compile(r"(?:International Maritime Organi[sz]ation \(IMO\) |IMO )?[Nn]umber:?\s*(\d{7})\b"),
    re.compile(r"Company Number IMO:?\s*(\d{7})\b"),
)
_QUOTES = "\"'“”‘’«»"


class _BadRecord(Exception):
    """One record cannot be read; becomes an import problem, the others still load."""


def import_consolidated_xml(path: Path | str, *, name: str = "un-consolidated",
                            source: str = UN_CONSOLIDATED_URL) -> ImportResult:
    """Read the UN consolidated list XML into a normalised list.

    Raises ListImportError when the file cannot be used at all (unreadable, too large, hostile
    markup such as entity expansion, not the UN list). A single unreadable record does not stop
    the import: it is left out and named in `problems`.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ListImportError(f"{path}: cannot read file: {exc}") from exc
    if size > MAX_XML_BYTES:
        raise ListImportError(
            f"{path}: {size} bytes is far larger than the UN list (limit {MAX_XML_BYTES})")
    try:
        # The UN list never declares a DTD, so any DTD is refused outright: that stops entity
        # expansion ("billion laughs") and external entities before they are read.
        tree = SafeET.parse(str(path), forbid_dtd=True, forbid_entities=True,
                            forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise ListImportError(
            f"{path}: refused: the XML declares a DTD or entities ({type(exc).__name__}); the "
            "UN list never does, and entity expansion can exhaust memory") from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        raise ListImportError(f"{path}:{line}: not well-formed XML: {exc}") from exc
    except OSError as exc:
        raise ListImportError(f"{path}: cannot read file: {exc}") from exc

    root = tree.getroot()
    if _local(root.tag) != "CONSOLIDATED_LIST":
        raise ListImportError(
            f"{path}: root element is <{_local(root.tag)}>, expected <CONSOLIDATED_LIST>: "
            "is this the UN consolidated list?")
    records: list[tuple[Element, EntryType]] = [
        (el, "individual") for el in root.iter() if _local(el.tag) == "INDIVIDUAL"]
    records += [(el, "entity") for el in root.iter() if _local(el.tag) == "ENTITY"]
    if not records:
        raise ListImportError(f"{path}: no INDIVIDUAL or ENTITY records found")

    entries: list[ListEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for position, (element, kind) in enumerate(records, start=1):
        label = _record_label(element, kind, position)
        try:
            entry = _read_record(element, kind, problems, label)
        except _BadRecord as exc:
            problems.append(f"{label}: skipped: {exc}")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            problems.append(f"{label}: skipped: {where}: {first['msg']}")
            continue
        if entry.ref in seen:
            problems.append(f"{label}: skipped: reference {entry.ref} appears twice")
            continue
        seen.add(entry.ref)
        entries.append(entry)

    if not entries:
        # every record was unreadable: this is no list, and writing it would empty the
        # matcher without a word
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise ListImportError(f"{path}: none of the {len(records)} records could be read, "
                              f"nothing imported: {shown}")
    entries.sort(key=lambda e: e.ref)
    version = (root.get("dateGenerated") or "").strip()
    lst = SanctionsList(name=name, source=source, version=version, entries=entries)
    return ImportResult(list=lst, problems=problems)


def _local(tag: Any) -> str:
    # Tolerate a namespace even though the UN file has none; a comment node has a callable tag.
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, tag: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == tag]


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _first_text(element: Element, tag: str) -> str:
    for child in _children(element, tag):
        value = _text(child)
        if value:
            return value
    return ""


def _values(element: Element, tag: str) -> list[str]:
    """Non-empty `<TAG><VALUE>..</VALUE></TAG>` values, whitespace collapsed."""
    found: list[str] = []
    for holder in _children(element, tag):
        for value in _children(holder, "VALUE"):
            text = _text(value)
            if text and text not in found:
                found.append(text)
    return found


def _record_label(element: Element, kind: str, position: int) -> str:
    ref = _first_text(element, "REFERENCE_NUMBER")
    if ref:
        return ref
    data_id = _first_text(element, "DATAID")
    suffix = f", DATAID {data_id}" if data_id else ""
    return f"{kind} record #{position} (no REFERENCE_NUMBER{suffix})"


def _read_record(element: Element, kind: EntryType, problems: list[str], label: str
                 ) -> ListEntry:
    ref = _first_text(element, "REFERENCE_NUMBER")
    if not ref:
        raise _BadRecord("REFERENCE_NUMBER is missing or empty")
    if not _REF_PATTERN.match(ref):
        raise _BadRecord(f"REFERENCE_NUMBER {ref!r} is not of the form 'KPi.033'")
    name = _primary_name(element, kind)
    if not name:
        raise _BadRecord("no name (FIRST_NAME ... FOURTH_NAME are empty)")
    regime = _first_text(element, "UN_LIST_TYPE") or _REGIME_BY_PREFIX.get(ref[:2], "")
    if not regime:
        raise _BadRecord("UN_LIST_TYPE is missing and the reference prefix is unknown")

    listed_on: date | None = None
    raw_listed = _first_text(element, "LISTED_ON")
    if raw_listed:
        listed_on = _parse_date(raw_listed)
        if listed_on is None:
            # The name is what matching needs; a bad date only loses the date.
            problems.append(f"{label}: LISTED_ON {raw_listed!r} is not a date; kept without it")

    _check_sizes(element)
    if len(name) > MAX_NAME_CHARS:
        raise _BadRecord(f"name is {len(name)} characters long (limit {MAX_NAME_CHARS})")
    data_id_text = _first_text(element, "DATAID")
    if len(data_id_text) > MAX_DATAID_DIGITS:
        raise _BadRecord(f"DATAID is {len(data_id_text)} characters long (a real one has at "
                         f"most {MAX_DATAID_DIGITS} digits)")
    data_id = int(data_id_text) if data_id_text.isdigit() else None
    comments = _first_text(element, "COMMENTS1")
    alias_tag = "INDIVIDUAL_ALIAS" if kind == "individual" else "ENTITY_ALIAS"
    aliases = _aliases(element, alias_tag, kind, name)
    nationality = _values(element, "NATIONALITY")
    if kind == "entity":
        # Entities have no nationality element; the countries of their addresses say where
        # they operate, which is what a reader of the finding needs.
        for address in _children(element, "ENTITY_ADDRESS"):
            country = _first_text(address, "COUNTRY")
            if country and country not in nationality:
                nationality.append(country)
    if len(aliases) > MAX_ALIASES:
        raise _BadRecord(f"{len(aliases)} aliases (limit {MAX_ALIASES})")
    if any(len(a.name) > MAX_NAME_CHARS for a in aliases):
        raise _BadRecord(f"an alias is longer than {MAX_NAME_CHARS} characters")
    prefix = "INDIVIDUAL" if kind == "individual" else "ENTITY"
    return ListEntry(
        ref=ref, type=kind, name=name, aliases=aliases, regime=regime, listed_on=listed_on,
        nationality=nationality, company_imo=_company_imo_numbers(comments), data_id=data_id,
        comments=_short(comments),
        birth_dates=_birth_dates(element), birth_places=_places(element,
                                                                 "INDIVIDUAL_PLACE_OF_BIRTH"),
        documents=_documents(element), addresses=_places(element, f"{prefix}_ADDRESS"),
        titles=[_short(v) for v in _values(element, "TITLE")],
        designations=[_short(v) for v in _values(element, "DESIGNATION")],
    )


def _check_sizes(element: Element) -> None:
    for child in element.iter():
        text = child.text or ""
        if len(text) > MAX_FIELD_CHARS:
            raise _BadRecord(f"<{_local(child.tag)}> holds {len(text)} characters (limit "
                             f"{MAX_FIELD_CHARS})")


def _birth_dates(element: Element) -> list[str]:
    found: list[str] = []
    for holder in _children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _first_text(holder, "TYPE_OF_DATE").casefold()
        day = _first_text(holder, "DATE")
        year = _first_text(holder, "YEAR")
        low, high = _first_text(holder, "FROM_YEAR"), _first_text(holder, "TO_YEAR")
        if day:
            parsed = _parse_date(day)
            value = parsed.isoformat() if parsed else day
        elif year:
            value = year
        elif low or high:
            value = f"between {low or '?'} and {high or '?'}"
        else:
            continue
        if kind == "approximately":
            value += " (approximately)"
        value = _short(value, MAX_DETAIL_CHARS)
        if value not in found:
            found.append(value)
    return found


def _places(element: Element, tag: str) -> list[str]:
    found: list[str] = []
    for holder in _children(element, tag):
        parts = [_first_text(holder, t) for t in ("STREET", "CITY", "STATE_PROVINCE",
                                                  "COUNTRY")]
        value = _short(", ".join(p for p in parts if p), MAX_DETAIL_CHARS)
        if value and value not in found:
            found.append(value)
    return found


def _documents(element: Element) -> list[str]:
    found: list[str] = []
    for holder in _children(element, "INDIVIDUAL_DOCUMENT"):
        number = _first_text(holder, "NUMBER")
        if not number:
            continue
        kind = _first_text(holder, "TYPE_OF_DOCUMENT") or "document"
        country = _first_text(holder, "ISSUING_COUNTRY") or _first_text(
            holder, "COUNTRY_OF_ISSUE")
        value = f"{kind} {number}" + (f" ({country})" if country else "")
        value = _short(value, MAX_DETAIL_CHARS)
        if value not in found:
            found.append(value)
    return found


def _primary_name(element: Element, kind: str) -> str:
    tags = ("FIRST_NAME",) if kind == "entity" else (
        "FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    parts = [_first_text(element, tag) for tag in tags]
    return " ".join(p for p in parts if p)


def _parse_date(raw: str) -> date | None:
    # Real files carry '2015-04-14-04:00' (date with a UTC offset) next to plain ISO dates.
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", raw.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _aliases(element: Element, tag: str, kind: str, primary: str) -> list[Alias]:
    found: list[Alias] = []
    seen = {primary.casefold()}

    def add(raw: str, quality: AliasQuality, former: bool, script: bool | None = None) -> None:
        for name in split_packed_alias(raw):
            key = name.casefold()
            if key in seen:
                continue
            seen.add(key)
            original = is_original_script(name) if script is None else script
            found.append(Alias(name=name, quality=quality, original_script=original,
                               former=former))

    original_name = _first_text(element, "NAME_ORIGINAL_SCRIPT")
    if original_name:
        add(original_name, "good", False, True)
    for alias in _children(element, tag):
        raw = _first_text(alias, "ALIAS_NAME")
        if not raw:
            continue  # the common placeholder <ALIAS_NAME/> means "no alias"
        quality_text = _first_text(alias, "QUALITY").casefold()
        former = quality_text in {"f.k.a.", "fka", "f.k.a"}
        if kind == "individual":
            quality = _INDIVIDUAL_QUALITY.get(quality_text, "unknown")
        else:
            quality = "good" if quality_text in {"a.k.a.", "aka", "a.k.a", "f.k.a.", "fka",
                                                  "f.k.a"} else "unknown"
        add(raw, quality, former)
    return found


def split_packed_alias(raw: str) -> list[str]:
    """Split one ALIAS_NAME into names: the UN packs several into one element with '; ', and
    wraps a list in parentheses after an original-script form."""
    text = " ".join(raw.split())
    pieces: list[str] = []
    outer = re.match(r"^(?P<head>[^()]+?)\s*\((?P<inner>[^()]*;[^()]*)\)\s*$", text)
    if outer:
        pieces.append(outer["head"])
        pieces.extend(outer["inner"].split(";"))
    else:
        pieces.extend(text.split(";"))
    names = []
    for piece in pieces:
        name = piece.strip().strip(_QUOTES).strip().rstrip(",").strip()
        if name:
            names.append(name)
    return names


def is_original_script(name: str) -> bool:
    """True when the name is written in a non-Latin script (Arabic, Chinese, Hangul, ...)."""
    for char in name:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return True
    return False


def _company_imo_numbers(comments: str) -> list[str]:
    numbers: list[str] = []
    for pattern in _IMO_PATTERNS:
        for match in pattern.finditer(comments):
            # "Number: 1234567" alone could be a phone number: only keep it when IMO is named.
            window = comments[max(0, match.start() - 60):match.end()]
            if "IMO" in window and match[1] not in numbers:
                numbers.append(match[1])
    return numbers


def _short(comments: str, limit: int = _COMMENT_LIMIT) -> str:
    text = " ".join(comments.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


# --------------------------------------------------------------------------- vessel CSV

# Header spellings seen in copies of the 1718 Designated Vessels List, matched case-insensitively.
_VESSEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("vessel name", "name of vessel", "vessel", "name", "ship name"),
    "imo": ("imo number", "imo no.", "imo no", "imo"),
    "flag": ("flag", "flag state"),
    "aliases": ("also known as", "aka", "a.k.a.", "aliases", "other names", "former names"),
    "listed_on": ("date of designation", "designation date", "listed on", "date designated"),
    "comments": ("reason", "basis", "legal basis", "owner", "designated owner", "comments"),
}


def import_vessels_csv(path: Path | str, *, name: str = "un-1718-vessels", source: str = "",
                       version: str = "", regime: str = "DPRK") -> ImportResult:
    """Read a CSV copy of a designated-vessels list (one vessel a row) into a vessel list.

    Columns are found by header name (see `_VESSEL_COLUMNS`); a row without a name or with an
    IMO number that is not seven digits is reported as a problem and left out.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_XML_BYTES:
            raise ListImportError(f"{path}: far larger than a vessel list")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ListImportError(f"{path}: cannot read file: {exc}") from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ListImportError(f"{path}: empty file")
    header = [h.strip().casefold() for h in rows[0]]
    columns: dict[str, int] = {}
    for field, spellings in _VESSEL_COLUMNS.items():
        for spelling in spellings:
            if spelling in header:
                columns[field] = header.index(spelling)
                break
    if "name" not in columns:
        raise ListImportError(f"{path}:1: no vessel name column (looked for "
                              f"{', '.join(_VESSEL_COLUMNS['name'])})")

    def cell(row: list[str], field: str) -> str:
        index = columns.get(field)
        return " ".join(row[index].split()) if index is not None and index < len(row) else ""

    entries: list[ListEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        vessel = cell(row, "name")
        imo = re.sub(r"\D", "", cell(row, "imo"))
        label = f"{path.name}:{line}"
        if not vessel:
            problems.append(f"{label}: skipped: no vessel name")
            continue
        if imo and len(imo) != 7:
            problems.append(f"{label}: skipped: IMO number {cell(row, 'imo')!r} is not 7 digits")
            continue
        ref = f"KPv.{imo}" if imo else "KPv." + re.sub(r"[^A-Z0-9]+", "-", vessel.upper())
        if ref in seen:
            problems.append(f"{label}: skipped: {vessel} ({ref}) appears twice")
            continue
        seen.add(ref)
        aliases = [Alias(name=a) for a in split_packed_alias(cell(row, "aliases"))
                   if a.casefold() != vessel.casefold()]
        entries.append(ListEntry(
            ref=ref, type="vessel", name=vessel, aliases=aliases, regime=regime,
            listed_on=_parse_date(cell(row, "listed_on")), imo=[imo] if imo else [],
            flag=cell(row, "flag") or None, comments=_short(cell(row, "comments"))))
    entries.sort(key=lambda e: e.ref)
    lst = SanctionsList(name=name, source=source or path.name, version=version, entries=entries)
    return ImportResult(list=lst, problems=problems)


# --------------------------------------------------------------------------- list files


class _ListFile(BaseModel):
    """The on-disk shape of a list file; validated strictly so hand edits fail loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: Literal[1]
    name: NonEmpty
    source: str = ""
    source_date: str = ""
    entry_count: int
    digest: Annotated[str, StringConstraints(strict=True, pattern=r"^sha256:[0-9a-f]{64}$")]
    entries: list[ListEntry]


def write_list_file(lst: SanctionsList, path: Path | str) -> None:
    """Write a versioned YAML list file atomically: readers never see half a file. Only a
    regular file is replaced, never a symlink, device or FIFO (ListImportError)."""
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ListImportError(f"{path}: not a regular file; not replacing it")
    header = (
        f"# sanctionscan list file (format {LIST_FORMAT_VERSION}). Generated; do not edit by\n"
        "# hand: the digest covers every entry and is checked on load.\n"
    )
    body = {
        "format_version": LIST_FORMAT_VERSION,
        "name": lst.name,
        "source": lst.source,
        "source_date": lst.version,
        "entry_count": len(lst.entries),
        "digest": lst.digest,
        "entries": [_entry_for_file(e) for e in lst.entries],
    }
    text = header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
    write_text_atomic(path, text)


def _entry_for_file(entry: ListEntry) -> dict[str, Any]:
    # Defaults are left out so the file stays readable; loading restores them.
    data = entry.model_dump(mode="python", exclude_defaults=True)
    if "aliases" in data:
        data["aliases"] = [
            a.model_dump(mode="python", exclude_defaults=True) for a in entry.aliases]
    return data


def load_list_file(path: Path | str) -> SanctionsList:
    """Load and validate one list file. Raises RuleSetError with `file:line: message` errors."""
    path = Path(path)
    fast = _load_list_file_fast(path)
    if fast is not None:
        return fast
    try:
        doc = load_yaml(path)
    except RuleFileError as exc:
        raise RuleSetError([exc]) from exc
    if not isinstance(doc.data, dict):
        raise RuleSetError([doc.error((), "a list file must be a mapping with 'entries'")])
    try:
        parsed = _ListFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RuleSetError(doc.validation_errors(exc)) from exc

    errors: list[RuleFileError] = []
    first_line: dict[str, int] = {}
    for i, entry in enumerate(parsed.entries):
        if entry.ref in first_line:
            errors.append(doc.error(("entries", i, "ref"),
                                    f"duplicate ref {entry.ref!r} (first at line "
                                    f"{first_line[entry.ref]})"))
        else:
            first_line[entry.ref] = doc.line_of(("entries", i, "ref"))
        if entry.imo and entry.type != "vessel":
            errors.append(doc.error(("entries", i, "imo"),
                                    "imo holds ship numbers and is only allowed on vessels "
                                    "(use company_imo for a company's IMO number)"))
    if parsed.entry_count != len(parsed.entries):
        errors.append(doc.error(("entry_count",),
                                f"entry_count is {parsed.entry_count} but the file holds "
                                f"{len(parsed.entries)} entries"))
    lst = SanctionsList(name=parsed.name, source=parsed.source, version=parsed.source_date,
                        entries=parsed.entries)
    if not errors and lst.digest != parsed.digest:
        errors.append(doc.error(("digest",),
                                f"digest does not match the entries (computed {lst.digest}); "
                                "the file was changed after it was written — re-import it, or "
                                "put the computed digest here after reviewing the change"))
    if errors:
        raise RuleSetError(errors)
    return lst


def _load_list_file_fast(path: Path) -> SanctionsList | None:
    """The list file through libyaml, when it is valid: the real list is 600 KB, and the
    line-numbered loader takes seconds on it. Any doubt (no libyaml, a YAML or schema error, a
    duplicate ref, a digest that does not match: a duplicated key changes the content too)
    returns None, and the careful loader then reports the errors with their lines."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        parsed = _ListFile.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError):
        return None
    refs = {e.ref for e in parsed.entries}
    if (parsed.entry_count != len(parsed.entries) or len(refs) != len(parsed.entries)
            or any(e.imo and e.type != "vessel" for e in parsed.entries)):
        return None
    lst = SanctionsList(name=parsed.name, source=parsed.source, version=parsed.source_date,
                        entries=parsed.entries)
    return lst if lst.digest == parsed.digest else None


def load_lists(directory: Path | str) -> list[SanctionsList]:
    """Load every `*.yaml` list file in a folder, in name order. All files are checked and every
    error is reported together (RuleSetError), not only the first file's."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleSetError([RuleFileError(str(directory), 1, "no such lists folder")])
    lists: list[SanctionsList] = []
    errors: list[RuleFileError] = []
    names: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            lst = load_list_file(path)
        except RuleSetError as exc:
            errors.extend(exc.errors)
            continue
        if lst.name in names:
            errors.append(RuleFileError(str(path), 1, f"list name {lst.name!r} is already used "
                                                      f"by {names[lst.name]}"))
            continue
        names[lst.name] = path
        lists.append(lst)
    if errors:
        raise RuleSetError(errors)
    return lists


# --------------------------------------------------------------------------- diff and update


class EntryChange(_Frozen):
    """One entry in both lists whose content differs, with the fields that changed."""

    ref: str
    name: str
    fields: builtins.list[str]


class ListDiff(_Frozen):
    """What changed from one version of a list to the next, by reference number."""

    old_version: str
    new_version: str
    added: builtins.list[ListEntry] = Field(default_factory=builtins.list)
    removed: builtins.list[ListEntry] = Field(default_factory=builtins.list)
    changed: builtins.list[EntryChange] = Field(default_factory=builtins.list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_lists(old: SanctionsList, new: SanctionsList) -> ListDiff:
    """Added, removed and changed entries between two versions of a list (matched by ref)."""
    before = {e.ref: e for e in old.entries}
    after = {e.ref: e for e in new.entries}
    changed = []
    for ref in sorted(before.keys() & after.keys()):
        a, b = before[ref].model_dump(), after[ref].model_dump()
        fields = [k for k in a if a[k] != b[k]]
        if fields:
            changed.append(EntryChange(ref=ref, name=after[ref].name, fields=fields))
    return ListDiff(
        old_version=old.version, new_version=new.version,
        added=[after[r] for r in sorted(after.keys() - before.keys())],
        removed=[before[r] for r in sorted(before.keys() - after.keys())],
        changed=changed)


def read_list(path: Path | str) -> SanctionsList:
    """A list from a list file (.yaml) or from the UN XML (.xml), for `lists diff`."""
    path = Path(path)
    if path.suffix.lower() == ".xml":
        return import_consolidated_xml(path).list
    return load_list_file(path)


PREVIOUS_SUFFIX = ".previous"
# An update that loses this share of the entries is far more likely a broken or partial file
# than the Council delisting half the list in a day: refused unless forced.
MAX_SHRINK = 0.5


class UpdateResult(_Frozen):
    """What `update_list` did: the new list, what changed, where the old one was kept."""

    target: str
    previous: str | None
    diff: ListDiff
    problems: builtins.list[str] = Field(default_factory=builtins.list)


def replace_list(content: bytes, url: str, target: Path | str, *, force: bool = False
                 ) -> UpdateResult:
    """Validate the UN XML `content` (downloaded from `url`) and replace the list file
    `target` with it, keeping the file it replaces beside it as `<target>.previous`.

    Raises ListImportError (the file is not the UN list, no record can be read, or the list
    shrank by more than half without `force`) and then changes nothing: the list in use stays
    as it was, which is what an offline run relies on. (The download itself is
    `sanctionscan.listupdate.update_list`: this layer does no network I/O.)"""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    download = target.with_name(f".{target.name}.download.xml")
    try:
        download.write_bytes(content)
        result = import_consolidated_xml(download, name="un-consolidated", source=url)
    finally:
        download.unlink(missing_ok=True)
    new = result.list
    old: SanctionsList | None = None
    if target.is_file():
        try:
            old = load_list_file(target)
        except RuleSetError:
            old = None  # a broken file in use is replaced, and kept beside it
    if old is not None and not force and len(new.entries) < len(old.entries) * MAX_SHRINK:
        raise ListImportError(
            f"{url}: {len(new.entries)} entries where the list in use has "
            f"{len(old.entries)}: refusing an update that loses more than half of the list "
            "(use --force if this is right)")
    previous: Path | None = None
    if target.is_file():
        previous = target.with_name(target.name + PREVIOUS_SUFFIX)
        if previous.is_symlink() or (previous.exists() and not previous.is_file()):
            raise ListImportError(f"{previous}: not a regular file; not replacing it")
        write_text_atomic(previous, target.read_text(encoding="utf-8"))
    write_list_file(new, target)
    empty = SanctionsList(name=new.name)
    return UpdateResult(target=str(target), previous=str(previous) if previous else None,
                        diff=diff_lists(old or empty, new), problems=result.problems)
