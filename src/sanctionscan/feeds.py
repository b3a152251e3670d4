"""RSS 2.0 and Atom feeds: bytes in, entries and `Document`s out.

It owns the safety check and the mapping from feed entries to documents. Every feed passes
through defusedxml first, which refuses entity declarations (the "billion laughs" bomb),
external entities and DTD tricks, and rejects XML that is not well formed; only bytes that pass
reach feedparser, which does the format-specific work (RSS/Atom element names, dates). A bad
feed raises `FeedError` with a reason; the caller reports it and goes on with the other feeds.

An entry's document id is its guid (or Atom id), else its link (a bare guid such as "12345" is
qualified with the feed, "feed#12345", since it is unique only within that feed); its text is the
content or summary with markup removed; `link_only` says the entry has no text of its own, so
the article page must be fetched to scan anything.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.etree.ElementTree import ParseError

import feedparser  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml import ElementTree as SafeET

from sanctionscan.errors import SanctionscanError
from sanctionscan.htmltext import html_to_text
from sanctionscan.models import Document

FEED_ROOTS = frozenset({"rss", "feed", "rdf", "RDF"})
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


class FeedError(SanctionscanError):
    """Feed bytes that are unsafe, malformed or not a feed at all."""


class MalformedFeed(FeedError):
    """Feed bytes that are not well-formed XML (but declared no DTD or entity)."""


@dataclass(frozen=True)
class FeedEntry:
    feed: str  # the source the entry came from (URL or path as given)
    entry_id: str
    title: str | None
    link: str | None
    text: str
    published: date | None

    @property
    def link_only(self) -> bool:
        return not self.text.strip() and bool(self.link)


@dataclass(frozen=True)
class ParsedFeed:
    source: str
    title: str | None
    entries: list[FeedEntry]
    warning: str | None = None  # e.g. read leniently because the XML was not well formed


def looks_like_xml(data: bytes) -> bool:
    """True when bytes start like an XML document (used to tell a feed from a list of feeds)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def check_safe_xml(data: bytes, source: str) -> str:
    """Refuse dangerous or malformed XML; return the local name of the root element."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"{source}: refused unsafe XML ({type(exc).__name__}: {exc})") from exc
    except ParseError as exc:
        raise MalformedFeed(f"{source}: malformed XML ({exc})") from exc
    except (ValueError, RecursionError) as exc:  # pragma: no cover - exotic encodings, nesting
        raise FeedError(f"{source}: unreadable XML ({exc})") from exc
    tag = root.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_feed(data: bytes, source: str) -> ParsedFeed:
    """Parse RSS/Atom bytes into entries; raise `FeedError` for anything that is not a feed."""
    warning = None
    data = _valid_char_refs(data)
    try:
        root = check_safe_xml(data, source)
    except MalformedFeed as exc:
        # Real feeds often break XML in harmless ways (an HTML "&nbsp;" in a title). Without a
        # DTD there can be no entity declarations, hence no bomb: read such a feed leniently and
        # say so. Anything declaring a DTD must be well formed to be trusted.
        if not _lenient_is_safe(data):
            raise
        root, warning = "", f"{exc}; read leniently"
    if warning is None and root not in FEED_ROOTS:
        raise FeedError(f"{source}: not an RSS or Atom feed (root element <{root}>)")
    # Bytes only: feedparser never opens URLs or files we did not hand it.
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # its lenient parser has crashed on odd input before
        raise FeedError(f"{source}: the feed parser failed on this feed "
                        f"({type(exc).__name__}: {exc})") from exc
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw in parsed.entries:
        entry = _entry(raw, source)
        if entry is None or entry.entry_id in seen:
            continue
        seen.add(entry.entry_id)
        entries.append(entry)
    if warning is not None and (not parsed.get("version") or not entries):
        raise MalformedFeed(warning.removesuffix("; read leniently"))
    feed_title = parsed.feed.get("title") if parsed.get("feed") else None
    return ParsedFeed(source=source, title=_clean(feed_title), entries=entries, warning=warning)


def _valid_char_refs(data: bytes) -> bytes:
    """Numeric character references to code points that are no characters (a lone surrogate,
    NUL, beyond U+10FFFF) written as U+FFFD, as HTML decoding does: feedparser's lenient
    parser raised on `&#xD800;`, on every run until the feed changed."""
    if b"&#" not in data:
        return data

    def fix(match: re.Match[bytes]) -> bytes:
        hexa, decimal = match.groups()
        point = int(hexa, 16) if hexa is not None else int(decimal)
        if point == 0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
            return b"&#xFFFD;"
        return match.group()

    return _CHAR_REF.sub(fix, data)


def _lenient_is_safe(data: bytes) -> bool:
    head = data[:200]
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16/32: the byte search below would not see a DTD
    lowered = data.lower()
    return b"<!doctype" not in lowered and b"<!entity" not in lowered


def _entry(raw: feedparser.FeedParserDict, source: str) -> FeedEntry | None:
    link = _clean(raw.get("link"))
    title = _clean(html_to_text(raw.get("title", "") or ""))
    summary = raw.get("summary", "") or ""
    contents = [c.get("value", "") or "" for c in raw.get("content", []) or []]
    # Full content beats a teaser; fall back to the summary when content is absent or shorter.
    body_html = max([summary, *contents], key=len)
    text = html_to_text(body_html)
    entry_id = _clean(raw.get("id")) or link
    if entry_id and ":" not in entry_id:
        # A bare guid ("12345") is unique only within its feed; qualify it so two feeds that
        # number their items alike never collide (URLs, urn: and tag: ids are global already).
        entry_id = f"{source}#{entry_id}"
    if not entry_id:
        if not (title or text):
            return None  # an empty <item/>: nothing to scan, nothing to remember
        entry_id = "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]
    return FeedEntry(
        feed=source,
        entry_id=entry_id,
        title=title,
        link=link,
        text=text,
        published=_published(raw),
    )


def _published(raw: feedparser.FeedParserDict) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if isinstance(value, time.struct_time):
            try:
                stamp = calendar.timegm(value)
                return datetime.fromtimestamp(stamp, tz=UTC).date()
            except (OverflowError, ValueError):
                continue
    return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def entry_document(entry: FeedEntry, text: str | None = None, title: str | None = None) -> Document:
    """The document scanned for an entry; `text`/`title` replace the entry's when a page was
    fetched for a link-only entry."""
    body = entry.text if text is None else text
    heading = entry.title or title
    return Document(
        id=entry.entry_id,
        text=body,
        source=entry.feed,
        title=heading,
        url=entry.link,
        published=entry.published,
    )


def content_hash(doc: Document) -> str:
    """What "the entry changed" means: its title, text or link changed."""
    digest = hashlib.sha256()
    for part in (doc.title or "", doc.url or "", doc.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return "sha256:" + digest.hexdigest()
