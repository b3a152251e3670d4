"""Main text of an HTML article page, with the standard library's tolerant HTML parser.

It owns the decision of which words on a page are the article: scripts, styles, navigation,
headers, footers, asides, forms and the like are dropped; when the page marks an `<article>` (or
failing that a `<main>`), only that part is kept. The result is plain text with one blank line
between paragraphs, so sentence segmentation and evidence offsets work on it exactly as on a
plain-text article: offsets reported for an HTML input point into this extracted text.

`html.parser` never recurses, so deeply nested or unclosed markup costs time linear in its size
and cannot overflow the stack; a nesting counter keeps pathological pages from growing state.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

# Content inside these never belongs to the article body.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "footer", "aside", "header", "form",
        "button", "select", "option", "textarea", "svg", "math", "iframe", "object", "embed",
        "canvas", "figure", "dialog", "menu",
    }
)  # fmt: skip
# Tags whose start or end ends a paragraph.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th",
        "body", "html", "address", "details", "summary", "figcaption", "caption",
    }
)  # fmt: skip
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr", "param", "keygen"}
)  # fmt: skip
# Class/id words that mark page furniture even on a plain <div>.
BOILERPLATE_HINT = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|cookie|banner|share|social|related|"
    r"newsletter|comments?|advert|ads?|promo|breadcrumbs?|subscribe)(?:$|[\s_-])",
    re.IGNORECASE,
)
MAX_DEPTH = 2000  # beyond this nesting we stop tracking structure, not text
_SPACE = re.compile(r"\s+")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a dropped region)
        # how many of each tag are open: an end tag nobody opened is ignored without walking
        # the stack, so a flood of stray end tags on deep markup stays linear
        self.open_counts: Counter[str] = Counter()
        self.drop_depth = 0
        self.article_depth = 0
        self.main_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self.in_h1 = False
        self.og_title: str | None = None
        # paragraphs as (text, inside <article>, inside <main>)
        self.blocks: list[tuple[str, bool, bool]] = []
        self.current: list[str] = []
        self.current_article = False
        self.current_main = False

    # -- structure -------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(attrs)
            return
        if tag == "title":
            self.in_title = True
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in VOID_TAGS:
            return
        if len(self.stack) >= MAX_DEPTH:
            return
        drops = tag in DROP_TAGS or self._looks_like_furniture(tag, attrs)
        self.stack.append((tag, drops))
        self.open_counts[tag] += 1
        if drops:
            self.drop_depth += 1
        if tag == "article":
            self.article_depth += 1
        elif tag == "main":
            self.main_depth += 1
        elif tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in BLOCK_TAGS:
            self._flush()
        # Close up to the matching open tag; unmatched end tags are ignored, like a browser.
        if not self.open_counts[tag]:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for closed, drops in reversed(self.stack[i:]):
                    self.open_counts[closed] -= 1
                    if drops:
                        self.drop_depth -= 1
                    if closed == "article":
                        self.article_depth -= 1
                    elif closed == "main":
                        self.main_depth -= 1
                    elif closed == "h1":
                        self.in_h1 = False
                del self.stack[i:]
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(attrs)
        elif tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.drop_depth:
            return
        if self.in_h1:
            self.h1_parts.append(data)
        if not self.current:
            self.current_article = self.article_depth > 0
            self.current_main = self.main_depth > 0
        self.current.append(data)

    # -- helpers ---------------------------------------------------------------------------

    def _meta(self, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if (values.get("property") or values.get("name")) in ("og:title", "twitter:title"):
            content = values.get("content")
            if content and not self.og_title:
                self.og_title = _SPACE.sub(" ", content).strip()

    @staticmethod
    def _looks_like_furniture(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag not in ("div", "section", "ul", "span", "p"):
            return False
        for name, value in attrs:
            if name in ("class", "id", "role") and value and BOILERPLATE_HINT.search(value):
                return True
        return False

    def _flush(self) -> None:
        if self.current:
            text = _SPACE.sub(" ", "".join(self.current)).strip()
            if text:
                self.blocks.append((text, self.current_article, self.current_main))
            self.current = []

    def finish(self) -> tuple[str, str | None]:
        self._flush()
        blocks = self.blocks
        # An explicit <article> (or <main>) is the author telling us where the story is.
        if any(in_article for _, in_article, _ in blocks):
            chosen = [text for text, in_article, _ in blocks if in_article]
        elif any(in_main for _, _, in_main in blocks):
            chosen = [text for text, _, in_main in blocks if in_main]
        else:
            chosen = [text for text, _, _ in blocks]
        title = self.og_title
        if not title:
            h1 = _SPACE.sub(" ", "".join(self.h1_parts)).strip()
            page_title = _SPACE.sub(" ", "".join(self.title_parts)).strip()
            title = h1 or page_title or None
        return "\n\n".join(chosen), title


def extract_main_text(html: str) -> tuple[str, str | None]:
    """Return (main text, title) of an HTML page; paragraphs separated by blank lines."""
    extractor = _Extractor()
    # NUL bytes make some downstream tools treat the text as binary; they are never content.
    extractor.feed(html.replace("\x00", ""))
    extractor.close()
    return extractor.finish()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary): markup removed, paragraphs kept."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    text, _ = extract_main_text(fragment)
    return text


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: charset from the HTTP header, else a <meta charset>, else UTF-8."""
    charset: str | None = None
    if content_type:
        header = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
        if header:
            charset = header.group(1)
    if charset is None:
        meta = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
        if meta:
            charset = meta.group(1).decode("ascii", "replace")
    if data.startswith(b"\xef\xbb\xbf"):
        charset = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        charset = "utf-16"  # the byte-order mark outranks any label: it is what the bytes are
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset name Python does not know
        return data.decode("utf-8", errors="replace")
