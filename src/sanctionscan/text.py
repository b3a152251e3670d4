"""Segmentation: sentences with offsets, and marks for text that is not the story.

Nothing is ever deleted or rewritten here. Captions, image credits, repeated lines and trailing
site boilerplate ("Would you like to comment…") are *marked*, so later stages skip them while
every offset still points into the original article text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, NamedTuple, TypeVar

# Abbreviations whose period does not end a sentence. Lower-cased, without the final period.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev st jr sr co corp inc ltd
    no nos vol fig approx est dept univ vs etc e.g i.e al jan feb mar apr jun jul aug sep sept
    oct nov dec u.n u.s u.k u.s.a e.u d.c p.m a.m
    """.split()
)

_BOILERPLATE_ALTERNATIVES = r"""
        (image|photo|photograph|picture|video|credit|source|caption|file\ photo)\s*[:|/-]
      | (related|read\ more|see\ also|share\ this|follow\ us|advertisement|subscribe)\b.{0,40}$
      | (scroll\ to\ top|leave\ a\ (comment|reply)|powered\ by\ automated\ translation)
      | (join\ our|sign\ up\ for|subscribe\ to)\b.*newsletter
      | total\ views:?\s*[\d,]+\s*$
"""
# A photo credit anywhere in the line. Tested on its own and only where one of its words occurs:
# as a ".*\b(...)" branch of the pattern above it backtracked through every character of every
# line (40% of segmenting).
_CREDIT_IN_LINE = re.compile(
    r"\b(getty\ images|reuters/|afp\ via|ap\ photo|handout/|shutterstock)\b",
    re.IGNORECASE | re.VERBOSE,
)
CREDIT_WORDS = ("getty images", "reuters/", "afp via", "ap photo", "handout/", "shutterstock")


def _has_credit(line: str) -> bool:
    # For ASCII text, lower() and the pattern's IGNORECASE agree, so a line without any of the
    # words cannot match; other text goes straight to the pattern.
    if line.isascii():
        low = line.lower()
        if not ("getty images" in low or "reuters/" in low or "afp via" in low
                or "ap photo" in low or "handout/" in low or "shutterstock" in low):
            return False  # the words of CREDIT_WORDS, unrolled: this runs for every line
    return bool(_CREDIT_IN_LINE.search(line))


# Lines that open the comment/footer block of a page: everything after them is site furniture.
_TRAILER_ALTERNATIVES = r"""
        would\ you\ like\ to\ comment
      | (please\ )?(register|sign\ in|log\ in)\b.*\b(comment|free)\b
      | please\ read\ our\ comment\ policy
      | your\ email\ address\ will\ not\ be\ published
      | please\ enter\ your\ (comment|name)
      | (leave|post)\ a\ (comment|reply)
      | more\ from\ (the\ )?author
      | comments?\s*\(\d+\)\s*$
"""
# Both in one match per line, the trailer first: it decides whether the trailer starts, and
# either makes the line boilerplate. No alternative starts with a space, so the leading \s*
# gives them all the same start.
_LINE_MARKS = re.compile(
    r"^\s*(?:(?P<trailer>" + _TRAILER_ALTERNATIVES + ")|(?:" + _BOILERPLATE_ALTERNATIVES + "))",
    re.IGNORECASE | re.VERBOSE)
# The first words of the alternatives above, as they begin: an ASCII line that begins with none
# of them (after its leading whitespace, in any case) is not marked, found without trying two
# dozen alternatives on it. Keep in step with the patterns (a test tries each alternative).
_MARK_OPENINGS = (
    "would", "please", "register", "sign", "log", "your", "leave", "post", "more", "comment",
    "image", "photo", "picture", "video", "credit", "source", "caption", "file", "related",
    "read", "see", "share", "follow", "advertisement", "subscribe", "scroll", "powered",
    "join", "total",
)


def _line_marks(line: str) -> re.Match[str] | None:
    """`_LINE_MARKS.match(line)`."""
    if line.isascii():
        head = line[:40].lstrip()
        if head and not head[:13].lower().startswith(_MARK_OPENINGS):
            return None
    return _LINE_MARKS.match(line)


class Sentence(NamedTuple):
    # A named tuple, not a frozen dataclass: an article has dozens of sentences and a tuple is
    # built in one step, where a frozen dataclass sets each field through object.__setattr__.
    start: int
    end: int
    boilerplate: bool = False
    duplicate_of: int | None = None  # start of the first sentence with the same words

    @property
    def analysable(self) -> bool:
        return not self.boilerplate and self.duplicate_of is None


def segment(text: str, until: int | None = None, credits: bool | None = None,
            analysable_only: bool = False) -> list[Sentence]:
    """Split `text` into sentences; offsets are indices into `text` itself. With `until`,
    only the lines that start at or before it (what a sentence is never depends on the
    lines after it). `credits=False`: the caller knows that no word of `CREDIT_WORDS` is a
    word of the text (a whole word, punctuation as spaces, any case), so no line is looked
    at for a photo credit but those with characters beyond ASCII. `analysable_only`: only
    the sentences that are neither boilerplate nor a repeat (`Sentence.analysable`)."""
    return Segmentation(text, credits, analysable_only).up_to(until)


class Segmentation:
    """`segment` of one text, split only as far as asked so far: a later stage that needs the
    sentences beyond `until` gets them without the lines before being split again."""

    def __init__(self, text: str, credits: bool | None = None,
                 analysable_only: bool = False) -> None:
        self.text = text
        self.credits = credits
        self.analysable_only = analysable_only
        self._sentences: list[Sentence] = []
        self._lines = _line_sentences(text, credits, analysable_only)
        self._next: tuple[int, list[Sentence]] | None = None  # split, not yet asked for

    def up_to(self, until: int | None = None) -> list[Sentence]:
        """The sentences of the lines that start at or before `until` (None: all)."""
        last = len(self.text) if until is None else until
        while True:
            if self._next is None:
                self._next = next(self._lines, None)
                if self._next is None:
                    break
            line_start, sentences = self._next
            if line_start > last:
                break
            self._sentences += sentences
            self._next = None
        return list(self._sentences)

    def reads_credits_as_segment(self) -> bool:
        """Whether its sentences are those of `segment(text)` (credits not given): the caller's
        word on photo credits, when given, is what segment would find itself."""
        return self.credits is None or self.credits == _credit_words_in(self.text)


def _credit_words_in(text: str) -> bool:
    """What segment looks for photo credits in when not told: every line of a text whose
    lower case is not its own length (or holds a capital sigma), else the ASCII lines only
    when the text holds one of the words of CREDIT_WORDS."""
    lowered = text.lower()
    if len(lowered) != len(text) or "Σ" in text:
        return True
    return any(word in lowered for word in CREDIT_WORDS)


def _line_sentences(text: str, credits: bool | None, analysable_only: bool
                    ) -> Iterator[tuple[int, list[Sentence]]]:
    """Each line's start and sentences, line by line (see `segment`)."""
    seen: dict[str, int] = {}
    in_trailer = False
    # One lower-cased copy of the text for the duplicate keys and the photo-credit words, where
    # its slices equal the lower-cased slices: every character lowers to one character, and no
    # capital sigma, whose lower case depends on the letters around it.
    lowered = text.lower()
    low = lowered if len(lowered) == len(text) and "Σ" not in text else None
    # Without any whitespace but spaces and newlines, a sentence's key is its lower-cased
    # slice itself unless two spaces meet in it: no split and join per sentence.
    plain = low is not None and not any(
        space in text for space in (_ASCII_SPACES if text.isascii() else _OTHER_SPACES))
    # An ASCII line holds a photo credit only if the whole text holds one of its words.
    credit_words = credits if credits is not None else low is None or any(
        word in low for word in CREDIT_WORDS)
    new = tuple.__new__
    line_start = 0
    for line_text in text.split("\n"):  # the same lines as finditer("[^\n]+"), unmatched
        ls = line_start
        le = ls + len(line_text)
        line_start = le + 1
        if not line_text:
            continue
        stripped_end = len(line_text.rstrip())
        if not stripped_end:
            continue
        if in_trailer:
            line_boilerplate = True
        else:
            marked = _line_marks(line_text)
            if marked is None:
                line_boilerplate = (credit_words or not line_text.isascii()) and _has_credit(
                    line_text)
            else:
                in_trailer = marked.start("trailer") >= 0
                line_boilerplate = True
        stripped_end += ls
        sentences: list[Sentence] = []
        for a, b in _line_spans(text, ls, le, stripped_end):
            duplicate = None
            # A key of 20 characters or fewer is never looked up, so it is not stored either;
            # without `low` a character may lower to two, and the key outgrow its sentence.
            if b - a > 20 or low is None:
                if plain:
                    key = lowered[a:b]  # `plain` holds only where `low` is `lowered`
                    if "  " in key:
                        key = " ".join(key.split())
                else:
                    key = " ".join((low[a:b] if low is not None else text[a:b].lower()).split())
                if len(key) > 20:
                    # the start of the first sentence with these words: this one's, or an
                    # earlier one's (then this one repeats it)
                    duplicate = seen.setdefault(key, a)
                    if duplicate == a:
                        duplicate = None
            if analysable_only and (line_boilerplate or duplicate is not None):
                continue
            # Sentence(...) without the named tuple's Python-level __new__
            sentences.append(new(Sentence, (a, b, line_boilerplate, duplicate)))
        yield ls, sentences


# Every character str.split() splits on but " " and "\n" (a sentence holds no newline); the
# ASCII ones first, all an ASCII text can hold.
_OTHER_SPACES = (
    "\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f",
    "\x85", "\xa0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005",
    "\u2006", "\u2007", "\u2008", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f",
    "\u205f", "\u3000",
)
_ASCII_SPACES = _OTHER_SPACES[:8]
# Where a sentence may end: . ! ? and any closing quotes or brackets before whitespace, the
# whitespace captured (where the next sentence starts). `[.!?][.!?]*`, not `[.!?]+`: a pattern
# that opens with a plain character class lets the regex engine skip to the next candidate at
# C speed, twice as fast over a whole article.
_END_THEN_SPACE = re.compile(r"""[.!?][.!?]*["'”’)\]]*(?=(\s+))""")


S = TypeVar("S", bound=tuple[Any, ...])


def starting_in(items: list[S], within: list[tuple[int, int]]) -> list[S]:
    """The `items` (tuples whose first field is a start offset: spans, hits) that start in
    one of the stretches `within` (sorted, disjoint), in their order."""
    if not within:
        return []
    starts = [lo for lo, _ in within]
    kept = []
    for item in items:
        k = bisect_right(starts, item[0]) - 1
        if k >= 0 and item[0] < within[k][1]:
            kept.append(item)
    return kept


def _line_spans(text: str, ls: int, le: int, stripped_end: int) -> list[tuple[int, int]]:
    """The sentences of the line text[ls:le], in offsets of `text`; `stripped_end` is where the
    line's trailing whitespace starts. A sentence ends at . ! ? (with any closing quotes or
    brackets) before whitespace, unless the period closes an abbreviation or an initial, or
    the next word starts in lower case."""
    spans = []
    start = ls
    while start < le and text[start].isspace():
        start += 1
    tails = _ABBREVIATION_TAILS
    for match in _END_THEN_SPACE.finditer(text, ls, le):
        end = match.end()
        if end <= start:
            continue
        dot = match.start()
        if text[dot] == ".":
            # whether the period closes an abbreviation depends on the letters and periods
            # before it, and never on more than seven of them
            tail = text[dot - 7 if dot - 7 > ls else ls:dot]
            verdict = tails.get(tail)
            if verdict is None:
                if len(tails) >= _TAILS_MAX:
                    tails.clear()
                verdict = tails[tail] = _is_abbreviation_tail(tail)
            if verdict:
                continue
        nxt = match.end(1)
        if nxt < le:
            ch = text[nxt]
            if not (ch.isupper() or ch.isdigit() or ch in "\"'“‘([—-"):
                continue
        spans.append((start, end))  # `end` follows punctuation: nothing to trim
        start = nxt
    if start < le:  # `start` is past any whitespace, so the rest holds some text
        spans.append((start, stripped_end))
    if _GLUED_END.search(text, ls, le) is None:
        return spans
    return [piece for span in spans for piece in _unglued(text, *span)]


# "...arms shipments.Two truckloads...": a sentence end with no space after it, as scraped
# pages glue them (a word of two or more lower-case letters, then . ! ?, then a capitalised
# word)
# (opens with its punctuation, which the regex engine skips to at C speed; the letters before
# it are a look-behind)
_GLUED_END = re.compile(r"[.!?](?<=[a-z][a-z][.!?])[\"'”’)]*(?=[A-Z][a-z])")


def _unglued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span text[start:end] cut at each glued sentence end that closes no abbreviation."""
    pieces = []
    for match in _GLUED_END.finditer(text, start, end):
        cut = match.end()
        dot = match.start()
        if text[dot] == "." and _is_abbreviation_tail(text[max(start, dot - 7):dot]):
            continue
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _is_abbreviation_tail(tail: str) -> bool:
    """Whether a period after `tail` (the text before it on its line, up to seven characters)
    closes an abbreviation or an initial: the letters and periods right before it make a word
    of `_ABBREVIATIONS`, a single letter, or a short dotted form ("e.g", "U.S"). A word of
    seven or more is none of these, so seven characters decide."""
    i = len(tail)
    while i > 0 and (tail[i - 1].isalpha() or tail[i - 1] == "."):
        i -= 1
    word = tail[i:].lower()
    if not word or len(word) >= 7:
        return False
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha() or "." in word and len(word) <= 6


# tail -> _is_abbreviation_tail(tail): the same words end sentences again and again
_ABBREVIATION_TAILS: dict[str, bool] = {}
_TAILS_MAX = 1 << 16


_WORD = re.compile(r"[\w'-]+|[^\w\s]")


def words(stretch: str) -> list[str]:
    """The words and punctuation marks of `stretch`, in order ("Iran's", "-", ",")."""
    return _WORD.findall(stretch)
