"""Reading dates, times and frequencies as people type them, in English and German.

Day-first German dates are parsed explicitly (`25.11.2026`), never guessed, and an
impossible date is an error rather than a nearby valid one.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _, ngettext
from kundenpflege.limits import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:  # dateutil loads on the paths that do calendar arithmetic (not `due`)
    from dateutil.relativedelta import relativedelta

# Patterns as text: `re` compiles each on first use and caches it, so a command that
# reads no dates pays nothing for them.

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_WORDS = {
    **{code: number for number, code in enumerate(WEEKDAY_CODES)},
    **dict.fromkeys(("monday", "mo", "montag"), 0),
    **dict.fromkeys(("tuesday", "di", "dienstag", "tues"), 1),
    **dict.fromkeys(("wednesday", "mi", "mittwoch"), 2),
    **dict.fromkeys(("thursday", "do", "donnerstag", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fr", "freitag"), 4),
    **dict.fromkeys(("saturday", "sa", "samstag", "sonnabend"), 5),
    **dict.fromkeys(("sunday", "so", "sonntag"), 6),
}
_DAY_WORDS = {
    "today": 0, "heute": 0, "now": 0, "jetzt": 0,
    "tomorrow": 1, "morgen": 1,
    "yesterday": -1, "gestern": -1,
    "übermorgen": 2, "uebermorgen": 2,
    "vorgestern": -2,
}  # fmt: skip
_OFFSET = r"([+-])\s*(\d{1,4})\s*([a-zäöü]*)"
_OFFSET_UNITS = {
    "days": ("", "d", "day", "days", "t", "tag", "tage", "tagen"),
    "weeks": ("w", "week", "weeks", "wo", "woche", "wochen"),
    "months": ("m", "month", "months", "mon", "monat", "monate", "monaten"),
    "years": ("y", "year", "years", "j", "jahr", "jahre", "jahren"),
}
_NEXT_WEEKDAY = (
    r"(?:next|this|coming|nächsten|naechsten|nächster|naechster|kommenden|am)?\s*([a-z]+)"
)
_ISO_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_GERMAN_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_TIME = r"(\d{1,2})[:.](\d{2})(?:\s*uhr)?"
DATE_HINT = N_("use YYYY-MM-DD, DD.MM.YYYY, today, +3d or next monday")


def _unit_for(word: str) -> str | None:
    return next((unit for unit, words in _OFFSET_UNITS.items() if word in words), None)


def _calendar_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise KundenpflegeError(_("'{text}' is not a real date").format(text=text)) from None


class UnreadableDate(KundenpflegeError):
    """Text that is no date in any form we read (callers may name forms of their own);
    a real date outside the journal's years, or no real date, is another error."""


def in_range(day: date, text: str) -> date:
    """A day within the years the journal keeps; beyond them is a typing error."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise KundenpflegeError(
            _("'{text}' lies outside the years the journal keeps ({first}-{last})").format(
                text=text, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return day


def from_iso(text: str | None) -> date | None:
    """A stored ISO date, or None for an empty column."""
    return date.fromisoformat(text) if text else None


def parse_date(text: str, today: date) -> date:
    """Read a calendar date relative to `today`; raise with a hint when unreadable
    or outside the years the journal keeps."""
    try:
        return in_range(_read_date(text, today), text)
    except (OverflowError, ValueError):  # an offset past year 9999
        raise KundenpflegeError(
            _("'{text}' lies outside the years the journal keeps ({first}-{last})").format(
                text=text, first=FIRST_YEAR, last=LAST_YEAR
            )
        ) from None


def is_offset(text: str) -> bool:
    """`+2d`, `+1 Woche`: a span from a day rather than a day someone named (a
    promise made so may move to a day that suits the customer)."""
    return re.fullmatch(_OFFSET, " ".join(text.strip().lower().split())) is not None


def _read_date(text: str, today: date) -> date:
    raw = " ".join(text.strip().lower().split())
    if raw in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[raw])
    if match := re.fullmatch(_ISO_DATE, raw):
        year, month, day = (int(part) for part in match.groups())
        return _calendar_date(year, month, day, text)
    if match := re.fullmatch(_GERMAN_DATE, raw):
        day, month, year = (int(part) for part in match.groups())
        return _calendar_date(year, month, day, text)
    if match := re.fullmatch(_OFFSET, raw):
        sign, amount, word = match.groups()
        unit = _unit_for(word)
        if unit is not None:
            count = int(amount) if sign == "+" else -int(amount)
            from dateutil.relativedelta import relativedelta

            return today + relativedelta(**{unit: count})  # type: ignore[arg-type]
    if (match := re.fullmatch(_NEXT_WEEKDAY, raw)) and match.group(1) in _WEEKDAY_WORDS:
        from dateutil.relativedelta import relativedelta, weekday

        target = weekday(_WEEKDAY_WORDS[match.group(1)])
        # "next monday" on a Monday means the one a week ahead, never today.
        return today + relativedelta(days=+1, weekday=target(+1))
    raise UnreadableDate(
        _("cannot read date '{text}'; {hint}").format(text=text, hint=_(DATE_HINT))
    )


def parse_moment(text: str, now: datetime) -> datetime:
    """Read `DATE[ TIME]` (or a bare time) in local time; a past day without time is noon."""
    local_now = now.astimezone()
    day_text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})t", r"\1 ", text.strip().lower())
    clock_time: time | None = None
    words = day_text.rsplit(" ", 1)
    if match := re.fullmatch(_TIME, words[-1]):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise KundenpflegeError(
                _("'{text}' is not a time of day; use HH:MM").format(text=words[-1])
            )
        clock_time = time(hour, minute)
        day_text = words[0] if len(words) == 2 else "today"
    day = parse_date(day_text, local_now.date())
    if clock_time is None:
        if day == local_now.date():
            return local_now
        clock_time = time(12, 0)
    return datetime.combine(day, clock_time).astimezone()


@dataclass(frozen=True)
class Frequency:
    """A stated rhythm such as 'every 2 weeks'; stored compactly as '2w'."""

    count: int
    unit: str  # days, weeks, months or years

    @property
    def code(self) -> str:
        return f"{self.count}{self.unit[0]}"

    @cached_property
    def delta(self) -> "relativedelta":
        return self._periods(1)

    @cached_property
    def twice(self) -> "relativedelta":
        """Two periods: how long a customer may go unheard before counting as silent."""
        return self._periods(2)

    def _periods(self, number: int) -> "relativedelta":
        from dateutil.relativedelta import relativedelta

        return relativedelta(**{self.unit: number * self.count})  # type: ignore[arg-type]

    @property
    def approximate_days(self) -> float:
        """For comparing rhythms ("more often than monthly?")."""
        per_unit = {"days": 1.0, "weeks": 7.0, "months": 30.44, "years": 365.25}
        return self.count * per_unit[self.unit]

    def describe(self) -> str:
        """The rhythm in words of the chosen language: 'monthly', 'alle 2 Wochen'."""
        names = {"1d": N_("daily"), "1w": N_("weekly"), "1m": N_("monthly"),
                 "3m": N_("quarterly"), "1y": N_("yearly")}  # fmt: skip
        if self.code in names:
            return _(names[self.code])
        count = self.count
        if self.unit == "days":
            return ngettext("every {count} day", "every {count} days", count).format(count=count)
        if self.unit == "weeks":
            return ngettext("every {count} week", "every {count} weeks", count).format(count=count)
        if self.unit == "months":
            return ngettext("every {count} month", "every {count} months", count).format(
                count=count
            )
        return ngettext("every {count} year", "every {count} years", count).format(count=count)


_NAMED_FREQUENCIES = {
    **dict.fromkeys(("daily", "täglich", "taeglich", "every day", "jeden tag"), "1d"),
    **dict.fromkeys(("weekly", "wöchentlich", "woechentlich", "every week", "jede woche"), "1w"),
    **dict.fromkeys(
        ("biweekly", "fortnightly", "zweiwöchentlich", "vierzehntägig", "14-tägig"), "2w"
    ),
    **dict.fromkeys(("monthly", "monatlich", "every month", "jeden monat"), "1m"),
    **dict.fromkeys(("bimonthly", "zweimonatlich"), "2m"),
    **dict.fromkeys(
        (
            "quarterly",
            "vierteljährlich",
            "vierteljaehrlich",
            "quartalsweise",
            "every quarter",
            "jedes quartal",
        ),
        "3m",
    ),
    **dict.fromkeys(
        ("half-yearly", "semiannually", "twice a year", "halbjährlich", "halbjaehrlich"), "6m"
    ),
    **dict.fromkeys(
        ("yearly", "annually", "jährlich", "jaehrlich", "every year", "jedes jahr"), "1y"
    ),
}
_FREQUENCY_UNITS = {
    "days": ("d", "day", "days", "tag", "tage", "tagen"),
    "weeks": ("w", "week", "weeks", "woche", "wochen"),
    "months": ("m", "month", "months", "monat", "monate", "monaten"),
    "quarters": ("q", "quarter", "quarters", "quartal", "quartale", "quartalen"),
    "years": ("y", "year", "years", "jahr", "jahre", "jahren"),
}
_LIMITS = {"days": 3660, "weeks": 520, "months": 120, "years": 10}
_EVERY = r"(?:every|alle|all|jede|jeden|jedes)?\s*(-?\d+)\s*([a-z]+)"
FREQUENCY_HINT = N_("try weekly, every 2 weeks, monthly, quarterly, alle 2 Wochen or monatlich")


def frequency_names() -> list[str]:
    """The rhythms known by name, English and German, as tab completion offers them."""
    return list(_NAMED_FREQUENCIES)


@lru_cache(maxsize=256)
def parse_frequency(text: str) -> Frequency:
    """Read a rhythm like 'alle 2 Wochen' or 'quarterly'; raise on nonsense or non-positive."""
    raw = " ".join(text.strip().lower().split())
    raw = _NAMED_FREQUENCIES.get(raw, raw)
    match = re.fullmatch(_EVERY, raw)
    unit = None
    if match:
        unit = next((u for u, words in _FREQUENCY_UNITS.items() if match.group(2) in words), None)
    if match is None or unit is None:
        raise KundenpflegeError(
            _("cannot read frequency '{text}'; {hint}").format(text=text, hint=_(FREQUENCY_HINT))
        )
    count = int(match.group(1))
    if unit == "quarters":
        unit, count = "months", count * 3
    if count < 1:
        raise KundenpflegeError(
            _("frequency '{text}' needs a positive number of periods").format(text=text)
        )
    if count > _LIMITS[unit]:
        raise KundenpflegeError(_("frequency '{text}' is longer than ten years").format(text=text))
    return Frequency(count, unit)


@lru_cache(maxsize=256)
def parse_weekdays(text: str) -> tuple[int, ...]:
    """Read 'di,do', 'tue thu' or 'mo-fr' into sorted weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for part in re.split(r"[,\s/]+", text.strip().lower()):
        if not part:
            continue
        ends = part.split("-")
        if len(ends) == 2 and all(end in _WEEKDAY_WORDS for end in ends):
            first, last = (_WEEKDAY_WORDS[end] for end in ends)
            days.update(
                range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            )
        elif part in _WEEKDAY_WORDS:
            days.add(_WEEKDAY_WORDS[part])
        else:
            raise KundenpflegeError(
                _("cannot read weekday '{text}'; use mon..sun or mo..so, e.g. 'di,do'").format(
                    text=part
                )
            )
    if not days:
        raise KundenpflegeError(_("no weekdays given; use e.g. 'tue,thu' or 'mo-fr'"))
    return tuple(sorted(days))


def weekday_codes(days: tuple[int, ...]) -> str:
    return ",".join(WEEKDAY_CODES[day] for day in days)


def next_preferred_day(day: date, preferred: tuple[int, ...]) -> date:
    """The first day on or after `day` that falls on a preferred weekday."""
    if not preferred:
        return day
    return min(day + timedelta(days=(number - day.weekday()) % 7) for number in preferred)


_TIMES_OF_DAY = {
    **dict.fromkeys(("morning", "morgens", "vormittags", "vormittag"), "morning"),
    **dict.fromkeys(("midday", "noon", "mittags", "mittag"), "midday"),
    **dict.fromkeys(("afternoon", "nachmittags", "nachmittag"), "afternoon"),
    **dict.fromkeys(("evening", "abends", "abend"), "evening"),
}
_TIME_RANGE = r"(\d{1,2}):(\d{2})(?:\s*-\s*(\d{1,2}):(\d{2}))?"


def parse_time_of_day(text: str) -> str:
    """Normalise 'vormittags', '14:00' or '9:00-11:00' to a stored form."""
    raw = text.strip().lower()
    if raw in _TIMES_OF_DAY:
        return _TIMES_OF_DAY[raw]
    if match := re.fullmatch(_TIME_RANGE, raw):
        numbers = [int(part) for part in match.groups() if part is not None]
        hours, minutes = numbers[0::2], numbers[1::2]
        if all(hour < 24 for hour in hours) and all(minute < 60 for minute in minutes):
            return "-".join(f"{h:02d}:{m:02d}" for h, m in zip(hours, minutes, strict=True))
    raise KundenpflegeError(
        _(
            "cannot read time of day '{text}'; use morning, afternoon, evening, 14:00 or 9:00-11:00"
        ).format(text=text)
    )
