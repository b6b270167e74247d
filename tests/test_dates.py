"""Dates as ABlog writers write them: month names accepted, numeric guesses refused with the ISO form to write."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from unscripted.core.dates import DateError, WrittenDate, machine_date, parse_date

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # ABlog's own shapes: `ablog post` writes %b %d, %Y; its docs use %d %b, %Y.
        ("Dec 01, 2026", "2026-12-01"),
        ("May 9, 2014", "2014-05-09"),
        ("Sept 3, 2024", "2024-09-03"),
        ("August 09, 2024", "2024-08-09"),
        ("september 01, 2021", "2021-09-01"),
        ("Jan 8th, 2024", "2024-01-08"),
        ("February 22nd 2024", "2024-02-22"),
        ("15 Apr, 2013", "2013-04-15"),
        ("06 May 2024", "2024-05-06"),
        ("1st of May 2024", "2024-05-01"),
        ("2024 May 06", "2024-05-06"),
        ("Tuesday, May 7, 2024", "2024-05-07"),
        ("2024-03-14", "2024-03-14"),
        ("2023/04/06", "2023-04-06"),
        ("2024.05.06", "2024-05-06"),
        ("Feb 29, 2020", "2020-02-29"),
    ],
)
def test_month_names_and_year_first_dates_are_read(text, day):
    assert parse_date(text) == WrittenDate(dt.date.fromisoformat(day))


def test_a_time_and_its_offset_are_kept():
    written = parse_date("17 Feb, 2013 17:04")
    assert (written.day, written.time, written.offset) == (dt.date(2013, 2, 17), dt.time(17, 4), None)
    assert parse_date("2024-03-14T09:30:00+01:00").iso() == "2024-03-14T09:30:00+01:00"
    assert parse_date("Mar 14, 2024 09:30 +0100").iso() == "2024-03-14T09:30:00+01:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/02/2024", "could be 1 February 2024 or 2 January 2024; write 2024-02-01 or 2024-01-02"),
        ("05.06.2024", "could be 5 June 2024 or 6 May 2024; write 2024-06-05 or 2024-05-06"),
        ("04-01-2022", "could be 4 January 2022 or 1 April 2022; write 2022-01-04 or 2022-04-01"),
        # One reading only, still refused: the next essay's 01/02 would be read another way.
        ("13/02/2024", "is a numeric date, which readers in other countries read differently; write 2024-02-13"),
        ("12/30/2020", "write 2020-12-30"),
        ("02/02/2024", "write 2024-02-02"),
        ("24-05-06", "has a two-digit year"),
        ("May 6, 24", "has a two-digit year"),
        ("Dec 2024", "has no day; write the whole date, 2024-12-DD"),
        ("2024-05", "has no day; write the whole date, 2024-05-DD"),
        ("2024", "has no month and day; write the whole date, 2024-MM-DD"),
        ("May 6", "has no year; write the whole date, YYYY-MM-DD"),
        ("Feb 30, 2024", "is not a real date: February 2024 has no day 30"),
        ("2024-13-01", "is not a real date"),
        ("Monday, May 7, 2024", "says Monday, but 7 May 2024 is a Tuesday; write 2024-05-07"),
        ("Jan 8rd, 2024", "writes 8rd, which should be 8th; write 2024-01-08"),
        ("Smarch 3, 2024", "names no month ('Smarch')"),
        ("sometime in May", "is not a date; write it as YYYY-MM-DD (ISO 8601), e.g. 2024-03-14"),
        ("2024-" + "9" * 10_000, "is not a date"),
    ],
)
def test_dates_that_could_be_misread_are_refused_saying_what_to_write(text, message):
    with pytest.raises(DateError) as refused:
        parse_date(text)
    assert message in str(refused.value)


def test_every_refusal_of_a_full_numeric_date_names_an_iso_date():
    """Whatever the day and month, an ambiguous date's message holds ISO dates that are real."""
    for first in range(1, 32):
        for second in range(1, 13):
            text = f"{first:02d}/{second:02d}/2024"
            with pytest.raises(DateError) as refused:
                parse_date(text)
            named = re.findall(r"\d{4}-\d{2}-\d{2}", str(refused.value))
            assert named, text
            for iso in named:
                parse_date(iso)  # a real date


def test_a_date_alone_stays_a_date_for_machines_and_a_time_keeps_its_offset():
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    assert machine_date(dt.datetime(2024, 7, 1, tzinfo=london)) == "2024-07-01"
    assert machine_date(dt.datetime(2024, 7, 1, 4, 30, tzinfo=london)) == "2024-07-01T04:30:00+01:00"
    assert machine_date(dt.datetime(2024, 1, 1, 0, 0, 1, tzinfo=dt.UTC)) == "2024-01-01T00:00:01+00:00"
