"""Datelines, event dates and years (sanctionscan.dates), with the shipped month names."""

from __future__ import annotations

from datetime import date

from grammar_fixture import english
from sanctionscan.dates import dateline, event_date, url_date, years_in


def _dateline(text: str) -> date | None:
    return dateline(text, english().dating.months)


def _event(sentence: str, published: date | None) -> date | None:
    g = english()
    return event_date(sentence.lower(), published, g.dating)


def test_dateline_read_from_article_head() -> None:
    assert _dateline("Thu, 28 May 2020\n\nUsed buses...") == date(2020, 5, 28)
    assert _dateline("January 16, 2024\nThe navy said") == date(2024, 1, 16)
    assert _dateline("No date here at all.") is None
    # an ISO date must start a word: "x2024-05-06" is a code, "(2024-05-06)" a date
    assert _dateline("Ref x2024-05-06 filed.") is None
    assert _dateline("Filed (2024-05-06) in Seoul.") == date(2024, 5, 6)
    # below the head, a date counts on a short line of its own
    head = "A headline that runs well past the first three hundred characters. " * 5
    assert _dateline(head + "\nBy a reporter\nUpdated: 3 May 2018\nBody text.") == date(
        2018, 5, 3)
    assert _dateline(head + "\nA long line that mentions 3 May 2018 among other things.") is None


def test_impossible_dates_in_a_head_are_not_datelines() -> None:
    assert _dateline("Filed 2019-02-30 in Seoul.") is None
    assert _dateline("31 Feb 2020\nText") is None


def test_event_date_prefers_the_latest_month_and_year_of_the_sentence() -> None:
    published = date(2024, 6, 1)
    assert _event("In March 2019 and again in October 2021 trucks were sent.",
                  published) == date(2021, 10, 15)
    assert _event("The trucks were sent in 2018.", published) == date(2018, 7, 1)
    assert _event("The trucks were sent last year.", published) == date(2023, 6, 1)
    assert _event("The trucks were sent.", published) == published
    assert _event("The trucks were sent.", None) is None


def test_since_is_a_lower_bound_and_a_measure_date_is_no_event_date() -> None:
    published = date(2024, 6, 1)
    # the embargo's date is not the event's: the event is told as of the article's date
    assert _event("Somalia has been under an arms embargo since 1992; rifles arrived.",
                  published) == published
    # without an article date, "since" bounds the event from below
    assert _event("The largest shipment since the embargo was lifted in December 2023.",
                  None) == date(2023, 12, 15)
    assert _event("Trucks were sent despite resolution 2397, adopted in December 2017.",
                  published) == published
    assert _event("Trucks were sent in 2019 despite resolution 2397, adopted in December 2017.",
                  published) == date(2019, 7, 1)


def test_since_last_year_bounds_the_event_and_is_no_date_of_its_own() -> None:
    published = date(2014, 3, 19)
    assert _event("A tanker loaded crude at a terminal that rebels have held since August "
                  "last year.", published) == published
    assert _event("A tanker loaded crude at the terminal last year.", published) == date(
        2013, 3, 19)


def test_last_year_from_a_leap_day() -> None:
    assert _event("Cars arrived last year.", date(2024, 2, 29)) == date(2023, 2, 28)


def test_years_and_decades() -> None:
    assert years_in("between 2017 and the 1990s") == [2017, 1995]
    assert years_in("flight 12017 and code x2019") == []


def test_url_dates() -> None:
    assert url_date("https://example.org/2019/07/18/ships-seized.html") == date(2019, 7, 18)
    assert url_date("https://example.org/news/2025-06-25/defense/deal") == date(2025, 6, 25)
    assert url_date("https://example.org/2024/03/dubai-cars") == date(2024, 3, 15)
    assert url_date("https://example.org/articles/266209/20250507/kim-visits") == date(2025, 5, 7)
    assert url_date("https://example.org/story/123456789") is None
    assert url_date("https://example.org/2019/13/40/x") is None
    assert url_date(None) is None
