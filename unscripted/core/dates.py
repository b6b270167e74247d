"""The dates a writer may write, strictly: ISO 8601, and the month-name forms ABlog writers use.

ABlog hands dates to dateutil, which guesses: ``01/02/2024`` is 2 January,
``13/02/2024`` is 13 February, ``May 6`` takes its year from the build
machine's clock. Here every accepted form has exactly one reading:

* ISO 8601: ``2024-03-14``, ``2024-03-14T09:30:00+01:00``;
* year first, with slashes or dots: ``2024/03/14``, ``2024.03.14``;
* month names in English, full or short (``Sept`` too), any case, with an
  optional weekday (which must be right) and an optional time:
  ``Dec 01, 2026``, ``August 09, 2024``, ``Jan 8th, 2024``, ``15 Apr, 2013``,
  ``1st of May 2024``, ``2024 May 06``, ``Tuesday, May 7, 2024``, ``17 Feb, 2013 17:04``.

Everything else is refused with the reason and, where the text says enough,
the exact ISO form to write instead: ``01/02/2024`` could be two dates (both
are named), ``May 2024`` lacks its day, ``24-05-06`` its century.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
MONTH_NAMES = tuple(
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)
LONGEST = 80  # no date is longer; longer text is not looked at character by character

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_TIME = r"(?:(?:,\s*|\s+(?:at\s+)?)(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<offset>\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?"
_WEEKDAY = r"(?:(?P<weekday>[A-Za-z]{3,9})\.?,?\s+)?"
ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<offset>Z|[+-]\d{2}:?\d{2})?)?"
)
YEAR_FIRST = re.compile(r"(?P<year>\d{4})(?P<sep>[/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})" + _TIME)
MONTH_FIRST = re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _TIME, re.I)
DAY_FIRST = re.compile(_WEEKDAY + _DAY + r"(?:\s+of)?\s+" + _MONTH + r",?\s+" + _YEAR + _TIME, re.I)
YEAR_MONTH_DAY = re.compile(_WEEKDAY + _YEAR + r",?\s+" + _MONTH + r"\s+" + _DAY + _TIME, re.I)
NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{2}|\d{4})(?:\s.*)?")
TWO_DIGIT_YEAR = re.compile(
    r"(?:\d{2}[/.-]\d{1,2}[/.-]\d{1,2}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2})", re.I
)
MONTH_AND_YEAR = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})|(?P<y2>\d{4})[-/. ](?P<m2>\d{1,2}|[A-Za-z]{3,9}\.?)", re.I
)
DAY_AND_MONTH = re.compile(
    r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+[A-Za-z]{3,9}\.?", re.I
)


class DateError(ValueError):
    """Why a text is not a date; the message says what to write instead."""


@dataclass(frozen=True)
class WrittenDate:
    """A date as written: the day, and the time and UTC offset if the writer gave them."""

    day: dt.date
    time: dt.time | None = None
    offset: dt.timezone | None = None

    def iso(self) -> str:
        if self.time is None:
            return self.day.isoformat()
        moment = dt.datetime.combine(self.day, self.time, tzinfo=self.offset)
        return moment.isoformat()


def machine_date(moment: dt.datetime) -> str:
    """*moment* for a ``<time datetime>``: the day alone when it is midnight (the writer gave
    only a date, so a time would claim more than they said), else the moment with its offset."""
    return moment.date().isoformat() if moment.time() == dt.time(0) else moment.isoformat()


def spelled(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def parse_date(text: str) -> WrittenDate:
    """Read *text* as one of the accepted forms; raise DateError saying what to write."""
    text = " ".join(str(text).split())
    if len(text) > LONGEST:
        raise DateError("is not a date; write it as YYYY-MM-DD (ISO 8601), e.g. 2024-03-14")
    if match := ISO.fullmatch(text):
        return _iso(match)
    for pattern in (YEAR_FIRST, MONTH_FIRST, DAY_FIRST, YEAR_MONTH_DAY):
        if match := pattern.fullmatch(text):
            return _named(match, text)
    raise DateError(_why_not(text))


def _iso(match: re.Match) -> WrittenDate:
    try:
        day = dt.date.fromisoformat(match["date"])
    except ValueError as error:
        raise DateError(f"is not a real date ({error})") from None
    return WrittenDate(day, *_time_and_offset(match, day))


def _named(match: re.Match, text: str) -> WrittenDate:
    month_text = match["month"]
    if month_text.isdigit():
        month = int(month_text)
    else:
        month = MONTHS.get(month_text.lower())
        if month is None:
            raise DateError(f"names no month ({month_text!r}); write it as YYYY-MM-DD, e.g. 2024-03-14")
    year, day_number = int(match["year"]), int(match["day"])
    try:
        day = dt.date(year, month, day_number)
    except ValueError:
        raise DateError(
            f"is not a real date: {MONTH_NAMES[month - 1] if 1 <= month <= 12 else 'month ' + str(month)} {year} "
            f"has no day {day_number}"
        ) from None
    suffix = match.groupdict().get("suffix")
    if suffix and suffix.lower() != _ordinal(day_number):
        raise DateError(f"writes {day_number}{suffix}, which should be {day_number}{_ordinal(day_number)}; write {day}")
    weekday = match.groupdict().get("weekday")
    if weekday:
        number = WEEKDAYS.get(weekday.lower())
        if number is None:
            raise DateError(f"starts with {weekday!r}, which is not a day of the week; write {day}")
        if number != day.weekday():
            raise DateError(f"says {weekday}, but {spelled(day)} is a {day.strftime('%A')}; write {day}")
    return WrittenDate(day, *_time_and_offset(match, day))


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _time_and_offset(match: re.Match, day: dt.date) -> tuple[dt.time | None, dt.timezone | None]:
    written = match.groupdict().get("time")
    if not written:
        return None, None
    try:
        time = dt.time.fromisoformat(written if len(written.split(":")[0]) == 2 else "0" + written)
    except ValueError:
        raise DateError(f"has the time {written}, which is not a time of day; write it like {day}T09:30:00") from None
    offset_text = (match.groupdict().get("offset") or "").strip()
    if not offset_text:
        return time, None
    if offset_text in {"Z", "UTC"}:
        return time, dt.UTC
    sign = -1 if offset_text[0] == "-" else 1
    digits = offset_text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise DateError(f"has the UTC offset {offset_text}, which does not exist; write it like +01:00")
    return time, dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _why_not(text: str) -> str:
    if match := NUMERIC.fullmatch(text):
        first, second, year = int(match["a"]), int(match["b"]), match["year"]
        if len(year) == 2:
            return "has a two-digit year; write the full year as YYYY-MM-DD, e.g. 2024-03-14"
        readings = []
        for day_number, month in ((first, second), (second, first)):
            try:
                readings.append(dt.date(int(year), month, day_number))
            except ValueError:
                continue
        readings = sorted(set(readings), key=lambda d: (d.month, d.day) != (second, first))
        if len(readings) == 2:
            a, b = readings
            return f"could be {spelled(a)} or {spelled(b)}; write {a} or {b}"
        if len(readings) == 1:
            return f"is a numeric date, which readers in other countries read differently; write {readings[0]}"
        return "is not a real date; write it as YYYY-MM-DD, e.g. 2024-03-14"
    if TWO_DIGIT_YEAR.fullmatch(text):
        return "has a two-digit year; write the full year as YYYY-MM-DD, e.g. 2024-03-14"
    if (match := MONTH_AND_YEAR.fullmatch(text)) or re.fullmatch(r"\d{4}", text):
        year, month = _year_and_month(match) if match else (int(text), None)
        if month:
            return f"has no day; write the whole date, {year}-{month:02d}-DD"
        return f"has no month and day; write the whole date, {year}-MM-DD"
    if DAY_AND_MONTH.fullmatch(text):
        return "has no year; write the whole date, YYYY-MM-DD"
    return "is not a date; write it as YYYY-MM-DD (ISO 8601), e.g. 2024-03-14"


def _year_and_month(match: re.Match) -> tuple[str, int | None]:
    values = match.groupdict()
    year = values.get("year") or values.get("y2") or "YYYY"
    month_text = (values.get("month") or values.get("m2") or "").rstrip(".")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    return year, month if month and 1 <= month <= 12 else None
