"""Dates in news text: the page's dateline, the date a sentence's event happened, and years.

The only place that reads dates. Month names are language data (the grammar file's `dates`);
callers pass them in as a month-name -> number table, so this module sits below the lexicon.
"""

from __future__ import annotations

import re
from datetime import date

# (`\b` before the year written as a look-behind after its first digit: the pattern then
# opens with a "1" or "2", which the regex engine skips to at C speed)
_ISO = re.compile(r"((?:2(?<!\w2)0|1(?<!\w1)9)\d\d)-(\d\d)-(\d\d)\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d\d)\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b")
_DATE_LINE = re.compile(r"^[ \t]*(?:(?:Published|Updated|Posted|Date)\s*:?\s*)?"
                        r"(?:[A-Za-z]{3,9},?\s+)?[^\n]{6,30}$", re.MULTILINE)
# Every date the patterns above read holds a year: a page head without one has no dateline.
# (One search that skips to the next "1" or "2", where the three patterns try every word.)
_YEAR_DIGITS = re.compile(r"[12][09]\d\d")
_FOUR_DIGITS = re.compile(r"\d\d\d\d")
_YEAR = re.compile(r"(1(?<!\w1)9[5-9]\d|2(?<!\w2)0[0-4]\d)(s)?\b")

Months = dict[str, int]  # folded month name -> 1..12


def dateline(text: str, months: Months) -> date | None:
    """The publication date a news page prints near its top: in the first lines, or on a line
    of its own below the headline, byline and view counter."""
    if not _YEAR_DIGITS.search(text, 0, 1500):
        return None
    abbreviations = {name[:3]: number for name, number in months.items()}
    found = _first_date(text[:300], abbreviations)
    if found is not None:
        return found
    # _DATE_LINE.finditer(text[:1500]), tried at line starts only (where its ^ can match)
    # instead of at every character
    stop = min(len(text), 1500)
    start = 0
    while start < stop:
        line = _DATE_LINE.match(text, start, stop)
        if line is not None:
            found = _first_date(line.group(), abbreviations)
            if found is not None:
                return found
        start = text.find("\n", line.end() if line is not None else start, stop) + 1
        if not start:
            break
    return None


def _first_date(head: str, abbreviations: Months) -> date | None:
    if not _YEAR_DIGITS.search(head):
        return None
    candidates = []
    for m in _ISO.finditer(head):
        candidates.append((m.start(), safe_date(int(m[1]), int(m[2]), int(m[3]))))
    for m in _DMY.finditer(head):
        candidates.append((m.start(), _month_date(m[3], m[2], m[1], abbreviations)))
    for m in _MDY.finditer(head):
        candidates.append((m.start(), _month_date(m[3], m[1], m[2], abbreviations)))
    found = [d for _, d in sorted(candidates, key=lambda c: c[0]) if d is not None]
    return found[0] if found else None


def _month_date(year: str, month: str, day: str, abbreviations: Months) -> date | None:
    number = abbreviations.get(month[:3].lower())
    if number is None:
        return None
    return safe_date(int(year), number, int(day))


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def years_in(text: str) -> list[int]:
    """Years a sentence names; a decade ("the 1990s") counts as its middle year."""
    return [int(m.group(1)) + (5 if m.group(2) else 0) for m in _YEAR.finditer(text)]


def event_date(sentence_folded: str, published: date | None, month_year: re.Pattern[str],
               months: Months, last_year: re.Pattern[str]) -> date | None:
    """The date of the event a sentence tells: its latest month and year, else its latest
    year, else the year before `published` for "last year", else `published`."""
    # both patterns read four digits: most sentences have none, and one search says so
    if _FOUR_DIGITS.search(sentence_folded):
        found = month_year.findall(sentence_folded)
        if found:
            month, year = max(((months[m], int(y)) for m, y in found),
                              key=lambda t: (t[1], t[0]))
            if 1950 <= year <= 2049:
                return date(year, month, 15)
        years = years_in(sentence_folded)
        if years:
            return date(max(years), 7, 1)
    if published is not None and last_year.search(sentence_folded):
        return published.replace(year=published.year - 1) if not (
            published.month == 2 and published.day == 29) else date(published.year - 1, 2, 28)
    return published
