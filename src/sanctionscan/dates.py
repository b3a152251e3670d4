"""Dates in news text: the page's dateline, the date a sentence's event happened, and years.

The only place that reads dates. Month names are language data (the grammar file's `dates`);
callers pass them in as a month-name -> number table, so this module sits below the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class EventDating:
    """The patterns that date an event in a sentence, built from a grammar file's `dates`."""

    months: Months
    month_year: re.Pattern[str]  # "June 2024", "June 5, 2024"; groups: month, year
    last_year: re.Pattern[str]
    lower_bound: re.Pattern[str]  # "since 2014": the event is after the date
    measure: re.Pattern[str]  # "adopted in December 2017": a measure's date


def _latest(stretch: str, dating: EventDating) -> date | None:
    """The latest month and year of `stretch` (day 15), else its latest year (1 July)."""
    # both patterns read four digits: most sentences have none, and one search says so
    if not _FOUR_DIGITS.search(stretch):
        return None
    found = dating.month_year.findall(stretch)
    if found:
        month, year = max(((dating.months[m], int(y)) for m, y in found),
                          key=lambda t: (t[1], t[0]))
        if 1950 <= year <= 2049:
            return date(year, month, 15)
    years = years_in(stretch)
    return date(max(years), 7, 1) if years else None


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def own_date(sentence_folded: str, dating: EventDating) -> tuple[date | None, date | None]:
    """The date a sentence gives its own event, and a date the event is after ("since
    2014"); a measure's date ("adopted in 2017") is neither."""
    if not _FOUR_DIGITS.search(sentence_folded):
        # (no year, so no date: the two dates are the latest of stretches of the sentence,
        # and most sentences name no year)
        return None, None
    lower = None
    for found in dating.lower_bound.finditer(sentence_folded):
        bound = _latest(found.group(), dating)
        if bound is not None and (lower is None or bound > lower):
            lower = bound
    rest = dating.measure.sub(_blank, dating.lower_bound.sub(_blank, sentence_folded))
    return _latest(rest, dating), lower


def event_date(sentence_folded: str, published: date | None, dating: EventDating,
               own_dates: tuple[date | None, date | None] | None = None) -> date | None:
    """The date of the event a sentence tells: its own latest month and year, else its latest
    year, else the year before `published` for "last year", else `published`, but never
    before a "since" date the sentence gives. `own_dates`: `own_date` of the sentence, when
    the caller has it."""
    own, lower = own_dates if own_dates is not None else own_date(sentence_folded, dating)
    if own is not None:
        return own
    # ("since August last year" is no "last year" of the event's own)
    if published is not None and dating.last_year.search(
            dating.lower_bound.sub(_blank, sentence_folded)):
        return published.replace(year=published.year - 1) if not (
            published.month == 2 and published.day == 29) else date(published.year - 1, 2, 28)
    if lower is not None and (published is None or published < lower):
        return lower
    return published


# News sites put the publication date in the article's address: /2019/07/18/, /2024/03/,
# -2025-06-25/, /20250321-.
_URL_DATE = re.compile(r"[/_-]((?:19|20)\d\d)[/_-](0[1-9]|1[0-2])(?:[/_-](0[1-9]|[12]\d|3[01]))?"
                       r"(?=[/_.-]|$)")
_URL_DIGITS = re.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def url_date(url: str | None) -> date | None:
    """The publication date a news page's address gives, if it gives one (a month without a
    day counts as its 15th)."""
    if not url:
        return None
    found = _URL_DATE.search(url) or _URL_DIGITS.search(url)
    if found is None:
        return None
    year, month, day = found.group(1), found.group(2), found.group(3)
    return safe_date(int(year), int(month), int(day) if day else 15)
