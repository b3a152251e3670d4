"""Segmentation: sentences and paragraphs with offsets, and marks for text that is not the story.

Nothing is ever deleted or rewritten here. Captions, image credits, repeated lines and trailing
site boilerplate ("Would you like to comment…") are *marked*, so later stages skip them while
every offset still points into the original article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations whose period does not end a sentence. Lower-cased, without the final period.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep rev st jr sr co corp inc ltd
    no nos vol fig approx est dept univ vs etc e.g i.e al jan feb mar apr jun jul aug sep sept
    oct nov dec u.n u.s u.k u.s.a e.u d.c p.m a.m
    """.split()
)

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace.
_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)""")
_LINE = re.compile(r"[^\n]+")

_BOILERPLATE_LINE = re.compile(
    r"""^\s*(
        (image|photo|photograph|picture|video|credit|source|caption|file\ photo)\s*[:|/-]
      | (related|read\ more|see\ also|share\ this|follow\ us|advertisement|subscribe)\b.{0,40}$
      | (scroll\ to\ top|leave\ a\ (comment|reply)|powered\ by\ automated\ translation)
      | (join\ our|sign\ up\ for|subscribe\ to)\b.*newsletter
      | total\ views:?\s*[\d,]+\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A photo credit anywhere in the line. Tested on its own and only where one of its words occurs:
# as a ".*\b(...)" branch of the pattern above it backtracked through every character of every
# line (40% of segmenting).
_CREDIT_IN_LINE = re.compile(
    r"\b(getty\ images|reuters/|afp\ via|ap\ photo|handout/|shutterstock)\b",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_WORDS = ("getty images", "reuters/", "afp via", "ap photo", "handout/", "shutterstock")


def _has_credit(line: str) -> bool:
    # For ASCII text, lower() and the pattern's IGNORECASE agree, so a line without any of the
    # words cannot match; other text goes straight to the pattern.
    if line.isascii():
        low = line.lower()
        if not ("getty images" in low or "reuters/" in low or "afp via" in low
                or "ap photo" in low or "handout/" in low or "shutterstock" in low):
            return False  # the words of _CREDIT_WORDS, unrolled: this runs for every line
    return bool(_CREDIT_IN_LINE.search(line))


# Lines that open the comment/footer block of a page: everything after them is site furniture.
_TRAILER_START = re.compile(
    r"""^\s*(
        would\ you\ like\ to\ comment
      | (please\ )?(register|sign\ in|log\ in)\b.*\b(comment|free)\b
      | please\ read\ our\ comment\ policy
      | your\ email\ address\ will\ not\ be\ published
      | please\ enter\ your\ (comment|name)
      | (leave|post)\ a\ (comment|reply)
      | more\ from\ (the\ )?author
      | comments?\s*\(\d+\)\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    boilerplate: bool = False
    duplicate_of: int | None = None  # index of an earlier sentence with the same words

    @property
    def analysable(self) -> bool:
        return not self.boilerplate and self.duplicate_of is None


def segment(text: str) -> list[Sentence]:
    """Split `text` into sentences; offsets are indices into `text` itself."""
    sentences: list[Sentence] = []
    seen: dict[str, int] = {}
    paragraph = 0
    previous_line_end = 0
    in_trailer = False
    for line in _LINE.finditer(text):
        if text.count("\n", previous_line_end, line.start()) > 1:
            paragraph += 1
        previous_line_end = line.end()
        line_text = line.group()
        if not line_text.strip():
            continue
        if _TRAILER_START.match(line_text):
            in_trailer = True
        line_boilerplate = in_trailer or bool(
            _BOILERPLATE_LINE.match(line_text) or _has_credit(line_text))
        for start, end in _split_line(line_text):
            a, b = line.start() + start, line.start() + end
            key = " ".join(text[a:b].lower().split())
            duplicate = seen.get(key) if len(key) > 20 else None
            if duplicate is None and key:
                seen[key] = len(sentences)
            sentences.append(
                Sentence(len(sentences), a, b, paragraph, line_boilerplate, duplicate)
            )
        paragraph += 1 if line_text.rstrip().endswith((".", "!", "?", "\"", "”")) else 0
    return sentences


def _split_line(line: str) -> list[tuple[int, int]]:
    spans = []
    start = _skip_space(line, 0)
    for match in _END.finditer(line):
        end = match.end()
        if end <= start or _is_abbreviation(line, match.start()):
            continue
        nxt = _skip_space(line, end)
        if nxt < len(line) and not _starts_sentence(line[nxt]):
            continue
        spans.append((start, _trim_end(line, start, end)))
        start = nxt
    if start < len(line) and line[start:].strip():
        spans.append((start, _trim_end(line, start, len(line))))
    return spans


def _skip_space(s: str, i: int) -> int:
    while i < len(s) and s[i].isspace():
        i += 1
    return i


def _trim_end(s: str, start: int, end: int) -> int:
    while end > start and s[end - 1].isspace():
        end -= 1
    return end


def _starts_sentence(ch: str) -> bool:
    return ch.isupper() or ch.isdigit() or ch in "\"'“‘([—-"


def _is_abbreviation(line: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial, not a sentence."""
    if line[dot] != ".":
        return False
    # Usually the word before the period runs back to a space: test that whole piece at once,
    # and walk back character by character only when it holds anything else.
    space = line.rfind(" ", 0, dot)
    piece = line[space + 1:dot]
    if piece.replace(".", "").isalpha():
        i = space + 1
    else:
        i = dot
        while i > 0 and (line[i - 1].isalpha() or line[i - 1] == "."):
            i -= 1
    word = line[i:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # single initials ("Kim J. Un", "U.N.") and dotted acronyms
    return len(word) == 1 and word.isalpha() or "." in word and len(word) <= 6
