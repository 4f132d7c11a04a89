"""Which day we suggest for a contact (DESIGN §3): a weekday the customer asked for,
else one of our working days; never a public holiday of the journal's region. A
suggestion that moved names every reason, so nobody wonders why Monday."""

from datetime import date, timedelta
from typing import NamedTuple

from kundenpflege import i18n
from kundenpflege.domain import journal
from kundenpflege.domain.dates import parse_weekdays, weekday_codes
from kundenpflege.i18n import N_, _
from kundenpflege.storage import holidays, settings
from kundenpflege.storage.connection import Connection

WORKDAYS_KEY = "workdays"
DEFAULT_WORKDAYS = "mon,tue,wed,thu,fri"
REACH = 60  # days a suggestion may move: past any run of holidays and days off
WEEKEND = (5, 6)
_DAY_NAMES = (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
)  # fmt: skip


class Calendar(NamedTuple):  # NamedTuple, not dataclass: `due` loads this module
    """Our working days and the region's holidays (by day, named in the language
    spoken) over the days a report can suggest."""

    workdays: tuple[int, ...]
    holidays: dict[date, str]


class Suggestion(NamedTuple):
    day: date
    reasons: tuple[str, ...]  # why it is not the day it was due, in the language spoken


region = holidays.region


def workdays(connection: Connection) -> tuple[int, ...]:
    return parse_weekdays(settings.get(connection, WORKDAYS_KEY, DEFAULT_WORKDAYS))


def calendar(connection: Connection, first: date, last: date) -> Calendar:
    """What suggestions from `first` to `last` need (one indexed read, no package)."""
    column = "name_de" if i18n.current() == "de" else "name_en"
    named = holidays.between(
        connection,
        region(connection),
        first.isoformat(),
        (last + timedelta(days=REACH)).isoformat(),
        column,
    )
    return Calendar(workdays(connection), {date.fromisoformat(day): n for day, n in named.items()})


@journal.writes
def set_region(connection: Connection, text: str) -> str:
    """Plan on the working days of this region from now on: its holidays are
    computed into the journal now, so that no report needs the package."""
    name = holidays.spelled(*holidays.canonical(text))
    holidays.store(connection, name)
    settings.put(connection, holidays.REGION_KEY, name)
    return name


@journal.writes
def set_workdays(connection: Connection, text: str) -> tuple[int, ...]:
    days = parse_weekdays(text)
    settings.put(connection, WORKDAYS_KEY, weekday_codes(days))
    return days


@journal.writes
def refresh(connection: Connection) -> bool:
    """Compute the region's holidays again if another package version would name
    other days (`init` does this); True when it did."""
    if holidays.outdated(connection) is None:
        return False
    holidays.store(connection, region(connection))
    return True


def suggest(due: date, preferred: tuple[int, ...], calendar: Calendar) -> Suggestion:
    """The first day on or after `due` that suits: on a weekday the customer asked for
    (theirs wins over our working days), else on one of ours; never a holiday."""
    wanted = preferred or calendar.workdays
    skipped: list[date] = []
    day = due
    while day.weekday() not in wanted or day in calendar.holidays:
        if len(skipped) >= REACH:  # no day suits (cannot happen with weekdays to choose)
            return Suggestion(due, ())
        skipped.append(day)
        day += timedelta(days=1)
    return Suggestion(day, _reasons(skipped, preferred, calendar))


def _days_text(days: tuple[int, ...]) -> str:
    """Tue, Thu; a run of three or more as Mon–Fri."""
    runs: list[list[int]] = []
    for number in days:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        f"{i18n.weekday(run[0])}–{i18n.weekday(run[-1])}"
        if len(run) > 2
        else ", ".join(i18n.weekday(number) for number in run)
        for run in runs
    )


def _reasons(
    skipped: list[date], preferred: tuple[int, ...], calendar: Calendar
) -> tuple[str, ...]:
    """Holidays by name; a weekend as such, other days off by name; days the customer
    did not ask for as their days."""
    # Holidays that stood in the way: on a day we would have taken otherwise (one of
    # their days, when they named some; any, else, as a holiday weekend is named).
    named = dict.fromkeys(
        calendar.holidays[day]
        for day in skipped
        if day in calendar.holidays and (not preferred or day.weekday() in preferred)
    )
    reasons = list(named)
    ordinary = [
        day
        for day in skipped
        if day not in calendar.holidays or (preferred and day.weekday() not in preferred)
    ]
    if preferred:
        if ordinary:
            reasons.append(_("their days: {days}").format(days=_days_text(preferred)))
        return tuple(reasons)
    if ordinary:
        off = dict.fromkeys(
            day.weekday() for day in skipped if day.weekday() not in calendar.workdays
        )
        weekend = set(WEEKEND) <= set(off)
        named_off = {day.weekday() for day in ordinary}
        reasons += [
            _(_DAY_NAMES[number])
            for number in off
            if number in named_off and not (weekend and number in WEEKEND)
        ]
        if weekend:
            reasons.append(_("weekend"))
    return tuple(reasons)
